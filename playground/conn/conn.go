// Package conn is the connection core that the engine's TLS 1.2 and TLS
// 1.3 ends share, as crypto/tls's Conn and halfConn serve both handshakes:
// the records received (limits, protection, naming), the reassembly of
// handshake messages, alerts, the output queue, application data both
// ways, close_notify, failure, and the accessors a driver uses. Packages
// tls12 and tls13 embed a Core and keep only their handshake states and
// what differs in their record protection.
//
// A Core is sans-I/O: it is fed the bytes that arrive (Receive) and hands
// over the records to send (TakeOutput).
package conn

import (
	"crypto"
	"errors"
	"fmt"
	"hash"
	"strconv"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// StepApplication is the teaching step of application data, KeyUpdate and
// close_notify: the seventh in both versions.
const StepApplication = 7

// Phase is where a connection is in its life. The handshake's own states
// belong to the version; the core knows only whether it is done.
type Phase int

const (
	Handshaking Phase = iota // until both Finished messages are verified
	Established              // application data flows both ways
	Closed                   // this side sent close_notify
	Failed                   // a fatal alert was sent or received
)

// Handshake is what a version's handshake gives the core: its methods, as
// function values, so that they need not be part of its Conn's API. The
// optional ones may be nil.
type Handshake struct {
	// Step returns the teaching step of the handshake state the
	// connection is in.
	Step func() int
	// Suite returns the negotiated suite, or nil.
	Suite func() *suites.Suite
	// SendClientHello sends a client's first flight (Start).
	SendClientHello func() error
	// Message handles one whole handshake message.
	Message func(typ uint8, raw []byte) error
	// DiscardKeys overwrites with zeros every secret the version holds
	// beyond the two record protectors the core discards itself.
	DiscardKeys func()
	// CloseNotes are the trace values of Close: what was erased; both
	// says that the peer's close_notify came first, so every key went.
	CloseNotes func(both bool) []trace.Value

	// Screen, optional, sees each record before the core opens it, for
	// the version's own rules on records in the clear (TLS 1.2: the
	// header's version once agreed; TLS 1.3: the middlebox
	// ChangeCipherSpec). done means it handled the record.
	Screen func(rec record.Record) (done bool, err error)
	// ChangeCipherSpec, optional, handles the content of a
	// ChangeCipherSpec record that Screen let through (TLS 1.2); without
	// it such a record is unexpected.
	ChangeCipherSpec func(payload []byte) error
	// EarlyData, optional, handles application data that arrives before
	// the handshake is complete (a TLS 1.3 server's accepted 0-RTT data);
	// without it, or when it does not take the data, such data is unexpected.
	EarlyData func(rec record.Record, payload []byte) (bool, error)
	// Failing, optional, is called once, when the connection fails,
	// before the fatal alert is sent (TLS 1.2: the session is no longer
	// resumable).
	Failing func()
}

// Core is the part of a connection both versions share. Embed it and call
// Init before use.
type Core struct {
	hs       Handshake
	tls13    bool
	isClient bool
	actor    string
	trace    *trace.Recorder
	maxMsg   int // the longest handshake message accepted
	phase    Phase
	failStep int // the teaching step a failure belongs to, when the state does not tell

	inBuf, hsBuf []byte
	transcript   []byte // every handshake message so far, as sent and received
	out          []record.Out
	in, write    *record.Protector // nil until protection is on
	helloSent    bool              // a client's first record went out (RFC 8446, Section 5.1; RFC 5246, Appendix E.1)

	// skipEarly: a TLS 1.3 server that refused the client's 0-RTT data
	// drops the records it cannot decrypt, up to maxEarlySkipped bytes
	// (RFC 8446, Section 4.2.10).
	skipEarly       bool
	earlySkipped    int
	maxEarlySkipped int

	erasures  []Erasure
	onDiscard func() // called just before the keys are overwritten with zeros

	// th is the running hash of transcript[:thLen] with thAlg, so that a
	// transcript hash costs only the messages added since the last one.
	th    hash.Hash
	thAlg crypto.Hash
	thLen int

	ignored    int          // records in a row that carried nothing to act on (see Ignore)
	appData    [][]byte     // application data received and not yet taken
	received   []record.Out // every record received, named, in order
	peerClosed bool
	err        error
}

// Init makes c the core of a connection of version vers
// (suites.VersionTLS12 or suites.VersionTLS13) driven by hs. maxMessage
// bounds a handshake message.
func (c *Core) Init(hs Handshake, vers uint16, isClient bool, tr *trace.Recorder, maxMessage int) {
	c.hs, c.tls13, c.isClient, c.trace, c.maxMsg = hs, vers == suites.VersionTLS13, isClient, tr, maxMessage
	c.actor = trace.Server
	if isClient {
		c.actor = trace.Client
	}
}

// IsClient reports whether this is the client end.
func (c *Core) IsClient() bool { return c.isClient }

// Actor is trace.Client or trace.Server.
func (c *Core) Actor() string { return c.actor }

// Phase returns where the connection is in its life.
func (c *Core) Phase() Phase { return c.phase }

// CurrentStep returns the teaching step the connection is at: the step a
// record received or a failure belongs to.
func (c *Core) CurrentStep() int {
	if c.failStep != 0 {
		return c.failStep
	}
	if c.phase != Handshaking {
		return StepApplication
	}
	return c.hs.Step()
}

// FailAt says which teaching step a failure now belongs to, when the
// handshake state does not tell (a check that belongs to an earlier step).
func (c *Core) FailAt(step int) { c.failStep = step }

// Establish marks the handshake complete: application data may flow.
func (c *Core) Establish() { c.phase = Established }

// HandshakeComplete reports whether both Finished messages were verified.
func (c *Core) HandshakeComplete() bool { return c.phase == Established || c.phase == Closed }

// PeerClosed reports whether the peer sent close_notify.
func (c *Core) PeerClosed() bool { return c.peerClosed }

// Err returns the error that ended the connection, if any.
func (c *Core) Err() error { return c.err }

// Buffered returns how many received bytes wait for the rest of a record
// or of a handshake message.
func (c *Core) Buffered() int { return len(c.inBuf) + len(c.hsBuf) }

// PendingHandshake reports whether part of a handshake message is waiting
// for the rest of it.
func (c *Core) PendingHandshake() bool { return len(c.hsBuf) > 0 }

// TakeOutput returns the records waiting to be sent and forgets them.
func (c *Core) TakeOutput() []record.Out {
	o := c.out
	c.out = nil
	return o
}

// TakeReceived returns the records received since the last call, each
// named by what it carried (for a client whose server is elsewhere).
func (c *Core) TakeReceived() []record.Out {
	r := c.received
	c.received = nil
	return r
}

// TakeApplicationData returns the application data received so far.
func (c *Core) TakeApplicationData() [][]byte {
	d := c.appData
	c.appData = nil
	return d
}

// AddReceived lists a record the version handled itself (Screen) among
// the records received.
func (c *Core) AddReceived(rec record.Record, name string, encrypted bool) {
	c.received = append(c.received, record.Out{Wire: rec.Marshal(), Name: name, Step: c.CurrentStep(), Encrypted: encrypted})
}

// ReadKey returns the protector records are opened with, or nil.
func (c *Core) ReadKey() *record.Protector { return c.in }

// WriteKey returns the protector records are sealed with, or nil.
func (c *Core) WriteKey() *record.Protector { return c.write }

// SetReadKey opens every later record with p (nil: none). The old
// protector is not discarded: the caller decides.
func (c *Core) SetReadKey(p *record.Protector) { c.in = p }

// SetWriteKey seals every later record with p (nil: none). The old
// protector is not discarded: the caller decides.
func (c *Core) SetWriteKey(p *record.Protector) { c.write = p }

// HelloSent tells a client's core that its first ClientHello went out
// from another connection (package dual: a client that offered TLS 1.3
// as well), so its records no longer say TLS 1.0.
func (c *Core) HelloSent() { c.helloSent = true }

// SkipEarlyData turns on (or off) the skipping of 0-RTT records a TLS 1.3
// server refused, at most max bytes of them (RFC 8446, Section 4.2.10).
func (c *Core) SkipEarlyData(on bool, max int) { c.skipEarly, c.maxEarlySkipped = on, max }

// Start sends the client's first flight: the ClientHello.
func (c *Core) Start() error {
	if !c.isClient || c.helloSent || c.phase != Handshaking {
		return errors.New("tls: Start is for a new client connection")
	}
	return c.Fail(c.hs.SendClientHello())
}

// Erasure says what the connection overwrote with zeros, and at which
// teaching step.
type Erasure struct {
	Step int
	What []string
}

// Erasures lists what the connection has overwritten with zeros so far,
// in order.
func (c *Core) Erasures() []Erasure { return c.erasures }

// Erased records what the connection overwrote with zeros at step.
func (c *Core) Erased(step int, what []string) {
	c.erasures = append(c.erasures, Erasure{Step: step, What: what})
}

// Receive processes bytes from the peer: whole records are handled now, a
// partial one is kept for the next call. After an error the connection is
// dead and an alert is waiting in the output (unless the peer sent one).
func (c *Core) Receive(data []byte) error {
	if c.err != nil {
		return c.err
	}
	if err := record.Drain(&c.inBuf, data, c.readRecord); err != nil {
		return c.Fail(err)
	}
	return nil
}

// Fail makes err sticky, queues the fatal alert it carries (unless the
// peer sent it, or this side already closed its write direction), and
// discards every key. It returns the error, normalized to an alert; a nil
// err is nil.
func (c *Core) Fail(err error) error {
	if err == nil {
		return nil
	}
	step := c.CurrentStep()
	ae := alert.Normalize(err)
	closed := c.phase == Closed // our close_notify went out and our write key is gone: nothing more is sent
	if c.hs.Failing != nil {
		c.hs.Failing()
	}
	c.err, c.phase = ae, Failed
	if !ae.Received && !closed {
		c.SendAlert(alert.LevelFatal, ae.Alert, step)
	}
	c.trace.Failure(step, c.actor, ae.Alert.String(), ae.Received, ae)
	c.discardKeys()
	return c.err
}

// Ciphertext limits (RFC 5246, Section 6.2.3: 2^14 + 2048; RFC 8446,
// Section 5.2: 2^14 + 256).
const (
	maxCiphertext12 = record.MaxPlaintext + 2048
	maxCiphertext13 = record.MaxPlaintext + 256
)

// checkLength applies the record size limits of both versions: a record
// read in the clear carries at most 2^14 bytes (RFC 5246, Section 6.2.1;
// RFC 8446, Section 5.1), a protected one at most the version's ciphertext
// limit. In TLS 1.3 every application_data record is protected (or 0-RTT
// data being skipped, protected too); other types are in the clear.
func (c *Core) checkLength(rec record.Record) error {
	n := len(rec.Payload)
	protected := c.in != nil
	if c.tls13 {
		protected = rec.Type == record.TypeApplicationData
	}
	switch {
	case !protected && n > record.MaxPlaintext:
		return alert.New(alert.RecordOverflow, fmt.Sprintf("tls: plaintext record longer than 16384 bytes: a %s record of %d bytes in the clear (%s)",
			record.TypeName(rec.Type), n, c.cite("RFC 5246, Section 6.2.1", "RFC 8446, Section 5.1")))
	case protected && c.tls13 && n > maxCiphertext13:
		return alert.New(alert.RecordOverflow, fmt.Sprintf("tls: protected record of %d bytes is longer than 2^14 + 256 (RFC 8446, Section 5.2)", n))
	case protected && n > maxCiphertext12:
		return alert.New(alert.RecordOverflow, fmt.Sprintf("tls: protected record of %d bytes is longer than 2^14 + 2048 (RFC 5246, Section 6.2.3)", n))
	}
	return nil
}

// cite picks the version's reference.
func (c *Core) cite(tls12, tls13 string) string {
	if c.tls13 {
		return tls13
	}
	return tls12
}

// open removes the record's protection when it is on: TLS 1.2's (RFC
// 5246, Section 6.2.3.3) keeps the header's type, TLS 1.3's (RFC 8446,
// Section 5.2) finds the real one inside. Both refuse a plaintext over
// 2^14 bytes (record_overflow). skipped says the record was 0-RTT data
// dropped unread.
func (c *Core) open(rec record.Record) (typ uint8, payload []byte, skipped bool, err error) {
	if c.in == nil {
		if c.skipEarly && rec.Type == record.TypeApplicationData {
			return 0, nil, true, c.skipEarlyData(rec)
		}
		if c.tls13 && rec.Type == record.TypeApplicationData {
			return 0, nil, false, alert.New(alert.UnexpectedMessage, "tls: encrypted record before the keys were agreed")
		}
		return rec.Type, rec.Payload, false, nil
	}
	if !c.tls13 {
		plain, _, err := c.in.Open(rec)
		return rec.Type, plain, false, err
	}
	plain, inner, _, err := c.in.Open13(rec)
	if err != nil {
		if a, ok := alert.Of(err); ok && a == alert.BadRecordMAC && c.skipEarly {
			return 0, nil, true, c.skipEarlyData(rec)
		}
		return 0, nil, false, err
	}
	// The first record that opens under the handshake key starts the
	// client's second flight: no more early data (RFC 8446, Section 4.2.10).
	c.skipEarly = false
	return inner, plain, false, nil
}

// skipEarlyData drops a 0-RTT record that this server, which accepts no
// early data, cannot decrypt (RFC 8446, Section 4.2.10): after a
// HelloRetryRequest, every application_data record before the second
// ClientHello; otherwise each record that fails to open under the client's
// handshake key, until one opens. It counts as max_early_data_size does
// (Section 4.6.1: plaintext only), bounded from above: a record it cannot
// decrypt counts its ciphertext less the tag and the content type byte.
func (c *Core) skipEarlyData(rec record.Record) error {
	c.earlySkipped += max(len(rec.Payload)-record.TagLen-1, 0)
	if c.earlySkipped > c.maxEarlySkipped {
		return alert.New(alert.UnexpectedMessage, fmt.Sprintf(
			"tls: more than %d bytes of early data that cannot be decrypted: this server accepts no 0-RTT data and skips at most that much (RFC 8446, Section 4.2.10)", c.maxEarlySkipped))
	}
	step := c.CurrentStep()
	c.received = append(c.received, record.Out{Wire: rec.Marshal(), Name: "ApplicationData", Step: step})
	c.trace.Add(step, c.actor, "Skips a 0-RTT early data record it cannot decrypt",
		trace.Text("Record", fmt.Sprintf("application_data, %d bytes", len(rec.Payload)), "sealed under the client's early traffic key, which this server does not have: it accepts no early data"),
		trace.Text("Skipped so far", fmt.Sprintf("at most %d of %d bytes", c.earlySkipped, c.maxEarlySkipped), "RFC 8446, Section 4.2.10: skip up to a limit, then go on with the handshake"))
	return nil
}

// readRecord handles one record received, wire its bytes as they came
// (record.Drain: never written to).
func (c *Core) readRecord(rec record.Record, wire []byte) error {
	if err := c.checkLength(rec); err != nil {
		return err
	}
	if c.hs.Screen != nil {
		if done, err := c.hs.Screen(rec); done || err != nil {
			return err
		}
	}
	encrypted := c.in != nil
	typ, payload, skipped, err := c.open(rec)
	if skipped || err != nil {
		return err
	}
	c.received = append(c.received, record.Out{Wire: wire, Name: handshake.RecordName(typ, payload, len(c.hsBuf) > 0), Step: c.CurrentStep(), Encrypted: encrypted})
	switch typ {
	case record.TypeAlert:
		return c.readAlert(payload)
	case record.TypeChangeCipherSpec:
		if c.hs.ChangeCipherSpec == nil {
			return alert.New(alert.UnexpectedMessage, "tls: unexpected ChangeCipherSpec record")
		}
		return c.hs.ChangeCipherSpec(payload)
	case record.TypeHandshake:
		return c.readHandshake(payload)
	case record.TypeApplicationData:
		return c.readApplicationData(rec, wire, payload)
	}
	return alert.New(alert.UnexpectedMessage, "tls: unexpected record type "+record.TypeName(typ))
}

// readHandshake appends a record's handshake bytes and handles every whole
// message they complete; a message may span records (RFC 5246, Section
// 6.2.1; RFC 8446, Section 5.1).
func (c *Core) readHandshake(payload []byte) error {
	if len(payload) == 0 {
		return alert.New(alert.UnexpectedMessage, "tls: empty handshake record")
	}
	c.hsBuf = append(c.hsBuf, payload...)
	for c.phase != Failed {
		mt, raw, n, err := handshake.Split(c.hsBuf, c.maxMsg)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		c.hsBuf = c.hsBuf[n:]
		if c.tls13 && len(c.hsBuf) > 0 && precedesKeyChange(mt) {
			return alert.New(alert.UnexpectedMessage, fmt.Sprintf(
				"tls: %s is followed by more handshake bytes in its record: handshake messages must not span a key change (RFC 8446, Section 5.1)", handshake.TypeName(mt)))
		}
		if err := c.hs.Message(mt, raw); err != nil {
			return err
		}
	}
	return nil
}

// precedesKeyChange reports whether a TLS 1.3 message of type t can be the
// last one under the current read key, and must therefore end its record
// (RFC 8446, Section 5.1: ClientHello, EndOfEarlyData, ServerHello,
// Finished and KeyUpdate). A HelloRetryRequest changes no key but is a
// ServerHello, and a ClientHello answered by one is a ClientHello: the
// rule holds for them too, as the RFC words it for the message types.
func precedesKeyChange(t uint8) bool {
	switch t {
	case handshake.TypeClientHello, handshake.TypeServerHello, handshake.TypeFinished,
		handshake.TypeKeyUpdate, handshake.TypeEndOfEarlyData:
		return true
	}
	return false
}

// readApplicationData takes application data: after the handshake (and,
// after our own close_notify, until the peer's: RFC 5246, Section 7.2.1;
// RFC 8446, Section 6.1), or as the version allows before it.
func (c *Core) readApplicationData(rec record.Record, wire, payload []byte) error {
	if !c.HandshakeComplete() {
		if c.hs.EarlyData != nil {
			if took, err := c.hs.EarlyData(rec, payload); took || err != nil {
				return err
			}
		}
		return alert.New(alert.UnexpectedMessage, "tls: application data before the handshake finished")
	}
	if c.in == nil {
		return alert.New(alert.UnexpectedMessage, "tls: application data in the clear")
	}
	// An empty record is allowed (RFC 5246, Section 6.2.1; RFC 8446,
	// Section 5.1: a traffic analysis countermeasure) but carries nothing:
	// it counts toward maxIgnored, and is still shown.
	if len(payload) == 0 {
		if err := c.Ignore("an empty application data record"); err != nil {
			return err
		}
	} else {
		c.ignored = 0
		c.appData = append(c.appData, payload)
	}
	if c.trace == nil {
		return nil
	}
	n := c.notes()
	c.trace.Add(StepApplication, c.actor, "Receives, authenticates and decrypts application data",
		trace.Frozen("Record received", wire, n.received),
		trace.Check(n.tagName, true, "the tag matches: the record is authentic and unchanged"),
		trace.Text("Decrypted", string(payload), strconv.Itoa(len(payload))+" bytes"))
	return nil
}

// readAlert handles an alert (RFC 5246, Section 7.2; RFC 8446, Section 6).
func (c *Core) readAlert(p []byte) error {
	if len(p) != 2 {
		return alert.New(alert.DecodeError, "tls: malformed alert record")
	}
	a := alert.Alert(p[1])
	if a == alert.CloseNotify {
		c.peerClosed = true
		c.trace.Add(StepApplication, c.actor, "Receives close_notify: the peer will send nothing more")
		if !c.HandshakeComplete() {
			return &alert.Error{Alert: a, Received: true, Msg: "tls: peer closed the connection before the handshake finished"}
		}
		c.in.Discard()
		if c.phase == Closed {
			c.discardKeys()
		}
		return nil
	}
	// TLS 1.2 ignores warnings other than close_notify (handshake_failure
	// is fatal whatever its level); every other alert is fatal in TLS 1.3
	// (RFC 8446, Section 6.2).
	if !c.tls13 && alert.Level(p[0]) == alert.LevelWarning && a != alert.HandshakeFailure {
		return c.Ignore("a warning alert")
	}
	return &alert.Error{Alert: a, Received: true, Msg: "tls: the peer sent the alert " + a.String()}
}

// maxIgnored bounds the records in a row that carry nothing: warning
// alerts, empty application data, HelloRequests and renegotiating
// ClientHellos refused. The RFCs set no bound; without one a peer could
// keep a connection busy, and have this end answer each refusal, forever.
// crypto/tls uses the same bound (maxUselessRecords).
const maxIgnored = 16

// Ignore counts one more record that carried nothing to act on, and fails
// past maxIgnored in a row.
func (c *Core) Ignore(what string) error {
	c.ignored++
	if c.ignored > maxIgnored {
		return alert.New(alert.UnexpectedMessage, fmt.Sprintf("tls: more than %d records in a row carried nothing to act on (the last: %s)", maxIgnored, what))
	}
	return nil
}

// Transcript returns the handshake messages so far (RFC 5246, Section
// 7.4.9; RFC 8446, Section 4.4.1), the very slice.
func (c *Core) Transcript() []byte { return c.transcript }

// AddTranscript appends a handshake message to the transcript.
// The first message makes room for a whole handshake (about 1 to 2 KB
// past the ClientHello, more with a long chain).
func (c *Core) AddTranscript(raw []byte) {
	if c.transcript == nil {
		c.transcript = make([]byte, 0, len(raw)+2048)
	}
	c.transcript = append(c.transcript, raw...)
}

// SetTranscript replaces the transcript (TLS 1.3's HelloRetryRequest puts
// a message_hash in place of the first ClientHello, RFC 8446, Section
// 4.4.1).
func (c *Core) SetTranscript(t []byte) { c.transcript, c.th = t, nil }

// TranscriptHash is Hash(handshake messages so far) with the suite's hash.
// The hash runs along the transcript (Sum leaves its state as it was), as
// crypto/tls keeps it: each call hashes only what was added since.
func (c *Core) TranscriptHash() []byte {
	alg := c.hs.Suite().Hash
	if c.th == nil || c.thAlg != alg || c.thLen > len(c.transcript) {
		c.th, c.thAlg, c.thLen = alg.New(), alg, 0
	}
	c.th.Write(c.transcript[c.thLen:])
	c.thLen = len(c.transcript)
	return c.th.Sum(nil)
}

// Expect calls read with a message of type want, and refuses any other as
// unexpected_message.
func Expect(got, want uint8, raw []byte, read func([]byte) error) error {
	if got != want {
		return handshake.ErrUnexpected(got, handshake.TypeName(want))
	}
	return read(raw)
}

// SendHandshake adds a handshake message to the transcript and queues it,
// one message per record (fragmented if longer than a record), protected
// once the write key is on. It returns the wire bytes.
func (c *Core) SendHandshake(raw []byte, name string, step int) []byte {
	c.AddTranscript(raw)
	var wire []byte
	for off := 0; off < len(raw); off += record.MaxPlaintext {
		end := min(off+record.MaxPlaintext, len(raw))
		w, _ := c.queue(record.TypeHandshake, raw[off:end], name, step)
		if off == 0 && end == len(raw) {
			wire = w // one record: its own bytes, which nothing writes to again
			break
		}
		wire = append(wire, w...)
	}
	c.helloSent = c.helloSent || c.isClient
	return wire
}

// Queue protects (once the write key is on) and queues one record of at
// most 2^14 bytes; it returns its wire bytes.
func (c *Core) Queue(typ uint8, payload []byte, name string, step int) []byte {
	w, _ := c.queue(typ, payload, name, step)
	return w
}

// QueueDetail is Queue that also says what went into the protection.
func (c *Core) QueueDetail(typ uint8, payload []byte, name string, step int) ([]byte, record.Detail) {
	return c.queue(typ, payload, name, step)
}

func (c *Core) queue(typ uint8, payload []byte, name string, step int) ([]byte, record.Detail) {
	var rec record.Record
	var d record.Detail
	switch {
	case c.write == nil:
		rec = record.Record{Type: typ, Version: record.VersionTLS12, Payload: payload}
		if c.isClient && !c.helloSent {
			// The client's first records say TLS 1.0: many servers expect
			// it (RFC 5246, Appendix E.1; RFC 8446, Section 5.1:
			// legacy_record_version of the first ClientHello).
			rec.Version = record.VersionTLS10
		}
	case c.tls13:
		rec, d = c.write.Seal13(typ, payload, 0)
	default:
		rec, d = c.write.Seal(typ, record.VersionTLS12, payload)
	}
	w := rec.Marshal()
	c.out = append(c.out, record.Out{Wire: w, Name: name, Step: step, Encrypted: c.write != nil})
	return w, d
}

// SendAlert queues an alert.
func (c *Core) SendAlert(level alert.Level, a alert.Alert, step int) {
	c.Queue(record.TypeAlert, []byte{byte(level), byte(a)}, "Alert", step)
}

// Write sends application data, split into records of at most 16384 bytes.
// It returns what went into each record, for the trace.
func (c *Core) Write(p []byte) ([]record.Detail, error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.phase != Established {
		return nil, errors.New("tls: cannot send application data: the handshake has not finished or the connection is closed")
	}
	var details []record.Detail
	for off := 0; off < len(p) || off == 0; off += record.MaxPlaintext {
		end := min(off+record.MaxPlaintext, len(p))
		w, d := c.queue(record.TypeApplicationData, p[off:end], "ApplicationData", StepApplication)
		details = append(details, d)
		if c.trace != nil {
			n := c.notes()
			seq := n.seq
			if len(d.ExplicitNonce) > 0 {
				seq = n.seqExplicit
			}
			c.trace.Add(StepApplication, c.actor, "Encrypts and sends application data",
				trace.Text("Plaintext", string(p[off:end]), strconv.Itoa(end-off)+" bytes"),
				trace.Text("Sequence number", strconv.FormatUint(d.Seq, 10), seq),
				trace.Hex("Nonce", d.Nonce, n.nonce),
				trace.Hex("Additional data", d.AAD, n.aad),
				trace.Hex("Ciphertext", d.Ciphertext, n.ciphertext),
				trace.Hex("Tag", d.Tag, n.tag),
				trace.Frozen("Record on the wire", w, n.wire))
		}
		if len(p) == 0 {
			break
		}
	}
	return details, nil
}

// Close sends close_notify and overwrites this side's write key with zeros;
// once the peer's close_notify has come too, every key.
func (c *Core) Close() error {
	if c.err != nil {
		return c.err
	}
	if c.phase == Closed {
		return nil
	}
	c.SendAlert(alert.LevelWarning, alert.CloseNotify, StepApplication)
	c.phase = Closed
	c.write.Discard()
	if c.peerClosed {
		c.discardKeys()
	}
	c.trace.Add(StepApplication, c.actor, "Sends close_notify and discards its keys", c.hs.CloseNotes(c.peerClosed)...)
	return nil
}

// OnDiscard has the connection call f just before it overwrites its keys
// and secrets with zeros (once both sides closed, or when it fails): a
// caller that shows them takes its copy then, rather than after every
// record.
func (c *Core) OnDiscard(f func()) { c.onDiscard = f }

// discardKeys drops both record protectors and the version's secrets.
func (c *Core) discardKeys() {
	if c.onDiscard != nil {
		c.onDiscard()
	}
	c.write.Discard()
	c.in.Discard()
	c.hs.DiscardKeys()
}
