package session

import (
	"crypto/x509"
	"io"
	"time"

	"tlsplayground/playground/kx"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// clientParams is what a session's client is made of, in any mode.
type clientParams struct {
	mode       string
	rand       io.Reader
	now        func() time.Time
	suites     []*suites.Suite
	group      *kx.Group   // the key share's group (ECDHE, TLS 1.3)
	alsoGroups []*kx.Group // more groups a TLS 1.2 ECDHE client offers
	disableEMS bool
	serverName string
	roots      *x509.CertPool
	rec        *trace.Recorder
	webPKI     bool // a setup as public CAs issue (SCTs, an OCSP response): the client checks them (tls12/tls13 Config.WebPKI)
}

// newClient makes the client end for a mode: one of the two returns is set.
func newClient(p clientParams) (*tls12.Conn, *tls13.Conn) {
	if p.mode == ModeTLS13 {
		return nil, tls13.Client(&tls13.Config{Rand: p.rand, Time: p.now, Suites: p.suites, Groups: kx.All,
			KeyShares: []*kx.Group{p.group}, ServerName: p.serverName, Roots: p.roots, Trace: p.rec, WebPKI: p.webPKI})
	}
	cfg := &tls12.Config{Rand: p.rand, Time: p.now, Suites: p.suites, DisableEMS: p.disableEMS,
		ServerName: p.serverName, Roots: p.roots, Trace: p.rec, WebPKI: p.webPKI}
	if p.mode == ModeECDHE {
		cfg.Groups = []*kx.Group{p.group}
		for _, g := range p.alsoGroups {
			if g != p.group {
				cfg.Groups = append(cfg.Groups, g)
			}
		}
	}
	return tls12.Client(cfg), nil
}

// seedAndClock fills in a fresh random seed and the real clock.
func seedAndClock(seed []byte, now func() time.Time) ([]byte, func() time.Time) {
	if len(seed) == 0 {
		seed = rng.NewSeed()
	}
	if now == nil {
		now = time.Now
	}
	return seed, now
}
