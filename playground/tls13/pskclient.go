package tls13

import (
	"encoding/binary"
	"fmt"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// offerTicket reports whether the client can offer Config.Resume: a
// ticket with its PSK, for a suite the client offers, not expired.
func (c *Conn) offerTicket() bool {
	t := c.cfg.Resume
	if t == nil {
		return false
	}
	why := ""
	var offered bool
	for _, s := range c.cfg.suites() {
		offered = offered || s == t.Suite
	}
	age := c.cfg.now().Sub(t.Received)
	switch {
	case len(t.PSK) == 0 || len(t.Ticket) == 0 || t.Suite == nil:
		why = "the ticket has no PSK or no suite"
	case !offered:
		why = "the ticket's suite " + t.Suite.Name + " is not among the suites the client offers"
	case age < 0 || age > time.Duration(t.Lifetime)*time.Second:
		why = fmt.Sprintf("the ticket is %s old, past its lifetime of %d s (RFC 8446, Section 4.6.1)", age.Round(time.Second), t.Lifetime)
	}
	if why != "" {
		c.cfg.Trace.Add(StepHello, c.Actor(), "Does not offer its ticket: a full handshake", trace.Text("Why", why, ""))
		return false
	}
	return true
}

// addPSK adds psk_key_exchange_modes, early_data when 0-RTT data follows,
// and pre_shared_key, last (RFC 8446, Section 4.2.11), then computes the
// binder over the ClientHello up to the binders list and puts it in.
func (c *Conn) addPSK(m *handshake.ClientHello) {
	t := c.cfg.Resume
	mode := pskModeDHEKE
	if c.cfg.PSKOnly {
		mode = pskModeKE
	}
	m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtPSKModes, Data: []byte{1, mode}})
	if len(c.cfg.EarlyData) > 0 && t.MaxEarlyData > 0 {
		m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtEarlyData})
	}
	age := uint32(c.cfg.now().Sub(t.Received).Milliseconds())
	obf := age + t.AgeAdd
	hl := t.Suite.Hash.Size()
	m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtPreSharedKey, Data: marshalPSK(t.Ticket, obf, make([]byte, hl))})
	raw := m.Marshal()
	c.pskKS = NewSchedule(t.Suite)
	c.pskKS.EarlySecret(t.PSK)
	c.psk = append([]byte(nil), t.PSK...)
	th := hashOf(t.Suite, raw[:len(raw)-(2+1+hl)])
	_, binder := binderFor(c.pskKS, th)
	m.Extensions[len(m.Extensions)-1].Data = marshalPSK(t.Ticket, obf, binder)
	m.Raw = m.Marshal()
	c.binderTH, c.binder, c.obfAge, c.ticketAge = th, binder, obf, age
}

// pskValues describe the client's offer for the trace.
func (c *Conn) pskValues(m *handshake.ClientHello) []trace.Value {
	mode := "psk_dhe_ke: the PSK and a fresh key exchange, forward secret"
	if c.cfg.PSKOnly {
		mode = "psk_ke: the PSK alone, no key share: NOT forward secret (RFC 8446, Section 2.2)"
	}
	return []trace.Value{
		trace.Hex("Ticket (PSK identity)", c.cfg.Resume.Ticket, "the opaque ticket the server sent in the first connection, in the clear: an eavesdropper can link the two connections by it"),
		trace.Text("Ticket age", fmt.Sprintf("%d ms", c.ticketAge), "since it was received"),
		trace.Text("obfuscated_ticket_age", fmt.Sprint(c.obfAge), "(age in ms + ticket_age_add) mod 2^32"),
		trace.Text("psk_key_exchange_modes", mode, "RFC 8446, Section 4.2.9"),
		trace.Secret("Resumption PSK", c.cfg.Resume.PSK, "from the ticket: never sent"),
		trace.Secret("Early secret", c.pskKS.Early, "HKDF-Extract(0, PSK)"),
		trace.Secret("binder_key", c.pskKS.BinderKey, `Derive-Secret(early, "res binder", "")`),
		trace.Hex("Transcript hash (ClientHello up to the binders)", c.binderTH, "the binder covers the whole ClientHello except the binders themselves (RFC 8446, Section 4.2.11.2)"),
		trace.Hex("PSK binder", c.binder, "HMAC(finished_key of binder_key, transcript hash): proves the client holds the PSK"),
	}
}

// sendEarlyData sends Config.EarlyData as 0-RTT data right after the
// ClientHello, under client_early_traffic_secret (RFC 8446, Section 2.3).
func (c *Conn) sendEarlyData(m *handshake.ClientHello) error {
	suite := c.cfg.Resume.Suite
	data := c.cfg.EarlyData
	if len(data) > int(c.cfg.Resume.MaxEarlyData) {
		data = data[:c.cfg.Resume.MaxEarlyData]
	}
	th := hashOf(suite, m.Raw)
	c.pskKS.EarlyTraffic(th)
	keys := c.pskKS.Keys(suite, c.pskKS.ClientEarly, "c_e", "client early")
	p, err := record.New13(suite.AEAD, keys.Key, keys.IV)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot set up the early data cipher", err)
	}
	c.SetWriteKey(p)
	c.earlySent = true
	w, d := c.QueueDetail(record.TypeApplicationData, data, "ApplicationData", StepHello)
	c.cfg.Trace.Add(StepHello, c.Actor(), "Sends 0-RTT early data right behind the ClientHello, before any answer",
		trace.Hex("Transcript hash (ClientHello)", th, ""),
		trace.Secret("client_early_traffic_secret", c.pskKS.ClientEarly, `Derive-Secret(early, "c e traffic", ClientHello)`),
		trace.Secret("Client early key", keys.Key, ""),
		trace.Secret("Client early IV", keys.IV, ""),
		trace.Text("Plaintext", string(data), fmt.Sprintf("%d bytes (the ticket allows %d)", len(data), c.cfg.Resume.MaxEarlyData)),
		trace.Hex("Ciphertext", d.Ciphertext, ""),
		trace.Frozen("Record on the wire", w, "zero round trips: the request travels with the ClientHello"),
		trace.Text("Not forward secret, replayable", "0-RTT data", "its key comes from the PSK alone; whoever recorded it can send it again, and a server without anti-replay takes it again (RFC 8446, Sections 2.3 and 8)"))
	return nil
}

// readSelectedPSK checks the server's pre_shared_key: the identity the
// client sent, a suite with the ticket's hash (RFC 8446, Section 4.2.11).
func (c *Conn) readSelectedPSK(d []byte, suite *suites.Suite) error {
	if len(d) != 2 {
		return alert.New(alert.DecodeError, "tls: malformed pre_shared_key in ServerHello")
	}
	if binary.BigEndian.Uint16(d) != 0 {
		return alert.New(alert.IllegalParameter, "tls: the server selected a PSK identity the client did not send (RFC 8446, Section 4.2.11)")
	}
	if suite.Hash != c.cfg.Resume.Suite.Hash {
		return alert.New(alert.IllegalParameter, "tls: the server resumed with a suite whose hash is not the ticket's (RFC 8446, Section 4.2.11)")
	}
	c.pskAccepted = true
	_, hasShare := handshake.Find(c.hello.Extensions, handshake.ExtKeyShare)
	c.pskDHE = hasShare && !c.cfg.PSKOnly
	return nil
}

// resumeWithoutShare continues a psk_ke resumption: no key share, the
// handshake secret from the PSK alone.
func (c *Conn) resumeWithoutShare(m *handshake.ServerHello, raw []byte, suite *suites.Suite) error {
	c.serverRandom = m.Random
	c.AddTranscript(raw)
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives ServerHello: the server resumes with the PSK alone (psk_ke)",
		trace.Hex("Server random", m.Random, ""),
		trace.Text("Chosen suite", suite.Name, "the ticket's"),
		trace.Text("Key share", "none", "no (EC)DHE: this connection is NOT forward secret; its keys come from the PSK and the two randoms, and whoever learns the PSK later (from the client's ticket store, or by opening the ticket with the server's ticket key) decrypts it (RFC 8446, Section E.5)"))
	c.state = stateWaitEncryptedExtensions
	return c.establishHandshakeKeys(StepKeyExchange)
}

// readEarlyDecision reads from EncryptedExtensions whether the server took
// the 0-RTT data (RFC 8446, Section 4.2.10).
func (c *Conn) readEarlyDecision(m *handshake.EncryptedExtensions) error {
	_, accepted := handshake.Find(m.Extensions, handshake.ExtEarlyData)
	if accepted && (!c.earlySent || !c.pskAccepted) {
		return alert.New(alert.IllegalParameter, "tls: the server accepted early data the client did not send with an accepted PSK")
	}
	if !c.earlySent {
		return nil
	}
	if accepted {
		c.earlyAccepted = true
		c.cfg.Trace.Add(StepCertificate, c.Actor(), "The server accepted the 0-RTT data (early_data in EncryptedExtensions)",
			trace.Text("Next", "EndOfEarlyData", "sent under the early key before the client's Finished"))
		return nil
	}
	c.WriteKey().Discard()
	c.SetWriteKey(c.pendingWrite)
	c.pendingWrite = nil
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "The server refused the 0-RTT data: it must be sent again after the handshake",
		trace.Text("early_data", "absent from EncryptedExtensions", "the server skipped the early records; the client switches to its handshake key (RFC 8446, Section 4.2.10)"))
	return nil
}

// sendEndOfEarlyData closes the 0-RTT data under the early key, then
// switches the client's write side to its handshake key (RFC 8446,
// Section 4.5).
func (c *Conn) sendEndOfEarlyData() {
	raw := []byte{handshake.TypeEndOfEarlyData, 0, 0, 0}
	wire := c.SendHandshake(raw, "EndOfEarlyData", StepEstablish)
	c.WriteKey().Discard()
	c.SetWriteKey(c.pendingWrite)
	c.pendingWrite = nil
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Sends EndOfEarlyData: no more 0-RTT data",
		trace.Frozen("Record on the wire", wire, "the last record under the client early traffic key"))
}
