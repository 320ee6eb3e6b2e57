package httpserver

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/trace"
)

// Client runs an engine client endpoint against this handler over HTTP:
// each flight is one POST, the token travels back and forth.
type Client struct {
	BaseURL string       // e.g. "http://127.0.0.1:8787"
	HTTP    *http.Client // default http.DefaultClient
	Mode    string       // on the first flight; default tls13
	Group   string       // optional: the server's only group
	EP      endpoint.Endpoint
	// Trace asks the server for its trace events, collected in ServerEvents.
	Trace        bool
	ServerEvents []trace.Event
	// Exchanges counts the HTTP round trips.
	Exchanges int
	State     string // the server's last Tls-Playground-State
	token     string
}

// Error is an error answer of the handler.
type Error struct {
	Status int
	apiError
}

func (e *Error) Error() string {
	if e.Alert != "" {
		return fmt.Sprintf("server answered %d %s: %s (alert %s)", e.Status, e.Code, e.Message, e.Alert)
	}
	return fmt.Sprintf("server answered %d %s: %s", e.Status, e.Code, e.Message)
}

// Post sends one flight and returns the server's records.
func (c *Client) Post(ctx context.Context, flight []byte) ([]byte, error) {
	u := c.BaseURL + PathFlight
	if c.token == "" {
		q := url.Values{}
		if c.Mode != "" {
			q.Set("mode", c.Mode)
		}
		if c.Group != "" {
			q.Set("group", c.Group)
		}
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(flight))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ContentType)
	if c.token != "" {
		req.Header.Set(HeaderToken, c.token)
	}
	if c.Trace {
		req.Header.Set(HeaderTrace, "1")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	c.Exchanges++
	if resp.StatusCode != http.StatusOK {
		e := &Error{Status: resp.StatusCode}
		var wrapper struct {
			Error *apiError `json:"error"`
		}
		if json.Unmarshal(body, &wrapper) == nil && wrapper.Error != nil {
			e.apiError = *wrapper.Error
		} else {
			e.Code, e.Message = "bad_response", fmt.Sprintf("%.200q", body)
		}
		return nil, e
	}
	c.token = resp.Header.Get(HeaderToken)
	c.State = resp.Header.Get(HeaderState)
	if t := resp.Header.Get(HeaderTrace); t != "" {
		if raw, err := base64.RawURLEncoding.DecodeString(t); err == nil {
			var evs []trace.Event
			if json.Unmarshal(raw, &evs) == nil {
				c.ServerEvents = append(c.ServerEvents, evs...)
			}
		}
	}
	return body, nil
}

// Token returns the current token (for tests that replay one).
func (c *Client) Token() string { return c.token }

// SetToken replaces the current token.
func (c *Client) SetToken(t string) { c.token = t }

// flush posts whatever the endpoint has to send and feeds back the answer.
func (c *Client) flush(ctx context.Context) error {
	var out []byte
	for _, o := range c.EP.TakeOutput() {
		out = append(out, o.Wire...)
	}
	if len(out) == 0 {
		return nil
	}
	in, err := c.Post(ctx, out)
	if err != nil {
		return err
	}
	if len(in) > 0 {
		return c.EP.Receive(in)
	}
	return nil
}

// Handshake runs the handshake to completion, one POST per client flight.
func (c *Client) Handshake(ctx context.Context) error {
	if err := c.EP.Start(); err != nil {
		return err
	}
	for i := 0; i < 8 && !c.EP.HandshakeComplete(); i++ {
		if err := c.flush(ctx); err != nil {
			return err
		}
		if err := c.EP.Err(); err != nil {
			return err
		}
	}
	if !c.EP.HandshakeComplete() {
		return fmt.Errorf("the handshake did not complete after %d round trips", c.Exchanges)
	}
	// In TLS 1.2 the client's Finished flight gets the server's Finished
	// in answer; in TLS 1.3 the client's Finished is the last flight and
	// still has to be delivered.
	return c.flush(ctx)
}

// Send sends one message and returns the server's answer.
func (c *Client) Send(ctx context.Context, text string) (string, error) {
	if _, err := c.EP.Write([]byte(text)); err != nil {
		return "", err
	}
	if err := c.flush(ctx); err != nil {
		return "", err
	}
	var got []byte
	for _, p := range c.EP.TakeApplicationData() {
		got = append(got, p...)
	}
	return string(got), nil
}

// Close sends close_notify and reads the server's.
func (c *Client) Close(ctx context.Context) error {
	if err := c.EP.Close(); err != nil {
		return err
	}
	return c.flush(ctx)
}
