package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
)

// The client against the handler natively: the same checks that
// tests/workerd runs against the Worker under workerd.
func TestAgainstHandler(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) {
		chain = append(chain, pki.CertPEM(der)...)
	}
	id, err := httpserver.IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("c3", 32))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpserver.New(id, httpserver.Options{}))
	defer srv.Close()
	trust := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(trust, pki.CertPEM(s.CA.Raw), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cmdCheck([]string{"-url", srv.URL, "-trust", trust, "-strict"}); err != nil {
		t.Fatal(err)
	}
	if err := cmdLoad([]string{"-url", srv.URL, "-trust", trust, "-n", "40", "-c", "4"}); err != nil {
		t.Fatal(err)
	}
}
