package httpserver_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/httpserver/httpservertest"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

// server is a handler on a real socket, with its identity and a clock the
// test sets.
type server struct {
	setup *pki.Setup
	id    *httpserver.Identity
	url   string
	now   time.Time
}

func newServer(t testing.TB, keyType string, opt httpserver.Options) *server {
	t.Helper()
	s, err := pki.NewSetup(pki.Options{KeyType: keyType, Rand: rng.New([]byte("httpserver " + keyType))})
	if err != nil {
		t.Fatal(err)
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) {
		chain = append(chain, pki.CertPEM(der)...)
	}
	id, err := httpserver.IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	srv := &server{setup: s, id: id, now: time.Now()}
	opt.Now = func() time.Time { return srv.now }
	ts := httptest.NewServer(httpserver.New(id, opt))
	t.Cleanup(ts.Close)
	srv.url = ts.URL
	return srv
}

func (s *server) client(mode string) *httpserver.Client {
	return s.clientSeeded(mode, "")
}

// clientSeeded is a client whose randomness comes from mode and seed.
func (s *server) clientSeeded(mode, seed string) *httpserver.Client {
	r := rng.New([]byte("client " + mode + seed))
	var ep endpoint.Endpoint = tls12.Client(&tls12.Config{Rand: r, ServerName: s.setup.ServerName, Roots: s.setup.Roots()})
	if mode == httpserver.ModeTLS13 {
		ep = tls13.Client(&tls13.Config{Rand: r, ServerName: s.setup.ServerName, Roots: s.setup.Roots()})
	}
	return &httpserver.Client{BaseURL: s.url, Mode: mode, EP: ep}
}

// firstFlight sends a client's ClientHello and feeds it the answer.
func firstFlight(t *testing.T, cl *httpserver.Client) []byte {
	t.Helper()
	if err := cl.EP.Start(); err != nil {
		t.Fatal(err)
	}
	ch := take(cl.EP)
	in, err := cl.Post(context.Background(), ch)
	if err != nil {
		t.Fatal(err)
	}
	cl.EP.Receive(in)
	return ch
}

func take(ep endpoint.Endpoint) []byte {
	var out []byte
	for _, o := range ep.TakeOutput() {
		out = append(out, o.Wire...)
	}
	return out
}

// finish carries the rest of a handshake started with firstFlight.
func finish(t *testing.T, cl *httpserver.Client) {
	t.Helper()
	for i := 0; i < 6; i++ {
		out := take(cl.EP)
		if len(out) == 0 {
			break
		}
		in, err := cl.Post(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		cl.EP.Receive(in)
	}
	if !cl.EP.HandshakeComplete() || cl.State != "established" {
		t.Fatalf("not established: client %v, server %q, %v", cl.EP.HandshakeComplete(), cl.State, cl.EP.Err())
	}
}

// errorOf checks that an answer is the contract's JSON error and returns its code.
func errorOf(t *testing.T, resp *http.Response, body []byte) string {
	t.Helper()
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("HTTP %d without Access-Control-Allow-Origin: *", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("HTTP %d with Content-Type %q: %.200q", resp.StatusCode, ct, body)
	}
	var v struct {
		Error *struct{ Code, Message string }
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Error == nil || v.Error.Message == "" {
		t.Fatalf("HTTP %d: not the JSON error: %.200q", resp.StatusCode, body)
	}
	return v.Error.Code
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func info(t *testing.T, base string) httpserver.Info {
	t.Helper()
	req, _ := http.NewRequest("GET", base+httpserver.PathInfo, nil)
	resp, body := do(t, req)
	var in httpserver.Info
	if resp.StatusCode != 200 || json.Unmarshal(body, &in) != nil {
		t.Fatalf("info: %d %.200q", resp.StatusCode, body)
	}
	return in
}

// TestBadRequests runs the contract's table (httpservertest, the same that
// tests/workerd/client checks against the Worker and the in-page server):
// every bad request gets its status and JSON code, and the server goes on
// serving the connection whose ClientHello went through.
func TestBadRequests(t *testing.T) {
	s := newServer(t, pki.KeyRSA, httpserver.Options{})
	held := s.client(httpserver.ModeTLS13)
	ch := firstFlight(t, held)
	foreign, err := httpservertest.ForeignToken(ch)
	if err != nil {
		t.Fatal(err)
	}
	// An expired token: sealed by the same server eleven minutes ago.
	s.now = time.Now().Add(-11 * time.Minute)
	old := s.client(httpserver.ModeTLS13)
	firstFlight(t, old)
	s.now = time.Now()

	cases := httpservertest.BadRequests(httpservertest.Inputs{ClientHello: ch, Token: held.Token(), Foreign: foreign, Expired: old.Token(), MaxBody: info(t, s.url).MaxBody})
	if len(cases) != 18 {
		t.Fatalf("%d cases, want all 18 (the expired token included)", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			req, err := c.Request(s.url)
			if err != nil {
				t.Fatal(err)
			}
			resp, body := do(t, req)
			if code := errorOf(t, resp, body); resp.StatusCode != c.Status || code != c.Code {
				t.Fatalf("got %d %q, want %d %q: %.200s", resp.StatusCode, code, c.Status, c.Code, body)
			}
		})
	}

	finish(t, held)
	ctx := context.Background()
	if reply, err := held.Send(ctx, "still here"); err != nil || !strings.HasSuffix(reply, "still here") {
		t.Fatalf("after the bad requests: %q %v", reply, err)
	}
	// A replayed token with a new record: the rebuilt connection expects an
	// earlier record number, so the record fails authentication.
	prev := held.Token()
	if _, err := held.Send(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	held.SetToken(prev)
	_, err = held.Send(ctx, "two")
	var he *httpserver.Error
	if !errors.As(err, &he) || he.Status != 422 || he.Alert != "bad_record_mac" {
		t.Fatalf("replayed token: %v", err)
	}
	if _, err := hex.DecodeString(he.Records); err != nil || he.Records == "" {
		t.Fatalf("no alert record in the error: %q", he.Records)
	}
	fresh := s.client(httpserver.ModeClassic)
	if err := fresh.Handshake(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestReplay proves what /tls/info says (replayProtection): the server is
// stateless, so an exact replay of a (token, flight) pair is processed
// again and answered 200 with the same bytes, in the handshake and after
// it (the property of TLS 1.3 0-RTT data, RFC 8446 §8).
func TestReplay(t *testing.T) {
	s := newServer(t, pki.KeyECDSA, httpserver.Options{})
	if got := info(t, s.url).ReplayProtection; got != httpserver.ReplayProtection || !strings.HasPrefix(got, "none: stateless tokens") {
		t.Fatalf("replayProtection %q", got)
	}
	for _, mode := range []string{httpserver.ModeTLS13, httpserver.ModeECDHE} {
		t.Run(mode, func(t *testing.T) {
			cl := s.client(mode)
			replay := func(token string, flight []byte) []byte {
				t.Helper()
				req, _ := http.NewRequest("POST", s.url+httpserver.PathFlight, bytes.NewReader(flight))
				req.Header.Set("Content-Type", httpserver.ContentType)
				req.Header.Set(httpserver.HeaderToken, token)
				resp, body := do(t, req)
				if resp.StatusCode != 200 {
					t.Fatalf("replay answered %d: %.200s", resp.StatusCode, body)
				}
				return body
			}
			ctx := context.Background()
			firstFlight(t, cl)
			// The client's second flight, sent once for real and once again.
			token := cl.Token()
			second := take(cl.EP)
			in, err := cl.Post(ctx, second)
			if err != nil {
				t.Fatal(err)
			}
			if again := replay(token, second); !bytes.Equal(again, in) {
				t.Fatalf("the replayed flight got another answer:\n%x\n%x", in, again)
			}
			cl.EP.Receive(in)
			finish(t, cl)
			// Application data: the same record again, the same answer again.
			token = cl.Token()
			cl.EP.Write([]byte("transfer 100"))
			rec := take(cl.EP)
			in, err = cl.Post(ctx, rec)
			if err != nil {
				t.Fatal(err)
			}
			if again := replay(token, rec); !bytes.Equal(again, in) || len(in) == 0 {
				t.Fatalf("the replayed record got another answer")
			}
		})
	}
}

// TestMaxBodyIsTruthful: /tls/info's maxBody is the largest flight the
// server takes, the same number as a connection's limit (one constant).
func TestMaxBodyIsTruthful(t *testing.T) {
	s := newServer(t, pki.KeyECDSA, httpserver.Options{})
	in := info(t, s.url)
	if in.MaxBody != httpserver.MaxClientBytes || in.MaxConnectionBytes != httpserver.MaxClientBytes || in.MaxHeaderBytes != httpserver.MaxHeaderBytes {
		t.Fatalf("info: maxBody %d, maxConnectionBytes %d, maxHeaderBytes %d", in.MaxBody, in.MaxConnectionBytes, in.MaxHeaderBytes)
	}
	post := func(body []byte) (int, string) {
		req, _ := http.NewRequest("POST", s.url+httpserver.PathFlight, bytes.NewReader(body))
		req.Header.Set("Content-Type", httpserver.ContentType)
		resp, b := do(t, req)
		return resp.StatusCode, errorOf(t, resp, b)
	}
	// maxBody bytes are read and reach the engine (a record it refuses);
	// one more is too large.
	atLimit := append([]byte{23, 3, 3, 0, 10}, make([]byte, in.MaxBody-5)...)
	if status, code := post(atLimit); status == 413 {
		t.Fatalf("a body of maxBody (%d) bytes: %d %s", in.MaxBody, status, code)
	}
	if status, code := post(append(atLimit, 0)); status != 413 || code != "body_too_large" {
		t.Fatalf("a body of maxBody+1 bytes: %d %s", status, code)
	}
	// A smaller connection limit (Options) is what /tls/info says, and a
	// connection that goes over it is told to start again.
	small := newServer(t, pki.KeyECDSA, httpserver.Options{MaxClientBytes: 4000})
	if got := info(t, small.url).MaxBody; got != 4000 {
		t.Fatalf("maxBody %d with MaxClientBytes 4000", got)
	}
	cl := small.client(httpserver.ModeTLS13)
	firstFlight(t, cl)
	finish(t, cl)
	_, err := cl.Send(context.Background(), strings.Repeat("x", 3000))
	var he *httpserver.Error
	if !errors.As(err, &he) || he.Status != 413 || he.Code != "connection_too_long" {
		t.Fatalf("over the connection's limit: %v", err)
	}
}

// TestHeaderLimit: a header over MaxHeaderBytes gets the contract's JSON
// 431 from the handler. In front of it, net/http has its own limit
// (Server.MaxHeaderBytes, plus 4 KiB of slack) above which it answers by
// itself, in plain text, before any handler runs: scripts/serve and tlsplay
// web set it to ServerMaxHeaderBytes so that the JSON answer covers four
// times the handler's limit; a 2 MB header still gets net/http's answer.
func TestHeaderLimit(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA})
	if err != nil {
		t.Fatal(err)
	}
	var chain []byte
	for _, der := range s.Chain {
		chain = append(chain, pki.CertPEM(der)...)
	}
	id, err := httpserver.IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("cd", 32))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(httpserver.New(id, httpserver.Options{}))
	ts.Config.MaxHeaderBytes = httpserver.ServerMaxHeaderBytes
	ts.Start()
	defer ts.Close()
	get := func(pad int) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", ts.URL+httpserver.PathInfo, nil)
		req.Header.Set("X-Padding", strings.Repeat("p", pad))
		return do(t, req)
	}
	if resp, body := get(httpserver.MaxHeaderBytes - 1024); resp.StatusCode != 200 {
		t.Fatalf("a header just under the limit: %d %.200s", resp.StatusCode, body)
	}
	for _, pad := range []int{httpserver.MaxHeaderBytes, 3 * httpserver.MaxHeaderBytes} {
		resp, body := get(pad)
		if code := errorOf(t, resp, body); resp.StatusCode != 431 || code != "headers_too_large" {
			t.Fatalf("a %d-byte field: %d %s", pad, resp.StatusCode, code)
		}
	}
	// 2 MB: net/http's own answer, documented, not the handler's.
	resp, body := get(2 << 20)
	if resp.StatusCode != 431 || strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("a 2 MB field: %d %q %.100q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// The largest token fits: the header of a request at the connection's
	// limit is under MaxHeaderBytes.
	tok := strings.Repeat("A", (httpserver.MaxClientBytes+128)*4/3+1)
	req, _ := http.NewRequest("POST", ts.URL+httpserver.PathFlight, strings.NewReader("x"))
	req.Header.Set("Content-Type", httpserver.ContentType)
	req.Header.Set(httpserver.HeaderToken, tok)
	if resp, body := do(t, req); resp.StatusCode == 431 {
		t.Fatalf("the largest token is refused as too large: %.200s", body)
	}
}

// TestInfoAndCORS: /tls/info publishes the chain and the root, the
// preflight allows the token header, and a server without an RSA key
// refuses the classic mode.
func TestInfoAndCORS(t *testing.T) {
	s := newServer(t, pki.KeyEd25519, httpserver.Options{})
	in := info(t, s.url)
	if in.ServerName != s.setup.ServerName || !strings.Contains(in.CertPEM, "BEGIN CERTIFICATE") || in.RootPEM != string(pki.CertPEM(s.setup.CA.Raw)) || len(s.id.Chain) != 1 {
		t.Fatalf("info: %+v", in)
	}
	req, _ := http.NewRequest("OPTIONS", s.url+httpserver.PathFlight, nil)
	resp, _ := do(t, req)
	if resp.StatusCode != 204 || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), httpserver.HeaderToken) {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ = http.NewRequest("POST", s.url+httpserver.PathFlight+"?mode=classic", bytes.NewReader([]byte{22}))
	req.Header.Set("Content-Type", httpserver.ContentType)
	resp, body := do(t, req)
	if code := errorOf(t, resp, body); resp.StatusCode != 400 || code != "bad_mode" {
		t.Fatalf("classic with ed25519: %d %s", resp.StatusCode, code)
	}
}
