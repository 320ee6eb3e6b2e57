package eve_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"tlsplayground/playground/eve"
	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
)

// recordOverHTTP runs a session against the HTTP server (the page's "in
// this page over HTTP" mode, without the page), as Eve records it: every
// record both ways and the tokens of the requests.
func recordOverHTTP(t *testing.T, s *pki.Setup, id *httpserver.Identity, mode, serverGroup string) ([]eve.Record, []string) {
	t.Helper()
	h := httpserver.New(id, httpserver.Options{})
	r, err := session.NewRemote(session.RemoteOptions{Mode: mode, ServerName: s.ServerName, TrustPEM: string(pki.CertPEM(s.CA.Raw)), Seed: []byte("eve over http " + mode + serverGroup)})
	if err != nil {
		t.Fatal(err)
	}
	var token string
	var tokens []string
	pump := func() {
		for i := 0; i < 8; i++ {
			flight := r.Flight()
			if len(flight) == 0 {
				return
			}
			q := url.Values{"mode": {mode}}
			if serverGroup != "" && token == "" {
				q.Set("group", serverGroup)
			}
			req := httptest.NewRequest(http.MethodPost, httpserver.PathFlight+"?"+q.Encode(), bytes.NewReader(flight))
			req.Header.Set("Content-Type", httpserver.ContentType)
			if token != "" {
				req.Header.Set(httpserver.HeaderToken, token)
				tokens = append(tokens, token)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				t.Fatalf("HTTP %d: %s", w.Code, w.Body)
			}
			token = w.Header().Get(httpserver.HeaderToken)
			r.Deliver(w.Body.Bytes(), nil)
		}
	}
	pump()
	if !r.Established() {
		t.Fatalf("%s: no handshake: %+v", mode, r.Export().Error)
	}
	for _, msg := range []string{"GET /account HTTP/1.1", "POST /transfer amount=100"} {
		if err := r.Write(msg); err != nil {
			t.Fatal(err)
		}
		pump()
	}
	r.Close()
	pump()
	var recs []eve.Record
	for _, rr := range r.Export().Records {
		recs = append(recs, eve.Record{From: rr.From, Hex: rr.Hex})
	}
	return recs, tokens
}

// TestTokenKeyDecryptsHTTPSession: with the token key, a recorded HTTP
// session decrypts, in ECDHE and TLS 1.3 (each group, with a
// HelloRetryRequest too), from any token of the connection; without it
// (another key), or with the certificate's key alone, it does not; for
// RSA key transport the token key does not help.
func TestTokenKeyDecryptsHTTPSession(t *testing.T) {
	for _, keyType := range []string{pki.KeyRSA, pki.KeyECDSA} {
		s, err := pki.NewSetup(pki.Options{KeyType: keyType, Rand: rng.New([]byte("eve http " + keyType))})
		if err != nil {
			t.Fatal(err)
		}
		key := bytes.Repeat([]byte{0x42}, 32)
		id := &httpserver.Identity{ServerName: s.ServerName, Chain: s.Chain, Signer: s.Signer, TokenKey: key}
		cases := []struct{ mode, group string }{
			{httpserver.ModeTLS13, ""}, {httpserver.ModeTLS13, "x25519"}, {httpserver.ModeTLS13, "secp256r1"},
			{httpserver.ModeECDHE, ""}, {httpserver.ModeECDHE, "secp256r1"},
		}
		if keyType == pki.KeyRSA {
			cases = append(cases, struct{ mode, group string }{httpserver.ModeClassic, ""})
		}
		for _, c := range cases {
			t.Run(keyType+"/"+c.mode+"/"+c.group, func(t *testing.T) {
				recs, tokens := recordOverHTTP(t, s, id, c.mode, c.group)
				if len(tokens) < 2 {
					t.Fatalf("%d tokens recorded", len(tokens))
				}
				for _, tok := range []string{tokens[0], tokens[len(tokens)-1]} {
					res := eve.DecryptWithTokenKey(recs, tok, key)
					if c.mode == httpserver.ModeClassic {
						if res.OK || !strings.Contains(res.Verdict, "client chose the pre-master secret") {
							t.Fatalf("classic: %+v", res.Verdict)
						}
						return
					}
					if !res.OK {
						t.Fatalf("with the token key: %s", res.Verdict)
					}
					var all string
					for _, p := range res.Plaintexts {
						all += p.Text + "\n"
					}
					for _, want := range []string{"GET /account HTTP/1.1", "server received 25 bytes: POST /transfer amount=100", "close_notify"} {
						if !strings.Contains(all, want) {
							t.Fatalf("plaintexts lack %q:\n%s", want, all)
						}
					}
				}
				// Without the token key, no.
				other := bytes.Repeat([]byte{0x43}, 32)
				if res := eve.DecryptWithTokenKey(recs, tokens[0], other); res.OK || len(res.Plaintexts) != 0 || !strings.Contains(res.Verdict, "does not open") {
					t.Fatalf("another key: %+v", res.Verdict)
				}
				// With the certificate's key alone, no (ECDHE, TLS 1.3).
				if res := eve.Decrypt(recs, s.Signer); c.mode != httpserver.ModeClassic && (res.OK || len(res.Plaintexts) != 0) {
					t.Fatalf("certificate key: %s", res.Verdict)
				}
			})
		}
	}
}

// TestTokenFromAnotherConnection: a token of another connection opens,
// but its seed does not give the key share on the wire.
func TestTokenFromAnotherConnection(t *testing.T) {
	s, _ := pki.NewSetup(pki.Options{Rand: rng.New([]byte("eve http other"))})
	key := bytes.Repeat([]byte{7}, 32)
	id := &httpserver.Identity{ServerName: s.ServerName, Chain: s.Chain, Signer: s.Signer, TokenKey: key}
	recs, _ := recordOverHTTP(t, s, id, httpserver.ModeTLS13, "")
	_, tokens := recordOverHTTP(t, s, id, httpserver.ModeTLS13, "x25519")
	if res := eve.DecryptWithTokenKey(recs, tokens[0], key); res.OK || !strings.Contains(res.Verdict, "not from this connection") {
		t.Fatalf("%+v", res.Verdict)
	}
}
