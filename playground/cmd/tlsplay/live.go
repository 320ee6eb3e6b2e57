package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"

	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// liveTrace prints a recorder's new events each time the engine's driver
// is about to read from or write to the network, so that over a real
// connection the steps appear as they happen.
type liveTrace struct {
	rec  *trace.Recorder
	out  io.Writer // one Write per event
	tag  string    // before each event, e.g. "#3 " for a server's third connection
	mode string    // the session mode, for the steps' titles
	done int
	last int // the step of the last event printed
}

// flush prints the events recorded since the last flush.
func (l *liveTrace) flush() {
	for ; l.done < len(l.rec.Events); l.done++ {
		ev := l.rec.Events[l.done]
		var b bytes.Buffer
		p := &printer{w: &b}
		p.printf("\n")
		if texts := session.StepTexts(l.mode); ev.Step != l.last && ev.Step >= 1 && ev.Step <= len(texts) {
			p.printf("%s── step %d: %s\n", l.tag, ev.Step, texts[ev.Step-1].Title)
		}
		l.last = ev.Step
		p.event("", fmt.Sprintf("%s[step %d] ", l.tag, ev.Step), ev)
		l.out.Write(b.Bytes())
	}
}

// tracedConn flushes the live trace before each read and write, and
// records the bytes for --pcapng.
type tracedConn struct {
	net.Conn
	live *liveTrace
	wire *wireLog // nil: not recorded
}

func (t *tracedConn) Read(p []byte) (int, error) {
	t.live.flush()
	n, err := t.Conn.Read(p)
	t.wire.note(false, p[:n])
	return n, err
}

func (t *tracedConn) Write(p []byte) (int, error) {
	t.live.flush()
	n, err := t.Conn.Write(p)
	t.wire.note(true, p[:n])
	return n, err
}

// lockedWriter serializes writes from concurrent connections, so that each
// Write (an event, a block of lines) stays whole.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
