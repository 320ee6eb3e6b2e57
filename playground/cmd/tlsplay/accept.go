package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// This file is how serve keeps serving: it bounds what each client may take
// (a slot among maxConns, a deadline for the handshake, another for the
// request) and survives a failing accept, as net/http's Server.Serve does.

// serveLimits bound the server's resources. The zero value of a field
// means its default.
type serveLimits struct {
	// maxConns bounds the connections handled at once. At the bound the
	// server stops accepting: new connections wait in the kernel's listen
	// queue (they are not refused) until a slot frees, which takes at most
	// handshakeTimeout for a client that sends nothing.
	maxConns int
	// handshakeTimeout bounds the whole handshake of a connection, from
	// accept to the client's Finished, however slowly the client sends.
	handshakeTimeout time.Duration
	// idleTimeout bounds the wait for the request after the handshake, and
	// for the client's close_notify after the answer.
	idleTimeout time.Duration
}

const (
	defaultMaxConns         = 100
	defaultHandshakeTimeout = 10 * time.Second
	defaultIdleTimeout      = 30 * time.Second
	// acceptRetryMin and acceptRetryMax are net/http's backoff after a
	// failed accept: 5 ms, doubling, at most 1 s.
	acceptRetryMin = 5 * time.Millisecond
	acceptRetryMax = time.Second
)

func (l serveLimits) withDefaults() serveLimits {
	if l.maxConns <= 0 {
		l.maxConns = defaultMaxConns
	}
	if l.handshakeTimeout <= 0 {
		l.handshakeTimeout = defaultHandshakeTimeout
	}
	if l.idleTimeout <= 0 {
		l.idleTimeout = defaultIdleTimeout
	}
	return l
}

// acceptLoop accepts connections on ln and hands each to s.handle in its
// own goroutine, at most s.limits.maxConns at once, until ctx is done or ln
// is closed; it then waits for the connections in progress. With once it
// handles one connection and returns its error.
//
// A failed accept (EMFILE "too many open files" when the process is out of
// file descriptors, ECONNABORTED, ENOBUFS...) does not stop the server: it
// waits 5 ms, doubling to 1 s while the failures go on, and tries again,
// as net/http's Server.Serve does. Only a closed listener ends the loop.
func (s *server) acceptLoop(ctx context.Context, ln net.Listener, once bool) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, s.limits.maxConns)
	var delay time.Duration // the current backoff; 0 while accept succeeds
	failures := 0
	full := false
	for n := 1; ; {
		select {
		case slots <- struct{}{}:
		default:
			if !full {
				full = true
				fmt.Fprintf(s.out, "at the limit of %d connections: new ones wait until one ends (at most %s for a client that sends nothing)\n", s.limits.maxConns, s.limits.handshakeTimeout)
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return nil
			}
		}
		full = false
		nc, err := ln.Accept()
		if err != nil {
			<-slots
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			failures++
			if delay == 0 {
				delay = acceptRetryMin
				fmt.Fprintf(s.out, "accepting a connection failed: %v; retrying (5 ms, doubling to 1 s)\n", dialReason(err))
			} else {
				delay = min(2*delay, acceptRetryMax)
			}
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return nil
			}
			continue
		}
		if failures > 0 {
			fmt.Fprintf(s.out, "accepting again after %d failed attempts\n", failures)
			failures, delay = 0, 0
		}
		if once {
			ln.Close()
			err := s.handle(n, nc)
			<-slots
			return err
		}
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			defer func() { <-slots }()
			s.handle(n, nc)
		}(n)
		n++
	}
}
