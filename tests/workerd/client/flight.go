package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

// The contract (playground/httpserver; README "The server behind HTTP").
const (
	pathInfo    = "/tls/info"
	pathFlight  = "/tls/flight"
	headerToken = "Tls-Playground-Token"
	headerState = "Tls-Playground-State"
	contentType = "application/octet-stream"
)

// target is a server and what the client trusts.
type target struct {
	base       string // "http://127.0.0.1:PORT", no trailing slash
	roots      *x509.CertPool
	serverName string
	hc         *http.Client
}

func newTarget(base, trustFile string, conns int) (*target, error) {
	if base == "" {
		return nil, errors.New("-url is required")
	}
	if trustFile == "" {
		return nil, errors.New("-trust is required (the root's PEM)")
	}
	pemBytes, err := os.ReadFile(trustFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("%s: no certificate", trustFile)
	}
	t := &target{
		base:  strings.TrimRight(base, "/"),
		roots: roots,
		hc: &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				MaxIdleConns:        conns * 2,
				MaxIdleConnsPerHost: conns * 2,
				IdleConnTimeout:     30 * time.Second,
			},
		},
	}
	info, err := t.info(context.Background())
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", pathInfo, err)
	}
	t.serverName = info.ServerName
	return t, nil
}

// info is the body of GET /tls/info.
type info struct {
	ServerName string   `json:"serverName"`
	Modes      []string `json:"modes"`
	CertPEM    string   `json:"certPem"`
	MaxBody    int64    `json:"maxBody"`
	// ReplayProtection says what a replayed (token, flight) gets.
	ReplayProtection string `json:"replayProtection"`
}

func (t *target) info(ctx context.Context) (*info, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, t.base+pathInfo, nil)
	resp, err := t.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	var in info
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if in.ServerName == "" || in.CertPEM == "" || in.MaxBody <= 0 {
		return nil, fmt.Errorf("incomplete: %s", body)
	}
	return &in, nil
}

// apiError is an error answer: {"error": {...}} with its HTTP status.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Alert   string `json:"alert"`
	Records string `json:"records"`
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Code, e.Message)
	if e.Alert != "" {
		s += " (alert " + e.Alert + ")"
	}
	return s
}

// decodeError reads a JSON error body; a body that is not one is itself an error.
func decodeError(status int, hdr http.Header, body []byte) error {
	var v struct {
		Error *apiError `json:"error"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Error == nil || v.Error.Code == "" || v.Error.Message == "" {
		return fmt.Errorf("HTTP %d with a body that is not the JSON error of the contract: %.200q", status, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("HTTP %d %s with Content-Type %q, want application/json", status, v.Error.Code, ct)
	}
	v.Error.Status = status
	return v.Error
}

// conn is one TLS connection carried over HTTP flights.
type conn struct {
	t     *target
	mode  string
	ep    endpoint.Endpoint
	token string
	state string
	rtts  []time.Duration // one per POST
}

func (t *target) newConn(mode string) (*conn, error) {
	var ep endpoint.Endpoint
	switch mode {
	case "tls13":
		ep = tls13.Client(&tls13.Config{Rand: rand.Reader, ServerName: t.serverName, Roots: t.roots})
	case "ecdhe":
		ep = tls12.Client(&tls12.Config{Rand: rand.Reader, ServerName: t.serverName, Roots: t.roots, Suites: suites.ECDHE})
	case "classic":
		ep = tls12.Client(&tls12.Config{Rand: rand.Reader, ServerName: t.serverName, Roots: t.roots, Suites: suites.Classic})
	default:
		return nil, fmt.Errorf("mode %q: choose classic, ecdhe or tls13", mode)
	}
	return &conn{t: t, mode: mode, ep: ep}, nil
}

// post sends one flight and returns the server's records; an error answer is an *apiError.
func (c *conn) post(ctx context.Context, flight []byte) ([]byte, error) {
	u := c.t.base + pathFlight
	if c.token == "" {
		u += "?" + url.Values{"mode": {c.mode}}.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(flight))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	if c.token != "" {
		req.Header.Set(headerToken, c.token)
	}
	start := time.Now()
	resp, err := c.t.hc.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	c.rtts = append(c.rtts, time.Since(start))
	if err != nil {
		return nil, err
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		return nil, fmt.Errorf("HTTP %d without Access-Control-Allow-Origin: *", resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, decodeError(resp.StatusCode, resp.Header, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != contentType {
		return nil, fmt.Errorf("200 with Content-Type %q, want %s", ct, contentType)
	}
	tok, st := resp.Header.Get(headerToken), resp.Header.Get(headerState)
	if tok == "" {
		return nil, fmt.Errorf("200 without a %s header", headerToken)
	}
	switch st {
	case "handshake", "established", "closed":
	default:
		return nil, fmt.Errorf("200 with %s %q", headerState, st)
	}
	c.token, c.state = tok, st
	return body, nil
}

// take returns the records the client has queued.
func take(ep endpoint.Endpoint) []byte {
	var out []byte
	for _, o := range ep.TakeOutput() {
		out = append(out, o.Wire...)
	}
	return out
}

// exchange sends what the client has queued (if anything) and feeds it the answer.
func (c *conn) exchange(ctx context.Context) error {
	out := take(c.ep)
	if len(out) == 0 {
		return nil
	}
	in, err := c.post(ctx, out)
	if err != nil {
		return err
	}
	if len(in) > 0 {
		c.ep.Receive(in) // a failure is sticky in Err
	}
	if err := c.ep.Err(); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}

// handshake runs the handshake to the end: every flight the client has,
// until it is complete and has nothing left to send.
func (c *conn) handshake(ctx context.Context) error {
	if err := c.ep.Start(); err != nil {
		return err
	}
	if err := c.handshake2(ctx); err != nil {
		return err
	}
	return c.checkSuite()
}

// checkSuite: the suite is the mode's kind.
func (c *conn) checkSuite() error {
	s := c.ep.Suite()
	if s == nil {
		return errors.New("no suite negotiated")
	}
	switch c.mode {
	case "classic":
		if s.ForwardSecret() {
			return fmt.Errorf("classic negotiated %s, which is forward secret", s.Name)
		}
	case "ecdhe", "tls13":
		if !s.ForwardSecret() {
			return fmt.Errorf("%s negotiated %s, which is not forward secret", c.mode, s.Name)
		}
	}
	return nil
}

// send writes text and returns the server's answer.
func (c *conn) send(ctx context.Context, text string) (string, error) {
	if _, err := c.ep.Write([]byte(text)); err != nil {
		return "", err
	}
	if err := c.exchange(ctx); err != nil {
		return "", err
	}
	var got []byte
	for _, d := range c.ep.TakeApplicationData() {
		got = append(got, d...)
	}
	if want := fmt.Sprintf("server received %d bytes: %s", len(text), text); string(got) != want {
		return string(got), fmt.Errorf("server answered %q, want %q", got, want)
	}
	return string(got), nil
}

// close sends close_notify and expects the server's.
func (c *conn) close(ctx context.Context) error {
	if err := c.ep.Close(); err != nil {
		return err
	}
	if err := c.exchange(ctx); err != nil {
		return err
	}
	if !c.ep.PeerClosed() || c.state != "closed" {
		return fmt.Errorf("after close_notify: peer closed %v, server state %q", c.ep.PeerClosed(), c.state)
	}
	return nil
}
