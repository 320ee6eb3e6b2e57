package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"strings"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// This file turns flag values into the engine's types and builds the
// engine's endpoints for connect and serve.

// The modes, their suites, groups and server keys come from the engine's
// catalogue (session.GetCatalogue), which the page reads too.
var allModes = session.Modes()

func checkMode(mode string) error {
	if session.ModeSuites(mode) == nil {
		return usageErr(fmt.Sprintf("unknown mode %q", mode),
			"choose classic (TLS 1.2, RSA key transport), ecdhe (TLS 1.2, ephemeral ECDH) or tls13")
	}
	return nil
}

// parseSuites reads --suite: IANA names, comma-separated, of the mode's
// family. An empty value means the mode's default list.
func parseSuites(mode, value string) ([]*suites.Suite, error) {
	names := splitList(value)
	if len(names) == 0 {
		return nil, nil
	}
	fam := session.ModeSuites(mode)
	hint := fmt.Sprintf("the %s mode offers %s", mode, strings.Join(suites.Names(fam), ", "))
	if err := limits.CheckList("--suite", names); err != nil {
		return nil, usageErr(err.Error(), hint)
	}
	var out []*suites.Suite
	for _, n := range names {
		s, err := suites.ByName(n)
		if err != nil {
			return nil, usageErr(fmt.Sprintf("unknown cipher suite %q", n), hint)
		}
		ok := false
		for _, f := range fam {
			ok = ok || f == s
		}
		if !ok {
			return nil, usageErr(fmt.Sprintf("cipher suite %s is not one of the %s mode (%s)", s.Name, mode, session.ModeName(mode)), hint)
		}
		out = append(out, s)
	}
	return out, nil
}

// modeGroups are the groups a mode can use (the catalogue's policy).
func modeGroups(mode string) []*kx.Group { return session.ModeGroups(mode) }

// parseGroup reads --group (and each of --server-groups).
func parseGroup(mode, name string) (*kx.Group, error) {
	if name == "" {
		return nil, nil
	}
	allowed := modeGroups(mode)
	if allowed == nil {
		return nil, usageErr(fmt.Sprintf("group %q: the classic handshake has no key exchange group (RSA key transport)", name),
			"leave out --group, or choose --mode ecdhe or --mode tls13")
	}
	var names []string
	for _, g := range allowed {
		names = append(names, g.Name)
	}
	hint := fmt.Sprintf("the %s mode offers %s", mode, strings.Join(names, ", "))
	g, err := kx.ByName(name)
	if err != nil {
		return nil, usageErr(fmt.Sprintf("unknown group %q", name), hint)
	}
	for _, a := range allowed {
		if a == g {
			return g, nil
		}
	}
	return nil, usageErr(fmt.Sprintf("group %s is not available in %s: ML-KEM hybrids exist only in TLS 1.3", g.Name, session.ModeName(mode)), hint)
}

// preferring returns list with g moved to the front.
func preferring(g *kx.Group, list []*kx.Group) []*kx.Group {
	out := []*kx.Group{g}
	for _, x := range list {
		if x != g {
			out = append(out, x)
		}
	}
	return out
}

// conn is an engine endpoint that can also tell the chain its peer sent.
type conn interface {
	endpoint.Endpoint
	PeerChain() [][]byte
}

// clientOptions choose the engine's client for connect.
type clientOptions struct {
	mode       string
	suites     []*suites.Suite // nil: the mode's default
	group      *kx.Group       // the key share; nil: the mode's default
	serverName string
	roots      *x509.CertPool
	rec        *trace.Recorder
}

func newClient(o clientOptions) conn {
	ss := o.suites
	if ss == nil {
		ss = session.ModeSuites(o.mode)
	}
	if o.mode == session.ModeTLS13 {
		cfg := &tls13.Config{Rand: rand.Reader, Suites: ss, Groups: kx.All, ServerName: o.serverName, Roots: o.roots, Trace: o.rec}
		if o.group != nil {
			cfg.KeyShares = []*kx.Group{o.group}
		}
		return tls13.Client(cfg)
	}
	cfg := &tls12.Config{Rand: rand.Reader, Suites: ss, ServerName: o.serverName, Roots: o.roots, Trace: o.rec}
	if o.group != nil {
		cfg.Groups = preferring(o.group, session.ModeGroups(o.mode))
	}
	return tls12.Client(cfg)
}

// identity is what a server presents: its chain (leaf first) and key.
type identity struct {
	chain  [][]byte
	signer crypto.Signer
	ocsp   []byte // the OCSP response the server staples (RFC 6066 §8, RFC 8446 §4.4.2.1), or nil
}

func newServer(mode string, id identity, rec *trace.Recorder) conn {
	if mode == session.ModeTLS13 {
		return tls13.Server(&tls13.Config{Rand: rand.Reader, Certificates: id.chain, Signer: id.signer, OCSPStaple: id.ocsp, Trace: rec})
	}
	rk, _ := id.signer.(*rsa.PrivateKey)
	return tls12.Server(&tls12.Config{Rand: rand.Reader, Suites: session.ModeSuites(mode), Certificates: id.chain, Key: rk, Signer: id.signer, OCSPStaple: id.ocsp, Trace: rec})
}

// checkKeyType reads --key.
func checkKeyType(k string) error {
	for _, t := range pki.KeyTypes() {
		if k == t {
			return nil
		}
	}
	return usageErr(fmt.Sprintf("unknown key type %q", k), "choose "+strings.Join(pki.KeyTypes(), ", "))
}

// keyFitsMode rejects a server key the mode cannot use.
func keyFitsMode(mode, keyType string) error {
	if err := session.CheckKeyType(mode, keyType); err != nil {
		hint := "use --key rsa"
		if mode == session.ModeClassic {
			hint += ", or --mode ecdhe or --mode tls13 for an " + keyType + " key"
		}
		return usageErr(err.Error(), hint)
	}
	return nil
}
