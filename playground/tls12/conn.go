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
	"fmt"
	"io"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/conn"
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

// Erasure says what the connection overwrote with zeros, and at which
// teaching step (Conn.Erasures).
type Erasure = conn.Erasure

// Conn is one endpoint of a TLS 1.2 connection. The records, alerts,
// output queue, application data and close_notify are the shared
// connection core's (package conn); the read key is on after the peer's
// ChangeCipherSpec, the write key after ours.
type Conn struct {
	conn.Core
	cfg   *Config
	state state

	nextIn  *record.Protector // keys waiting for the peer's ChangeCipherSpec
	nextOut *record.Protector // keys waiting for our ChangeCipherSpec

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

}

// Client returns the client end of a connection. Call Start to send the
// ClientHello.
func Client(cfg *Config) *Conn { return newConn(cfg, true, stateStart) }

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
	c.AddTranscript(clientHello)
	c.state = stateWaitServerHello
	c.HelloSent()
	return c, nil
}

// Server returns the server end of a connection, waiting for a ClientHello.
func Server(cfg *Config) *Conn { return newConn(cfg, false, stateWaitClientHello) }

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

// PeerChain returns the certificates the server sent (client side).
func (c *Conn) PeerChain() [][]byte { return c.peerChain }

// sendChangeCipherSpec sends the (unprotected) ChangeCipherSpec and turns
// on this side's write protection for every record after it.
func (c *Conn) sendChangeCipherSpec(step int) []byte {
	w := c.Queue(record.TypeChangeCipherSpec, []byte{1}, "ChangeCipherSpec", step)
	c.SetWriteKey(c.nextOut)
	c.nextOut = nil
	return w
}

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
		what = append([]string{"the " + c.Actor() + "'s ephemeral private key (" + c.eph.Group.Name + ")"}, what...)
	}
	c.Erased(step, what)
	vals := []trace.Value{trace.List("Overwritten with zeros", what, note)}
	if c.eph != nil {
		vals = append(vals, trace.Text("Key object", "dropped", "crypto/ecdh keeps its own copy of the private key inside the key object; Go cannot zero it, so it waits for the garbage collector, which may also have copied memory earlier"))
	} else if !c.IsClient() {
		vals = append(vals, trace.Text("Forward secrecy", "none", "erasing it does not help against a later theft: the server's RSA key decrypts the recorded ClientKeyExchange again"))
	}
	vals = append(vals, trace.Text("This page", "still shows the values", "the trace is a teaching copy that a real implementation would not keep"))
	c.cfg.Trace.Add(step, c.Actor(), title, vals...)
}

// discardKeys overwrites the secrets beyond the record protectors (the
// core discards those) with zeros.
func (c *Conn) discardKeys() {
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
	if c.IsClient() {
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
		c.sec.SessionHash = c.TranscriptHash()
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
		trace.Secret("client_write_IV", k.ClientWriteIV, ivNote(s)+" the client's records"),
		trace.Secret("server_write_IV", k.ServerWriteIV, ivNote(s)+" the server's records"))
	c.cfg.Trace.Add(step, c.Actor(), "Derives the master secret and the session keys with the TLS 1.2 PRF ("+s.HashName()+")", vals...)
	c.eraseKeyExchange(step)
}
