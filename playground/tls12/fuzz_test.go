package tls12_test

import (
	"testing"

	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
)

// flights returns the records of a real handshake, as seeds: what the
// server receives and what the client receives.
func flights(t testing.TB) (toServer, toClient [][]byte) {
	s := setup(t)
	c := tls12.Client(&tls12.Config{Rand: rng.New([]byte("fuzz")), ServerName: s.ServerName, Roots: s.Roots()})
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
	toServer, _ := flights(f)
	for _, r := range toServer {
		f.Add(r)
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
	_, toClient := flights(f)
	var first []byte
	for _, r := range toClient[:3] {
		first = append(first, r...)
	}
	f.Add(first)
	for _, r := range toClient {
		f.Add(r)
	}
	s := setup(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := tls12.Client(&tls12.Config{Rand: rng.New([]byte("fuzz")), ServerName: s.ServerName, Roots: s.Roots()})
		c.Start()
		c.TakeOutput()
		c.Receive(data)
	})
}
