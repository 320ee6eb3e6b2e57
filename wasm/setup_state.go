package main

// A setup taken back instead of issued anew (setup's "state" argument).
// Issuing costs the first live session its longest wait on a first visit:
// the root's and the intermediate's RSA signatures, two SCTs, the leaf and
// the OCSP response, each signed in a Go just started, whose code V8
// compiles on its first call. The build has already issued certificates for
// the starter keys (scripts/firstsession, first-session.json's
// "setupState"), and a page may keep those of its own keys (keepState); a
// setup given them checks them and signs nothing, unless the OCSP response
// is about to go stale (then it signs that one alone). Anything off (other
// keys, another name, a signature that does not verify, a certificate not
// valid for a day more) and setup issues anew, as without a state, and says
// why (stateRefused).

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"tlsplayground/playground/jsonenc"
	"tlsplayground/playground/pki"
)

// stateMargin is how long a restored setup must stay good: every
// certificate valid and the OCSP response current for a day more than now,
// so that a visitor's sessions do not meet an expired one (RFC 5280, Section
// 4.1.2.5; RFC 6960, Section 4.2.2.1).
const stateMargin = 24 * time.Hour

// restoreSetup rebuilds the setup st describes for the keys of opt (the
// request's caKeyPem and keyPem, else st's own), checked at now. It returns
// the setup and, when it had to sign a fresh OCSP response, true.
func restoreSetup(st *setupState, opt pki.Options, now time.Time) (*pki.Setup, bool, error) {
	name := opt.ServerName
	if name == "" {
		name = pki.DefaultServerName
	}
	if st.ServerName != name {
		return nil, false, fmt.Errorf("it is for %q, not %q", st.ServerName, name)
	}
	caKey, key := opt.CAKey, opt.Signer
	if caKey == nil && len(st.CAKey) > 0 {
		k, err := x509.ParsePKCS8PrivateKey(st.CAKey)
		if err != nil {
			return nil, false, fmt.Errorf("its root's key: %v", err)
		}
		var ok bool
		if caKey, ok = k.(*rsa.PrivateKey); !ok {
			return nil, false, fmt.Errorf("its root's key is a %T, not RSA", k)
		}
	}
	if key == nil && len(st.Key) > 0 {
		k, err := x509.ParsePKCS8PrivateKey(st.Key)
		if err != nil {
			return nil, false, fmt.Errorf("its server key: %v", err)
		}
		var ok bool
		if key, ok = k.(crypto.Signer); !ok {
			return nil, false, fmt.Errorf("its server key, a %T, cannot sign", k)
		}
	}
	if caKey == nil || key == nil {
		return nil, false, errors.New("the root's key or the server's is neither given nor in it")
	}
	keyType := ""
	switch k := key.(type) {
	case *rsa.PrivateKey:
		keyType = pki.KeyRSA
		if opt.KeyBits != 0 && opt.KeyBits != k.N.BitLen() {
			return nil, false, fmt.Errorf("its server key is RSA-%d, not RSA-%d", k.N.BitLen(), opt.KeyBits)
		}
	default:
		// A key of another type is issued anew: it costs milliseconds.
		return nil, false, fmt.Errorf("its server key is a %T: only an RSA setup is taken back", k)
	}
	if st.KeyType != keyType || (opt.KeyType != "" && opt.KeyType != keyType) {
		return nil, false, fmt.Errorf("it is for a %q key, not %q", st.KeyType, keyType)
	}

	cert := func(what string, der []byte) (*x509.Certificate, error) {
		if len(der) == 0 {
			return nil, fmt.Errorf("it has no %s", what)
		}
		c, err := pki.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("its %s: %v", what, err)
		}
		// RFC 5280, Section 4.1.2.5: valid from notBefore to notAfter; a day more wanted.
		if now.Before(c.NotBefore) || !now.Add(stateMargin).Before(c.NotAfter) {
			return nil, fmt.Errorf("its %s is valid from %s to %s: not for a day from %s", what,
				c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
		return c, nil
	}
	s := &pki.Setup{ServerName: name, CAKey: caKey, KeyType: keyType, Signer: key}
	s.Key, _ = key.(*rsa.PrivateKey)
	var err error
	if s.CA, err = cert("root certificate", st.CA); err != nil {
		return nil, false, err
	}
	if s.Intermediate, err = cert("intermediate certificate", st.Intermediate); err != nil {
		return nil, false, err
	}
	if s.Leaf, err = cert("server certificate", st.Leaf); err != nil {
		return nil, false, err
	}
	ik, err := x509.ParsePKCS8PrivateKey(st.IntermediateKey)
	if err != nil {
		return nil, false, fmt.Errorf("its intermediate's key: %v", err)
	}
	if s.IntermediateKey, _ = ik.(crypto.Signer); s.IntermediateKey == nil {
		return nil, false, fmt.Errorf("its intermediate's key, a %T, cannot sign", ik)
	}

	// Each key is the one its certificate names (RFC 5280, Section 4.1.2.7).
	for _, p := range []struct {
		what string
		c    *x509.Certificate
		key  crypto.Signer
	}{{"root certificate", s.CA, caKey}, {"intermediate certificate", s.Intermediate, s.IntermediateKey}, {"server certificate", s.Leaf, key}} {
		pub, ok := p.key.Public().(interface{ Equal(crypto.PublicKey) bool })
		if !ok || !pub.Equal(p.c.PublicKey) {
			return nil, false, fmt.Errorf("its %s is not for the key given", p.what)
		}
	}
	// Root → intermediate → leaf, each signed by the one above (RFC 5280, Section 6.1.3).
	if err := s.Intermediate.CheckSignatureFrom(s.CA); err != nil {
		return nil, false, fmt.Errorf("its intermediate certificate is not signed by its root: %v", err)
	}
	if err := s.Leaf.CheckSignatureFrom(s.Intermediate); err != nil {
		return nil, false, fmt.Errorf("its server certificate is not signed by its intermediate: %v", err)
	}
	if err := s.Leaf.VerifyHostname(name); err != nil {
		return nil, false, fmt.Errorf("its server certificate: %v", err)
	}
	s.Chain = [][]byte{s.Leaf.Raw, s.Intermediate.Raw}
	if st.Chain != nil && (len(st.Chain) != 2 || !bytes.Equal(st.Chain[0], s.Leaf.Raw) || !bytes.Equal(st.Chain[1], s.Intermediate.Raw)) {
		return nil, false, errors.New("its chain is not its server certificate and intermediate")
	}

	// The OCSP response: sound, good and current for a day more (RFC 6960,
	// Sections 3.2 and 4.2.2.1); if it is only stale, the intermediate signs
	// a fresh one.
	if len(st.OCSP) == 0 {
		return nil, false, errors.New("it has no OCSP response")
	}
	s.OCSPResponse = st.OCSP
	if r := pki.CheckOCSP(st.OCSP, s.Leaf, s.Intermediate, now.Add(stateMargin)); r.OK && r.Status == pki.OCSPGood {
		return s, false, nil
	}
	if r := pki.CheckOCSP(st.OCSP, s.Leaf, s.Intermediate, pki.IssuedAt(s.Leaf)); !r.OK || r.Status != pki.OCSPGood {
		return nil, false, errors.New("its OCSP response does not say good for its server certificate")
	}
	if s.OCSPResponse, err = pki.NewOCSPResponse(s.Leaf, s.Intermediate, s.IntermediateKey, pki.OCSPGood, now); err != nil {
		return nil, false, err
	}
	return s, true, nil
}

// setupStateAnswer is what setup answers beside SetupResponse's members
// when it was given a state or asked to keep one (never otherwise: the
// answer to any other setup is the same, byte for byte).
type setupStateAnswer struct {
	// IssuedAt (RFC 3339), set when the request's state was taken, is when
	// its certificates were issued; setup signed none of them (generatedMs
	// is then the time it took to check them).
	IssuedAt string `json:"issuedAt,omitempty"`
	// OCSPSignedAt is set when setup signed a fresh OCSP response, the
	// state's being stale within a day.
	OCSPSignedAt string `json:"ocspSignedAt,omitempty"`
	// StateRefused says why the request's state was not taken: the
	// certificates were issued anew.
	StateRefused string `json:"stateRefused,omitempty"`
	// State is this setup's state without the root's and the server's keys
	// (the caller has them), when keepState asked for it and the setup
	// issued anything (a state given and taken as it was is not answered
	// again): a later setup's "state".
	State *setupState `json:"state,omitempty"`
}

// appendTo writes x's members into resp, a SetupResponse's JSON object,
// as encoding/json would (TestSetupStateJSON), by hand: the first live
// session's setup writes them, and nothing is written by reflection before
// that session.
func (x *setupStateAnswer) appendTo(resp []byte) (string, error) {
	b := resp[:len(resp)-1] // {…SetupResponse…} → {…SetupResponse…,…x…}
	if x.IssuedAt != "" {
		b = jsonenc.StringField(b, `,"issuedAt":`, x.IssuedAt)
	}
	if x.OCSPSignedAt != "" {
		b = jsonenc.StringField(b, `,"ocspSignedAt":`, x.OCSPSignedAt)
	}
	if x.StateRefused != "" {
		b = jsonenc.StringField(b, `,"stateRefused":`, x.StateRefused)
	}
	if x.State != nil {
		b = x.State.appendJSON(append(b, `,"state":`...))
	}
	return string(append(b, '}')), nil
}

// appendJSON appends st as encoding/json writes it (byte slices in
// base64, a nil one as null), by hand: a New session after the visitor's
// own keys are made asks for it (TestSetupStateJSON).
func (st *setupState) appendJSON(b []byte) []byte {
	bytesField := func(b []byte, key string, v []byte) []byte {
		b = append(b, key...)
		if v == nil {
			return append(b, "null"...)
		}
		return append(base64.StdEncoding.AppendEncode(append(b, '"'), v), '"')
	}
	b = jsonenc.StringField(b, `{"id":`, st.ID)
	b = jsonenc.StringField(b, `,"serverName":`, st.ServerName)
	b = jsonenc.StringField(b, `,"keyType":`, st.KeyType)
	b = bytesField(b, `,"caKey":`, st.CAKey)
	b = bytesField(b, `,"ca":`, st.CA)
	b = bytesField(b, `,"key":`, st.Key)
	b = bytesField(b, `,"leaf":`, st.Leaf)
	if len(st.Intermediate) > 0 {
		b = bytesField(b, `,"intermediate":`, st.Intermediate)
	}
	if len(st.IntermediateKey) > 0 {
		b = bytesField(b, `,"intermediateKey":`, st.IntermediateKey)
	}
	if len(st.OCSP) > 0 {
		b = bytesField(b, `,"ocsp":`, st.OCSP)
	}
	b = jsonenc.ListField(b, `,"chain":`, st.Chain == nil)
	for i, c := range st.Chain {
		b = bytesField(jsonenc.Next(b, i), "", c)
	}
	b = jsonenc.EndList(b, st.Chain == nil)
	b = jsonenc.FloatField(b, `,"generatedMs":`, st.GeneratedMs)
	return append(b, '}')
}
