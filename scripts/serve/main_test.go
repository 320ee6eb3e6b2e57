package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHandlerHeaders(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html":  "<!doctype html><title>t</title>",
		"engine.wasm": "\x00asm\x01\x00\x00\x00",
		"app.js":      "export {};",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()

	for _, tc := range []struct{ path, contentType string }{
		{"/", "text/html; charset=utf-8"},
		{"/engine.wasm", "application/wasm"},
		{"/app.js", "text/javascript; charset=utf-8"},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", tc.path, resp.StatusCode)
		}
		for header, want := range map[string]string{
			"Content-Type":            tc.contentType,
			"Content-Security-Policy": CSP,
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "no-store",
		} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("GET %s: %s = %q, want %q", tc.path, header, got, want)
			}
		}
	}
}

// TestCSPMatchesNetlify keeps the dev server's policy identical to production's.
func TestCSPMatchesNetlify(t *testing.T) {
	toml, err := os.ReadFile("../../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{CSP, "nosniff", `Content-Type = "application/wasm"`, `publish = "site/dist"`} {
		if !strings.Contains(string(toml), want) {
			t.Errorf("netlify.toml does not contain %q", want)
		}
	}
}
