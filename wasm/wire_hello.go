//go:build !core

package main

import (
	"encoding/hex"
	"errors"
	"fmt"

	"tlsplayground/playground/browserhello"
)

// BrowserHelloRequest is the argument of browserHello.
type BrowserHelloRequest struct {
	// Session: the engine's side is the ClientHello of that handle's
	// session (true: the page's), else a fresh one of the tls13 mode with
	// its defaults.
	Session sessionRef `json:"session"`
	// Connection, when set, puts the ClientHello of that connection of the
	// imported capture on the browser's side (else the bundled Chromium one).
	Connection *int `json:"connection"`
}

// BrowserHello puts a real browser's ClientHello beside the engine's, field
// by field (playground/browserhello): GREASE, ALPN, both key shares,
// compatibility mode, extension order, ECH or its GREASE.
func (a *API) BrowserHello(arg string) (string, error) {
	var req BrowserHelloRequest
	if err := decode("browserHello", arg, &req); err != nil {
		return "", err
	}
	var engine, browser []byte
	if req.Session.Set {
		h, err := a.handleOf("browserHello", req.Session)
		if err != nil {
			return "", err
		}
		d := h.data()
		if d == nil {
			return "", errors.New("browserHello: no session: call newSession first, or leave session out for a fresh tls13 hello")
		}
		for _, r := range d.Records {
			if r.From != "client" {
				break
			}
			b, err := hex.DecodeString(r.Hex)
			if err != nil {
				return "", fmt.Errorf("browserHello: the session's record is not hex: %v", err)
			}
			engine = append(engine, b...)
		}
	}
	if req.Connection != nil {
		b, err := a.wire().importedHello(*req.Connection)
		if err != nil {
			return "", fmt.Errorf("browserHello: %v", err)
		}
		browser = b
	}
	out, err := browserhello.CompareJSON(engine, browser)
	if err != nil {
		return "", fmt.Errorf("browserHello: %v", err)
	}
	return out, nil
}
