package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"tlsplayground/playground/jsonlite"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// The remote API: a client whose server answers over HTTP (the in-page
// server or a Worker). The page's JavaScript carries each flight, so that it
// can show every request and response; Go only speaks TLS.

// RemoteStartRequest is the argument of remoteStart.
type RemoteStartRequest struct {
	Mode       string     `json:"mode"`
	Group      string     `json:"group"`
	ServerName string     `json:"serverName"`
	TrustPEM   string     `json:"trustPem"`
	Seed       string     `json:"seed"`
	Session    sessionRef `json:"session"`
}

// RemoteResult is what every remote call returns.
type RemoteResult struct {
	Flight   string          `json:"flight"`   // base64 of the records to POST next ("" when none)
	Received string          `json:"received"` // application data from the server since the last call
	Session  *session.Export `json:"session"`
}

func (h *handle) remoteResult() (string, error) {
	return encode(RemoteResult{Flight: base64.StdEncoding.EncodeToString(h.remote.Flight()), Received: h.remote.Received(), Session: h.remote.Export()})
}

// remoteOf returns the handle ref names, with its remote client.
func (a *API) remoteOf(method string, ref sessionRef) (*handle, error) {
	h, err := a.handleOf(method, ref)
	if err != nil {
		return nil, err
	}
	if h.remote == nil {
		return nil, fmt.Errorf("%s: no remote session: call remoteStart first", method)
	}
	return h, nil
}

// RemoteStart makes the client and returns its first flight.
func (a *API) RemoteStart(arg string) (string, error) {
	var req RemoteStartRequest
	if err := decode("remoteStart", arg, &req); err != nil {
		return "", err
	}
	if req.ServerName != "" {
		if err := limits.CheckServerName("remoteStart: serverName", req.ServerName); err != nil {
			return "", err
		}
	}
	if err := limits.Size("remoteStart: trustPem", len(req.TrustPEM), limits.PEM, "a trust store of a few roots is a few kilobytes"); err != nil {
		return "", err
	}
	h, err := a.handleOf("remoteStart", req.Session)
	if err != nil {
		return "", err
	}
	opt := session.RemoteOptions{Mode: req.Mode, Group: req.Group, ServerName: req.ServerName, TrustPEM: req.TrustPEM, Now: a.now}
	if opt.Seed, err = seed("remoteStart", req.Seed); err != nil {
		return "", err
	}
	r, err := session.NewRemote(opt)
	if err != nil {
		return "", fmt.Errorf("remoteStart: %w", err)
	}
	h.remote = r
	h.remoteToken = ""
	return h.remoteResult()
}

// RemoteDeliverRequest is the argument of remoteDeliver: the body of the
// server's 200 answer and its Tls-Playground-Trace header; or the error
// of a failed exchange.
type RemoteDeliverRequest struct {
	Records string `json:"records"` // base64
	Trace   string `json:"trace"`   // the Tls-Playground-Trace header (base64url JSON), optional
	Token   string `json:"token"`   // the answer's Tls-Playground-Token header, recorded for Eve (eveTokenKey)
	Error   *struct {
		Side    string `json:"side"`
		Alert   string `json:"alert"`
		Message string `json:"message"`
		Records string `json:"records"` // hex: the server's alert record, if any
	} `json:"error"`
	Session sessionRef `json:"session"`
}

// RemoteDeliver hands the client the server's answer.
func (a *API) RemoteDeliver(arg string) (string, error) {
	var req RemoteDeliverRequest
	if err := decode("remoteDeliver", arg, &req); err != nil {
		return "", err
	}
	h, err := a.remoteOf("remoteDeliver", req.Session)
	if err != nil {
		return "", err
	}
	if err := limits.Size("remoteDeliver: records", base64.StdEncoding.DecodedLen(len(req.Records)), limits.Flight, "a server's flight is a few kilobytes"); err != nil {
		return "", err
	}
	if err := limits.Size("remoteDeliver: trace", len(req.Trace), limits.Flight, "the Tls-Playground-Trace header of one answer"); err != nil {
		return "", err
	}
	if err := limits.Size("remoteDeliver: token", len(req.Token), limits.Flight, "the Tls-Playground-Token header of one answer"); err != nil {
		return "", err
	}
	if req.Token != "" {
		h.remoteToken = req.Token
	}
	if req.Error != nil {
		if err := limits.Size("remoteDeliver: error.records", len(req.Error.Records)/2, limits.Flight, "the server's alert record"); err != nil {
			return "", err
		}
		if req.Error.Records != "" {
			if b, err := hex.DecodeString(req.Error.Records); err == nil {
				h.remote.Deliver(b, nil)
			}
		}
		if req.Error.Side == "server" {
			h.remote.SetServerError(req.Error.Alert, req.Error.Message)
		} else {
			h.remote.Fail(req.Error.Side, req.Error.Message)
		}
		return h.remoteResult()
	}
	body, err := base64.StdEncoding.DecodeString(req.Records)
	if err != nil {
		return "", fmt.Errorf("remoteDeliver: records are not base64: %v", err)
	}
	var events []trace.Event
	if req.Trace != "" {
		raw, err := base64.RawURLEncoding.DecodeString(req.Trace)
		if err != nil || jsonlite.Unmarshal(raw, &events) != nil {
			return "", errors.New("remoteDeliver: the trace header is not base64url JSON")
		}
	}
	h.remote.Deliver(body, events) // a TLS failure is in the session's error
	return h.remoteResult()
}

// RemoteSendRequest is the argument of remoteSend.
type RemoteSendRequest struct {
	Text    string     `json:"text"`
	Session sessionRef `json:"session"`
}

// RemoteSend queues a message to the server and returns the flight.
func (a *API) RemoteSend(arg string) (string, error) {
	var req RemoteSendRequest
	if err := decode("remoteSend", arg, &req); err != nil {
		return "", err
	}
	if err := checkText("remoteSend", req.Text); err != nil {
		return "", err
	}
	h, err := a.remoteOf("remoteSend", req.Session)
	if err != nil {
		return "", err
	}
	if !h.remote.Established() {
		return "", errors.New("remoteSend: the handshake has not completed")
	}
	if err := h.remote.Write(req.Text); err != nil {
		return "", fmt.Errorf("remoteSend: %w", err)
	}
	return h.remoteResult()
}

// RemoteClose queues close_notify and returns the flight.
func (a *API) RemoteClose(arg string) (string, error) {
	var req sessionArg
	if err := decode("remoteClose", arg, &req); err != nil {
		return "", err
	}
	h, err := a.remoteOf("remoteClose", req.Session)
	if err != nil {
		return "", err
	}
	h.remote.Close()
	return h.remoteResult()
}

// ServerIdentity is the in-page server's identity, from the current setup:
// the chain, the key, and a token key made for this page.
type ServerIdentity struct {
	CertPEM  string `json:"certPem"`
	KeyPEM   string `json:"keyPem"`
	TokenKey string `json:"tokenKey"`
	TrustPEM string `json:"trustPem"` // the root the client should trust
}

// ServerIdentity returns the identity the in-page server runs with: the
// handle's setup.
func (a *API) ServerIdentity(arg string) (string, error) {
	var req sessionArg
	if err := decode("serverIdentity", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("serverIdentity", req.Session)
	if err != nil {
		return "", err
	}
	if h.setup == nil {
		return "", errors.New("serverIdentity: no keys yet: call setup first")
	}
	if h.tokenKey == nil {
		h.tokenKey = make([]byte, 32)
		if _, err := rand.Read(h.tokenKey); err != nil {
			return "", err
		}
	}
	var chain []byte
	for _, der := range h.setup.Chain {
		chain = append(chain, pki.CertPEM(der)...)
	}
	return encode(ServerIdentity{CertPEM: string(chain), KeyPEM: string(h.setup.KeyPEM()), TokenKey: hex.EncodeToString(h.tokenKey),
		TrustPEM: string(pki.CertPEM(h.setup.CA.Raw))})
}
