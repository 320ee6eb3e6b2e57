//go:build !core

package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"tlsplayground/playground/pcap"
)

// CaptureRequest is the argument of sessionCapture.
type CaptureRequest struct {
	// Source: "session" (the default) the current session; "mitm" the
	// attack lab's interception, Mallory's two connections.
	Source string `json:"source"`
	// Session names the handle (default: the page's).
	Session sessionRef `json:"session"`
}

// CaptureOut is a session as Wireshark reads it: a pcapng with the key log
// inside (a Decryption Secrets Block), the key log alone (NSS format), a
// file name without extension (mode and seed) and how many TCP streams the
// capture holds.
type CaptureOut struct {
	PCAPNG  []byte
	Keylog  string
	Name    string
	Streams int
}

// SessionCapture writes the current session, or Mallory's two connections,
// as a pcapng file (playground/session's PCAPNG) and its key log.
func (a *API) SessionCapture(arg string) (*CaptureOut, error) {
	var req CaptureRequest
	if err := decode("sessionCapture", arg, &req); err != nil {
		return nil, err
	}
	h, err := a.handleOf("sessionCapture", req.Session)
	if err != nil {
		return nil, err
	}
	switch req.Source {
	case "", "session":
		d := h.data()
		if d == nil {
			return nil, errors.New("sessionCapture: no session: call newSession first")
		}
		var c pcap.Conn
		for _, r := range d.Records {
			b, err := hex.DecodeString(r.Hex)
			if err != nil {
				return nil, fmt.Errorf("sessionCapture: a record is not hex: %v", err)
			}
			c.Packets = append(c.Packets, pcap.Packet{FromClient: r.From == "client", Payload: b})
		}
		return &CaptureOut{PCAPNG: pcap.WritePCAPNG([]pcap.Conn{c}, d.Keylog, time.Now()), Keylog: d.Keylog, Name: captureName("", d.Mode, d.Seed), Streams: 1}, nil
	case "mitm":
		if h.mitm == nil {
			return nil, errors.New("sessionCapture: no interception yet: call mitm first")
		}
		m := h.mitm
		ex := m.Left.Export()
		out := &CaptureOut{PCAPNG: m.PCAPNG(), Keylog: m.Left.KeyLog(), Name: captureName("mallory-", ex.Mode, ex.Seed), Streams: 1}
		if m.Right != nil {
			out.Keylog += m.Right.KeyLog()
			out.Streams = 2
		}
		return out, nil
	default:
		return nil, fmt.Errorf("sessionCapture: source %q: session or mitm", req.Source)
	}
}

// captureName names a download: tls-playground-[mallory-]<mode>-<seed>.
func captureName(prefix, mode, seed string) string {
	if len(seed) > 16 {
		seed = seed[:16]
	}
	name := "tls-playground-" + prefix + mode
	if seed != "" {
		name += "-" + seed
	}
	return name
}
