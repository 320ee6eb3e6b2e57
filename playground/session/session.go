// Package session plays both ends of a connection in one process, the way
// the page does: it carries every record from one side to the other, keeps
// them in wire order, and turns the trace into the session export (stable
// JSON, documented in the README).
package session

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/dual"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// Options choose a session. The zero value is a classic handshake with
// every suite and the extended master secret, from a fresh random seed.
type Options struct {
	Mode         string   // ModeClassic (default), ModeECDHE or ModeTLS13
	Group        string   // the group of the client's key share (ECDHE, TLS 1.3); empty: the mode's default
	ServerGroups []string // groups the server accepts; empty: all (a TLS 1.3 server without Group here asks again: HelloRetryRequest)
	Seed         []byte   // nil: a fresh random seed
	DisableEMS   bool     // turn off RFC 7627 on both sides
	// PaddingOracle runs a DELIBERATELY LEAKY classic server that reports a
	// bad PKCS#1 padding with its own alert (the Bleichenbacher demonstration).
	PaddingOracle bool
	// ClientRoots replaces the client's trust store (default: the setup's
	// root alone). Mallory's scenarios use it.
	ClientRoots  *x509.CertPool
	ClientSuites []string // IANA names, in the client's order of preference; empty: all
	ServerSuites []string // IANA names, in the server's order of preference; empty: all
	// SuiteOrder is how the server picks a suite: "server" (default: its
	// first preference the client also offers) or "client" (the client's
	// first choice the server supports).
	SuiteOrder string
	Now        func() time.Time

	// Deliver, when set, sees every record before the peer does and returns
	// what is delivered (the network, where an attacker may stand).
	Deliver func(from string, index int, wire []byte) []byte
}

// Modes.
const (
	ModeClassic = "classic" // TLS 1.2, RSA key transport
	ModeECDHE   = "ecdhe"   // TLS 1.2, ephemeral ECDH signed by the server
	ModeTLS13   = "tls13"   // TLS 1.3
)

// Record is one TLS record as it crossed the wire.
type Record struct {
	From string `json:"from"`
	Hex  string `json:"hex"`
	// wire is the record's bytes, as a session keeps them while it runs:
	// Hex is formatted from them when the session is exported (hexRecords),
	// off the handshake's path.
	wire []byte
}

// Wire returns the record's bytes. They may be the session's own: callers
// must not modify them.
func (r Record) Wire() ([]byte, error) {
	if r.wire != nil {
		return r.wire, nil
	}
	return hex.DecodeString(r.Hex)
}

// hexRecords returns the records for an export: each with its hex, which is
// formatted once and kept.
func hexRecords(records []Record) []Record {
	out := make([]Record, len(records))
	for i := range records {
		r := &records[i]
		if r.Hex == "" && r.wire != nil {
			r.Hex = trace.HexString(r.wire)
		}
		out[i] = Record{From: r.From, Hex: r.Hex}
	}
	return out
}

// Message is one arrow of the sequence diagram.
type Message struct {
	Name      string `json:"name"`
	From      string `json:"from"`
	Step      int    `json:"step"`
	Record    int    `json:"record"`
	Encrypted bool   `json:"encrypted"`
}

// ErrorInfo says which side failed, with which alert, and which check it
// was (an alert.Check* id: the page keys on it; the message is for people).
type ErrorInfo struct {
	Side    string `json:"side"`
	Alert   string `json:"alert"`
	Check   string `json:"check"`
	Message string `json:"message"`
}

// Session is a client and a server talking through the session.
type Session struct {
	setup          *pki.Setup
	seed           []byte
	rec            *trace.Recorder
	client, server endpoint.Endpoint
	client12       *tls12.Conn // the TLS 1.2 client, for its secrets
	server12       *tls12.Conn // the TLS 1.2 server (ECDHE), for its key share
	client13       *tls13.Conn // the TLS 1.3 ends, for their secrets
	server13       *tls13.Conn
	dualC          *dual.Client // the version-negotiating ends (NewDowngrade)
	dualS          *dual.Server
	deliver        func(string, int, []byte) []byte
	records        []Record
	messages       []Message
	err            *ErrorInfo
	closed         bool
	mode           string
	roots          *x509.CertPool // the client's trust store
	view           view           // the client's view, kept after it discards its keys
	// serverPrivate and serverShared are the ECDHE server's side of the
	// exchange, copied before it erases them.
	serverPrivate, serverShared []byte
}

// New runs a classic handshake between a fresh client and server built from
// setup. A handshake that fails is not an error: the session records which
// side failed and why (Export().Error). Bad options are an error.
func New(setup *pki.Setup, opt Options) (*Session, error) {
	if setup == nil {
		return nil, errors.New("session: no setup: generate the keys and certificates first")
	}
	mode := opt.Mode
	if mode == "" {
		mode = ModeClassic
	}
	if _, ok := stepTexts[mode]; !ok {
		return nil, fmt.Errorf("mode %q is not available: choose %s", mode, strings.Join(Modes(), ", "))
	}
	if (opt.Group != "" || len(opt.ServerGroups) > 0) && mode == ModeClassic {
		return nil, fmt.Errorf("group %q: the classic handshake has no key exchange group (RSA key transport)", opt.Group)
	}
	if mode == ModeClassic && setup.Key == nil {
		return nil, errors.New("the classic handshake needs an RSA server key (RSA key transport): run setup with keyType rsa")
	}
	if err := CheckKeyType(mode, setup.KeyType); setup.KeyType != "" && err != nil {
		return nil, err
	}
	defSuites := ModeSuites(mode)
	cs, err := suites.ParseList(opt.ClientSuites, defSuites)
	if err != nil {
		return nil, fmt.Errorf("client suites: %w", err)
	}
	ss, err := suites.ParseList(opt.ServerSuites, defSuites)
	if err != nil {
		return nil, fmt.Errorf("server suites: %w", err)
	}
	order, err := suites.ParseOrder(opt.SuiteOrder)
	if err != nil {
		return nil, err
	}
	group, serverGroups, err := groupsFor(mode, opt.Group, opt.ServerGroups)
	if err != nil {
		return nil, err
	}
	seed, now := seedAndClock(opt.Seed, opt.Now)
	// Room for a whole handshake and a few messages (about 30 events and
	// 12 records), so that the lists do not grow as the handshake runs.
	s := &Session{setup: setup, seed: seed, rec: &trace.Recorder{Events: make([]trace.Event, 0, 40)}, deliver: opt.Deliver, mode: mode,
		records: make([]Record, 0, 16), messages: make([]Message, 0, 16)}
	crand, srand := rng.New(append([]byte("client "), seed...)), rng.New(append([]byte("server "), seed...))
	roots := opt.ClientRoots
	if roots == nil {
		roots = setup.SharedRoots() // the client only reads it
	}
	s.roots = roots
	cp := clientParams{mode: mode, rand: crand, now: now, suites: cs, group: group, disableEMS: opt.DisableEMS,
		serverName: setup.ServerName, roots: roots, rec: s.rec, webPKI: len(setup.OCSPResponse) > 0}
	switch mode {
	case ModeClassic:
		s.client12, _ = newClient(cp)
		s.client = s.client12
		s.server = tls12.Server(&tls12.Config{
			Rand: srand, Time: now, Suites: ss, SuiteOrder: order, DisableEMS: opt.DisableEMS, PaddingOracle: opt.PaddingOracle,
			Certificates: setup.Chain, Key: setup.Key, OCSPStaple: setup.OCSPResponse, Trace: s.rec,
		})
	case ModeTLS13:
		_, s.client13 = newClient(cp)
		s.server13 = tls13.Server(&tls13.Config{
			Rand: srand, Time: now, Suites: ss, SuiteOrder: order, Groups: serverGroups,
			Certificates: setup.Chain, Signer: setup.Signer, OCSPStaple: setup.OCSPResponse, Trace: s.rec,
			NoScheduleCopies: true, // the export draws the client's tree (tls13View)
		})
		s.client, s.server = s.client13, s.server13
	default:
		// An ECDSA certificate's curve must be in the client's
		// supported_groups (RFC 8422, Section 5.1).
		if setup.KeyType == pki.KeyECDSA {
			cp.alsoGroups = []*kx.Group{kx.P256}
		}
		s.client12, _ = newClient(cp)
		s.server12 = tls12.Server(&tls12.Config{Rand: srand, Time: now, Suites: ss, SuiteOrder: order, Groups: serverGroups, DisableEMS: opt.DisableEMS,
			Certificates: setup.Chain, Signer: setup.Signer, OCSPStaple: setup.OCSPResponse, Trace: s.rec})
		s.client, s.server = s.client12, s.server12
	}
	s.watchDiscard()
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
			s.err = &ErrorInfo{Side: side.name, Check: alert.CheckIncomplete, Message: fmt.Sprintf("tls: the %s holds %d bytes of an incomplete record or message and waits for the rest: a length field promises more bytes than were sent; a real connection would time out", side.name, n)}
			return
		}
	}
	s.err = &ErrorInfo{Side: trace.Client, Check: alert.CheckStalled, Message: "tls: the handshake stopped: each side waits for the other"}
}

// pump carries records back and forth until neither side has anything to
// say. The client's view is kept when it is needed (capture: Export,
// KeyLog) and just before a client discards its keys (a failure,
// close_notify both ways: watchDiscard), not after every pump; only a
// version-negotiating session keeps it at once, since the view names its
// mode.
func (s *Session) pump() {
	for {
		moved := s.carry(trace.Client, s.client, trace.Server, s.server)
		moved = s.carry(trace.Server, s.server, trace.Client, s.client) || moved
		if !moved {
			if s.dualC != nil {
				s.capture()
			}
			if s.server12 != nil {
				s.keepServerShare()
			}
			return
		}
	}
}

// watchDiscard has the client call capture just before it zeroes its
// keys, so that the export keeps them without a view taken per record.
func (s *Session) watchDiscard() {
	if d, ok := s.client.(interface{ OnDiscard(func()) }); ok {
		d.OnDiscard(s.capture)
	}
}

// carry moves from's pending records to to, one record at a time, in order.
func (s *Session) carry(fromName string, from endpoint.Endpoint, toName string, to endpoint.Endpoint) bool {
	out := from.TakeOutput()
	for _, o := range out {
		idx := len(s.records)
		wire := o.Wire
		if s.deliver != nil {
			// A copy of what a hook returns: it may keep and change it.
			wire = bytes.Clone(s.deliver(fromName, idx, append([]byte(nil), wire...)))
		}
		// The record as it crossed, without a copy of an endpoint's: an
		// endpoint marshals each record it sends afresh and never writes
		// to it again, and a receiver copies what it is given
		// (record.Drain).
		s.records = append(s.records, Record{From: fromName, wire: wire})
		s.messages = append(s.messages, Message{Name: o.Name, From: fromName, Step: o.Step, Record: idx, Encrypted: o.Encrypted})
		if to.Err() != nil {
			continue // a dead endpoint reads nothing more
		}
		if s.server12 != nil && !to.HandshakeComplete() {
			// The ECDHE server erases its ephemeral key as soon as it
			// derives the master secret: the export keeps it from before.
			s.keepServerShare()
		}
		if err := to.Receive(wire); err != nil {
			s.noteError(toName, err)
		}
	}
	return len(out) > 0
}

// capture keeps the client's view for the export before the client
// discards its keys (at close, or when the connection fails): a view is
// replaced only by one that still holds secrets.
func (s *Session) capture() {
	var v view
	switch {
	case s.dualC != nil:
		if s.dualC.Version() == 0 {
			return
		}
		v, s.mode = dualView(s.dualC, s.dualS, s.view.keyShare)
	case s.server12 != nil:
		s.keepServerShare()
		var kept *trace.KeyShare
		if s.serverShared != nil {
			kept = &trace.KeyShare{ServerPrivate: trace.HexString(s.serverPrivate), ServerShared: trace.HexString(s.serverShared)}
		}
		v = ecdheView(s.client12, s.server12, kept)
	case s.client12 != nil:
		v = classicView(s.client12)
	case s.client13 != nil:
		v = tls13View(s.client13, s.server13)
	default:
		return
	}
	if s.view.version == "" || hasSecrets(v) {
		s.view = v
	}
}

// keepServerShare copies the ECDHE server's ephemeral private key and shared
// secret while it holds them (ecdheView shows them), when they are new.
func (s *Session) keepServerShare() {
	priv, shared := s.server12.ECDHEShared()
	if len(shared) == 0 || allZero(shared) || bytes.Equal(shared, s.serverShared) && bytes.Equal(priv, s.serverPrivate) {
		return
	}
	s.serverPrivate, s.serverShared = bytes.Clone(priv), bytes.Clone(shared)
}

// hasSecrets reports whether a view holds a non-zero master secret.
func hasSecrets(v view) bool {
	for _, kv := range v.secrets {
		if kv.Name == "masterSecret" {
			return len(kv.Value) > 0 && !allZero(kv.Value)
		}
	}
	return false
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
		info.Check = alert.CheckOf(err)
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
		w, _ := s.records[firstRecord].Wire()
		ex.RecordHex = trace.HexString(w)
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

// KeyUpdate has one side of a TLS 1.3 session move to fresh keys and ask
// the peer to do the same (RFC 8446, Section 4.6.3).
func (s *Session) KeyUpdate(from string) error {
	var c *tls13.Conn
	switch {
	case s.client13 == nil:
		return errors.New("KeyUpdate exists only in TLS 1.3: choose the tls13 mode")
	case from == trace.Client:
		c = s.client13
	case from == trace.Server:
		c = s.server13
	default:
		return fmt.Errorf("sender %q is neither \"client\" nor \"server\"", from)
	}
	if s.closed || !s.Established() {
		return errors.New("KeyUpdate needs an established, open connection")
	}
	if err := c.KeyUpdate(true); err != nil {
		return err
	}
	s.pump()
	if s.err != nil {
		return fmt.Errorf("%s failed: %s", s.err.Side, s.err.Message)
	}
	return nil
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
	Version         string `json:"version"`
	Mode            string `json:"mode"`
	Suite           string `json:"suite"`
	Group           string `json:"group"`
	SignatureScheme string `json:"signatureScheme"`
	ForwardSecrecy  bool   `json:"forwardSecrecy"`
	// ForwardSecrecyReason is why, as a stable code the page keys on:
	// FSEphemeral, FSRSAKeyTransport or FSTokenKey. ForwardSecrecyNote says
	// it in words.
	ForwardSecrecyReason string `json:"forwardSecrecyReason"`
	ForwardSecrecyNote   string `json:"forwardSecrecyNote"`
	// KeyState is what the client holds at this moment: KeysHandshake,
	// KeysOpen or KeysDiscarded.
	KeyState    string            `json:"keyState"`
	RoundTrips  int               `json:"roundTrips"`
	HelloRetry  bool              `json:"helloRetry"`
	Seed        string            `json:"seed"`
	EMS         bool              `json:"ems"`
	Keylog      string            `json:"keylog"`
	Closed      bool              `json:"closed"`
	Error       *ErrorInfo        `json:"error"`
	Steps       []Step            `json:"steps"`
	Messages    []Message         `json:"messages"`
	Records     []Record          `json:"records"`
	Secrets     map[string]string `json:"secrets"`
	KeyShare    *trace.KeyShare   `json:"keyShare"`
	KeySchedule KeySchedule       `json:"keySchedule"`
	Server      ServerInfo        `json:"server"`
	// ServerRandom is the server's random and what its last bytes say
	// (the downgrade sentinel), when the client received it.
	ServerRandom *RandomInfo `json:"serverRandom"`
}

// RandomInfo is ServerHello.random with the place of the downgrade
// sentinel (RFC 8446, Section 4.1.3): a TLS 1.3 server that negotiates an
// older version writes one of two fixed values into its last 8 bytes.
type RandomInfo struct {
	Hex         string `json:"hex"`
	SentinelAt  int    `json:"sentinelAt"`  // the offset of the sentinel's bytes (24)
	SentinelLen int    `json:"sentinelLen"` // their length (8)
	// Sentinel is "tls12" (DOWNGRD 01: TLS 1.2 was negotiated), "tls11"
	// (DOWNGRD 00: TLS 1.1 or older), or "" when the bytes are random.
	Sentinel string `json:"sentinel"`
}

// randomInfo reads a server random.
func randomInfo(random []byte) *RandomInfo {
	n := len(handshake.DowngradeTLS12)
	if len(random) < n {
		return nil
	}
	r := &RandomInfo{Hex: trace.HexString(random), SentinelAt: len(random) - n, SentinelLen: n}
	switch tail := random[len(random)-n:]; {
	case bytes.Equal(tail, handshake.DowngradeTLS12):
		r.Sentinel = "tls12"
	case bytes.Equal(tail, handshake.DowngradeTLS11):
		r.Sentinel = "tls11"
	}
	return r
}

// Forward secrecy reasons (Export.ForwardSecrecyReason).
const (
	// FSEphemeral: ephemeral key exchange, whose private keys and shared
	// secret both ends erase as soon as the next secret is derived.
	FSEphemeral = "ephemeral"
	// FSRSAKeyTransport: the pre-master secret travelled encrypted under
	// the server's long-term RSA key.
	FSRSAKeyTransport = "rsa-key-transport"
	// FSTokenKey: the HTTP server seals its whole randomness into a token
	// under a long-lived token key (package httpserver).
	FSTokenKey = "token-key"
)

// Key states (Export.KeyState).
const (
	KeysHandshake = "handshake" // before the handshake completed
	// KeysOpen: the ephemeral private keys and the shared secret are
	// erased; the traffic keys stay in memory while the connection is open.
	KeysOpen      = "open"
	KeysDiscarded = "discarded" // closed or failed: the keys are overwritten
)

// forwardSecrecy says whether a recorded session stays secret when a
// long-lived key leaks later, and why.
func forwardSecrecy(mode string, overHTTP bool) (bool, string, string) {
	switch {
	case mode == ModeClassic:
		return false, FSRSAKeyTransport, "no: the client encrypted the pre-master secret under the server's RSA key, so whoever obtains that key later decrypts every recorded session (RFC 5246, Section 7.4.7.1)"
	case overHTTP:
		return false, FSTokenKey, "no: this server keeps no state between requests and seals all its randomness for the connection into the token, under a long-lived token key; a recorded session plus a later leak of that key rebuilds its ephemeral key and decrypts everything, the weakness of a leaked TLS session-ticket key (RFC 5077, Section 5.5; RFC 8446, Appendix E.5)"
	}
	when := "the master secret"
	if mode == ModeTLS13 {
		when = "the handshake secret"
	}
	return true, FSEphemeral, "yes: the key exchange was ephemeral, and both ends overwrote their ephemeral private keys and the shared secret as soon as " + when + " was derived; the server's certificate key only signed, so stealing it later does not decrypt a recording"
}

// keyState says what the client holds now.
func keyState(v view, err *ErrorInfo, closed bool) string {
	switch {
	case err != nil || closed:
		return KeysDiscarded
	case v.established:
		return KeysOpen
	}
	return KeysHandshake
}

// KeySchedule is the tree of derived values.
type KeySchedule struct {
	Nodes []trace.KSNode `json:"nodes"`
}

// Step is one of the seven steps with what each side did in it.
type Step struct {
	StepText
	Events []trace.Event `json:"events"`
}

// ServerInfo identifies the server the session talked to.
type ServerInfo struct {
	Name    string `json:"name"`
	KeyType string `json:"keyType"`
	KeyBits int    `json:"keyBits"`
	CertPEM string `json:"certPem"`
	RootPEM string `json:"rootPem"`
}

// view is what the export needs from the endpoints, taken before they
// discard their keys.
type view struct {
	version, suite, group, scheme string
	ems, helloRetry, established  bool
	keylog                        string
	secrets                       []trace.Named
	schedule                      []trace.KSNode
	keyShare                      *trace.KeyShare
}

// classicView reads a TLS 1.2 client's secrets.
func classicView(c *tls12.Conn) view {
	sec := c.Secrets()
	v := view{version: "TLS 1.2", ems: c.EMS(), keylog: c.KeyLog(), established: c.HandshakeComplete()}
	if st := c.Suite(); st != nil {
		v.suite = st.Name
	}
	k := sec.Keys
	v.secrets = []trace.Named{
		trace.N("clientRandom", sec.ClientRandom), trace.N("serverRandom", sec.ServerRandom),
		trace.N("preMasterSecret", sec.PreMaster), trace.N("masterSecret", sec.Master), trace.N("sessionHash", sec.SessionHash),
		trace.N("keyBlock", k.Block), trace.N("clientWriteKey", k.ClientWriteKey), trace.N("serverWriteKey", k.ServerWriteKey),
		trace.N("clientWriteIV", k.ClientWriteIV), trace.N("serverWriteIV", k.ServerWriteIV),
	}
	if len(sec.Master) == 0 {
		return v
	}
	n := []trace.KSNode{
		trace.Node("pms", "Pre-master secret", sec.PreMaster, true, "input"),
		trace.Node("client_random", "Client random", sec.ClientRandom, false, "input"),
		trace.Node("server_random", "Server random", sec.ServerRandom, false, "input"),
	}
	if c.EMS() {
		n = append(n, trace.Node("session_hash", "Session hash", sec.SessionHash, false, "Hash(ClientHello … ClientKeyExchange)"),
			trace.Node("master", "Master secret", sec.Master, true, `PRF("extended master secret")`, "pms", "session_hash"))
	} else {
		n = append(n, trace.Node("master", "Master secret", sec.Master, true, `PRF("master secret")`, "pms", "client_random", "server_random"))
	}
	n = append(n,
		trace.Node("key_block", "Key block", k.Block, true, `PRF("key expansion")`, "master", "server_random", "client_random"),
		trace.Node("client_write_key", "client_write_key", k.ClientWriteKey, true, "slice", "key_block"),
		trace.Node("server_write_key", "server_write_key", k.ServerWriteKey, true, "slice", "key_block"),
		trace.Node("client_write_iv", "client_write_IV", k.ClientWriteIV, true, "slice", "key_block"),
		trace.Node("server_write_iv", "server_write_IV", k.ServerWriteIV, true, "slice", "key_block"))
	v.schedule = n
	return v
}

// Export returns the session as it is now.
func (s *Session) Export() *Export {
	s.capture()
	server := ServerInfo{Name: s.setup.ServerName, KeyType: pki.PublicKeyName(s.setup.Leaf), RootPEM: pki.CertPEMText(s.setup.CA)}
	if leaf, err := pki.ParseCertificate(s.setup.Chain[0]); err == nil {
		server.CertPEM = pki.CertPEMText(leaf) // formatted once per certificate
	} else {
		server.CertPEM = string(pki.CertPEM(s.setup.Chain[0]))
	}
	if s.setup.Key != nil {
		server.KeyBits = s.setup.Key.N.BitLen()
	}
	e := buildExport(s.mode, s.seed, s.view, s.messages, s.records, s.err, s.closed, s.rec.Events, server, false)
	s.adjust12(e) // a TLS 1.2 session with a ticket or resumed: what its forward secrecy and keys really are
	return e
}

// buildExport assembles the export from a view and the wire.
// overHTTP is set for a client whose server is the stateless HTTP server.
func buildExport(mode string, seed []byte, v view, messages []Message, records []Record, err *ErrorInfo, closed bool, events []trace.Event, server ServerInfo, overHTTP bool) *Export {
	fs, fsWhy, fsNote := forwardSecrecy(mode, overHTTP)
	e := &Export{Version: v.version, Mode: mode, Suite: v.suite, Group: v.group, SignatureScheme: v.scheme,
		ForwardSecrecy: fs, ForwardSecrecyReason: fsWhy, ForwardSecrecyNote: fsNote, KeyState: keyState(v, err, closed),
		RoundTrips: 2, HelloRetry: v.helloRetry,
		Seed: trace.HexString(seed), EMS: v.ems, Keylog: v.keylog, Closed: closed, Error: err,
		Messages: append([]Message{}, messages...), Records: hexRecords(records),
		Secrets: map[string]string{}, KeyShare: v.keyShare, KeySchedule: KeySchedule{Nodes: v.schedule}, Server: server}
	if mode == ModeTLS13 {
		e.RoundTrips = 1
	}
	if v.helloRetry {
		e.RoundTrips++
	}
	if e.KeySchedule.Nodes == nil {
		e.KeySchedule.Nodes = []trace.KSNode{}
	}
	for _, kv := range v.secrets {
		if len(kv.Value) > 0 {
			e.Secrets[kv.Name] = trace.HexString(kv.Value)
		}
	}
	texts := StepTextsFor(mode, v.ems)
	e.Steps = make([]Step, len(texts))
	for i, t := range texts {
		e.Steps[i] = Step{StepText: t, Events: []trace.Event{}}
	}
	for _, ev := range events {
		if ev.Step >= 1 && ev.Step <= len(e.Steps) {
			e.Steps[ev.Step-1].Events = append(e.Steps[ev.Step-1].Events, ev)
		}
		for _, val := range ev.Values {
			if val.ID == "server.random" && e.ServerRandom == nil && ev.Actor == trace.Client {
				e.ServerRandom = randomInfo(val.Raw)
			}
		}
	}
	if e.ServerRandom == nil {
		if b, err := hex.DecodeString(e.Secrets["serverRandom"]); err == nil && len(b) > 0 {
			e.ServerRandom = randomInfo(b)
		}
	}
	return e
}
