package tls12

import (
	"crypto"
	"crypto/ecdsa"
	"fmt"
	"io"
	"strings"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// ECDHE is one side's record of an ephemeral elliptic-curve Diffie-Hellman
// exchange (RFC 8422), for the page and the session export. Private is this
// side's ephemeral private key and Shared the ECDH result, which is the
// pre-master secret. Both are teaching copies, which a real implementation
// would not keep: the connection's own private key and shared secret are
// overwritten with zeros as soon as the master secret is derived (see
// Erasures), and these copies when it discards its keys at the end.
type ECDHE struct {
	Group         *kx.Group
	ClientPublic  []byte
	ServerPublic  []byte
	Private       []byte
	Shared        []byte
	Scheme        *sigscheme.Scheme
	Signature     []byte
	SignedMessage []byte // client random + server random + ServerECDHParams
	SignatureOK   bool   // the client verified it (the server made it)
}

// ECDHE returns a copy of the key exchange so far, or nil when the suite is
// RSA key transport or no ServerKeyExchange was made or received yet.
func (c *Conn) ECDHE() *ECDHE {
	if c.kex == nil {
		return nil
	}
	k := *c.kex
	k.ClientPublic, k.ServerPublic, k.Private, k.Shared = cp(k.ClientPublic), cp(k.ServerPublic), cp(k.Private), cp(k.Shared)
	k.Signature, k.SignedMessage = cp(k.Signature), cp(k.SignedMessage)
	return &k
}

// ECDHEShared returns the key exchange's private key and shared secret as
// the connection holds them, the very slices (it overwrites them with
// zeros when it erases them): callers copy what they keep and modify
// nothing. Both are nil before the key exchange.
func (c *Conn) ECDHEShared() (private, shared []byte) {
	if c.kex == nil {
		return nil, nil
	}
	return c.kex.Private, c.kex.Shared
}

func cp(b []byte) []byte { return append([]byte(nil), b...) }

// ecdheChoice is what the server can use for ECDHE with this client: a
// group and a signature scheme, or why not.
type ecdheChoice struct {
	group        *kx.Group
	scheme       *sigscheme.Scheme
	groupWhy     string   // why this group, or why none
	schemeWhy    string   // why this scheme, or why none
	clientGroups []uint16 // nil when the client sent no supported_groups
}

// negotiateECDHE reads the client's supported_groups, ec_point_formats and
// signature_algorithms (RFC 8422, Section 5.1; RFC 5246, Section
// 7.4.1.4.1) and picks the server's first group and first scheme that the
// client also offers and that fit the server's key.
func (c *Conn) negotiateECDHE(m *handshake.ClientHello) (ecdheChoice, error) {
	var ch ecdheChoice
	mine := c.cfg.groups()
	data, sentGroups := handshake.Find(m.Extensions, handshake.ExtSupportedGroups)
	var theirs []uint16
	if sentGroups {
		var ok bool
		if theirs, ok = handshake.ParseUint16List(data, 2); !ok {
			return ch, alert.New(alert.DecodeError, "tls: malformed supported_groups extension")
		}
		ch.clientGroups = theirs
	}
	if d, ok := handshake.Find(m.Extensions, handshake.ExtECPointFormats); ok {
		f, ok := handshake.ParsePointFormats(d)
		if !ok {
			return ch, alert.New(alert.DecodeError, "tls: malformed ec_point_formats extension")
		}
		if !containsByte(f, handshake.PointFormatUncompressed) {
			return ch, alert.New(alert.IllegalParameter, "tls: the client's ec_point_formats leaves out uncompressed points, which every client must accept (RFC 8422, Section 5.1.2)")
		}
	}
	switch {
	case len(mine) == 0:
		ch.groupWhy = "the server enables no TLS 1.2 group (X25519MLKEM768 exists only in TLS 1.3)"
	case !sentGroups:
		ch.group = mine[0]
		ch.groupWhy = "the client sent no supported_groups, so the server may pick any (RFC 8422, Section 4): it takes its first"
	default:
		for _, g := range mine {
			if containsUint16(theirs, g.ID) {
				ch.group = g
				break
			}
		}
		if ch.group != nil {
			ch.groupWhy = "the server's first group that the client also offers (" + namesOf(theirs, kx.NameOf) + ")"
		} else {
			ch.groupWhy = fmt.Sprintf("no group in common: the client offers %s, the server %s", namesOf(theirs, kx.NameOf), strings.Join(groupNames(mine), ", "))
		}
	}

	key := c.serverKey()
	d, sentSchemes := handshake.Find(m.Extensions, handshake.ExtSignatureAlgorithms)
	switch {
	case key == nil:
		ch.schemeWhy = "the server has no private key to sign with"
	case !sentSchemes:
		ch.schemeWhy = "the client sent no signature_algorithms, which in TLS 1.2 means SHA-1 signatures, and this engine signs with none (RFC 5246, Section 7.4.1.4.1)"
	default:
		ids, ok := handshake.ParseUint16List(d, 2)
		if !ok {
			return ch, alert.New(alert.DecodeError, "tls: malformed signature_algorithms extension")
		}
		s, err := sigscheme.Choose(c.cfg.schemes(), ids, key.Public(), false)
		if err != nil {
			ch.schemeWhy = fmt.Sprintf("no signature scheme the client accepts (%s) fits the server's %s key", namesOf(ids, sigscheme.NameOf), publicKeyName(key.Public()))
		} else {
			ch.scheme = s
			ch.schemeWhy = "the server's first scheme that the client accepts and that fits its " + publicKeyName(key.Public()) + " key"
		}
	}
	return ch, nil
}

// usableSuites keeps the enabled suites this server can run with this
// client: RSA key transport needs an RSA key; ECDHE needs a key of the
// suite's kind (RFC 8422, Section 2), a shared group and a shared signature
// scheme; an ECDSA certificate's own curve must be one the client lists in
// supported_groups (RFC 8422, Section 5.1: the server must not pick an ECC
// suite the client could not complete). It also says, for each suite the
// client offered, why it is left out, and returns the distinct reasons.
func (c *Conn) usableSuites(ec ecdheChoice) (usable []*suites.Suite, unusable, reasons []string) {
	key := c.serverKey()
	keyDesc := "no key"
	if key != nil {
		keyDesc = publicKeyName(key.Public())
	}
	for _, s := range c.cfg.suites() {
		why := ""
		switch {
		case s.KeyExchange == suites.RSA && c.cfg.rsaKey() == nil:
			why = "RSA key transport needs an RSA key; this server's is " + keyDesc
		case s.ForwardSecret() && (key == nil || !keyFits(s, key.Public())):
			why = fmt.Sprintf("needs %s certificate key; this server's is %s", keyNeeded(s), keyDesc)
		case s.ForwardSecret() && ec.group == nil:
			why = ec.groupWhy
		case s.ForwardSecret() && ec.scheme == nil:
			why = ec.schemeWhy
		case s.KeyExchange == suites.ECDHEECDSA && !certCurveOffered(key.Public(), ec.clientGroups):
			why = "the certificate's ECDSA key is on " + kx.NameOf(curveID(key.Public().(*ecdsa.PublicKey).Curve)) + ", which the client's supported_groups (" + namesOf(ec.clientGroups, kx.NameOf) + ") leaves out"
		}
		if why == "" {
			usable = append(usable, s)
			continue
		}
		if containsUint16(c.offered, s.ID) {
			unusable = append(unusable, s.Name+": "+why)
			if !containsString(reasons, why) {
				reasons = append(reasons, why)
			}
		}
	}
	return usable, unusable, reasons
}

// certCurveOffered reports whether an ECDSA key's curve is in the client's
// supported_groups; other keys, or no extension, impose nothing.
func certCurveOffered(pub crypto.PublicKey, clientGroups []uint16) bool {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok || clientGroups == nil {
		return true
	}
	return containsUint16(clientGroups, curveID(k.Curve))
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// serverKey returns the server's certificate key, or nil.
func (c *Conn) serverKey() crypto.Signer { return c.cfg.signer() }

// sharedNote says how the group computes the shared secret.
func sharedNote(g *kx.Group, mine, theirs string) string {
	if g == kx.P256 {
		return fmt.Sprintf("the x coordinate of %s private key × %s public point (RFC 8422, Section 5.10)", mine, theirs)
	}
	return fmt.Sprintf("X25519(%s private key, %s public key) (RFC 7748)", mine, theirs)
}

func publicNote(g *kx.Group) string {
	if g == kx.P256 {
		return "65 bytes: 04 + x + y, the private scalar times the curve's base point (uncompressed)"
	}
	return "32 bytes: X25519(private key, 9), the private key times the base point"
}

// ServerEphemeral makes again the ephemeral key a TLS 1.2 ECDHE server of
// this engine makes from rand (its Config.Rand): the server draws its
// 32-byte random first (sendServerHello), then this key
// (sendServerKeyExchange), and nothing in between. Whoever holds the
// server's randomness (the seed sealed in an HTTP server's token) holds
// the key; package eve shows it.
func ServerEphemeral(rand io.Reader, g *kx.Group) (*kx.Private, error) {
	var random [32]byte
	if _, err := io.ReadFull(rand, random[:]); err != nil {
		return nil, err
	}
	return g.Generate(rand)
}

// sendServerKeyExchange is the server's half of step 5 (RFC 8422, Section
// 5.4): a fresh key pair on the chosen group, its public half sent with a
// signature by the certificate's key over both randoms and the parameters.
func (c *Conn) sendServerKeyExchange() error {
	eph, err := c.group.Generate(c.cfg.Rand)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot make the server's ephemeral "+c.group.Name+" key", err)
	}
	c.eph = eph
	m := &handshake.ServerKeyExchange{Group: c.group.ID, Public: eph.Public, Scheme: c.scheme.ID}
	signed := m.SignedMessage(c.sec.ClientRandom, c.sec.ServerRandom)
	sig, err := c.scheme.Sign(c.cfg.Rand, c.serverKey(), signed)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot sign the ServerKeyExchange with "+c.scheme.Name, err)
	}
	m.Signature = sig
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "ServerKeyExchange", StepKeyExchange)
	c.kex = &ECDHE{Group: c.group, ServerPublic: eph.Public, Private: cp(eph.Secret), Scheme: c.scheme,
		Signature: sig, SignedMessage: signed, SignatureOK: true}
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepKeyExchange, c.Actor(), "Makes an ephemeral "+c.group.Name+" key pair, signs the public key with the certificate's key and sends ServerKeyExchange",
			trace.Text("Group", c.group.Name, c.group.Note),
			trace.Secret("Server ephemeral private key", eph.Secret, "fresh for this connection and never sent; overwritten with zeros as soon as the master secret is derived, so a key stolen later cannot rebuild this session (forward secrecy)"),
			trace.Hex("Server ephemeral public key", eph.Public, publicNote(c.group)),
			trace.Hex("Signed data", signed, "client random + server random + ServerECDHParams (curve type 3, group, public key): the randoms tie the key to this handshake"),
			trace.Text("Signature scheme", c.scheme.Name, "one the client listed in signature_algorithms"),
			trace.Hex("Signature", sig, "made with the certificate's private key: proves the ephemeral key comes from the certificate's owner"),
			trace.Frozen("Record on the wire", wire, ""))
	}
	return nil
}

// readServerKeyExchange is the client's check in step 5: the group and
// scheme must be ones it offered, and the signature over both randoms and
// the server's ephemeral public key must verify with the certificate's key
// (RFC 8422, Section 5.4). A bad signature is decrypt_error (RFC 5246,
// Section 7.2.2).
func (c *Conn) readServerKeyExchange(raw []byte) error {
	m, err := handshake.UnmarshalServerKeyExchange(raw)
	if err != nil {
		return err
	}
	g := kx.ByID(m.Group)
	if g == nil || !containsGroup(c.cfg.groups(), g) {
		if containsUint16(c.certOnly, m.Group) {
			return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: server chose the group %s for ECDHE, which the client listed in supported_groups for ECDSA certificates only: it cannot make an ephemeral key on it", kx.NameOf(m.Group)))
		}
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: server chose the group %s, which the client did not offer", kx.NameOf(m.Group)))
	}
	scheme := sigscheme.ByID(m.Scheme)
	if scheme == nil || !containsScheme(c.cfg.schemes(), scheme) {
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: server signed its key exchange with %s, which the client did not offer", sigscheme.NameOf(m.Scheme)))
	}
	if !fits12(scheme, c.peerKey) {
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: server signed with %s, which does not fit its certificate's %s key", scheme.Name, publicKeyName(c.peerKey)))
	}
	signed := m.SignedMessage(c.sec.ClientRandom, c.sec.ServerRandom)
	verr := verify12(scheme, c.peerKey, signed, m.Signature)
	ok := verr == nil
	c.kex = &ECDHE{Group: g, ServerPublic: m.Public, Scheme: scheme, Signature: m.Signature, SignedMessage: signed, SignatureOK: ok}
	verdict := "verified with the " + publicKeyName(c.peerKey) + " key of the certificate checked in step 3: the ephemeral key is the server's, unchanged"
	if !ok {
		verdict = "does not verify with the certificate's key: the key exchange was changed on the way, or the server does not hold the certificate's private key"
	}
	c.cfg.Trace.Add(StepKeyExchange, c.Actor(), "Receives ServerKeyExchange and checks its signature with the certificate's public key",
		trace.Text("Group", g.Name, g.Note),
		trace.Hex("Server ephemeral public key", m.Public, publicNote(g)),
		trace.Text("Signature scheme", scheme.Name, ""),
		trace.Hex("Signature", m.Signature, ""),
		trace.Hex("Signed data", signed, "client random + server random + ServerECDHParams, rebuilt by the client"),
		trace.Check("Signature", ok, verdict))
	if !ok {
		return alert.Wrap(alert.DecryptError, "tls: the ServerKeyExchange signature does not verify with the certificate's key: the server's ephemeral key was changed on the way, or the server does not hold the certificate's private key", verr)
	}
	c.AddTranscript(raw)
	c.group, c.scheme = g, scheme
	c.state = stateWaitServerHelloDone
	return nil
}

func containsGroup(list []*kx.Group, g *kx.Group) bool {
	for _, x := range list {
		if x == g {
			return true
		}
	}
	return false
}

func containsScheme(list []*sigscheme.Scheme, s *sigscheme.Scheme) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sendClientKeyExchangeECDHE is the client's half of step 5: its own
// ephemeral key pair on the server's group; the shared secret computed with
// the server's public key is the pre-master secret, and only the client's
// public key is sent (RFC 8422, Sections 5.7 and 5.10).
func (c *Conn) sendClientKeyExchangeECDHE() error {
	eph, err := c.group.Generate(c.cfg.Rand)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot make the client's ephemeral "+c.group.Name+" key", err)
	}
	c.eph = eph
	shared, err := eph.Shared(c.kex.ServerPublic)
	if err != nil {
		return alert.Wrap(alert.IllegalParameter, "tls: the server's ephemeral public key is not a usable "+c.group.Name+" key", err)
	}
	c.sec.PreMaster = shared
	c.kex.ClientPublic, c.kex.Private, c.kex.Shared = eph.Public, cp(eph.Secret), cp(shared)
	m := &handshake.ClientKeyExchangeECDHE{Public: eph.Public}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "ClientKeyExchange", StepKeyExchange)
	c.cfg.Trace.Add(StepKeyExchange, c.Actor(), "Makes its own ephemeral key pair, computes the shared secret and sends its public key in ClientKeyExchange",
		trace.Text("Group", c.group.Name, "the server's choice"),
		trace.Secret("Client ephemeral private key", eph.Secret, "fresh for this connection and never sent; overwritten with zeros as soon as the master secret is derived"),
		trace.Hex("Client ephemeral public key", eph.Public, publicNote(c.group)),
		trace.Secret("Shared secret", shared, sharedNote(c.group, "the client's", "the server's")+": the pre-master secret; it never travels"),
		trace.Frozen("Record on the wire", wire, "an eavesdropper sees both public keys and still cannot compute the shared secret"))
	return nil
}

// readClientKeyExchangeECDHE is the server's end of step 5: the client's
// public key and the server's private key give the same shared secret.
// A point that is not on the curve, or that gives an all-zero secret, is
// illegal_parameter.
func (c *Conn) readClientKeyExchangeECDHE(raw []byte) error {
	m, err := handshake.UnmarshalClientKeyExchangeECDHE(raw)
	if err != nil {
		return err
	}
	shared, err := c.eph.Shared(m.Public)
	if err != nil {
		return alert.Wrap(alert.IllegalParameter, "tls: the client's ephemeral public key is not a usable "+c.group.Name+" key", err)
	}
	c.AddTranscript(raw)
	c.sec.PreMaster = shared
	c.kex.ClientPublic, c.kex.Shared = m.Public, cp(shared)
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepKeyExchange, c.Actor(), "Receives the client's ephemeral public key and computes the same shared secret",
			trace.Hex("Client ephemeral public key", m.Public, "from ClientKeyExchange"),
			trace.Secret("Shared secret", shared, sharedNote(c.group, "the server's", "the client's")+": the same bytes the client computed, now the pre-master secret"))
	}
	c.deriveKeys(StepEstablish)
	if err := c.activateKeys(); err != nil {
		return err
	}
	c.state = stateWaitChangeCipherSpec
	return nil
}
