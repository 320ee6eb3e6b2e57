// Package browserhello puts a real browser's ClientHello beside the
// engine's, field by field: the page's "a real browser's hello" view.
//
// The bundled hello is Chromium's, recorded by scripts/record-chromium-hello
// (a local listener saves the first TLS flight of headless Chromium
// loading https://playground.test/); chromium.txt names the version and the
// date. An imported capture's ClientHello can take its place.
package browserhello

import (
	"crypto/rand"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

//go:embed chromium.hello
var chromiumHello []byte

//go:embed chromium.txt
var chromiumNote string

// Chromium returns the bundled records of Chromium's ClientHello, exactly
// as they crossed the wire.
func Chromium() []byte { return append([]byte(nil), chromiumHello...) }

// ChromiumSource says which Chromium sent the bundled hello, and when.
func ChromiumSource() string { return strings.TrimSpace(chromiumNote) }

// maxRecords bounds the records a ClientHello may span here: a hello is a
// few kilobytes, so more than this many records is not one.
const maxRecords = 8

// Hello is a ClientHello, the bytes it came from, and the analyzer's
// fields of each of its extensions.
type Hello struct {
	*handshake.ClientHello
	// RecordVersion is the legacy_record_version of the first record, or 0
	// when the input was the handshake message alone.
	RecordVersion uint16
	// Records counts the records the message spanned (0: none were given).
	Records int
	// Fields are the analyzer's fields of the extensions (playground/analyze),
	// in the order of ClientHello.Extensions.
	Fields []*analyze.Field
}

// Parse reads a ClientHello from b: either the records that carry it (the
// first flight on the wire: content type 22, RFC 8446 Section 5.1) or the
// handshake message itself (type 1, Section 4).
func Parse(b []byte) (*Hello, error) {
	if len(b) == 0 {
		return nil, errors.New("no ClientHello: the input is empty")
	}
	h := &Hello{}
	msg := b
	switch b[0] {
	case record.TypeHandshake:
		var hs []byte
		rest := b
		for {
			if len(rest) < record.HeaderLen {
				return nil, fmt.Errorf("the ClientHello is cut short: a record header needs %d bytes, %d are left", record.HeaderLen, len(rest))
			}
			if rest[0] != record.TypeHandshake {
				return nil, fmt.Errorf("record %d has content type %d, not handshake (22): the ClientHello ends before its length says", h.Records+1, rest[0])
			}
			n := int(rest[3])<<8 | int(rest[4])
			if len(rest) < record.HeaderLen+n {
				return nil, fmt.Errorf("the ClientHello is cut short: record %d says %d bytes, %d are there", h.Records+1, n, len(rest)-record.HeaderLen)
			}
			if h.Records == 0 {
				h.RecordVersion = uint16(rest[1])<<8 | uint16(rest[2])
			}
			hs = append(hs, rest[record.HeaderLen:record.HeaderLen+n]...)
			rest = rest[record.HeaderLen+n:]
			h.Records++
			if len(hs) >= handshake.HeaderLen && len(hs) >= handshake.HeaderLen+(int(hs[1])<<16|int(hs[2])<<8|int(hs[3])) {
				break
			}
			if h.Records == maxRecords {
				return nil, fmt.Errorf("no whole ClientHello in the first %d records: is this the start of a TLS connection?", maxRecords)
			}
		}
		msg = hs[:handshake.HeaderLen+(int(hs[1])<<16|int(hs[2])<<8|int(hs[3]))]
	case handshake.TypeClientHello:
	default:
		return nil, fmt.Errorf("not a ClientHello: the first byte is 0x%02x; expected 0x16 (a handshake record) or 0x01 (the message)", b[0])
	}
	if msg[0] != handshake.TypeClientHello {
		return nil, fmt.Errorf("the first handshake message is %s, not ClientHello", handshake.TypeName(msg[0]))
	}
	m, err := handshake.UnmarshalClientHello(msg)
	if err != nil {
		return nil, fmt.Errorf("the ClientHello does not parse: %w", err)
	}
	h.ClientHello = m
	if h.Fields, err = extensionFields(msg, len(m.Extensions)); err != nil {
		return nil, err
	}
	return h, nil
}

// extensionFields has the analyzer read the message (in one record of its
// own, so that no field is cut by a record boundary) and returns the field
// of each extension, in order.
func extensionFields(msg []byte, n int) ([]*analyze.Field, error) {
	if len(msg) > record.MaxPlaintext {
		return nil, fmt.Errorf("a ClientHello of %d bytes: this comparison reads hellos of up to %d bytes", len(msg), record.MaxPlaintext)
	}
	wire := append([]byte{record.TypeHandshake, 3, 1, byte(len(msg) >> 8), byte(len(msg))}, msg...)
	t := analyze.New().Record(analyze.Record{FromClient: true, Wire: wire})
	hello := child(t.Wire, "handshake.client_hello")
	exts := child(hello, "client_hello.extensions")
	var out []*analyze.Field
	if exts != nil {
		for _, f := range exts.Children {
			if f.Kind != "client_hello.extensions.length" {
				out = append(out, f)
			}
		}
	}
	if len(out) != n {
		return nil, fmt.Errorf("the analyzer read %d extensions where the ClientHello has %d", len(out), n)
	}
	return out, nil
}

// child returns f's first child of the kind, or nil.
func child(f *analyze.Field, kind string) *analyze.Field {
	if f == nil {
		return nil
	}
	for _, c := range f.Children {
		if c.Kind == kind {
			return c
		}
	}
	return nil
}

// EngineHello returns the records of the ClientHello the engine's client
// sends in the tls13 mode with its defaults (the session's: every group
// listed, one X25519MLKEM768 key share, the default server name), made
// fresh from crypto/rand.
func EngineHello() ([]byte, error) {
	c := tls13.Client(&tls13.Config{Rand: rand.Reader, Groups: kx.All, KeyShares: []*kx.Group{kx.X25519MLKEM768},
		ServerName: pki.DefaultServerName, Trace: &trace.Recorder{}})
	if err := c.Start(); err != nil {
		return nil, err
	}
	var b []byte
	for _, o := range c.TakeOutput() {
		b = append(b, o.Wire...)
	}
	return b, nil
}
