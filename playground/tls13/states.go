package tls13

// The handshake's states, and the connection as the shared core (package
// conn) drives it: which state waits for which message, and what this
// version does with the records the core hands over.

import (
	"tlsplayground/playground/alert"
	"tlsplayground/playground/conn"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

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
	stateDone // the handshake is over: the core's phase says the rest
)

// newConn makes a connection in state st and hands the core its handshake.
func newConn(cfg *Config, isClient bool, st state) *Conn {
	c := &Conn{cfg: cfg, state: st}
	c.Init(conn.Handshake{
		Step: c.stateStep, Suite: c.Suite, SendClientHello: c.sendClientHello, Message: c.handleMessage,
		DiscardKeys: c.discardKeys, CloseNotes: c.closeNotes,
		Screen: c.screen, EarlyData: c.takeEarlyData,
	}, suites.VersionTLS13, isClient, cfg.Trace, maxHandshakeMessage)
	return c
}

// screen handles the records TLS 1.3 reads in the clear beside its
// protected ones. Their legacy_record_version is not checked: RFC 8446,
// Section 5.1 has it "ignored for all purposes" (record.Parse only refuses
// a major version other than 3, which is not TLS at all); on a protected
// record it is part of the additional data, as sent.
func (c *Conn) screen(rec record.Record) (bool, error) {
	// A ChangeCipherSpec of one byte 01 may arrive during the handshake for
	// middlebox compatibility, and is dropped (RFC 8446, Section 5).
	if rec.Type == record.TypeChangeCipherSpec {
		if len(rec.Payload) == 1 && rec.Payload[0] == 1 && !c.HandshakeComplete() && c.state != stateStart && (c.IsClient() || c.hello != nil) {
			c.cfg.Trace.Add(c.CurrentStep(), c.Actor(), "Ignores a ChangeCipherSpec record (sent only for middlebox compatibility in TLS 1.3)")
			c.AddReceived(rec, "ChangeCipherSpec", false)
			return true, nil
		}
		return true, alert.New(alert.UnexpectedMessage, "tls: unexpected ChangeCipherSpec record")
	}
	if c.ReadKey() != nil && rec.Type == record.TypeAlert && len(rec.Payload) == 2 && c.state == stateWaitClientFinished && c.Phase() == conn.Handshaking {
		// A client that rejects the server's certificate may send its
		// alert unprotected (OpenSSL does): say so rather than call it an
		// unexpected record.
		a := alert.Alert(rec.Payload[1])
		return true, &alert.Error{Alert: a, Received: true, Msg: "tls: the peer sent the alert " + a.String() + " (unprotected)"}
	}
	return false, nil
}

// takeEarlyData takes the 0-RTT data a server accepted, while it reads under
// the client's early traffic key (RFC 8446, Section 4.2.10).
func (c *Conn) takeEarlyData(rec record.Record, payload []byte) (bool, error) {
	if c.pendingIn == nil || c.IsClient() {
		return false, nil
	}
	return true, c.readEarlyData(rec, payload)
}

// closeNotes say what Close erased.
func (c *Conn) closeNotes(both bool) []trace.Value {
	what := "its write key and IV are overwritten with zeros and its write cipher dropped; it still reads until the peer's close_notify"
	if both {
		what = "every traffic key, IV and secret it held overwritten with zeros; both cipher objects dropped"
	}
	return []trace.Value{
		trace.Text("Keys", what, "the ephemeral private key and the shared secret were already zeroed in step 5, right after the handshake secret was derived"),
		trace.Text("What Go cannot promise", "copies outside the engine's reach", "the AES or ChaCha20 key schedule inside a dropped cipher object, and the copies crypto/ecdh and crypto/mlkem made of the private key, wait for the garbage collector; this page's trace is a teaching copy a real implementation would not keep"),
	}
}

// stateStep is the teaching step of the handshake state.
func (c *Conn) stateStep() int {
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

// handleMessage dispatches one handshake message by state: the client's
// flight as RFC 8446, Section 2 draws it, then the server's.
func (c *Conn) handleMessage(typ uint8, raw []byte) error {
	switch c.state {
	case stateWaitServerHello:
		return conn.Expect(typ, handshake.TypeServerHello, raw, c.readServerHello)
	case stateWaitEncryptedExtensions:
		return conn.Expect(typ, handshake.TypeEncryptedExtensions, raw, c.readEncryptedExtensions)
	case stateWaitCertificate:
		if typ == handshake.TypeCertificateRequest && c.IsClient() && c.certRequest == nil {
			return c.readCertificateRequest(raw)
		}
		return conn.Expect(typ, handshake.TypeCertificate, raw, c.readCertificate)
	case stateWaitCertificateVerify:
		return conn.Expect(typ, handshake.TypeCertificateVerify, raw, c.readCertificateVerify)
	case stateWaitFinished:
		return conn.Expect(typ, handshake.TypeFinished, raw, c.readServerFinished)
	case stateWaitClientHello:
		return conn.Expect(typ, handshake.TypeClientHello, raw, c.readClientHello)
	case stateWaitClientFinished:
		if c.pendingIn != nil {
			return conn.Expect(typ, handshake.TypeEndOfEarlyData, raw, c.readEndOfEarlyData)
		}
		return conn.Expect(typ, handshake.TypeFinished, raw, c.readClientFinished)
	case stateDone:
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
