package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"time"

	"tlsplayground/playground/httpserver"
	"tlsplayground/site"
)

const webSynopsis = "web [ADDR] [--no-open]"

// defaultWebAddr is where web listens unless told: this machine only. When
// its port is taken, web takes any free port instead.
const defaultWebAddr = "127.0.0.1:8080"

// builtSite is the site compiled into the binary (package site, build tag
// embedsite); tests replace it.
var builtSite = site.Built

// openBrowser opens url in the system's browser; tests replace it.
var openBrowser = systemBrowser

// web serves the playground's page, compiled into this binary, on this
// machine, with the engine's TLS server at /tls/, and opens a browser on it:
// the classroom edition, which needs no network and no Go.
func (c *cli) web(args []string) error {
	cmd := c.newCommand("web", webSynopsis)
	noOpen := cmd.Bool("no-open", false, "print the address but do not open a browser")
	// ADDR is optional: parse takes an exact count, so try none, then one.
	pos, err := cmd.parse(args, 0)
	var ue *usageError
	if errors.As(err, &ue) && len(args) > 0 {
		pos, err = cmd.parse(args, 1)
	}
	if err != nil {
		return err
	}
	addr, chosen := defaultWebAddr, len(pos) == 1
	if chosen {
		addr = pos[0]
		if _, err := checkAddr(addr); err != nil {
			return usageErr(fmt.Sprintf("web: %q is not HOST:PORT", addr),
				"for example: tlsplay web 127.0.0.1:8080, or 127.0.0.1:0 for any free port")
		}
	}
	fsys, err := builtSite()
	if err != nil {
		return err
	}
	if _, err := fs.Stat(fsys, "index.html"); err != nil {
		return fmt.Errorf("the site in this binary has no index.html: build the site (bash scripts/build.sh), then tlsplay with -tags embedsite")
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil && !chosen {
		ln, err = net.Listen("tcp", "127.0.0.1:0") // 8080 is taken: any free port
	}
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v (choose another address, e.g. tlsplay web 127.0.0.1:0 for any free port)", addr, dialReason(err))
	}
	defer ln.Close()

	tlsServer, _, err := httpserver.Fresh()
	if err != nil {
		return fmt.Errorf("cannot make the TLS server's identity: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/tls/", tlsServer)
	mux.Handle("/", site.Handler(fsys))
	// The TLS server refuses a header over httpserver.MaxHeaderBytes with its
	// JSON 431; net/http's own limit is above it (a far larger header gets
	// net/http's plain-text 431, before any handler runs).
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: httpserver.ServerMaxHeaderBytes}

	at := ln.Addr().(*net.TCPAddr)
	url := pageURL(at)
	fmt.Fprintf(c.stdout, "The TLS Playground is at %s\n", url)
	fmt.Fprintf(c.stdout, "   the single-file edition (save it for a USB stick): %stls-playground.html\n", url)
	fmt.Fprintf(c.stdout, "   the engine's TLS server, for the page's \"server at a URL\": %stls/\n", url)
	if at.IP.IsUnspecified() {
		fmt.Fprintf(c.stdout, "   other machines reach it at this machine's address, port %d (without https the browser allows less there; each machine can also run tlsplay web itself)\n", at.Port)
	}
	if chosen || at.Port == 8080 {
		fmt.Fprintf(c.stdout, "Ctrl-C stops.\n")
	} else {
		fmt.Fprintf(c.stdout, "(%s was taken, so this is another port.) Ctrl-C stops.\n", defaultWebAddr)
	}
	if !*noOpen {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(c.stderr, "tlsplay: hint: could not open a browser (%v): open %s yourself\n", err, url)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C stops the process at once
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving %s: %v", url, err)
	}
	fmt.Fprintf(c.stdout, "\nStopped.\n")
	return nil
}

// pageURL is the address a person opens for a listener.
func pageURL(at *net.TCPAddr) string {
	host := at.IP.String()
	switch {
	case at.IP.IsUnspecified():
		host = "localhost"
	case at.IP.To4() == nil:
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + strconv.Itoa(at.Port) + "/"
}

// systemBrowser asks the system to open url: xdg-open (Linux, BSD), open
// (macOS), the URL handler of Windows. It does not wait for the browser.
func systemBrowser(url string) error {
	var name string
	var args []string
	switch runtime.GOOS {
	case "darwin":
		name, args = "open", []string{url}
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler", url}
	default:
		name, args = "xdg-open", []string{url}
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("no %s", name)
	}
	opener := exec.Command(path, args...)
	if err := opener.Start(); err != nil {
		return err
	}
	go opener.Wait() // reap it; the browser outlives it
	return nil
}
