package httpserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/httpserver/token"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

// The HTTP server's input is the client's: the sealed token (which a
// client may alter, truncate or forge), the query and the flight body.
// FuzzTokenOpen takes arbitrary tokens; FuzzTokenContents reaches the
// parser behind the AEAD with contents sealed under the server's key;
// FuzzFlight posts arbitrary flights on top of an arbitrary connection
// state. None may make the server fail with a 500 (the handler recovers a
// panic into "internal").

var fuzzTokenKey = bytes.Repeat([]byte{0x5a}, 32)

var fuzzEpoch = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// FuzzTokenOpen: open never panics; what it opens seals and opens again to
// the same state.
func FuzzTokenOpen(f *testing.F) {
	tok, err := seal(fuzzTokenKey, &connState{Mode: ModeTLS13, Seed: make([]byte, 32), Client: []byte{22, 3, 1, 0, 0}, Expires: fuzzEpoch})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, token string) {
		st, err := open(fuzzTokenKey, token)
		if err != nil {
			return
		}
		checkRoundTrip(t, st)
	})
}

// FuzzTokenContents: plain is what a token holds, sealed under the
// server's key as only the server (or someone with its key) can.
func FuzzTokenContents(f *testing.F) {
	f.Add([]byte("\x01\x05tls13\x00\x20" + strings.Repeat("s", 32) + "\x00\x00\x00\x00\x69\xb5\x7d\x8e\x00\x01\x00\x00\x05\x16\x03\x01\x00\x00"))
	f.Add([]byte("\x01\x07classic\x06x25519\x20" + strings.Repeat("s", 32) + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00"))
	f.Add([]byte{2})
	aead, err := token.NewAEAD(fuzzTokenKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, plain []byte) {
		nonce := make([]byte, aead.NonceSize())
		token := base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, token.AD))
		st, err := open(fuzzTokenKey, token)
		if err != nil {
			return
		}
		checkRoundTrip(t, st)
	})
}

func checkRoundTrip(t *testing.T, st *connState) {
	t.Helper()
	again, err := seal(fuzzTokenKey, st)
	if err != nil {
		// seal refuses what it cannot encode (a mode of 256 bytes, say);
		// open must not have produced such a state.
		t.Fatalf("an opened state does not seal again: %v", err)
	}
	st2, err := open(fuzzTokenKey, again)
	if err != nil {
		t.Fatalf("a resealed token does not open: %v", err)
	}
	if st.Mode != st2.Mode || st.Group != st2.Group || !bytes.Equal(st.Seed, st2.Seed) || !bytes.Equal(st.Client, st2.Client) ||
		!st.Expires.Equal(st2.Expires) || st.Flights != st2.Flights {
		t.Fatalf("round trip changed the state: %+v -> %+v", st, st2)
	}
}

// fuzzHandler is one handler shared by the iterations of FuzzFlight: its
// identity is made once per process, from a seeded stream.
type fuzzHandler struct {
	h     http.Handler
	setup *pki.Setup
}

func newFuzzHandler(t testing.TB) *fuzzHandler {
	s, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("httpserver fuzz")), Now: fuzzEpoch})
	if err != nil {
		t.Fatal(err)
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) {
		chain = append(chain, pki.CertPEM(der)...)
	}
	id, err := IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("5a", 32))
	if err != nil {
		t.Fatal(err)
	}
	return &fuzzHandler{h: New(id, Options{Now: func() time.Time { return fuzzEpoch }}), setup: s}
}

// post sends one flight. With a token, the connection state is mode and
// group with the fixed seed and prev as the client's earlier bytes (as
// the server would have sealed it); without, mode and group go in the
// query and the server starts a connection.
func (fh *fuzzHandler) post(withToken bool, mode, group string, prev, body []byte) *httptest.ResponseRecorder {
	target := PathFlight
	req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if withToken {
		tok, err := seal(fuzzTokenKey, &connState{Mode: mode, Group: group, Seed: bytes.Repeat([]byte{7}, 32), Client: prev, Expires: fuzzEpoch.Add(time.Minute)})
		if err != nil {
			return nil
		}
		req.Header.Set(HeaderToken, tok)
	} else {
		req.URL.RawQuery = url.Values{"mode": {mode}, "group": {group}}.Encode()
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set(HeaderTrace, "1")
	w := httptest.NewRecorder()
	fh.h.ServeHTTP(w, req)
	return w
}

// FuzzFlight: any flight on any connection state is answered with the
// server's records (200) or a JSON error that is not "internal".
func FuzzFlight(f *testing.F) {
	fh := newFuzzHandler(f)
	// The engine's own clients, each mode, flight by flight: (state before,
	// flight) pairs that reach every step of the server.
	for _, mode := range []string{ModeClassic, ModeECDHE, ModeTLS13} {
		var ep endpoint.Endpoint
		r := rng.New([]byte("fuzz client " + mode))
		if mode == ModeTLS13 {
			ep = tls13.Client(&tls13.Config{Rand: r, Time: func() time.Time { return fuzzEpoch }, ServerName: fh.setup.ServerName, Roots: fh.setup.Roots()})
		} else {
			ep = tls12.Client(&tls12.Config{Rand: r, Time: func() time.Time { return fuzzEpoch }, ServerName: fh.setup.ServerName, Roots: fh.setup.Roots(), Suites: map[string][]*suites.Suite{ModeClassic: suites.Classic, ModeECDHE: suites.ECDHE}[mode]})
		}
		ep.Start()
		var prev []byte
		for i := 0; i < 4; i++ {
			if i == 2 {
				ep.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
			}
			var flight []byte
			for _, o := range ep.TakeOutput() {
				flight = append(flight, o.Wire...)
			}
			if len(flight) == 0 {
				break
			}
			f.Add(true, mode, "", prev, flight)
			w := fh.post(true, mode, "", prev, flight)
			if w.Code != http.StatusOK {
				f.Fatalf("%s flight %d: %d %s", mode, i, w.Code, w.Body)
			}
			ep.Receive(w.Body.Bytes())
			prev = append(prev, flight...)
		}
		if !ep.HandshakeComplete() {
			f.Fatalf("%s: seed handshake did not complete: %v", mode, ep.Err())
		}
	}
	f.Add(false, "tls13", "X25519MLKEM768", []byte(nil), []byte{22, 3, 1, 0, 4, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, withToken bool, mode, group string, prev, body []byte) {
		w := fh.post(withToken, mode, group, prev, body)
		if w == nil {
			return // a state seal refuses: not a token a server makes
		}
		if w.Code == http.StatusOK {
			if ct := w.Header().Get("Content-Type"); ct != ContentType {
				t.Fatalf("200 with Content-Type %q", ct)
			}
			return
		}
		var e struct {
			Error *apiError `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == nil {
			t.Fatalf("%d with a body that is not a JSON error: %q", w.Code, w.Body.String())
		}
		if w.Code == http.StatusInternalServerError || e.Error.Code == "internal" {
			t.Fatalf("internal error: %s", e.Error.Message)
		}
	})
}
