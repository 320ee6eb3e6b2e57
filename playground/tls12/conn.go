// Package tls12 is the engine's TLS 1.2 client and server (RFC 5246), with
// two key exchanges: RSA key transport, the classic handshake, and
// ephemeral elliptic-curve Diffie-Hellman signed with the certificate's key
// (ECDHE_RSA and ECDHE_ECDSA, RFC 8422), the common TLS 1.2 deployment. A
// Conn is sans-I/O: it is fed
// the bytes that arrive (Receive) and hands over the records to send
// (TakeOutput), so that the same code runs over a TCP socket, inside a page
// that plays both ends, or behind an HTTP handler. Every step records what
// it did in a trace.Recorder.
package tls12

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/prf"
	"tlsplayground/playground/record"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// Teaching steps, as the seven-step articles number them.
const (
	StepHello       = 1 // the client contacts the server
	StepCertificate = 2 // the server sends its certificate and public key
	StepVerify      = 3 // the client checks the certificate against its trusted roots
	StepNegotiate   = 4 // the server picks a common cipher suite by its rule (suites.Order)
	StepKeyExchange = 5 // RSA: the client encrypts the pre-master secret with the server's public key; ECDHE: both send ephemeral public keys, the server's signed
	StepEstablish   = 6 // RSA: the server decrypts it; both derive keys and verify Finished
	StepApplication = 7 // application data under symmetric encryption; keys discarded at the end
)

// maxHandshakeMessage bounds a single handshake message; a chain of a few
// 4096-bit certificates fits easily.
const maxHandshakeMessage = 1 << 16

// Config holds what an endpoint is given. Rand and Time are injected so that a
// session can be replayed.
type Config struct {
	Rand io.Reader        // required
	Time func() time.Time // nil means time.Now

	// Suites enabled on this side (TLS 1.2 ones; others are ignored). nil
	// means every TLS 1.2 suite the engine has: the client offers them all,
	// the server enables those its key can serve. The client offers them in
	// this order; the server picks one it can use by SuiteOrder.
	Suites []*suites.Suite
	// DisableEMS turns off the extended master secret (RFC 7627).
	DisableEMS bool
	// PaddingOracle makes the server DELIBERATELY VULNERABLE, for the page's
	// Bleichenbacher demonstration only: it checks the PKCS#1 v1.5 padding
	// of the ClientKeyExchange in the open and answers a bad padding with
	// its own alert, telling an attacker one bit about any ciphertext.
	PaddingOracle bool
	// DowngradeSentinel: this server also speaks TLS 1.3, so when it settles
	// for TLS 1.2 it marks its random (RFC 8446, Section 4.1.3).
	DowngradeSentinel bool
	// OfferedTLS13: this client offered TLS 1.3 too, so it checks the
	// server's random for the downgrade sentinel.
	OfferedTLS13 bool
	// SuiteOrder is the server's rule for picking a suite: its own order
	// of preference, Suites (suites.ServerOrder, the default), or the
	// client's order (suites.ClientOrder).
	SuiteOrder suites.Order
	// Groups for ECDHE, in order of preference; nil means DefaultGroups.
	// KEM groups (X25519MLKEM768) exist only in TLS 1.3 and are skipped.
	Groups []*kx.Group
	// SignatureSchemes for the ServerKeyExchange signature, in order of
	// preference: those the client offers in signature_algorithms, those
	// the server may sign with. nil means sigscheme.All.
	SignatureSchemes []*sigscheme.Scheme

	// Client side.
	ServerName string         // sent in SNI and checked against the certificate
	Roots      *x509.CertPool // the client's trust store
	// WebPKI makes the client check, as a browser does, beyond path
	// validation (pki.CheckWebPKI): it asks for a stapled OCSP response
	// (status_request, RFC 6066, Section 8) and refuses a revoked
	// certificate or an unsatisfactory response, and it requires SCTs
	// (RFC 6962) unless LocalRoot. Without a staple it goes on (soft-fail).
	WebPKI bool
	// LocalRoot says that Roots was added by the user or an administrator
	// (not a root program's): such chains need no SCTs.
	LocalRoot bool

	// Server side.
	Certificates [][]byte        // chain, leaf first
	Key          *rsa.PrivateKey // the certificate's key when Signer is nil (RSA only)
	// OCSPStaple is the OCSP response (DER, RFC 6960) for the leaf, signed
	// by its issuer, sent in a CertificateStatus to a client that asks
	// with status_request (RFC 6066, Section 8); nil staples nothing.
	OCSPStaple []byte
	// Signer is the certificate's private key: an *rsa.PrivateKey (RSA key
	// transport decrypts with it, ECDHE_RSA signs with it), a P-256
	// *ecdsa.PrivateKey or an ed25519.PrivateKey (ECDHE_ECDSA, RFC 8422,
	// Section 2). nil means Key.
	Signer crypto.Signer

	// Resumption (RFC 5246, Section 7.3; RFC 5077). Client side: Resume
	// is a session from an earlier connection (Conn.Session) to offer, by
	// its ticket if it has one, else by its session ID; SessionTickets
	// asks the server for a ticket (an empty session_ticket extension).
	// Server side: SessionCache keeps sessions under the session ID the
	// server gives each full handshake; TicketKey (32 bytes, AES-256-GCM)
	// seals the session into a ticket for a client that asks. The ticket
	// key is long-lived: whoever learns it opens every recorded ticket.
	Resume         *Session
	SessionTickets bool
	SessionCache   *SessionCache
	TicketKey      []byte

	// Trace receives every step; nil records nothing.
	Trace *trace.Recorder
}

func (c *Config) now() time.Time {
	if c.Time != nil {
		return c.Time()
	}
	return time.Now()
}

// DefaultGroups are the ECDHE groups used when Config.Groups is nil.
var DefaultGroups = []*kx.Group{kx.X25519, kx.P256}

// suites returns the TLS 1.2 suites enabled on this side, in order.
func (c *Config) suites() []*suites.Suite {
	list := c.Suites
	if len(list) == 0 {
		list = suites.ForVersion(suites.VersionTLS12)
	}
	out := make([]*suites.Suite, 0, len(list))
	for _, s := range list {
		if s.Version == suites.VersionTLS12 {
			out = append(out, s)
		}
	}
	return out
}

// groups returns the ECDHE groups, without the TLS 1.3-only KEM groups.
func (c *Config) groups() []*kx.Group {
	list := c.Groups
	if len(list) == 0 {
		list = DefaultGroups
	}
	out := make([]*kx.Group, 0, len(list))
	for _, g := range list {
		if !g.KEM {
			out = append(out, g)
		}
	}
	return out
}

func (c *Config) schemes() []*sigscheme.Scheme {
	if len(c.SignatureSchemes) > 0 {
		return c.SignatureSchemes
	}
	return sigscheme.All
}

// signer returns the server's signing key: Signer, else Key, else nil.
func (c *Config) signer() crypto.Signer {
	if c.Signer != nil {
		return c.Signer
	}
	if c.Key != nil {
		return c.Key
	}
	return nil
}

// rsaKey returns the certificate's key when it is RSA, for key transport,
// or nil.
func (c *Config) rsaKey() *rsa.PrivateKey {
	k, _ := c.signer().(*rsa.PrivateKey)
	return k
}

// Secrets are the values both sides should agree on, exposed for the trace,
// the key log and the session export.
type Secrets struct {
	ClientRandom, ServerRandom []byte
	PreMaster                  []byte
	Master                     []byte
	SessionHash                []byte // EMS only
	Keys                       prf.Keys
}

type state int

const (
	stateStart state = iota
	stateWaitServerHello
	stateWaitCertificate
	stateWaitServerKeyExchange
	stateWaitServerHelloDone
	stateWaitClientHello
	stateWaitClientKeyExchange
	stateWaitNewSessionTicket
	stateWaitChangeCipherSpec
	stateWaitFinished
	stateEstablished
	stateClosed
	stateFailed
)

// Conn is one endpoint of a TLS 1.2 connection.
type Conn struct {
	cfg      *Config
	isClient bool
	actor    string
	state    state

	inBuf   []byte // received bytes not yet a whole record
	hsBuf   []byte // handshake bytes not yet a whole message
	out     []record.Out
	in      *record.Protector // nil until the peer's ChangeCipherSpec
	write   *record.Protector // nil until our ChangeCipherSpec
	nextIn  *record.Protector // keys waiting for the peer's ChangeCipherSpec
	nextOut *record.Protector // keys waiting for our ChangeCipherSpec

	transcript []byte // every handshake message so far, as sent
	suite      *suites.Suite
	ems        bool
	sec        Secrets
	clientVers uint16 // ClientHello.client_version, for the pre-master check

	hello     *handshake.ClientHello
	peerChain [][]byte
	peerKey   crypto.PublicKey // the leaf's key (client side)
	offered   []uint16
	choice    suites.Choice
	certOnly  []uint16 // curves the client listed in supported_groups for ECDSA certificates only

	// ECDHE (RFC 8422): the group and signature scheme agreed, this side's
	// ephemeral key, and what the page shows of the exchange.
	group  *kx.Group
	scheme *sigscheme.Scheme
	eph    *kx.Private
	kex    *ECDHE

	// shownPreMaster is the pre-master secret as the page shows it: a
	// teaching copy, kept until the keys are discarded, which a real
	// implementation would not keep. sec.PreMaster itself is zeroed as
	// soon as the master secret is derived.
	shownPreMaster []byte
	erasures       []Erasure
	beforeErase    func() // tests only (export_test.go)

	// certReq is the server's CertificateRequest (RFC 5246, Section
	// 7.4.4), or nil; the client answers it with an empty Certificate.
	certReq *handshake.CertificateRequest12

	// Resumption: whether this connection resumed and by what, the
	// session it can be resumed from, the ticket sent or received, the
	// session IDs, and whether a NewSessionTicket is due.
	resumed           bool
	resumedBy         string
	session           *Session
	ticket            []byte
	ticketLifetime    time.Duration
	clientWantsTicket bool   // server: the ClientHello has session_ticket
	sessionID         []byte // server: the ID given to a new session
	serverSessionID   []byte // client: the ServerHello's session ID
	expectTicket      bool   // client: the ServerHello has session_ticket

	// OCSP stapling (RFC 6066, Section 8), see ocsp.go.
	wantsStatus  bool                // server: the ClientHello asks for an OCSP response
	expectStatus bool                // client: the ServerHello answered status_request
	awaitStatus  bool                // client: the next message may be CertificateStatus
	verifiedPath []*x509.Certificate // client: the path validation found, for the WebPKI checks
	staple       []byte              // client: the OCSP response received

	failStep   int          // the teaching step a failure belongs to, when the state does not tell
	ignored    int          // records in a row that carried nothing to act on (see ignore)
	appData    [][]byte     // application data received and not yet taken
	received   []record.Out // every record received, named, in order
	peerClosed bool
	err        error
}

// Client returns the client end of a connection. Call Start to send the
// ClientHello.
func Client(cfg *Config) *Conn {
	return &Conn{cfg: cfg, isClient: true, actor: trace.Client, state: stateStart}
}

// ClientAfterHello continues as a TLS 1.2 client after a ClientHello that
// another client (one that offered TLS 1.3 as well) already sent: the
// server answered with TLS 1.2.
func ClientAfterHello(cfg *Config, clientHello []byte) (*Conn, error) {
	m, err := handshake.UnmarshalClientHello(clientHello)
	if err != nil {
		return nil, err
	}
	c := Client(cfg)
	c.hello = m
	c.clientVers = m.Version
	c.sec.ClientRandom = m.Random
	c.transcript = append([]byte(nil), clientHello...)
	c.state = stateWaitServerHello
	return c, nil
}

// Server returns the server end of a connection, waiting for a ClientHello.
func Server(cfg *Config) *Conn {
	return &Conn{cfg: cfg, actor: trace.Server, state: stateWaitClientHello}
}

// IsClient reports whether this is the client end.
func (c *Conn) IsClient() bool { return c.isClient }

// KeyLog returns the NSS key log line (CLIENT_RANDOM client_random
// master_secret), or "" before the master secret exists.
func (c *Conn) KeyLog() string {
	if len(c.sec.Master) == 0 {
		return ""
	}
	return "CLIENT_RANDOM " + trace.HexString(c.sec.ClientRandom) + " " + trace.HexString(c.sec.Master) + "\n"
}

// Suite returns the negotiated suite, or nil.
func (c *Conn) Suite() *suites.Suite { return c.suite }

// EMS reports whether the extended master secret was negotiated.
func (c *Conn) EMS() bool { return c.ems }

// Secrets returns a copy of the connection's secrets as this side knows
// them; after Close or a failure they are zeros. PreMaster is the teaching
// copy: the connection zeroes its own as soon as the master secret exists.
func (c *Conn) Secrets() Secrets {
	pms := c.sec.PreMaster
	if c.shownPreMaster != nil {
		pms = c.shownPreMaster
	}
	s := Secrets{ClientRandom: cp(c.sec.ClientRandom), ServerRandom: cp(c.sec.ServerRandom),
		PreMaster: cp(pms), Master: cp(c.sec.Master), SessionHash: cp(c.sec.SessionHash)}
	k := c.sec.Keys
	s.Keys.Block = cp(k.Block)
	n, iv := len(k.ClientWriteKey), len(k.ClientWriteIV)
	if len(s.Keys.Block) == 2*n+2*iv {
		b := s.Keys.Block
		s.Keys.ClientWriteKey, s.Keys.ServerWriteKey = b[:n], b[n:2*n]
		s.Keys.ClientWriteIV, s.Keys.ServerWriteIV = b[2*n:2*n+iv], b[2*n+iv:]
	}
	return s
}

// HandshakeComplete reports whether both Finished messages were verified.
func (c *Conn) HandshakeComplete() bool { return c.state == stateEstablished || c.state == stateClosed }

// Buffered returns how many received bytes wait for the rest of a record
// or of a handshake message.
func (c *Conn) Buffered() int { return len(c.inBuf) + len(c.hsBuf) }

// PeerClosed reports whether the peer sent close_notify.
func (c *Conn) PeerClosed() bool { return c.peerClosed }

// Err returns the error that ended the connection, if any.
func (c *Conn) Err() error { return c.err }

// PeerChain returns the certificates the server sent (client side).
func (c *Conn) PeerChain() [][]byte { return c.peerChain }

// TakeOutput returns the records waiting to be sent and forgets them.
func (c *Conn) TakeOutput() []record.Out {
	o := c.out
	c.out = nil
	return o
}

// TakeReceived returns the records received since the last call, each
// named by what it carried (for a client whose server is elsewhere).
func (c *Conn) TakeReceived() []record.Out {
	r := c.received
	c.received = nil
	return r
}

// TakeApplicationData returns the application data received so far.
func (c *Conn) TakeApplicationData() [][]byte {
	d := c.appData
	c.appData = nil
	return d
}

// Start sends the ClientHello.
func (c *Conn) Start() error {
	if !c.isClient || c.state != stateStart {
		return errors.New("tls: Start is for a new client connection")
	}
	return c.fail(c.sendClientHello())
}

// Receive processes bytes from the peer: whole records are handled now, a
// partial one is kept for the next call. After an error the connection is
// dead and an alert is waiting in the output (unless the peer sent one).
func (c *Conn) Receive(data []byte) error {
	if c.err != nil {
		return c.err
	}
	if err := record.Drain(&c.inBuf, data, c.handleRecord); err != nil {
		return c.fail(err)
	}
	return nil
}

// fail makes err sticky and queues the fatal alert it carries.
func (c *Conn) fail(err error) error {
	if err == nil {
		return nil
	}
	step := c.currentStep()
	ae := alert.Normalize(err)
	closed := c.state == stateClosed // our close_notify went out and our write key is gone: nothing more is sent
	c.invalidateSession()
	c.err, c.state = ae, stateFailed
	if !ae.Received && !closed {
		c.sendAlert(alert.LevelFatal, ae.Alert, step)
	}
	c.cfg.Trace.Failure(step, c.actor, ae.Alert.String(), ae.Received, ae)
	c.discardKeys()
	return c.err
}

func (c *Conn) currentStep() int {
	if c.failStep != 0 {
		return c.failStep
	}
	switch c.state {
	case stateStart, stateWaitClientHello:
		return StepHello
	case stateWaitServerHello, stateWaitServerHelloDone:
		return StepCertificate
	case stateWaitCertificate:
		return StepVerify
	case stateWaitServerKeyExchange, stateWaitClientKeyExchange:
		return StepKeyExchange
	case stateWaitNewSessionTicket, stateWaitChangeCipherSpec, stateWaitFinished:
		return StepEstablish
	}
	return StepApplication
}

func (c *Conn) handleRecord(rec record.Record) error {
	// Only the records before the version is agreed may carry another
	// 3.x version (RFC 5246, Appendix E.1); after that it must be TLS 1.2.
	if rec.Version != record.VersionTLS12 && c.state != stateWaitClientHello && c.state != stateWaitServerHello {
		return alert.New(alert.ProtocolVersion, fmt.Sprintf("tls: record version 0x%04x after TLS 1.2 was agreed", rec.Version))
	}
	encrypted := c.in != nil
	payload := rec.Payload
	if encrypted {
		plain, _, err := c.in.Open(rec)
		if err != nil {
			return err
		}
		payload = plain
	} else if len(payload) > record.MaxPlaintext {
		return alert.New(alert.RecordOverflow, "tls: plaintext record longer than 16384 bytes")
	}
	c.received = append(c.received, record.Out{Wire: rec.Marshal(), Name: handshake.RecordName(rec.Type, payload, len(c.hsBuf) > 0), Step: c.currentStep(), Encrypted: encrypted})
	switch rec.Type {
	case record.TypeAlert:
		return c.handleAlert(payload)
	case record.TypeChangeCipherSpec:
		return c.handleChangeCipherSpec(payload)
	case record.TypeHandshake:
		if len(payload) == 0 {
			return alert.New(alert.UnexpectedMessage, "tls: empty handshake record")
		}
		c.hsBuf = append(c.hsBuf, payload...)
		for c.err == nil && c.state != stateFailed {
			typ, raw, n, err := handshake.Split(c.hsBuf, maxHandshakeMessage)
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
			c.hsBuf = c.hsBuf[n:]
			if err := c.handleMessage(typ, raw); err != nil {
				return err
			}
		}
		return nil
	case record.TypeApplicationData:
		// After our own close_notify the peer may still send data until
		// its close_notify (RFC 5246, Section 7.2.1).
		if (c.state != stateEstablished && c.state != stateClosed) || !encrypted {
			return alert.New(alert.UnexpectedMessage, "tls: application data before the handshake finished")
		}
		if len(payload) == 0 {
			return c.ignore("an empty application data record")
		}
		c.ignored = 0
		c.appData = append(c.appData, payload)
		c.traceReceivedData(rec, payload)
		return nil
	}
	return alert.New(alert.UnexpectedMessage, "tls: unexpected record type "+record.TypeName(rec.Type))
}

func (c *Conn) handleAlert(p []byte) error {
	if len(p) != 2 {
		return alert.New(alert.DecodeError, "tls: malformed alert record")
	}
	a := alert.Alert(p[1])
	if a == alert.CloseNotify {
		c.peerClosed = true
		c.cfg.Trace.Add(StepApplication, c.actor, "Receives close_notify: the peer will send nothing more")
		if c.state == stateEstablished || c.state == stateClosed {
			c.in.Discard()
			if c.state == stateClosed {
				c.discardKeys()
			}
			return nil
		}
		return &alert.Error{Alert: a, Received: true, Msg: "tls: peer closed the connection before the handshake finished"}
	}
	if alert.Level(p[0]) == alert.LevelWarning && a != alert.HandshakeFailure {
		return c.ignore("a warning alert") // warnings other than close_notify are ignored in TLS 1.2
	}
	return &alert.Error{Alert: a, Received: true, Msg: "tls: the peer sent the alert " + a.String()}
}

// maxIgnored bounds the records in a row that carry nothing: warning
// alerts, empty application data, HelloRequests and renegotiating
// ClientHellos refused. RFC 5246 sets no bound; without one a peer could
// keep a connection busy, and have this end answer each refusal, forever.
// crypto/tls uses the same bound (maxUselessRecords).
const maxIgnored = 16

// ignore counts one more record that carried nothing to act on.
func (c *Conn) ignore(what string) error {
	c.ignored++
	if c.ignored > maxIgnored {
		return alert.New(alert.UnexpectedMessage, fmt.Sprintf("tls: more than %d records in a row carried nothing to act on (the last: %s)", maxIgnored, what))
	}
	return nil
}

func (c *Conn) handleChangeCipherSpec(p []byte) error {
	if len(p) != 1 || p[0] != 1 {
		return alert.New(alert.DecodeError, "tls: malformed ChangeCipherSpec")
	}
	if c.state != stateWaitChangeCipherSpec || c.nextIn == nil {
		return alert.New(alert.UnexpectedMessage, "tls: ChangeCipherSpec arrived out of order")
	}
	if len(c.hsBuf) != 0 {
		return alert.New(alert.UnexpectedMessage, "tls: handshake message split across a key change")
	}
	c.in, c.nextIn = c.nextIn, nil
	c.state = stateWaitFinished
	c.cfg.Trace.Add(StepEstablish, c.actor, "Receives ChangeCipherSpec: from now on the peer's records are encrypted",
		trace.Text("Read key", writeKeyName(!c.isClient), "the peer's write key is this side's read key"))
	return nil
}

// recordNotes explain a suite's record protection in the trace.
type recordNotes struct {
	cipher, nonce, tag, tagName, wire, iv string
}

// notesFor returns the notes for AES-GCM (RFC 5288) or ChaCha20-Poly1305
// (RFC 7905).
func notesFor(s *suites.Suite) recordNotes {
	if s != nil && s.AEAD == suites.ChaCha20Poly1305 {
		return recordNotes{cipher: "ChaCha20",
			nonce: "the 12-byte write IV XOR the sequence number: nothing of it is sent (RFC 7905)",
			tag:   "16-byte Poly1305 authentication tag", tagName: "Poly1305 tag",
			wire: "header + ciphertext + tag",
			iv:   "12-byte IV, XORed with the sequence number to make the nonce of"}
	}
	return recordNotes{cipher: "AES-GCM",
		nonce: "implicit IV (4 bytes from the key block) + explicit nonce (8 bytes, sent in the record)",
		tag:   "16-byte GCM authentication tag", tagName: "GCM tag",
		wire: "header + explicit nonce + ciphertext + tag",
		iv:   "implicit part (RFC 5288) of the nonces of"}
}

func writeKeyName(client bool) string {
	if client {
		return "client_write_key + client_write_IV"
	}
	return "server_write_key + server_write_IV"
}

// handleMessage dispatches one handshake message by state.
func (c *Conn) handleMessage(typ uint8, raw []byte) error {
	if typ == handshake.TypeHelloRequest {
		return c.readHelloRequest(raw)
	}
	if c.awaitStatus {
		if done, err := c.statusOrNot(typ, raw); done || err != nil {
			return err
		}
	}
	switch c.state {
	case stateWaitClientHello:
		return c.expect(typ, handshake.TypeClientHello, raw, c.readClientHello)
	case stateWaitServerHello:
		return c.expect(typ, handshake.TypeServerHello, raw, c.readServerHello)
	case stateWaitCertificate:
		return c.expect(typ, handshake.TypeCertificate, raw, c.readCertificate)
	case stateWaitServerKeyExchange:
		return c.expect(typ, handshake.TypeServerKeyExchange, raw, c.readServerKeyExchange)
	case stateWaitServerHelloDone:
		if typ == handshake.TypeCertificateRequest && c.certReq == nil {
			return c.readCertificateRequest(raw)
		}
		return c.expect(typ, handshake.TypeServerHelloDone, raw, c.readServerHelloDone)
	case stateWaitClientKeyExchange:
		return c.expect(typ, handshake.TypeClientKeyExchange, raw, c.readClientKeyExchange)
	case stateWaitNewSessionTicket:
		return c.expect(typ, handshake.TypeNewSessionTicket, raw, c.readNewSessionTicket)
	case stateWaitFinished:
		return c.expect(typ, handshake.TypeFinished, raw, c.readFinished)
	case stateWaitChangeCipherSpec:
		return handshake.ErrUnexpected(typ, "ChangeCipherSpec")
	case stateEstablished:
		if typ == handshake.TypeClientHello && !c.isClient {
			return c.refuseRenegotiation(raw)
		}
	}
	return handshake.ErrUnexpected(typ, "no handshake message")
}

func (c *Conn) expect(got, want uint8, raw []byte, read func([]byte) error) error {
	if got != want {
		return handshake.ErrUnexpected(got, handshake.TypeName(want))
	}
	return read(raw)
}

// sendHandshake appends msg to the transcript and queues it, one message per
// record (fragmented if longer than a record), encrypted once our
// ChangeCipherSpec is sent.
func (c *Conn) sendHandshake(raw []byte, name string, step int) []byte {
	c.transcript = append(c.transcript, raw...)
	var wire []byte
	for off := 0; off < len(raw); off += record.MaxPlaintext {
		end := min(off+record.MaxPlaintext, len(raw))
		w := c.queue(record.TypeHandshake, raw[off:end], name, step)
		wire = append(wire, w...)
	}
	return wire
}

// queue protects (if keys are on) and queues one record; it returns its wire bytes.
func (c *Conn) queue(typ uint8, payload []byte, name string, step int) []byte {
	rec := record.Record{Type: typ, Version: record.VersionTLS12, Payload: payload}
	if typ == record.TypeHandshake && c.isClient && c.state == stateStart {
		// Many servers expect the first record in TLS 1.0 format
		// (RFC 5246, Appendix E.1); crypto/tls and OpenSSL do the same.
		rec.Version = record.VersionTLS10
	}
	enc := false
	if c.write != nil {
		rec, _ = c.write.Seal(typ, record.VersionTLS12, payload)
		enc = true
	}
	w := rec.Marshal()
	c.out = append(c.out, record.Out{Wire: w, Name: name, Step: step, Encrypted: enc})
	return w
}

func (c *Conn) sendAlert(level alert.Level, a alert.Alert, step int) {
	c.queue(record.TypeAlert, []byte{byte(level), byte(a)}, "Alert", step)
}

// sendChangeCipherSpec sends the (unprotected) ChangeCipherSpec and turns
// on this side's write protection for every record after it.
func (c *Conn) sendChangeCipherSpec(step int) []byte {
	w := c.queue(record.TypeChangeCipherSpec, []byte{1}, "ChangeCipherSpec", step)
	c.write, c.nextOut = c.nextOut, nil
	return w
}

// transcriptHash is Hash(handshake messages so far) with the suite's hash.
func (c *Conn) transcriptHash() []byte {
	h := c.suite.Hash.New()
	h.Write(c.transcript)
	return h.Sum(nil)
}

// Write sends application data, split into records of at most 16384 bytes.
// It returns what went into each record, for the trace.
func (c *Conn) Write(p []byte) ([]record.Detail, error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.state != stateEstablished {
		return nil, errors.New("tls: cannot send application data: the handshake has not finished or the connection is closed")
	}
	var details []record.Detail
	for off := 0; off < len(p) || (len(p) == 0 && off == 0); off += record.MaxPlaintext {
		end := min(off+record.MaxPlaintext, len(p))
		rec, d := c.write.Seal(record.TypeApplicationData, record.VersionTLS12, p[off:end])
		w := rec.Marshal()
		c.out = append(c.out, record.Out{Wire: w, Name: "ApplicationData", Step: StepApplication, Encrypted: true})
		details = append(details, d)
		n := notesFor(c.suite)
		c.cfg.Trace.Add(StepApplication, c.actor, "Encrypts and sends application data",
			trace.Text("Plaintext", string(p[off:end]), fmt.Sprintf("%d bytes", end-off)),
			trace.Text("Sequence number", fmt.Sprint(d.Seq), seqNote(d)),
			trace.Hex("Nonce", d.Nonce, n.nonce),
			trace.Hex("Additional data", d.AAD, "seq_num + type + version + the plaintext's length (RFC 5246, Section 6.2.3.3): authenticated, not encrypted"),
			trace.Hex("Ciphertext", d.Ciphertext, n.cipher+" encryption of the plaintext"),
			trace.Hex("Tag", d.Tag, n.tag),
			trace.Hex("Record on the wire", w, n.wire))
		if len(p) == 0 {
			break
		}
	}
	return details, nil
}

// seqNote says where a record's sequence number is: in the nonce and the
// additional data only, or also on the wire as AES-GCM's explicit nonce.
func seqNote(d record.Detail) string {
	if len(d.ExplicitNonce) > 0 {
		return "counts records in this direction; with AES-GCM it also travels on the wire, as the record's 8-byte explicit nonce (RFC 5288, Section 3)"
	}
	return "counts records in this direction; never sent: mixed into the nonce and authenticated in the additional data"
}

func (c *Conn) traceReceivedData(rec record.Record, plain []byte) {
	if c.cfg.Trace == nil {
		return
	}
	c.cfg.Trace.Add(StepApplication, c.actor, "Receives, authenticates and decrypts application data",
		trace.Hex("Record received", rec.Marshal(), ""),
		trace.Check(notesFor(c.suite).tagName, true, "the tag matches: the record is authentic and unchanged"),
		trace.Text("Decrypted", string(plain), fmt.Sprintf("%d bytes", len(plain))))
}

// Close sends close_notify and overwrites this side's keys with zeros.
func (c *Conn) Close() error {
	if c.err != nil {
		return c.err
	}
	if c.state == stateClosed {
		return nil
	}
	c.sendAlert(alert.LevelWarning, alert.CloseNotify, StepApplication)
	c.state = stateClosed
	c.write.Discard()
	what := "its write key and IV are overwritten with zeros and its write cipher dropped; it still reads until the peer's close_notify"
	if c.peerClosed {
		c.discardKeys()
		what = "write key, read key, IVs and master secret overwritten with zeros; both cipher objects dropped"
	}
	already := "the pre-master secret was already zeroed in step 6, right after the master secret was derived"
	if c.kex != nil {
		already = "the ephemeral private key and the shared secret (the pre-master secret) were already zeroed in step 6, right after the master secret was derived"
	}
	if c.resumed {
		already = "this connection made no pre-master secret: it resumed a session"
	}
	vals := []trace.Value{trace.Text("Keys", what, already)}
	if v, ok := c.sessionKept(); ok {
		vals = append(vals, v)
	}
	c.cfg.Trace.Add(StepApplication, c.actor, "Sends close_notify and discards its keys", append(vals,
		trace.Text("What Go cannot promise", "copies outside the engine's reach", "the AES or ChaCha20 key schedule inside a dropped cipher object, and the copy crypto/ecdh made of the private key, wait for the garbage collector; this page's trace is a teaching copy a real implementation would not keep"))...)
	return nil
}

// Erasure says what the connection overwrote with zeros, and at which
// teaching step.
type Erasure struct {
	Step int
	What []string
}

// Erasures lists what the connection has overwritten with zeros so far.
func (c *Conn) Erasures() []Erasure { return c.erasures }

// eraseKeyExchange overwrites the pre-master secret (for ECDHE, the shared
// secret) and this side's ephemeral private key with zeros, and drops the
// key object, once the master secret is derived: the key block and
// Finished need only the master secret (RFC 5246, Sections 6.3 and 8.1).
// With ECDHE this is what makes forward secrecy true of the engine's
// memory; with RSA key transport the server's long-term key can decrypt
// the pre-master secret again from a recording anyway.
func (c *Conn) eraseKeyExchange(step int) {
	if c.beforeErase != nil {
		c.beforeErase()
	}
	c.shownPreMaster = cp(c.sec.PreMaster)
	clear(c.sec.PreMaster)
	what := []string{"the pre-master secret"}
	title := "Erases the pre-master secret"
	note := "in the engine's own memory, right after the master secret was derived: nothing later needs it"
	if c.kex != nil {
		what = []string{"the shared secret (the pre-master secret)"}
		title = "Erases its ephemeral private key and the shared secret"
	}
	if c.eph != nil {
		c.eph.Erase()
		what = append([]string{"the " + c.actor + "'s ephemeral private key (" + c.eph.Group.Name + ")"}, what...)
	}
	c.erasures = append(c.erasures, Erasure{Step: step, What: what})
	vals := []trace.Value{trace.List("Overwritten with zeros", what, note)}
	if c.eph != nil {
		vals = append(vals, trace.Text("Key object", "dropped", "crypto/ecdh keeps its own copy of the private key inside the key object; Go cannot zero it, so it waits for the garbage collector, which may also have copied memory earlier"))
	} else if !c.isClient {
		vals = append(vals, trace.Text("Forward secrecy", "none", "erasing it does not help against a later theft: the server's RSA key decrypts the recorded ClientKeyExchange again"))
	}
	vals = append(vals, trace.Text("This page", "still shows the values", "the trace is a teaching copy that a real implementation would not keep"))
	c.cfg.Trace.Add(step, c.actor, title, vals...)
}

func (c *Conn) discardKeys() {
	c.write.Discard()
	c.in.Discard()
	c.nextIn.Discard()
	c.nextOut.Discard()
	clear(c.sec.PreMaster) // zeroed already once the master secret exists
	clear(c.sec.Master)
	clear(c.sec.Keys.Block) // the write keys and IVs are slices of it
	c.eph.Erase()
	// The teaching copies go too.
	clear(c.shownPreMaster)
	if c.kex != nil {
		clear(c.kex.Private)
		clear(c.kex.Shared)
	}
}

// activateKeys builds both directions' protectors from the key block: the
// write side is used after our ChangeCipherSpec, the read side after the peer's.
func (c *Conn) activateKeys() error {
	k := c.sec.Keys
	cw, err := record.New12(c.suite.AEAD, k.ClientWriteKey, k.ClientWriteIV)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot set up the record cipher", err)
	}
	sw, err := record.New12(c.suite.AEAD, k.ServerWriteKey, k.ServerWriteIV)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot set up the record cipher", err)
	}
	if c.isClient {
		c.nextOut, c.nextIn = cw, sw
	} else {
		c.nextOut, c.nextIn = sw, cw
	}
	return nil
}

// deriveKeys computes the master secret (extended when negotiated) and the
// key block, and records them.
func (c *Conn) deriveKeys(step int) {
	s := c.suite
	vals := []trace.Value{}
	if c.ems {
		c.sec.SessionHash = c.transcriptHash()
		c.sec.Master = prf.ExtendedMasterSecret(s.Hash, c.sec.PreMaster, c.sec.SessionHash)
		vals = append(vals,
			trace.Hex("Session hash", c.sec.SessionHash, s.HashName()+" of every handshake message up to and including ClientKeyExchange (RFC 7627)"),
			trace.Secret("Master secret", c.sec.Master, "PRF(pre-master, \"extended master secret\", session hash), 48 bytes"))
	} else {
		c.sec.Master = prf.MasterSecret(s.Hash, c.sec.PreMaster, c.sec.ClientRandom, c.sec.ServerRandom)
		vals = append(vals,
			trace.Secret("Master secret", c.sec.Master, "PRF(pre-master, \"master secret\", client random + server random), 48 bytes"))
	}
	c.sec.Keys = prf.KeyBlock(s.Hash, c.sec.Master, c.sec.ClientRandom, c.sec.ServerRandom, s.KeyLen, s.FixedIVLen)
	k := c.sec.Keys
	vals = append(vals,
		trace.Secret("Key block", k.Block, fmt.Sprintf("PRF(master, \"key expansion\", server random + client random), %d bytes, cut into the four values below", len(k.Block))),
		trace.Secret("client_write_key", k.ClientWriteKey, s.Cipher+" key for records from the client"),
		trace.Secret("server_write_key", k.ServerWriteKey, s.Cipher+" key for records from the server"),
		trace.Secret("client_write_IV", k.ClientWriteIV, notesFor(s).iv+" the client's records"),
		trace.Secret("server_write_IV", k.ServerWriteIV, notesFor(s).iv+" the server's records"))
	c.cfg.Trace.Add(step, c.actor, "Derives the master secret and the session keys with the TLS 1.2 PRF ("+s.HashName()+")", vals...)
	c.eraseKeyExchange(step)
}
