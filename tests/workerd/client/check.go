package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
)

// report prints one line per case: text, or JSON lines with -json.
type report struct {
	json   bool
	failed int
	total  int
}

type caseResult struct {
	Case   string  `json:"case"`
	OK     bool    `json:"ok"`
	Detail string  `json:"detail,omitempty"`
	Ms     float64 `json:"ms"`
}

func (r *report) run(name string, f func() (string, error)) bool {
	start := time.Now()
	detail, err := f()
	res := caseResult{Case: name, OK: err == nil, Detail: detail, Ms: ms(time.Since(start))}
	if err != nil {
		res.Detail = err.Error()
		r.failed++
	}
	r.total++
	if r.json {
		b, _ := json.Marshal(res)
		fmt.Println(string(b))
	} else if res.OK {
		fmt.Printf("ok    %-38s %7.1f ms  %s\n", name, res.Ms, res.Detail)
	} else {
		fmt.Printf("FAIL  %-38s %7.1f ms  %s\n", name, res.Ms, res.Detail)
	}
	return err == nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func cmdCheck(args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	base := fs.String("url", "", "the server, e.g. http://127.0.0.1:8787")
	trust := fs.String("trust", "", "PEM file of the root to trust")
	asJSON := fs.Bool("json", false, "one JSON object per case")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := newTarget(*base, *trust, 2)
	if err != nil {
		return err
	}
	r := &report{json: *asJSON}
	ctx := context.Background()

	// Full handshakes with data both ways and a close, each mode.
	for _, mode := range []string{"classic", "ecdhe", "tls13"} {
		r.run("handshake "+mode, func() (string, error) {
			c, err := t.newConn(mode)
			if err != nil {
				return "", err
			}
			if err := c.handshake(ctx); err != nil {
				return "", err
			}
			for _, msg := range []string{"GET / HTTP/1.1", "a second message, to the same server"} {
				if _, err := c.send(ctx, msg); err != nil {
					return "", err
				}
			}
			if err := c.close(ctx); err != nil {
				return "", err
			}
			return fmt.Sprintf("%s, %d POSTs: %s", c.ep.Suite().Name, len(c.rtts), durations(c.rtts)), nil
		})
	}

	r.run("GET /tls/info", func() (string, error) {
		in, err := t.info(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("serverName %s, modes %v, maxBody %d", in.ServerName, in.Modes, in.MaxBody), nil
	})
	r.run("OPTIONS (CORS preflight)", func() (string, error) {
		resp, body, err := t.raw(ctx, http.MethodOptions, pathFlight, "", "", nil, map[string]string{
			"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "content-type, tls-playground-token"})
		if err != nil {
			return "", err
		}
		if resp.StatusCode != http.StatusNoContent || len(body) != 0 {
			return "", fmt.Errorf("HTTP %d with %d body bytes, want 204 and none", resp.StatusCode, len(body))
		}
		h := resp.Header
		for k, want := range map[string]string{
			"Access-Control-Allow-Origin":   "*",
			"Access-Control-Allow-Headers":  headerToken,
			"Access-Control-Expose-Headers": headerState,
		} {
			if !strings.Contains(h.Get(k), want) {
				return "", fmt.Errorf("%s: %q, want it to hold %q", k, h.Get(k), want)
			}
		}
		return "204 " + h.Get("Access-Control-Allow-Methods"), nil
	})

	// A connection whose ClientHello went through, to come back to after the bad input.
	held, err := t.newConn("tls13")
	if err != nil {
		return err
	}
	var ch []byte
	var token1 string
	if !r.run("first flight of a held connection", func() (string, error) {
		if err := held.ep.Start(); err != nil {
			return "", err
		}
		ch = take(held.ep)
		in, err := held.post(ctx, ch)
		if err != nil {
			return "", err
		}
		held.ep.Receive(in)
		token1 = held.token
		return fmt.Sprintf("%d bytes out, %d back, state %s", len(ch), len(in), held.state), held.ep.Err()
	}) {
		return errors.New("cannot start the held connection")
	}

	in, err := t.info(ctx)
	if err != nil {
		return err
	}
	foreign, err := foreignToken(ch)
	if err != nil {
		return err
	}
	finishedFirst := append([]byte{22, 3, 3, 0, 36, 20, 0, 0, 32}, make([]byte, 32)...)
	for _, c := range []struct {
		name                string
		method, path, ctype string
		token               string
		body                []byte
		status              int
		code                string
	}{
		{"empty body", "POST", pathFlight, contentType, "", nil, 400, "empty_body"},
		{"garbage (an HTTP request)", "POST", pathFlight, contentType, "", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 409, "out_of_order"},
		{"garbage record", "POST", pathFlight, contentType, "", []byte{22, 3, 3, 0, 5, 1, 0, 0, 1, 0}, 422, "tls_alert"},
		{"oversize body", "POST", pathFlight, contentType, "", bytes.Repeat([]byte{22}, int(in.MaxBody)+1), 413, "body_too_large"},
		{"wrong method (GET)", "GET", pathFlight, "", "", nil, 405, "wrong_method"},
		{"wrong method (PUT)", "PUT", pathFlight, contentType, "", ch, 405, "wrong_method"},
		{"wrong content type", "POST", pathFlight, "text/plain", "", ch, 415, "wrong_content_type"},
		{"no content type", "POST", pathFlight, "", "", ch, 415, "wrong_content_type"},
		{"bad mode", "POST", pathFlight + "?mode=ssl3", contentType, "", ch, 400, "bad_mode"},
		{"tampered token", "POST", pathFlight, contentType, tamper(token1), ch, 400, "bad_token"},
		{"truncated token", "POST", pathFlight, contentType, token1[:20], ch, 400, "bad_token"},
		{"token not base64", "POST", pathFlight, contentType, "***", ch, 400, "bad_token"},
		{"foreign token", "POST", pathFlight, contentType, foreign, ch, 400, "bad_token"},
		{"flight out of order", "POST", pathFlight, contentType, "", finishedFirst, 409, "out_of_order"},
		{"replayed token, ClientHello again", "POST", pathFlight, contentType, token1, ch, 422, "tls_alert"},
		{"unknown route", "GET", "/nope", "", "", nil, 404, "not_found"},
	} {
		r.run(c.name, func() (string, error) {
			resp, body, err := t.raw(ctx, c.method, c.path, c.ctype, c.token, c.body, nil)
			if err != nil {
				return "", err
			}
			if resp.StatusCode == http.StatusOK {
				return "", fmt.Errorf("HTTP 200, want %d %s", c.status, c.code)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				return "", fmt.Errorf("HTTP %d without Access-Control-Allow-Origin: *", resp.StatusCode)
			}
			var e *apiError
			if err := decodeError(resp.StatusCode, resp.Header, body); !errors.As(err, &e) {
				return "", err
			}
			if e.Status != c.status || e.Code != c.code {
				return "", fmt.Errorf("%v; want %d %s", e, c.status, c.code)
			}
			return fmt.Sprintf("%d %s: %.90s", e.Status, e.Code, e.Message), nil
		})
	}

	r.run("held connection completes after them", func() (string, error) {
		if err := held.handshake2(ctx); err != nil {
			return "", err
		}
		_, err := held.send(ctx, "still here")
		return "state " + held.state, err
	})
	r.run("replayed token, new record", func() (string, error) {
		old := held.token
		if _, err := held.send(ctx, "one"); err != nil {
			return "", err
		}
		held.token = old
		_, err := held.send(ctx, "two")
		var e *apiError
		if !errors.As(err, &e) || e.Status != 422 || e.Code != "tls_alert" {
			return "", fmt.Errorf("%v; want 422 tls_alert", err)
		}
		if b, herr := hex.DecodeString(e.Records); herr != nil || len(b) == 0 {
			return "", fmt.Errorf("no alert record in the error (%q)", e.Records)
		}
		return fmt.Sprintf("%d %s, alert %s", e.Status, e.Code, e.Alert), nil
	})
	r.run("fresh classic handshake after all that", func() (string, error) {
		c, err := t.newConn("classic")
		if err != nil {
			return "", err
		}
		if err := c.handshake(ctx); err != nil {
			return "", err
		}
		_, err = c.send(ctx, "and again")
		return c.ep.Suite().Name, err
	})

	if r.failed > 0 {
		return fmt.Errorf("check: %d of %d cases failed", r.failed, r.total)
	}
	if !r.json {
		fmt.Printf("check: all %d cases passed against %s\n", r.total, t.base)
	}
	return nil
}

// handshake2 finishes a handshake that was started by hand.
func (c *conn) handshake2(ctx context.Context) error {
	for i := 0; i < 6; i++ {
		if err := c.ep.Err(); err != nil {
			return err
		}
		out := take(c.ep)
		if len(out) == 0 {
			break
		}
		in, err := c.post(ctx, out)
		if err != nil {
			return err
		}
		c.ep.Receive(in)
	}
	if err := c.ep.Err(); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if !c.ep.HandshakeComplete() || c.state != "established" {
		return fmt.Errorf("not established: client done %v, server %q", c.ep.HandshakeComplete(), c.state)
	}
	return nil
}

// raw sends one request as given and returns the response and its body.
func (t *target) raw(ctx context.Context, method, path, ctype, token string, body []byte, extra map[string]string) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, rd)
	if err != nil {
		return nil, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set(headerToken, token)
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, b, err
}

// tamper changes one character in the middle of a token.
func tamper(tok string) string {
	b := []byte(tok)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// foreignToken is a genuine token from another server (another token key):
// the first flight ch answered by a handler in this process.
func foreignToken(ch []byte) (string, error) {
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA})
	if err != nil {
		return "", err
	}
	var chain []byte
	for _, der := range s.Chain {
		chain = append(chain, pki.CertPEM(der)...)
	}
	id, err := httpserver.IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("5a", 32))
	if err != nil {
		return "", err
	}
	srv := httptest.NewServer(httpserver.New(id, httpserver.Options{}))
	defer srv.Close()
	resp, err := http.Post(srv.URL+pathFlight+"?mode=tls13", contentType, bytes.NewReader(ch))
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	tok := resp.Header.Get(headerToken)
	if resp.StatusCode != 200 || tok == "" {
		return "", fmt.Errorf("the foreign server answered %d without a token", resp.StatusCode)
	}
	return tok, nil
}

func durations(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%.1f", ms(d)))
	}
	return strings.Join(parts, " ") + " ms"
}
