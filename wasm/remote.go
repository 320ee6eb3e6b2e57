package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

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
	Mode       string `json:"mode"`
	Group      string `json:"group"`
	ServerName string `json:"serverName"`
	TrustPEM   string `json:"trustPem"`
	Seed       string `json:"seed"`
}

// RemoteResult is what every remote call returns.
type RemoteResult struct {
	Flight   string          `json:"flight"`   // base64 of the records to POST next ("" when none)
	Received string          `json:"received"` // application data from the server since the last call
	Session  *session.Export `json:"session"`
}

func (a *API) remoteResult() (string, error) {
	return encode(RemoteResult{Flight: base64.StdEncoding.EncodeToString(a.remote.Flight()), Received: a.remote.Received(), Session: a.remote.Export()})
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
	opt := session.RemoteOptions{Mode: req.Mode, Group: req.Group, ServerName: req.ServerName, TrustPEM: req.TrustPEM, Now: a.now}
	var err error
	if opt.Seed, err = seed("remoteStart", req.Seed); err != nil {
		return "", err
	}
	r, err := session.NewRemote(opt)
	if err != nil {
		return "", fmt.Errorf("remoteStart: %w", err)
	}
	a.remote = r
	a.remoteToken = ""
	return a.remoteResult()
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
}

// RemoteDeliver hands the client the server's answer.
func (a *API) RemoteDeliver(arg string) (string, error) {
	var req RemoteDeliverRequest
	if err := decode("remoteDeliver", arg, &req); err != nil {
		return "", err
	}
	if a.remote == nil {
		return "", errors.New("remoteDeliver: no remote session: call remoteStart first")
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
		a.remoteToken = req.Token
	}
	if req.Error != nil {
		if err := limits.Size("remoteDeliver: error.records", len(req.Error.Records)/2, limits.Flight, "the server's alert record"); err != nil {
			return "", err
		}
		if req.Error.Records != "" {
			if b, err := hex.DecodeString(req.Error.Records); err == nil {
				a.remote.Deliver(b, nil)
			}
		}
		if req.Error.Side == "server" {
			a.remote.SetServerError(req.Error.Alert, req.Error.Message)
		} else {
			a.remote.Fail(req.Error.Side, req.Error.Message)
		}
		return a.remoteResult()
	}
	body, err := base64.StdEncoding.DecodeString(req.Records)
	if err != nil {
		return "", fmt.Errorf("remoteDeliver: records are not base64: %v", err)
	}
	var events []trace.Event
	if req.Trace != "" {
		raw, err := base64.RawURLEncoding.DecodeString(req.Trace)
		if err != nil || json.Unmarshal(raw, &events) != nil {
			return "", errors.New("remoteDeliver: the trace header is not base64url JSON")
		}
	}
	a.remote.Deliver(body, events) // a TLS failure is in the session's error
	return a.remoteResult()
}

// RemoteSendRequest is the argument of remoteSend.
type RemoteSendRequest struct {
	Text string `json:"text"`
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
	if a.remote == nil {
		return "", errors.New("remoteSend: no remote session: call remoteStart first")
	}
	if !a.remote.Established() {
		return "", errors.New("remoteSend: the handshake has not completed")
	}
	if err := a.remote.Write(req.Text); err != nil {
		return "", fmt.Errorf("remoteSend: %w", err)
	}
	return a.remoteResult()
}

// RemoteClose queues close_notify and returns the flight.
func (a *API) RemoteClose() (string, error) {
	if a.remote == nil {
		return "", errors.New("remoteClose: no remote session: call remoteStart first")
	}
	a.remote.Close()
	return a.remoteResult()
}

// ServerIdentity is the in-page server's identity, from the current setup:
// the chain, the key, and a token key made for this page.
type ServerIdentity struct {
	CertPEM  string `json:"certPem"`
	KeyPEM   string `json:"keyPem"`
	TokenKey string `json:"tokenKey"`
	TrustPEM string `json:"trustPem"` // the root the client should trust
}

// ServerIdentity returns the identity the in-page server runs with.
func (a *API) ServerIdentity() (string, error) {
	if a.setup == nil {
		return "", errors.New("serverIdentity: no keys yet: call setup first")
	}
	if a.tokenKey == nil {
		a.tokenKey = make([]byte, 32)
		if _, err := rand.Read(a.tokenKey); err != nil {
			return "", err
		}
	}
	var chain []byte
	for _, der := range a.setup.Chain {
		chain = append(chain, pki.CertPEM(der)...)
	}
	return encode(ServerIdentity{CertPEM: string(chain), KeyPEM: string(a.setup.KeyPEM()), TokenKey: hex.EncodeToString(a.tokenKey),
		TrustPEM: string(pki.CertPEM(a.setup.CA.Raw))})
}
