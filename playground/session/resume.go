package session

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"
	"time"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/eve"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// ResumeOptions choose how a second connection resumes the first: the same
// client, the same server, the first connection's ticket (TLS 1.3, RFC 8446
// Section 4.6.1 and 2.2; TLS 1.2, RFC 5077 or a session ID, RFC 5246 Section
// 7.4.1.2).
type ResumeOptions struct {
	// PSKOnly resumes with psk_ke: no (EC)DHE key exchange, so the resumed
	// connection is NOT forward secret (RFC 8446, Section 2.2 and E.5).
	// The default is psk_dhe_ke. TLS 1.3 only.
	PSKOnly bool
	// EarlyData, when not empty, is sent as 0-RTT data right after the
	// ClientHello (RFC 8446, Section 2.3). TLS 1.3 only.
	EarlyData string
	// NoAntiReplay turns off the server's single-use ticket store (RFC
	// 8446, Section 8.1): a replayed 0-RTT flight is then accepted again.
	NoAntiReplay bool
	// Seed drives the second connection's randomness; nil: derived from the
	// first connection's seed.
	Seed []byte
}

// resume12 resumes a TLS 1.2 session (session ID or RFC 5077 ticket). Every
// build sets it (resume12_hook.go) but the page's core engine (build tag
// core), which never resumes (resume is a lab method): the linker then
// leaves resume12.go's second connection out of it.
var resume12 func(s *Session, opt ResumeOptions) (*Session, error)

// Resume runs a second connection from the same client to the same server,
// resuming the first with what it left behind (a TLS 1.3 ticket, a TLS 1.2
// ticket or session ID). The first connection must have completed its
// handshake.
func (s *Session) Resume(opt ResumeOptions) (*Session, error) {
	if s == nil {
		return nil, errors.New("session: nothing to resume: run a handshake first")
	}
	if !s.Established() && !s.closed {
		return nil, errors.New("session: the first connection did not complete its handshake, so it left nothing to resume: run one that succeeds")
	}
	switch s.mode {
	case ModeTLS13:
		return resume13(s, opt)
	case ModeClassic, ModeECDHE:
		if opt.PSKOnly || opt.EarlyData != "" {
			return nil, fmt.Errorf("session: psk_ke and 0-RTT early data are TLS 1.3 features (RFC 8446, Sections 2.2 and 2.3): the %s mode resumes with a session ID or a ticket only", s.mode)
		}
		if resume12 == nil {
			return nil, errors.New("session: TLS 1.2 resumption is not in this build of the engine (the page's core): it is in the lab build")
		}
		return resume12(s, opt)
	}
	return nil, fmt.Errorf("session: mode %q cannot be resumed", s.mode)
}

// MaxEarlyData is how much 0-RTT data the session's TLS 1.3 server allows
// with its tickets (RFC 8446, Section 4.6.1, max_early_data_size).
const MaxEarlyData = 16384

// FSPSKOnly (Export.ForwardSecrecyReason): a psk_ke resumption, whose keys
// come from the ticket's PSK alone.
const FSPSKOnly = "psk-only"

// TicketKey is the ticket key of the server of a session made from seed:
// the long-lived key that seals every ticket it issues (RFC 8446, Section
// 4.6.1; RFC 5077, Section 4). Derived from the seed so that a session can
// be replayed; a real server draws it at random and rotates it.
func TicketKey(seed []byte) []byte {
	h := sha256.Sum256(append([]byte("tlsplayground ticket key "), seed...))
	return h[:]
}

// resumeState is what a resumed session keeps beside it: the first
// connection, the ticket, the server's ticket key and anti-replay store,
// and the client's first flight as Eve recorded it.
type resumeState struct {
	first         *Session
	ticket        *tls13.Ticket
	ticketKey     []byte
	cache         *tls13.ReplayCache
	opt           ResumeOptions
	issuedLate    bool
	flight        [][]byte // the client's first flight: ClientHello and 0-RTT records
	replays       []*ReplayResult
	seed          []byte
	now           func() time.Time
	pskOnlyResult bool
}

// resumed maps a resumed session to its state (a few at a time: the page
// keeps one pair).
var (
	resumeMu    sync.Mutex
	resumed     = map[*Session]*resumeState{}
	resumeOrder []*Session
)

const maxResumed = 8

func remember(s *Session, st *resumeState) {
	resumeMu.Lock()
	defer resumeMu.Unlock()
	resumed[s] = st
	resumeOrder = append(resumeOrder, s)
	for len(resumeOrder) > maxResumed {
		delete(resumed, resumeOrder[0])
		resumeOrder = resumeOrder[1:]
	}
}

func stateOf(s *Session) (*resumeState, error) {
	resumeMu.Lock()
	defer resumeMu.Unlock()
	st := resumed[s]
	if st == nil {
		return nil, errors.New("session: this session is not a resumed TLS 1.3 connection: call Resume on a first connection")
	}
	return st, nil
}

// resume13 resumes a TLS 1.3 session with the ticket the server sent.
func resume13(s *Session, opt ResumeOptions) (*Session, error) {
	if s.client13 == nil || s.server13 == nil {
		return nil, errors.New("session: this TLS 1.3 session has no engine client and server to resume")
	}
	key := TicketKey(s.seed)
	st := &resumeState{first: s, ticketKey: key, cache: tls13.NewReplayCache(), opt: opt}
	if t := s.client13.Tickets(); len(t) > 0 {
		st.ticket = t[len(t)-1]
	} else {
		// RFC 8446, Section 4.6.1: the server may send a ticket at any time
		// after the client's Finished; it sends one now.
		if err := s.server13.SendSessionTicket(key, MaxEarlyData); err != nil {
			return nil, fmt.Errorf("session: the first connection holds no ticket and cannot issue one: %w; resume before closing it", err)
		}
		s.pump()
		t := s.client13.Tickets()
		if len(t) == 0 {
			return nil, errors.New("session: the client did not keep the server's ticket")
		}
		st.ticket, st.issuedLate = t[len(t)-1], true
	}
	seed := opt.Seed
	if len(seed) == 0 {
		h := sha256.Sum256(append([]byte("resume "), s.seed...))
		seed = h[:]
	}
	// The second connection comes a few seconds after the ticket (a fixed
	// clock, so that a seed replays the same bytes).
	received := st.ticket.Received
	now := func() time.Time { return received.Add(3 * time.Second) }
	st.seed, st.now = seed, now
	r := &Session{setup: s.setup, seed: seed, rec: &trace.Recorder{}, mode: ModeTLS13, roots: s.roots}
	group := kx.X25519
	if g := s.client13.Group(); g != nil {
		group = g
	}
	r.client13 = tls13.Client(&tls13.Config{Rand: rng.New(append([]byte("client "), seed...)), Time: now, Groups: kx.All,
		KeyShares: []*kx.Group{group}, ServerName: s.setup.ServerName, Roots: s.roots, Trace: r.rec,
		Resume: st.ticket, PSKOnly: opt.PSKOnly, EarlyData: []byte(opt.EarlyData), AcceptTickets: true})
	r.server13 = tls13.Server(st.serverConfig(rng.New(append([]byte("server "), seed...)), r.rec))
	r.client, r.server = r.client13, r.server13
	r.watchDiscard()
	if err := r.client.Start(); err != nil {
		r.noteError(trace.Client, err)
	}
	r.pump()
	r.checkStalled()
	for _, rec := range r.records {
		if rec.From != trace.Client {
			break
		}
		b, _ := rec.Wire()
		st.flight = append(st.flight, bytes.Clone(b))
	}
	remember(r, st)
	return r, nil
}

// serverConfig is the server of the resumed connection: the same
// certificate, ticket key and anti-replay store as the first's.
func (st *resumeState) serverConfig(rand io.Reader, rec *trace.Recorder) *tls13.Config {
	setup := st.first.setup
	return &tls13.Config{Rand: rand, Time: st.now, Certificates: setup.Chain, Signer: setup.Signer, Trace: rec,
		TicketKey: st.ticketKey, MaxEarlyData: MaxEarlyData, AntiReplay: st.cache, NoAntiReplay: st.opt.NoAntiReplay}
}

// ReplayResult is one replay of the client's recorded first flight
// (ClientHello and 0-RTT data) to the same server, by an attacker.
type ReplayResult struct {
	Attempt    int           `json:"attempt"`
	AntiReplay bool          `json:"antiReplay"`
	Accepted   bool          `json:"accepted"` // the server took the 0-RTT data again
	Data       string        `json:"data"`     // what the server's application received
	Answered   bool          `json:"answered"` // the server answered with its ServerHello (the 1-RTT handshake goes on; the attacker cannot finish it)
	Error      string        `json:"error,omitempty"`
	Verdict    string        `json:"verdict"`
	Events     []trace.Event `json:"events"`
}

// ReplayEarlyData sends the resumed connection's recorded first flight
// again to the same server, as an attacker on the path can (RFC 8446,
// Section 8): without anti-replay the server accepts the 0-RTT request a
// second time; with it, it refuses the early data and only the 1-RTT
// handshake goes on, which the attacker cannot complete.
func (s *Session) ReplayEarlyData() (*ReplayResult, error) {
	st, err := stateOf(s)
	if err != nil {
		return nil, err
	}
	if st.opt.EarlyData == "" || len(st.flight) < 2 {
		return nil, errors.New("session: the resumed connection sent no 0-RTT data to replay: resume with early data first")
	}
	n := len(st.replays) + 1
	rec := &trace.Recorder{}
	srv := tls13.Server(st.serverConfig(rng.New(append([]byte(fmt.Sprintf("replay %d ", n)), st.seed...)), rec))
	res := &ReplayResult{Attempt: n, AntiReplay: !st.opt.NoAntiReplay}
	for _, w := range st.flight {
		if err := srv.Receive(w); err != nil {
			res.Error = err.Error()
			break
		}
	}
	res.Accepted = srv.EarlyDataAccepted()
	var data []string
	for _, d := range srv.EarlyData() {
		data = append(data, string(d))
	}
	res.Data = strings.Join(data, "")
	res.Answered = len(srv.TakeOutput()) > 0
	res.Events = rec.Events
	switch {
	case res.Accepted:
		res.Verdict = fmt.Sprintf("accepted again: the server's application received %q a second time (replay %d); without anti-replay a 0-RTT request is not idempotent-safe (RFC 8446, Section 8 and E.5)", res.Data, n)
	case res.AntiReplay:
		res.Verdict = "refused: the server recorded this ClientHello the first time and refuses its 0-RTT data now; it answers with a ServerHello, but the attacker holds no key to finish the 1-RTT handshake (RFC 8446, Section 8.2)"
	default:
		res.Verdict = "refused: " + res.Error
	}
	st.replays = append(st.replays, res)
	return res, nil
}

// Resumption is what the resumed connection did beside the first.
type Resumption struct {
	Resumed bool `json:"resumed"` // the server accepted the ticket
	// Mode: "psk_dhe_ke", "psk_ke", or "full" when the server could not
	// use the ticket.
	Mode               string        `json:"mode"`
	Ticket             string        `json:"ticket"` // hex, as sent in the clear in the second ClientHello
	TicketLifetime     uint32        `json:"ticketLifetime"`
	TicketIssuedLate   bool          `json:"ticketIssuedOnRequest"` // the first connection had no ticket: the server sent one when asked to resume
	First              Connection    `json:"first"`
	Second             Connection    `json:"second"`
	Skipped            []string      `json:"skipped"` // messages of the first connection the second did without
	IfTicketKeyLeaks   []LeakItem    `json:"ifTicketKeyLeaks"`
	EarlyData          EarlyDataInfo `json:"earlyData"`
	AntiReplay         bool          `json:"antiReplay"`
	TicketKeyHex       string        `json:"ticketKey"` // the server's ticket key: what leaks in "the ticket key leaks"
	MaxEarlyData       uint32        `json:"maxEarlyData"`
	ForwardSecrecyNote string        `json:"forwardSecrecyNote"`
}

// Connection summarizes one of the two connections.
type Connection struct {
	Messages           []Message `json:"messages"`
	RoundTrips         int       `json:"roundTrips"`         // before the client's first application data could be read by the server
	ForwardSecrecy     bool      `json:"forwardSecrecy"`     // against a later leak of the server's long-term keys and the ticket key
	ForwardSecrecyNote string    `json:"forwardSecrecyNote"` // why
	CertificateSent    bool      `json:"certificateSent"`    // the server sent its Certificate and CertificateVerify
	KeyExchange        string    `json:"keyExchange"`        // the group, or "none (psk_ke)"
}

// LeakItem is one secret and whether it survives a leak of the ticket key.
type LeakItem struct {
	What string `json:"what"`
	Safe bool   `json:"safe"`
	Why  string `json:"why"`
}

// EarlyDataInfo counts the 0-RTT attempts.
type EarlyDataInfo struct {
	Offered         bool   `json:"offered"`
	Accepted        bool   `json:"accepted"`
	Data            string `json:"data"`
	Replays         int    `json:"replays"`
	ReplaysAccepted int    `json:"replaysAccepted"`
	ReplaysRefused  int    `json:"replaysRefused"`
}

// ResumptionExport is the resumed connection's export with the resumption
// object beside it.
type ResumptionExport struct {
	*Export
	Resumption *Resumption `json:"resumption"`
}

// ResumptionExport returns the resumed session's export: the usual session
// export, forward secrecy corrected for psk_ke, and the resumption object.
func (s *Session) ResumptionExport() (*ResumptionExport, error) {
	if s.client12 != nil {
		return resumptionExport12(s) // resume12.go
	}
	st, err := stateOf(s)
	if err != nil {
		return nil, err
	}
	e := s.Export()
	fe := st.first.Export()
	resumedPSK, dhe := s.server13.ResumedWithPSK()
	res := &Resumption{Resumed: resumedPSK, Mode: "full", Ticket: trace.HexString(st.ticket.Ticket), TicketLifetime: st.ticket.Lifetime,
		TicketIssuedLate: st.issuedLate, AntiReplay: !st.opt.NoAntiReplay, TicketKeyHex: trace.HexString(st.ticketKey), MaxEarlyData: MaxEarlyData,
		Skipped: []string{}}
	if resumedPSK {
		res.Mode = map[bool]string{true: "psk_dhe_ke", false: "psk_ke"}[dhe]
	}
	res.First = summarize(fe, true, "")
	earlyAccepted := s.server13.EarlyDataAccepted()
	res.EarlyData = EarlyDataInfo{Offered: st.opt.EarlyData != "", Accepted: earlyAccepted}
	for _, d := range s.server13.EarlyData() {
		res.EarlyData.Data += string(d)
	}
	for _, r := range st.replays {
		res.EarlyData.Replays++
		if r.Accepted {
			res.EarlyData.ReplaysAccepted++
		} else {
			res.EarlyData.ReplaysRefused++
		}
	}
	switch {
	case res.Mode == "psk_ke":
		e.ForwardSecrecy, e.ForwardSecrecyReason = false, FSPSKOnly
		e.ForwardSecrecyNote = "no: resumed with psk_ke, the PSK alone and no (EC)DHE; the PSK sits in the client's ticket store and, sealed, in the ticket sent in the clear: whoever later gets the server's ticket key opens the recorded ticket and decrypts this connection (RFC 8446, Sections 2.2 and E.5)"
	case earlyAccepted:
		e.ForwardSecrecyNote = "yes for the 1-RTT data (psk_dhe_ke: a fresh (EC)DHE exchange was mixed in), but NOT for the 0-RTT data: it was sealed under a key from the PSK alone, so a leak of the ticket key decrypts it (RFC 8446, Section 2.3)"
	case res.Mode == "psk_dhe_ke":
		e.ForwardSecrecyNote = "yes: psk_dhe_ke mixes a fresh (EC)DHE exchange into the key schedule, and both ends erased its ephemeral secrets; a later leak of the ticket key gives the PSK, not the shared secret (RFC 8446, Section 2.2)"
	}
	res.ForwardSecrecyNote = e.ForwardSecrecyNote
	res.Second = summarize(e, false, res.Mode)
	if earlyAccepted {
		res.Second.RoundTrips = 0
	}
	sent := map[string]bool{}
	for _, m := range e.Messages {
		sent[m.From+" "+m.Name] = true
	}
	for _, m := range fe.Messages {
		if !sent[m.From+" "+m.Name] && m.Name != "NewSessionTicket" && !contains(res.Skipped, m.Name) {
			res.Skipped = append(res.Skipped, m.Name)
		}
	}
	res.IfTicketKeyLeaks = leakItems(res.Mode, res.EarlyData.Offered, earlyAccepted)
	return &ResumptionExport{Export: e, Resumption: res}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func summarize(e *Export, first bool, mode string) Connection {
	c := Connection{Messages: e.Messages, RoundTrips: e.RoundTrips, ForwardSecrecy: e.ForwardSecrecy, ForwardSecrecyNote: e.ForwardSecrecyNote, KeyExchange: e.Group}
	for _, m := range e.Messages {
		if m.Name == "Certificate" && m.From == trace.Server {
			c.CertificateSent = true
		}
	}
	if c.KeyExchange == "" {
		c.KeyExchange = "none (psk_ke)"
	}
	return c
}

// leakItems says what a leak of the server's ticket key exposes.
func leakItems(mode string, offered, accepted bool) []LeakItem {
	items := []LeakItem{
		{What: "the first connection", Safe: true, Why: "its keys came from an ephemeral (EC)DHE exchange; the PSK is derived from its resumption_master_secret by a one-way function, so opening the ticket gives nothing back (RFC 8446, Section 7.1)"},
	}
	switch mode {
	case "psk_ke":
		items = append(items, LeakItem{What: "the resumed connection", Safe: false, Why: "psk_ke: every key comes from the PSK in the ticket and the public randoms; the ticket travels in the clear in the ClientHello"})
	case "psk_dhe_ke":
		items = append(items, LeakItem{What: "the resumed connection's 1-RTT data", Safe: true, Why: "psk_dhe_ke mixes the (EC)DHE shared secret into the handshake secret; the PSK alone does not give it"})
	default:
		items = append(items, LeakItem{What: "the second connection", Safe: true, Why: "the server could not use the ticket: a full handshake with a fresh key exchange"})
	}
	if offered {
		why := "sealed under client_early_traffic_secret, from the PSK and the ClientHello alone: the ticket key opens the ticket, the ticket gives the PSK (RFC 8446, Section 2.3)"
		if !accepted {
			why += "; the server refused it, but the recorded bytes decrypt all the same"
		}
		items = append(items, LeakItem{What: "the 0-RTT early data", Safe: false, Why: why})
	}
	return items
}

// EveTicket is Eve's attempt on both connections with the server's ticket
// key, leaked after she recorded them.
type EveTicket struct {
	TicketKey string      `json:"ticketKey"`
	First     *eve.Result `json:"first"`
	Second    *eve.Result `json:"second"`
}

// LeakedTicketKey names the key Eve holds (eve.Result.Leaked).
const LeakedTicketKey = "ticket-key"

// EveTicketKey plays Eve holding the recording of both connections and the
// server's ticket key: she reads the ticket in the clear in the second
// ClientHello, opens it, and with the PSK inside runs the key schedule of
// the resumed connection. With psk_ke that is every key; with psk_dhe_ke
// only the 0-RTT key (the handshake secret needs the (EC)DHE shared
// secret). The first connection stays secret either way.
func (s *Session) EveTicketKey() (*EveTicket, error) {
	if s.client12 != nil {
		return eveTicketKey12(s) // resume12.go
	}
	st, err := stateOf(s)
	if err != nil {
		return nil, err
	}
	out := &EveTicket{TicketKey: trace.HexString(st.ticketKey)}
	first := &eve.Result{Leaked: LeakedTicketKey, Plaintexts: []eve.Plaintext{}}
	eveStep(first, "Looks for the ticket in the first connection",
		trace.Text("NewSessionTicket", "encrypted", "sent after the handshake under the server's application key: Eve cannot see the ticket in the first connection"),
		trace.Text("The PSK", "does not lead back", "PSK = HKDF-Expand-Label(resumption_master_secret, \"resumption\", nonce): a one-way function of a secret that came from the ephemeral key exchange (RFC 8446, Sections 4.6.1 and 7.1)"),
		trace.Check("Session decrypted", false, "forward secrecy holds for the first connection"))
	first.Verdict = "cannot decrypt the first connection: its keys came from an ephemeral key exchange, and the ticket's PSK is derived from them one way only"
	out.First = first
	out.Second = eveResumed(s.records, st.ticketKey)
	return out, nil
}

func eveStep(r *eve.Result, title string, values ...trace.Value) {
	if values == nil {
		values = []trace.Value{}
	}
	r.Steps = append(r.Steps, trace.NewEvent(len(r.Steps)+1, "eve", title, values...))
}

// eveResumed decrypts what a leaked ticket key opens of a resumed
// connection's recording.
func eveResumed(records []Record, ticketKey []byte) *eve.Result {
	r := &eve.Result{Leaked: LeakedTicketKey, Plaintexts: []eve.Plaintext{}}
	var recs []decrypt.Record
	var ch, sh []byte
	for _, rec := range records {
		b, err := rec.Wire()
		if err != nil {
			r.Verdict = "a recorded record is not hex"
			return r
		}
		recs = append(recs, decrypt.Record{FromClient: rec.From == trace.Client, Wire: b})
		if len(b) > record.HeaderLen && b[0] == record.TypeHandshake {
			switch {
			case ch == nil && rec.From == trace.Client && b[record.HeaderLen] == handshake.TypeClientHello:
				ch = b[record.HeaderLen:]
			case sh == nil && rec.From == trace.Server && b[record.HeaderLen] == handshake.TypeServerHello:
				sh = b[record.HeaderLen:]
			}
		}
	}
	hello, err := handshake.UnmarshalClientHello(ch)
	if err != nil {
		r.Verdict = "no ClientHello in the recording"
		return r
	}
	ticket, ok := tls13.TicketInHello(hello)
	if !ok {
		eveStep(r, "Finds no ticket in the ClientHello", trace.Check("Session decrypted", false, "a full handshake: the ticket key does not help"))
		r.Verdict = "the second connection offered no ticket"
		return r
	}
	suite, psk, err := tls13.OpenTicket(ticketKey, ticket)
	eveStep(r, "Reads the ticket in the clear in the ClientHello and opens it with the leaked ticket key",
		trace.Hex("Ticket (pre_shared_key identity)", ticket, "sent in the clear: anyone on the path records it"),
		trace.Check("Ticket opened", err == nil, errText(err, "AES-256-GCM under the ticket key: inside are the suite and the resumption PSK")))
	if err != nil {
		r.Verdict = "the key does not open the ticket: " + err.Error()
		return r
	}
	h := suite.Hash
	zeros := make([]byte, h.Size())
	early := tls13.Extract(h, zeros, psk)
	thCH := hashOf(h.New, ch)
	cEarly := tls13.DeriveSecret(h, early, "c e traffic", thCH)
	random := hello.Random
	lines := "CLIENT_EARLY_TRAFFIC_SECRET " + trace.HexString(random) + " " + trace.HexString(cEarly) + "\n"
	eveStep(r, "Runs the key schedule from the PSK",
		trace.Text("Suite", suite.Name, "from the ticket"),
		trace.Secret("Resumption PSK", psk, "from the ticket"),
		trace.Secret("Early secret", early, "HKDF-Extract(0, PSK)"),
		trace.Secret("client_early_traffic_secret", cEarly, `Derive-Secret(early, "c e traffic", ClientHello): the key of any 0-RTT data`))
	shMsg, err := handshake.UnmarshalServerHello(sh)
	pskKE := false
	if err == nil {
		_, share := handshake.Find(shMsg.Extensions, handshake.ExtKeyShare)
		_, pskSel := handshake.Find(shMsg.Extensions, handshake.ExtPreSharedKey)
		pskKE = pskSel && !share
		if !pskSel {
			eveStep(r, "Sees that the server did not take the ticket", trace.Text("ServerHello", "no pre_shared_key", "a full handshake with an ephemeral key exchange: only 0-RTT data, if any, opens"))
		} else if share {
			eveStep(r, "Stops at the handshake secret: psk_dhe_ke",
				trace.Text("ServerHello", "carries a key share", "the handshake secret is HKDF-Extract(derived, (EC)DHE shared secret); the shared secret never travelled and both ends erased their private keys"),
				trace.Check("1-RTT data decrypted", false, "forward secrecy holds for everything after the ServerHello"))
		}
	}
	if pskKE {
		derived := tls13.DeriveSecret(h, early, "derived", hashOf(h.New, nil))
		hs := tls13.Extract(h, derived, zeros)
		th := hashOf(h.New, append(append([]byte(nil), ch...), sh...))
		cHS, sHS := tls13.DeriveSecret(h, hs, "c hs traffic", th), tls13.DeriveSecret(h, hs, "s hs traffic", th)
		lines += "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + trace.HexString(random) + " " + trace.HexString(cHS) + "\n" +
			"SERVER_HANDSHAKE_TRAFFIC_SECRET " + trace.HexString(random) + " " + trace.HexString(sHS) + "\n"
		// The application secrets need the transcript up to the server's
		// Finished: decrypt the server's handshake records first.
		kl, _ := decrypt.ParseKeyLog([]byte(lines))
		pass := decrypt.Connection(recs, kl)
		transcript := append(append([]byte(nil), ch...), sh...)
		for _, rr := range pass.Records {
			if !rr.FromClient && rr.Key == "server_handshake_traffic_secret" && rr.ContentType == record.TypeHandshake {
				transcript = append(transcript, rr.Content...)
			}
		}
		derivedM := tls13.DeriveSecret(h, hs, "derived", hashOf(h.New, nil))
		master := tls13.Extract(h, derivedM, zeros)
		thF := hashOf(h.New, transcript)
		cAP, sAP := tls13.DeriveSecret(h, master, "c ap traffic", thF), tls13.DeriveSecret(h, master, "s ap traffic", thF)
		lines += "CLIENT_TRAFFIC_SECRET_0 " + trace.HexString(random) + " " + trace.HexString(cAP) + "\n" +
			"SERVER_TRAFFIC_SECRET_0 " + trace.HexString(random) + " " + trace.HexString(sAP) + "\n"
		eveStep(r, "psk_ke: no key share, so the PSK gives every key",
			trace.Secret("Handshake secret", hs, "HKDF-Extract(derived, 0): no (EC)DHE input"),
			trace.Secret("client_handshake_traffic_secret", cHS, ""),
			trace.Secret("server_handshake_traffic_secret", sHS, ""),
			trace.Secret("Master secret", master, ""),
			trace.Secret("client_application_traffic_secret_0", cAP, "transcript up to the server's Finished, which she decrypted with the server handshake key"),
			trace.Secret("server_application_traffic_secret_0", sAP, ""))
	}
	kl, _ := decrypt.ParseKeyLog([]byte(lines))
	res := decrypt.Connection(recs, kl)
	for i, rr := range res.Records {
		if rr.ContentType != record.TypeApplicationData || rr.Key == "" {
			continue
		}
		from := trace.Server
		if rr.FromClient {
			from = trace.Client
		}
		typ := "application_data"
		if strings.Contains(rr.Key, "early") {
			typ = "0-RTT early data"
		}
		r.Plaintexts = append(r.Plaintexts, eve.Plaintext{Record: i, From: from, Type: typ, Text: string(rr.Content), Hex: trace.HexString(rr.Content)})
	}
	r.OK = len(r.Plaintexts) > 0
	switch {
	case pskKE:
		r.Verdict = fmt.Sprintf("decrypted %d records: resumed with psk_ke, this connection had no forward secrecy against a leak of the ticket key", len(r.Plaintexts))
	case r.OK:
		r.Verdict = fmt.Sprintf("decrypted only the 0-RTT data (%d record(s)): its key comes from the PSK alone; the rest was protected by the fresh (EC)DHE exchange of psk_dhe_ke", len(r.Plaintexts))
	default:
		r.Verdict = "decrypted nothing: psk_dhe_ke mixed a fresh (EC)DHE exchange into every key after the ClientHello, and no 0-RTT data was sent"
	}
	eveStep(r, "Decrypts the recording with the keys she derived",
		trace.Text("Records decrypted", fmt.Sprint(len(r.Plaintexts)), ""),
		trace.Check("Session decrypted", r.OK, r.Verdict))
	return r
}

func errText(err error, ok string) string {
	if err != nil {
		return err.Error()
	}
	return ok
}

func hashOf(newHash func() hash.Hash, b []byte) []byte {
	h := newHash()
	h.Write(b)
	return h.Sum(nil)
}
