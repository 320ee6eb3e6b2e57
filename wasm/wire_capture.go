package main

import (
	"errors"
	"fmt"
)

// CaptureRequest is the argument of sessionCapture.
type CaptureRequest struct {
	// Source: "session" (the default) the current session; "mitm" the
	// attack lab's interception, Mallory's two connections.
	Source string `json:"source"`
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
	switch req.Source {
	case "", "session":
		if a.sess == nil {
			return nil, errors.New("sessionCapture: no session: call newSession first")
		}
		ex := a.sess.Export()
		return &CaptureOut{PCAPNG: a.sess.PCAPNG(), Keylog: a.sess.KeyLog(), Name: captureName("", ex.Mode, ex.Seed), Streams: 1}, nil
	case "mitm":
		if a.mitm == nil {
			return nil, errors.New("sessionCapture: no interception yet: call mitm first")
		}
		m := a.mitm
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
