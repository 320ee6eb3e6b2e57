package site

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// distFS is a built site in miniature: one file of each kind, at the paths
// scripts/sitebuild gives them.
var distFS = fstest.MapFS{
	"index.html":                        {Data: []byte("<!doctype html><title>page</title>")},
	"embed.html":                        {Data: []byte("<!doctype html><title>embed</title>")},
	"sw.js":                             {Data: []byte("'use strict';")},
	"manifest.webmanifest":              {Data: []byte(`{"name":"TLS Playground"}`)},
	"tls-playground.js":                 {Data: []byte("customElements;")},
	"build.json":                        {Data: []byte(`{"version":"x"}`)},
	"tls-playground.html":               {Data: []byte("<!doctype html><title>single file</title>")},
	"favicon.svg":                       {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
	"icons/icon-192.png":                {Data: []byte("\x89PNG\r\n\x1a\n")},
	"assets/0123456789ab/js/app.js":     {Data: []byte("export {};")},
	"assets/0123456789ab/css/page.css":  {Data: []byte("body{}")},
	"assets/0123456789ab/img/a.png":     {Data: []byte("\x89PNG\r\n\x1a\n")},
	"assets/0123456789ab/wasm_exec.js":  {Data: []byte("'use strict';")},
	"assets/engine-0123456789ab.wasm":   {Data: []byte("\x00asm\x01\x00\x00\x00")},
	"assets/0123456789ab/js/c/panel.js": {Data: []byte("export {};")},
}

// paths are the requests the checks make: every kind of file, and the pretty URLs.
var paths = []string{
	"/", "/index.html", "/index", "/embed.html", "/embed", "/sw.js", "/manifest.webmanifest",
	"/tls-playground.js", "/build.json", "/favicon.svg", "/icons/icon-192.png", "/tls-playground.html",
	"/assets/0123456789ab/js/app.js", "/assets/0123456789ab/js/c/panel.js",
	"/assets/0123456789ab/css/page.css", "/assets/0123456789ab/img/a.png",
	"/assets/0123456789ab/wasm_exec.js", "/assets/engine-0123456789ab.wasm",
}

// policy are the headers the table decides; the others (Content-Length, Date,
// ETag, Last-Modified, Accept-Ranges) are the server's own.
var policy = []string{
	"Cache-Control", "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
	"Access-Control-Allow-Origin", "Service-Worker-Allowed", "Referrer-Policy",
}

// parseNetlify reads the [[headers]] blocks of a netlify.toml: exactly the
// TOML that file uses (tables, [[headers]] arrays, `key = "basic string"`,
// comments). Anything else inside a [[headers]] block is an error, so a
// construct this parser does not know cannot be silently skipped.
func parseNetlify(text string) ([]Rule, error) {
	var rules []Rule
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			section = line
			if section == "[[headers]]" {
				rules = append(rules, Rule{Values: map[string]string{}})
			}
			continue
		}
		if section != "[[headers]]" && section != "[headers.values]" {
			continue // [build] and the like
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("netlify.toml:%d: want key = \"value\", got %q", n, line)
		}
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		if !strings.HasPrefix(value, `"`) || !strings.HasSuffix(value, `"`) || len(value) < 2 || strings.Contains(value, `\`) {
			return nil, fmt.Errorf("netlify.toml:%d: %s: only one-line basic strings without escapes are understood here, got %s", n, key, value)
		}
		v, err := strconv.Unquote(value)
		if err != nil {
			return nil, fmt.Errorf("netlify.toml:%d: %v", n, err)
		}
		r := &rules[len(rules)-1]
		switch {
		case section == "[[headers]]" && key == "for":
			r.For = v
		case section == "[headers.values]":
			if _, dup := r.Values[key]; dup {
				return nil, fmt.Errorf("netlify.toml:%d: %s set twice in one rule", n, key)
			}
			r.Values[key] = v
		default:
			return nil, fmt.Errorf("netlify.toml:%d: unexpected %s in [[headers]]", n, key)
		}
	}
	for i, r := range rules {
		if r.For == "" {
			return nil, fmt.Errorf("netlify.toml: [[headers]] number %d has no for", i+1)
		}
	}
	return rules, sc.Err()
}

func netlifyRules(t *testing.T) []Rule {
	t.Helper()
	text, err := os.ReadFile("../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := parseNetlify(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), `publish = "site/dist"`) {
		t.Error(`netlify.toml does not publish "site/dist"`)
	}
	return rules
}

// TestHandlerMatchesNetlify serves the miniature site with Handler and checks
// each response's headers against what Netlify sends for that path under
// netlify.toml (every matching rule), both ways: what netlify.toml sets is
// sent, and every policy header sent is in netlify.toml.
func TestHandlerMatchesNetlify(t *testing.T) {
	rules := netlifyRules(t)
	srv := httptest.NewServer(Handler(distFS))
	defer srv.Close()
	for _, p := range paths {
		want := HeadersFrom(rules, p)
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", p, resp.StatusCode)
			continue
		}
		for k := range want {
			if got := strings.Join(resp.Header.Values(k), ", "); got != want.Get(k) {
				t.Errorf("GET %s: %s = %q; netlify.toml gives %q", p, k, got, want.Get(k))
			}
		}
		for _, k := range policy {
			if got := resp.Header.Get(k); got != "" && want.Get(k) == "" {
				t.Errorf("GET %s: sends %s = %q, which netlify.toml does not set", p, k, got)
			}
		}
		if want.Get("Cache-Control") == "" {
			t.Errorf("%s: no rule sets Cache-Control (Netlify would use its default)", p)
		}
	}
}

// TestRulesDisjoint: no header is set by two rules that match one path, in
// the table or in netlify.toml, so Netlify's way of merging them (join or
// override) cannot change the result.
func TestRulesDisjoint(t *testing.T) {
	for name, rules := range map[string][]Rule{"site.Rules": Rules, "netlify.toml": netlifyRules(t)} {
		for _, p := range paths {
			by := map[string]string{}
			for _, r := range rules {
				if !Match(r.For, p) {
					continue
				}
				for k := range r.Values {
					k = http.CanonicalHeaderKey(k)
					if other, dup := by[k]; dup {
						t.Errorf("%s: %s is set for %s by both %q and %q", name, k, p, other, r.For)
					}
					by[k] = r.For
				}
			}
		}
	}
}

// TestTableIsNetlify: the table and netlify.toml give every path the same headers.
func TestTableIsNetlify(t *testing.T) {
	rules := netlifyRules(t)
	for _, p := range append(slices.Clone(paths), "/missing", "/assets", "/icons/") {
		got, want := Headers(p), HeadersFrom(rules, p)
		for _, k := range policy {
			if got.Get(k) != want.Get(k) {
				t.Errorf("%s: %s: site.Headers %q, netlify.toml %q", p, k, got.Get(k), want.Get(k))
			}
		}
	}
}

func TestPolicy(t *testing.T) {
	for _, p := range paths {
		h := Headers(p)
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", p)
		}
		immutable := strings.HasPrefix(p, "/assets/")
		if got, want := h.Get("Cache-Control"), map[bool]string{true: Immutable, false: Revalidate}[immutable]; got != want {
			t.Errorf("%s: Cache-Control %q, want %q", p, got, want)
		}
		csp := h.Get("Content-Security-Policy")
		framed := strings.Contains(csp, "frame-ancestors")
		switch p {
		case "/", "/index.html", "/index":
			if csp != PageCSP {
				t.Errorf("%s: CSP %q, want %q", p, csp, PageCSP)
			}
		case "/tls-playground.html":
			if csp != FrameSelf {
				t.Errorf("%s: CSP %q, want only %q (the file has its own)", p, csp, FrameSelf)
			}
		case "/embed.html", "/embed":
			if csp != CSP || framed {
				t.Errorf("%s: CSP %q, want %q (any site may frame the embed)", p, csp, CSP)
			}
		default:
			if csp != CSP {
				t.Errorf("%s: CSP %q, want %q", p, csp, CSP)
			}
		}
	}
	if got := Headers("/assets/engine-0123456789ab.wasm").Get("Content-Type"); got != "application/wasm" {
		t.Errorf("wasm Content-Type %q", got)
	}
	if got := Headers("/manifest.webmanifest").Get("Content-Type"); got != "application/manifest+json" {
		t.Errorf("manifest Content-Type %q", got)
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"/*", "/", true},
		{"/*", "/a/b.js", true},
		{"/", "/", true},
		{"/", "/index.html", false},
		{"/embed", "/embed", true},
		{"/embed", "/embed/", true},
		{"/embed", "/embed.html", false},
		{"/embed.html", "/EMBED.HTML", true},
		{"/embed.html", "/embedxhtml", false},
		{"/assets/*", "/assets/0123/js/app.js", true},
		{"/assets/*", "/index.html", false},
		{"/*.wasm", "/assets/engine-1.wasm", true},
		{"/*.wasm", "/assets/engine-1.wasm.js", false},
		{"/icons/*", "/icons/icon-192.png", true},
		{"/a/:x/b", "/a/1/b", true},
		{"/a/:x/b", "/a/1/2/b", false},
	} {
		if got := Match(tc.pattern, tc.path); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler(distFS))
	defer srv.Close()
	get := func(method, p string, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+p, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for p, ct := range map[string]string{
		"/":                                 "text/html; charset=utf-8",
		"/embed":                            "text/html; charset=utf-8",
		"/assets/0123456789ab/js/app.js":    "text/javascript; charset=utf-8",
		"/assets/0123456789ab/css/page.css": "text/css; charset=utf-8",
		"/assets/engine-0123456789ab.wasm":  "application/wasm",
		"/manifest.webmanifest":             "application/manifest+json",
		"/icons/icon-192.png":               "image/png",
		"/build.json":                       "application/json",
	} {
		if got := get("GET", p, nil).Header.Get("Content-Type"); got != ct {
			t.Errorf("GET %s: Content-Type %q, want %q", p, got, ct)
		}
	}
	for _, p := range []string{"/missing.js", "/assets/", "/../site.go", "/icons"} {
		if got := get("GET", p, nil).StatusCode; got != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, got)
		}
	}
	if got := get("POST", "/", nil).StatusCode; got != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", got)
	}
	// A revalidation of an unchanged page costs no body.
	etag := get("GET", "/index.html", nil).Header.Get("ETag")
	if etag == "" {
		t.Fatal("GET /index.html: no ETag")
	}
	if got := get("GET", "/index.html", map[string]string{"If-None-Match": etag}).StatusCode; got != http.StatusNotModified {
		t.Errorf("GET /index.html with If-None-Match: status %d, want 304", got)
	}
	if got := get("HEAD", "/sw.js", nil); got.StatusCode != http.StatusOK || got.Header.Get("Cache-Control") != Revalidate {
		t.Errorf("HEAD /sw.js: %d %q", got.StatusCode, got.Header.Get("Cache-Control"))
	}
}
