package tls13

import (
	"fmt"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// protector makes a record protector from a traffic secret, its key and IV
// recorded under node.
func (c *Conn) protector(secret []byte, node, who string) (*record.Protector, TrafficKeys, error) {
	t := c.ks.Keys(c.suite, secret, node, who)
	p, err := record.New13(c.suite.AEAD, t.Key, t.IV)
	if err != nil {
		return nil, t, alert.Wrap(alert.InternalError, "tls: cannot set up the record cipher", err)
	}
	return p, t, nil
}

// serverResumption is the server's side of resumption: a ticket offered in
// the ClientHello (acceptPSK, with 0-RTT) and the tickets it issues. Every
// build sets it (resume_server.go) but the page's core engine (build tag
// core), which never configures a ticket key: the linker then leaves this
// code out of it. A server with a ticket key in such a build fails at
// ClientHello with errNoServerResumption; a ticket offered to a server
// without one is declined as acceptPSK declines it.
var serverResumption *serverResumer

type serverResumer struct {
	acceptPSK func(c *Conn, m *handshake.ClientHello, p *helloParams, haveShare bool) error
	ticket    func(c *Conn, key []byte, maxEarly uint32) error
}

const errNoServerResumption = "tls: this server has a ticket key, but this build of the engine (the page's core) has no resumption: it is in the lab build"

// noTicketKey is why a server without a ticket key declines a ticket.
const noTicketKey = "this server issues no tickets (it has no ticket key)"

// declinePSK records why the server does not resume with the offered
// ticket: a full handshake follows.
func (c *Conn) declinePSK(p *helloParams, why string, vals ...trace.Value) error {
	c.cfg.Trace.Add(StepHello, c.Actor(), "Cannot resume with the offered ticket: a full handshake instead",
		append([]trace.Value{trace.Hex("Ticket", p.psk.identity, ""), trace.Text("Why", why, "")}, vals...)...)
	return nil
}

// acceptPSK is the server's look at a ticket the client offers (RFC 8446,
// Section 4.2.11): it opens the ticket under its ticket key, checks its age
// and suite and the binder, and decides on 0-RTT. A ticket it cannot use
// (sealed under another key, expired, another hash) means a full
// handshake; a binder that does not match is decrypt_error.
func (c *Conn) acceptPSK(m *handshake.ClientHello, p *helloParams, haveShare bool) error {
	full := func(why string, vals ...trace.Value) error { return c.declinePSK(p, why, vals...) }
	if len(c.cfg.TicketKey) == 0 {
		return full(noTicketKey)
	}
	st, err := openTicket(c.cfg.TicketKey, p.psk.identity)
	if err != nil {
		return full(err.Error())
	}
	now := c.cfg.now()
	age := now.Sub(st.created)
	if age < 0 || age > time.Duration(st.lifetime)*time.Second {
		return full(fmt.Sprintf("the ticket is %s old, past its lifetime of %d s", age.Round(time.Second), st.lifetime))
	}
	ts := suites.ByID(st.suite)
	var enabled bool
	for _, s := range c.cfg.suites() {
		enabled = enabled || s == ts
	}
	if ts == nil || !enabled || !containsUint16(m.CipherSuites, ts.ID) || ts.Hash != c.suite.Hash {
		return full("the ticket's suite is not offered or enabled, or its hash differs from the chosen suite's (RFC 8446, Section 4.2.11)")
	}
	dhe := haveShare && containsUint8(p.pskModes, pskModeDHEKE)
	ke := containsUint8(p.pskModes, pskModeKE)
	if !dhe && !ke {
		return full("the client offers psk_dhe_ke only, without a key share this server accepts")
	}
	c.suite = ts
	ks := c.newSchedule(ts)
	ks.EarlySecret(st.psk)
	truncated := m.Raw[:len(m.Raw)-p.psk.bindersLen]
	th := hashOf(ts, truncated)
	fk, want := binderFor(ks, th)
	ok := bindersEqual(want, p.psk.binder)
	c.cfg.Trace.Add(StepHello, c.Actor(), "Opens the ticket and checks the PSK binder",
		trace.Text("Ticket key", "opens it", "AES-256-GCM under the server's ticket key: the ticket is the server's own, unchanged"),
		trace.Text("Ticket age", fmt.Sprintf("%s of %d s", age.Round(time.Millisecond), st.lifetime), "not expired"),
		trace.Secret("Resumption PSK (from the ticket)", st.psk, ""),
		trace.Secret("Early secret", ks.Early, "HKDF-Extract(0, PSK): no longer zeros"),
		trace.Secret("binder_key", ks.BinderKey, `Derive-Secret(early, "res binder", "")`),
		trace.Secret("Binder finished_key", fk, `HKDF-Expand-Label(binder_key, "finished")`),
		trace.Hex("Transcript hash (ClientHello up to the binders)", th, "the ClientHello without its binders list (RFC 8446, Section 4.2.11.2)"),
		trace.Hex("Received binder", p.psk.binder, ""),
		trace.Hex("Expected binder", want, "HMAC(finished_key, transcript hash)"),
		trace.Check("Binder matches", ok, binderText(ok)))
	if !ok {
		c.FailAt(StepHello)
		return alert.New(alert.DecryptError, "tls: the PSK binder does not match: the client does not hold this ticket's PSK, or the ClientHello was changed (RFC 8446, Section 4.2.11.2)")
	}
	c.pskKS, c.psk, c.pskAccepted, c.pskDHE = ks, st.psk, true, dhe
	mode := "psk_dhe_ke: the PSK and a fresh (EC)DHE exchange, forward secret"
	if !dhe {
		mode = "psk_ke: the PSK alone, NOT forward secret: a later leak of the PSK or the ticket key decrypts this connection (RFC 8446, Section E.5)"
	}
	c.cfg.Trace.Add(StepNegotiate, c.Actor(), "Resumes the session: the ticket's PSK replaces the certificate",
		trace.Text("Selected identity", "0", "the only ticket offered"),
		trace.Text("Key exchange mode", mode, "RFC 8446, Section 4.2.9"),
		trace.Text("Skipped", "Certificate, CertificateVerify", "the PSK authenticates the server: it was made in a handshake that checked the certificate"))
	if p.earlyData {
		c.decideEarly(m, p, st, age)
	}
	return nil
}

func binderText(ok bool) string {
	if ok {
		return "the client holds the PSK, and the ClientHello is the one it bound"
	}
	return "mismatch: decrypt_error"
}

func containsUint8(list []uint8, v uint8) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// decideEarly decides on the client's 0-RTT data (RFC 8446, Sections
// 4.2.10 and 8): only with the first identity, the ticket's suite, a ticket
// and a server that allow it, a fresh ticket age, and a ClientHello never
// seen before when anti-replay is on.
func (c *Conn) decideEarly(m *handshake.ClientHello, p *helloParams, st *ticketState, age time.Duration) {
	reported := time.Duration(p.psk.obfAge-st.ageAdd) * time.Millisecond
	skew := reported - age
	if skew < 0 {
		skew = -skew
	}
	refuse := ""
	switch {
	case c.cfg.MaxEarlyData == 0:
		refuse = "this server allows no 0-RTT data"
	case st.maxEarlyData == 0:
		refuse = "the ticket allows no 0-RTT data"
	case skew > ticketAgeWindow:
		refuse = fmt.Sprintf("the ticket age the client reports (%s) is %s away from the server's (%s): more than %s, a sign of a replay (RFC 8446, Section 8.3)", reported, skew, age.Round(time.Millisecond), ticketAgeWindow)
	}
	antiReplay := "off: the server accepts any copy of this ClientHello (RFC 8446, Section 8 warns against exactly this)"
	if refuse == "" {
		if c.cfg.AntiReplay != nil {
			c.replays = c.cfg.AntiReplay.check(replayKey(p.psk.binder))
		}
		switch {
		case !c.cfg.NoAntiReplay && c.cfg.AntiReplay == nil:
			refuse = "the server keeps no record of ClientHellos, so it cannot tell a replay: it refuses all 0-RTT data"
		case !c.cfg.NoAntiReplay && c.replays > 0:
			refuse = fmt.Sprintf("a replay: this very ClientHello (its binder) was seen %d time(s) before (RFC 8446, Section 8.2)", c.replays)
		}
		if !c.cfg.NoAntiReplay {
			antiReplay = "on: each ClientHello's binder is recorded; a second copy has its 0-RTT data refused"
		}
	}
	vals := []trace.Value{
		trace.Text("Ticket age reported by the client", reported.String(), "obfuscated_ticket_age minus ticket_age_add"),
		trace.Text("Anti-replay", antiReplay, ""),
	}
	if refuse != "" {
		c.cfg.Trace.Add(StepHello, c.Actor(), "Refuses the client's 0-RTT data: the handshake goes on in 1-RTT",
			append(vals, trace.Text("Why", refuse, "it leaves early_data out of EncryptedExtensions and skips the early records it cannot read (RFC 8446, Section 4.2.10)"))...)
		return
	}
	c.earlyAccepted, c.maxEarly = true, min(st.maxEarlyData, c.cfg.MaxEarlyData)
	c.SkipEarlyData(false, maxEarlyDataSkipped)
	th := hashOf(c.suite, m.Raw)
	c.pskKS.EarlyTraffic(th)
	if c.replays > 0 {
		vals = append(vals, trace.Check("Seen before", false, fmt.Sprintf("this ClientHello arrived %d time(s) before: a REPLAY, accepted all the same because anti-replay is off", c.replays)))
	}
	c.cfg.Trace.Add(StepHello, c.Actor(), "Accepts the client's 0-RTT data",
		append(vals,
			trace.Hex("Transcript hash (ClientHello)", th, ""),
			trace.Secret("client_early_traffic_secret", c.pskKS.ClientEarly, `Derive-Secret(early, "c e traffic", ClientHello)`),
			trace.Text("Max early data", fmt.Sprint(c.maxEarly), "bytes of plaintext"),
			trace.Text("Not forward secret, replayable", "0-RTT data", "it is sealed under a key from the PSK alone, before any key exchange (RFC 8446, Section 2.3)"))...)
}

// readEarlyData takes one 0-RTT record the server accepted.
func (c *Conn) readEarlyData(rec record.Record, payload []byte) error {
	c.earlyBytes += len(payload)
	if c.earlyBytes > int(c.maxEarly) {
		return alert.New(alert.UnexpectedMessage, fmt.Sprintf("tls: more than max_early_data_size (%d) bytes of 0-RTT data (RFC 8446, Section 4.2.10)", c.maxEarly))
	}
	c.earlyData = append(c.earlyData, payload)
	c.cfg.Trace.Add(StepHello, c.Actor(), "Receives and decrypts 0-RTT early data, before the handshake is over",
		trace.Frozen("Record received", rec.Marshal(), ""),
		trace.Text("Decrypted", string(payload), fmt.Sprintf("%d bytes, under the client early traffic key", len(payload))),
		trace.Text("Caution", "replayable", "an attacker who recorded the ClientHello and this record can send them again (RFC 8446, Section 8)"))
	return nil
}

// readEndOfEarlyData ends the 0-RTT data: the server reads the client's
// handshake key from now on (RFC 8446, Section 4.5).
func (c *Conn) readEndOfEarlyData(raw []byte) error {
	if len(raw) != 4 {
		return alert.New(alert.DecodeError, "tls: EndOfEarlyData has a body")
	}
	c.AddTranscript(raw)
	c.ReadKey().Discard()
	c.SetReadKey(c.pendingIn)
	c.pendingIn = nil
	c.cfg.Trace.Add(StepEstablish, c.Actor(), "Receives EndOfEarlyData: the client's next records use its handshake key",
		trace.Text("0-RTT data accepted", fmt.Sprintf("%d record(s), %d bytes", len(c.earlyData), c.earlyBytes), ""))
	return nil
}
