package tls13

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"tlsplayground/playground/conn"
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
	// NoScheduleCopies has the key schedule keep no teaching copies of its
	// values (Schedule.Nodes stays empty): for an end whose tree nobody
	// draws, such as the server of a session, whose page shows the
	// client's tree (its events still show the secrets).
	NoScheduleCopies bool

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

// Conn is one end of a TLS 1.3 connection. The records, alerts, output
// queue, application data and close_notify are the shared connection
// core's (package conn).
type Conn struct {
	conn.Core
	cfg   *Config
	state state

	suite  *suites.Suite
	group  *kx.Group
	scheme *sigscheme.Scheme
	ks     *Schedule
	share  *Share

	clientRandom, serverRandom, sessionID []byte
	hello                                 *handshake.ClientHello
	helloRetry                            bool
	retryGroup                            *kx.Group // the group a server's HelloRetryRequest asked for
	certRequest                           *handshake.CertificateRequest13
	privates                              map[uint16]*kx.Private // the client's key shares by group
	mine                                  *kx.Private            // the server's key share
	shared                                []byte                 // the (EC)DHE shared secret, until the handshake secret is derived
	beforeErase                           func()                 // tests only (export_test.go)
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
type Erasure = conn.Erasure

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
	c.Erased(step, what)
	c.cfg.Trace.Add(step, c.Actor(), "Erases its ephemeral private key and the shared secret",
		trace.List("Overwritten with zeros", what, "in the engine's own memory, right after the handshake and master secrets were derived: nothing later needs them"),
		trace.Text("Key objects", "dropped", "crypto/ecdh and crypto/mlkem keep their own copies inside the key objects; Go cannot zero those, so they wait for the garbage collector, which may also have copied memory earlier"),
		trace.Text("This page", "still shows the values", "the trace is a teaching copy that a real implementation would not keep"))
}

// Client returns the client end of a connection; Start sends ClientHello.
func Client(cfg *Config) *Conn { return newConn(cfg, true, stateStart) }

// Server returns the server end, waiting for a ClientHello.
func Server(cfg *Config) *Conn { return newConn(cfg, false, stateWaitClientHello) }

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

// PeerChain returns the certificates the server sent (client side).
func (c *Conn) PeerChain() [][]byte { return c.peerChain }

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

// setKeys installs a new protector for one direction from a traffic
// secret, and returns its key and IV.
func (c *Conn) setKeys(secret []byte, write bool, node, who string) (TrafficKeys, error) {
	p, t, err := c.protector(secret, node, who)
	if err != nil {
		return t, err
	}
	if write {
		c.WriteKey().Discard()
		c.SetWriteKey(p)
	} else {
		c.ReadKey().Discard()
		c.SetReadKey(p)
	}
	return t, nil
}

// discardKeys overwrites every secret the connection still holds with
// zeros and drops the record ciphers (at close, or when it fails).
func (c *Conn) discardKeys() {
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
	if err := c.Err(); err != nil {
		return err
	}
	if c.Phase() != conn.Established {
		return errors.New("tls: KeyUpdate needs an established connection")
	}
	m := &handshake.KeyUpdate{UpdateRequest: request}
	m.Raw = m.Marshal()
	c.Queue(record.TypeHandshake, m.Raw, "KeyUpdate", StepApplication)
	return c.updateTraffic(true, request)
}

// updateTraffic moves one direction to the next traffic secret.
func (c *Conn) updateTraffic(write, requested bool) error {
	clientSide := c.IsClient() == write // which direction's secret moves
	secret := &c.serverTraffic
	who := "server"
	if clientSide {
		secret, who = &c.clientTraffic, "client"
	}
	old := *secret
	*secret = NextTrafficSecret(c.suite.Hash, old)
	c.keyUpdates++
	node := fmt.Sprintf("%s_ap_%d", who[:1], c.keyUpdates)
	c.ks.record(node, who+"_application_traffic_secret_N+1", *secret, true, `HKDF-Expand-Label("traffic upd")`, nil, c.ks.lastID())
	if _, err := c.setKeys(*secret, write, node, who); err != nil {
		return err
	}
	verb := "Receives KeyUpdate and moves its read key"
	if write {
		verb = "Sends KeyUpdate and moves its write key"
	}
	c.cfg.Trace.Add(StepApplication, c.Actor(), verb+" to the next generation",
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
	if m.UpdateRequest && c.Phase() == conn.Established {
		return c.KeyUpdate(false)
	}
	return nil
}
