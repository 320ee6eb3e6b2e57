package main

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
)

// testServer starts serve's accept loop on 127.0.0.1 (TLS 1.3, an ECDSA
// certificate for playground.test) with the given limits, behind wrap
// when it is not nil. It returns the address, the output and a function
// that stops the loop and waits for it.
func testServer(t *testing.T, limits serveLimits, wrap func(net.Listener) net.Listener) (string, *syncBuffer, *tls.Config) {
	t.Helper()
	setup, err := cachedSetup(pki.Options{KeyType: pki.KeyECDSA})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	var l net.Listener = ln
	if wrap != nil {
		l = wrap(ln)
	}
	out := &syncBuffer{}
	s := &server{mode: session.ModeTLS13, id: identity{chain: setup.Chain, signer: setup.Signer}, out: out, limits: limits.withDefaults()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.acceptLoop(ctx, l, false) }()
	t.Cleanup(func() {
		cancel()
		ln.Close()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("accept loop: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("the accept loop did not stop")
		}
	})
	return addr, out, &tls.Config{RootCAs: setup.Roots(), ServerName: setup.ServerName, MinVersion: tls.VersionTLS13}
}

// handshake dials addr with crypto/tls and completes a handshake within limit.
func handshakeWithin(t *testing.T, addr string, cfg *tls.Config, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	d := &net.Dialer{Timeout: limit}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("handshake after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}
	c.Close()
	return time.Since(start)
}

// flakyListener fails Accept with err n times, then accepts.
type flakyListener struct {
	net.Listener
	mu       sync.Mutex
	n        int
	err      error
	failures []time.Time
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if len(l.failures) < l.n {
		l.failures = append(l.failures, time.Now())
		l.mu.Unlock()
		return nil, l.err
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

// TestServeSurvivesAcceptErrors: accept failing with EMFILE ("too many
// open files", a process out of descriptors) and with an error that is not
// "temporary" does not stop the server; it backs off as net/http does
// (5 ms, doubling to 1 s) and serves once accept works again.
func TestServeSurvivesAcceptErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
	}{
		{"EMFILE", &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}},
		{"ENOBUFS", &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.ENOBUFS)}},
		{"an unknown error", errors.New("accept: something else went wrong")},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 5
			fl := &flakyListener{n: n, err: c.err}
			addr, out, cfg := testServer(t, serveLimits{}, func(ln net.Listener) net.Listener { fl.Listener = ln; return fl })
			handshakeWithin(t, addr, cfg, 10*time.Second)
			fl.mu.Lock()
			times := fl.failures
			fl.mu.Unlock()
			if len(times) != n {
				t.Fatalf("%d failed accepts, want %d", len(times), n)
			}
			// 5, 10, 20, 40 ms between the five failures.
			if gap := times[n-1].Sub(times[0]); gap < 75*time.Millisecond {
				t.Errorf("the failures came %s apart: no backoff", gap)
			}
			out.waitFor(t, regexpQuote("accepting again after 5 failed attempts"))
			if !strings.Contains(out.String(), "accepting a connection failed: ") || !strings.Contains(out.String(), "retrying (5 ms, doubling to 1 s)") {
				t.Errorf("output:\n%s", out.String())
			}
			if strings.Count(out.String(), "accepting a connection failed") != 1 {
				t.Errorf("the failure is reported more than once:\n%s", out.String())
			}
		})
	}
}

// TestServeBoundsConnections: more idle connections than the bound do not
// lock a new client out; the server holds at most maxConns at once, drops
// each idle one after the handshake timeout, and the new client completes
// its handshake.
func TestServeBoundsConnections(t *testing.T) {
	const bound, idle = 3, 8
	timeout := 300 * time.Millisecond
	addr, out, cfg := testServer(t, serveLimits{maxConns: bound, handshakeTimeout: timeout}, nil)
	var conns []net.Conn
	for range idle {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	out.waitFor(t, regexpQuote("at the limit of 3 connections: new ones wait until one ends (at most 300ms for a client that sends nothing)"))
	took := handshakeWithin(t, addr, cfg, 10*time.Second)
	// The idle ones go in rounds of `bound`, one handshake timeout each.
	if rounds := (idle + bound - 1) / bound; took > time.Duration(rounds+4)*timeout {
		t.Errorf("the new client waited %s", took)
	}
	t.Logf("%d idle connections, bound %d, handshake timeout %s: a new client completed its handshake after %s", idle, bound, timeout, took.Round(time.Millisecond))
	if got := strings.Count(out.String(), "no answer from the client within 300ms"); got < idle-bound {
		t.Errorf("%d idle connections dropped, want at least %d:\n%s", got, idle-bound, out.String())
	}
}

// TestServeDropsStalledClient: a client that connects and sends nothing,
// or sends its ClientHello a byte at a time, is dropped after the
// handshake timeout: one deadline for the whole handshake.
func TestServeDropsStalledClient(t *testing.T) {
	timeout := 250 * time.Millisecond
	addr, out, _ := testServer(t, serveLimits{handshakeTimeout: timeout}, nil)
	for _, c := range []struct {
		name string
		send func(net.Conn)
	}{
		{"sends nothing", func(net.Conn) {}},
		{"sends a record header, then a byte every 50 ms", func(c net.Conn) {
			go func() {
				c.Write([]byte{22, 3, 1, 2, 0}) // a 512-byte handshake record
				for range 100 {
					if _, err := c.Write([]byte{0}); err != nil {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			start := time.Now()
			c.send(nc)
			nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = io.ReadAll(nc)
			took := time.Since(start)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("still connected after %s", took)
			}
			if took < timeout*8/10 || took > timeout*8 {
				t.Errorf("dropped after %s, want about %s", took, timeout)
			}
		})
	}
	out.waitFor(t, regexpQuote("no answer from the client within 250ms"))
}

func regexpQuote(s string) *regexp.Regexp { return regexp.MustCompile(regexp.QuoteMeta(s)) }
