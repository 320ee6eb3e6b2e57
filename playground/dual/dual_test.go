package dual_test

import (
	"strings"
	"testing"

	"tlsplayground/playground/dual"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

func pair(t *testing.T, s *pki.Setup) (*dual.Client, *tls12.Config, *tls13.Config) {
	cfg12 := &tls12.Config{Rand: rng.New([]byte("c12")), ServerName: s.ServerName, Roots: s.Roots()}
	cfg13 := &tls13.Config{Rand: rng.New([]byte("c13")), ServerName: s.ServerName, Roots: s.Roots(), TLS12Suites: suites.ECDHE}
	c, err := dual.NewClient(cfg12, cfg13)
	if err != nil {
		t.Fatal(err)
	}
	return c, cfg12, cfg13
}

// run carries records between the ends; mitm may change each client record.
func run(c, s endpoint.Endpoint, mitm func([]byte) []byte) error {
	if err := c.Start(); err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		moved := false
		for _, o := range c.TakeOutput() {
			w := o.Wire
			if mitm != nil {
				w = mitm(w)
			}
			s.Receive(w)
			moved = true
		}
		for _, o := range s.TakeOutput() {
			c.Receive(o.Wire)
			moved = true
		}
		if !moved {
			break
		}
	}
	if err := c.Err(); err != nil {
		return err
	}
	return s.Err()
}

func TestVersions(t *testing.T) {
	s, _ := pki.NewSetup(pki.Options{Rand: rng.New([]byte("dual"))})
	srv12 := func() *tls12.Config {
		return &tls12.Config{Rand: rng.New([]byte("s12")), Certificates: s.Chain, Signer: s.Signer, Key: s.Key}
	}
	srv13 := &tls13.Config{Rand: rng.New([]byte("s13")), Certificates: s.Chain, Signer: s.Signer}

	// Both speak 1.3: TLS 1.3.
	c, _, _ := pair(t, s)
	srv := dual.NewServer(srv12(), srv13)
	if err := run(c, srv, nil); err != nil || c.Version() != suites.VersionTLS13 || !c.HandshakeComplete() {
		t.Fatalf("1.3: %v %x", err, c.Version())
	}
	// A TLS 1.2-only server: the client falls back, no sentinel.
	c, _, _ = pair(t, s)
	old := tls12.Server(srv12())
	if err := run(c, old, nil); err != nil || c.Version() != suites.VersionTLS12 || !c.HandshakeComplete() {
		t.Fatalf("fallback: %v %x", err, c.Version())
	}
	// Mallory strips TLS 1.3 from the ClientHello: the server marks its
	// TLS 1.2 random, the client sees it and aborts.
	c, _, _ = pair(t, s)
	srv = dual.NewServer(srv12(), srv13)
	err := run(c, srv, dual.StripTLS13)
	if err == nil || !strings.Contains(err.Error(), "downgrade detected") || srv.Version() != suites.VersionTLS12 {
		t.Fatalf("downgrade: %v (server chose %x)", err, srv.Version())
	}
	if a, ok := alertOf(err); !ok || a != "illegal_parameter" {
		t.Fatalf("alert %q", a)
	}
}
