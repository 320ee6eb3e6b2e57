//go:build !core

package main

import (
	"tlsplayground/playground/eve"
)

// ExposureRequest is the argument of exposure: a recording, as the page
// holds it (a session's records, local or over HTTP).
type ExposureRequest struct {
	Records []eve.Record `json:"records"`
	Session sessionRef   `json:"session"`
}

// Exposure lists what a passive observer learns from a recording without
// any key (playground/eve.Expose): addresses, DNS, SNI, the certificate,
// ALPN, every record's size and the handshake's shape. With no records it
// reads the handle's session.
func (a *API) Exposure(arg string) (string, error) {
	var req ExposureRequest
	if err := decode("exposure", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("exposure", req.Session)
	if err != nil {
		return "", err
	}
	recs := req.Records
	if d := h.data(); len(recs) == 0 && d != nil {
		recs = eveRecords(d.Records)
	}
	x, err := eve.Expose(recs)
	if err != nil {
		return "", err
	}
	return encode(x)
}
