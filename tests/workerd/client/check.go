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
	"strings"
	"time"

	"tlsplayground/playground/httpserver/httpservertest"
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
	strict := fs.Bool("strict", false, "a request the handler must answer gets the JSON error even where a server in front has its own limit (a header over the handler's 64 KiB)")
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
		return fmt.Sprintf("serverName %s, modes %v, maxBody %d, replayProtection %q", in.ServerName, in.Modes, in.MaxBody, in.ReplayProtection), nil
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
	foreign, err := httpservertest.ForeignToken(ch)
	if err != nil {
		return err
	}
	// The contract's table, the same the handler's own tests run (an
	// expired token needs the server's key or clock: not from outside).
	for _, c := range httpservertest.BadRequests(httpservertest.Inputs{ClientHello: ch, Token: token1, Foreign: foreign, MaxBody: int(in.MaxBody)}) {
		r.run(c.Name, func() (string, error) {
			resp, body, err := t.raw(ctx, c.Method, c.Path, c.ContentType, c.Token, c.Body, c.Header)
			if err != nil && c.FrontMayAnswer && !*strict {
				// Documented: a server in front with a lower header limit (Node's 16 KiB) may answer
				// and close before it has read the request, which the client sees as a reset.
				return fmt.Sprintf("the server in front of the handler refused it (%v): its own limit, below the handler's; -strict refuses this", err), nil
			}
			if err != nil {
				return "", err
			}
			if resp.StatusCode == http.StatusOK {
				return "", fmt.Errorf("HTTP 200, want %d %s", c.Status, c.Code)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" && !(c.FrontMayAnswer && !*strict && resp.StatusCode == c.Status) {
				return "", fmt.Errorf("HTTP %d without Access-Control-Allow-Origin: *", resp.StatusCode)
			}
			var e *apiError
			if err := decodeError(resp.StatusCode, resp.Header, body); !errors.As(err, &e) {
				if c.FrontMayAnswer && !*strict && resp.StatusCode == c.Status {
					// Documented: a server in front with a lower header limit (Node's 16 KiB) answers by itself.
					return fmt.Sprintf("%d from the server in front of the handler, not JSON (its own limit, below the handler's; -strict refuses this)", resp.StatusCode), nil
				}
				return "", err
			}
			if e.Status != c.Status || e.Code != c.Code {
				return "", fmt.Errorf("%v; want %d %s", e, c.Status, c.Code)
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
	r.run("exact replay: same answer", func() (string, error) {
		// /tls/info says replayProtection "none: stateless tokens": prove it.
		token := held.token
		held.ep.Write([]byte("transfer 100"))
		rec := take(held.ep)
		first, err := held.post(ctx, rec)
		if err != nil {
			return "", err
		}
		held.ep.Receive(first)
		held.ep.TakeApplicationData()
		resp, again, err := t.raw(ctx, http.MethodPost, pathFlight, contentType, token, rec, nil)
		if err != nil {
			return "", err
		}
		if resp.StatusCode != http.StatusOK || !bytes.Equal(again, first) {
			return "", fmt.Errorf("the replay got HTTP %d and %d bytes, want 200 and the same %d bytes", resp.StatusCode, len(again), len(first))
		}
		return fmt.Sprintf("200 twice, %d identical bytes (replayProtection %q)", len(first), in.ReplayProtection), nil
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

func durations(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%.1f", ms(d)))
	}
	return strings.Join(parts, " ") + " ms"
}
