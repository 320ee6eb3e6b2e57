package tls12

import (
	"crypto/rsa"
	"crypto/subtle"
	"fmt"
	"io"
	"strconv"
	"strings"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/prf"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// readClientHello is the server's side of steps 1 and 4: it reads what the
// client offers, picks the version and a shared suite by its rule
// (Config.SuiteOrder), then answers with its whole first flight.
func (c *Conn) readClientHello(raw []byte) error {
	m, err := handshake.UnmarshalClientHello(raw)
	if err != nil {
		return err
	}
	if err := c.checkClientVersion(m); err != nil {
		return err
	}
	if !containsByte(m.Compression, 0) {
		return alert.New(alert.IllegalParameter, "tls: client did not offer the null compression method (RFC 5246, Section 7.4.1.2)")
	}
	if err := c.checkClientExtensions(m); err != nil {
		return err
	}
	c.hello = m
	c.clientVers = m.Version
	c.sec.ClientRandom = m.Random
	c.offered = m.CipherSuites
	c.wantsStatus = handshake.AsksOCSPStatus(m.Extensions)
	c.AddTranscript(raw)

	offeredNames := make([]string, len(m.CipherSuites))
	for i, id := range m.CipherSuites {
		offeredNames[i] = suites.NameOf(id)
	}
	sni := "(none)"
	if d, ok := handshake.Find(m.Extensions, handshake.ExtServerName); ok {
		if n, ok := handshake.ParseServerName(d); ok {
			sni = n
		}
	}
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepHello, c.Actor(), "Receives ClientHello",
			trace.Hex("Client random", m.Random, ""),
			trace.Text("Server name asked for", sni, "a server hosting several sites picks its certificate with this"),
			trace.List("Extensions", describeExtensions(m.Extensions), ""))
	}

	if serverResumption != nil {
		if resumed, err := serverResumption.hello(c, m); err != nil || resumed {
			return err
		}
	} else if c.cfg.TicketKey != nil || c.cfg.SessionCache != nil {
		c.FailAt(StepHello)
		return alert.New(alert.InternalError, errNoServerResumption)
	}

	ec, err := c.negotiateECDHE(m)
	if err != nil {
		c.FailAt(StepNegotiate)
		return err
	}
	usable, unusable, reasons := c.usableSuites(ec)
	c.choice = suites.Negotiate(m.CipherSuites, usable, c.cfg.SuiteOrder)
	negotiation := append(make([]trace.Value, 0, 13), // every value below
		trace.List("Client offers", offeredNames, "in the client's order of preference"),
		trace.List("Server enables", suites.Names(c.cfg.suites()), "in the server's order of preference"),
		trace.Text("Rule", c.choice.Order.Rule(), "RFC 5246, Section 7.4.1.3 lets the server choose; the rule is its own"))
	if len(unusable) > 0 {
		negotiation = append(negotiation, trace.List("Not usable here", unusable, "enabled, but this server's key, or what the client offers for ECDHE, rules them out"))
	}
	negotiation = append(negotiation, trace.List("Shared", suites.Names(c.choice.Common), "in the order the rule ranks them"))
	if c.choice.Suite == nil {
		msg := "tls: no cipher suite in common: the client offers none that the server enables and can use"
		if len(reasons) > 0 {
			msg += " (" + strings.Join(reasons, "; ") + ")"
		}
		c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Finds no cipher suite in common", append(negotiation, trace.Check("Common suite", false, c.choice.Reason))...)
		c.FailAt(StepNegotiate)
		return alert.New(alert.HandshakeFailure, msg)
	}
	c.suite = c.choice.Suite
	_, clientEMS := handshake.Find(m.Extensions, handshake.ExtExtendedMasterSecret)
	c.ems = clientEMS && !c.cfg.DisableEMS
	negotiation = append(negotiation,
		trace.Text("Chosen", c.suite.Name, c.choice.Reason),
		trace.Text("Key exchange", kxName(c.suite), kxNote(c.suite)))
	if c.suite.ForwardSecret() {
		c.group, c.scheme = ec.group, ec.scheme
		negotiation = append(negotiation,
			trace.Text("Group", c.group.Name, ec.groupWhy),
			trace.Text("Signature scheme", c.scheme.Name, ec.schemeWhy))
	}
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Chooses the cipher suite", append(negotiation,
		trace.Text("Record protection", c.suite.Cipher, "authenticated encryption: confidentiality and integrity in one"),
		trace.Text("PRF hash", c.suite.HashName(), "used to derive keys and to hash the transcript"),
		trace.Check("Extended master secret", c.ems, emsText(c.ems)))...)

	if err := c.sendServerHello(); err != nil {
		return err
	}
	c.sendCertificate()
	if c.staples() {
		if err := c.sendCertificateStatus(); err != nil {
			return err
		}
	}
	if c.suite.ForwardSecret() {
		if err := c.sendServerKeyExchange(); err != nil {
			c.FailAt(StepKeyExchange)
			return err
		}
	}
	c.sendServerHelloDone()
	c.state = stateWaitClientKeyExchange
	return nil
}

// checkClientVersion accepts a client that can speak TLS 1.2, in the legacy
// version field or in supported_versions (RFC 8446, Section 4.2.1).
func (c *Conn) checkClientVersion(m *handshake.ClientHello) error {
	if d, ok := handshake.Find(m.Extensions, handshake.ExtSupportedVersions); ok {
		if len(d) < 3 || int(d[0]) != len(d)-1 || d[0]%2 != 0 {
			return alert.New(alert.DecodeError, "tls: malformed supported_versions extension")
		}
		for i := 1; i+1 < len(d); i += 2 {
			if uint16(d[i])<<8|uint16(d[i+1]) == record.VersionTLS12 {
				return nil
			}
		}
		return alert.New(alert.ProtocolVersion, "tls: the client does not offer TLS 1.2 in supported_versions")
	}
	if m.Version < record.VersionTLS12 {
		return alert.New(alert.ProtocolVersion, fmt.Sprintf("tls: client offers at most version 0x%04x; this server needs TLS 1.2", m.Version))
	}
	return nil
}

func containsByte(list []uint8, b uint8) bool {
	for _, x := range list {
		if x == b {
			return true
		}
	}
	return false
}

// sendServerHello sends the server's random and choices (RFC 5246, Section 7.4.1.3).
func (c *Conn) sendServerHello() error {
	c.sec.ServerRandom = make([]byte, 32)
	if _, err := io.ReadFull(c.cfg.Rand, c.sec.ServerRandom); err != nil {
		return alert.Wrap(alert.InternalError, "tls: no randomness for the server random", err)
	}
	if c.cfg.DowngradeSentinel {
		copy(c.sec.ServerRandom[24:], handshake.DowngradeTLS12)
	}
	m := &handshake.ServerHello{Version: record.VersionTLS12, Random: c.sec.ServerRandom, CipherSuite: c.suite.ID}
	sidNote := "empty: this server keeps no session cache"
	switch {
	case c.resumed:
		// RFC 5246, Section 7.4.1.3 (and RFC 5077, Section 3.4 for a
		// ticket): the client's session ID, echoed, says "resumed".
		m.SessionID = cp(c.hello.SessionID)
		sidNote = "the client's, echoed: this is a resumption"
	case c.cfg.SessionCache != nil:
		c.sessionID = newSessionID(c.sec.ServerRandom)
		m.SessionID = c.sessionID
		sidNote = "a new session's name in the server's cache (SHA-256 of the server random: unique, and no secret); the client may offer it to resume"
	}
	if c.issuesTicket() {
		// RFC 5077, Section 3.2: an empty session_ticket announces a
		// NewSessionTicket.
		m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtSessionTicket})
	}
	if c.ems {
		m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtExtendedMasterSecret})
	}
	if c.staples() {
		// RFC 6066, Section 8: an empty status_request announces a
		// CertificateStatus after Certificate.
		m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtStatusRequest})
	}
	// Secure renegotiation (RFC 5746, Section 3.6): answer the extension or
	// the SCSV with an empty renegotiation_info (checkClientExtensions
	// checked the client's).
	_, hasExt := handshake.Find(c.hello.Extensions, handshake.ExtRenegotiationInfo)
	if hasExt || containsUint16(c.hello.CipherSuites, scsvRenegotiation) {
		m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtRenegotiationInfo, Data: []byte{0}})
	}
	// RFC 8422, Section 5.2: with an ECDHE suite, answer ec_point_formats.
	if _, ok := handshake.Find(c.hello.Extensions, handshake.ExtECPointFormats); ok && c.suite.ForwardSecret() {
		m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtECPointFormats, Data: handshake.PointFormatsExtension()})
	}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "ServerHello", StepCertificate)
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepCertificate, c.Actor(), "Sends ServerHello",
			trace.Hex("Server random", m.Random, "32 fresh random bytes from the server"),
			trace.Text("Chosen suite", c.suite.Name, "the negotiation happens here, before the certificate is sent"),
			trace.Hex("Session ID", m.SessionID, sidNote),
			trace.List("Extensions", describeExtensions(m.Extensions), ""),
			trace.Frozen("Record on the wire", wire, ""))
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

// sendCertificate is step 2: the chain, leaf first; the public key rides in
// the leaf (RFC 5246, Section 7.4.2).
func (c *Conn) sendCertificate() {
	m := &handshake.Certificate{Certificates: c.cfg.Certificates}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "Certificate", StepCertificate)
	if c.cfg.Trace != nil {
		vals := append(make([]trace.Value, 0, 4), trace.Text("Chain", strconv.Itoa(len(m.Certificates))+" certificate(s)", "leaf first; the root stays out, clients already have it"))
		if k := c.serverKey(); k != nil {
			vals = appendPublicKeyValues(vals, "Public key", k.Public())
		}
		c.cfg.Trace.Add(StepCertificate, c.Actor(), "Sends its Certificate: the chain, with its public key inside the leaf",
			append(vals, trace.Frozen("Record on the wire", wire, ""))...)
	}
}

func (c *Conn) sendServerHelloDone() {
	m := &handshake.ServerHelloDone{}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "ServerHelloDone", StepCertificate)
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Sends ServerHelloDone: its turn is over",
		trace.Frozen("Record on the wire", wire, "an empty handshake message: 4 header bytes"))
}

// readClientKeyExchange is step 6: the server decrypts the pre-master secret
// with its private key. Following RFC 5246, Section 7.4.7.1, a bad padding or
// length is not reported: the server goes on with a random pre-master
// secret, in constant time, so that the only failure an attacker sees is the
// Finished check, the same as for a wrong key (Bleichenbacher's attack).
func (c *Conn) readClientKeyExchange(raw []byte) error {
	if c.suite.ForwardSecret() {
		return c.readClientKeyExchangeECDHE(raw)
	}
	m, err := handshake.UnmarshalClientKeyExchange(raw)
	if err != nil {
		return err
	}
	key := c.cfg.rsaKey() // usableSuites checked
	k := key.Size()
	if len(m.EncryptedPreMaster) != k {
		return alert.New(alert.DecodeError, fmt.Sprintf("tls: encrypted pre-master secret is %d bytes, the %d-bit key needs %d", len(m.EncryptedPreMaster), k*8, k))
	}
	c.AddTranscript(raw)

	pms := make([]byte, 48)
	if _, err := io.ReadFull(c.cfg.Rand, pms); err != nil {
		return alert.Wrap(alert.InternalError, "tls: no randomness for the countermeasure", err)
	}
	random := append([]byte(nil), pms...)
	if c.cfg.PaddingOracle {
		plain, err := rsa.DecryptPKCS1v15(nil, key, m.EncryptedPreMaster)
		clear(plain)
		if err != nil || len(plain) != 48 {
			c.cfg.Trace.Add(StepEstablish, c.Actor(), "LEAKY ORACLE: reports that the padding is wrong",
				trace.Check("PKCS#1 v1.5 padding", false, "this deliberately vulnerable server answers a bad padding with its own alert, before any key is derived"),
				trace.Text("What it leaks", "whether the ciphertext decrypts to 00 02 …", "one bit per query; Bleichenbacher (1998) showed that about a million such queries decrypt any recorded ClientKeyExchange"))
			c.FailAt(StepEstablish)
			return alert.New(alert.DecryptError, "tls: bad PKCS#1 padding in ClientKeyExchange (this server is a deliberately leaky padding oracle)")
		}
	}
	//lint:ignore SA1019 RSA key transport is the point of this handshake.
	if err := rsa.DecryptPKCS1v15SessionKey(nil, key, m.EncryptedPreMaster, pms); err != nil {
		return alert.Wrap(alert.InternalError, "tls: RSA decryption failed", err)
	}
	// The version bytes are always ClientHello.client_version.
	pms[0], pms[1] = byte(c.clientVers>>8), byte(c.clientVers)
	c.sec.PreMaster = pms
	replaced := subtle.ConstantTimeCompare(pms[2:], random[2:]) == 1 // for the trace only, after the fact
	clear(random)
	note := "decrypted with the private key: the same 48 bytes the client chose"
	if replaced {
		note = "the padding or length was wrong, so this is the random stand-in: the handshake will fail at Finished"
	}
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Decrypts the pre-master secret with its private key",
		trace.Hex("Encrypted pre-master secret", m.EncryptedPreMaster, "as received in ClientKeyExchange"),
		trace.Secret("Pre-master secret", pms, note),
		trace.Text("Countermeasure", "RFC 5246 §7.4.7.1", "decryption is constant time and never fails visibly: a bad padding gives a random pre-master secret, so an attacker cannot use the server as a padding oracle"))

	c.deriveKeys(StepEstablish)
	if err := c.activateKeys(); err != nil {
		return err
	}
	c.state = stateWaitChangeCipherSpec
	return nil
}

// sendServerFinished answers a verified client Finished with the server's
// ChangeCipherSpec and Finished.
func (c *Conn) sendServerFinished() error {
	if c.issuesTicket() {
		// RFC 5077, Section 3.3: after the client's Finished, before the
		// server's ChangeCipherSpec. (issuesTicket needs a ticket key, which
		// a build without serverResumption refuses at ClientHello.)
		if err := serverResumption.ticket(c); err != nil {
			return err
		}
	}
	c.serverSessionDone()
	th := c.TranscriptHash()
	vd := prf.Finished(c.suite.Hash, c.sec.Master, prf.LabelServerFinished, th)
	ccs := c.sendChangeCipherSpec(StepEstablish)
	m := &handshake.Finished{VerifyData: vd}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "Finished", StepEstablish)
	c.state = stateDone
	c.Establish()
	if c.cfg.Trace != nil {
		c.cfg.Trace.Add(StepEstablish, c.Actor(), "Sends ChangeCipherSpec and its Finished: the connection is established",
			trace.Frozen("ChangeCipherSpec record", ccs, ""),
			trace.Hex("Transcript hash", th, c.suite.HashName()+" of every handshake message, the client's Finished included"),
			trace.Hex("Server verify_data", vd, "PRF(master, \"server finished\", transcript hash), 12 bytes"),
			trace.Hex("Finished record on the wire", wire, "encrypted with server_write_key"))
	}
	return nil
}
