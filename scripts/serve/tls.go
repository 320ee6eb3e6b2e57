package main

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
)

// tlsHandler makes a fresh identity (a root CA, an RSA-2048 server key and
// certificate, a token key) and returns the engine's HTTP server for it,
// with the path of the root CA's PEM file.
func tlsHandler() (http.Handler, string, error) {
	s, err := pki.NewSetup(pki.Options{})
	if err != nil {
		return nil, "", err
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) { // the root last: published at /tls/info
		chain = append(chain, pki.CertPEM(der)...)
	}
	tk := make([]byte, 32)
	if _, err := rand.Read(tk); err != nil {
		return nil, "", err
	}
	id, err := httpserver.IdentityFromPEM(chain, s.KeyPEM(), hex.EncodeToString(tk))
	if err != nil {
		return nil, "", err
	}
	root := filepath.Join(os.TempDir(), "tls-playground-serve-root.pem")
	if err := os.WriteFile(root, pki.CertPEM(s.CA.Raw), 0o644); err != nil {
		return nil, "", err
	}
	return httpserver.New(id, httpserver.Options{}), root, nil
}
