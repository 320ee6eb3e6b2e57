package tls12

import (
	"bytes"
	"crypto/hmac"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/prf"
	"tlsplayground/playground/record"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// sendClientHello is step 1: the client's random, its suites in preference
// order and its extensions (RFC 5246, Section 7.4.1.2). The client
// advertises in signature_algorithms (Section 7.4.1.4.1) the schemes it can
// verify: RSA key transport signs nothing in the handshake, ECDHE's
// ServerKeyExchange does. With ECDHE suites it adds supported_groups and
// ec_point_formats (RFC 8422, Section 5.1).
func (c *Conn) sendClientHello() error {
	offer := c.cfg.suites()
	if len(offer) == 0 {
		return alert.New(alert.InternalError, "tls: no TLS 1.2 cipher suite is enabled on the client")
	}
	ecdhe := offersECDHE(offer)
	if ecdhe && len(c.cfg.groups()) == 0 {
		return alert.New(alert.InternalError, "tls: ECDHE suites are enabled but no TLS 1.2 group is: X25519MLKEM768 exists only in TLS 1.3")
	}
	c.sec.ClientRandom = make([]byte, 32)
	if _, err := io.ReadFull(c.cfg.Rand, c.sec.ClientRandom); err != nil {
		return alert.Wrap(alert.InternalError, "tls: no randomness for the client random", err)
	}
	m := &handshake.ClientHello{
		Version:     record.VersionTLS12,
		Random:      c.sec.ClientRandom,
		Compression: []uint8{0},
	}
	for _, s := range offer {
		m.CipherSuites = append(m.CipherSuites, s.ID)
	}
	resumeExts, resumeVals, err := c.clientHelloResume(m)
	if err != nil {
		return err
	}
	var exts []handshake.Extension
	if c.cfg.ServerName != "" && net.ParseIP(c.cfg.ServerName) == nil { // no IP addresses in SNI (RFC 6066, Section 3)
		exts = append(exts, handshake.Extension{Type: handshake.ExtServerName, Data: handshake.ServerNameExtension(c.cfg.ServerName)})
	}
	if c.cfg.WebPKI {
		exts = append(exts, handshake.Extension{Type: handshake.ExtStatusRequest, Data: handshake.StatusRequestOCSP})
	}
	if ecdhe {
		ids := c.supportedGroups(offer)
		exts = append(exts,
			handshake.Extension{Type: handshake.ExtSupportedGroups, Data: handshake.MarshalUint16List(ids, 2)},
			handshake.Extension{Type: handshake.ExtECPointFormats, Data: handshake.PointFormatsExtension()})
	}
	var schemes []uint16
	for _, s := range c.cfg.schemes() {
		schemes = append(schemes, s.ID)
	}
	exts = append(exts, handshake.Extension{Type: handshake.ExtSignatureAlgorithms, Data: handshake.MarshalUint16List(schemes, 2)})
	if !c.cfg.DisableEMS {
		exts = append(exts, handshake.Extension{Type: handshake.ExtExtendedMasterSecret})
	}
	exts = append(exts, handshake.Extension{Type: handshake.ExtRenegotiationInfo, Data: []byte{0}})
	m.Extensions = append(exts, resumeExts...)
	m.Raw = m.Marshal()
	c.hello = m
	c.clientVers = m.Version
	wire := c.SendHandshake(m.Raw, "ClientHello", StepHello)
	c.state = stateWaitServerHello

	vals := append(make([]trace.Value, 0, 8+len(resumeVals)), // every value below
		trace.Text("Version", "TLS 1.2 (0x0303)", "the highest version this client speaks"),
		trace.Hex("Client random", m.Random, "32 fresh random bytes; they make this session's keys unique"),
		trace.List("Offered cipher suites", suites.Names(offer), "in the client's order of preference"))
	if ecdhe {
		vals = append(vals, trace.List("Supported groups", groupNames(c.cfg.groups()), "for ECDHE: the curves on which the client can make an ephemeral key, preferred first"))
		if len(c.certOnly) > 0 {
			vals = append(vals, trace.List("Certificate curves", namesList(c.certOnly), "listed in supported_groups too, after the groups above: the client verifies ECDSA certificates on them, but makes no ephemeral key on them (RFC 8422, Section 5.1.1)"))
		}
	}
	vals = append(vals, resumeVals...)
	c.cfg.Trace.Add(StepHello, c.Actor(), "Sends ClientHello", append(vals,
		trace.List("Extensions", describeExtensions(m.Extensions), ""),
		trace.Text("Server name (SNI)", c.cfg.ServerName, "sent in the clear: an eavesdropper sees which site is visited"),
		trace.Frozen("Record on the wire", wire, "record header (5 bytes) + handshake header (4 bytes) + ClientHello"))...)
	return nil
}

// readServerHello checks the server's choices: version, suite, extensions.
func (c *Conn) readServerHello(raw []byte) error {
	m, err := handshake.UnmarshalServerHello(raw)
	if err != nil {
		return err
	}
	if m.Version != record.VersionTLS12 {
		return alert.New(alert.ProtocolVersion, fmt.Sprintf("tls: server chose version 0x%04x; this client speaks only TLS 1.2", m.Version))
	}
	if _, ok := handshake.Find(m.Extensions, handshake.ExtSupportedVersions); ok {
		return alert.New(alert.IllegalParameter, "tls: server sent supported_versions in a TLS 1.2 ServerHello")
	}
	if c.cfg.OfferedTLS13 && len(m.Random) == 32 && bytes.Equal(m.Random[24:], handshake.DowngradeTLS12) {
		c.cfg.Trace.Add(StepCertificate, c.Actor(), "Detects a downgrade in ServerHello.random",
			trace.Hex("Server random", m.Random, "its last 8 bytes say DOWNGRD 01: the server speaks TLS 1.3, yet it answered with TLS 1.2"),
			trace.Check("No downgrade sentinel", false, "the client offered TLS 1.3: someone between the two removed it from the ClientHello"))
		return alert.New(alert.IllegalParameter, "tls: downgrade detected: the server supports TLS 1.3 (DOWNGRD sentinel in ServerHello.random, RFC 8446 4.1.3) but was offered only TLS 1.2")
	}
	if m.Compression != 0 {
		return alert.New(alert.IllegalParameter, "tls: server chose a compression method the client did not offer")
	}
	var suite *suites.Suite
	for _, s := range c.cfg.suites() {
		if s.ID == m.CipherSuite {
			suite = s
		}
	}
	if suite == nil {
		return alert.New(alert.IllegalParameter, fmt.Sprintf("tls: server chose %s, which the client did not offer", suites.NameOf(m.CipherSuite)))
	}
	for _, e := range m.Extensions {
		switch e.Type {
		case handshake.ExtExtendedMasterSecret:
			if _, offered := handshake.Find(c.hello.Extensions, e.Type); !offered {
				return alert.New(alert.UnsupportedExtension, "tls: server sent extended_master_secret, which the client did not offer")
			}
			if len(e.Data) != 0 { // RFC 7627, Section 5.1: extension_data is empty
				return alert.New(alert.DecodeError, "tls: server's extended_master_secret extension is not empty (RFC 7627, Section 5.1)")
			}
			c.ems = true
		case handshake.ExtRenegotiationInfo:
			if err := checkRenegotiationInfo(e.Data, "server"); err != nil {
				return err
			}
		case handshake.ExtStatusRequest:
			if err := c.readServerStatusRequest(e.Data); err != nil {
				return err
			}
		case handshake.ExtSessionTicket:
			// RFC 5077, Section 3.2: an empty extension, only if offered;
			// it announces a NewSessionTicket.
			if _, offered := handshake.Find(c.hello.Extensions, e.Type); !offered {
				return alert.New(alert.UnsupportedExtension, "tls: server sent session_ticket, which the client did not offer")
			}
			if len(e.Data) != 0 {
				return alert.New(alert.DecodeError, "tls: server's session_ticket extension is not empty (RFC 5077, Section 3.2)")
			}
			c.expectTicket = true
		case handshake.ExtServerName:
			// RFC 6066, Section 3: a server that used the name answers
			// with an empty server_name.
			if _, offered := handshake.Find(c.hello.Extensions, e.Type); !offered {
				return alert.New(alert.UnsupportedExtension, "tls: server sent server_name, which the client did not offer")
			}
			if len(e.Data) != 0 {
				return alert.New(alert.DecodeError, "tls: server's server_name extension is not empty (RFC 6066, Section 3)")
			}
		case handshake.ExtECPointFormats:
			// RFC 8422, Section 5.2: the server's list must allow the one
			// format the client offered.
			if _, offered := handshake.Find(c.hello.Extensions, e.Type); !offered {
				return alert.New(alert.UnsupportedExtension, "tls: server sent ec_point_formats, which the client did not offer")
			}
			f, ok := handshake.ParsePointFormats(e.Data)
			if !ok {
				return alert.New(alert.DecodeError, "tls: malformed ec_point_formats extension in ServerHello")
			}
			if suite.ForwardSecret() && !containsByte(f, handshake.PointFormatUncompressed) {
				return alert.New(alert.IllegalParameter, "tls: server's ec_point_formats does not allow uncompressed points")
			}
		default:
			if _, offered := handshake.Find(c.hello.Extensions, e.Type); !offered {
				return alert.New(alert.UnsupportedExtension, "tls: server sent "+handshake.ExtensionName(e.Type)+", which the client did not offer")
			}
		}
	}
	c.suite = suite
	c.sec.ServerRandom = m.Random
	c.serverSessionID = m.SessionID
	c.AddTranscript(raw)
	c.state = stateWaitCertificate

	sidNote := "empty: this server keeps no session cache"
	switch {
	case len(m.SessionID) > 0 && bytes.Equal(m.SessionID, c.hello.SessionID):
		sidNote = "the client's own, echoed: the server resumes the session (RFC 5246, Section 7.4.1.3)"
	case len(m.SessionID) > 0:
		sidNote = "the name of this session in the server's cache: the client may offer it to resume (RFC 5246, Section 7.4.1.3)"
	}
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives ServerHello",
		trace.Hex("Server random", m.Random, "the server's 32 random bytes"),
		trace.Text("Chosen suite", suite.Name, ""),
		trace.Hex("Session ID", m.SessionID, sidNote),
		trace.List("Extensions", describeExtensions(m.Extensions), ""))
	resumed, err := c.clientServerHelloResume(m, suite)
	if err != nil {
		return err
	}
	if resumed {
		c.state = stateWaitChangeCipherSpec
		if c.expectTicket {
			c.state = stateWaitNewSessionTicket
		}
		return nil
	}
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Accepts the server's choice",
		trace.Check("Suite was offered", true, suite.Name+" is in the client's list"),
		trace.Text("Key exchange", kxName(suite), kxNote(suite)),
		trace.Check("Extended master secret", c.ems, emsText(c.ems)))
	return nil
}

func emsText(on bool) string {
	if on {
		return "both sides agreed: the master secret will hash the whole handshake (RFC 7627)"
	}
	return "not negotiated: the master secret depends only on the pre-master secret and the two randoms"
}

// readCertificate is steps 2 and 3: the server's chain arrives, and the
// client checks it against its own trust store and the host name it meant
// to reach (RFC 5246, Section 7.4.2; RFC 5280, Section 6).
func (c *Conn) readCertificate(raw []byte) error {
	m, err := handshake.UnmarshalCertificate(raw)
	if err != nil {
		return err
	}
	if len(m.Certificates) == 0 {
		return alert.New(alert.DecodeError, "tls: server sent an empty certificate chain")
	}
	c.AddTranscript(raw)
	c.peerChain = m.Certificates

	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives the server's Certificate",
		trace.Chain(m.Certificates, "the root is not sent: the client must already have it")...)

	res := pki.Verify(m.Certificates, c.cfg.Roots, c.cfg.ServerName, c.cfg.now())
	checks := trace.Verification(res)
	if !res.OK {
		c.cfg.Trace.Add(StepVerify, c.Actor(), "Rejects the certificate", checks...)
		return alert.Wrap(res.Alert(), "tls: the server's certificate is not trusted", res.Err)
	}
	// An RSASSA-PSS key (RFC 4055), which crypto/x509 leaves unparsed,
	// comes back as a *sigscheme.RSAPSSPublicKey.
	pub, err := sigscheme.CertificateKey(res.Chain[0])
	if err != nil {
		return alert.Wrap(alert.UnsupportedCertificate, "tls: the server's certificate key cannot be used", err)
	}
	if !keyFits(c.suite, pub) {
		return alert.New(alert.UnsupportedCertificate, fmt.Sprintf("tls: %s needs %s certificate key; the server's is %s", c.suite.Name, keyNeeded(c.suite), publicKeyName(pub)))
	}
	c.peerKey = pub
	checks = appendPublicKeyValues(checks, "Server public key", c.peerKey)
	c.cfg.Trace.Add(StepVerify, c.Actor(), "Verifies the chain locally against its trust store", checks...)
	c.state = stateWaitServerHelloDone
	if c.suite.ForwardSecret() {
		c.state = stateWaitServerKeyExchange
	}
	return c.afterPathValidation(res.Chain)
}

// readServerHelloDone ends the server's flight; the client now sends its
// key exchange, its ChangeCipherSpec and its Finished in one flight.
func (c *Conn) readServerHelloDone(raw []byte) error {
	if _, err := handshake.UnmarshalServerHelloDone(raw); err != nil {
		return err
	}
	c.AddTranscript(raw)
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives ServerHelloDone: the server's flight is complete")
	if c.certReq != nil {
		c.sendEmptyCertificate()
	}
	send := c.sendClientKeyExchange
	if c.suite.ForwardSecret() {
		send = c.sendClientKeyExchangeECDHE
	}
	if err := send(); err != nil {
		c.FailAt(StepKeyExchange)
		return err
	}
	c.deriveKeys(StepEstablish)
	if err := c.activateKeys(); err != nil {
		return err
	}
	c.sendClientFinished()
	c.state = stateWaitChangeCipherSpec
	if c.expectTicket {
		c.state = stateWaitNewSessionTicket
	}
	return nil
}

// sendClientKeyExchange is step 5: a 48-byte pre-master secret, the
// client's version then 46 random bytes, encrypted with RSAES-PKCS1-v1_5
// under the server's public key (RFC 5246, Section 7.4.7.1; RFC 8017,
// Section 7.2.1).
func (c *Conn) sendClientKeyExchange() error {
	pub := c.peerKey.(*rsa.PublicKey) // readCertificate checked
	pms := make([]byte, 48)
	pms[0], pms[1] = byte(c.clientVers>>8), byte(c.clientVers)
	if _, err := io.ReadFull(c.cfg.Rand, pms[2:]); err != nil {
		return alert.Wrap(alert.InternalError, "tls: no randomness for the pre-master secret", err)
	}
	em, ct, err := encryptPKCS1v15(c.cfg.Rand, pub, pms)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot encrypt the pre-master secret", err)
	}
	c.sec.PreMaster = pms
	m := &handshake.ClientKeyExchange{EncryptedPreMaster: ct}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "ClientKeyExchange", StepKeyExchange)
	k := (pub.N.BitLen() + 7) / 8
	c.cfg.Trace.Add(StepKeyExchange, c.Actor(), "Encrypts the pre-master secret with the server's public key and sends ClientKeyExchange",
		trace.Secret("Pre-master secret", pms, "client version (03 03) + 46 random bytes: the \"session key\" of the articles"),
		trace.Secret("Padded block EM", em, fmt.Sprintf("00 02 + %d nonzero random bytes + 00 + pre-master secret = %d bytes (PKCS#1 v1.5)", k-3-len(pms), k)),
		trace.Hex("Encrypted pre-master secret", ct, fmt.Sprintf("EM^e mod n with the server's %d-bit key; only the private key can undo it", pub.N.BitLen())),
		trace.Frozen("Record on the wire", wire, ""))
	clear(em) // it holds the pre-master secret too
	return nil
}

// encryptPKCS1v15 pads msg as EM = 0x00 || 0x02 || PS || 0x00 || msg with PS
// nonzero random bytes, and returns EM and EM^e mod n (RFC 8017,
// Section 7.2.1). It is written out, not taken from crypto/rsa, so that the
// page can show EM.
func encryptPKCS1v15(rand io.Reader, pub *rsa.PublicKey, msg []byte) (em, ct []byte, err error) {
	k := (pub.N.BitLen() + 7) / 8
	if len(msg) > k-11 {
		return nil, nil, errors.New("message too long for the RSA key")
	}
	em = make([]byte, k)
	em[1] = 2
	ps := em[2 : k-len(msg)-1]
	if _, err := io.ReadFull(rand, ps); err != nil {
		return nil, nil, err
	}
	for i := range ps {
		for ps[i] == 0 {
			var b [1]byte
			if _, err := io.ReadFull(rand, b[:]); err != nil {
				return nil, nil, err
			}
			ps[i] = b[0]
		}
	}
	copy(em[k-len(msg):], msg)
	m := new(big.Int).SetBytes(em)
	cBig := new(big.Int).Exp(m, big.NewInt(int64(pub.E)), pub.N)
	ct = cBig.FillBytes(make([]byte, k))
	return em, ct, nil
}

// sendClientFinished sends ChangeCipherSpec, then Finished under the new keys.
func (c *Conn) sendClientFinished() {
	th := c.TranscriptHash()
	vd := prf.Finished(c.suite.Hash, c.sec.Master, prf.LabelClientFinished, th)
	ccs := c.sendChangeCipherSpec(StepEstablish)
	m := &handshake.Finished{VerifyData: vd}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "Finished", StepEstablish)
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Sends ChangeCipherSpec, then its Finished, the first encrypted message",
		trace.Frozen("ChangeCipherSpec record", ccs, "from now on this side encrypts"),
		trace.Hex("Transcript hash", th, c.suite.HashName()+" of every handshake message so far"),
		trace.Hex("Client verify_data", vd, "PRF(master, \"client finished\", transcript hash), 12 bytes"),
		trace.Hex("Finished record on the wire", wire, "encrypted with client_write_key"))
}

// readFinished checks the peer's Finished against the transcript (RFC 5246,
// Section 7.4.9). A mismatch means the two sides saw different handshakes or
// derived different keys: decrypt_error.
func (c *Conn) readFinished(raw []byte) error {
	m, err := handshake.UnmarshalFinished(raw)
	if err != nil {
		return err
	}
	label, who := prf.LabelServerFinished, "server"
	if !c.IsClient() {
		label, who = prf.LabelClientFinished, "client"
	}
	th := c.TranscriptHash()
	want := prf.Finished(c.suite.Hash, c.sec.Master, label, th)
	ok := hmac.Equal(want, m.VerifyData)
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Receives the "+who+"'s Finished and checks it",
		trace.Hex("Received verify_data", m.VerifyData, "decrypted from the record"),
		trace.Hex("Expected verify_data", want, "PRF(master, \""+label+"\", transcript hash) computed here"),
		trace.Check("Finished matches", ok, finishedText(ok)))
	if !ok {
		return alert.New(alert.DecryptError, "tls: the "+who+"'s Finished does not match: the two sides saw different handshakes or hold different keys")
	}
	c.AddTranscript(raw)
	if c.resumed && c.IsClient() {
		// Abbreviated handshake: the client finishes second.
		c.sendClientFinished()
		c.state = stateDone
		c.Establish()
		c.clientSessionDone()
		c.cfg.Trace.Add(StepEstablish, c.Actor(), "Handshake complete: the session is resumed",
			trace.Text("Suite", c.suite.Name, ""), trace.Text("Resumed by", c.resumedBy, resumeNote))
		return nil
	}
	if c.resumed {
		c.state = stateDone
		c.Establish()
		c.cfg.Trace.Add(StepEstablish, c.Actor(), "Handshake complete: the session is resumed",
			trace.Text("Suite", c.suite.Name, ""), trace.Text("Resumed by", c.resumedBy, resumeNote))
		return nil
	}
	if c.IsClient() {
		c.clientSessionDone()
		c.state = stateDone
		c.Establish()
		c.cfg.Trace.Add(StepEstablish, c.Actor(), "Handshake complete: the connection is established",
			trace.Text("Suite", c.suite.Name, ""))
		return nil
	}
	return c.sendServerFinished()
}

func finishedText(ok bool) string {
	if ok {
		return "both sides saw the same handshake and hold the same master secret"
	}
	return "mismatch: a message was changed on the way, or the keys differ"
}
