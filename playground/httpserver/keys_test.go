package httpserver

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls13"
)

func rsaSetup(t *testing.T, seed string) (*pki.Setup, []byte) {
	t.Helper()
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyRSA, Rand: rng.New([]byte(seed))})
	if err != nil {
		t.Fatal(err)
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) {
		chain = append(chain, pki.CertPEM(der)...)
	}
	return s, chain
}

// An RSA identity checks its key against the leaf at once, and parses the
// key only when a flight needs it: GET /tls/info does not.
func TestLazyRSAKey(t *testing.T) {
	s, chain := rsaSetup(t, "lazy key")
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(s.Key)})
	for name, keyPEM := range map[string][]byte{"PKCS #8": s.KeyPEM(), "PKCS #1": pkcs1} {
		t.Run(name, func(t *testing.T) {
			id, err := IdentityFromPEM(chain, keyPEM, strings.Repeat("ab", 32))
			if err != nil {
				t.Fatal(err)
			}
			if id.Signer != nil || id.lazy == nil || !isRSA(id) || id.Root == nil {
				t.Fatalf("signer %T, lazy %v, RSA %v, root %v", id.Signer, id.lazy != nil, isRSA(id), id.Root != nil)
			}
			ts := serveInfo(t, id)
			if id.lazy.signer != nil {
				t.Fatal("GET /tls/info parsed the private key")
			}
			c := &Client{BaseURL: ts.URL, Mode: ModeTLS13, EP: tls13Client(s)}
			if err := c.Handshake(context.Background()); err != nil {
				t.Fatal(err)
			}
			if id.lazy.signer == nil {
				t.Fatal("the handshake did not parse the key")
			}
		})
	}

	// Another RSA key is refused at once, as any mismatched key.
	other, _ := rsaSetup(t, "another key")
	if _, err := IdentityFromPEM(chain, other.KeyPEM(), strings.Repeat("ab", 32)); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("another RSA key: %v", err)
	}
}

// serveInfo serves the identity and checks that GET /tls/info answers 200.
func serveInfo(t *testing.T, id *Identity) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(New(id, Options{}))
	t.Cleanup(ts.Close)
	resp, err := http.Get(ts.URL + PathInfo)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %v %v", PathInfo, resp, err)
	}
	resp.Body.Close()
	return ts
}

func tls13Client(s *pki.Setup) *tls13.Conn {
	return tls13.Client(&tls13.Config{Rand: rng.New([]byte("lazy key client")), ServerName: s.ServerName, Roots: s.Roots()})
}

// A key whose public half is the leaf's but whose private half is broken
// serves GET /tls/info and answers a flight with 500 internal, naming the key.
func TestBrokenRSAKey(t *testing.T) {
	s, chain := rsaSetup(t, "broken key")
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		b.AddASN1BigInt(s.Key.N)
		b.AddASN1Int64(int64(s.Key.E))
		for range 6 { // d, p, q, dp, dq, qinv: wrong
			b.AddASN1BigInt(big.NewInt(3))
		}
	})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: b.BytesOrPanic()})
	id, err := IdentityFromPEM(chain, keyPEM, strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	ts := serveInfo(t, id)
	c := &Client{BaseURL: ts.URL, Mode: ModeTLS13, EP: tls13Client(s)}
	err = c.Handshake(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Status != 500 || e.Code != "internal" || !strings.Contains(e.Message, "private key") {
		t.Fatalf("a flight with a broken key: %v", err)
	}
}

func TestRSAPublicInPEM(t *testing.T) {
	s, _ := rsaSetup(t, "public half")
	if pub, ok := rsaPublicInPEM(s.KeyPEM()); !ok || !pub.Equal(&s.Key.PublicKey) {
		t.Fatalf("PKCS #8: %v %v", pub, ok)
	}
	ec, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, Rand: rng.New([]byte("ec"))})
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{"ECDSA": ec.KeyPEM(), "no PEM": []byte("nothing"),
		"garbage": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x03, 0x02, 0x01}})} {
		if _, ok := rsaPublicInPEM(in); ok {
			t.Errorf("%s read as an RSA key", name)
		}
	}
}

// The server records its trace only for a client that asks (Tls-Playground-Trace: 1).
func TestTraceOnlyWhenAsked(t *testing.T) {
	s, chain := rsaSetup(t, "trace when asked")
	id, err := IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(id, Options{}))
	defer ts.Close()
	for _, ask := range []bool{false, true} {
		cl := tls13Client(s)
		if err := cl.Start(); err != nil {
			t.Fatal(err)
		}
		var hello []byte
		for _, o := range cl.TakeOutput() {
			hello = append(hello, o.Wire...)
		}
		req, _ := http.NewRequest(http.MethodPost, ts.URL+PathFlight+"?mode=tls13", strings.NewReader(string(hello)))
		req.Header.Set("Content-Type", ContentType)
		if ask {
			req.Header.Set(HeaderTrace, "1")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get(HeaderTrace) != ""; resp.StatusCode != 200 || got != ask {
			t.Fatalf("asked %v: HTTP %d, trace header present %v", ask, resp.StatusCode, got)
		}
	}
}
