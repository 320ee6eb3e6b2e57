//go:build !core

package main

import (
	"errors"
	"fmt"

	"tlsplayground/playground/limits"
	"tlsplayground/playground/session"
)

// The resumption API (#attack=resumption): a first connection, the same
// client resuming it, a replay of its 0-RTT flight, and Eve with the
// server's ticket key. The pair lives beside the page's main session and
// never replaces it (handle.resume).

// ResumeRequest is the argument of resume.
type ResumeRequest struct {
	Mode         string     `json:"mode"`         // the first connection's mode; empty: tls13
	Group        string     `json:"group"`        // its key share's group; empty: x25519
	PSKOnly      bool       `json:"pskOnly"`      // TLS 1.3: psk_ke, no key share (not forward secret)
	EarlyData    string     `json:"earlyData"`    // TLS 1.3: 0-RTT data sent with the ClientHello
	NoAntiReplay bool       `json:"noAntiReplay"` // the server does not record ClientHellos
	Seed         string     `json:"seed"`         // the first connection's seed; empty: a fresh one
	Session      sessionRef `json:"session"`      // the handle whose setup it uses, and which keeps the pair
}

// ResumeResponse is both connections: the first's export and the second's
// with its resumption object (TLS 1.3 or 1.2, session.Resumption).
type ResumeResponse struct {
	First      *session.Export     `json:"first"`
	Second     *session.Export     `json:"second"`
	Resumption *session.Resumption `json:"resumption"`
}

// Resume runs a first connection with the current setup and resumes it.
func (a *API) Resume(arg string) (string, error) {
	var req ResumeRequest
	err := decode("resume", arg, &req)
	if err != nil {
		return "", err
	}
	h, err := a.handleOf("resume", req.Session)
	if err != nil {
		return "", err
	}
	if h.setup == nil {
		return "", errors.New("resume: no keys yet: call setup first")
	}
	if err := checkText("resume: earlyData", req.EarlyData); err != nil {
		return "", err
	}
	if len(req.EarlyData) > session.MaxEarlyData {
		return "", &limits.Error{Arg: "resume: earlyData", What: "bytes", Got: len(req.EarlyData), Limit: session.MaxEarlyData, Why: "the server's max_early_data_size (RFC 8446, Section 4.6.1)"}
	}
	mode := req.Mode
	if mode == "" {
		mode = session.ModeTLS13
	}
	group := req.Group
	if group == "" && mode != session.ModeClassic {
		group = "x25519"
	}
	opt := session.Options{Mode: mode, Group: group, Now: a.now}
	if opt.Seed, err = seed("resume", req.Seed); err != nil {
		return "", err
	}
	newFirst := session.New
	if mode != session.ModeTLS13 {
		newFirst = session.NewResumable // a TLS 1.2 session ID and ticket exist only if the first handshake makes them
	}
	first, err := newFirst(h.setup, opt)
	if err != nil {
		return "", fmt.Errorf("resume: %w", err)
	}
	if !first.Established() {
		return "", fmt.Errorf("resume: the first connection failed: %s", first.Export().Error.Message)
	}
	if _, err := first.Send("client", "GET / HTTP/1.1 (first connection)"); err != nil {
		return "", fmt.Errorf("resume: %w", err)
	}
	second, err := first.Resume(session.ResumeOptions{PSKOnly: req.PSKOnly, EarlyData: req.EarlyData, NoAntiReplay: req.NoAntiReplay})
	if err != nil {
		return "", fmt.Errorf("resume: %w", err)
	}
	if second.Established() {
		if _, err := second.Send("client", "GET /account HTTP/1.1 (resumed connection)"); err != nil {
			return "", fmt.Errorf("resume: %w", err)
		}
	}
	h.resume.first, h.resume.second = first, second
	return h.resumeResponse()
}

func (h *handle) resumeResponse() (string, error) {
	first, second := h.resume.first, h.resume.second
	re, err := second.ResumptionExport()
	if err != nil {
		return "", fmt.Errorf("resume: %w", err)
	}
	return encode(ResumeResponse{First: first.Export(), Second: re.Export, Resumption: re.Resumption})
}

// ReplayEarlyData sends the resumed connection's recorded ClientHello and
// 0-RTT data to the server again, as an attacker can: → session.ReplayResult
// and the updated resumption.
func (a *API) ReplayEarlyData(arg string) (string, error) {
	var req sessionArg
	if err := decode("replayEarlyData", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("replayEarlyData", req.Session)
	if err != nil {
		return "", err
	}
	if h.resume.second == nil {
		return "", errors.New("replayEarlyData: nothing to replay: call resume with earlyData first")
	}
	r, err := h.resume.second.ReplayEarlyData()
	if err != nil {
		return "", fmt.Errorf("replayEarlyData: %w", err)
	}
	re, err := h.resume.second.ResumptionExport()
	if err != nil {
		return "", fmt.Errorf("replayEarlyData: %w", err)
	}
	return encode(struct {
		Replay     *session.ReplayResult `json:"replay"`
		Resumption *session.Resumption   `json:"resumption"`
	}{r, re.Resumption})
}

// EveTicketKey has Eve, who recorded both connections, decrypt what she
// can once the server's ticket key leaks.
func (a *API) EveTicketKey(arg string) (string, error) {
	var req sessionArg
	if err := decode("eveTicketKey", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("eveTicketKey", req.Session)
	if err != nil {
		return "", err
	}
	second := h.resume.second
	if second == nil {
		return "", errors.New("eveTicketKey: no resumed connection: call resume first")
	}
	r, err := second.EveTicketKey()
	if err != nil {
		return "", fmt.Errorf("eveTicketKey: %w", err)
	}
	return encode(r)
}
