package session

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
	"tlsplayground/playground/alert"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// RemoteOptions choose a client whose server is elsewhere: behind HTTP, in
// a fresh instance of the page's own engine or on Cloudflare Workers.
type RemoteOptions struct {
	Mode       string // ModeClassic, ModeECDHE or ModeTLS13 (default)
	Group      string // the client's key share group; empty: the mode's default
	Seed       []byte
	ServerName string
	// TrustPEM holds the certificates the client trusts (its trust store
	// for this server), PEM.
	TrustPEM string
	Now      func() time.Time
}

// Remote is the client end of a session whose server runs elsewhere. The
// caller carries each flight: Flight gives the bytes to send, Deliver takes
// the server's answer (and, when the server shares it, its trace).
type Remote struct {
	mode     string
	seed     []byte
	rec      *trace.Recorder
	client   endpoint.Endpoint
	client12 *tls12.Conn
	client13 *tls13.Conn
	records  []Record
	messages []Message
	err      *ErrorInfo
	closed   bool
	view     view
	server   ServerInfo
}

// NewRemote makes the client; Flight returns its ClientHello.
func NewRemote(opt RemoteOptions) (*Remote, error) {
	mode := opt.Mode
	if mode == "" {
		mode = ModeTLS13
	}
	if _, ok := stepTexts[mode]; !ok {
		return nil, fmt.Errorf("mode %q is not available: choose one of classic, ecdhe, tls13", mode)
	}
	if opt.ServerName == "" {
		return nil, errors.New("no server name: the client must know which host it means to reach")
	}
	roots := x509.NewCertPool()
	var certs int
	for rest := []byte(opt.TrustPEM); ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("trust store: a certificate does not parse: %w", err)
		}
		roots.AddCert(c)
		certs++
	}
	if certs == 0 {
		return nil, errors.New("trust store: no certificate: give the server's root CA in PEM")
	}
	group, _, err := groupsFor(mode, opt.Group, nil)
	if err != nil {
		return nil, err
	}
	seed, now := seedAndClock(opt.Seed, opt.Now)
	r := &Remote{mode: mode, seed: seed, rec: &trace.Recorder{}, server: ServerInfo{Name: opt.ServerName, RootPEM: opt.TrustPEM}}
	crand := rng.New(append([]byte("client "), seed...))
	cp := clientParams{mode: mode, rand: crand, now: now, suites: suites.Classic, group: group,
		serverName: opt.ServerName, roots: roots, rec: r.rec}
	switch mode {
	case ModeTLS13:
		cp.suites = suites.TLS13
	case ModeECDHE:
		// The server's key type is unknown here: offer P-256 too, which an
		// ECDSA certificate needs (RFC 8422, Section 5.1).
		cp.suites, cp.alsoGroups = suites.ECDHE, []*kx.Group{kx.P256}
	}
	r.client12, r.client13 = newClient(cp)
	if r.client12 != nil {
		r.client = r.client12
	} else {
		r.client = r.client13
	}
	if err := r.client.Start(); err != nil {
		r.note(err)
	}
	return r, nil
}

// Flight returns the records the client wants sent now (maybe none).
func (r *Remote) Flight() []byte {
	var out []byte
	for _, o := range r.client.TakeOutput() {
		r.messages = append(r.messages, Message{Name: o.Name, From: trace.Client, Step: o.Step, Record: len(r.records), Encrypted: o.Encrypted})
		r.records = append(r.records, Record{From: trace.Client, Hex: trace.HexString(o.Wire)})
		out = append(out, o.Wire...)
	}
	r.capture()
	return out
}

// Deliver hands the client the server's answer; events are the server's
// trace for that answer, when the server sent it.
func (r *Remote) Deliver(server []byte, events []trace.Event) error {
	for _, ev := range events {
		if ev.Actor == trace.Server {
			r.rec.Events = append(r.rec.Events, ev)
		}
	}
	r.capture()
	err := r.client.Receive(server)
	var got []recvRecord
	switch {
	case r.client12 != nil:
		got = toRecords(r.client12.TakeReceived())
	default:
		got = toRecords(r.client13.TakeReceived())
	}
	for _, o := range got {
		r.messages = append(r.messages, Message{Name: o.name, From: trace.Server, Step: o.step, Record: len(r.records), Encrypted: o.encrypted})
		r.records = append(r.records, Record{From: trace.Server, Hex: o.hex})
	}
	if err != nil {
		r.note(err)
	}
	r.capture()
	return err
}

type recvRecord struct {
	name, hex string
	step      int
	encrypted bool
}

// Write queues a message to the server; Flight then carries it.
func (r *Remote) Write(text string) error {
	if len(text) > MaxMessage {
		return fmt.Errorf("message of %d bytes is too long: the limit is %d", len(text), MaxMessage)
	}
	_, err := r.client.Write([]byte(text))
	return err
}

// Received returns the application data the server sent since the last call.
func (r *Remote) Received() string {
	var got []byte
	for _, p := range r.client.TakeApplicationData() {
		got = append(got, p...)
	}
	return string(got)
}

// Established reports whether the client completed the handshake.
func (r *Remote) Established() bool { return r.client.HandshakeComplete() }

// Close queues close_notify; Flight then carries it.
func (r *Remote) Close() {
	if !r.closed && r.client.Err() == nil {
		r.client.Close()
	}
	r.closed = true
}

// Fail records an error outside TLS (the HTTP exchange failed).
func (r *Remote) Fail(side, message string) {
	if r.err == nil {
		r.err = &ErrorInfo{Side: side, Check: alert.CheckTransport, Message: message}
	}
}

// SetServerError records the server's failure as its HTTP answer reported it.
func (r *Remote) SetServerError(alertName, message string) {
	if r.err == nil {
		r.err = &ErrorInfo{Side: trace.Server, Alert: alertName, Message: message}
		if a, ok := alert.ByName(alertName); ok {
			r.err.Check = alert.AlertCheck(a)
		}
	}
}

func (r *Remote) note(err error) {
	if r.err != nil {
		return
	}
	info := &ErrorInfo{Side: trace.Client, Message: err.Error()}
	if a, ok := alertOf(err); ok {
		info.Alert, info.Check = a, alert.CheckOf(err)
	}
	r.err = info
}

func (r *Remote) capture() {
	var v view
	switch {
	case r.client12 != nil && r.mode == ModeECDHE:
		v = ecdheView(r.client12, nil, r.view.keyShare)
	case r.client12 != nil:
		v = classicView(r.client12)
	default:
		v = tls13View(r.client13, nil)
	}
	if r.view.version == "" || hasSecrets(v) {
		r.view = v
	}
}

// Export returns the session as the client saw it, with the server's
// events where the server shared them.
func (r *Remote) Export() *Export {
	r.capture()
	e := buildExport(r.mode, r.seed, r.view, r.messages, r.records, r.err, r.closed, r.rec.Events, r.server, true)
	var chain [][]byte
	if r.client12 != nil {
		chain = r.client12.PeerChain()
	} else {
		chain = r.client13.PeerChain()
	}
	if len(chain) > 0 {
		e.Server.CertPEM = string(pki.CertPEM(chain[0]))
	}
	return e
}
