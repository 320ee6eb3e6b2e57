//go:build !core

package tls12_test

import (
	"bytes"
	"crypto/tls"
	"strings"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

var ticketKey = bytes.Repeat([]byte{0x42}, 32)

// resumeMode is a mode of the playground with its server key and suites.
type resumeMode struct {
	name    string
	keyType string
	suites  []*suites.Suite
}

var resumeModes = []resumeMode{
	{"classic", pki.KeyRSA, []*suites.Suite{suites.RSAWithAES128GCMSHA256}},
	{"ecdhe", pki.KeyRSA, []*suites.Suite{suites.ECDHERSAWithAES128GCMSHA256}},
	{"ecdhe-ecdsa", pki.KeyECDSA, []*suites.Suite{suites.ECDHEECDSAWithChaCha20Poly1305SHA256}},
}

// pairResume runs one connection between the engine's ends: the client
// offering resume (nil: a fresh one) and asking for tickets when tickets.
func pairResume(t *testing.T, m resumeMode, seed string, srvCfg func(*tls12.Config), cliCfg func(*tls12.Config)) (c, srv *tls12.Conn, crec, srec *trace.Recorder) {
	t.Helper()
	s := keySetup(t, m.keyType)
	crec, srec = &trace.Recorder{}, &trace.Recorder{}
	sc := serverConfig(s, seed)
	sc.Suites, sc.Trace = m.suites, srec
	cc := clientConfig(s, seed)
	cc.Suites, cc.Trace = m.suites, crec
	if srvCfg != nil {
		srvCfg(sc)
	}
	if cliCfg != nil {
		cliCfg(cc)
	}
	c, srv = tls12.Client(cc), tls12.Server(sc)
	converse(c, srv, nil)
	return c, srv, crec, srec
}

// names lists the handshake records a side sent.
func sentNames(t *testing.T, rec *trace.Recorder) string {
	t.Helper()
	var out []string
	for _, e := range rec.Events {
		out = append(out, e.Title)
	}
	return strings.Join(out, "\n")
}

// TestResumeRoundTrip: a full handshake, then an abbreviated one by the
// session ID and by the ticket, in each mode: same master secret, new
// randoms and new keys, no certificate, the server's Finished first.
func TestResumeRoundTrip(t *testing.T) {
	for _, m := range resumeModes {
		for _, by := range []string{"session ID", "ticket"} {
			t.Run(m.name+"/"+by, func(t *testing.T) {
				cache := tls12.NewSessionCache()
				srvCfg := func(c *tls12.Config) {
					if by == "session ID" {
						c.SessionCache = cache
					} else {
						c.TicketKey = ticketKey
					}
				}
				tickets := func(c *tls12.Config) { c.SessionTickets = by == "ticket" }
				c1, s1, _, _ := pairResume(t, m, "first "+t.Name(), srvCfg, tickets)
				if !c1.HandshakeComplete() || !s1.HandshakeComplete() || c1.Resumed() {
					t.Fatalf("first: %v / %v, resumed %v", c1.Err(), s1.Err(), c1.Resumed())
				}
				exchange(t, c1, s1)
				sess := c1.Session()
				if by == "ticket" && (len(sess.Ticket) == 0 || !bytes.Equal(sess.Ticket, s1.Ticket())) {
					t.Fatalf("client kept ticket %x, server sent %x", sess.Ticket, s1.Ticket())
				}
				if by == "session ID" && (len(sess.ID) != 32 || cache.Len() != 1) {
					t.Fatalf("session ID %x, cache %d", sess.ID, cache.Len())
				}
				first := c1.Secrets()
				c1.Close()
				s1.Close()

				c2, s2, crec, srec := pairResume(t, m, "second "+t.Name(), srvCfg, func(c *tls12.Config) { tickets(c); c.Resume = sess })
				if c2.Err() != nil || s2.Err() != nil || !c2.HandshakeComplete() || !s2.HandshakeComplete() {
					t.Fatalf("resumption: client %v, server %v", c2.Err(), s2.Err())
				}
				if !c2.Resumed() || !s2.Resumed() || c2.ResumedBy() != by || s2.ResumedBy() != by {
					t.Fatalf("resumed: client %v (%s), server %v (%s)", c2.Resumed(), c2.ResumedBy(), s2.Resumed(), s2.ResumedBy())
				}
				exchange(t, c2, s2)
				second := c2.Secrets()
				if !bytes.Equal(second.Master, first.Master) || !bytes.Equal(s2.Secrets().Master, first.Master) {
					t.Fatal("the resumed connection does not use the first master secret")
				}
				if bytes.Equal(second.ClientRandom, first.ClientRandom) || bytes.Equal(second.Keys.Block, first.Keys.Block) {
					t.Fatal("the resumed connection reuses the randoms or the key block")
				}
				if c2.ECDHE() != nil || len(second.PreMaster) != 0 {
					t.Fatal("an abbreviated handshake made a key exchange")
				}
				if !bytes.Equal(c2.PeerChain()[0], c1.PeerChain()[0]) {
					t.Fatal("the resumed client forgot the server's certificate")
				}
				ss := sentNames(t, srec)
				for _, want := range []string{"Resumes the session by its " + by, "Sends ChangeCipherSpec and its Finished first", "Derives the session keys from the resumed master secret"} {
					if !strings.Contains(ss, want) {
						t.Errorf("server trace lacks %q:\n%s", want, ss)
					}
				}
				for _, bad := range []string{"Sends its Certificate", "ServerKeyExchange", "ServerHelloDone"} {
					if strings.Contains(ss, bad) {
						t.Errorf("the abbreviated handshake's server trace has %q", bad)
					}
				}
				if cs := sentNames(t, crec); !strings.Contains(cs, "The server resumes the session") || strings.Contains(cs, "Verifies the chain") {
					t.Errorf("client trace:\n%s", cs)
				}
				// The trace says what resumption means for secrecy.
				if !traceHas(srec, "exactly as secret as the first") || !traceHas(crec, "exactly as secret as the first") {
					t.Error("the trace does not say the resumed connection is exactly as secret as the first")
				}
				// And a resumed session can be resumed again.
				sess2 := c2.Session()
				if sess2 == nil || !bytes.Equal(sess2.Master, first.Master) {
					t.Fatal("no session after the resumption")
				}
				c3, s3, _, _ := pairResume(t, m, "third "+t.Name(), srvCfg, func(c *tls12.Config) { tickets(c); c.Resume = sess2 })
				if !c3.Resumed() || !s3.Resumed() {
					t.Fatalf("third: %v / %v", c3.Err(), s3.Err())
				}
			})
		}
	}
}

func traceHas(rec *trace.Recorder, s string) bool {
	for _, e := range rec.Events {
		for _, v := range e.Values {
			if strings.Contains(v.Note, s) || strings.Contains(v.Text, s) {
				return true
			}
		}
	}
	return false
}

// TestResumeRecordOrder: the abbreviated handshake's records on the wire,
// in order (RFC 5246, Section 7.3; RFC 5077, Section 3.1).
func TestResumeRecordOrder(t *testing.T) {
	m := resumeModes[1]
	srvCfg := func(c *tls12.Config) { c.TicketKey = ticketKey }
	tickets := func(c *tls12.Config) { c.SessionTickets = true }
	c1, _, _, _ := pairResume(t, m, "order 1", srvCfg, tickets)
	sess := c1.Session()
	s := keySetup(t, m.keyType)
	sc := serverConfig(s, "order 2")
	sc.TicketKey = ticketKey
	cc := clientConfig(s, "order 2")
	cc.SessionTickets, cc.Resume = true, sess
	c, srv := tls12.Client(cc), tls12.Server(sc)
	var order []string
	converse(c, srv, func(from, name string, w []byte) []byte {
		order = append(order, from+":"+name)
		return w
	})
	want := "client:ClientHello server:ServerHello server:NewSessionTicket server:ChangeCipherSpec server:Finished client:ChangeCipherSpec client:Finished"
	if got := strings.Join(order, " "); got != want {
		t.Fatalf("records:\n%s\nwant\n%s", got, want)
	}
	if !c.Resumed() || !bytes.Equal(c.Session().Ticket, srv.Ticket()) || bytes.Equal(srv.Ticket(), sess.Ticket) {
		t.Fatal("the renewed ticket is not the client's new one")
	}
}

// TestResumeFallsBack: an unknown ticket, a ticket under another key, an
// unknown session ID, or a suite no longer offered: a full handshake.
func TestResumeFallsBack(t *testing.T) {
	m := resumeModes[1]
	c1, _, _, _ := pairResume(t, m, "fallback", func(c *tls12.Config) { c.TicketKey = ticketKey; c.SessionCache = tls12.NewSessionCache() }, func(c *tls12.Config) { c.SessionTickets = true })
	sess := c1.Session()
	garbled := *sess
	garbled.Ticket = append([]byte(nil), sess.Ticket...)
	garbled.Ticket[len(garbled.Ticket)-1] ^= 1
	cases := []struct {
		name   string
		srv    func(*tls12.Config)
		resume *tls12.Session
		why    string
	}{
		{"wrong ticket key", func(c *tls12.Config) { c.TicketKey = bytes.Repeat([]byte{7}, 32) }, sess, "names another key"},
		{"changed ticket", func(c *tls12.Config) { c.TicketKey = ticketKey }, &garbled, "does not authenticate"},
		{"no ticket key", func(c *tls12.Config) {}, sess, "no ticket key"},
		{"unknown session ID", func(c *tls12.Config) { c.SessionCache = tls12.NewSessionCache() }, &tls12.Session{ID: sess.ID, Master: sess.Master, Suite: sess.Suite, EMS: true}, "not in the session cache"},
		{"suite gone", func(c *tls12.Config) {
			c.TicketKey = ticketKey
			c.Suites = []*suites.Suite{suites.ECDHERSAWithAES256GCMSHA384}
		}, sess, "must be in the client's list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, srv, _, srec := pairResume(t, m, tc.name, tc.srv, func(c *tls12.Config) {
				c.SessionTickets, c.Resume = true, tc.resume
				c.Suites = append(c.Suites, suites.ECDHERSAWithAES256GCMSHA384)
			})
			if !c.HandshakeComplete() || !srv.HandshakeComplete() {
				t.Fatalf("client %v, server %v", c.Err(), srv.Err())
			}
			if c.Resumed() || srv.Resumed() {
				t.Fatal("resumed")
			}
			if bytes.Equal(c.Secrets().Master, sess.Master) {
				t.Fatal("the full handshake kept the old master secret")
			}
			if !traceHas(srec, tc.why) {
				t.Fatalf("the server's trace does not say %q:\n%s", tc.why, sentNames(t, srec))
			}
			exchange(t, c, srv)
		})
	}
}

// TestResumeEMS: RFC 7627, Section 5.3. A session with the extended master
// secret offered without it: the server aborts. A session without it
// offered with it: a full handshake. A server that resumes with another
// EMS answer than the session had: the client aborts.
func TestResumeEMS(t *testing.T) {
	m := resumeModes[0]
	for _, by := range []string{"session ID", "ticket"} {
		cache := tls12.NewSessionCache()
		srvCfg := func(c *tls12.Config) { c.SessionCache = cache; c.TicketKey = ticketKey }
		offer := func(s *tls12.Session) *tls12.Session {
			if by == "session ID" {
				s.Ticket = nil
			}
			return s
		}
		t.Run(by+"/with EMS, resumed without", func(t *testing.T) {
			c1, _, _, _ := pairResume(t, m, "ems1 "+by, srvCfg, func(c *tls12.Config) { c.SessionTickets = true })
			if !c1.EMS() {
				t.Fatal("no EMS")
			}
			c, srv, _, _ := pairResume(t, m, "ems2 "+by, srvCfg, func(c *tls12.Config) { c.DisableEMS = true; c.Resume = offer(c1.Session()) })
			wantAlert(t, "server", srv.Err(), alert.HandshakeFailure)
			if a, ok := alert.Of(c.Err()); !ok || a != alert.HandshakeFailure {
				t.Fatalf("client: %v", c.Err())
			}
			if !strings.Contains(srv.Err().Error(), "RFC 7627") {
				t.Fatalf("error %q does not cite RFC 7627", srv.Err())
			}
		})
		t.Run(by+"/without EMS, resumed with", func(t *testing.T) {
			c1, _, _, _ := pairResume(t, m, "ems3 "+by, srvCfg, func(c *tls12.Config) { c.SessionTickets = true; c.DisableEMS = true })
			if c1.EMS() {
				t.Fatal("EMS")
			}
			c, srv, _, _ := pairResume(t, m, "ems4 "+by, srvCfg, func(c *tls12.Config) { c.SessionTickets = true; c.Resume = offer(c1.Session()) })
			if !c.HandshakeComplete() || c.Resumed() || srv.Resumed() || !c.EMS() {
				t.Fatalf("want a full handshake with EMS: %v resumed %v ems %v", c.Err(), c.Resumed(), c.EMS())
			}
		})
		t.Run(by+"/neither", func(t *testing.T) {
			noEMS := func(c *tls12.Config) { c.SessionTickets = true; c.DisableEMS = true }
			c1, _, _, _ := pairResume(t, m, "ems5 "+by, srvCfg, noEMS)
			c, srv, _, srec := pairResume(t, m, "ems6 "+by, srvCfg, func(c *tls12.Config) { noEMS(c); c.Resume = offer(c1.Session()) })
			if !c.Resumed() || !srv.Resumed() || !traceHas(srec, "triple handshake") {
				t.Fatalf("legacy resumption: %v %v", c.Err(), srv.Err())
			}
		})
		t.Run(by+"/client checks", func(t *testing.T) {
			c1, _, _, _ := pairResume(t, m, "ems7 "+by, srvCfg, func(c *tls12.Config) { c.SessionTickets = true })
			lie := offer(c1.Session())
			lie.EMS = false // the client remembers no EMS; the server's copy has it
			c, _, _, _ := pairResume(t, m, "ems8 "+by, srvCfg, func(c *tls12.Config) { c.Resume = lie })
			wantAlert(t, "client", c.Err(), alert.HandshakeFailure)
		})
	}
}

// TestResumeErasure: a failed handshake leaves no session; Close leaves
// the session (the point of resumption), and the trace says where.
func TestResumeErasure(t *testing.T) {
	m := resumeModes[1]
	c1, s1, crec, srec := pairResume(t, m, "erase", func(c *tls12.Config) { c.TicketKey = ticketKey }, func(c *tls12.Config) { c.SessionTickets = true })
	sess := c1.Session()
	c1.Close()
	s1.Close()
	if allZero(sess.Master) || allZero(c1.Session().Master) {
		t.Fatal("closing the connection erased the session it can be resumed from")
	}
	if !traceHas(srec, "inside the ticket the client keeps") || !traceHas(crec, "in the client's session store") {
		t.Fatal("the close trace does not say where the session lives on")
	}
	c, _, _, _ := pairResume(t, m, "erase 2", nil, func(c *tls12.Config) { c.Suites = []*suites.Suite{suites.RSAWithAES128GCMSHA256} })
	if c.Err() == nil || c.Session() != nil {
		t.Fatal("a failed handshake has a session")
	}
}

// TestOpenTicket: the ticket key opens a ticket recorded from the wire and
// gives the master secret (what Eve does with a leaked key).
func TestOpenTicket(t *testing.T) {
	c1, _, _, _ := pairResume(t, resumeModes[1], "open", func(c *tls12.Config) { c.TicketKey = ticketKey }, func(c *tls12.Config) { c.SessionTickets = true })
	wireTicket := c1.Ticket()
	st, err := tls12.OpenTicket(ticketKey, wireTicket)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(st.Master, c1.Secrets().Master) || st.Suite != c1.Suite() || !st.EMS {
		t.Fatalf("opened %+v", st)
	}
	if _, err := tls12.OpenTicket(bytes.Repeat([]byte{1}, 32), wireTicket); err == nil {
		t.Fatal("another key opened the ticket")
	}
	if _, err := tls12.OpenTicket(ticketKey[:16], wireTicket); err == nil || !strings.Contains(err.Error(), "32") {
		t.Fatalf("short key: %v", err)
	}
}

// TestNewSessionTicketUnexpected: a NewSessionTicket the client did not
// ask for is unexpected_message.
func TestNewSessionTicketUnexpected(t *testing.T) {
	nst := []byte{handshake.TypeNewSessionTicket, 0, 0, 6, 0, 0, 0, 1, 0, 0}
	c2, srv2, _, _ := pairResume(t, resumeModes[0], "nst", nil, nil)
	srv2.SendHandshakeForTest(nst, "NewSessionTicket")
	for _, o := range srv2.TakeOutput() {
		c2.Receive(o.Wire)
	}
	wantAlert(t, "client", c2.Err(), alert.UnexpectedMessage)
}

// TestCryptoTLSClientResumesAgainstEngineServer: crypto/tls's client with
// a ClientSessionCache resumes by ticket against the engine's server, in
// the classic and ECDHE modes.
func TestCryptoTLSClientResumesAgainstEngineServer(t *testing.T) {
	s := setup(t)
	for _, suite := range []*suites.Suite{suites.RSAWithAES128GCMSHA256, suites.ECDHERSAWithAES128GCMSHA256} {
		t.Run(suite.Name, func(t *testing.T) {
			std := stdConfig(s, suite)
			std.ClientSessionCache = tls.NewLRUClientSessionCache(4)
			cfg := func(seed string) *tls12.Config {
				return &tls12.Config{Rand: rng.New([]byte(seed + t.Name())), Certificates: s.Chain, Key: s.Key, Suites: []*suites.Suite{suite}, TicketKey: ticketKey}
			}
			srv1, st1 := stdClientVsEngineServer(t, std, cfg("1"))
			if st1.DidResume || srv1.Resumed() || len(srv1.Ticket()) == 0 {
				t.Fatalf("first: resumed %v, ticket %x", st1.DidResume, srv1.Ticket())
			}
			srv2, st2 := stdClientVsEngineServer(t, std, cfg("2"))
			if !st2.DidResume || !srv2.Resumed() || srv2.ResumedBy() != "ticket" {
				t.Fatalf("second: crypto/tls resumed %v, engine %v", st2.DidResume, srv2.Resumed())
			}
			if !bytes.Equal(srv2.Secrets().Master, srv1.Secrets().Master) {
				t.Fatal("not the same master secret")
			}
		})
	}
}

// TestEngineClientResumesAgainstCryptoTLS: the engine's client resumes by
// ticket against crypto/tls's server.
func TestEngineClientResumesAgainstCryptoTLS(t *testing.T) {
	s := setup(t)
	for _, suite := range []*suites.Suite{suites.RSAWithAES128GCMSHA256, suites.ECDHERSAWithAES128GCMSHA256} {
		t.Run(suite.Name, func(t *testing.T) {
			std := stdConfig(s, suite)
			cfg := &tls12.Config{Rand: rng.New([]byte("1" + t.Name())), ServerName: s.ServerName, Roots: s.Roots(), Suites: []*suites.Suite{suite}, SessionTickets: true}
			c1, _ := engineClientVsStd(t, cfg, std)
			sess := c1.Session()
			if sess == nil || len(sess.Ticket) == 0 {
				t.Fatalf("crypto/tls sent no ticket: %+v", sess)
			}
			cfg2 := &tls12.Config{Rand: rng.New([]byte("2" + t.Name())), ServerName: s.ServerName, Roots: s.Roots(), Suites: []*suites.Suite{suite}, SessionTickets: true, Resume: sess}
			c2, st := engineClientVsStd(t, cfg2, std)
			if !c2.Resumed() || !st.DidResume {
				t.Fatalf("engine resumed %v, crypto/tls %v", c2.Resumed(), st.DidResume)
			}
		})
	}
}

// TestResumeInvalidatedByFatalAlert: RFC 5246, Section 7.2: a session
// whose connection ends with a fatal alert must not be resumed; the server
// drops it from its cache.
func TestResumeInvalidatedByFatalAlert(t *testing.T) {
	m := resumeModes[0]
	cache := tls12.NewSessionCache()
	c1, s1, _, srec := pairResume(t, m, "invalidate", func(c *tls12.Config) { c.SessionCache = cache }, nil)
	sess := c1.Session()
	if cache.Len() != 1 || sess == nil {
		t.Fatal("no session cached")
	}
	// A record changed on the way: bad_record_mac, fatal.
	c1.Write([]byte("hello"))
	for _, o := range c1.TakeOutput() {
		w := append([]byte(nil), o.Wire...)
		w[len(w)-1] ^= 1
		s1.Receive(w)
	}
	wantAlert(t, "server", s1.Err(), alert.BadRecordMAC)
	if cache.Len() != 0 || s1.Session() != nil {
		t.Fatalf("after the fatal alert the cache holds %d sessions", cache.Len())
	}
	if !strings.Contains(sentNames(t, srec), "Invalidates the session") {
		t.Fatal("the trace does not show the invalidation")
	}
	c, srv, _, _ := pairResume(t, m, "invalidate 2", func(c *tls12.Config) { c.SessionCache = cache }, func(c *tls12.Config) { c.Resume = sess })
	if !c.HandshakeComplete() || c.Resumed() || srv.Resumed() {
		t.Fatalf("the invalidated session resumed: %v", c.Err())
	}
}

// TestResumeTampered: the abbreviated handshake's Finished messages guard
// it like a full one's, and a malformed NewSessionTicket is decode_error.
func TestResumeTampered(t *testing.T) {
	m := resumeModes[1]
	srvCfg := func(c *tls12.Config) { c.TicketKey = ticketKey }
	tickets := func(c *tls12.Config) { c.SessionTickets = true }
	c1, _, _, _ := pairResume(t, m, "tamper", srvCfg, tickets)
	sess := c1.Session()
	run := func(seed string, tamper func(from, name string, w []byte) []byte) (*tls12.Conn, *tls12.Conn) {
		s := keySetup(t, m.keyType)
		sc := serverConfig(s, seed)
		sc.Suites, sc.TicketKey = m.suites, ticketKey
		cc := clientConfig(s, seed)
		cc.Suites, cc.SessionTickets, cc.Resume = m.suites, true, sess
		c, srv := tls12.Client(cc), tls12.Server(sc)
		converse(c, srv, tamper)
		return c, srv
	}
	c, _ := run("tamper server finished", func(from, name string, w []byte) []byte {
		if from == trace.Server && name == "Finished" {
			w[len(w)-1] ^= 1
		}
		return w
	})
	wantAlert(t, "client", c.Err(), alert.BadRecordMAC)
	// The ServerHello's random changed: both sides compute different keys
	// and the client's check of the server's Finished fails.
	c, _ = run("tamper server random", func(from, name string, w []byte) []byte {
		if from == trace.Server && name == "ServerHello" {
			w[5+4+2+3] ^= 1
		}
		return w
	})
	if a, ok := alert.Of(c.Err()); !ok || (a != alert.DecryptError && a != alert.BadRecordMAC) {
		t.Fatalf("changed server random: %v", c.Err())
	}
	c, _ = run("bad ticket message", func(from, name string, w []byte) []byte {
		if from == trace.Server && name == "NewSessionTicket" {
			w[5+4+4] ^= 0x80 // the ticket's length now runs past the message
		}
		return w
	})
	wantAlert(t, "client", c.Err(), alert.DecodeError)
}

// TestResumeOtherServerName: RFC 6066, Section 3: a server must not
// resume a session for another name; it runs a full handshake.
func TestResumeOtherServerName(t *testing.T) {
	m := resumeModes[1]
	for _, by := range []string{"session ID", "ticket"} {
		cache := tls12.NewSessionCache()
		srvCfg := func(c *tls12.Config) { c.SessionCache = cache; c.TicketKey = ticketKey }
		c1, _, _, _ := pairResume(t, m, "sni "+by, srvCfg, func(c *tls12.Config) { c.SessionTickets = true })
		sess := c1.Session()
		if sess.ServerName == "" {
			t.Fatal("the session has no server name")
		}
		if by == "session ID" {
			sess.Ticket = nil
		}
		if st, err := tls12.OpenTicket(ticketKey, c1.Ticket()); err != nil || st.ServerName != sess.ServerName {
			t.Fatalf("ticket: %+v %v", st, err)
		}
		// The client offers the session for another name: the server
		// refuses to resume and starts a full handshake (which this client
		// then ends, the certificate not naming other.test).
		c, srv, _, srec := pairResume(t, m, "sni 2 "+by, srvCfg, func(c *tls12.Config) { c.Resume = sess; c.ServerName = "other.test" })
		if c.Resumed() || srv.Resumed() || !traceHas(srec, "must not resume a session for another name") {
			t.Fatalf("%s: resumed for another name (client %v, server %v)", by, c.Err(), srv.Err())
		}
	}
}
