package session

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
)

// BenchmarkClassicHandshake is a full classic handshake in one process, key
// generation excluded (the setup is made once): ClientHello to both
// Finished verified, plus one message each way.
func BenchmarkClassicHandshake(b *testing.B) {
	setup := testSetup(b)
	for b.Loop() {
		s, err := New(setup, Options{})
		if err != nil || !s.Established() {
			b.Fatal(err, s.Export().Error)
		}
		if _, err := s.Send("client", "ping"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCryptoTLSClassicHandshake is the same handshake (TLS 1.2, RSA key
// transport, same key and chain) between two crypto/tls ends over net.Pipe,
// for comparison.
func BenchmarkCryptoTLSClassicHandshake(b *testing.B) {
	setup := testSetup(b)
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_256_GCM_SHA384},
		RootCAs:      setup.Roots(), ServerName: setup.ServerName,
		Certificates: []tls.Certificate{{Certificate: setup.Chain, PrivateKey: setup.Key}},
	}
	for b.Loop() {
		c1, c2 := net.Pipe()
		srv, cli := tls.Server(c2, cfg), tls.Client(c1, cfg)
		done := make(chan error, 1)
		go func() {
			err := srv.Handshake()
			if err == nil {
				buf := make([]byte, 4)
				_, err = io.ReadFull(srv, buf)
			}
			done <- err
		}()
		if err := cli.Handshake(); err != nil {
			b.Fatal(err)
		}
		if _, err := cli.Write([]byte("ping")); err != nil {
			b.Fatal(err)
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		c1.Close() // close the raw pipe: tls.Conn.Close on a pipe stalls (DESIGN.md)
		c2.Close()
	}
}
