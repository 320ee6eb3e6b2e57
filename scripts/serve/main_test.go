package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tlsplayground/playground/httpserver"
	"tlsplayground/site"
)

// TestServe: the site with the production headers (site.Handler; site/site_test.go
// checks them against netlify.toml), and the engine's TLS server beside it at /tls/.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>t</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, root, err := newHandler(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(root); err != nil {
		t.Errorf("root CA: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config = newServer(h)
	srv.Start()
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") != site.PageCSP || resp.Header.Get("Cache-Control") != site.Revalidate {
		t.Errorf("GET /: %d, CSP %q, Cache-Control %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"), resp.Header.Get("Cache-Control"))
	}

	resp, err = http.Get(srv.URL + "/tls/info")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /tls/info: status %d, want 200 (the engine's TLS server)", resp.StatusCode)
	}

	// A header over the TLS server's limit gets its JSON 431; one over
	// net/http's (httpserver.ServerMaxHeaderBytes) gets net/http's own.
	for _, c := range []struct {
		pad  int
		json bool
	}{{100 << 10, true}, {httpserver.ServerMaxHeaderBytes + 8<<10, false}} {
		req, _ := http.NewRequest("GET", srv.URL+"/tls/info", nil)
		req.Header.Set("X-Padding", strings.Repeat("p", c.pad))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if isJSON := strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json"); resp.StatusCode != 431 || isJSON != c.json {
			t.Errorf("a %d-byte header: %d %q, want 431, JSON %v", c.pad, resp.StatusCode, resp.Header.Get("Content-Type"), c.json)
		}
	}
}
