package main

import (
	"net/http"
	"os"
	"path/filepath"

	"tlsplayground/playground/httpserver"
)

// tlsHandler makes a fresh identity (httpserver.Fresh: a root CA, an RSA-2048
// server key and certificate, a token key) and returns the engine's HTTP
// server for it, with the path of the root CA's PEM file.
func tlsHandler() (http.Handler, string, error) {
	h, rootPEM, err := httpserver.Fresh()
	if err != nil {
		return nil, "", err
	}
	root := filepath.Join(os.TempDir(), "tls-playground-serve-root.pem")
	if err := os.WriteFile(root, rootPEM, 0o644); err != nil {
		return nil, "", err
	}
	return h, root, nil
}
