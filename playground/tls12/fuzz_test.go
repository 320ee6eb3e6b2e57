package tls12_test

import (
	"testing"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
)

// flights returns the records of a real handshake, as seeds: what the
// server receives and what the client receives. With classic, the suites
// are RSA key transport; otherwise the defaults (ECDHE_RSA over x25519).
func flights(t testing.TB, classic bool) (toServer, toClient [][]byte) {
	s := setup(t)
	cfg := &tls12.Config{Rand: rng.New([]byte("fuzz")), ServerName: s.ServerName, Roots: s.Roots()}
	if classic {
		cfg.Suites = suites.Classic
	}
	c := tls12.Client(cfg)
	srv := tls12.Server(&tls12.Config{Rand: rng.New([]byte("fuzz srv")), Certificates: s.Chain, Key: s.Key})
	c.Start()
	for i := 0; i < 4; i++ {
		for _, o := range c.TakeOutput() {
			toServer = append(toServer, o.Wire)
			srv.Receive(o.Wire)
		}
		for _, o := range srv.TakeOutput() {
			toClient = append(toClient, o.Wire)
			c.Receive(o.Wire)
		}
	}
	if !c.HandshakeComplete() {
		t.Fatal("seed handshake failed")
	}
	return
}

// FuzzServerReceive feeds arbitrary bytes to a fresh server: it may fail,
// never panic, and a failure always queues an alert.
func FuzzServerReceive(f *testing.F) {
	for _, classic := range []bool{true, false} {
		toServer, _ := flights(f, classic)
		for _, r := range toServer {
			f.Add(r)
		}
	}
	f.Add([]byte{22, 3, 1, 0, 0})
	s := setup(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		srv := tls12.Server(&tls12.Config{Rand: rng.New([]byte("fuzz")), Certificates: s.Chain, Key: s.Key})
		if err := srv.Receive(data); err != nil && len(srv.TakeOutput()) == 0 && srv.Err() == nil {
			t.Fatal("error without state")
		}
	})
}

// FuzzClientReceive feeds arbitrary bytes to a client that has sent its
// ClientHello.
func FuzzClientReceive(f *testing.F) {
	for _, classic := range []bool{true, false} {
		_, toClient := flights(f, classic)
		var first []byte // the server's first flight: up to ServerHelloDone
		for _, r := range toClient {
			first = append(first, r...)
			if len(r) == record.HeaderLen+handshake.HeaderLen && r[record.HeaderLen] == handshake.TypeServerHelloDone {
				break
			}
		}
		f.Add(first)
		for _, r := range toClient {
			f.Add(r)
		}
	}
	s := setup(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := tls12.Client(&tls12.Config{Rand: rng.New([]byte("fuzz")), ServerName: s.ServerName, Roots: s.Roots()})
		c.Start()
		c.TakeOutput()
		c.Receive(data)
	})
}
