package main

// How a lab method reads a session that lives in the core. The engine is
// two modules (main_js.go): the core, which the first view loads, holds
// the handles' setups and sessions; the lab, loaded on first use of one of
// its methods, runs the attacks and the wire views. Before it calls a lab
// method, the worker (site/js/engine-worker.js) asks the core for the
// handle's state (sessionState) and gives it to the lab (adoptSession):
// the setup (certificates and keys, DER), the session's records and key
// log, and the remote session as Eve recorded it. The lab never runs the
// session again: it reads the same bytes.

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
)

// setupState is a setup as it crosses from the core to the lab: DER
// certificates, PKCS #8 keys (base64 in JSON).
type setupState struct {
	// ID names the setup: the same leaf, the same setup, so the lab does
	// not parse keys it holds already.
	ID              string   `json:"id"`
	ServerName      string   `json:"serverName"`
	KeyType         string   `json:"keyType"`
	CAKey           []byte   `json:"caKey"`
	CA              []byte   `json:"ca"`
	Key             []byte   `json:"key"`
	Leaf            []byte   `json:"leaf"`
	Intermediate    []byte   `json:"intermediate,omitempty"`
	IntermediateKey []byte   `json:"intermediateKey,omitempty"`
	OCSP            []byte   `json:"ocsp,omitempty"`
	Chain           [][]byte `json:"chain"`
	GeneratedMs     float64  `json:"generatedMs"`
}

// handleState is the result of sessionState and the argument of
// adoptSession.
type handleState struct {
	Session  string       `json:"session"`
	Setup    *setupState  `json:"setup,omitempty"`
	Data     *sessionData `json:"data,omitempty"`
	Remote   *remoteData  `json:"remote,omitempty"`
	TokenKey string       `json:"tokenKey,omitempty"` // hex
}

// setupID names s by its leaf (whose serial is random).
func setupID(s *pki.Setup) string {
	sum := sha256.Sum256(s.Leaf.Raw)
	return hex.EncodeToString(sum[:12])
}

// stateOfSetup writes s for the lab.
func stateOfSetup(s *pki.Setup) (*setupState, error) {
	st, err := certStateOf(s)
	if err != nil {
		return nil, err
	}
	if st.CAKey, err = x509.MarshalPKCS8PrivateKey(s.CAKey); err != nil {
		return nil, fmt.Errorf("the root's key: %v", err)
	}
	if st.Key, err = x509.MarshalPKCS8PrivateKey(s.Signer); err != nil {
		return nil, fmt.Errorf("the server's key: %v", err)
	}
	return st, nil
}

// certStateOf writes s without the root's and the server's keys: what
// setup answers to keepState (the caller has those keys).
func certStateOf(s *pki.Setup) (*setupState, error) {
	st := &setupState{ID: setupID(s), ServerName: s.ServerName, KeyType: s.KeyType, CA: s.CA.Raw, Leaf: s.Leaf.Raw,
		OCSP: s.OCSPResponse, Chain: s.Chain, GeneratedMs: float64(s.GeneratedIn.Microseconds()) / 1000}
	if s.Intermediate != nil {
		var err error
		st.Intermediate = s.Intermediate.Raw
		if st.IntermediateKey, err = x509.MarshalPKCS8PrivateKey(s.IntermediateKey); err != nil {
			return nil, fmt.Errorf("the intermediate's key: %v", err)
		}
	}
	return st, nil
}

// setupOfState rebuilds the setup the core wrote.
func setupOfState(st *setupState) (*pki.Setup, error) {
	cert := func(what string, der []byte) (*x509.Certificate, error) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
		return c, nil
	}
	signer := func(what string, der []byte) (crypto.Signer, error) {
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("%s: a %T cannot sign", what, k)
		}
		return s, nil
	}
	s := &pki.Setup{ServerName: st.ServerName, KeyType: st.KeyType, OCSPResponse: st.OCSP, Chain: st.Chain,
		GeneratedIn: time.Duration(st.GeneratedMs * float64(time.Millisecond))}
	var err error
	if s.CA, err = cert("the root", st.CA); err != nil {
		return nil, err
	}
	if s.Leaf, err = cert("the leaf", st.Leaf); err != nil {
		return nil, err
	}
	ca, err := signer("the root's key", st.CAKey)
	if err != nil {
		return nil, err
	}
	var ok bool
	if s.CAKey, ok = ca.(*rsa.PrivateKey); !ok {
		return nil, fmt.Errorf("the root's key is a %T, not RSA", ca)
	}
	if s.Signer, err = signer("the server's key", st.Key); err != nil {
		return nil, err
	}
	s.Key, _ = s.Signer.(*rsa.PrivateKey)
	if st.Intermediate != nil {
		if s.Intermediate, err = cert("the intermediate", st.Intermediate); err != nil {
			return nil, err
		}
		if s.IntermediateKey, err = signer("the intermediate's key", st.IntermediateKey); err != nil {
			return nil, err
		}
	}
	if len(s.Chain) == 0 || string(s.Chain[0]) != string(s.Leaf.Raw) {
		return nil, errors.New("the chain does not start with the leaf")
	}
	return s, nil
}

// SessionState returns what the lab needs of a handle (core): its setup,
// its session's records and key log, its remote session as recorded.
func (a *API) SessionState(arg string) (string, error) {
	var req sessionArg
	if err := decode("sessionState", arg, &req); err != nil {
		return "", err
	}
	h, err := a.handleOf("sessionState", req.Session)
	if err != nil {
		return "", err
	}
	st := handleState{Session: h.id, Data: h.data(), Remote: h.remoteRecording()}
	if h.setup != nil {
		if st.Setup, err = stateOfSetup(h.setup); err != nil {
			return "", fmt.Errorf("sessionState: %v", err)
		}
	}
	if h.tokenKey != nil {
		st.TokenKey = hex.EncodeToString(h.tokenKey)
	}
	return encode(st)
}

// AdoptSession takes the core's state of a handle (lab): the handle of the
// same id is made if it does not exist here, and reads that setup and
// session from now on. What the lab made itself in the handle (Mallory's
// interception, a resumption pair) stays.
func (a *API) AdoptSession(arg string) (string, error) {
	if err := limits.Size("adoptSession: the argument", len(arg), limits.Argument, "a session's records and keys are tens of kilobytes"); err != nil {
		return "", err
	}
	var st handleState
	if err := decode("adoptSession", arg, &st); err != nil {
		return "", err
	}
	h, err := a.handleOf("adoptSession", sessionRef{ID: st.Session, Set: true})
	if err != nil {
		if h, err = a.newHandle("adoptSession", st.Session, nil); err != nil {
			return "", err
		}
	}
	switch {
	case st.Setup == nil:
		h.setup, h.setupID = nil, ""
	case st.Setup.ID != h.setupID || h.setup == nil:
		s, err := setupOfState(st.Setup)
		if err != nil {
			return "", fmt.Errorf("adoptSession: the setup: %v", err)
		}
		h.setup, h.setupID = s, st.Setup.ID
	}
	h.sess, h.adopted = nil, st.Data
	h.remote, h.adoptedRemote = nil, st.Remote
	h.tokenKey = nil
	if st.TokenKey != "" {
		if h.tokenKey, err = hex.DecodeString(st.TokenKey); err != nil {
			return "", fmt.Errorf("adoptSession: tokenKey: %v", err)
		}
	}
	return encode(struct {
		Session string `json:"session"`
	}{h.id})
}
