// Session resumption in TLS 1.2: the server's session cache, named by a
// session ID (RFC 5246, Sections 7.3 and 7.4.1.2), and session tickets,
// the same state sealed by the server under its ticket key and kept by the
// client (RFC 5077). Both end in the abbreviated handshake: ServerHello,
// [NewSessionTicket], ChangeCipherSpec and Finished from the server first,
// then the client's ChangeCipherSpec and Finished; no certificate, no key
// exchange, and the keys come from the master secret of the first
// connection with the two new randoms.

package tls12

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/prf"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// TicketLifetime is how long the engine's server honours a session, from
// a cache or a ticket; it is also the lifetime hint it sends (RFC 5077,
// Section 3.3).
const TicketLifetime = 2 * time.Hour

// Session is what a resumption needs: the master secret, the suite and
// whether it was extended (RFC 7627), with the name the client offers it
// by: a session ID, a ticket, or both. The server's cache holds one per
// session ID; a client keeps the one Conn.Session returns and offers it in
// Config.Resume. Master is as secret as the connection it came from:
// whoever holds it decrypts that connection and every one resumed from it.
type Session struct {
	ID        []byte        // the session ID the server gave (empty: none)
	Ticket    []byte        // the ticket the server sent (client side; empty: none)
	Lifetime  time.Duration // the server's lifetime hint for the ticket
	Master    []byte
	Suite     *suites.Suite
	EMS       bool
	Created   time.Time
	PeerChain [][]byte // client side: the server's certificates, checked in the full handshake
	// ServerName is the SNI of the full handshake: a server must not
	// resume the session for another name (RFC 6066, Section 3).
	ServerName string
}

func (s *Session) clone() *Session {
	if s == nil {
		return nil
	}
	n := *s
	n.ID, n.Ticket, n.Master = cp(s.ID), cp(s.Ticket), cp(s.Master)
	return &n
}

// SessionCache is a server's session cache: session ID → session (RFC
// 5246, Section 7.4.1.2). Safe for use by several connections at once.
type SessionCache struct {
	mu sync.Mutex
	m  map[string]*Session
}

// NewSessionCache returns an empty cache.
func NewSessionCache() *SessionCache { return &SessionCache{m: map[string]*Session{}} }

// Get returns a copy of the session cached under id, or nil.
func (sc *SessionCache) Get(id []byte) *Session {
	if sc == nil || len(id) == 0 {
		return nil
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.m[string(id)].clone()
}

// Put caches a copy of s under s.ID.
func (sc *SessionCache) Put(s *Session) {
	if sc == nil || len(s.ID) == 0 {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.m[string(s.ID)] = s.clone()
}

// Len is how many sessions the cache holds.
func (sc *SessionCache) Len() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return len(sc.m)
}

// Tickets (RFC 5077, Section 4, the recommended format): key_name (16
// bytes) || nonce (12 bytes) || AES-256-GCM(state) with key_name as
// additional data. The state is version (2) || suite (2) || EMS (1) ||
// created, Unix seconds (8) || master secret (48) || server name (1-byte
// length, then the name).
const (
	ticketKeyNameLen = 16
	ticketNonceLen   = 12
	ticketStateLen   = 2 + 2 + 1 + 8 + 48 // without the server name
)

// TicketKeyName is the 16-byte name a ticket starts with, so a server can
// tell which of its keys sealed it: the first 16 bytes of SHA-256 of the key.
func TicketKeyName(key []byte) []byte {
	h := sha256.Sum256(append([]byte("tlsplay ticket key name "), key...))
	return h[:ticketKeyNameLen]
}

func ticketAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("tls: the ticket key is %d bytes; AES-256-GCM needs 32", len(key))
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// TicketState is what a ticket carries once opened.
type TicketState struct {
	KeyName, Nonce, Sealed []byte // the ticket's three parts
	Version                uint16
	Suite                  *suites.Suite
	EMS                    bool
	Created                time.Time
	Master                 []byte
	ServerName             string
}

// SealTicket seals a session under the ticket key, with a nonce from rand.
func SealTicket(key []byte, rand io.Reader, s *Session) ([]byte, error) {
	aead, err := ticketAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(s.Master) != 48 {
		return nil, errors.New("tls: a ticket needs the 48-byte master secret")
	}
	state := make([]byte, 0, ticketStateLen)
	state = binary.BigEndian.AppendUint16(state, record.VersionTLS12)
	state = binary.BigEndian.AppendUint16(state, s.Suite.ID)
	ems := byte(0)
	if s.EMS {
		ems = 1
	}
	state = append(state, ems)
	state = binary.BigEndian.AppendUint64(state, uint64(s.Created.Unix()))
	state = append(state, s.Master...)
	if len(s.ServerName) > 255 {
		return nil, errors.New("tls: the server name is too long for a ticket")
	}
	state = append(append(state, byte(len(s.ServerName))), s.ServerName...)
	name := TicketKeyName(key)
	out := append([]byte(nil), name...)
	nonce := make([]byte, ticketNonceLen)
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	out = aead.Seal(out, nonce, state, name)
	clear(state)
	return out, nil
}

// OpenTicket opens a ticket with a ticket key: what the server does to
// resume, and what anyone who learns the key can do with every ticket
// recorded from the wire (RFC 5077, Section 5.5: the NewSessionTicket is
// sent before ChangeCipherSpec in the full handshake, the ticket in the
// clear in ClientHello).
func OpenTicket(key, ticket []byte) (*TicketState, error) {
	aead, err := ticketAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(ticket) < ticketKeyNameLen+ticketNonceLen+aead.Overhead() {
		return nil, fmt.Errorf("tls: the ticket is %d bytes, too short to be one of this engine's", len(ticket))
	}
	name := ticket[:ticketKeyNameLen]
	if !bytes.Equal(name, TicketKeyName(key)) {
		return nil, errors.New("tls: the ticket names another key: it was not sealed with this ticket key")
	}
	nonce := ticket[ticketKeyNameLen : ticketKeyNameLen+ticketNonceLen]
	sealed := ticket[ticketKeyNameLen+ticketNonceLen:]
	state, err := aead.Open(nil, nonce, sealed, name)
	if err != nil {
		return nil, errors.New("tls: the ticket does not authenticate under this ticket key: it was changed, or sealed with another key")
	}
	if len(state) < ticketStateLen+1 || len(state) != ticketStateLen+1+int(state[ticketStateLen]) {
		return nil, fmt.Errorf("tls: the ticket's state is %d bytes, not the %d and a server name this engine seals", len(state), ticketStateLen)
	}
	ts := &TicketState{KeyName: cp(name), Nonce: cp(nonce), Sealed: cp(sealed),
		Version: binary.BigEndian.Uint16(state), Suite: suites.ByID(binary.BigEndian.Uint16(state[2:])),
		EMS: state[4] == 1, Created: time.Unix(int64(binary.BigEndian.Uint64(state[5:])), 0),
		Master: cp(state[13:ticketStateLen]), ServerName: string(state[ticketStateLen+1:])}
	clear(state)
	if ts.Version != record.VersionTLS12 || ts.Suite == nil || ts.Suite.Version != suites.VersionTLS12 {
		return nil, errors.New("tls: the ticket holds no TLS 1.2 session this engine knows")
	}
	return ts, nil
}

// newSessionTicket is TLS 1.2's NewSessionTicket (RFC 5077, Section 3.3):
// a lifetime hint in seconds and the opaque ticket.
type newSessionTicket struct {
	Raw      []byte
	Lifetime uint32
	Ticket   []byte
}

func (m *newSessionTicket) marshal() []byte {
	var b cryptobyte.Builder
	b.AddUint8(handshake.TypeNewSessionTicket)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint32(m.Lifetime)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Ticket) })
	})
	return b.BytesOrPanic()
}

func unmarshalNewSessionTicket(raw []byte) (*newSessionTicket, error) {
	s := cryptobyte.String(raw)
	var typ uint8
	var body, ticket cryptobyte.String
	m := &newSessionTicket{Raw: raw}
	if !s.ReadUint8(&typ) || typ != handshake.TypeNewSessionTicket || !s.ReadUint24LengthPrefixed(&body) || !s.Empty() ||
		!body.ReadUint32(&m.Lifetime) || !body.ReadUint16LengthPrefixed(&ticket) || !body.Empty() {
		return nil, alert.New(alert.DecodeError, "tls: malformed NewSessionTicket (RFC 5077, Section 3.3)")
	}
	m.Ticket = append([]byte{}, ticket...)
	return m, nil
}

// Resumed reports whether this connection was an abbreviated handshake.
func (c *Conn) Resumed() bool { return c.resumed }

// ResumedBy says how: "session ID", "ticket", or "" for a full handshake.
func (c *Conn) ResumedBy() string { return c.resumedBy }

// Session returns the session this connection can be resumed from, once
// the handshake is complete (nil before, or after a failure): on the
// client, what to put in Config.Resume next time (with the ticket if the
// server sent one); on the server, what it cached or sealed.
func (c *Conn) Session() *Session {
	if !c.HandshakeComplete() || c.session == nil {
		return nil
	}
	return c.session.clone()
}

// Ticket returns the ticket the server sent on this connection (either
// side), or nil.
func (c *Conn) Ticket() []byte { return cp(c.ticket) }

// resumeNote is what the trace says of every resumption: the master secret
// is reused, so the resumed connection is exactly as secret as the first.
const resumeNote = "the master secret of the first connection is reused (RFC 5246, Section 7.3): only the randoms are new. This connection is exactly as secret as the first: whoever learns that master secret, or the ticket key that sealed it (RFC 5077, Section 5), decrypts both; no fresh key exchange, so no new forward secrecy"

// ticketKeyNote is what a ticket means for the server's ticket key.
const ticketKeyNote = "sealed under the server's long-lived ticket key: a recorded ticket plus a later leak of that key gives the master secret, so every connection whose ticket was recorded can be decrypted, the first and every one resumed from it (RFC 5077, Section 5.5); the same weakness as the token key of this page's HTTP server"

// serverResumption is the server's side of resumption: a session offered in
// the ClientHello (by ticket or session ID), and the tickets it issues. Every
// build sets it (resume_server.go) but the page's core engine (build tag
// core), which never configures a ticket key or a session cache: the linker
// then leaves this code out of it. A server configured for resumption in such
// a build fails at ClientHello with errNoServerResumption.
var serverResumption *serverResumer

type serverResumer struct {
	// hello resumes the session the ClientHello offers, if it can: true
	// when it ran the abbreviated handshake (or failed).
	hello func(c *Conn, m *handshake.ClientHello) (bool, error)
	// ticket sends a NewSessionTicket (issuesTicket).
	ticket func(c *Conn) error
}

const errNoServerResumption = "tls: this server is configured for resumption (a ticket key or a session cache), but this build of the engine (the page's core) has none: resumption is in the lab build"

// resumeFromHello is serverResumer.hello: serverResume, then the abbreviated
// handshake if it found a session.
func (c *Conn) resumeFromHello(m *handshake.ClientHello) (bool, error) {
	s, err := c.serverResume(m)
	if err != nil {
		c.FailAt(StepHello)
		return true, err
	}
	if s == nil {
		return false, nil
	}
	return true, c.resumeServer(s)
}

// serverResume is the server's decision on a ClientHello (RFC 5246,
// Section 7.4.1.2; RFC 5077, Section 3.1; RFC 7627, Section 5.3): it
// returns the session to resume, or nil for a full handshake, or an error
// when the handshake must be aborted.
func (c *Conn) serverResume(m *handshake.ClientHello) (*Session, error) {
	ticket, offersTicket := handshake.Find(m.Extensions, handshake.ExtSessionTicket)
	c.clientWantsTicket = offersTicket
	var s *Session
	var by string
	var checks []trace.Value
	switch {
	case offersTicket && len(ticket) > 0 && c.cfg.TicketKey != nil:
		ts, err := OpenTicket(c.cfg.TicketKey, ticket)
		checks = append(checks, trace.Hex("Ticket offered", ticket, "key name (16) + nonce (12) + AES-256-GCM of the session state + tag (16)"))
		if err != nil {
			checks = append(checks, trace.Check("Ticket opens", false, err.Error()+": full handshake instead (RFC 5077, Section 3.4)"))
			break
		}
		s = &Session{ID: cp(m.SessionID), Master: ts.Master, Suite: ts.Suite, EMS: ts.EMS, Created: ts.Created, ServerName: ts.ServerName}
		by = "ticket"
		checks = append(checks, trace.Check("Ticket opens", true, "it authenticates under this server's ticket key"),
			trace.Secret("Master secret inside", ts.Master, "the first connection's master secret"))
	case offersTicket && len(ticket) > 0:
		checks = append(checks, trace.Text("Ticket offered", "ignored", "this server has no ticket key: full handshake"))
	}
	if s == nil && len(m.SessionID) > 0 && c.cfg.SessionCache != nil {
		if cached := c.cfg.SessionCache.Get(m.SessionID); cached != nil {
			s, by = cached, "session ID"
			checks = append(checks, trace.Hex("Session ID offered", m.SessionID, "found in the server's session cache"),
				trace.Secret("Cached master secret", s.Master, "the first connection's master secret"))
		} else {
			checks = append(checks, trace.Hex("Session ID offered", m.SessionID, "not in the session cache: full handshake"))
		}
	}
	if s == nil {
		if len(checks) > 0 {
			c.cfg.Trace.Add(StepHello, c.Actor(), "Cannot resume: falls back to a full handshake", checks...)
		}
		return nil, nil
	}
	_, clientEMS := handshake.Find(m.Extensions, handshake.ExtExtendedMasterSecret)
	clientEMS = clientEMS && !c.cfg.DisableEMS
	fresh := c.cfg.now().Sub(s.Created) <= TicketLifetime
	suiteOK := containsUint16(m.CipherSuites, s.Suite.ID) && containsSuite(c.cfg.suites(), s.Suite)
	sni := clientServerName(m)
	sameName := sni == s.ServerName
	checks = append(checks,
		trace.Check("Still valid", fresh, fmt.Sprintf("created %s; this server honours sessions for %s", s.Created.UTC().Format(time.RFC3339), TicketLifetime)),
		trace.Check("Suite still offered", suiteOK, s.Suite.Name+" must be in the client's list and enabled here (RFC 5246, Section 7.4.1.2)"),
		trace.Check("Same server name", sameName, fmt.Sprintf("the session was made for %q, this ClientHello asks for %q: a server must not resume a session for another name (RFC 6066, Section 3)", s.ServerName, sni)))
	switch {
	case !fresh || !suiteOK || !sameName:
		c.cfg.Trace.Add(StepHello, c.Actor(), "Cannot resume: falls back to a full handshake", checks...)
		return nil, nil
	case s.EMS && !clientEMS:
		checks = append(checks, trace.Check("Extended master secret", false, "the session used it and this ClientHello does not: RFC 7627, Section 5.3 says abort"))
		c.cfg.Trace.Add(StepHello, c.Actor(), "Refuses to resume a session without the extended master secret it had", checks...)
		return nil, alert.New(alert.HandshakeFailure, "tls: the client offers a session made with the extended master secret in a ClientHello without it: aborted, as RFC 7627 Section 5.3 requires (offer extended_master_secret when resuming)")
	case !s.EMS && clientEMS:
		checks = append(checks, trace.Check("Extended master secret", false, "the session was made without it and this ClientHello has it: no abbreviated handshake, a full one instead (RFC 7627, Section 5.3)"))
		c.cfg.Trace.Add(StepHello, c.Actor(), "Cannot resume a session without the extended master secret: falls back to a full handshake", checks...)
		return nil, nil
	case !s.EMS:
		checks = append(checks, trace.Check("Extended master secret", false, "neither the session nor this ClientHello has it; RFC 7627, Section 5.3 says the server SHOULD abort, and this one resumes anyway as legacy servers do: the resumed connection is open to the triple handshake attack"))
	default:
		checks = append(checks, trace.Check("Extended master secret", true, "the session had it and the ClientHello offers it (RFC 7627, Section 5.3)"))
	}
	c.resumedBy = by
	c.cfg.Trace.Add(StepHello, c.Actor(), "Resumes the session by its "+by+": abbreviated handshake", append(checks,
		trace.Text("Skipped", "Certificate, ServerKeyExchange, ServerHelloDone, ClientKeyExchange", "no certificate is sent or checked and no new key exchange is made (RFC 5246, Section 7.3)"),
		trace.Text("What it means", "same master secret", resumeNote))...)
	return s, nil
}

func containsSuite(list []*suites.Suite, s *suites.Suite) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// newSessionID names a new session in the server's cache: SHA-256 of the
// server random, unique per connection and taken from no new randomness
// (so the server draws the same random values, in the same order, with or
// without a cache). It is no secret: it travels in the clear.
func newSessionID(serverRandom []byte) []byte {
	h := sha256.Sum256(append([]byte("tlsplay session id "), serverRandom...))
	return h[:]
}

// resumeServer runs the server's abbreviated handshake after ClientHello:
// ServerHello echoing the session ID, a NewSessionTicket if the client
// offered the extension and this server has a ticket key, then
// ChangeCipherSpec and Finished; it waits for the client's.
func (c *Conn) resumeServer(s *Session) error {
	c.resumed = true
	c.suite, c.ems = s.Suite, s.EMS
	c.sec.Master = cp(s.Master)
	c.session = s
	c.session.ID = cp(c.hello.SessionID)
	if err := c.sendServerHello(); err != nil {
		return err
	}
	c.deriveResumedKeys(StepEstablish)
	if err := c.activateKeys(); err != nil {
		return err
	}
	if c.issuesTicket() {
		if err := c.sendNewSessionTicket(); err != nil {
			return err
		}
	}
	th := c.TranscriptHash()
	vd := c.finishedFor(true, th)
	ccs := c.sendChangeCipherSpec(StepEstablish)
	fin := &handshake.Finished{VerifyData: vd}
	fin.Raw = fin.Marshal()
	wire := c.SendHandshake(fin.Raw, "Finished", StepEstablish)
	c.state = stateWaitChangeCipherSpec
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Sends ChangeCipherSpec and its Finished first: in an abbreviated handshake the server finishes first",
		trace.Frozen("ChangeCipherSpec record", ccs, ""),
		trace.Hex("Transcript hash", th, c.suite.HashName()+" of ClientHello and ServerHello (and NewSessionTicket): all there is"),
		trace.Hex("Server verify_data", vd, "PRF(master, \"server finished\", transcript hash), 12 bytes: proves the server holds the session's master secret"),
		trace.Hex("Finished record on the wire", wire, "encrypted with server_write_key"))
	return nil
}

// finishedFor computes verify_data for the server (or the client).
func (c *Conn) finishedFor(server bool, th []byte) []byte {
	label := prf.LabelClientFinished
	if server {
		label = prf.LabelServerFinished
	}
	return prf.Finished(c.suite.Hash, c.sec.Master, label, th)
}

// issuesTicket: the client offered session_ticket and this server has a
// ticket key (RFC 5077, Section 3.2).
func (c *Conn) issuesTicket() bool {
	return !c.IsClient() && c.clientWantsTicket && c.cfg.TicketKey != nil
}

// sendNewSessionTicket seals the session under the ticket key and sends it
// (RFC 5077, Section 3.3), before the server's ChangeCipherSpec: in the
// clear, like every message before it.
func (c *Conn) sendNewSessionTicket() error {
	s := &Session{Master: c.sec.Master, Suite: c.suite, EMS: c.ems, Created: c.cfg.now(), ServerName: clientServerName(c.hello)}
	if c.session != nil && c.resumed {
		s.Created = c.session.Created // a renewed ticket does not extend the session
	}
	ticket, err := SealTicket(c.cfg.TicketKey, c.cfg.Rand, s)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot seal the session ticket", err)
	}
	c.ticket = ticket
	m := &newSessionTicket{Lifetime: uint32(TicketLifetime / time.Second), Ticket: ticket}
	m.Raw = m.marshal()
	wire := c.SendHandshake(m.Raw, "NewSessionTicket", StepEstablish)
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Seals the session into a ticket and sends NewSessionTicket",
		trace.Secret("Ticket key", c.cfg.TicketKey, "the server's own AES-256-GCM key, the same for every ticket it issues; it keeps no state per client"),
		trace.Hex("Key name", ticket[:ticketKeyNameLen], "tells the server which of its keys sealed the ticket (RFC 5077, Section 4)"),
		trace.Hex("Nonce", ticket[ticketKeyNameLen:ticketKeyNameLen+ticketNonceLen], "12 fresh random bytes"),
		trace.Secret("Master secret sealed inside", s.Master, "with the version, suite "+c.suite.Name+", extended master secret "+fmt.Sprint(c.ems)+" and the creation time: AES-256-GCM under the ticket key, the key name as additional data"),
		trace.Hex("Ticket", ticket, "opaque to the client: it stores it and sends it back in its next ClientHello"),
		trace.Text("Lifetime hint", fmt.Sprintf("%d seconds", m.Lifetime), "how long the client may keep it"),
		trace.Text("What a leak of the ticket key means", "every recorded ticket opens", ticketKeyNote),
		trace.Frozen("Record on the wire", wire, "sent before ChangeCipherSpec: in the clear, an eavesdropper records the ticket"))
	return nil
}

// deriveResumedKeys is the abbreviated handshake's key schedule: the
// cached master secret, and a key block from it and the two new randoms
// (RFC 5246, Sections 6.3 and 7.3).
func (c *Conn) deriveResumedKeys(step int) {
	s := c.suite
	c.sec.Keys = prf.KeyBlock(s.Hash, c.sec.Master, c.sec.ClientRandom, c.sec.ServerRandom, s.KeyLen, s.FixedIVLen)
	k := c.sec.Keys
	c.cfg.Trace.Add(step, c.Actor(), "Derives the session keys from the resumed master secret and the new randoms ("+s.HashName()+")",
		trace.Secret("Master secret", c.sec.Master, "not derived again: the first connection's, from the "+c.resumedBy),
		trace.Hex("Client random", c.sec.ClientRandom, "new in this connection"),
		trace.Hex("Server random", c.sec.ServerRandom, "new in this connection"),
		trace.Secret("Key block", k.Block, fmt.Sprintf("PRF(master, \"key expansion\", server random + client random), %d bytes: new keys, because the randoms are new", len(k.Block))),
		trace.Secret("client_write_key", k.ClientWriteKey, s.Cipher+" key for records from the client"),
		trace.Secret("server_write_key", k.ServerWriteKey, s.Cipher+" key for records from the server"),
		trace.Secret("client_write_IV", k.ClientWriteIV, ivNote(s)+" the client's records"),
		trace.Secret("server_write_IV", k.ServerWriteIV, ivNote(s)+" the server's records"),
		trace.Text("Secrecy", "as secret as the first connection", resumeNote))
}

// serverSessionDone records the session once the full handshake is
// complete: in the cache under its ID.
func (c *Conn) serverSessionDone() {
	if c.resumed {
		return
	}
	s := &Session{ID: c.sessionID, Master: cp(c.sec.Master), Suite: c.suite, EMS: c.ems, Created: c.cfg.now(), ServerName: clientServerName(c.hello)}
	c.session = s
	if c.cfg.SessionCache != nil && len(c.sessionID) > 0 {
		c.cfg.SessionCache.Put(s)
		c.cfg.Trace.Add(StepEstablish, c.Actor(), "Stores the session in its session cache",
			trace.Hex("Session ID", c.sessionID, "the name the client can offer next time"),
			trace.Secret("Cached master secret", c.sec.Master, "kept after this connection's keys are discarded, until the session expires ("+TicketLifetime.String()+")"),
			trace.Text("What it means", "the master secret outlives the connection", "until the cache forgets it, a thief of the server's memory decrypts this recorded connection"))
	}
}

// clientHelloResume adds to a ClientHello what a client offers to resume
// (RFC 5246, Section 7.4.1.2; RFC 5077, Section 3.1): the session ID, the
// session_ticket extension (empty asks for a ticket; with a ticket, offers
// it). With a ticket the client sends a fresh session ID so that the
// server's echo shows the ticket was accepted (RFC 5077, Section 3.4).
func (c *Conn) clientHelloResume(m *handshake.ClientHello) ([]handshake.Extension, []trace.Value, error) {
	var exts []handshake.Extension
	var vals []trace.Value
	r := c.cfg.Resume
	switch {
	case r != nil && len(r.Ticket) > 0:
		m.SessionID = make([]byte, 32)
		if _, err := io.ReadFull(c.cfg.Rand, m.SessionID); err != nil {
			return nil, nil, alert.Wrap(alert.InternalError, "tls: no randomness for the session ID", err)
		}
		exts = append(exts, handshake.Extension{Type: handshake.ExtSessionTicket, Data: r.Ticket})
		vals = append(vals, trace.Hex("Ticket offered", r.Ticket, "the server's sealed copy of the session, sent back in the clear"),
			trace.Hex("Session ID", m.SessionID, "fresh random bytes: the server echoes them if it accepts the ticket (RFC 5077, Section 3.4)"))
	case r != nil && len(r.ID) > 0:
		m.SessionID = cp(r.ID)
		vals = append(vals, trace.Hex("Session ID", m.SessionID, "the previous session's ID: the server looks it up in its cache"))
	}
	if r != nil {
		vals = append(vals, trace.Text("Resumes", r.Suite.Name, "the client offers to reuse the previous session's master secret"))
	}
	if c.cfg.SessionTickets && (r == nil || len(r.Ticket) == 0) {
		exts = append(exts, handshake.Extension{Type: handshake.ExtSessionTicket})
		vals = append(vals, trace.Text("session_ticket", "empty", "asks the server for a ticket (RFC 5077, Section 3.2)"))
	}
	if r != nil && !containsSuite(c.cfg.suites(), r.Suite) {
		return nil, nil, alert.New(alert.InternalError, "tls: the session to resume uses "+r.Suite.Name+", which this client does not enable")
	}
	return exts, vals, nil
}

// clientServerHelloResume handles a ServerHello for a client that offered
// a session: it returns true if the server resumed. A resumption must keep
// the session's suite and its extended master secret (RFC 5246, Section
// 7.4.1.3; RFC 7627, Section 5.3).
func (c *Conn) clientServerHelloResume(m *handshake.ServerHello, suite *suites.Suite) (bool, error) {
	r := c.cfg.Resume
	if r == nil || len(c.hello.SessionID) == 0 || !bytes.Equal(m.SessionID, c.hello.SessionID) {
		if r != nil {
			c.cfg.Trace.Add(StepCertificate, c.Actor(), "The server does not resume: a full handshake follows",
				trace.Hex("Session ID offered", c.hello.SessionID, ""),
				trace.Hex("Session ID received", m.SessionID, "a different one (or none): the server starts a new session"))
		}
		return false, nil
	}
	if suite != r.Suite {
		return false, alert.New(alert.IllegalParameter, "tls: the server resumed the session with "+suite.Name+", not its suite "+r.Suite.Name+" (RFC 5246, Section 7.4.1.3)")
	}
	if r.EMS != c.ems {
		return false, alert.New(alert.HandshakeFailure, fmt.Sprintf("tls: the server resumed a session made with extended master secret %v and answered with it %v: RFC 7627, Section 5.3 says abort", r.EMS, c.ems))
	}
	by := "session ID"
	if len(r.Ticket) > 0 {
		by = "ticket"
	}
	c.resumed, c.resumedBy = true, by
	c.sec.Master = cp(r.Master)
	c.session = r.clone()
	c.peerChain = r.PeerChain
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "The server resumes the session: abbreviated handshake",
		trace.Hex("Session ID", m.SessionID, "echoed: the server accepted the "+by),
		trace.Check("Same suite", true, suite.Name),
		trace.Check("Extended master secret", true, fmt.Sprintf("%v, as in the session (RFC 7627, Section 5.3)", c.ems)),
		trace.Text("Skipped", "Certificate, ServerKeyExchange, ServerHelloDone, ClientKeyExchange", "the certificate was checked in the first connection; no key exchange (RFC 5246, Section 7.3)"),
		trace.Text("What it means", "same master secret", resumeNote))
	c.deriveResumedKeys(StepEstablish)
	if err := c.activateKeys(); err != nil {
		return false, err
	}
	return true, nil
}

// readNewSessionTicket is the client's: it keeps the ticket for the next
// connection (RFC 5077, Section 3.3).
func (c *Conn) readNewSessionTicket(raw []byte) error {
	m, err := unmarshalNewSessionTicket(raw)
	if err != nil {
		return err
	}
	c.AddTranscript(raw)
	c.ticket = m.Ticket
	c.ticketLifetime = time.Duration(m.Lifetime) * time.Second
	c.state = stateWaitChangeCipherSpec
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Receives NewSessionTicket and keeps the ticket",
		trace.Hex("Ticket", m.Ticket, "opaque to the client: only the server's ticket key opens it"),
		trace.Text("Lifetime hint", fmt.Sprintf("%d seconds", m.Lifetime), ""),
		trace.Text("Ticket key", "the server's", ticketKeyNote))
	return nil
}

// clientSessionDone records the session the client can offer next time.
func (c *Conn) clientSessionDone() {
	if c.resumed {
		if len(c.ticket) > 0 {
			c.session.Ticket, c.session.Lifetime = cp(c.ticket), c.ticketLifetime
		}
		return
	}
	c.session = &Session{ID: cp(c.serverSessionID), Ticket: cp(c.ticket), Lifetime: c.ticketLifetime,
		Master: cp(c.sec.Master), Suite: c.suite, EMS: c.ems, Created: c.cfg.now(), PeerChain: c.peerChain, ServerName: clientServerName(c.hello)}
}

// Delete removes the session cached under id.
func (sc *SessionCache) Delete(id []byte) {
	if sc == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if s, ok := sc.m[string(id)]; ok {
		clear(s.Master)
		delete(sc.m, string(id))
	}
}

// invalidateSession forgets the session after a fatal alert: "the session
// identifier MUST be invalidated, preventing the failed session from being
// used to establish new connections" (RFC 5246, Section 7.2). The server
// drops it from its cache; a ticket already sent cannot be called back,
// which is one more difference between the two (RFC 5077, Section 5.6
// leaves revocation to the ticket's lifetime).
func (c *Conn) invalidateSession() {
	if c.session == nil {
		return
	}
	var what []string
	if !c.IsClient() && c.cfg.SessionCache != nil && len(c.session.ID) > 0 && c.cfg.SessionCache.Get(c.session.ID) != nil {
		c.cfg.SessionCache.Delete(c.session.ID)
		what = append(what, "removed from the session cache")
	}
	clear(c.session.Master)
	c.session = nil
	if c.HandshakeComplete() || len(what) > 0 {
		vals := []trace.Value{trace.Text("Session", "invalidated", "RFC 5246, Section 7.2: a session ended by a fatal alert must not be resumed")}
		if len(what) > 0 {
			vals = append(vals, trace.List("Done", what, ""))
		}
		if len(c.ticket) > 0 {
			vals = append(vals, trace.Text("Ticket", "still valid until it expires", "a ticket the client holds cannot be called back: the server keeps no list of them"))
		}
		c.cfg.Trace.Add(c.CurrentStep(), c.Actor(), "Invalidates the session after the fatal alert", vals...)
	}
}

// sessionKept says, when the connection closes, where its master secret
// lives on for resumption: discarding the connection's keys does not
// discard the session.
func (c *Conn) sessionKept() (trace.Value, bool) {
	var where string
	switch {
	case !c.IsClient() && len(c.ticket) > 0 && c.cfg.SessionCache != nil && len(c.sessionID) > 0:
		where = "in the server's session cache and, sealed under the ticket key, in the client's ticket"
	case !c.IsClient() && len(c.ticket) > 0:
		where = "sealed under the server's ticket key, inside the ticket the client keeps"
	case !c.IsClient() && c.cfg.SessionCache != nil && len(c.sessionID) > 0:
		where = "in the server's session cache, under the session ID"
	case c.IsClient() && c.session != nil && (len(c.session.ID) > 0 || len(c.session.Ticket) > 0):
		where = "in the client's session store, to resume with next time"
	default:
		return trace.Value{}, false
	}
	return trace.Text("The session survives", "the master secret is kept "+where,
		"until the session expires the connection is only as forward secret as that copy: with it (or with the ticket key) a recording of this connection and of every resumed one decrypts (RFC 5077, Section 5.5; RFC 8446, Section E.5 for TLS 1.3's tickets)"), true
}

// Config returns the configuration the connection was made with (the same
// pointer): a second connection resuming this one starts from a copy.
func (c *Conn) Config() *Config { return c.cfg }

// clientServerName is the name a ClientHello asks for in server_name, or "".
func clientServerName(m *handshake.ClientHello) string {
	if m == nil {
		return ""
	}
	if d, ok := handshake.Find(m.Extensions, handshake.ExtServerName); ok {
		if n, ok := handshake.ParseServerName(d); ok {
			return n
		}
	}
	return ""
}
