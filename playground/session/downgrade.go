package session

import (
	"tlsplayground/playground/dual"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// NewDowngrade runs a client that offers TLS 1.3 and 1.2 against a server
// that speaks both. With strip, Mallory removes TLS 1.3 from the
// ClientHello on the way: the server settles for TLS 1.2 and says so in
// its random (the downgrade sentinel), and the client, which did offer
// TLS 1.3, aborts (RFC 8446, Section 4.1.3).
func NewDowngrade(setup *pki.Setup, strip bool, opt Options) (*Session, error) {
	seed, now := seedAndClock(opt.Seed, opt.Now)
	s := &Session{setup: setup, seed: seed, rec: &trace.Recorder{}, mode: ModeTLS13, roots: setup.SharedRoots()}
	cfg12 := &tls12.Config{Rand: rng.New(append([]byte("client12 "), seed...)), Time: now, Groups: []*kx.Group{kx.X25519, kx.P256},
		ServerName: setup.ServerName, Roots: s.roots, Trace: s.rec}
	cfg13 := &tls13.Config{Rand: rng.New(append([]byte("client "), seed...)), Time: now, KeyShares: []*kx.Group{kx.X25519},
		ServerName: setup.ServerName, Roots: s.roots, Trace: s.rec, TLS12Suites: suites.ECDHE}
	c, err := dual.NewClient(cfg12, cfg13)
	if err != nil {
		return nil, err
	}
	srv := dual.NewServer(
		&tls12.Config{Rand: rng.New(append([]byte("server12 "), seed...)), Time: now, Suites: suites.ECDHE, Certificates: setup.Chain, Signer: setup.Signer, Key: setup.Key, Trace: s.rec},
		&tls13.Config{Rand: rng.New(append([]byte("server "), seed...)), Time: now, Certificates: setup.Chain, Signer: setup.Signer, Trace: s.rec})
	s.dualC, s.dualS = c, srv
	s.client, s.server = c, srv
	if strip {
		s.deliver = func(from string, _ int, w []byte) []byte {
			if from != trace.Client {
				return w
			}
			out := dual.StripTLS13(w)
			if len(out) != len(w) {
				s.rec.Add(StepTexts(ModeTLS13)[0].N, "mallory", "Strips TLS 1.3 from the ClientHello on the way",
					trace.Text("Removed", "supported_versions, key_share and the TLS 1.3 cipher suites", "the server now sees a client that speaks only TLS 1.2"),
					trace.Hex("ClientHello as the server receives it", out, "the client's own transcript still holds the original"))
			}
			return out
		}
	}
	s.watchDiscard()
	if err := s.client.Start(); err != nil {
		s.noteError(trace.Client, err)
	}
	s.pump()
	s.checkStalled()
	return s, nil
}

// dualView reads the session of a dual client.
func dualView(c *dual.Client, srv *dual.Server, prev *trace.KeyShare) (view, string) {
	switch ep := c.Endpoint.(type) {
	case *tls12.Conn:
		var s12 *tls12.Conn
		if x, ok := srv.Endpoint.(*tls12.Conn); ok {
			s12 = x
		}
		return ecdheView(ep, s12, prev), ModeECDHE
	case *tls13.Conn:
		var s13 *tls13.Conn
		if x, ok := srv.Endpoint.(*tls13.Conn); ok {
			s13 = x
		}
		return tls13View(ep, s13), ModeTLS13
	}
	return view{}, ModeTLS13
}
