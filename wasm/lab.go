//go:build !core

package main

// The attack lab's methods: Eve with the server's key or the token key,
// Mallory in the middle, the downgrade. They are in the lab module, not in
// the core the first view loads (main_js.go's table); a session they read
// lives in the core, which hands the lab a copy by handle (adopt.go).

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"tlsplayground/playground/eve"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
)

// eveRecords is a recording as Eve keeps it.
func eveRecords(recs []session.Record) []eve.Record {
	out := make([]eve.Record, 0, len(recs))
	for _, r := range recs {
		out = append(out, eve.Record{From: r.From, Hex: r.Hex})
	}
	return out
}

// Eve has the eavesdropper decrypt the session's recording with the
// server's private key, as if it leaked later.
func (a *API) Eve(arg string) (string, error) {
	var req sessionArg
	if err := decode("eve", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("eve", req.Session)
	if err != nil {
		return "", err
	}
	d := h.data()
	if d == nil || h.setup == nil {
		return "", errors.New("eve: no session: call newSession first")
	}
	return encode(eve.Decrypt(eveRecords(d.Records), h.setup.Signer))
}

// EveTokenKeyRequest is the argument of eveTokenKey.
type EveTokenKeyRequest struct {
	// TokenKey is the leaked token key, 64 hex characters; empty: the
	// in-page server's own (the page made it, so it can leak it).
	TokenKey string     `json:"tokenKey"`
	Session  sessionRef `json:"session"`
}

// EveTokenKey has the eavesdropper decrypt the remote session (a server
// over HTTP) with the records and a token she recorded and the server's
// token key, as if it leaked later: for ECDHE and TLS 1.3 it succeeds,
// since the token holds the server's randomness.
func (a *API) EveTokenKey(arg string) (string, error) {
	var req EveTokenKeyRequest
	if err := decode("eveTokenKey", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("eveTokenKey", req.Session)
	if err != nil {
		return "", err
	}
	rec := h.remoteRecording()
	if rec == nil {
		return "", errors.New("eveTokenKey: no session over HTTP: start one with the server in this page or at a URL")
	}
	if rec.Token == "" {
		return "", errors.New("eveTokenKey: no token recorded yet: the handshake must get past the first flight")
	}
	key := h.tokenKey
	if req.TokenKey != "" {
		k, err := hex.DecodeString(strings.TrimSpace(req.TokenKey))
		if err != nil || len(k) != 32 {
			return "", errors.New("eveTokenKey: tokenKey must be 64 hex characters (32 bytes)")
		}
		key = k
	}
	if key == nil {
		return "", errors.New("eveTokenKey: no token key: this page's server has not run yet; give the key of the server at the URL")
	}
	return encode(eve.DecryptWithTokenKey(eveRecords(rec.Records), rec.Token, key))
}

// MITMRequest is the argument of mitm.
type MITMRequest struct {
	Mode         string     `json:"mode"`
	TrustMallory bool       `json:"trustMallory"`
	Rewrite      bool       `json:"rewrite"` // Mallory turns "100" into "10000"
	Seed         string     `json:"seed"`
	Session      sessionRef `json:"session"`
}

// MITM runs Mallory in the middle with the handle's setup: her own root
// and key (made once), a certificate for the server's name.
func (a *API) MITM(arg string) (string, error) {
	var req MITMRequest
	if err := decode("mitm", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("mitm", req.Session)
	if err != nil {
		return "", err
	}
	if h.setup == nil {
		return "", errors.New("mitm: no keys yet: call setup first")
	}
	if a.mallory == nil || a.mallory.ServerName != h.setup.ServerName {
		m, err := pki.NewSetup(pki.Options{ServerName: h.setup.ServerName})
		if err != nil {
			return "", fmt.Errorf("mitm: %w", err)
		}
		a.mallory = m
	}
	opt := session.Options{Mode: req.Mode, Now: a.now}
	if opt.Seed, err = seed("mitm", req.Seed); err != nil {
		return "", err
	}
	m, err := session.NewMITM(h.setup, a.mallory, req.TrustMallory, opt)
	if err != nil {
		return "", fmt.Errorf("mitm: %w", err)
	}
	if req.Rewrite {
		m.Rewrite = session.UpperRewrite
	}
	h.mitm = m
	return encode(m.Export())
}

// MITMSend carries a message through Mallory.
func (a *API) MITMSend(arg string) (string, error) {
	var req SendRequest
	if err := decode("mitmSend", arg, &req); err != nil {
		return "", err
	}
	if err := checkText("mitmSend", req.Text); err != nil {
		return "", err
	}
	h, err := a.handleOf("mitmSend", req.Session)
	if err != nil {
		return "", err
	}
	if h.mitm == nil {
		return "", errors.New("mitmSend: no interception running: call mitm first")
	}
	got, err := h.mitm.Send(req.From, req.Text)
	if err != nil {
		return "", fmt.Errorf("mitmSend: %w", err)
	}
	return encode(struct {
		Delivered string              `json:"delivered"`
		Session   *session.MITMExport `json:"session"`
	}{got, h.mitm.Export()})
}

// DowngradeRequest is the argument of downgrade.
type DowngradeRequest struct {
	Strip   bool       `json:"strip"` // Mallory removes TLS 1.3 from the ClientHello
	Seed    string     `json:"seed"`
	Session sessionRef `json:"session"`
}

// Downgrade runs a client offering TLS 1.3 and 1.2 against a server that
// speaks both, with or without Mallory stripping TLS 1.3, with the
// handle's setup. The session it makes is returned; in a full engine it
// becomes the handle's session, in the lab module it stays in the lab (the
// core's session on screen is left alone).
func (a *API) Downgrade(arg string) (string, error) {
	var req DowngradeRequest
	if err := decode("downgrade", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("downgrade", req.Session)
	if err != nil {
		return "", err
	}
	if h.setup == nil {
		return "", errors.New("downgrade: no keys yet: call setup first")
	}
	opt := session.Options{Now: a.now}
	if opt.Seed, err = seed("downgrade", req.Seed); err != nil {
		return "", err
	}
	s, err := session.NewDowngrade(h.setup, req.Strip, opt)
	if err != nil {
		return "", fmt.Errorf("downgrade: %w", err)
	}
	h.sess = s
	return encode(s.Export())
}
