package tls13_test

import (
	"testing"

	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls13"
)

// flights returns the records of a real TLS 1.3 handshake.
func flights(t testing.TB) (toServer, toClient [][]byte) {
	s := setup(t, "rsa")
	c := tls13.Client(&tls13.Config{Rand: rng.New([]byte("fuzz")), ServerName: s.ServerName, Roots: s.Roots()})
	srv := tls13.Server(&tls13.Config{Rand: rng.New([]byte("fuzz srv")), Certificates: s.Chain, Signer: s.Signer})
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

// FuzzServerReceive: arbitrary bytes to a fresh TLS 1.3 server, which has
// an OCSP response to staple, never panic.
func FuzzServerReceive(f *testing.F) {
	toServer, _ := flights(f)
	for _, r := range toServer {
		f.Add(r)
	}
	s := setup(f, "rsa")
	// A ClientHello asking for a stapled OCSP response (status_request).
	c := tls13.Client(&tls13.Config{Rand: rng.New([]byte("fuzz webpki")), ServerName: s.ServerName, Roots: s.Roots(), WebPKI: true})
	c.Start()
	f.Add(c.TakeOutput()[0].Wire)
	staple := webPKI(f).OCSPResponse
	f.Fuzz(func(t *testing.T, data []byte) {
		srv := tls13.Server(&tls13.Config{Rand: rng.New([]byte("fuzz")), Certificates: s.Chain, Signer: s.Signer, OCSPStaple: staple})
		srv.Receive(data)
	})
}

// FuzzClientReceive: arbitrary bytes to a client that sent its ClientHello.
// The seed is the server's first record; the ones after it are encrypted.
func FuzzClientReceive(f *testing.F) {
	_, toClient := flights(f)
	for _, r := range toClient {
		f.Add(r)
	}
	s := setup(f, "rsa")
	f.Fuzz(func(t *testing.T, data []byte) {
		c := tls13.Client(&tls13.Config{Rand: rng.New([]byte("fuzz")), ServerName: s.ServerName, Roots: s.Roots()})
		c.Start()
		c.TakeOutput()
		c.Receive(data)
	})
}
