// Command serve serves the built site (site/dist, see scripts/build.sh) on
// localhost with the same headers that netlify.toml sets in production:
// application/wasm for .wasm, the Content-Security-Policy, nosniff, and, for
// development, no caching.
//
//	go run ./scripts/serve [-addr :8080] [-dir site/dist]
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// CSP is the Content-Security-Policy of every page; keep it identical to
// netlify.toml. connect-src lets the page reach a TLS Playground server that
// the visitor names (a Worker over https, or one on this machine); nothing
// is fetched from elsewhere unless the visitor asks.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self' https: http://localhost:* http://127.0.0.1:*; worker-src 'self'; base-uri 'none'; " +
	"form-action 'none'; frame-ancestors 'self'"

func main() {
	addr := flag.String("addr", ":8080", "address to listen on (host:port or :port)")
	dir := flag.String("dir", "site/dist", "folder to serve (built by scripts/build.sh)")
	tlsServer := flag.Bool("tls-server", true, "also serve the engine's TLS server over HTTP at /tls/ (a fresh RSA-2048 identity), so the page can use \"server: at URL\" with this very address")
	flag.Parse()

	if err := run(*addr, *dir, *tlsServer); err != nil {
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
		os.Exit(1)
	}
}

func run(addr, dir string, tlsServer bool) error {
	index := filepath.Join(dir, "index.html")
	if _, err := os.Stat(index); err != nil {
		return fmt.Errorf("%q not found: build the site first with \"bash scripts/build.sh\"", index)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Printf("serving %s at %s", dir, displayURL(ln.Addr()))
	handler := Handler(dir)
	if tlsServer {
		tls, root, err := tlsHandler()
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("/tls/", tls)
		mux.Handle("/", handler)
		handler = mux
		log.Printf("the engine's TLS server answers at %stls/flight; its root CA (trust it in the page's \"at URL\" setting) is at %s", displayURL(ln.Addr()), root)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// displayURL turns a listener address into a URL a person can open.
func displayURL(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("http://localhost:%d/", tcp.Port)
	}
	return "http://" + a.String() + "/"
}

// Handler serves the files in dir with the production headers.
func Handler(dir string) http.Handler {
	// Go's table already knows .wasm and .mjs on most systems; make sure, since
	// the browser refuses WebAssembly.instantiateStreaming and module scripts
	// served with the wrong type.
	_ = mime.AddExtensionType(".wasm", "application/wasm")
	_ = mime.AddExtensionType(".mjs", "text/javascript; charset=utf-8")
	_ = mime.AddExtensionType(".js", "text/javascript; charset=utf-8")
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		if filepath.Ext(r.URL.Path) == ".wasm" {
			h.Set("Content-Type", "application/wasm")
		}
		files.ServeHTTP(w, r)
	})
}
