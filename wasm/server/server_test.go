package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
)

// identityPEM is a seeded identity as the Worker gets it: the chain with
// its root, and the key.
func identityPEM(tb testing.TB, keyType, seed string) (cert, key string) {
	tb.Helper()
	s, err := pki.NewSetup(pki.Options{KeyType: keyType, Rand: rng.New([]byte(seed))})
	if err != nil {
		tb.Fatal(err)
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) {
		chain = append(chain, pki.CertPEM(der)...)
	}
	return string(chain), string(s.KeyPEM())
}

func testIdentityPEM(t *testing.T) (cert, key string) {
	return identityPEM(t, pki.KeyECDSA, "wasm server role")
}

func TestServerIdentitySources(t *testing.T) {
	cert, key := testIdentityPEM(t)
	tk := strings.Repeat("0f", 32)
	env := map[string]string{httpserver.EnvCertPEM: cert, httpserver.EnvKeyPEM: key, httpserver.EnvTokenKey: tk}

	// The page's identity wins, and needs no environment.
	if id, err := serverIdentity(&pageIdentity{CertPEM: cert, KeyPEM: key, TokenKey: tk}, nil); err != nil || id.ServerName == "" {
		t.Fatalf("page identity: %v", err)
	}
	// The Worker's environment.
	if _, err := serverIdentity(nil, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("env identity: %v", err)
	}
	// Neither.
	if _, err := serverIdentity(nil, nil); err != errNoIdentity {
		t.Fatalf("no identity: %v", err)
	}
	// A bad page identity names the global.
	if _, err := serverIdentity(&pageIdentity{CertPEM: cert, KeyPEM: key, TokenKey: "abc"}, nil); err == nil || !strings.Contains(err.Error(), identityGlobal) {
		t.Fatalf("bad page identity: %v", err)
	}
	// An empty environment names what is missing.
	if _, err := serverIdentity(nil, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), httpserver.EnvTokenKey) {
		t.Fatalf("empty env: %v", err)
	}
}

func TestServerHandler(t *testing.T) {
	cert, key := testIdentityPEM(t)
	h := serverHandler(&pageIdentity{CertPEM: cert, KeyPEM: key, TokenKey: strings.Repeat("0f", 32)}, nil, httpserver.Options{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, httpserver.PathInfo, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", httpserver.PathInfo, rec.Code, rec.Body)
	}
}

// Without an identity every request gets the contract's JSON error with the
// reason, and CORS headers, so that a misconfigured Worker says what is wrong.
func TestMisconfigured(t *testing.T) {
	h := serverHandler(nil, nil, httpserver.Options{})
	for _, c := range []struct {
		method, path string
		status       int
	}{{"GET", httpserver.PathInfo, 500}, {"POST", httpserver.PathFlight, 500}, {"OPTIONS", httpserver.PathFlight, 204}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.status || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("%s %s: %d, CORS %q", c.method, c.path, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
		}
		if c.status != 500 {
			continue
		}
		var v struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.Error.Code != "internal" ||
			!strings.Contains(v.Error.Message, identityGlobal) || !strings.Contains(v.Error.Message, httpserver.EnvCertPEM) {
			t.Fatalf("%s %s: body %s (%v)", c.method, c.path, rec.Body, err)
		}
	}
}

// countingWriter counts the writes that reach the library's ResponseWriter.
type countingWriter struct {
	*httptest.ResponseRecorder
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.ResponseRecorder.Write(p)
}

func TestSkipEmptyWrites(t *testing.T) {
	h := skipEmptyWrites(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write(nil)
		w.Write([]byte{})
		w.Write([]byte("x"))
	}))
	w := &countingWriter{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, httpserver.PathFlight, nil))
	if w.writes != 1 || w.Body.String() != "x" || w.Code != http.StatusOK {
		t.Fatalf("%d writes reached the writer, body %q, status %d", w.writes, w.Body, w.Code)
	}
}

// benchIdentity is an RSA identity, as the load runs use.
func benchIdentity(b *testing.B) *pageIdentity {
	cert, key := identityPEM(b, pki.KeyRSA, "wasm server bench")
	return &pageIdentity{CertPEM: cert, KeyPEM: key, TokenKey: strings.Repeat("0f", 32)}
}

// What an instance does once, when it starts, before it can answer: read its identity.
// Under wasm: GOOS=js GOARCH=wasm go test -exec=scripts/go_js_wasm_exec -bench . ./wasm/server
func BenchmarkServerIdentity(b *testing.B) {
	page := benchIdentity(b)
	for b.Loop() {
		if _, err := serverIdentity(page, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// A new instance's first GET /tls/info after the runtime started: the
// identity, the handler, the answer.
func BenchmarkInfoRequest(b *testing.B) {
	page := benchIdentity(b)
	for b.Loop() {
		rec := httptest.NewRecorder()
		serverHandler(page, nil, httpserver.Options{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, httpserver.PathInfo, nil))
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
