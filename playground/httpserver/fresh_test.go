package httpserver_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"testing"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/tls13"
)

// TestFresh: a fresh server completes a handshake with a client that trusts
// only the root it returned, and publishes that root at /tls/info.
func TestFresh(t *testing.T) {
	h, rootPEM, err := httpserver.Fresh()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	block, _ := pem.Decode(rootPEM)
	if block == nil {
		t.Fatalf("root is not PEM: %q", rootPEM)
	}
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	c := &httpserver.Client{BaseURL: srv.URL, Mode: httpserver.ModeTLS13, EP: tls13.Client(&tls13.Config{Rand: rand.Reader, ServerName: pki.DefaultServerName, Roots: roots})}
	if err := c.Handshake(context.Background()); err != nil {
		t.Fatalf("handshake with a client that trusts the returned root: %v", err)
	}
	if got := info(t, srv.URL).RootPEM; got != string(rootPEM) {
		t.Fatalf("info: rootPem %q", got)
	}
}
