package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"tlsplayground/playground/httpserver"
)

var webURL = regexp.MustCompile(`The TLS Playground is at (http://127\.0\.0\.1:(\d+)/)`)

// withSite makes web serve fsys and records the browser it is asked to open.
func withSite(t *testing.T, fsys fs.FS) *[]string {
	t.Helper()
	oldSite, oldOpen := builtSite, openBrowser
	t.Cleanup(func() { builtSite, openBrowser = oldSite, oldOpen })
	builtSite = func() (fs.FS, error) { return fsys, nil }
	var opened []string
	openBrowser = func(url string) error {
		opened = append(opened, url)
		return errors.New("no browser in a test")
	}
	return &opened
}

var testSite = fstest.MapFS{
	"index.html":          {Data: []byte("<!doctype html><title>TLS Playground</title>")},
	"tls-playground.html": {Data: []byte("<!doctype html><title>single</title>")},
	"engine.wasm":         {Data: []byte("\x00asm\x01\x00\x00\x00")},
}

// startWeb runs tlsplay web with args until the test ends; it returns the
// page's URL and the command's output.
func startWeb(t *testing.T, args ...string) (string, *syncBuffer, *syncBuffer) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("stopping web needs os.Interrupt, which Windows cannot send")
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(append([]string{"web"}, args...), stdout, stderr) }()
	m := stdout.waitFor(t, webURL)
	t.Cleanup(func() {
		self, _ := os.FindProcess(os.Getpid())
		self.Signal(os.Interrupt)
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("web exited %d: %s", code, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Errorf("web did not stop on an interrupt")
		}
	})
	return m[1], stdout, stderr
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestWebServes: the site with the production headers, the engine's TLS
// server at /tls/, and the browser asked to open the page (its failure a hint).
func TestWebServes(t *testing.T) {
	opened := withSite(t, testSite)
	url, stdout, stderr := startWeb(t, "127.0.0.1:0")
	resp, body := get(t, url)
	if resp.StatusCode != 200 || !strings.Contains(body, "TLS Playground") {
		t.Fatalf("GET /: %d %q", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval'") {
		t.Errorf("GET /: Content-Security-Policy %q", csp)
	}
	if resp, _ := get(t, url+"engine.wasm"); resp.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("GET /engine.wasm: Content-Type %q", resp.Header.Get("Content-Type"))
	}
	if resp, body := get(t, url+"tls/info"); resp.StatusCode != 200 || !strings.Contains(body, "BEGIN CERTIFICATE") {
		t.Errorf("GET /tls/info: %d %q", resp.StatusCode, body)
	}
	// A header over the TLS server's limit gets its JSON 431; one over
	// net/http's (httpserver.ServerMaxHeaderBytes) gets net/http's own.
	for _, c := range []struct {
		pad  int
		json bool
	}{{100 << 10, true}, {httpserver.ServerMaxHeaderBytes + 8<<10, false}} {
		req, _ := http.NewRequest("GET", url+"tls/info", nil)
		req.Header.Set("X-Padding", strings.Repeat("p", c.pad))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		isJSON := strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && strings.Contains(string(body), `"headers_too_large"`)
		if resp.StatusCode != 431 || isJSON != c.json {
			t.Errorf("a %d-byte header: %d %q %.100q, want 431, JSON %v", c.pad, resp.StatusCode, resp.Header.Get("Content-Type"), body, c.json)
		}
	}
	if resp, _ := get(t, url+"nothing-here"); resp.StatusCode != 404 {
		t.Errorf("GET /nothing-here: %d", resp.StatusCode)
	}
	if len(*opened) != 1 || (*opened)[0] != url {
		t.Errorf("opened %v, want [%s]", *opened, url)
	}
	if !strings.Contains(stderr.String(), "tlsplay: hint: could not open a browser (no browser in a test): open "+url+" yourself") {
		t.Errorf("stderr %q: want the hint", stderr.String())
	}
	if !strings.Contains(stdout.String(), url+"tls-playground.html") || !strings.Contains(stdout.String(), url+"tls/") {
		t.Errorf("stdout %q: want the single file's and the TLS server's addresses", stdout.String())
	}
}

// TestWebNoOpen: --no-open opens nothing.
func TestWebNoOpen(t *testing.T) {
	opened := withSite(t, testSite)
	startWeb(t, "--no-open", "127.0.0.1:0")
	if len(*opened) != 0 {
		t.Errorf("opened %v with --no-open", *opened)
	}
}

// TestWebBusyDefault: when 127.0.0.1:8080 is taken, web takes a free port.
func TestWebBusyDefault(t *testing.T) {
	withSite(t, testSite)
	if ln, err := net.Listen("tcp", defaultWebAddr); err == nil {
		defer ln.Close()
	} // else: something else has it, which is the case to test too
	url, stdout, _ := startWeb(t, "--no-open")
	if strings.HasSuffix(url, ":8080/") || !strings.Contains(stdout.String(), "was taken, so this is another port") {
		t.Errorf("url %s, stdout %q: want another port", url, stdout.String())
	}
	if resp, _ := get(t, url); resp.StatusCode != 200 {
		t.Errorf("GET %s: %d", url, resp.StatusCode)
	}
}

// TestWebErrors: usage errors exit 2 with a hint; a binary without the site, or
// an address taken, exit 1 saying what to do.
func TestWebErrors(t *testing.T) {
	withSite(t, testSite)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"web", "nonsense"}, 2, `tlsplay: web: "nonsense" is not HOST:PORT` + "\ntlsplay: hint: for example: tlsplay web 127.0.0.1:8080"},
		{[]string{"web", "127.0.0.1:1", "127.0.0.1:2"}, 2, `web: unexpected argument "127.0.0.1:2"`},
		{[]string{"web", "--open"}, 2, "web: unknown flag -open"},
		{[]string{"web", taken.Addr().String(), "--no-open"}, 1, "cannot listen on " + taken.Addr().String()},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}

	builtSite = func() (fs.FS, error) { return nil, errors.New("this tlsplay was built without the site") }
	var stdout, stderr bytes.Buffer
	if code := run([]string{"web", "--no-open"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "built without the site") {
		t.Errorf("without the site: exit %d, %q", code, stderr.String())
	}
}

// TestWebHelp: -h prints the synopsis and exits 0.
func TestWebHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"web", "-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "usage: tlsplay "+webSynopsis) {
		t.Errorf("web -h: exit %d, %q", code, stdout.String())
	}
}
