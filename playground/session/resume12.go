// TLS 1.2 resumption at the session level: a second connection from the
// same client to the same server, resuming the first by its ticket (RFC
// 5077) or its session ID (RFC 5246, Section 7.3), and what Eve does with
// a leaked ticket key (RFC 5077, Section 5.5).

package session

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

func init() { resume12 = resumeTLS12 }

// Resumption12By: how a TLS 1.2 client offers the session. "ticket" needs
// the ticket the server sent; "session-id" the session ID it gave.
const (
	Resume12ByTicket    = "ticket"
	Resume12BySessionID = "session-id"
)

// ticketKey12 is the server's ticket key for a session seed: a long-lived
// server secret in a real deployment; here derived from the seed so that a
// session replays.
func ticketKey12(seed []byte) []byte {
	h := sha256.Sum256(append([]byte("tlsplay tls12 ticket key "), seed...))
	return h[:]
}

// resumable12 turns on resumption for a TLS 1.2 session's two ends before
// the client starts: the server keeps a session cache (session IDs, RFC
// 5246, Section 7.4.1.2) and has a ticket key (RFC 5077); the client asks
// for a ticket. New calls it when Options.Resumable is set.
func resumable12(s *Session) {
	srv, ok := s.server.(*tls12.Conn)
	if !ok || s.client12 == nil {
		return
	}
	sc := srv.Config()
	sc.SessionCache = tls12.NewSessionCache()
	sc.TicketKey = ticketKey12(s.seed)
	s.client12.Config().SessionTickets = true
}

// TicketKey12 returns the ticket key of a TLS 1.2 session's server (the
// key Eve is given when it "leaks"), or nil.
func (s *Session) TicketKey12() []byte {
	if srv, ok := s.server.(*tls12.Conn); ok {
		return append([]byte(nil), srv.Config().TicketKey...)
	}
	return nil
}

// resumeTLS12 runs the second connection: a new client with the first
// client's configuration and the session it kept, a new server sharing the
// first server's session cache and ticket key. Both draw new randomness
// (from opt.Seed, or from the first seed). by chooses the ticket or the
// session ID; "" takes the ticket when there is one.
func resumeTLS12(s *Session, opt ResumeOptions) (*Session, error) {
	return resumeTLS12By(s, opt, "")
}

func resumeTLS12By(s *Session, opt ResumeOptions, by string) (*Session, error) {
	srv1, ok := s.server.(*tls12.Conn)
	if !ok || s.client12 == nil {
		return nil, errors.New("session: this session's TLS 1.2 ends are not both the engine's: nothing to resume here")
	}
	sess := s.client12.Session()
	if sess == nil {
		return nil, errors.New("session: the first connection did not complete its handshake, so it left no session to resume")
	}
	if len(sess.ID) == 0 && len(sess.Ticket) == 0 {
		return nil, errors.New("session: the first connection left nothing to resume: its server gave no session ID and no ticket (start the session with resumption on)")
	}
	switch by {
	case "":
	case Resume12ByTicket:
		if len(sess.Ticket) == 0 {
			return nil, errors.New("session: the server sent no ticket in the first connection: resume by session ID")
		}
	case Resume12BySessionID:
		if len(sess.ID) == 0 {
			return nil, errors.New("session: the server gave no session ID in the first connection: resume by ticket")
		}
		sess.Ticket = nil
	default:
		return nil, fmt.Errorf("session: resume by %q: choose %q or %q", by, Resume12ByTicket, Resume12BySessionID)
	}
	seed := opt.Seed
	if len(seed) == 0 {
		seed = append([]byte("resumed "), s.seed...)
	}
	rec := &trace.Recorder{}
	ccfg := *s.client12.Config()
	ccfg.Rand, ccfg.Trace, ccfg.Resume = rng.New(append([]byte("client "), seed...)), rec, sess
	scfg := *srv1.Config()
	scfg.Rand, scfg.Trace = rng.New(append([]byte("server "), seed...)), rec
	n := &Session{setup: s.setup, seed: seed, rec: rec, deliver: s.deliver, mode: s.mode, roots: s.roots}
	n.client12 = tls12.Client(&ccfg)
	server := tls12.Server(&scfg)
	n.client, n.server = n.client12, server
	if s.server12 != nil {
		n.server12 = server
	}
	if err := n.client.Start(); err != nil {
		n.noteError(trace.Client, err)
	}
	n.pump()
	n.checkStalled()
	return n, nil
}

// Resumption12 is what a TLS 1.2 resumption skipped and kept, for the
// page's second connection beside the first (H8's resumption view).
type Resumption12 struct {
	Resumed bool   `json:"resumed"` // false: the server ran a full handshake instead
	By      string `json:"by"`      // "ticket" or "session ID"
	// Skipped are the messages the abbreviated handshake leaves out (RFC
	// 5246, Section 7.3).
	Skipped []string `json:"skipped"`
	// SameMasterSecret: the resumed connection's master secret is the
	// first's (always, for a resumption): it is exactly as secret as the
	// first connection.
	SameMasterSecret bool   `json:"sameMasterSecret"`
	MasterSecret     string `json:"masterSecret"` // hex
	// Ticket is the ticket (hex) the client sent in the clear; TicketKeyName
	// its first 16 bytes, which name the server's key.
	Ticket        string `json:"ticket"`
	TicketKeyName string `json:"ticketKeyName"`
	SessionID     string `json:"sessionId"`
	// LeakedTicketKey says what a leak of the server's ticket key (or of
	// its session cache) reveals.
	LeakedTicketKey string `json:"leakedTicketKey"`
	Note            string `json:"note"`
}

// Skipped12 are the messages a TLS 1.2 abbreviated handshake leaves out.
var Skipped12 = []string{"Certificate", "ServerKeyExchange (ECDHE)", "ServerHelloDone", "ClientKeyExchange", "the certificate check (step 3)"}

// Resumption12 describes the second connection r resuming first, or nil
// when r is not a TLS 1.2 session.
func (r *Session) Resumption12(first *Session) *Resumption12 {
	if r == nil || r.client12 == nil {
		return nil
	}
	c := r.client12
	out := &Resumption12{Resumed: c.Resumed(), By: c.ResumedBy(), Skipped: []string{}}
	if c.Resumed() {
		out.Skipped = append(out.Skipped, Skipped12...)
	}
	if first != nil && first.client12 != nil {
		m1, m2 := first.view.secret("masterSecret"), r.view.secret("masterSecret")
		out.SameMasterSecret = len(m1) > 0 && string(m1) == string(m2)
		out.MasterSecret = trace.HexString(m2)
	}
	if cfg := c.Config(); cfg.Resume != nil {
		out.Ticket = trace.HexString(cfg.Resume.Ticket)
		if len(cfg.Resume.Ticket) >= 16 && out.By != "session ID" {
			out.TicketKeyName = trace.HexString(cfg.Resume.Ticket[:16])
		}
		out.SessionID = trace.HexString(cfg.Resume.ID)
	}
	switch {
	case !out.Resumed:
		out.Note = "the server did not resume: a full handshake, with a new master secret"
		out.LeakedTicketKey = "nothing of this connection: it made its own master secret"
	case out.By == "ticket":
		out.Note = "abbreviated handshake (RFC 5077, Section 3.1): no certificate, no key exchange; the keys come from the first connection's master secret and the two new randoms, so this connection is exactly as secret as the first"
		out.LeakedTicketKey = "everything: the ticket travelled in the clear (NewSessionTicket, then this ClientHello), the ticket key opens it, and the master secret inside decrypts the first connection and this one (RFC 5077, Section 5.5)"
	default:
		out.Note = "abbreviated handshake (RFC 5246, Section 7.3): no certificate, no key exchange; the keys come from the master secret the server cached under the session ID and the two new randoms, so this connection is exactly as secret as the first"
		out.LeakedTicketKey = "no ticket here, but the same holds for the server's session cache: whoever reads the cached master secret decrypts the first connection and this one, until the cache forgets it"
	}
	return out
}

// secret returns a named secret of a view, or nil.
func (v view) secret(name string) []byte {
	for _, kv := range v.secrets {
		if kv.Name == name {
			return kv.Value
		}
	}
	return nil
}

// TicketLeak12 is what Eve reads with a leaked TLS 1.2 ticket key and the
// two recorded connections.
type TicketLeak12 struct {
	Ticket       string        `json:"ticket"`       // hex, as recorded
	From         string        `json:"from"`         // where Eve found it
	MasterSecret string        `json:"masterSecret"` // hex, from inside the ticket
	Suite        string        `json:"suite"`
	EMS          bool          `json:"ems"`
	Connections  []LeakedConn  `json:"connections"`
	Steps        []trace.Event `json:"steps"`
	Verdict      string        `json:"verdict"`
}

// LeakedConn is one recorded connection as Eve reads it.
type LeakedConn struct {
	Label        string   `json:"label"` // "first" or "resumed"
	ClientRandom string   `json:"clientRandom"`
	Plaintexts   []string `json:"plaintexts"` // "client: …", "server: …"
	Problems     []string `json:"problems"`
}

// EveTicketKey12 is Eve with a leaked ticket key: she finds the ticket in
// the recorded first connection (NewSessionTicket is sent before the
// server's ChangeCipherSpec, in the clear) or in the resumed one's
// ClientHello, opens it, and with the master secret inside decrypts both
// recordings: every connection whose ticket was recorded falls with the
// key (RFC 5077, Section 5.5). Only the records are used: what crossed the
// wire.
func EveTicketKey12(first, resumed *Session, ticketKey []byte) (*TicketLeak12, error) {
	if first == nil {
		return nil, errors.New("session: no recorded connection")
	}
	rec := &trace.Recorder{}
	out := &TicketLeak12{Connections: []LeakedConn{}}
	ticket, from := recordedTicket(first.records, true)
	if ticket == nil && resumed != nil {
		ticket, from = recordedTicket(resumed.records, false)
	}
	if ticket == nil {
		return nil, errors.New("session: no ticket on the wire: the server sent none (a session-ID resumption leaves only the server's cache to steal)")
	}
	out.Ticket, out.From = trace.HexString(ticket), from
	st, err := tls12.OpenTicket(ticketKey, ticket)
	if err != nil {
		rec.Add(7, "eve", "Tries the leaked key on the recorded ticket", trace.Hex("Ticket", ticket, from), trace.Check("Ticket opens", false, err.Error()))
		out.Steps, out.Verdict = rec.Events, "the key does not open the ticket: "+err.Error()
		return out, nil
	}
	out.MasterSecret, out.Suite, out.EMS = trace.HexString(st.Master), st.Suite.Name, st.EMS
	rec.Add(7, "eve", "Opens the recorded ticket with the leaked ticket key",
		trace.Hex("Ticket", ticket, from),
		trace.Hex("Key name", st.KeyName, "the first 16 bytes: which server key sealed it"),
		trace.Secret("Ticket key", ticketKey, "the server's long-lived key, leaked"),
		trace.Secret("Master secret", st.Master, "the first connection's, sealed inside the ticket"),
		trace.Text("Suite", st.Suite.Name, ""))
	conns := []struct {
		label string
		s     *Session
	}{{"first", first}, {"resumed", resumed}}
	decrypted := 0
	for _, cn := range conns {
		if cn.s == nil {
			continue
		}
		lc := readWithMaster(cn.label, cn.s.records, st.Master)
		decrypted += len(lc.Plaintexts)
		rec.Add(7, "eve", "Decrypts the "+cn.label+" connection with the master secret from the ticket",
			trace.Text("Client random", lc.ClientRandom, "from the ClientHello, in the clear"),
			trace.List("Plaintext", lc.Plaintexts, "application data of both directions"),
			trace.List("Problems", lc.Problems, ""))
		out.Connections = append(out.Connections, lc)
	}
	out.Steps = rec.Events
	out.Verdict = fmt.Sprintf("decrypted %d application data records from %d recorded connections with one leaked ticket key: resumption reuses the master secret, and the ticket carries it to whoever holds the key", decrypted, len(out.Connections))
	return out, nil
}

// recordedTicket finds a ticket on the wire: a NewSessionTicket from the
// server before its ChangeCipherSpec, or a ClientHello's session_ticket.
func recordedTicket(records []Record, nst bool) ([]byte, string) {
	serverCCS := false
	for _, r := range records {
		wire, err := hexDecode(r.Hex)
		if err != nil || len(wire) < 5+4 {
			continue
		}
		typ, payload := wire[0], wire[5:]
		if typ == record.TypeChangeCipherSpec && r.From == trace.Server {
			serverCCS = true
		}
		if typ != record.TypeHandshake {
			continue
		}
		switch {
		case nst && r.From == trace.Server && !serverCCS && payload[0] == handshake.TypeNewSessionTicket && len(payload) >= 4+4+2:
			n := int(payload[8])<<8 | int(payload[9])
			if len(payload) >= 10+n && n > 0 {
				return payload[10 : 10+n], "the first connection's NewSessionTicket, sent in the clear before the server's ChangeCipherSpec"
			}
		case !nst && r.From == trace.Client && payload[0] == handshake.TypeClientHello:
			if ch, err := handshake.UnmarshalClientHello(payload); err == nil {
				if t, ok := handshake.Find(ch.Extensions, handshake.ExtSessionTicket); ok && len(t) > 0 {
					return t, "the resumed connection's ClientHello, session_ticket extension, in the clear"
				}
			}
		}
	}
	return nil, ""
}

// readWithMaster decrypts a recorded TLS 1.2 connection with its master
// secret, by way of a key log line (package decrypt).
func readWithMaster(label string, records []Record, master []byte) LeakedConn {
	lc := LeakedConn{Label: label, Plaintexts: []string{}, Problems: []string{}}
	var recs []decrypt.Record
	var cr []byte
	for _, r := range records {
		w, err := hexDecode(r.Hex)
		if err != nil {
			continue
		}
		recs = append(recs, decrypt.Record{FromClient: r.From == trace.Client, Wire: w})
		if cr == nil && r.From == trace.Client && len(w) > 5 && w[0] == record.TypeHandshake {
			if ch, err := handshake.UnmarshalClientHello(w[5:]); err == nil {
				cr = ch.Random
			}
		}
	}
	if cr == nil {
		lc.Problems = append(lc.Problems, "no ClientHello in the recording")
		return lc
	}
	lc.ClientRandom = trace.HexString(cr)
	kl, err := decrypt.ParseKeyLog([]byte("CLIENT_RANDOM " + trace.HexString(cr) + " " + trace.HexString(master) + "\n"))
	if err != nil {
		lc.Problems = append(lc.Problems, err.Error())
		return lc
	}
	res := decrypt.Connection(recs, kl)
	for _, rr := range res.Records {
		if rr.ContentType == record.TypeApplicationData && rr.Err == "" && rr.Content != nil {
			side := "server"
			if rr.FromClient {
				side = "client"
			}
			lc.Plaintexts = append(lc.Plaintexts, side+": "+string(rr.Content))
		}
		if rr.Err != "" {
			lc.Problems = append(lc.Problems, rr.Err)
		}
	}
	lc.Problems = append(lc.Problems, res.Problems...)
	return lc
}
