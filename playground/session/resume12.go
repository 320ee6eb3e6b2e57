// TLS 1.2 resumption at the session level: a second connection from the
// same client to the same server, resuming the first by its ticket (RFC
// 5077) or its session ID (RFC 5246, Section 7.3), and what Eve does with
// a leaked ticket key (RFC 5077, Section 5.5).

package session

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/eve"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

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
// for a ticket. NewResumable calls it.
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
	n.watchDiscard()
	if err := n.client.Start(); err != nil {
		n.noteError(trace.Client, err)
	}
	n.pump()
	n.checkStalled()
	remember12(n, &resume12State{first: s, offered: sess, ticketKey: append([]byte(nil), scfg.TicketKey...)})
	return n, nil
}

// resume12State is what a resumed TLS 1.2 session keeps beside it: the
// first connection, the session the client offered, the server's ticket key.
type resume12State struct {
	first     *Session
	offered   *tls12.Session
	ticketKey []byte
}

var (
	resume12Mu    sync.Mutex
	resumed12     = map[*Session]*resume12State{}
	resumed12Keys []*Session
)

func remember12(s *Session, st *resume12State) {
	resume12Mu.Lock()
	defer resume12Mu.Unlock()
	resumed12[s] = st
	resumed12Keys = append(resumed12Keys, s)
	for len(resumed12Keys) > maxResumed {
		delete(resumed12, resumed12Keys[0])
		resumed12Keys = resumed12Keys[1:]
	}
}

func state12Of(s *Session) (*resume12State, error) {
	resume12Mu.Lock()
	defer resume12Mu.Unlock()
	if st := resumed12[s]; st != nil {
		return st, nil
	}
	return nil, errors.New("session: this session is not a resumed TLS 1.2 connection: call Resume on a first connection")
}

// FSTicket12 (Export.ForwardSecrecyReason): a TLS 1.2 connection whose
// master secret the server sealed into a ticket (or kept in its cache) and
// that a resumed connection reuses.
const FSTicket12 = "tls12-session-ticket"

// Resumption modes of TLS 1.2 (Resumption.Mode).
const (
	ModeResumedTicket    = "tls12-ticket"
	ModeResumedSessionID = "tls12-session-id"
)

// Skipped12 are the messages a TLS 1.2 abbreviated handshake leaves out
// (RFC 5246, Section 7.3).
var Skipped12 = []string{"Certificate", "CertificateStatus", "ServerKeyExchange", "ServerHelloDone", "ClientKeyExchange"}

// ticketFSNote is the forward secrecy of a connection whose session sits
// in a ticket or a cache.
const ticketFSNote = "no, not against the ticket key: the server sealed this connection's master secret into a ticket under its long-lived ticket key and sent it in the clear (NewSessionTicket comes before ChangeCipherSpec); whoever records the ticket and later gets the key decrypts this connection and every one resumed from it (RFC 5077, Section 5.5). The session cache is the same risk while it holds the session"

// resumptionExport12 is ResumptionExport for a resumed TLS 1.2 session:
// the export, and the resumption object beside the first connection. The
// resumed connection reuses the first's master secret: both are exactly
// as secret as that master secret, in the ticket and the cache.
func resumptionExport12(s *Session) (*ResumptionExport, error) {
	st, err := state12Of(s)
	if err != nil {
		return nil, err
	}
	e := s.Export()
	s.adjust12(e)
	fe := st.first.Export()
	st.first.adjust12(fe)
	c := s.client12
	res := &Resumption{Mode: "full", Ticket: trace.HexString(st.offered.Ticket), TicketLifetime: uint32(st.offered.Lifetime / time.Second),
		TicketKeyHex: trace.HexString(st.ticketKey), Skipped: []string{}}
	if c.Resumed() {
		res.Resumed = true
		res.Mode = map[string]string{"ticket": ModeResumedTicket, "session ID": ModeResumedSessionID}[c.ResumedBy()]
	}
	ticketed := len(st.first.client12.Ticket()) > 0
	res.First = summarize(fe, true, "")
	res.ForwardSecrecyNote = e.ForwardSecrecyNote
	res.Second = summarize(e, false, res.Mode)
	if res.Resumed {
		res.Second.KeyExchange = "none: the first connection's master secret"
		sent := map[string]bool{}
		for _, m := range e.Messages {
			sent[m.From+" "+m.Name] = true
		}
		for _, m := range fe.Messages {
			if !sent[m.From+" "+m.Name] && contains(Skipped12, m.Name) && !contains(res.Skipped, m.Name) {
				res.Skipped = append(res.Skipped, m.Name)
			}
		}
	}
	res.IfTicketKeyLeaks = leakItems12(res.Resumed, ticketed)
	return &ResumptionExport{Export: e, Resumption: res}, nil
}

// leakItems12 says what a leak of the TLS 1.2 server's ticket key exposes.
func leakItems12(resumed, ticketed bool) []LeakItem {
	if !ticketed {
		return []LeakItem{{What: "both connections", Safe: true, Why: "no ticket was sent: the ticket key seals nothing of them (the server's session cache still holds the master secret until it expires)"}}
	}
	items := []LeakItem{{What: "the first connection", Safe: false, Why: "its master secret is inside the ticket, sent in the clear in NewSessionTicket before the server's ChangeCipherSpec: the key opens it, and the master secret gives every key of the connection (RFC 5077, Section 5.5)"}}
	if resumed {
		items = append(items, LeakItem{What: "the resumed connection", Safe: false, Why: "it reuses the same master secret with new randoms, which travel in the clear: no key exchange protects it"})
	} else {
		items = append(items, LeakItem{What: "the second connection", Safe: true, Why: "the server did not resume: a full handshake made a new master secret (its own ticket is a new risk)"})
	}
	return items
}

// eveTicketKey12 is EveTicketKey for a resumed TLS 1.2 session.
func eveTicketKey12(s *Session) (*EveTicket, error) {
	st, err := state12Of(s)
	if err != nil {
		return nil, err
	}
	return EveTicketKey12(st.first, s, st.ticketKey)
}

// EveTicketKey12 is Eve with a leaked TLS 1.2 ticket key and the recordings
// of a first connection and of one resumed from it. She finds the ticket
// on the wire (the first connection's NewSessionTicket, sent before the
// server's ChangeCipherSpec, or the resumed ClientHello's session_ticket),
// opens it, and with the master secret inside decrypts both recordings:
// every connection whose ticket was recorded falls with the key (RFC 5077,
// Section 5.5). She uses the records only: what crossed the wire.
func EveTicketKey12(first, resumed *Session, ticketKey []byte) (*EveTicket, error) {
	if first == nil {
		return nil, errors.New("session: no recorded connection")
	}
	out := &EveTicket{TicketKey: trace.HexString(ticketKey)}
	ticket, from := recordedTicket(first.records, true)
	if ticket == nil && resumed != nil {
		ticket, from = recordedTicket(resumed.records, false)
	}
	newResult := func() *eve.Result { return &eve.Result{Leaked: LeakedTicketKey, Plaintexts: []eve.Plaintext{}} }
	out.First, out.Second = newResult(), newResult()
	if ticket == nil {
		for _, r := range []*eve.Result{out.First, out.Second} {
			eveStep(r, "Finds no ticket on the wire", trace.Check("Session decrypted", false, "the server sent no ticket: the ticket key seals nothing here (its session cache is another matter)"))
			r.Verdict = "no ticket was sent: the ticket key does not help"
		}
		return out, nil
	}
	st, err := tls12.OpenTicket(ticketKey, ticket)
	for _, r := range []*eve.Result{out.First, out.Second} {
		eveStep(r, "Finds the ticket on the wire and opens it with the leaked ticket key",
			trace.Hex("Ticket", ticket, from),
			trace.Check("Ticket opened", err == nil, errText(err, "AES-256-GCM under the ticket key: inside are the suite, the extended master secret flag and the master secret")))
		if err != nil {
			r.Verdict = "the key does not open the ticket: " + err.Error()
		}
	}
	if err != nil {
		return out, nil
	}
	conns := []struct {
		label string
		s     *Session
		r     *eve.Result
	}{{"first", first, out.First}, {"resumed", resumed, out.Second}}
	for _, cn := range conns {
		if cn.s == nil {
			cn.r.Verdict = "no recording"
			continue
		}
		cr, plain, problems := readWithMaster(cn.s.records, st.Master)
		cn.r.Plaintexts = plain
		cn.r.OK = len(plain) > 0
		eveStep(cn.r, "Decrypts the "+cn.label+" connection with the master secret from the ticket",
			trace.Text("Suite", st.Suite.Name, "from the ticket"),
			trace.Secret("Master secret", st.Master, "the first connection's: a resumption reuses it"),
			trace.Hex("Client random", cr, "from the ClientHello, in the clear; the key block is PRF(master, \"key expansion\", server random + client random)"),
			trace.List("Problems", problems, ""),
			trace.Check("Session decrypted", cn.r.OK, fmt.Sprintf("%d application data record(s)", len(plain))))
		if cn.r.OK {
			cn.r.Verdict = fmt.Sprintf("decrypted %d record(s) of the %s connection: its master secret was in the ticket, and the ticket key opened it", len(plain), cn.label)
		} else {
			cn.r.Verdict = "decrypted nothing of the " + cn.label + " connection"
		}
	}
	return out, nil
}

// recordedTicket finds a ticket on the wire: a NewSessionTicket from the
// server before its ChangeCipherSpec, or a ClientHello's session_ticket.
func recordedTicket(records []Record, nst bool) ([]byte, string) {
	serverCCS := false
	for _, r := range records {
		wire, err := r.Wire()
		if err != nil || len(wire) < record.HeaderLen+handshake.HeaderLen {
			continue
		}
		typ, payload := wire[0], wire[record.HeaderLen:]
		if typ == record.TypeChangeCipherSpec && r.From == trace.Server {
			serverCCS = true
		}
		if typ != record.TypeHandshake {
			continue
		}
		switch {
		case nst && r.From == trace.Server && !serverCCS && payload[0] == handshake.TypeNewSessionTicket && len(payload) >= 10:
			n := int(payload[8])<<8 | int(payload[9])
			if n > 0 && len(payload) >= 10+n {
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
// secret, through a key log line (package decrypt).
func readWithMaster(records []Record, master []byte) (clientRandom []byte, plain []eve.Plaintext, problems []string) {
	plain, problems = []eve.Plaintext{}, []string{}
	var recs []decrypt.Record
	for _, r := range records {
		w, err := r.Wire()
		if err != nil {
			continue
		}
		recs = append(recs, decrypt.Record{FromClient: r.From == trace.Client, Wire: w})
		if clientRandom == nil && r.From == trace.Client && len(w) > record.HeaderLen && w[0] == record.TypeHandshake {
			if ch, err := handshake.UnmarshalClientHello(w[record.HeaderLen:]); err == nil {
				clientRandom = ch.Random
			}
		}
	}
	if clientRandom == nil {
		return nil, plain, append(problems, "no ClientHello in the recording")
	}
	kl, err := decrypt.ParseKeyLog([]byte("CLIENT_RANDOM " + trace.HexString(clientRandom) + " " + trace.HexString(master) + "\n"))
	if err != nil {
		return clientRandom, plain, append(problems, err.Error())
	}
	res := decrypt.Connection(recs, kl)
	for i, rr := range res.Records {
		if rr.ContentType == record.TypeApplicationData && rr.Err == "" && rr.Content != nil {
			from := trace.Server
			if rr.FromClient {
				from = trace.Client
			}
			plain = append(plain, eve.Plaintext{Record: i, From: from, Type: "application_data", Text: string(rr.Content), Hex: trace.HexString(rr.Content)})
		}
		if rr.Err != "" {
			problems = append(problems, rr.Err)
		}
	}
	return clientRandom, plain, append(problems, res.Problems...)
}

// adjust12 corrects a TLS 1.2 session's export for resumption (Export
// calls it): a first connection that received a ticket is not forward
// secret against the ticket key; a resumed connection made no key exchange,
// took one round trip, and its key schedule starts from the first
// connection's master secret, not from a pre-master secret.
func (s *Session) adjust12(e *Export) {
	c := s.client12
	if c == nil || e == nil {
		return
	}
	switch {
	case c.Resumed():
		e.RoundTrips = 1 // the client's Finished and its first data go out together after one round trip (RFC 5246, Section 7.3)
		e.ForwardSecrecy, e.ForwardSecrecyReason = false, FSTicket12
		e.ForwardSecrecyNote = "no: this connection made no key exchange; its keys come from the first connection's master secret and the two new randoms, so it is exactly as secret as the first: " + ticketFSNote
		var nodes []trace.KSNode
		for _, n := range e.KeySchedule.Nodes {
			switch n.ID {
			case "pms", "session_hash":
				continue // no key exchange in an abbreviated handshake
			case "master":
				n.Label, n.Op, n.From = "Master secret (resumed, from the "+c.ResumedBy()+")", "input", []string{}
			}
			nodes = append(nodes, n)
		}
		if nodes != nil {
			e.KeySchedule.Nodes = nodes
		}
	case len(c.Ticket()) > 0 && e.ForwardSecrecy:
		e.ForwardSecrecy, e.ForwardSecrecyReason, e.ForwardSecrecyNote = false, FSTicket12, ticketFSNote
	}
}

// NewResumable is New with resumption on, so that Resume has something to
// resume. In TLS 1.2 a session ID and a ticket come inside the handshake
// (ServerHello, NewSessionTicket), so the two ends must be made resumable
// before the client starts: the server keeps a session cache and has a
// ticket key, the client asks for a ticket (resumable12). In TLS 1.3 the
// server can send a ticket at any time after the handshake (Resume does),
// and NewResumable is New.
//
// It builds the ends with New itself (every option applied the same way)
// in a dry run without Deliver, then runs the same two configurations,
// resumable, with the same seed: the session it returns is the one New
// would have made, plus the session ID and the ticket.
func NewResumable(setup *pki.Setup, opt Options) (*Session, error) {
	deliver := opt.Deliver
	opt.Deliver = nil
	dry, err := New(setup, opt)
	if err != nil {
		return nil, err
	}
	srv, ok := dry.server.(*tls12.Conn)
	if !ok || dry.client12 == nil {
		opt.Deliver = deliver
		return New(setup, opt)
	}
	s := &Session{setup: setup, seed: dry.seed, rec: &trace.Recorder{}, deliver: deliver, mode: dry.mode, roots: dry.roots}
	ccfg, scfg := *dry.client12.Config(), *srv.Config()
	ccfg.Rand, ccfg.Trace = rng.New(append([]byte("client "), s.seed...)), s.rec
	scfg.Rand, scfg.Trace = rng.New(append([]byte("server "), s.seed...)), s.rec
	s.client12 = tls12.Client(&ccfg)
	server := tls12.Server(&scfg)
	s.client, s.server = s.client12, server
	if dry.server12 != nil {
		s.server12 = server
	}
	resumable12(s)
	s.watchDiscard()
	if err := s.client.Start(); err != nil {
		s.noteError(trace.Client, err)
	}
	s.pump()
	s.checkStalled()
	return s, nil
}
