// Command serve serves the built site (site/dist, see scripts/build.sh) on
// localhost with the headers it has in production (site.Handler: the one
// table in site/site.go, which netlify.toml mirrors), and the engine's TLS
// server at /tls/.
//
//	go run ./scripts/serve [-addr :8080] [-dir site/dist]
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"tlsplayground/playground/httpserver"
	"tlsplayground/site"
)

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
	handler, root, err := newHandler(dir, tlsServer)
	if err != nil {
		return err
	}
	if tlsServer {
		log.Printf("the engine's TLS server answers at %stls/flight; its root CA (trust it in the page's \"at URL\" setting) is at %s", displayURL(ln.Addr()), root)
	}
	if err := newServer(handler).Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newServer is the HTTP server for handler.
func newServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// The TLS server's handler refuses a header over
		// httpserver.MaxHeaderBytes with its JSON 431; net/http's own limit
		// is above it, so that only a far larger header gets net/http's
		// plain-text 431 (no handler runs for it).
		MaxHeaderBytes: httpserver.ServerMaxHeaderBytes,
	}
}

// newHandler serves the built site in dir with the production headers
// (site.Handler) and, with tlsServer, the engine's TLS server at /tls/; it
// returns the path of that server's root CA.
func newHandler(dir string, tlsServer bool) (http.Handler, string, error) {
	handler := site.Handler(os.DirFS(dir))
	if !tlsServer {
		return handler, "", nil
	}
	tls, root, err := tlsHandler()
	if err != nil {
		return nil, "", err
	}
	mux := http.NewServeMux()
	mux.Handle("/tls/", tls)
	mux.Handle("/", handler)
	return mux, root, nil
}

// displayURL turns a listener address into a URL a person can open.
func displayURL(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("http://localhost:%d/", tcp.Port)
	}
	return "http://" + a.String() + "/"
}
