package httpserver

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
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

func errCode(v map[string]any) string {
	if e, ok := v["error"].(map[string]any); ok {
		code, _ := e["code"].(string)
		return code
	}
	return ""
}

// TestBadInput: every bad request gets its status and JSON code, and the
// server goes on serving.
func TestBadInput(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, pki.KeyRSA)
	// A real ClientHello, and a token after the first flight.
	cl := f.client(ModeTLS13)
	cl.EP.Start()
	var ch []byte
	for _, o := range cl.EP.TakeOutput() {
		ch = append(ch, o.Wire...)
	}
	in, err := cl.Post(ctx, ch)
	if err != nil {
		t.Fatal(err)
	}
	cl.EP.Receive(in)
	token1 := cl.Token()

	other := newFixture(t, pki.KeyRSA)
	other.id.TokenKey[0] ^= 1
	otherTok, _ := seal(other.id.TokenKey, &connState{Mode: ModeTLS13, Seed: make([]byte, 32), Expires: f.now.Add(time.Hour)})
	expired, _ := seal(f.id.TokenKey, &connState{Mode: ModeTLS13, Seed: make([]byte, 32), Client: ch, Expires: f.now.Add(-time.Second)})

	finishedFirst := append([]byte{22, 3, 3, 0, 36, 20, 0, 0, 32}, make([]byte, 32)...)
	cases := []struct {
		name                string
		method, path, ctype string
		token               string
		body                []byte
		status              int
		code                string
	}{
		{"empty body", "POST", PathFlight, ContentType, "", nil, 400, "empty_body"},
		{"garbage", "POST", PathFlight, ContentType, "", []byte("GET / HTTP/1.1\r\n\r\n"), 409, "out_of_order"},
		{"garbage record", "POST", PathFlight, ContentType, "", []byte{22, 3, 3, 0, 5, 1, 0, 0, 1, 0}, 422, "tls_alert"},
		{"oversize", "POST", PathFlight, ContentType, "", make([]byte, 70<<10), 413, "body_too_large"},
		{"wrong method", "GET", PathFlight, ContentType, "", nil, 405, "wrong_method"},
		{"wrong content type", "POST", PathFlight, "text/plain", "", ch, 415, "wrong_content_type"},
		{"no content type", "POST", PathFlight, "", "", ch, 415, "wrong_content_type"},
		{"bad mode", "POST", PathFlight + "?mode=ssl3", ContentType, "", ch, 400, "bad_mode"},
		{"tampered token", "POST", PathFlight, ContentType, token1[:len(token1)-2] + "AA", ch, 400, "bad_token"},
		{"truncated token", "POST", PathFlight, ContentType, token1[:20], ch, 400, "bad_token"},
		{"not base64", "POST", PathFlight, ContentType, "***", ch, 400, "bad_token"},
		{"foreign token", "POST", PathFlight, ContentType, otherTok, ch, 400, "bad_token"},
		{"expired token", "POST", PathFlight, ContentType, expired, ch, 410, "expired_token"},
		// A Finished as the first flight, before any ClientHello.
		{"flight out of order", "POST", PathFlight, ContentType, "", finishedFirst, 409, "out_of_order"},
		// The token says the ClientHello was received: a new ClientHello record is refused.
		{"hello again", "POST", PathFlight, ContentType, token1, ch, 422, "tls_alert"},
		{"unknown route", "GET", "/nope", "", "", nil, 404, "not_found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, v := post(t, f, c.method, c.path, c.ctype, c.token, c.body)
			if resp.StatusCode != c.status || errCode(v) != c.code {
				t.Fatalf("got %d %q (%v), want %d %q", resp.StatusCode, errCode(v), v, c.status, c.code)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatal("no CORS header on an error")
			}
		})
	}

	// The connection whose ClientHello went through still completes.
	if err := cl.flush(ctx); err != nil {
		t.Fatal(err)
	}
	if reply, err := cl.Send(ctx, "still here"); err != nil || !strings.HasSuffix(reply, "still here") {
		t.Fatalf("after the bad requests: %q %v", reply, err)
	}

	// A replayed token with a new record: the rebuilt connection expects an
	// earlier record number, so the record fails authentication.
	old := cl.Token()
	if _, err := cl.Send(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	cl.SetToken(old)
	_, err = cl.Send(ctx, "two")
	var he *Error
	if !errors.As(err, &he) || he.Status != 422 || he.Alert != "bad_record_mac" {
		t.Fatalf("replayed token: %v", err)
	}
	if _, err := hex.DecodeString(he.Records); err != nil || he.Records == "" {
		t.Fatalf("no alert record in the error: %q", he.Records)
	}

	// And a fresh connection works afterwards.
	fresh := f.client(ModeClassic)
	if err := fresh.Handshake(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestInfoAndCORS(t *testing.T) {
	f := newFixture(t, pki.KeyEd25519)
	resp, v := post(t, f, "GET", PathInfo, "", "", nil)
	if resp.StatusCode != 200 || v["serverName"] != f.setup.ServerName || !strings.Contains(v["certPem"].(string), "BEGIN CERTIFICATE") ||
		v["rootPem"] != string(pki.CertPEM(f.setup.CA.Raw)) || len(f.id.Chain) != 1 {
		t.Fatalf("info: %d %v", resp.StatusCode, v)
	}
	req, _ := http.NewRequest("OPTIONS", f.srv.URL+PathFlight, nil)
	r2, err := http.DefaultClient.Do(req)
	if err != nil || r2.StatusCode != 204 || !strings.Contains(r2.Header.Get("Access-Control-Expose-Headers"), HeaderToken) {
		t.Fatalf("preflight: %v %v", err, r2.Header)
	}
	// An Ed25519 server cannot do RSA key transport.
	resp, v = post(t, f, "POST", PathFlight+"?mode=classic", ContentType, "", []byte{22})
	if resp.StatusCode != 400 || errCode(v) != "bad_mode" {
		t.Fatalf("classic with ed25519: %d %v", resp.StatusCode, v)
	}
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
