package tls13

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// readClientHello is the server's side of steps 1 and 4: it picks the
// suite, the group and the signature scheme; when the client sent no key
// share it can use, it asks for one with a HelloRetryRequest.
func (c *Conn) readClientHello(raw []byte) error {
	m, err := handshake.UnmarshalClientHello(raw)
	if err != nil {
		return err
	}
	first := c.hello == nil
	p, err := parseClientHello13(m)
	if err != nil {
		return err
	}
	if serverResumption == nil && len(c.cfg.TicketKey) > 0 {
		return alert.New(alert.InternalError, errNoServerResumption)
	}
	if !first {
		if err := c.checkSecondClientHello(m, p); err != nil {
			return err
		}
		c.SkipEarlyData(false, maxEarlyDataSkipped)
	}
	if first {
		c.clientRandom = m.Random
		c.ticketsWanted = len(p.pskModes) > 0
	}
	c.AddTranscript(raw)
	c.sessionID = m.SessionID
	c.hello = m
	c.wantsStatus = handshake.AsksOCSPStatus(m.Extensions)

	offered := make([]string, len(m.CipherSuites))
	for i, id := range m.CipherSuites {
		offered[i] = suites.NameOf(id)
	}
	sni := "(none)"
	if d, ok := handshake.Find(m.Extensions, handshake.ExtServerName); ok {
		if n, ok := handshake.ParseServerName(d); ok {
			sni = n
		}
	}
	title := "Receives ClientHello"
	if !first {
		title = "Receives the second ClientHello"
	}
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepHello, c.Actor(), title,
			trace.Hex("Client random", m.Random, ""),
			trace.Text("Server name asked for", sni, "sent in the clear, even in TLS 1.3 (Encrypted Client Hello hides it; not used here)"),
			trace.List("Extensions", describeHello(m.Extensions), ""))
	}

	// The cipher suite, by the server's rule (RFC 8446, Section 4.1.1).
	choice := suites.Negotiate(m.CipherSuites, c.cfg.suites(), c.cfg.SuiteOrder)
	if choice.Suite == nil {
		c.FailAt(StepNegotiate)
		c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Finds no TLS 1.3 cipher suite in common",
			trace.List("Client offers", offered, ""), trace.List("Server enables", suites.Names(c.cfg.suites()), ""))
		return alert.New(alert.HandshakeFailure, "tls: no cipher suite in common: the client offers none that the server enables")
	}
	if !first && choice.Suite != c.suite {
		return alert.New(alert.IllegalParameter, "tls: the suite changed after HelloRetryRequest")
	}
	c.suite = choice.Suite

	// The signature scheme for CertificateVerify.
	scheme, err := sigscheme.Choose(c.cfg.schemes(), p.schemes, c.cfg.Signer.Public(), true)
	if err != nil {
		c.FailAt(StepNegotiate)
		return alert.Wrap(alert.HandshakeFailure, "tls: no signature scheme in common for the server's key", err)
	}
	c.scheme = scheme

	// The group: a key share the server accepts, in the server's order;
	// failing that, a HelloRetryRequest for a group the client supports.
	shares, clientGroups := p.shares, p.groups
	var group *kx.Group
	var share []byte
	for _, g := range c.cfg.groups() {
		for _, ks := range shares {
			if ks.Group == g.ID {
				group, share = g, ks.Data
				break
			}
		}
		if group != nil {
			break
		}
	}
	shareNames := make([]string, len(shares))
	for i, ks := range shares {
		shareNames[i] = kx.NameOf(ks.Group)
	}
	groupNames := make([]string, len(clientGroups))
	for i, id := range clientGroups {
		groupNames[i] = kx.NameOf(id)
	}
	serverGroups := make([]string, len(c.cfg.groups()))
	for i, g := range c.cfg.groups() {
		serverGroups[i] = g.Name
	}
	negotiation := append(make([]trace.Value, 0, 9), // and the chosen group
		trace.List("Client offers suites", offered, ""),
		trace.List("Server enables suites", suites.Names(c.cfg.suites()), "in the server's order of preference"),
		trace.Text("Suite rule", choice.Order.Rule(), "RFC 8446, Section 4.1.1 lets the server choose; the rule is its own"),
		trace.Text("Chosen suite", c.suite.Name, choice.Reason),
		trace.List("Client's groups", groupNames, "supported_groups"),
		trace.List("Client sent key shares for", shareNames, "key_share: the client's guess"),
		trace.List("Server accepts groups", serverGroups, "in the server's order of preference"),
		trace.Text("Signature scheme", scheme.Name, "the first of the server's schemes that the client accepts and that fits the server's key"))
	// A ticket offered in the first ClientHello (RFC 8446, Section 4.2.11).
	if first && p.psk != nil {
		if serverResumption == nil { // no ticket key (checked above): what acceptPSK says then
			c.declinePSK(p, noTicketKey)
		} else if err := serverResumption.acceptPSK(c, m, p, group != nil); err != nil {
			return err
		}
	}
	if first && p.earlyData && !c.earlyAccepted {
		c.SkipEarlyData(true, maxEarlyDataSkipped)
		if !c.pskAccepted {
			c.cfg.Trace.Add(StepHello, c.Actor(), "Declines the client's early data (0-RTT)",
				trace.Text("early_data", "offered by the client, not accepted", "no ticket of this server was resumed: it leaves early_data out of EncryptedExtensions and skips the records it cannot decrypt, up to "+fmt.Sprint(maxEarlyDataSkipped)+" bytes (RFC 8446, Section 4.2.10)"))
		}
	}
	if c.pskAccepted && !c.pskDHE {
		c.group = nil
		c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Chooses the suite and resumes with the PSK alone (psk_ke)",
			append(negotiation[:3:3], trace.Text("Chosen suite", c.suite.Name, "the ticket's suite"),
				trace.Text("Key exchange", "none: psk_ke", "NOT forward secret: whoever later learns the PSK (or the ticket key that seals it) decrypts this connection (RFC 8446, Section 2.2 and E.5)"))...)
		return c.sendServerFlight(nil)
	}
	if group == nil {
		if !first {
			return alert.New(alert.IllegalParameter, "tls: the second ClientHello still has no key share the server asked for")
		}
		for _, g := range c.cfg.groups() {
			if containsUint16(clientGroups, g.ID) {
				group = g
				break
			}
		}
		if group == nil {
			c.FailAt(StepNegotiate)
			c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Finds no key exchange group in common", negotiation...)
			return alert.New(alert.HandshakeFailure, "tls: no key exchange group in common")
		}
		c.cfg.Trace.Add(StepNegotiate, c.Actor(), "No usable key share: asks for "+group.Name+" with a HelloRetryRequest",
			append(negotiation, trace.Text("Chosen group", group.Name, "the client supports it but sent no share for it: one more round trip"))...)
		return c.sendHelloRetryRequest(group)
	}
	c.group = group
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Chooses suite, group and signature scheme",
		append(negotiation, trace.Text("Chosen group", group.Name, group.Note))...)
	return c.sendServerFlight(share)
}

// helloParams is what a TLS 1.3 server reads from a ClientHello's
// extensions.
type helloParams struct {
	schemes, groups []uint16
	shares          []handshake.KeyShareEntry
	earlyData       bool
	psk             *pskOffer
	pskModes        []uint8
}

// parseClientHello13 checks a ClientHello against the rules of RFC 8446
// that do not depend on the server's configuration, each failure with the
// alert the RFC names, and returns the lists the server negotiates from.
func parseClientHello13(m *handshake.ClientHello) (*helloParams, error) {
	vd, ok := handshake.Find(m.Extensions, handshake.ExtSupportedVersions)
	if !ok {
		return nil, alert.New(alert.ProtocolVersion, fmt.Sprintf("tls: the client offers %s only (no supported_versions): this server speaks only TLS 1.3 in this mode", handshake.VersionName(m.Version)))
	}
	versions, ok := handshake.ParseUint16List(vd, 1)
	if !ok {
		return nil, alert.New(alert.DecodeError, "tls: malformed supported_versions in ClientHello")
	}
	if !containsUint16(versions, suites.VersionTLS13) {
		return nil, alert.New(alert.ProtocolVersion, "tls: the client does not offer TLS 1.3 (supported_versions): this server speaks only TLS 1.3 in this mode")
	}
	// RFC 8446, Section 4.1.2: legacy_version is 0x0303; Appendix D.5: a
	// client that says less is not a TLS 1.3 client.
	if m.Version < record.VersionTLS12 {
		return nil, alert.New(alert.ProtocolVersion, fmt.Sprintf("tls: ClientHello legacy_version is %s: a TLS 1.3 ClientHello says 0x0303 (RFC 8446, Section 4.1.2 and Appendix D.5)", handshake.VersionName(m.Version)))
	}
	if len(m.Compression) != 1 || m.Compression[0] != 0 {
		return nil, alert.New(alert.IllegalParameter, "tls: TLS 1.3 allows only the null compression method (RFC 8446, Section 4.1.2)")
	}
	for i, e := range m.Extensions {
		if e.Type == handshake.ExtPreSharedKey && i != len(m.Extensions)-1 {
			return nil, alert.New(alert.IllegalParameter, "tls: pre_shared_key is not the last extension of the ClientHello (RFC 8446, Section 4.2.11)")
		}
	}
	p := &helloParams{}
	md, modes := handshake.Find(m.Extensions, handshake.ExtPSKModes)
	if modes {
		if len(md) < 2 || int(md[0]) != len(md)-1 {
			return nil, alert.New(alert.DecodeError, "tls: malformed psk_key_exchange_modes (RFC 8446, Section 4.2.9)")
		}
		p.pskModes = md[1:]
	}
	if pd, psk := handshake.Find(m.Extensions, handshake.ExtPreSharedKey); psk {
		if !modes {
			return nil, alert.New(alert.MissingExtension, "tls: pre_shared_key without psk_key_exchange_modes (RFC 8446, Section 4.2.9)")
		}
		var ok bool
		if p.psk, ok = parsePSK(pd); !ok {
			return nil, alert.New(alert.DecodeError, "tls: malformed pre_shared_key (RFC 8446, Section 4.2.11)")
		}
	}
	if d, ok := handshake.Find(m.Extensions, handshake.ExtServerName); ok {
		if _, ok := handshake.ParseServerName(d); !ok {
			return nil, alert.New(alert.DecodeError, "tls: malformed server_name in ClientHello (RFC 6066, Section 3)")
		}
	}
	// RFC 8446, Section 9.2: a ClientHello has signature_algorithms and
	// supported_groups, and key_share with supported_groups; else
	// missing_extension. (With pre_shared_key signature_algorithms may go:
	// this server still asks for it, to fall back to a full handshake.)
	for _, x := range []struct {
		ext  uint16
		list *[]uint16
	}{{handshake.ExtSignatureAlgorithms, &p.schemes}, {handshake.ExtSupportedGroups, &p.groups}} {
		d, ok := handshake.Find(m.Extensions, x.ext)
		if !ok {
			return nil, alert.New(alert.MissingExtension, "tls: ClientHello without "+handshake.ExtensionName(x.ext)+" (RFC 8446, Section 9.2)")
		}
		if *x.list, ok = handshake.ParseUint16List(d, 2); !ok {
			return nil, alert.New(alert.DecodeError, "tls: malformed "+handshake.ExtensionName(x.ext)+" in ClientHello: an empty list, an odd length or a length that does not match")
		}
	}
	kd, ok := handshake.Find(m.Extensions, handshake.ExtKeyShare)
	if !ok {
		return nil, alert.New(alert.MissingExtension, "tls: ClientHello without key_share (RFC 8446, Section 9.2)")
	}
	if p.shares, ok = handshake.ParseClientKeyShares(kd); !ok {
		return nil, alert.New(alert.DecodeError, "tls: malformed key_share in ClientHello")
	}
	if g, dup := handshake.DuplicateGroup(p.shares); dup {
		return nil, alert.New(alert.IllegalParameter, "tls: two key shares for "+kx.NameOf(g)+" (RFC 8446, Section 4.2.8)")
	}
	for _, ks := range p.shares {
		if !containsUint16(p.groups, ks.Group) {
			return nil, alert.New(alert.IllegalParameter, "tls: a key share for "+kx.NameOf(ks.Group)+", which supported_groups does not list (RFC 8446, Section 4.2.8)")
		}
	}
	_, p.earlyData = handshake.Find(m.Extensions, handshake.ExtEarlyData)
	return p, nil
}

// checkSecondClientHello compares the ClientHello that answers a
// HelloRetryRequest with the first (RFC 8446, Section 4.1.2): the same
// except that key_share is one share for the group the server asked for,
// early_data is gone, a cookie the server sent is echoed, pre_shared_key
// may change and padding may come, go or change. Anything else is
// illegal_parameter.
func (c *Conn) checkSecondClientHello(m *handshake.ClientHello, p *helloParams) error {
	first := c.hello
	changed := func(what string) error {
		return alert.New(alert.IllegalParameter, "tls: the second ClientHello changed "+what+": after a HelloRetryRequest only the key share, early_data, the cookie, pre_shared_key and padding may change (RFC 8446, Section 4.1.2)")
	}
	switch {
	case m.Version != first.Version:
		return changed("legacy_version")
	case !bytes.Equal(m.Random, first.Random):
		return changed("the random")
	case !bytes.Equal(m.SessionID, first.SessionID):
		return changed("legacy_session_id")
	case !equalUint16(m.CipherSuites, first.CipherSuites):
		return changed("the cipher suites")
	case !bytes.Equal(m.Compression, first.Compression):
		return changed("the compression methods")
	}
	if _, ok := handshake.Find(m.Extensions, handshake.ExtEarlyData); ok {
		return alert.New(alert.IllegalParameter, "tls: early_data in the second ClientHello (RFC 8446, Section 4.2.10: a client must not offer it after a HelloRetryRequest)")
	}
	if _, ok := handshake.Find(m.Extensions, handshake.ExtCookie); ok {
		return alert.New(alert.IllegalParameter, "tls: the second ClientHello has a cookie this server never sent (RFC 8446, Section 4.2.2)")
	}
	if len(p.shares) != 1 || p.shares[0].Group != c.retryGroup.ID {
		return alert.New(alert.IllegalParameter, "tls: the second ClientHello must hold exactly one key share, for "+c.retryGroup.Name+", the group the HelloRetryRequest asked for (RFC 8446, Section 4.2.8)")
	}
	may := map[uint16]bool{handshake.ExtKeyShare: true, handshake.ExtEarlyData: true, handshake.ExtCookie: true,
		handshake.ExtPreSharedKey: true, handshake.ExtPadding: true}
	rest := func(exts []handshake.Extension) map[uint16][]byte {
		out := map[uint16][]byte{}
		for _, e := range exts {
			if !may[e.Type] {
				out[e.Type] = e.Data
			}
		}
		return out
	}
	a, b := rest(first.Extensions), rest(m.Extensions)
	for t, d := range a {
		if d2, ok := b[t]; !ok || !bytes.Equal(d, d2) {
			return changed(handshake.ExtensionName(t))
		}
	}
	for t := range b {
		if _, ok := a[t]; !ok {
			return changed(handshake.ExtensionName(t) + " (added)")
		}
	}
	return nil
}

func containsUint16(list []uint16, v uint16) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func equalUint16(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sendHelloRetryRequest asks the client for a key share in group.
func (c *Conn) sendHelloRetryRequest(g *kx.Group) error {
	c.helloRetry = true
	c.retryGroup = g
	c.SetTranscript(messageHash(c.suite, c.Transcript()))
	m := &handshake.ServerHello{Version: record.VersionTLS12, Random: handshake.HelloRetryRandom, SessionID: c.sessionID, CipherSuite: c.suite.ID,
		Extensions: []handshake.Extension{
			{Type: handshake.ExtSupportedVersions, Data: []byte{0x03, 0x04}},
			{Type: handshake.ExtKeyShare, Data: []byte{byte(g.ID >> 8), byte(g.ID)}},
		}}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "HelloRetryRequest", StepNegotiate)
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Sends HelloRetryRequest",
		trace.Hex("Random", m.Random, "the fixed value SHA-256(\"HelloRetryRequest\") marks this ServerHello as a retry request"),
		trace.Text("Requested group", g.Name, ""),
		trace.Frozen("Record on the wire", wire, ""))
	return nil
}

// ServerKeyShare is the server's key exchange: its key share and the
// shared secret, from the client's share. It is the first thing a server
// of this engine draws from Config.Rand, so that whoever holds the
// server's randomness (a seeded reader, the seed sealed in an HTTP
// server's token) can make the same key share again, and with it the
// shared secret: package eve shows it.
func ServerKeyShare(rand io.Reader, g *kx.Group, clientShare []byte) (*kx.Private, []byte, error) {
	return g.Respond(rand, clientShare)
}

// sendServerFlight is ServerHello, then, under the handshake keys,
// EncryptedExtensions, Certificate, CertificateVerify and Finished.
func (c *Conn) sendServerFlight(clientShare []byte) error {
	var mine *kx.Private
	var shared []byte
	exts := []handshake.Extension{{Type: handshake.ExtSupportedVersions, Data: []byte{0x03, 0x04}}}
	if c.group != nil {
		var err error
		mine, shared, err = ServerKeyShare(c.cfg.Rand, c.group, clientShare)
		if err != nil {
			return alert.Wrap(alert.IllegalParameter, "tls: the client's key share is unusable", err)
		}
		c.mine, c.shared = mine, shared
		c.share = newShare(c.group, clientShare, mine.Public, mine.Secret, shared)
		exts = append(exts, handshake.Extension{Type: handshake.ExtKeyShare, Data: handshake.MarshalServerKeyShare(handshake.KeyShareEntry{Group: c.group.ID, Data: mine.Public})})
	}
	if c.pskAccepted {
		exts = append(exts, handshake.Extension{Type: handshake.ExtPreSharedKey, Data: []byte{0, 0}}) // selected_identity 0
	}
	c.serverRandom = make([]byte, 32)
	if _, err := io.ReadFull(c.cfg.Rand, c.serverRandom); err != nil {
		return alert.Wrap(alert.InternalError, "tls: no randomness for the server random", err)
	}
	sh := &handshake.ServerHello{Version: record.VersionTLS12, Random: c.serverRandom, SessionID: c.sessionID, CipherSuite: c.suite.ID, Extensions: exts}
	sh.Raw = sh.Marshal()
	wire := c.SendHandshake(sh.Raw, "ServerHello", StepCertificate)
	if c.cfg.Trace != nil {
		shVals := append(make([]trace.Value, 0, 5), trace.Hex("Server random", c.serverRandom, ""), trace.Text("Chosen suite", c.suite.Name, ""))
		if c.group != nil {
			shVals = append(shVals, trace.Hex("Server key share ("+c.group.Name+")", mine.Public, c.group.Note))
		}
		if c.pskAccepted {
			shVals = append(shVals, trace.Text("pre_shared_key", "selected_identity 0", "the server takes the client's ticket: no Certificate, no CertificateVerify follow"))
		}
		shVals = append(shVals, trace.Frozen("Record on the wire", wire, "the last message in the clear"))
		title := "Sends ServerHello with its own key share"
		if c.pskAccepted && c.group == nil {
			title = "Sends ServerHello: resuming with the PSK alone, no key share"
		} else if c.pskAccepted {
			title = "Sends ServerHello: resuming with the PSK and its own key share"
		}
		c.cfg.Trace.Add(StepCertificate, c.Actor(), title, shVals...)
	}
	if c.group != nil {
		keyNote := "made for this connection only; overwritten with zeros as soon as the handshake secret is derived"
		if c.group.KEM {
			keyNote = "the ML-KEM encapsulation randomness and the X25519 private key, made for this connection only; overwritten with zeros as soon as the handshake secret is derived"
		}
		if c.cfg.Trace != nil {
			c.cfg.Trace.Add(StepKeyExchange, c.Actor(), "Computes the shared secret from the client's key share",
				trace.Secret("Server private key", mine.Secret, keyNote),
				trace.Hex("Client key share", clientShare, "public"),
				trace.Secret("Shared secret", shared, sharedNote(c.group)))
		}
	}
	if err := c.establishHandshakeKeys(StepKeyExchange); err != nil {
		return err
	}
	if c.earlyAccepted {
		// The client's 0-RTT records come next, under the early key, until
		// its EndOfEarlyData (RFC 8446, Section 4.2.10).
		early, _, err := c.protector(c.ks.ClientEarly, "c_e", "client early")
		if err != nil {
			return err
		}
		c.pendingIn = c.ReadKey()
		c.SetReadKey(early)
	}

	ee := &handshake.EncryptedExtensions{Extensions: []handshake.Extension{}}
	if c.earlyAccepted {
		ee.Extensions = append(ee.Extensions, handshake.Extension{Type: handshake.ExtEarlyData})
	}
	ee.Raw = ee.Marshal()
	wire = c.SendHandshake(ee.Raw, "EncryptedExtensions", StepCertificate)
	eeTitle := "Sends EncryptedExtensions (empty), encrypted"
	if c.earlyAccepted {
		eeTitle = "Sends EncryptedExtensions with early_data: it accepts the 0-RTT data"
	}
	c.cfg.Trace.Add(StepCertificate, c.Actor(), eeTitle,
		trace.Frozen("Record on the wire", wire, "outer type application_data; the real type is inside"))
	if c.pskAccepted {
		return c.sendServerFinished()
	}

	cert := &handshake.Certificate13{Context: []byte{}}
	for _, der := range c.cfg.Certificates {
		cert.Entries = append(cert.Entries, handshake.CertificateEntry{Data: der})
	}
	var stapleVals []trace.Value
	if len(cert.Entries) > 0 {
		var err error
		if stapleVals, err = c.stapleTo(&cert.Entries[0]); err != nil {
			return err
		}
	}
	cert.Raw = cert.Marshal()
	wire = c.SendHandshake(cert.Raw, "Certificate", StepCertificate)
	certTitle := "Sends its Certificate, encrypted"
	if len(cert.Entries) > 0 && len(cert.Entries[0].Extensions) > 0 {
		certTitle = "Sends its Certificate, encrypted, with the OCSP response stapled to the leaf"
	}
	if c.cfg.Trace != nil {
		vals := append(make([]trace.Value, 0, 3+len(stapleVals)),
			trace.Text("Chain", strconv.Itoa(len(cert.Entries))+" certificate(s)", "leaf first; the root stays out"),
			trace.Text("Public key", leafKey(c.cfg.Certificates), "used only to sign; TLS 1.3 never encrypts a secret with it"))
		c.cfg.Trace.Add(StepCertificate, c.Actor(), certTitle, append(append(vals, stapleVals...),
			trace.Frozen("Record on the wire", wire, "encrypted with the server handshake key"))...)
	}

	th := c.TranscriptHash()
	content := serverSignedContent(th)
	sig, err := c.scheme.Sign(c.cfg.Rand, c.cfg.Signer, content)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot sign CertificateVerify", err)
	}
	cv := &handshake.CertificateVerify{Scheme: c.scheme.ID, Signature: sig}
	cv.Raw = cv.Marshal()
	wire = c.SendHandshake(cv.Raw, "CertificateVerify", StepEstablish)
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepEstablish, c.Actor(), "Signs the transcript with its private key: CertificateVerify",
			trace.Text("Signature scheme", c.scheme.Name, ""),
			trace.Hex("Transcript hash (ClientHello…Certificate)", th, ""),
			trace.Hex("Signed content", content, "64 spaces + context string + 00 + transcript hash"),
			trace.Hex("Signature", sig, "this is where the private key is used: to sign, not to decrypt"),
			trace.Frozen("Record on the wire", wire, ""))
	}

	return c.sendServerFinished()
}

// sendServerFinished ends the server's flight: Finished, then the
// application traffic secrets.
func (c *Conn) sendServerFinished() error {
	th := c.TranscriptHash()
	fk := c.ks.FinishedKey(c.ks.ServerHandshake, "s_hs", "server")
	vd := c.ks.FinishedMAC(fk, th)
	fin := &handshake.Finished{VerifyData: vd}
	fin.Raw = fin.Marshal()
	wire := c.SendHandshake(fin.Raw, "Finished", StepEstablish)
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepEstablish, c.Actor(), "Sends its Finished",
			trace.Secret("Server finished_key", fk, `HKDF-Expand-Label(server_handshake_traffic_secret, "finished")`),
			trace.Hex("Transcript hash (ClientHello…CertificateVerify)", th, ""),
			trace.Hex("Server verify_data", vd, "HMAC(finished_key, transcript hash)"),
			trace.Frozen("Record on the wire", wire, ""))
	}

	th = c.TranscriptHash()
	c.ks.AppTraffic(th)
	c.clientTraffic, c.serverTraffic = append([]byte(nil), c.ks.ClientApp...), append([]byte(nil), c.ks.ServerApp...)
	if _, err := c.setKeys(c.serverTraffic, true, "s_ap", "server application"); err != nil {
		return err
	}
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepEstablish, c.Actor(), "Derives the application traffic secrets",
			trace.Secret("Master secret", c.ks.Master, ""),
			trace.Hex("Transcript hash (ClientHello…server Finished)", th, ""),
			trace.Secret("client_application_traffic_secret_0", c.ks.ClientApp, ""),
			trace.Secret("server_application_traffic_secret_0", c.ks.ServerApp, ""))
	}
	c.state = stateWaitClientFinished
	return nil
}

// readClientFinished completes the handshake on the server.
func (c *Conn) readClientFinished(raw []byte) error {
	if err := c.checkFinished(raw, c.ks.ClientHandshake, "c_hs", "client"); err != nil {
		return err
	}
	c.AddTranscript(raw)
	c.ks.ResumptionMaster(c.TranscriptHash())
	if _, err := c.setKeys(c.clientTraffic, false, "c_ap", "client application"); err != nil {
		return err
	}
	c.state = stateDone
	c.Establish()
	group, sig := "none: psk_ke", "none: resumed, authenticated by the PSK"
	if c.group != nil {
		group = c.group.Name
	}
	if c.scheme != nil {
		sig = c.scheme.Name
	}
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Handshake complete: the connection is established",
		trace.Text("Suite", c.suite.Name, ""), trace.Text("Group", group, ""), trace.Text("Signature", sig, ""))
	if len(c.cfg.TicketKey) > 0 && c.ticketsWanted {
		// Only to a client that said how it would use a ticket (RFC 8446,
		// Section 4.2.9).
		return serverResumption.ticket(c, c.cfg.TicketKey, c.cfg.MaxEarlyData)
	}
	return nil
}

// leafKey describes the public key in the leaf certificate.
func leafKey(chain [][]byte) string {
	if len(chain) == 0 {
		return "none"
	}
	cert, err := pki.ParseCertificate(chain[0])
	if err != nil {
		return "unparsable certificate"
	}
	return pki.PublicKeyName(cert)
}
