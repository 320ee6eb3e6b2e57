// Package session plays both ends of a connection in one process, the way
// the page does: it carries every record from one side to the other, keeps
// them in wire order, and turns the trace into the session export (stable
// JSON, documented in the README).
package session

import (
	"errors"
	"fmt"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

// Options choose a session. The zero value is a classic handshake with
// every suite and the extended master secret, from a fresh random seed.
type Options struct {
	Seed         []byte   // nil: a fresh random seed
	DisableEMS   bool     // turn off RFC 7627 on both sides
	ClientSuites []string // IANA names; empty: all
	ServerSuites []string // IANA names; empty: all
	Now          func() time.Time

	// Deliver, when set, sees every record before the peer does and returns
	// what is delivered (the network, where an attacker may stand).
	Deliver func(from string, index int, wire []byte) []byte
}

// Record is one TLS record as it crossed the wire.
type Record struct {
	From string `json:"from"`
	Hex  string `json:"hex"`
}

// Message is one arrow of the sequence diagram.
type Message struct {
	Name      string `json:"name"`
	From      string `json:"from"`
	Step      int    `json:"step"`
	Record    int    `json:"record"`
	Encrypted bool   `json:"encrypted"`
}

// ErrorInfo says which side failed, with which alert.
type ErrorInfo struct {
	Side    string `json:"side"`
	Alert   string `json:"alert"`
	Message string `json:"message"`
}

// Session is a client and a server talking through the session.
type Session struct {
	setup          *pki.Setup
	seed           []byte
	rec            *trace.Recorder
	client, server endpoint.Endpoint
	client12       *tls12.Conn // the classic client, for its secrets
	deliver        func(string, int, []byte) []byte
	records        []Record
	messages       []Message
	err            *ErrorInfo
	closed         bool
	secrets        tls12.Secrets // the client's, kept after it discards its own
}

// New runs a classic handshake between a fresh client and server built from
// setup. A handshake that fails is not an error: the session records which
// side failed and why (Export().Error). Bad options are an error.
func New(setup *pki.Setup, opt Options) (*Session, error) {
	if setup == nil {
		return nil, errors.New("session: no setup: generate the keys and certificates first")
	}
	cs, err := suites.ParseList(opt.ClientSuites, suites.Classic)
	if err != nil {
		return nil, fmt.Errorf("client suites: %w", err)
	}
	ss, err := suites.ParseList(opt.ServerSuites, suites.Classic)
	if err != nil {
		return nil, fmt.Errorf("server suites: %w", err)
	}
	seed := opt.Seed
	if len(seed) == 0 {
		seed = rng.NewSeed()
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	s := &Session{setup: setup, seed: seed, rec: &trace.Recorder{}, deliver: opt.Deliver}
	s.client12 = tls12.Client(&tls12.Config{
		Rand: rng.New(append([]byte("client "), seed...)), Time: now,
		Suites: cs, DisableEMS: opt.DisableEMS,
		ServerName: setup.ServerName, Roots: setup.Roots(), Trace: s.rec,
	})
	s.client = s.client12
	s.server = tls12.Server(&tls12.Config{
		Rand: rng.New(append([]byte("server "), seed...)), Time: now,
		Suites: ss, DisableEMS: opt.DisableEMS,
		Certificates: setup.Chain, Key: setup.Key, Trace: s.rec,
	})
	if err := s.client.Start(); err != nil {
		s.noteError(trace.Client, err)
	}
	s.pump()
	s.checkStalled()
	return s, nil
}

// checkStalled reports a handshake that stopped without an error: a side
// holds part of a record or message whose length promised more bytes than
// arrived, and over a real network it would wait until a timeout.
func (s *Session) checkStalled() {
	if s.err != nil || s.Established() {
		return
	}
	for _, side := range []struct {
		name string
		c    endpoint.Endpoint
	}{{trace.Server, s.server}, {trace.Client, s.client}} {
		if n := side.c.Buffered(); n > 0 {
			s.err = &ErrorInfo{Side: side.name, Message: fmt.Sprintf("tls: the %s holds %d bytes of an incomplete record or message and waits for the rest: a length field promises more bytes than were sent; a real connection would time out", side.name, n)}
			return
		}
	}
	s.err = &ErrorInfo{Side: trace.Client, Message: "tls: the handshake stopped: each side waits for the other"}
}

// pump carries records back and forth until neither side has anything to say.
func (s *Session) pump() {
	for {
		moved := s.carry(trace.Client, s.client, trace.Server, s.server)
		moved = s.carry(trace.Server, s.server, trace.Client, s.client) || moved
		if !moved {
			return
		}
	}
}

// carry moves from's pending records to to, one record at a time, in order.
func (s *Session) carry(fromName string, from endpoint.Endpoint, toName string, to endpoint.Endpoint) bool {
	out := from.TakeOutput()
	for _, o := range out {
		idx := len(s.records)
		wire := o.Wire
		if s.deliver != nil {
			wire = s.deliver(fromName, idx, append([]byte(nil), wire...))
		}
		s.records = append(s.records, Record{From: fromName, Hex: trace.HexString(wire)})
		s.messages = append(s.messages, Message{Name: o.Name, From: fromName, Step: o.Step, Record: idx, Encrypted: o.Encrypted})
		if to.Err() != nil {
			continue // a dead endpoint reads nothing more
		}
		s.capture()
		if err := to.Receive(wire); err != nil {
			s.noteError(toName, err)
		}
	}
	s.capture()
	return len(out) > 0
}

// capture keeps the client's secrets for the export before the client
// discards them (at close, or when the connection fails).
func (s *Session) capture() {
	if sec := s.client12.Secrets(); len(sec.Master) > 0 && !allZero(sec.Master) {
		s.secrets = sec
	} else if len(s.secrets.ClientRandom) == 0 {
		s.secrets = sec
	}
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

func (s *Session) noteError(side string, err error) {
	if s.err != nil {
		return
	}
	info := &ErrorInfo{Side: side, Message: err.Error()}
	if a, ok := alert.Of(err); ok {
		info.Alert = a.String()
		var ae *alert.Error
		if errors.As(err, &ae) && ae.Received {
			// The side that received an alert did not fail first; the
			// sender did, and its error was already noted.
			return
		}
	}
	s.err = info
}

// Established reports whether both sides completed the handshake.
func (s *Session) Established() bool {
	return s.client.HandshakeComplete() && s.server.HandshakeComplete()
}

// Exchange is one application-data message sent from one side to the other.
type Exchange struct {
	From             string        `json:"from"`
	To               string        `json:"to"`
	Plaintext        string        `json:"plaintext"`
	Record           int           `json:"record"`
	RecordHex        string        `json:"recordHex"`
	Seq              uint64        `json:"seq"`
	NonceHex         string        `json:"nonceHex"`
	ExplicitNonceHex string        `json:"explicitNonceHex"`
	AADHex           string        `json:"aadHex"`
	CiphertextHex    string        `json:"ciphertextHex"`
	TagHex           string        `json:"tagHex"`
	Decrypted        string        `json:"decrypted"`
	Event            *trace.Event  `json:"event"`
	Events           []trace.Event `json:"events"`
}

// MaxMessage bounds one message typed in the page (it may span records).
const MaxMessage = 1 << 16

// Send encrypts text on one side and delivers it to the other.
func (s *Session) Send(from, text string) (*Exchange, error) {
	var src, dst endpoint.Endpoint
	to := trace.Server
	switch from {
	case trace.Client:
		src, dst = s.client, s.server
	case trace.Server:
		src, dst, to = s.server, s.client, trace.Client
	default:
		return nil, fmt.Errorf("sender %q is neither \"client\" nor \"server\"", from)
	}
	if len(text) > MaxMessage {
		return nil, fmt.Errorf("message of %d bytes is too long: the limit is %d", len(text), MaxMessage)
	}
	if s.closed {
		return nil, errors.New("the connection is closed: start a new session to send more")
	}
	if !s.Established() {
		return nil, errors.New("the handshake did not complete: there are no keys to encrypt with")
	}
	first := len(s.rec.Events)
	details, err := src.Write([]byte(text))
	if err != nil {
		return nil, err
	}
	firstRecord := len(s.records)
	s.pump()
	ex := &Exchange{From: from, To: to, Plaintext: text, Record: firstRecord}
	if firstRecord < len(s.records) {
		ex.RecordHex = s.records[firstRecord].Hex
	}
	if len(details) > 0 {
		d := details[0]
		ex.Seq = d.Seq
		ex.NonceHex = trace.HexString(d.Nonce)
		ex.ExplicitNonceHex = trace.HexString(d.ExplicitNonce)
		ex.AADHex = trace.HexString(d.AAD)
		ex.CiphertextHex = trace.HexString(d.Ciphertext)
		ex.TagHex = trace.HexString(d.Tag)
	}
	var got []byte
	for _, p := range dst.TakeApplicationData() {
		got = append(got, p...)
	}
	ex.Decrypted = string(got)
	ex.Events = append([]trace.Event(nil), s.rec.Events[first:]...)
	if len(ex.Events) > 0 {
		ex.Event = &ex.Events[0]
	}
	if s.err != nil {
		return ex, fmt.Errorf("%s failed: %s", s.err.Side, s.err.Message)
	}
	return ex, nil
}

// Close has both sides send close_notify and discard their keys.
func (s *Session) Close() {
	if s.closed {
		return
	}
	s.closed = true
	if s.client.Err() == nil {
		s.client.Close()
	}
	s.pump()
	if s.server.Err() == nil {
		s.server.Close()
	}
	s.pump()
}

// Export is the session as JSON: the page's data model and the file a
// visitor downloads. Documented in README.md, "Session export".
type Export struct {
	Version  string     `json:"version"`
	Mode     string     `json:"mode"`
	Suite    string     `json:"suite"`
	Seed     string     `json:"seed"`
	EMS      bool       `json:"ems"`
	Keylog   string     `json:"keylog"`
	Closed   bool       `json:"closed"`
	Error    *ErrorInfo `json:"error"`
	Steps    []Step     `json:"steps"`
	Messages []Message  `json:"messages"`
	Records  []Record   `json:"records"`
	Secrets  Secrets    `json:"secrets"`
	Server   ServerInfo `json:"server"`
}

// Step is one of the seven steps with what each side did in it.
type Step struct {
	StepText
	Events []trace.Event `json:"events"`
}

// Secrets are the client's view of the session secrets (hex).
type Secrets struct {
	ClientRandom    string `json:"clientRandom"`
	ServerRandom    string `json:"serverRandom"`
	PreMasterSecret string `json:"preMasterSecret"`
	MasterSecret    string `json:"masterSecret"`
	SessionHash     string `json:"sessionHash,omitempty"`
	KeyBlock        string `json:"keyBlock"`
	ClientWriteKey  string `json:"clientWriteKey"`
	ServerWriteKey  string `json:"serverWriteKey"`
	ClientWriteIV   string `json:"clientWriteIV"`
	ServerWriteIV   string `json:"serverWriteIV"`
}

// ServerInfo identifies the server the session talked to.
type ServerInfo struct {
	Name    string `json:"name"`
	KeyBits int    `json:"keyBits"`
	CertPEM string `json:"certPem"`
	RootPEM string `json:"rootPem"`
}

// Export returns the session as it is now.
func (s *Session) Export() *Export {
	e := &Export{Version: "TLS 1.2", Mode: "classic", Seed: trace.HexString(s.seed), Closed: s.closed, Error: s.err,
		Messages: append([]Message{}, s.messages...), Records: append([]Record{}, s.records...)}
	if st := s.client.Suite(); st != nil {
		e.Suite = st.Name
	}
	e.EMS = s.client12.EMS()
	s.capture()
	sec := s.secrets
	if len(sec.Master) > 0 {
		e.Keylog = fmt.Sprintf("CLIENT_RANDOM %s %s\n", trace.HexString(sec.ClientRandom), trace.HexString(sec.Master))
	}
	k := sec.Keys
	e.Secrets = Secrets{
		ClientRandom: trace.HexString(sec.ClientRandom), ServerRandom: trace.HexString(sec.ServerRandom),
		PreMasterSecret: trace.HexString(sec.PreMaster), MasterSecret: trace.HexString(sec.Master),
		SessionHash: trace.HexString(sec.SessionHash), KeyBlock: trace.HexString(k.Block),
		ClientWriteKey: trace.HexString(k.ClientWriteKey), ServerWriteKey: trace.HexString(k.ServerWriteKey),
		ClientWriteIV: trace.HexString(k.ClientWriteIV), ServerWriteIV: trace.HexString(k.ServerWriteIV),
	}
	e.Server = ServerInfo{Name: s.setup.ServerName, KeyBits: s.setup.Key.N.BitLen(),
		CertPEM: string(pki.CertPEM(s.setup.Chain[0])), RootPEM: string(pki.CertPEM(s.setup.CA.Raw))}
	e.Steps = make([]Step, len(classicSteps))
	for i, t := range classicSteps {
		e.Steps[i] = Step{StepText: t, Events: []trace.Event{}}
	}
	for _, ev := range s.rec.Events {
		if ev.Step >= 1 && ev.Step <= len(e.Steps) {
			e.Steps[ev.Step-1].Events = append(e.Steps[ev.Step-1].Events, ev)
		}
	}
	return e
}
