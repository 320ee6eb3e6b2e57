package httpserver

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

// The cache gives back the very signature the key would make, and leaves
// the rand stream where signing would have: a seeded server that hits the
// cache and one that signs go on identically.
func TestCachingSigner(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyRSA, Rand: rng.New([]byte("sig cache"))})
	if err != nil {
		t.Fatal(err)
	}
	key := s.Key
	c := newCachingSigner(key)
	digest := sha256.Sum256([]byte("the CertificateVerify content"))
	pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}

	sign := func(signer crypto.Signer, seed string) (sig, after []byte) {
		r := rng.New([]byte(seed))
		sig, err := signer.Sign(r, digest[:], pss)
		if err != nil {
			t.Fatal(err)
		}
		after = make([]byte, 16)
		io.ReadFull(r, after)
		return sig, after
	}
	want, wantAfter := sign(key, "seed A")
	for i := 0; i < 3; i++ {
		got, gotAfter := sign(c, "seed A")
		if !bytes.Equal(got, want) || !bytes.Equal(gotAfter, wantAfter) {
			t.Fatalf("call %d: another signature or another rand stream than the key's", i)
		}
	}
	if h, m, _ := c.stats(); h != 2 || m != 1 {
		t.Fatalf("hits %d, misses %d: want 2, 1", h, m)
	}
	// Another salt (another connection's seed) is another signature.
	other, _ := sign(c, "seed B")
	if bytes.Equal(other, want) {
		t.Fatal("a different salt gave the cached signature")
	}
	if err := rsa.VerifyPSS(&key.PublicKey, crypto.SHA256, digest[:], other, pss); err != nil {
		t.Fatal(err)
	}
	// PKCS #1 v1.5 with no rand is cached apart from PSS.
	v15, err := c.Sign(nil, digest[:], crypto.SHA256)
	if err != nil || rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], v15) != nil {
		t.Fatalf("PKCS #1 v1.5: %v", err)
	}
	// A randomized signature other than PSS is never cached.
	es, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, Rand: rng.New([]byte("sig cache ecdsa"))})
	if err != nil {
		t.Fatal(err)
	}
	ec := newCachingSigner(es.Signer)
	for i := 0; i < 2; i++ {
		if _, err := ec.Sign(rng.New([]byte("r")), digest[:], crypto.SHA256); err != nil {
			t.Fatal(err)
		}
	}
	if h, _, kept := ec.stats(); h != 0 || kept != 0 {
		t.Fatalf("a randomized ECDSA signature was cached (%d hits, %d kept)", h, kept)
	}
	d1, _ := ec.Sign(nil, digest[:], crypto.SHA256)
	d2, _ := ec.Sign(nil, digest[:], crypto.SHA256)
	if !bytes.Equal(d1, d2) || !ecdsa.VerifyASN1(es.Signer.Public().(*ecdsa.PublicKey), digest[:], d1) {
		t.Fatal("a deterministic ECDSA signature was not given back")
	}
	// Bounded.
	for i := 0; i < sigCacheSize+10; i++ {
		d := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
		if _, err := ec.Sign(nil, d[:], crypto.SHA256); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, kept := ec.stats(); kept != sigCacheSize {
		t.Fatalf("%d signatures kept, the bound is %d", kept, sigCacheSize)
	}
}

// A TLS 1.3 and an ECDHE handshake sign once each: the second flight
// rebuilds the connection and gets the first flight's signature back. A
// classic handshake signs nothing (RSA key transport decrypts).
func TestSecondFlightReusesTheSignature(t *testing.T) {
	s, chain := rsaSetup(t, "sig cache handshake")
	id, err := IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("cd", 32))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(id, Options{}))
	t.Cleanup(ts.Close)
	want := map[string][2]int{ModeTLS13: {1, 1}, ModeECDHE: {2, 2}, ModeClassic: {2, 2}} // hits, misses so far
	for _, mode := range []string{ModeTLS13, ModeECDHE, ModeClassic} {
		r := rng.New([]byte("sig cache client " + mode))
		var ep endpoint.Endpoint = tls12.Client(&tls12.Config{Rand: r, ServerName: s.ServerName, Roots: s.Roots()})
		if mode == ModeTLS13 {
			ep = tls13.Client(&tls13.Config{Rand: r, ServerName: s.ServerName, Roots: s.Roots()})
		}
		c := &Client{BaseURL: ts.URL, Mode: mode, EP: ep}
		if err := c.Handshake(context.Background()); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if h, m, _ := id.sigs.stats(); [2]int{h, m} != want[mode] {
			t.Fatalf("after %s: %d hits, %d misses; want %v", mode, h, m, want[mode])
		}
	}
}

// A native server (scripts/serve, tlsplay web) signs from many goroutines.
func TestCachingSignerConcurrent(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, Rand: rng.New([]byte("sig cache concurrent"))})
	if err != nil {
		t.Fatal(err)
	}
	c := newCachingSigner(s.Signer)
	sigs := make(chan []byte, 16)
	for i := 0; i < 16; i++ {
		go func(i int) {
			d := sha256.Sum256([]byte{byte(i % 4)})
			sig, err := c.Sign(nil, d[:], crypto.SHA256)
			if err != nil {
				t.Error(err)
			}
			sigs <- append([]byte{byte(i % 4)}, sig...)
		}(i)
	}
	first := map[byte][]byte{}
	for i := 0; i < 16; i++ {
		got := <-sigs
		if prev, ok := first[got[0]]; ok && !bytes.Equal(prev, got) {
			t.Fatalf("digest %d signed two ways", got[0])
		}
		first[got[0]] = got
	}
	if h, m, kept := c.stats(); h+m != 16 || kept != 4 {
		t.Fatalf("%d hits, %d misses, %d kept: want 16 calls, 4 kept", h, m, kept)
	}
}
