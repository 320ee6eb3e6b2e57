package tls13

import (
	"bytes"
	"crypto/hmac"
	"fmt"
	"io"
	"net"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// describers names the lists inside extensions for the trace.
var describers = handshake.Describers{Group: kx.NameOf, Scheme: sigscheme.NameOf, Version: handshake.VersionName}

// sendClientHello is step 1: the client's random, its suites, and a key
// share for the group it guesses the server will take (RFC 8446, Section 4.1.2).
func (c *Conn) sendClientHello() error {
	c.clientRandom = make([]byte, 32)
	c.sessionID = make([]byte, 32) // a legacy session ID, for middlebox compatibility (Appendix D.4)
	if _, err := io.ReadFull(c.cfg.Rand, c.clientRandom); err != nil {
		return alert.Wrap(alert.InternalError, "tls: no randomness for the client random", err)
	}
	if _, err := io.ReadFull(c.cfg.Rand, c.sessionID); err != nil {
		return alert.Wrap(alert.InternalError, "tls: no randomness", err)
	}
	shareGroups := c.cfg.KeyShares
	if len(shareGroups) == 0 {
		shareGroups = c.cfg.groups()[:1]
	}
	c.privates = map[uint16]*kx.Private{}
	var shares []handshake.KeyShareEntry
	c.pskOffered = c.offerTicket()
	if c.pskOffered && c.cfg.PSKOnly {
		shareGroups = nil // psk_ke: an empty key_share (RFC 8446, Section 4.2.8 allows it)
	}
	for _, g := range shareGroups {
		p, err := g.Generate(c.cfg.Rand)
		if err != nil {
			return alert.Wrap(alert.InternalError, "tls: cannot make a key share", err)
		}
		c.privates[g.ID] = p
		shares = append(shares, handshake.KeyShareEntry{Group: g.ID, Data: p.Public})
	}
	m := c.buildClientHello(shares, nil)
	wire := c.SendHandshake(m.Raw, "ClientHello", StepHello)
	c.hello = m
	c.state = stateWaitServerHello

	vals := []trace.Value{
		trace.Text("Versions", "TLS 1.3 (0x0304), in supported_versions", "legacy_version still says TLS 1.2 (0x0303), for old middleboxes"),
		trace.Hex("Client random", c.clientRandom, "32 fresh random bytes"),
		trace.Hex("Legacy session ID", c.sessionID, "random; only there so that middleboxes see a familiar TLS 1.2 shape"),
		trace.List("Offered cipher suites", suites.Names(c.cfg.suites()), "TLS 1.3 suites name only the AEAD and the hash"),
	}
	for _, g := range shareGroups {
		p := c.privates[g.ID]
		vals = append(vals,
			trace.Secret("Ephemeral private key ("+g.Name+")", p.Secret, "made for this connection only and never sent; overwritten with zeros as soon as the handshake secret is derived from it"),
			trace.Hex("Key share ("+g.Name+")", p.Public, g.Note))
	}
	vals = append(vals,
		trace.List("Extensions", describeHello(m.Extensions), ""),
		trace.Frozen("Record on the wire", wire, "in the clear"))
	title := "Sends ClientHello with its key share already inside"
	if c.pskOffered {
		vals = append(vals, c.pskValues(m)...)
		title = "Sends ClientHello offering its ticket (pre_shared_key)"
		if c.cfg.PSKOnly {
			title = "Sends ClientHello offering its ticket with psk_ke: no key share"
		}
	}
	c.cfg.Trace.Add(StepHello, c.Actor(), title, vals...)
	if c.pskOffered && len(c.cfg.EarlyData) > 0 && c.cfg.Resume.MaxEarlyData > 0 {
		return c.sendEarlyData(m)
	}
	return nil
}

// buildClientHello marshals a ClientHello with the given key shares (and
// the server's cookie after a HelloRetryRequest).
func (c *Conn) buildClientHello(shares []handshake.KeyShareEntry, cookie []byte) *handshake.ClientHello {
	m := &handshake.ClientHello{Version: record.VersionTLS12, Random: c.clientRandom, SessionID: c.sessionID, Compression: []uint8{0}}
	for _, s := range c.cfg.suites() {
		m.CipherSuites = append(m.CipherSuites, s.ID)
	}
	versions := []uint16{suites.VersionTLS13}
	if len(c.cfg.TLS12Suites) > 0 {
		versions = append(versions, suites.VersionTLS12)
		for _, s := range c.cfg.TLS12Suites {
			m.CipherSuites = append(m.CipherSuites, s.ID)
		}
	}
	var groups, schemes []uint16
	for _, g := range c.cfg.groups() {
		groups = append(groups, g.ID)
	}
	for _, s := range c.cfg.schemes() {
		schemes = append(schemes, s.ID)
	}
	var exts []handshake.Extension
	if c.cfg.ServerName != "" && net.ParseIP(c.cfg.ServerName) == nil { // no IP addresses in SNI (RFC 6066, Section 3)
		exts = append(exts, handshake.Extension{Type: handshake.ExtServerName, Data: handshake.ServerNameExtension(c.cfg.ServerName)})
	}
	exts = append(exts,
		handshake.Extension{Type: handshake.ExtSupportedVersions, Data: handshake.MarshalUint16List(versions, 1)},
		handshake.Extension{Type: handshake.ExtSupportedGroups, Data: handshake.MarshalUint16List(groups, 2)},
		handshake.Extension{Type: handshake.ExtSignatureAlgorithms, Data: handshake.MarshalUint16List(schemes, 2)},
		handshake.Extension{Type: handshake.ExtKeyShare, Data: handshake.MarshalClientKeyShares(shares)})
	if c.cfg.WebPKI {
		// Asks for a stapled OCSP response (RFC 8446, Section 4.4.2.1).
		exts = append(exts, handshake.Extension{Type: handshake.ExtStatusRequest, Data: handshake.StatusRequestOCSP})
	}
	if cookie != nil {
		exts = append(exts, handshake.Extension{Type: handshake.ExtCookie, Data: cookie})
	}
	if len(c.cfg.TLS12Suites) > 0 {
		// What a TLS 1.2 server needs too (RFC 8422, RFC 7627, RFC 5746).
		exts = append(exts,
			handshake.Extension{Type: handshake.ExtECPointFormats, Data: []byte{1, 0}},
			handshake.Extension{Type: handshake.ExtExtendedMasterSecret},
			handshake.Extension{Type: handshake.ExtRenegotiationInfo, Data: []byte{0}})
	}
	m.Extensions = exts
	if c.cfg.helloHook != nil {
		c.cfg.helloHook(m, c.hello != nil)
	}
	if c.hello == nil && !c.pskOffered && c.cfg.AcceptTickets {
		exts = append(exts, handshake.Extension{Type: handshake.ExtPSKModes, Data: []byte{1, pskModeDHEKE}})
		m.Extensions = exts
	}
	if c.hello != nil {
		// psk_key_exchange_modes stays in the second ClientHello even when
		// the ticket goes (RFC 8446, Section 4.1.2).
		_, has := handshake.Find(m.Extensions, handshake.ExtPSKModes)
		if d, ok := handshake.Find(c.hello.Extensions, handshake.ExtPSKModes); ok && !has {
			m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtPSKModes, Data: d})
		}
	}
	m.Raw = m.Marshal()
	if c.pskOffered && c.hello == nil {
		c.addPSK(m)
	}
	return m
}

// readServerHello reads the ServerHello, or a HelloRetryRequest, which is
// a ServerHello with a special random (RFC 8446, Section 4.1.3).
func (c *Conn) readServerHello(raw []byte) error {
	m, err := handshake.UnmarshalServerHello(raw)
	if err != nil {
		return err
	}
	vd, ok := handshake.Find(m.Extensions, handshake.ExtSupportedVersions)
	if !ok {
		return alert.New(alert.ProtocolVersion, fmt.Sprintf("tls: the server answered with %s, not TLS 1.3: this client speaks only TLS 1.3 in this mode", handshake.VersionName(m.Version)))
	}
	if len(vd) != 2 || uint16(vd[0])<<8|uint16(vd[1]) != suites.VersionTLS13 {
		return alert.New(alert.IllegalParameter, "tls: the server selected a version the client did not offer")
	}
	if m.Version != record.VersionTLS12 || m.Compression != 0 || !bytes.Equal(m.SessionID, c.sessionID) {
		return alert.New(alert.IllegalParameter, "tls: ServerHello legacy fields are wrong (version, compression or the echoed session ID)")
	}
	var suite *suites.Suite
	for _, s := range c.cfg.suites() {
		if s.ID == m.CipherSuite {
			suite = s
		}
	}
	if suite == nil || (c.suite != nil && c.suite != suite) {
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: the server chose %s, which the client did not offer (or changed it after HelloRetryRequest)", suites.NameOf(m.CipherSuite)))
	}
	for _, e := range m.Extensions {
		switch e.Type {
		case handshake.ExtSupportedVersions, handshake.ExtKeyShare, handshake.ExtCookie:
		case handshake.ExtPreSharedKey:
			if !c.pskOffered || bytes.Equal(m.Random, handshake.HelloRetryRandom) {
				return alert.New(alert.UnsupportedExtension, "tls: the server sent pre_shared_key, which the client did not offer")
			}
		default:
			return alert.New(alert.UnsupportedExtension, "tls: the server sent "+handshake.ExtensionName(e.Type)+" in ServerHello")
		}
	}
	c.suite = suite
	if bytes.Equal(m.Random, handshake.HelloRetryRandom) {
		return c.readHelloRetryRequest(m)
	}
	if pd, ok := handshake.Find(m.Extensions, handshake.ExtPreSharedKey); ok {
		if err := c.readSelectedPSK(pd, suite); err != nil {
			return err
		}
	}
	kd, ok := handshake.Find(m.Extensions, handshake.ExtKeyShare)
	if !ok && c.pskAccepted && c.cfg.PSKOnly {
		return c.resumeWithoutShare(m, raw, suite)
	}
	if !ok {
		return alert.New(alert.MissingExtension, "tls: ServerHello has no key_share")
	}
	ks, ok := handshake.ParseServerKeyShare(kd)
	if !ok {
		return alert.New(alert.DecodeError, "tls: malformed key_share in ServerHello")
	}
	priv := c.privates[ks.Group]
	if priv == nil {
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: the server's key share is for %s, for which the client sent none", kx.NameOf(ks.Group)))
	}
	c.serverRandom = m.Random
	c.AddTranscript(raw)
	c.group = priv.Group
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives ServerHello",
		trace.Hex("Server random", m.Random, ""),
		trace.Text("Chosen suite", suite.Name, ""),
		trace.Text("Chosen group", priv.Group.Name, ""),
		trace.Hex("Server key share", ks.Data, priv.Group.Note),
		trace.Text("Downgrade check", "supported_versions says TLS 1.3", "a TLS 1.3 client checks that a 1.2 answer is not a downgrade (RFC 8446, Section 4.1.3)"))
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Accepts the server's choices",
		trace.Check("Suite was offered", true, suite.Name),
		trace.Check("Group was offered, with a key share", true, priv.Group.Name))

	shared, err := priv.Shared(ks.Data)
	if err != nil {
		return alert.Wrap(alert.IllegalParameter, "tls: the server's key share is unusable", err)
	}
	c.shared = shared
	c.share = newShare(priv.Group, priv.Public, ks.Data, priv.Secret, shared)
	c.cfg.Trace.Add(StepKeyExchange, c.Actor(), "Computes the shared secret from its private key and the server's key share",
		trace.Secret("Client private key", priv.Secret, "generated for this connection; never left the client"),
		trace.Hex("Server key share", ks.Data, "public: anyone on the path sees it"),
		trace.Secret("Shared secret", shared, sharedNote(priv.Group)))
	c.state = stateWaitEncryptedExtensions
	return c.establishHandshakeKeys(StepKeyExchange)
}

func sharedNote(g *kx.Group) string {
	if g.KEM {
		return "ML-KEM-768 shared key (32 bytes) followed by the X25519 shared secret (32 bytes)"
	}
	return "the same value the server computes from its own private key and the client's share; it never travels"
}

// establishHandshakeKeys runs the key schedule up to the handshake traffic
// secrets and turns on handshake encryption in both directions.
func (c *Conn) establishHandshakeKeys(step int) error {
	c.ks = c.newSchedule(c.suite)
	earlyNote := "HKDF-Extract(0, 0): no pre-shared key"
	if c.pskAccepted {
		c.ks = c.pskKS
		earlyNote = "HKDF-Extract(0, resumption PSK): the ticket's PSK enters the key schedule here"
	}
	c.ks.Start(c.shared)
	th := c.TranscriptHash()
	c.ks.HandshakeTraffic(th)
	read, write := c.ks.ServerHandshake, c.ks.ClientHandshake
	rn, wn, rw, ww := "s_hs", "c_hs", "server handshake", "client handshake"
	if !c.IsClient() {
		read, write, rn, wn, rw, ww = write, read, wn, rn, ww, rw
	}
	readKeys, err := c.setKeys(read, false, rn, rw)
	if err != nil {
		return err
	}
	early := c.WriteKey() // the client's 0-RTT key, if it sent early data
	c.SetWriteKey(nil)
	writeKeys, err := c.setKeys(write, true, wn, ww)
	if err != nil {
		return err
	}
	serverKeys, clientKeys := readKeys, writeKeys
	if !c.IsClient() {
		serverKeys, clientKeys = writeKeys, readKeys
	}
	if early != nil {
		// Until EncryptedExtensions says whether the server took the early
		// data, the client's write side stays on the early key.
		c.pendingWrite = c.WriteKey()
		c.SetWriteKey(early)
	}
	if c.cfg.Trace != nil {
		vals := append(make([]trace.Value, 0, 9),
			trace.Secret("Early secret", c.ks.Early, earlyNote),
			trace.Secret("Handshake secret", c.ks.Handshake, "HKDF-Extract(Derive-Secret(early, \"derived\"), shared secret)"),
			trace.Hex("Transcript hash (ClientHello…ServerHello)", th, ""),
			trace.Secret("client_handshake_traffic_secret", c.ks.ClientHandshake, `Derive-Secret(handshake, "c hs traffic", transcript)`),
			trace.Secret("server_handshake_traffic_secret", c.ks.ServerHandshake, `Derive-Secret(handshake, "s hs traffic", transcript)`))
		c.cfg.Trace.Add(step, c.Actor(), "Derives the handshake keys (HKDF, "+c.suite.HashName()+"): everything after ServerHello is encrypted",
			appendKeyValues(vals, "Server handshake", serverKeys, "Client handshake", clientKeys)...)
	}
	c.eraseEphemeral(step)
	return nil
}

// appendKeyValues appends two directions' traffic keys and IVs to vals,
// first then second.
func appendKeyValues(vals []trace.Value, first string, f TrafficKeys, second string, s TrafficKeys) []trace.Value {
	fk, fiv := keyLabels(first)
	sk, siv := keyLabels(second)
	return append(vals, trace.Secret(fk, f.Key, ""), trace.Secret(fiv, f.IV, ""),
		trace.Secret(sk, s.Key, ""), trace.Secret(siv, s.IV, ""))
}

// keyLabels returns the labels of a direction's key and IV: name+" key",
// name+" IV", spelled out for a handshake's four directions.
func keyLabels(name string) (string, string) {
	switch name {
	case "Server handshake":
		return "Server handshake key", "Server handshake IV"
	case "Client handshake":
		return "Client handshake key", "Client handshake IV"
	case "Server application":
		return "Server application key", "Server application IV"
	case "Client application":
		return "Client application key", "Client application IV"
	}
	return name + " key", name + " IV"
}

// readHelloRetryRequest: the server wants a key share for another group.
// The client answers with a second ClientHello; the first is replaced in
// the transcript by its hash (RFC 8446, Section 4.4.1).
func (c *Conn) readHelloRetryRequest(m *handshake.ServerHello) error {
	if c.helloRetry {
		return alert.New(alert.UnexpectedMessage, "tls: a second HelloRetryRequest")
	}
	cookie, hasCookie := handshake.Find(m.Extensions, handshake.ExtCookie)
	if hasCookie && !validCookie(cookie) {
		return alert.New(alert.DecodeError, "tls: malformed cookie in HelloRetryRequest")
	}
	kd, hasShare := handshake.Find(m.Extensions, handshake.ExtKeyShare)
	if !hasShare && !hasCookie {
		return alert.New(alert.IllegalParameter, "tls: a HelloRetryRequest that asks for neither a key share nor a cookie would not change the ClientHello (RFC 8446, Section 4.1.4)")
	}
	c.helloRetry = true
	// This client offers its ticket in the first ClientHello only; the
	// second goes without it (RFC 8446, Section 4.1.2 lets it change).
	c.droppedTicket, c.pskOffered = c.pskOffered, false
	if w := c.WriteKey(); w != nil { // the 0-RTT key: the server skips that data after a HelloRetryRequest
		w.Discard()
		c.SetWriteKey(nil)
		c.earlySent = false
	}
	c.SetTranscript(append(messageHash(c.suite, c.Transcript()), m.Raw...))
	if !hasShare {
		// Only a cookie: the second ClientHello repeats the key shares.
		kd, _ := handshake.Find(c.hello.Extensions, handshake.ExtKeyShare)
		shares, _ := handshake.ParseClientKeyShares(kd)
		c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Receives HelloRetryRequest: the server wants its cookie echoed",
			trace.Hex("Random", m.Random, "SHA-256(\"HelloRetryRequest\"): this ServerHello is a retry request"),
			trace.Text("Suite", c.suite.Name, "already fixed"),
			trace.Hex("Cookie", cookie, "opaque to the client: it sends it back in the second ClientHello"))
		return c.sendSecondClientHello(shares, cookie, "Sends a second ClientHello with the cookie and the same key shares")
	}
	if len(kd) != 2 {
		return alert.New(alert.DecodeError, "tls: the key_share of a HelloRetryRequest is one group (RFC 8446, Section 4.2.8)")
	}
	id := uint16(kd[0])<<8 | uint16(kd[1])
	var g *kx.Group
	for _, x := range c.cfg.groups() {
		if x.ID == id {
			g = x
		}
	}
	if g == nil || c.privates[id] != nil {
		// RFC 8446, Section 4.2.8: a group not in supported_groups, or one
		// the client already sent a share for, is illegal_parameter.
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: HelloRetryRequest asks for %s, which the client did not offer or already sent", kx.NameOf(id)))
	}
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Receives HelloRetryRequest: the server wants a key share for "+g.Name,
		trace.Hex("Random", m.Random, "SHA-256(\"HelloRetryRequest\"): this ServerHello is a retry request"),
		trace.Text("Suite", c.suite.Name, "already fixed"),
		trace.Text("Requested group", g.Name, "the client's first guess was not one the server accepts: one extra round trip"))
	p, err := g.Generate(c.cfg.Rand)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot make a key share", err)
	}
	var dropped []string
	for _, old := range c.privates {
		old.Erase()
		dropped = append(dropped, old.Group.Name)
	}
	c.privates = map[uint16]*kx.Private{g.ID: p}
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Erases the key shares the server did not take",
		trace.List("Zeroed", dropped, "the private key bytes of each unused share, overwritten now: they were never used"))
	return c.sendSecondClientHello([]handshake.KeyShareEntry{{Group: g.ID, Data: p.Public}}, cookie, "Sends a second ClientHello with a "+g.Name+" key share",
		trace.Secret("Ephemeral private key ("+g.Name+")", p.Secret, ""),
		trace.Hex("Key share ("+g.Name+")", p.Public, g.Note))
}

// sendSecondClientHello answers a HelloRetryRequest: the first ClientHello
// with the key shares replaced and the server's cookie added, and nothing
// else changed (RFC 8446, Section 4.1.2).
func (c *Conn) sendSecondClientHello(shares []handshake.KeyShareEntry, cookie []byte, title string, vals ...trace.Value) error {
	if c.droppedTicket {
		c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Drops its ticket offer after the HelloRetryRequest: a full handshake follows",
			trace.Text("Why", "this client does not compute the binder again over the new transcript", "RFC 8446, Section 4.1.2 lets the second ClientHello change pre_shared_key"))
	}
	hello := c.buildClientHello(shares, cookie)
	wire := c.SendHandshake(hello.Raw, "ClientHello", StepNegotiate)
	c.hello = hello
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), title, append(vals, trace.Frozen("Record on the wire", wire, ""))...)
	return nil
}

// validCookie checks the cookie extension's data: cookie<1..2^16-1> (RFC
// 8446, Section 4.2.2).
func validCookie(d []byte) bool {
	return len(d) >= 3 && int(d[0])<<8|int(d[1]) == len(d)-2
}

// messageHash replaces the first ClientHello by a synthetic message_hash
// message holding its hash (RFC 8446, Section 4.4.1).
func messageHash(s *suites.Suite, ch1 []byte) []byte {
	h := s.Hash.New()
	h.Write(ch1)
	sum := h.Sum(nil)
	return append([]byte{handshake.TypeMessageHash, 0, 0, byte(len(sum))}, sum...)
}

func (c *Conn) readEncryptedExtensions(raw []byte) error {
	m, err := handshake.UnmarshalEncryptedExtensions(raw)
	if err != nil {
		return err
	}
	for _, e := range m.Extensions {
		switch e.Type {
		case handshake.ExtKeyShare, handshake.ExtSupportedVersions, handshake.ExtCookie, handshake.ExtPreSharedKey, handshake.ExtSignatureAlgorithms:
			return alert.New(alert.IllegalParameter, "tls: "+handshake.ExtensionName(e.Type)+" is not allowed in EncryptedExtensions")
		}
		if _, offered := handshake.Find(c.hello.Extensions, e.Type); !offered && e.Type != handshake.ExtServerName {
			return alert.New(alert.UnsupportedExtension, "tls: the server sent "+handshake.ExtensionName(e.Type)+", which the client did not offer")
		}
	}
	c.AddTranscript(raw)
	c.state = stateWaitCertificate
	if c.pskAccepted {
		c.state = stateWaitFinished // no Certificate, no CertificateVerify (RFC 8446, Section 2.2)
	}
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives EncryptedExtensions: the first encrypted message",
		trace.List("Extensions", handshake.DescribeExtensions(m.Extensions, describers), "whatever needs no key exchange travels here, hidden from eavesdroppers"))
	return c.readEarlyDecision(m)
}

// readCertificateRequest reads the server's request for a client
// certificate (RFC 8446, Section 4.3.2), which comes between
// EncryptedExtensions and the server's Certificate. This client has no
// certificate: it will answer with an empty Certificate carrying the
// request's context and no CertificateVerify (Section 4.4.2), and the server
// decides whether to go on without one.
func (c *Conn) readCertificateRequest(raw []byte) error {
	m, err := handshake.UnmarshalCertificateRequest13(raw)
	if err != nil {
		return err
	}
	sd, ok := handshake.Find(m.Extensions, handshake.ExtSignatureAlgorithms)
	if !ok {
		return alert.New(alert.MissingExtension, "tls: CertificateRequest without signature_algorithms (RFC 8446, Section 4.3.2)")
	}
	schemes, ok := handshake.ParseUint16List(sd, 2)
	if !ok {
		return alert.New(alert.DecodeError, "tls: malformed signature_algorithms in CertificateRequest")
	}
	c.AddTranscript(raw)
	c.certRequest = m
	names := make([]string, len(schemes))
	for i, id := range schemes {
		names[i] = sigscheme.NameOf(id)
	}
	vals := []trace.Value{
		trace.Hex("certificate_request_context", m.Context, "echoed in the client's Certificate; empty during the handshake"),
		trace.List("Signature schemes the server accepts", names, "signature_algorithms: what a client certificate's CertificateVerify could use"),
		trace.List("Extensions", handshake.DescribeExtensions(m.Extensions, describers), ""),
		trace.Text("Client certificate", "none: this client has no certificate", "it will answer with an empty Certificate and no CertificateVerify (RFC 8446, Section 4.4.2); the server decides whether that is enough"),
	}
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives CertificateRequest: the server asks for a client certificate", vals...)
	return nil
}

// readCertificate is steps 2 and 3: the chain arrives encrypted, and the
// client checks it against its own trust store.
func (c *Conn) readCertificate(raw []byte) error {
	m, err := handshake.UnmarshalCertificate13(raw)
	if err != nil {
		return err
	}
	if len(m.Context) != 0 {
		return alert.New(alert.IllegalParameter, "tls: certificate_request_context must be empty in the server's Certificate")
	}
	chain := m.Certificates()
	if len(chain) == 0 {
		return alert.New(alert.DecodeError, "tls: the server sent an empty certificate chain")
	}
	staple, err := c.readStaple(m)
	if err != nil {
		return err
	}
	c.AddTranscript(raw)
	c.peerChain = chain
	c.staple = staple
	certVals := trace.Chain(chain, "encrypted on the wire in TLS 1.3: an eavesdropper does not see which certificate")
	if staple != nil {
		certVals = append(certVals, trace.Hex("Stapled OCSP response", staple, fmt.Sprintf(
			"%d bytes of DER signed by the certificate's issuer (RFC 6960, Section 4.2.1), in the status_request extension of the leaf's entry (RFC 8446, Section 4.4.2.1)", len(staple))))
	}
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives the server's Certificate", certVals...)

	res := pki.Verify(chain, c.cfg.Roots, c.cfg.ServerName, c.cfg.now())
	checks := trace.Verification(res)
	if !res.OK {
		c.cfg.Trace.Add(StepVerify, c.Actor(), "Rejects the certificate", checks...)
		return alert.Wrap(res.Alert(), "tls: the server's certificate is not trusted", res.Err)
	}
	if c.peerKey, err = sigscheme.CertificateKey(res.Chain[0]); err != nil {
		c.cfg.Trace.Add(StepVerify, c.Actor(), "Rejects the certificate", checks...)
		return alert.Wrap(alert.UnsupportedCertificate, "tls: the server's certificate holds a key this client cannot use", err)
	}
	checks = append(checks, trace.Text("Server public key", pki.PublicKeyName(res.Chain[0]), "it will check the CertificateVerify signature"))
	c.cfg.Trace.Add(StepVerify, c.Actor(), "Verifies the chain locally against its trust store", checks...)
	if c.cfg.WebPKI {
		if err := c.checkWebPKI(res.Chain, staple); err != nil {
			return err
		}
	}
	c.state = stateWaitCertificateVerify
	return nil
}

// serverSignedContent is what CertificateVerify signs: 64 spaces, the
// context string, a zero byte and the transcript hash (RFC 8446, Section 4.4.3).
func serverSignedContent(th []byte) []byte {
	b := bytes.Repeat([]byte{0x20}, 64)
	b = append(b, "TLS 1.3, server CertificateVerify"...)
	b = append(b, 0)
	return append(b, th...)
}

// readCertificateVerify is step 6 for the client: the server proves it
// holds the certificate's private key by signing the transcript.
func (c *Conn) readCertificateVerify(raw []byte) error {
	m, err := handshake.UnmarshalCertificateVerify(raw)
	if err != nil {
		return err
	}
	var scheme *sigscheme.Scheme
	for _, s := range c.cfg.schemes() {
		if s.ID == m.Scheme {
			scheme = s
		}
	}
	switch {
	case scheme == nil:
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: the server signed with %s, which the client did not offer (RFC 8446, Section 4.4.3)", sigscheme.NameOf(m.Scheme)))
	case !scheme.TLS13:
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: the server signed CertificateVerify with %s, which TLS 1.3 allows only in certificates (RFC 8446, Section 4.2.3)", scheme.Name))
	case !scheme.Fits(c.peerKey):
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: the server signed with %s, which does not fit its certificate's key", scheme.Name))
	}
	th := c.TranscriptHash()
	content := serverSignedContent(th)
	verr := scheme.Verify(c.peerKey, content, m.Signature)
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Checks CertificateVerify: the server signed the handshake with its private key",
		trace.Text("Signature scheme", scheme.Name, ""),
		trace.Hex("Transcript hash (ClientHello…Certificate)", th, ""),
		trace.Hex("Signed content", content, "64 spaces + \"TLS 1.3, server CertificateVerify\" + 00 + transcript hash"),
		trace.Hex("Signature", m.Signature, ""),
		trace.Check("Signature verifies with the certificate's public key", verr == nil, verifyText(verr)))
	if verr != nil {
		return alert.Wrap(alert.DecryptError, "tls: the server's CertificateVerify signature does not verify", verr)
	}
	c.scheme = scheme
	c.AddTranscript(raw)
	c.state = stateWaitFinished
	return nil
}

func verifyText(err error) string {
	if err == nil {
		return "only the holder of the private key could have made it, over this very handshake"
	}
	return err.Error()
}

// readServerFinished checks the server's Finished, then sends the client's
// and switches both directions to the application keys.
func (c *Conn) readServerFinished(raw []byte) error {
	if err := c.checkFinished(raw, c.ks.ServerHandshake, "s_hs", "server"); err != nil {
		return err
	}
	c.AddTranscript(raw)
	th := c.TranscriptHash()
	c.ks.AppTraffic(th)
	c.clientTraffic, c.serverTraffic = append([]byte(nil), c.ks.ClientApp...), append([]byte(nil), c.ks.ServerApp...)

	if c.earlyAccepted {
		c.sendEndOfEarlyData()
	}
	if c.certRequest != nil {
		c.sendEmptyCertificate()
	}
	thFinished := c.TranscriptHash()
	cfk := c.ks.FinishedKey(c.ks.ClientHandshake, "c_hs", "client")
	vd := c.ks.FinishedMAC(cfk, thFinished)
	fin := &handshake.Finished{VerifyData: vd}
	fin.Raw = fin.Marshal()
	wire := c.SendHandshake(fin.Raw, "Finished", StepEstablish)
	c.ks.ResumptionMaster(c.TranscriptHash())
	clientKeys, err := c.setKeys(c.clientTraffic, true, "c_ap", "client application")
	if err != nil {
		return err
	}
	serverKeys, err := c.setKeys(c.serverTraffic, false, "s_ap", "server application")
	if err != nil {
		return err
	}
	c.state = stateDone
	c.Establish()
	vals := append(make([]trace.Value, 0, 10),
		trace.Secret("Master secret", c.ks.Master, `HKDF-Extract(Derive-Secret(handshake, "derived"), 0)`),
		trace.Hex("Transcript hash (ClientHello…server Finished)", th, ""),
		trace.Secret("client_application_traffic_secret_0", c.ks.ClientApp, `Derive-Secret(master, "c ap traffic", transcript)`),
		trace.Secret("server_application_traffic_secret_0", c.ks.ServerApp, `Derive-Secret(master, "s ap traffic", transcript)`))
	vals = appendKeyValues(vals, "Client application", clientKeys, "Server application", serverKeys)
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Sends its Finished and switches to the application keys", append(vals,
		trace.Hex("Client verify_data", vd, "HMAC(client finished_key, transcript hash)"),
		trace.Hex("Finished record on the wire", wire, "encrypted with the client handshake key"))...)
	return nil
}

// sendEmptyCertificate answers a CertificateRequest without a certificate:
// a Certificate message with the request's context and an empty list, and
// no CertificateVerify (RFC 8446, Section 4.4.2). It enters the transcript
// before the client's Finished.
func (c *Conn) sendEmptyCertificate() {
	m := &handshake.Certificate13{Context: c.certRequest.Context}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "Certificate", StepEstablish)
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Sends an empty Certificate: it has no client certificate",
		trace.Hex("certificate_request_context", m.Context, "the one the server's CertificateRequest carried"),
		trace.Text("Certificate list", "empty", "no CertificateVerify follows: there is no key to sign with"),
		trace.Frozen("Record on the wire", wire, "encrypted with the client handshake key"))
}

// checkFinished checks the peer's Finished: verify_data must be the HMAC,
// under the finished key of the peer's handshake traffic secret, of the
// transcript so far (RFC 8446, Section 4.4.4). A mismatch is decrypt_error.
func (c *Conn) checkFinished(raw, secret []byte, node, who string) error {
	m, err := handshake.UnmarshalFinished13(raw, c.suite.Hash.Size())
	if err != nil {
		return err
	}
	th := c.TranscriptHash()
	fk := c.ks.FinishedKey(secret, node, who)
	want := c.ks.FinishedMAC(fk, th)
	ok := hmac.Equal(want, m.VerifyData)
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Receives the "+who+"'s Finished and checks it",
		trace.Secret(who+" finished_key", fk, `HKDF-Expand-Label(`+who+`_handshake_traffic_secret, "finished")`),
		trace.Hex("Transcript hash (up to the Finished)", th, ""),
		trace.Hex("Received verify_data", m.VerifyData, ""),
		trace.Hex("Expected verify_data", want, "HMAC(finished_key, transcript hash)"),
		trace.Check("Finished matches", ok, finishedText(ok)))
	if !ok {
		return alert.New(alert.DecryptError, "tls: the "+who+"'s Finished does not match: the two sides saw different handshakes or hold different keys")
	}
	return nil
}

func finishedText(ok bool) string {
	if ok {
		return "both sides saw the same handshake and hold the same keys"
	}
	return "mismatch: a message was changed on the way, or the keys differ"
}
