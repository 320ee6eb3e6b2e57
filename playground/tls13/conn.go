package tls13

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/record"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// Teaching steps: the seven steps of the articles, as TLS 1.3 fills them.
const (
	StepHello       = 1 // ClientHello, with the client's key shares already in it
	StepCertificate = 2 // ServerHello, then the encrypted EncryptedExtensions and Certificate
	StepVerify      = 3 // the client checks the chain against its trust store
	StepNegotiate   = 4 // suite, group and signature scheme; HelloRetryRequest when needed
	StepKeyExchange = 5 // both sides compute the (EC)DHE shared secret: nothing is encrypted with the server's key
	StepEstablish   = 6 // CertificateVerify, Finished both ways, the key schedule
	StepApplication = 7 // application data, KeyUpdate, close_notify
)

const maxHandshakeMessage = 1 << 17

// maxEarlyDataSkipped bounds the 0-RTT data a server that refuses it skips
// (RFC 8446, Section 4.2.10): the RFC leaves the bound to the server's
// max_early_data_size, and this server never allows early data in a
// ticket. It counts as max_early_data_size does (Section 4.6.1: plaintext
// only), bounded from above: a record it cannot decrypt counts its
// ciphertext less the tag and the content type byte. 16384 bytes lets a
// client's first flight carry one full record of early data; past it the
// server answers unexpected_message, as BoringSSL does.
const maxEarlyDataSkipped = 1 << 14

// Config holds what an endpoint is given.
type Config struct {
	Rand io.Reader        // required
	Time func() time.Time // nil means time.Now

	Suites []*suites.Suite // default suites.TLS13; a server's order of preference
	// SuiteOrder is the server's rule for picking a suite: its own order
	// of preference, Suites (suites.ServerOrder, the default), or the
	// client's order (suites.ClientOrder).
	SuiteOrder suites.Order
	// Groups are the key exchange groups, in order of preference; default
	// kx.All. The client sends a key share for KeyShares of them (default:
	// the first) and lists all in supported_groups.
	Groups    []*kx.Group
	KeyShares []*kx.Group
	// SignatureSchemes the endpoint accepts or uses; default sigscheme.All.
	SignatureSchemes []*sigscheme.Scheme

	// TLS12Suites, when set, has the client offer TLS 1.2 as well, with
	// these suites (see package dual, which continues in TLS 1.2 when the
	// server answers so).
	TLS12Suites []*suites.Suite

	// Client side.
	ServerName string
	Roots      *x509.CertPool
	// WebPKI makes the client check, as a browser does, beyond path
	// validation (pki.CheckWebPKI): it asks for a stapled OCSP response
	// (status_request, RFC 6066, Section 8; RFC 8446, Section 4.4.2.1)
	// and refuses a revoked certificate or an unsatisfactory response, and
	// it requires SCTs (RFC 6962) unless LocalRoot. Without a staple it
	// goes on (soft-fail).
	WebPKI bool
	// LocalRoot says that Roots was added by the user or an administrator
	// (not a root program's): such chains need no SCTs.
	LocalRoot bool

	// Server side.
	Certificates [][]byte
	Signer       crypto.Signer
	// OCSPStaple is the OCSP response (DER, RFC 6960) for the leaf, signed
	// by its issuer, sent in the status_request extension of the leaf's
	// CertificateEntry to a client that asks with status_request (RFC
	// 8446, Section 4.4.2.1); nil staples nothing.
	OCSPStaple []byte

	Trace *trace.Recorder

	// Resumption (RFC 8446, Sections 2.2, 2.3, 4.2.11, 4.6.1).
	// Client side: Resume offers a ticket the server sent before (the
	// caller keeps it, see Conn.Tickets); PSKOnly offers it with psk_ke
	// alone (no key share: NOT forward secret), the default is psk_dhe_ke;
	// EarlyData is sent as 0-RTT data right after the ClientHello.
	// AcceptTickets has the client send psk_key_exchange_modes even with
	// no ticket to offer: without it a server must not send tickets (RFC
	// 8446, Section 4.2.9).
	Resume        *Ticket
	PSKOnly       bool
	EarlyData     []byte
	AcceptTickets bool
	// Server side: TicketKey (32 bytes, AES-256-GCM), when set, has the
	// server send a NewSessionTicket after the handshake and accept the
	// tickets sealed under it. MaxEarlyData > 0 allows 0-RTT data with
	// them. AntiReplay records every ClientHello whose early data was
	// accepted (RFC 8446, Section 8.2), shared between the server's
	// connections; without one, 0-RTT is refused unless NoAntiReplay
	// turns the protection off (a replayed 0-RTT request is then accepted
	// again: the demonstration of Section 8).
	TicketKey    []byte
	MaxEarlyData uint32
	AntiReplay   *ReplayCache
	NoAntiReplay bool

	// helloHook, set only by the tests (export_test.go), changes each
	// ClientHello before it is marshaled: a client that offers what the
	// engine does not (early_data, a pre_shared_key), with a consistent
	// transcript.
	helloHook func(m *handshake.ClientHello, retry bool)
}

func (c *Config) now() time.Time {
	if c.Time != nil {
		return c.Time()
	}
	return time.Now()
}

func (c *Config) suites() []*suites.Suite {
	if len(c.Suites) > 0 {
		return c.Suites
	}
	return suites.TLS13
}

func (c *Config) groups() []*kx.Group {
	if len(c.Groups) > 0 {
		return c.Groups
	}
	return kx.All
}

func (c *Config) schemes() []*sigscheme.Scheme {
	if len(c.SignatureSchemes) > 0 {
		return c.SignatureSchemes
	}
	return sigscheme.All
}

type state int

const (
	stateStart state = iota
	stateWaitServerHello
	stateWaitEncryptedExtensions
	stateWaitCertificate
	stateWaitCertificateVerify
	stateWaitFinished
	stateWaitClientHello
	stateWaitClientFinished
	stateEstablished
	stateClosed
	stateFailed
)

// Conn is one end of a TLS 1.3 connection.
type Conn struct {
	cfg      *Config
	isClient bool
	actor    string
	state    state

	inBuf, hsBuf []byte
	out          []record.Out
	in, write    *record.Protector

	suite      *suites.Suite
	group      *kx.Group
	scheme     *sigscheme.Scheme
	transcript []byte
	ks         *Schedule
	share      *Share

	clientRandom, serverRandom, sessionID []byte
	hello                                 *handshake.ClientHello
	helloRetry                            bool
	retryGroup                            *kx.Group // the group a server's HelloRetryRequest asked for
	certRequest                           *handshake.CertificateRequest13
	skipEarly                             bool // the client offered early_data, which this server skips
	earlySkipped                          int
	privates                              map[uint16]*kx.Private // the client's key shares by group
	mine                                  *kx.Private            // the server's key share
	shared                                []byte                 // the (EC)DHE shared secret, until the handshake secret is derived
	erasures                              []Erasure
	beforeErase                           func() // tests only (export_test.go)
	peerChain                             [][]byte
	wantsStatus                           bool   // server: the ClientHello asks for an OCSP response
	staple                                []byte // client: the OCSP response the server stapled
	peerKey                               crypto.PublicKey

	// Resumption and 0-RTT.
	tickets                  []*Ticket // client: the tickets received
	ticketsSent              int       // server: the next ticket nonce
	pskKS                    *Schedule // the schedule started from the offered PSK
	psk                      []byte    // the resumption PSK in use, until the handshake secret is derived
	pskOffered               bool      // client: the ClientHello carries pre_shared_key
	ticketsWanted            bool      // server: the client sent psk_key_exchange_modes
	droppedTicket            bool      // client: a HelloRetryRequest made it drop its ticket offer
	pskAccepted, pskDHE      bool
	earlySent, earlyAccepted bool
	earlyData                [][]byte          // server: the 0-RTT data accepted
	earlyBytes               int               // server: 0-RTT plaintext bytes so far
	maxEarly                 uint32            // server: the ticket's max_early_data_size
	pendingIn, pendingWrite  *record.Protector // the handshake keys, while the early keys are in use
	replays                  int               // server: times this ClientHello was seen before
	binder, binderTH         []byte            // client: the binder and the hash it covers
	obfAge, ticketAge        uint32

	clientTraffic, serverTraffic []byte // current application traffic secrets
	keyUpdates                   int

	appData    [][]byte
	received   []record.Out // every record received, named, in order
	peerClosed bool
	failStep   int
	err        error
}

// Share is the key exchange as this side saw it: a teaching copy for the
// page, taken when the shared secret was computed and kept, like the trace,
// so that the page can show it. A real implementation keeps no such copy;
// the connection's own private key and shared secret are overwritten with
// zeros as soon as the handshake secret is derived (see Erasures).
type Share struct {
	Group                      *kx.Group
	ClientPublic, ServerPublic []byte
	MyPrivate                  []byte
	Shared                     []byte
}

func newShare(g *kx.Group, clientPublic, serverPublic, private, shared []byte) *Share {
	cp := func(b []byte) []byte { return append([]byte(nil), b...) }
	return &Share{Group: g, ClientPublic: cp(clientPublic), ServerPublic: cp(serverPublic), MyPrivate: cp(private), Shared: cp(shared)}
}

// Erasure says what the connection overwrote with zeros, and at which
// teaching step.
type Erasure struct {
	Step int
	What []string
}

// Erasures lists what the connection has overwritten with zeros so far,
// in order.
func (c *Conn) Erasures() []Erasure { return c.erasures }

// eraseEphemeral overwrites the ephemeral private keys, the shared secret,
// the early secret and the handshake secret with zeros, and drops the key
// objects, once the handshake traffic secrets and the master secret have
// been derived: nothing later needs them (RFC 8446, Section 7.1: every
// later secret comes from the master secret). Forward secrecy depends on
// it: a memory dump after this point finds no key that turns the recorded
// key shares into the shared secret.
func (c *Conn) eraseEphemeral(step int) {
	if c.beforeErase != nil {
		c.beforeErase()
	}
	var what []string
	for _, g := range kx.All { // in a fixed order, for a stable trace
		if p := c.privates[g.ID]; p != nil {
			p.Erase()
			what = append(what, "the client's ephemeral private key ("+g.Name+")")
		}
	}
	for _, p := range c.privates {
		p.Erase() // a group outside kx.All cannot be made, but be sure
	}
	if c.mine != nil {
		c.mine.Erase()
		what = append(what, "the server's ephemeral private key ("+c.mine.Group.Name+")")
	}
	clear(c.shared)
	what = append(what, "the shared secret")
	if c.psk != nil {
		clear(c.psk)
		what = append(what, "the resumption PSK (the client's ticket keeps its own copy, to resume again)")
	}
	if c.ks != nil {
		clear(c.ks.Early)
		clear(c.ks.Handshake)
		what = append(what, "the early secret", "the handshake secret")
	}
	c.erasures = append(c.erasures, Erasure{Step: step, What: what})
	c.cfg.Trace.Add(step, c.actor, "Erases its ephemeral private key and the shared secret",
		trace.List("Overwritten with zeros", what, "in the engine's own memory, right after the handshake and master secrets were derived: nothing later needs them"),
		trace.Text("Key objects", "dropped", "crypto/ecdh and crypto/mlkem keep their own copies inside the key objects; Go cannot zero those, so they wait for the garbage collector, which may also have copied memory earlier"),
		trace.Text("This page", "still shows the values", "the trace is a teaching copy that a real implementation would not keep"))
}

// Client returns the client end of a connection; Start sends ClientHello.
func Client(cfg *Config) *Conn {
	return &Conn{cfg: cfg, isClient: true, actor: trace.Client, state: stateStart}
}

// Server returns the server end, waiting for a ClientHello.
func Server(cfg *Config) *Conn {
	return &Conn{cfg: cfg, actor: trace.Server, state: stateWaitClientHello}
}

// IsClient reports whether this is the client end.
func (c *Conn) IsClient() bool { return c.isClient }

// Suite returns the negotiated suite, or nil.
func (c *Conn) Suite() *suites.Suite { return c.suite }

// Group returns the key exchange group, or nil.
func (c *Conn) Group() *kx.Group { return c.group }

// Scheme returns the server's signature scheme, or nil.
func (c *Conn) Scheme() *sigscheme.Scheme { return c.scheme }

// HelloRetry reports whether a HelloRetryRequest happened.
func (c *Conn) HelloRetry() bool { return c.helloRetry }

// Schedule returns the key schedule (nil before ServerHello).
func (c *Conn) Schedule() *Schedule { return c.ks }

// KeyShare returns this side's view of the key exchange (nil before it).
func (c *Conn) KeyShare() *Share { return c.share }

// Randoms returns the client and server randoms.
func (c *Conn) Randoms() (client, server []byte) { return c.clientRandom, c.serverRandom }

// HandshakeComplete reports whether both Finished messages were verified.
func (c *Conn) HandshakeComplete() bool {
	return c.state == stateEstablished || c.state == stateClosed
}

// PeerClosed reports whether the peer sent close_notify.
func (c *Conn) PeerClosed() bool { return c.peerClosed }

// Err returns the error that ended the connection, if any.
func (c *Conn) Err() error { return c.err }

// Buffered counts received bytes waiting for the rest of a record or message.
func (c *Conn) Buffered() int { return len(c.inBuf) + len(c.hsBuf) }

// PeerChain returns the certificates the server sent (client side).
func (c *Conn) PeerChain() [][]byte { return c.peerChain }

// TakeOutput returns the records waiting to be sent.
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

// KeyLog returns the NSS key log lines of the connection (the format
// Wireshark reads for TLS 1.3).
func (c *Conn) KeyLog() string {
	if c.ks == nil || c.ks.ClientHandshake == nil {
		return ""
	}
	cr := trace.HexString(c.clientRandom)
	line := func(label string, secret []byte) string {
		if len(secret) == 0 {
			return ""
		}
		return label + " " + cr + " " + trace.HexString(secret) + "\n"
	}
	return line("CLIENT_EARLY_TRAFFIC_SECRET", c.ks.ClientEarly) +
		line("CLIENT_HANDSHAKE_TRAFFIC_SECRET", c.ks.ClientHandshake) +
		line("SERVER_HANDSHAKE_TRAFFIC_SECRET", c.ks.ServerHandshake) +
		line("CLIENT_TRAFFIC_SECRET_0", c.ks.ClientApp) +
		line("SERVER_TRAFFIC_SECRET_0", c.ks.ServerApp) +
		line("EXPORTER_SECRET", c.ks.Exporter)
}

// Start sends the ClientHello.
func (c *Conn) Start() error {
	if !c.isClient || c.state != stateStart {
		return errors.New("tls: Start is for a new client connection")
	}
	return c.fail(c.sendClientHello())
}

// Receive processes bytes from the peer.
func (c *Conn) Receive(data []byte) error {
	if c.err != nil {
		return c.err
	}
	if err := record.Drain(&c.inBuf, data, c.handleRecord); err != nil {
		return c.fail(err)
	}
	return nil
}

func (c *Conn) fail(err error) error {
	if err == nil {
		return nil
	}
	step := c.currentStep()
	ae := alert.Normalize(err)
	c.err, c.state = ae, stateFailed
	if !ae.Received {
		c.queue(record.TypeAlert, []byte{byte(alert.LevelFatal), byte(ae.Alert)}, "Alert", step)
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
	case stateWaitServerHello, stateWaitEncryptedExtensions:
		return StepCertificate
	case stateWaitCertificate:
		return StepVerify
	case stateWaitCertificateVerify, stateWaitFinished, stateWaitClientFinished:
		return StepEstablish
	}
	return StepApplication
}

// handleRecord reads one record. Its legacy_record_version is not checked:
// RFC 8446, Section 5.1 has it "ignored for all purposes" (record.Parse
// only refuses a major version other than 3, which is not TLS at all); on a
// protected record it is part of the additional data, as sent.
func (c *Conn) handleRecord(rec record.Record) error {
	// An unprotected record carries at most 2^14 bytes (RFC 8446, Section
	// 5.1); a protected one is checked by Open13 (Section 5.2).
	if (rec.Type != record.TypeApplicationData || c.in == nil && !c.skipEarly) && len(rec.Payload) > record.MaxPlaintext {
		return alert.New(alert.RecordOverflow, fmt.Sprintf("tls: %s record of %d bytes: a record in the clear carries at most 2^14 = 16384 (RFC 8446, Section 5.1)",
			record.TypeName(rec.Type), len(rec.Payload)))
	}
	// A ChangeCipherSpec of one byte 01 may arrive during the handshake for
	// middlebox compatibility, and is dropped (RFC 8446, Section 5).
	if rec.Type == record.TypeChangeCipherSpec {
		if len(rec.Payload) == 1 && rec.Payload[0] == 1 && !c.HandshakeComplete() && c.state != stateStart && (c.isClient || c.hello != nil) {
			c.cfg.Trace.Add(c.currentStep(), c.actor, "Ignores a ChangeCipherSpec record (sent only for middlebox compatibility in TLS 1.3)")
			c.received = append(c.received, record.Out{Wire: rec.Marshal(), Name: "ChangeCipherSpec", Step: c.currentStep()})
			return nil
		}
		return alert.New(alert.UnexpectedMessage, "tls: unexpected ChangeCipherSpec record")
	}
	typ, payload := rec.Type, rec.Payload
	if c.in != nil && rec.Type == record.TypeAlert && len(rec.Payload) == 2 && c.state == stateWaitClientFinished {
		// A client that rejects the server's certificate may send its
		// alert unprotected (OpenSSL does): say so rather than call it an
		// unexpected record.
		a := alert.Alert(rec.Payload[1])
		return &alert.Error{Alert: a, Received: true, Msg: "tls: the peer sent the alert " + a.String() + " (unprotected)"}
	}
	if c.in != nil {
		plain, inner, _, err := c.in.Open13(rec)
		if err != nil {
			if c.skipEarly && isBadRecordMAC(err) {
				return c.skipEarlyData(rec)
			}
			return err
		}
		// The first record that opens under the handshake key starts the
		// client's second flight: no more early data (RFC 8446, Section 4.2.10).
		c.skipEarly = false
		typ, payload = inner, plain
	} else if rec.Type == record.TypeApplicationData {
		if c.skipEarly {
			return c.skipEarlyData(rec)
		}
		return alert.New(alert.UnexpectedMessage, "tls: encrypted record before the keys were agreed")
	}
	c.received = append(c.received, record.Out{Wire: rec.Marshal(), Name: handshake.RecordName(typ, payload, len(c.hsBuf) > 0), Step: c.currentStep(), Encrypted: c.in != nil})
	switch typ {
	case record.TypeAlert:
		return c.handleAlert(payload)
	case record.TypeHandshake:
		if len(payload) == 0 {
			return alert.New(alert.UnexpectedMessage, "tls: empty handshake record")
		}
		c.hsBuf = append(c.hsBuf, payload...)
		for c.err == nil && c.state != stateFailed {
			mt, raw, n, err := handshake.Split(c.hsBuf, maxHandshakeMessage)
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
			c.hsBuf = c.hsBuf[n:]
			if len(c.hsBuf) > 0 && precedesKeyChange(mt) {
				return alert.New(alert.UnexpectedMessage, fmt.Sprintf(
					"tls: %s is followed by more handshake bytes in its record: handshake messages must not span a key change (RFC 8446, Section 5.1)", handshake.TypeName(mt)))
			}
			if err := c.handleMessage(mt, raw); err != nil {
				return err
			}
		}
		return nil
	case record.TypeApplicationData:
		if c.pendingIn != nil && !c.isClient {
			return c.readEarlyData(rec, payload)
		}
		if c.state != stateEstablished && c.state != stateClosed {
			return alert.New(alert.UnexpectedMessage, "tls: application data before the handshake finished")
		}
		if len(payload) > 0 {
			c.appData = append(c.appData, payload)
		}
		c.cfg.Trace.Add(StepApplication, c.actor, "Receives, authenticates and decrypts application data",
			trace.Hex("Record received", rec.Marshal(), "the outer type says application_data whatever it carries"),
			trace.Check("AEAD tag", true, "the tag matches: the record is authentic and unchanged"),
			trace.Text("Decrypted", string(payload), fmt.Sprintf("%d bytes", len(payload))))
		return nil
	}
	return alert.New(alert.UnexpectedMessage, "tls: unexpected record type "+record.TypeName(typ))
}

// precedesKeyChange reports whether a message of type t can be the last
// one under the current read key, and must therefore end its record (RFC
// 8446, Section 5.1: ClientHello, EndOfEarlyData, ServerHello, Finished and
// KeyUpdate). A HelloRetryRequest changes no key but is a ServerHello, and
// a ClientHello answered by one is a ClientHello: the rule holds for them
// too, as the RFC words it for the message types.
func precedesKeyChange(t uint8) bool {
	switch t {
	case handshake.TypeClientHello, handshake.TypeServerHello, handshake.TypeFinished,
		handshake.TypeKeyUpdate, handshake.TypeEndOfEarlyData:
		return true
	}
	return false
}

// skipEarlyData drops a 0-RTT record that this server, which accepts no
// early data, cannot decrypt (RFC 8446, Section 4.2.10): after a
// HelloRetryRequest, every application_data record before the second
// ClientHello; otherwise each record that fails to open under the client's
// handshake key, until one opens. At most maxEarlyDataSkipped bytes.
func (c *Conn) skipEarlyData(rec record.Record) error {
	if len(rec.Payload) > record.MaxPlaintext+256 {
		return alert.New(alert.RecordOverflow, fmt.Sprintf("tls: protected record of %d bytes is longer than 2^14 + 256 (RFC 8446, Section 5.2)", len(rec.Payload)))
	}
	c.earlySkipped += max(len(rec.Payload)-record.TagLen-1, 0)
	if c.earlySkipped > maxEarlyDataSkipped {
		return alert.New(alert.UnexpectedMessage, fmt.Sprintf(
			"tls: more than %d bytes of early data that cannot be decrypted: this server accepts no 0-RTT data and skips at most that much (RFC 8446, Section 4.2.10)", maxEarlyDataSkipped))
	}
	c.received = append(c.received, record.Out{Wire: rec.Marshal(), Name: "ApplicationData", Step: c.currentStep()})
	c.cfg.Trace.Add(c.currentStep(), c.actor, "Skips a 0-RTT early data record it cannot decrypt",
		trace.Text("Record", fmt.Sprintf("application_data, %d bytes", len(rec.Payload)), "sealed under the client's early traffic key, which this server does not have: it accepts no early data"),
		trace.Text("Skipped so far", fmt.Sprintf("at most %d of %d bytes", c.earlySkipped, maxEarlyDataSkipped), "RFC 8446, Section 4.2.10: skip up to a limit, then go on with the handshake"))
	return nil
}

func isBadRecordMAC(err error) bool {
	a, ok := alert.Of(err)
	return ok && a == alert.BadRecordMAC
}

func (c *Conn) handleAlert(p []byte) error {
	if len(p) != 2 {
		return alert.New(alert.DecodeError, "tls: malformed alert record")
	}
	a := alert.Alert(p[1])
	if a == alert.CloseNotify {
		c.peerClosed = true
		c.cfg.Trace.Add(StepApplication, c.actor, "Receives close_notify: the peer will send nothing more")
		if c.HandshakeComplete() {
			c.in.Discard()
			if c.state == stateClosed {
				c.discardKeys()
			}
			return nil
		}
		return &alert.Error{Alert: a, Received: true, Msg: "tls: peer closed the connection before the handshake finished"}
	}
	// Every other alert is fatal in TLS 1.3 (RFC 8446, Section 6.2).
	return &alert.Error{Alert: a, Received: true, Msg: "tls: the peer sent the alert " + a.String()}
}

func (c *Conn) handleMessage(typ uint8, raw []byte) error {
	switch c.state {
	case stateWaitClientHello:
		return c.expect(typ, handshake.TypeClientHello, raw, c.readClientHello)
	case stateWaitServerHello:
		return c.expect(typ, handshake.TypeServerHello, raw, c.readServerHello)
	case stateWaitEncryptedExtensions:
		return c.expect(typ, handshake.TypeEncryptedExtensions, raw, c.readEncryptedExtensions)
	case stateWaitCertificate:
		if typ == handshake.TypeCertificateRequest && c.isClient && c.certRequest == nil {
			return c.readCertificateRequest(raw)
		}
		return c.expect(typ, handshake.TypeCertificate, raw, c.readCertificate)
	case stateWaitCertificateVerify:
		return c.expect(typ, handshake.TypeCertificateVerify, raw, c.readCertificateVerify)
	case stateWaitFinished:
		return c.expect(typ, handshake.TypeFinished, raw, c.readServerFinished)
	case stateWaitClientFinished:
		if c.pendingIn != nil {
			return c.expect(typ, handshake.TypeEndOfEarlyData, raw, c.readEndOfEarlyData)
		}
		return c.expect(typ, handshake.TypeFinished, raw, c.readClientFinished)
	case stateEstablished, stateClosed:
		switch typ {
		case handshake.TypeNewSessionTicket:
			return c.readNewSessionTicket(raw)
		case handshake.TypeKeyUpdate:
			return c.readKeyUpdate(raw)
		case handshake.TypeCertificateRequest:
			return alert.New(alert.UnexpectedMessage, "tls: a CertificateRequest after the handshake, which this client did not allow: it sent no post_handshake_auth (RFC 8446, Section 4.6.2)")
		}
		return alert.New(alert.UnexpectedMessage, "tls: received "+handshake.TypeName(typ)+" after the handshake: only NewSessionTicket and KeyUpdate may come then (RFC 8446, Section 4.6)")
	}
	return handshake.ErrUnexpected(typ, "no handshake message")
}

func (c *Conn) expect(got, want uint8, raw []byte, read func([]byte) error) error {
	if got != want {
		return handshake.ErrUnexpected(got, handshake.TypeName(want))
	}
	return read(raw)
}

// sendHandshake adds a message to the transcript and queues it, one message
// per record, encrypted once handshake keys are on.
func (c *Conn) sendHandshake(raw []byte, name string, step int) []byte {
	c.transcript = append(c.transcript, raw...)
	var wire []byte
	for off := 0; off < len(raw); off += record.MaxPlaintext {
		end := min(off+record.MaxPlaintext, len(raw))
		wire = append(wire, c.queue(record.TypeHandshake, raw[off:end], name, step)...)
	}
	return wire
}

// queue protects (once keys are on) and queues one record.
func (c *Conn) queue(typ uint8, payload []byte, name string, step int) []byte {
	var rec record.Record
	enc := c.write != nil
	if enc {
		rec, _ = c.write.Seal13(typ, payload, 0)
	} else {
		rec = record.Record{Type: typ, Version: record.VersionTLS12, Payload: payload}
		if c.isClient && c.state == stateStart {
			rec.Version = record.VersionTLS10 // RFC 8446, Section 5.1: legacy_record_version of the first ClientHello
		}
	}
	w := rec.Marshal()
	c.out = append(c.out, record.Out{Wire: w, Name: name, Step: step, Encrypted: enc})
	return w
}

func (c *Conn) transcriptHash() []byte {
	h := c.suite.Hash.New()
	h.Write(c.transcript)
	return h.Sum(nil)
}

// setKeys installs a new protector for one direction from a traffic secret.
func (c *Conn) setKeys(secret []byte, write bool, node, who string) error {
	t := c.ks.Keys(c.suite, secret, node, who)
	p, err := record.New13(c.suite.AEAD, t.Key, t.IV)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot set up the record cipher", err)
	}
	if write {
		c.write.Discard()
		c.write = p
	} else {
		c.in.Discard()
		c.in = p
	}
	return nil
}

// Write sends application data, split into records of at most 16384 bytes.
func (c *Conn) Write(p []byte) ([]record.Detail, error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.state != stateEstablished {
		return nil, errors.New("tls: cannot send application data: the handshake has not finished or the connection is closed")
	}
	var details []record.Detail
	for off := 0; off < len(p) || off == 0; off += record.MaxPlaintext {
		end := min(off+record.MaxPlaintext, len(p))
		rec, d := c.write.Seal13(record.TypeApplicationData, p[off:end], 0)
		w := rec.Marshal()
		c.out = append(c.out, record.Out{Wire: w, Name: "ApplicationData", Step: StepApplication, Encrypted: true})
		details = append(details, d)
		c.cfg.Trace.Add(StepApplication, c.actor, "Encrypts and sends application data",
			trace.Text("Plaintext", string(p[off:end]), fmt.Sprintf("%d bytes", end-off)),
			trace.Text("Sequence number", fmt.Sprint(d.Seq), "counts records under this key; never sent, mixed into the nonce"),
			trace.Hex("Nonce", d.Nonce, "the traffic IV XOR the sequence number: nothing of it is sent"),
			trace.Hex("Additional data", d.AAD, "the record header itself: type 23, version 0x0303, length"),
			trace.Hex("Ciphertext", d.Ciphertext, c.suite.Cipher+" encryption of the plaintext and its real content type (one byte, 0x17)"),
			trace.Hex("Tag", d.Tag, "16-byte authentication tag"),
			trace.Hex("Record on the wire", w, "header + ciphertext + tag"))
		if len(p) == 0 {
			break
		}
	}
	return details, nil
}

// Close sends close_notify and discards this side's write key.
func (c *Conn) Close() error {
	if c.err != nil {
		return c.err
	}
	if c.state == stateClosed {
		return nil
	}
	c.queue(record.TypeAlert, []byte{byte(alert.LevelWarning), byte(alert.CloseNotify)}, "Alert", StepApplication)
	c.state = stateClosed
	c.write.Discard()
	what := "its write key and IV are overwritten with zeros and its write cipher dropped; it still reads until the peer's close_notify"
	if c.peerClosed {
		c.discardKeys()
		what = "every traffic key, IV and secret it held overwritten with zeros; both cipher objects dropped"
	}
	c.cfg.Trace.Add(StepApplication, c.actor, "Sends close_notify and discards its keys",
		trace.Text("Keys", what, "the ephemeral private key and the shared secret were already zeroed in step 5, right after the handshake secret was derived"),
		trace.Text("What Go cannot promise", "copies outside the engine's reach", "the AES or ChaCha20 key schedule inside a dropped cipher object, and the copies crypto/ecdh and crypto/mlkem made of the private key, wait for the garbage collector; this page's trace is a teaching copy a real implementation would not keep"))
	return nil
}

// discardKeys overwrites every secret the connection still holds with
// zeros and drops the record ciphers (at close, or when it fails).
func (c *Conn) discardKeys() {
	c.write.Discard()
	c.in.Discard()
	c.pendingIn.Discard()
	c.pendingWrite.Discard()
	if c.ks != nil {
		for _, b := range [][]byte{c.ks.Early, c.ks.Handshake, c.ks.Master, c.ks.ClientHandshake, c.ks.ServerHandshake,
			c.ks.ClientApp, c.ks.ServerApp, c.ks.Exporter, c.ks.Resumption, c.clientTraffic, c.serverTraffic,
			c.ks.BinderKey, c.ks.ClientEarly, c.psk} {
			clear(b)
		}
	}
	for _, p := range c.privates {
		p.Erase()
	}
	c.mine.Erase()
	clear(c.shared)
}

// KeyUpdate sends a KeyUpdate and moves this side's write key to the next
// generation (RFC 8446, Section 4.6.3); with request, the peer is asked to
// update its own.
func (c *Conn) KeyUpdate(request bool) error {
	if c.err != nil {
		return c.err
	}
	if c.state != stateEstablished {
		return errors.New("tls: KeyUpdate needs an established connection")
	}
	m := &handshake.KeyUpdate{UpdateRequest: request}
	m.Raw = m.Marshal()
	c.queue(record.TypeHandshake, m.Raw, "KeyUpdate", StepApplication)
	return c.updateTraffic(true, request)
}

// updateTraffic moves one direction to the next traffic secret.
func (c *Conn) updateTraffic(write, requested bool) error {
	clientSide := c.isClient == write // which direction's secret moves
	secret := &c.serverTraffic
	who := "server"
	if clientSide {
		secret, who = &c.clientTraffic, "client"
	}
	old := *secret
	*secret = NextTrafficSecret(c.suite.Hash, old)
	c.keyUpdates++
	node := fmt.Sprintf("%s_ap_%d", who[:1], c.keyUpdates)
	c.ks.add(trace.Node(node, who+"_application_traffic_secret_N+1", *secret, true, `HKDF-Expand-Label("traffic upd")`, c.ks.Nodes[len(c.ks.Nodes)-1].ID))
	if err := c.setKeys(*secret, write, node, who); err != nil {
		return err
	}
	verb := "Receives KeyUpdate and moves its read key"
	if write {
		verb = "Sends KeyUpdate and moves its write key"
	}
	c.cfg.Trace.Add(StepApplication, c.actor, verb+" to the next generation",
		trace.Secret("Old "+who+" traffic secret", old, ""),
		trace.Secret("New "+who+" traffic secret", *secret, `HKDF-Expand-Label(old, "traffic upd", "", Hash.length)`),
		trace.Check("Update requested from the peer", requested, "when set, the peer answers with its own KeyUpdate"))
	clear(old)
	return nil
}

func (c *Conn) readKeyUpdate(raw []byte) error {
	m, err := handshake.UnmarshalKeyUpdate(raw)
	if err != nil {
		return err
	}
	if err := c.updateTraffic(false, m.UpdateRequest); err != nil {
		return err
	}
	if m.UpdateRequest && c.state == stateEstablished {
		return c.KeyUpdate(false)
	}
	return nil
}
