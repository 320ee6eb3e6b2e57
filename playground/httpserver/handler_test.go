package httpserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

type fixture struct {
	setup *pki.Setup
	id    *Identity
	srv   *httptest.Server
	now   time.Time
}

func newFixture(t *testing.T, keyType string) *fixture {
	t.Helper()
	s, err := pki.NewSetup(pki.Options{KeyType: keyType, Rand: rng.New([]byte("httpserver " + keyType))})
	if err != nil {
		t.Fatal(err)
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) {
		chain = append(chain, pki.CertPEM(der)...)
	}
	id, err := IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{setup: s, id: id, now: time.Now()}
	f.srv = httptest.NewServer(New(id, Options{Now: func() time.Time { return f.now }}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) client(mode string) *Client {
	var ep endpoint.Endpoint
	r := rng.New([]byte("client " + mode))
	switch mode {
	case ModeTLS13:
		ep = tls13.Client(&tls13.Config{Rand: r, ServerName: f.setup.ServerName, Roots: f.setup.Roots()})
	case ModeECDHE:
		ep = tls12.Client(&tls12.Config{Rand: r, ServerName: f.setup.ServerName, Roots: f.setup.Roots()})
	default:
		ep = tls12.Client(&tls12.Config{Rand: r, ServerName: f.setup.ServerName, Roots: f.setup.Roots()})
	}
	return &Client{BaseURL: f.srv.URL, Mode: mode, EP: ep, Trace: true}
}

// TestHandshakes: full handshakes and data over HTTP, each mode.
func TestHandshakes(t *testing.T) {
	ctx := context.Background()
	rsaF := newFixture(t, pki.KeyRSA)
	ecF := newFixture(t, pki.KeyECDSA)
	for _, c := range []struct {
		f    *fixture
		mode string
		rtts int
	}{{rsaF, ModeClassic, 2}, {rsaF, ModeECDHE, 2}, {rsaF, ModeTLS13, 2}, {ecF, ModeTLS13, 2}, {ecF, ModeECDHE, 2}} {
		t.Run(c.mode, func(t *testing.T) {
			cl := c.f.client(c.mode)
			if err := cl.Handshake(ctx); err != nil {
				t.Fatal(err)
			}
			if cl.State != "established" {
				t.Fatalf("server state %q", cl.State)
			}
			for _, msg := range []string{"GET / HTTP/1.1", "a second message"} {
				reply, err := cl.Send(ctx, msg)
				if err != nil {
					t.Fatal(err)
				}
				if want := "server received " + itoa(len(msg)) + " bytes: " + msg; reply != want {
					t.Fatalf("reply %q, want %q", reply, want)
				}
			}
			if err := cl.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if !cl.EP.PeerClosed() || cl.State != "closed" {
				t.Fatalf("after close: peer closed %v, state %q", cl.EP.PeerClosed(), cl.State)
			}
			if len(cl.ServerEvents) == 0 {
				t.Fatal("no server trace events")
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// post sends one request and decodes its JSON body.
func post(t *testing.T, f *fixture, method, path, ctype, token string, body []byte) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(string(body)))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set(HeaderToken, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	return resp, v
}

func TestIdentityErrors(t *testing.T) {
	if _, err := IdentityFromEnv(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), EnvCertPEM) {
		t.Fatalf("empty env: %v", err)
	}
	f := newFixture(t, pki.KeyRSA)
	chain := pki.CertPEM(f.setup.Chain[0])
	if _, err := IdentityFromPEM(chain, f.setup.KeyPEM(), "abcd"); err == nil || !strings.Contains(err.Error(), "64 hex") {
		t.Fatalf("short token key: %v", err)
	}
	other, _ := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA})
	if _, err := IdentityFromPEM(chain, other.KeyPEM(), strings.Repeat("00", 32)); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("mismatched key: %v", err)
	}
}
