package tls12

// The handshake's states, and the connection as the shared core (package
// conn) drives it: which state waits for which message, and what this
// version does with the records the core hands over.

import (
	"fmt"

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
	stateWaitCertificate
	stateWaitServerKeyExchange
	stateWaitServerHelloDone
	stateWaitClientHello
	stateWaitClientKeyExchange
	stateWaitNewSessionTicket
	stateWaitChangeCipherSpec
	stateWaitFinished
	stateDone // the handshake is over: the core's phase says the rest
)

// newConn makes a connection in state st and hands the core its handshake.
func newConn(cfg *Config, isClient bool, st state) *Conn {
	c := &Conn{cfg: cfg, state: st}
	c.Init(conn.Handshake{
		Step: c.stateStep, Suite: c.Suite, SendClientHello: c.sendClientHello, Message: c.handleMessage,
		DiscardKeys: c.discardKeys, CloseNotes: c.closeNotes,
		Screen: c.screen, ChangeCipherSpec: c.handleChangeCipherSpec, Failing: c.invalidateSession,
	}, suites.VersionTLS12, isClient, cfg.Trace, maxHandshakeMessage)
	return c
}

// screen checks the record's version: only the records before the version
// is agreed may carry another 3.x version (RFC 5246, Appendix E.1); after
// that it must be TLS 1.2.
func (c *Conn) screen(rec record.Record) (bool, error) {
	if rec.Version != record.VersionTLS12 && c.state != stateWaitClientHello && c.state != stateWaitServerHello {
		return true, alert.New(alert.ProtocolVersion, fmt.Sprintf("tls: record version 0x%04x after TLS 1.2 was agreed", rec.Version))
	}
	return false, nil
}

// closeNotes say what Close erased, and where the session lives on.
func (c *Conn) closeNotes(both bool) []trace.Value {
	what := "its write key and IV are overwritten with zeros and its write cipher dropped; it still reads until the peer's close_notify"
	if both {
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
	return append(vals,
		trace.Text("What Go cannot promise", "copies outside the engine's reach", "the AES or ChaCha20 key schedule inside a dropped cipher object, and the copy crypto/ecdh made of the private key, wait for the garbage collector; this page's trace is a teaching copy a real implementation would not keep"))
}

// stateStep is the teaching step of the handshake state.
func (c *Conn) stateStep() int {
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

func (c *Conn) handleChangeCipherSpec(p []byte) error {
	if len(p) != 1 || p[0] != 1 {
		return alert.New(alert.DecodeError, "tls: malformed ChangeCipherSpec")
	}
	if c.state != stateWaitChangeCipherSpec || c.nextIn == nil || c.Phase() != conn.Handshaking {
		return alert.New(alert.UnexpectedMessage, "tls: ChangeCipherSpec arrived out of order")
	}
	if c.PendingHandshake() {
		return alert.New(alert.UnexpectedMessage, "tls: handshake message split across a key change")
	}
	c.SetReadKey(c.nextIn)
	c.nextIn = nil
	c.state = stateWaitFinished
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Receives ChangeCipherSpec: from now on the peer's records are encrypted",
		trace.Text("Read key", writeKeyName(!c.IsClient()), "the peer's write key is this side's read key"))
	return nil
}

// ivNote says what a suite's write IV is: the implicit part of the nonce
// for AES-GCM (RFC 5288), the whole nonce mask for ChaCha20-Poly1305 (RFC
// 7905).
func ivNote(s *suites.Suite) string {
	if s != nil && s.AEAD == suites.ChaCha20Poly1305 {
		return "12-byte IV, XORed with the sequence number to make the nonce of"
	}
	return "implicit part (RFC 5288) of the nonces of"
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
	if c.Phase() != conn.Handshaking {
		if typ == handshake.TypeClientHello && !c.IsClient() {
			return c.refuseRenegotiation(raw)
		}
		return handshake.ErrUnexpected(typ, "no handshake message")
	}
	if c.awaitStatus {
		if done, err := c.statusOrNot(typ, raw); done || err != nil {
			return err
		}
	}
	switch c.state {
	case stateWaitClientHello:
		return conn.Expect(typ, handshake.TypeClientHello, raw, c.readClientHello)
	case stateWaitServerHello:
		return conn.Expect(typ, handshake.TypeServerHello, raw, c.readServerHello)
	case stateWaitCertificate:
		return conn.Expect(typ, handshake.TypeCertificate, raw, c.readCertificate)
	case stateWaitServerKeyExchange:
		return conn.Expect(typ, handshake.TypeServerKeyExchange, raw, c.readServerKeyExchange)
	case stateWaitServerHelloDone:
		if typ == handshake.TypeCertificateRequest && c.certReq == nil {
			return c.readCertificateRequest(raw)
		}
		return conn.Expect(typ, handshake.TypeServerHelloDone, raw, c.readServerHelloDone)
	case stateWaitClientKeyExchange:
		return conn.Expect(typ, handshake.TypeClientKeyExchange, raw, c.readClientKeyExchange)
	case stateWaitNewSessionTicket:
		return conn.Expect(typ, handshake.TypeNewSessionTicket, raw, c.readNewSessionTicket)
	case stateWaitFinished:
		return conn.Expect(typ, handshake.TypeFinished, raw, c.readFinished)
	case stateWaitChangeCipherSpec:
		return handshake.ErrUnexpected(typ, "ChangeCipherSpec")
	}
	return handshake.ErrUnexpected(typ, "no handshake message")
}
