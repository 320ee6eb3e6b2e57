package decrypt

import (
	"bytes"
	"crypto"
	"encoding/binary"
	"fmt"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/prf"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// Record is one TLS record as it crossed the wire, header included.
type Record struct {
	FromClient bool
	Wire       []byte
}

// RecordResult is what reading one record gave.
type RecordResult struct {
	FromClient bool
	Type       uint8 // content type in the record header
	// ContentType is the real content type: the inner one of a TLS 1.3
	// record (RFC 8446, Section 5.2), the header's otherwise; 0 when the
	// record could not be decrypted.
	ContentType uint8
	Encrypted   bool // the fragment is protected
	// Plaintext is the decrypted fragment as the analyzer reads it (nil when
	// not encrypted or not decrypted): TLS 1.3 the whole TLSInnerPlaintext
	// (content, type byte, zero padding); TLS 1.2 CBC content, MAC, padding
	// and padding_length (with encrypt_then_mac the MAC is outside, after
	// the ciphertext); TLS 1.2 AEAD the content.
	Plaintext []byte
	Content   []byte   // the content alone: the decrypted content, or the fragment of a record in the clear
	Key       string   // the secret whose key opened it: "server_handshake_traffic_secret", "client_application_traffic_secret_1", "client write key (master secret)"
	Seq       uint64   // its sequence number under that key
	Messages  []string // the handshake messages that start in this record: "ClientHello", "HelloRetryRequest", "Finished", …
	Err       string   // why it was not decrypted (lower case, specific); empty when it was, or needed no decryption
	Note      string   // what else a reader should know: "middlebox compatibility ChangeCipherSpec", "0-RTT early data"
}

// Finished is one Finished check: verify_data recomputed from the key log
// and the transcript, beside the one the peer sent.
type Finished struct {
	Side     string `json:"side"`     // "client" or "server"
	Expected string `json:"expected"` // hex, recomputed
	Got      string `json:"got"`      // hex, from the message
	OK       bool   `json:"ok"`
	How      string `json:"how"` // the formula, for the page
}

// Result is a recorded connection read with a key log.
type Result struct {
	Version        uint16 // negotiated: supported_versions (RFC 8446, Section 4.2.1), else ServerHello.legacy_version; 0 before ServerHello
	Suite          uint16
	SuiteName      string
	ClientRandom   []byte
	ServerRandom   []byte
	SNI            string
	Group          string // the key exchange group: the ServerHello's key_share (TLS 1.3), the ServerKeyExchange's named curve (TLS 1.2 ECDHE)
	HelloRetry     bool
	EarlyData      bool // the client offered 0-RTT data
	EarlyAccepted  bool // the server accepted it (early_data in EncryptedExtensions)
	EMS            bool // TLS 1.2 extended master secret (RFC 7627)
	EncryptThenMAC bool // TLS 1.2 encrypt_then_mac (RFC 7366) with a CBC suite
	Records        []RecordResult
	Finished       []Finished
	KeySchedule    []trace.KSNode
	Problems       []string
}

// VersionName names the negotiated version ("TLS 1.3"), or "" before ServerHello.
func (r *Result) VersionName() string {
	if r.Version == 0 {
		return ""
	}
	return handshake.VersionName(r.Version)
}

const (
	server = 0
	client = 1
	// maxHandshakeMessage bounds one reassembled handshake message: a
	// certificate chain of a real site is a few KB; 2^24-1 is what the
	// length field allows (RFC 8446, Section 4).
	maxHandshakeMessage = 1 << 20
)

var sideName = [2]string{"server", "client"}

func sideOf(fromClient bool) int {
	if fromClient {
		return client
	}
	return server
}

// direction is one side's sending state as the reader follows it.
type direction struct {
	cur     *readKey // the key its next record should open under
	pending *readKey // TLS 1.2: the key ChangeCipherSpec switches to
	early   *readKey // client: 0-RTT key, tried while early data may still come (RFC 8446, Section 4.2.10)
	on      bool     // TLS 1.2: ChangeCipherSpec seen
	why     string   // why there is no key, for the records that stay encrypted
	hsBuf   []byte
	hsStart int
	appSec  []byte // TLS 1.3: the current application traffic secret
	appGen  int
	finKey  []byte // TLS 1.3: finished_key
}

type conn struct {
	kl       KeyLog
	res      *Result
	prot     *suites.Protection
	suite13  *suites.Suite
	dirs     [2]direction
	chSeen   bool
	stopped  bool // a second handshake (renegotiation) the reader does not follow
	trans    [][]byte
	transEnd bool
	master   []byte
	nodes    []trace.KSNode
	problems []string
	said     map[string]bool
	finished [2]bool
	usedHS   bool  // a client record opened under the client handshake key: no more early data
	early    []int // the records of 0-RTT data
	// rsaPending: no CLIENT_RANDOM line, but the key log has RSA lines,
	// looked up by the ClientKeyExchange.
	rsaPending bool
}

// Connection reads one recorded connection: records in the order they
// crossed the wire (both directions interleaved), and a key log. It never
// fails: what it cannot do is said in the record's Err and in Problems.
func Connection(records []Record, kl KeyLog) *Result {
	c := &conn{kl: kl, res: &Result{Records: make([]RecordResult, len(records))}, said: map[string]bool{}}
	for i, r := range records {
		c.record(i, r)
	}
	c.end()
	c.res.KeySchedule = c.nodes
	if c.res.KeySchedule == nil {
		c.res.KeySchedule = []trace.KSNode{}
	}
	c.res.Problems = c.problems
	return c.res
}

func (c *conn) problem(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	if !c.said[p] {
		c.said[p] = true
		c.problems = append(c.problems, p)
	}
}

func (c *conn) tls13() bool { return c.res.Version == suites.VersionTLS13 }

// randomText is the client random as the problems name it: the first
// bytes, enough to find the line in a key log.
func (c *conn) randomText() string {
	r := c.res.ClientRandom
	if len(r) > 8 {
		return trace.HexString(r[:8]) + "…"
	}
	return trace.HexString(r)
}

func (c *conn) record(i int, r Record) {
	res := &c.res.Records[i]
	res.FromClient = r.FromClient
	w := r.Wire
	if len(w) < record.HeaderLen {
		res.Err = fmt.Sprintf("truncated record: %d bytes, fewer than the 5-byte header", len(w))
		return
	}
	typ := w[0]
	res.Type = typ
	n := int(binary.BigEndian.Uint16(w[3:]))
	if len(w) < record.HeaderLen+n {
		res.Err = fmt.Sprintf("truncated record: the header promises %d bytes, %d are there (the capture ends inside it)", n, len(w)-record.HeaderLen)
		return
	}
	hdr, payload := w[:record.HeaderLen], w[record.HeaderLen:record.HeaderLen+n]
	side := sideOf(r.FromClient)
	d := &c.dirs[side]

	encrypted := false
	switch {
	case c.tls13():
		encrypted = typ == record.TypeApplicationData
	case c.res.Version == 0 && side == client && c.res.EarlyData && typ == record.TypeApplicationData:
		encrypted = true // 0-RTT data before ServerHello
	case d.on:
		encrypted = true
	}
	content := payload
	if encrypted {
		res.Encrypted = true
		o, name, note, err := c.open(side, hdr, payload)
		res.Note = note
		if note != "" && side == client {
			c.early = append(c.early, i) // whether the server took it is known later
		}
		if err != "" {
			res.Err = err
			return
		}
		res.Plaintext, res.Content, res.ContentType, res.Key, res.Seq = o.plain, o.content, o.typ, name, o.seq
		typ, content = o.typ, o.content
	} else {
		res.Content, res.ContentType = payload, typ
	}
	if c.stopped {
		if typ == record.TypeChangeCipherSpec && !c.tls13() {
			d.on = true // what follows is encrypted, even if this reader cannot open it
		}
		return
	}
	switch typ {
	case record.TypeHandshake:
		c.handshakeData(i, side, content)
	case record.TypeChangeCipherSpec:
		if c.tls13() || c.res.Version == 0 { // TLS 1.2 sends none before ServerHello
			res.Note = "middlebox compatibility ChangeCipherSpec (RFC 8446, Appendix D.4): sent in the clear and ignored"
			return
		}
		d.on, d.cur = true, d.pending
		if d.cur == nil && d.why == "" {
			d.why = "not decrypted: no keys for this connection"
		}
	case record.TypeAlert:
		if len(content) == 2 {
			res.Note = fmt.Sprintf("alert: %s", alert.Alert(content[1]))
		}
	}
}

// open removes the protection of one record: under the direction's current
// key, or, for the client while 0-RTT data may still come, under the early
// traffic key (RFC 8446, Section 4.2.10: a server that rejected early data
// skips the records that do not open under its handshake key).
func (c *conn) open(side int, hdr, payload []byte) (o opened, key, note, errText string) {
	d := &c.dirs[side]
	var firstErr error
	if d.cur != nil {
		o, err := d.cur.try(hdr, payload)
		if err == nil {
			if side == client && d.cur.name == "client_handshake_traffic_secret" {
				c.usedHS, d.early = true, nil
			}
			return o, d.cur.name, "", ""
		}
		firstErr = err
	}
	earlyPossible := side == client && c.res.EarlyData && !c.usedHS && !c.finished[client]
	if d.early != nil && earlyPossible {
		if o, err := d.early.try(hdr, payload); err == nil {
			return o, d.early.name, "0-RTT early data (RFC 8446, Section 4.2.10)", ""
		}
	}
	if earlyPossible && d.early == nil {
		return opened{}, "", "0-RTT early data (RFC 8446, Section 4.2.10)", "not decrypted: 0-RTT early data, and the key log has no CLIENT_EARLY_TRAFFIC_SECRET for this connection"
	}
	if d.cur == nil {
		why := d.why
		if why == "" {
			why = "not decrypted: no keys for this connection"
		}
		return opened{}, "", "", why
	}
	if c.stopped && c.res.Version == suites.VersionTLS12 {
		return opened{}, "", "", "not decrypted: it belongs to the second handshake (renegotiation), which this reader does not follow"
	}
	label := labelOf(d.cur.name)
	c.problem("the %s's records do not decrypt under the key log's %s: that line belongs to another connection, or the records were changed", sideName[side], label)
	return opened{}, "", "", fmt.Sprintf("does not decrypt under %s (%s): %v", d.cur.name, label, short(firstErr))
}

// labelOf names the key log line a key came from.
func labelOf(name string) string {
	switch name {
	case "client_handshake_traffic_secret":
		return LabelClientHandshake
	case "server_handshake_traffic_secret":
		return LabelServerHandshake
	case "client_early_traffic_secret":
		return LabelClientEarlyTraffic
	case "client write key (master secret)", "server write key (master secret)":
		return LabelClientRandom
	}
	for _, p := range []struct{ pre, label string }{{"client_application_traffic_secret_", clientTrafficPrefix}, {"server_application_traffic_secret_", serverTrafficPrefix}} {
		var n int
		if _, err := fmt.Sscanf(name, p.pre+"%d", &n); err == nil {
			if n == 0 {
				return p.label + "0"
			}
			return fmt.Sprintf("%s0 (generation %d, after KeyUpdate)", p.label, n)
		}
	}
	return name
}

// short gives a record-layer error without its "tls: " prefix and alert.
func short(err error) string {
	if err == nil {
		return ""
	}
	if ae, ok := err.(*alert.Error); ok {
		if ae.Alert == alert.BadRecordMAC {
			return "the authentication tag does not match"
		}
		return ae.Msg
	}
	return err.Error()
}

// handshakeData reassembles handshake messages across records (RFC 8446,
// Section 5.1; RFC 5246, Section 6.2.1) and hands each whole one on, named
// in the record where it starts.
func (c *conn) handshakeData(i, side int, data []byte) {
	d := &c.dirs[side]
	if len(d.hsBuf) == 0 {
		d.hsStart = i
	}
	d.hsBuf = append(d.hsBuf, data...)
	for len(d.hsBuf) >= handshake.HeaderLen {
		n := int(d.hsBuf[1])<<16 | int(d.hsBuf[2])<<8 | int(d.hsBuf[3])
		if n > maxHandshakeMessage {
			c.problem("the %s sent a %s message of %d bytes: more than this reader follows (%d); the rest of the handshake is not read", sideName[side], handshake.TypeName(d.hsBuf[0]), n, maxHandshakeMessage)
			d.hsBuf = nil
			return
		}
		if len(d.hsBuf) < handshake.HeaderLen+n {
			return
		}
		msg := append([]byte(nil), d.hsBuf[:handshake.HeaderLen+n]...)
		d.hsBuf = d.hsBuf[handshake.HeaderLen+n:]
		c.message(d.hsStart, side, msg)
		d.hsStart = i
		if c.stopped {
			return
		}
	}
}

func (c *conn) addTranscript(raw []byte) {
	if !c.transEnd {
		c.trans = append(c.trans, raw)
	}
}

func (c *conn) transcriptHash(h crypto.Hash) []byte {
	hh := h.New()
	for _, m := range c.trans {
		hh.Write(m)
	}
	return hh.Sum(nil)
}

func (c *conn) message(at, side int, raw []byte) {
	typ := raw[0]
	name := handshake.TypeName(typ)
	if typ == handshake.TypeServerHello && len(raw) >= 38 && bytes.Equal(raw[6:38], handshake.HelloRetryRandom) {
		name = "HelloRetryRequest"
	}
	c.res.Records[at].Messages = append(c.res.Records[at].Messages, name)
	if _, known := knownTypes[typ]; !known {
		c.problem("the %s sent a handshake message of unknown type %d: the capture is damaged, or the peer speaks an extension of TLS this reader does not know", sideName[side], typ)
	}
	switch typ {
	case handshake.TypeHelloRequest:
		// Not part of the transcript (RFC 5246, Section 7.4.1.1).
	case handshake.TypeClientHello:
		c.clientHello(raw)
	case handshake.TypeServerHello:
		c.serverHello(raw)
	case handshake.TypeEncryptedExtensions:
		c.addTranscript(raw)
		if exts, ok := encryptedExtensions(raw); ok {
			_, c.res.EarlyAccepted = handshake.Find(exts, handshake.ExtEarlyData)
		}
	case handshake.TypeEndOfEarlyData:
		c.addTranscript(raw)
		c.dirs[client].early = nil
	case handshake.TypeServerKeyExchange:
		c.addTranscript(raw)
		// ECParameters: curve_type named_curve (3), then the curve (RFC 8422, Section 5.4).
		if b := raw[handshake.HeaderLen:]; len(b) >= 3 && b[0] == handshake.CurveTypeNamedCurve {
			c.res.Group = kx.NameOf(binary.BigEndian.Uint16(b[1:]))
		}
	case handshake.TypeClientKeyExchange:
		c.addTranscript(raw)
		if c.master == nil && c.prot != nil && !c.tls13() {
			c.rsaPreMaster(raw)
		}
	case handshake.TypeFinished:
		if c.tls13() {
			c.finished13(side, raw)
		} else {
			c.finished12(side, raw)
		}
	case handshake.TypeKeyUpdate:
		if c.tls13() {
			c.keyUpdate(side)
		}
	case handshake.TypeNewSessionTicket:
		if !c.tls13() { // TLS 1.3 tickets come after the handshake (RFC 8446, Section 4.6.1)
			c.addTranscript(raw)
		}
	default:
		c.addTranscript(raw)
	}
}

// knownTypes are the handshake types of TLS 1.2 and 1.3 (RFC 8446,
// Section 4; RFC 5246, Section 7.4); others are reported.
var knownTypes = map[uint8]struct{}{
	handshake.TypeHelloRequest: {}, handshake.TypeClientHello: {}, handshake.TypeServerHello: {}, handshake.TypeNewSessionTicket: {},
	handshake.TypeEndOfEarlyData: {}, handshake.TypeEncryptedExtensions: {}, handshake.TypeCertificate: {}, handshake.TypeServerKeyExchange: {},
	handshake.TypeCertificateRequest: {}, handshake.TypeServerHelloDone: {}, handshake.TypeCertificateVerify: {}, handshake.TypeClientKeyExchange: {},
	handshake.TypeFinished: {}, handshake.TypeKeyUpdate: {}, 22 /* certificate_status, RFC 6066 */ : {}, 25 /* compressed_certificate, RFC 8879 */ : {},
	67 /* next_protocol (NPN draft) */ : {},
}

func encryptedExtensions(raw []byte) ([]handshake.Extension, bool) {
	b := raw[handshake.HeaderLen:]
	if len(b) < 2 || int(binary.BigEndian.Uint16(b)) != len(b)-2 {
		return nil, false
	}
	var exts []handshake.Extension
	for b = b[2:]; len(b) >= 4; {
		t, n := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
		if len(b) < 4+n {
			return nil, false
		}
		exts = append(exts, handshake.Extension{Type: t, Data: b[4 : 4+n]})
		b = b[4+n:]
	}
	return exts, len(b) == 0
}

func (c *conn) clientHello(raw []byte) {
	if c.chSeen && !c.res.HelloRetry || c.chSeen && c.res.HelloRetry && c.res.ServerRandom != nil {
		c.problem("a second handshake (renegotiation, RFC 5746) starts here: this reader does not follow it; later records are shown as they are")
		c.stopped = true
		return
	}
	ch, err := handshake.UnmarshalClientHello(raw)
	if err != nil {
		c.problem("the ClientHello does not parse (%v): the connection cannot be read", short(err))
		c.stopped = true
		return
	}
	c.addTranscript(raw)
	if c.chSeen { // the second ClientHello, after HelloRetryRequest
		if !bytes.Equal(ch.Random, c.res.ClientRandom) {
			c.problem("the second ClientHello has another random than the first (RFC 8446, Section 4.1.2 wants the same)")
		}
		if _, ok := handshake.Find(ch.Extensions, handshake.ExtEarlyData); ok {
			c.problem("the second ClientHello offers early data again: RFC 8446, Section 4.1.2 forbids it after HelloRetryRequest")
		}
		return
	}
	c.chSeen = true
	c.res.ClientRandom = ch.Random
	if sni, ok := handshake.Find(ch.Extensions, handshake.ExtServerName); ok {
		c.res.SNI, _ = handshake.ParseServerName(sni)
	}
	_, c.res.EarlyData = handshake.Find(ch.Extensions, handshake.ExtEarlyData)
	switch {
	case len(c.kl.Entries) == 0:
		c.problem("no key log: the encrypted records stay encrypted; give the key log this connection's client or server wrote (SSLKEYLOGFILE)")
	case !c.kl.HasRandom(ch.Random) && !c.kl.hasLabel(LabelRSA):
		c.problem("no key log line for client random %s: the key log is from another connection", c.randomText())
	}
	why := "not decrypted: no key log line for this connection's client random"
	if len(c.kl.Entries) == 0 {
		why = "not decrypted: no key log"
	}
	c.dirs[client].why, c.dirs[server].why = why, why
	if c.res.EarlyData {
		if s := c.kl.Find(LabelClientEarlyTraffic, ch.Random); s != nil {
			c.dirs[client].early = c.earlyKey(s)
		}
		if s := c.kl.Find(LabelEarlyExporter, ch.Random); s != nil {
			c.nodes = append(c.nodes, trace.Node("early_exporter", "early_exporter_master_secret", s, true, "from the key log: "+LabelEarlyExporter))
		}
	}
}

// earlyKey opens 0-RTT records. Their suite is the one of the PSK, which
// the ClientHello does not name (RFC 8446, Section 4.2.10), so the first
// record that opens under one of the TLS 1.3 suites with the secret's hash
// fixes it.
func (c *conn) earlyKey(secret []byte) *readKey {
	var chosen *readKey
	var cands []*readKey
	for _, s := range suites.TLS13 {
		if s.Hash.Size() != len(secret) {
			continue
		}
		sch := tls13.NewSchedule(s)
		k := sch.Keys(s, secret, "c_e", "client early")
		rk, err := key13("client_early_traffic_secret", s.AEAD, k.Key, k.IV)
		if err != nil {
			continue
		}
		cands = append(cands, rk)
		nodes := sch.Nodes
		rk.open = wrapOnce(rk.open, func() {
			if chosen == nil {
				c.nodes = append(c.nodes, trace.Node("c_e", "client_early_traffic_secret", secret, true, "from the key log: "+LabelClientEarlyTraffic))
				c.nodes = append(c.nodes, nodes...)
			}
		})
	}
	return &readKey{name: "client_early_traffic_secret", open: func(hdr, payload []byte, _ uint64) (opened, error) {
		if chosen != nil {
			return chosen.try(hdr, payload)
		}
		var last error = fmt.Errorf("no TLS 1.3 suite has a %d-byte hash", len(secret))
		for _, k := range cands {
			o, err := k.try(hdr, payload)
			if err == nil {
				chosen = k
				return o, nil
			}
			last = err
		}
		return opened{}, last
	}}
}

// wrapOnce calls first before the first successful open.
func wrapOnce(open func([]byte, []byte, uint64) (opened, error), first func()) func([]byte, []byte, uint64) (opened, error) {
	done := false
	return func(h, p []byte, seq uint64) (opened, error) {
		o, err := open(h, p, seq)
		if err == nil && !done {
			done = true
			first()
		}
		return o, err
	}
}

func (c *conn) serverHello(raw []byte) {
	sh, err := handshake.UnmarshalServerHello(raw)
	if err != nil {
		c.problem("the ServerHello does not parse (%v): the connection cannot be read", short(err))
		c.stopped = true
		return
	}
	version := sh.Version
	if v, ok := handshake.Find(sh.Extensions, handshake.ExtSupportedVersions); ok && len(v) == 2 {
		version = binary.BigEndian.Uint16(v)
	}
	c.res.Suite, c.res.SuiteName = sh.CipherSuite, suites.NameOf(sh.CipherSuite)
	c.prot = suites.ProtectionOf(sh.CipherSuite)
	if c.prot != nil {
		c.res.SuiteName = c.prot.Name
	}
	if bytes.Equal(sh.Random, handshake.HelloRetryRandom) {
		// RFC 8446, Section 4.4.1: the first ClientHello is replaced in the
		// transcript by message_hash, Hash(ClientHello1).
		c.res.HelloRetry = true
		if c.prot == nil || c.prot.Version != suites.VersionTLS13 || len(c.trans) != 1 {
			c.problem("the HelloRetryRequest names %s: this reader cannot follow the handshake", c.res.SuiteName)
			c.stopped = true
			return
		}
		h := c.prot.Hash.New()
		h.Write(c.trans[0])
		sum := h.Sum(nil)
		c.trans = [][]byte{append([]byte{handshake.TypeMessageHash, 0, 0, byte(len(sum))}, sum...), raw}
		return
	}
	c.res.Version = version
	c.res.ServerRandom = sh.Random
	if ks, ok := handshake.Find(sh.Extensions, handshake.ExtKeyShare); ok {
		if e, ok := handshake.ParseServerKeyShare(ks); ok {
			c.res.Group = kx.NameOf(e.Group)
		}
	}
	c.addTranscript(raw)
	switch {
	case version != suites.VersionTLS12 && version != suites.VersionTLS13:
		c.problem("the server chose %s: this reader decrypts TLS 1.2 and TLS 1.3 only", handshake.VersionName(version))
		c.setWhy("not decrypted: " + handshake.VersionName(version) + " is not read here")
		c.stopped = true
	case c.prot == nil:
		c.problem("the server chose %s, whose records this reader cannot decrypt: the handshake before encryption is shown, the rest stays encrypted", c.res.SuiteName)
		c.setWhy("not decrypted: " + c.res.SuiteName + " is not supported here")
	case c.prot.Version != version:
		c.problem("the server chose %s with %s: that suite belongs to the other version", c.res.SuiteName, handshake.VersionName(version))
		c.setWhy("not decrypted: the suite does not belong to the version")
		c.prot = nil
	case version == suites.VersionTLS13:
		c.setup13()
	default:
		c.setup12(sh)
	}
}

func (c *conn) setWhy(why string) {
	c.dirs[client].why, c.dirs[server].why = why, why
}

// secret13 reads a TLS 1.3 traffic secret from the key log and checks its
// length against the suite's hash.
func (c *conn) secret13(label string) []byte {
	s := c.kl.Find(label, c.res.ClientRandom)
	if s == nil {
		if c.kl.HasRandom(c.res.ClientRandom) {
			c.problem("the key log has no %s line for client random %s: what it protects stays encrypted", label, c.randomText())
		}
		return nil
	}
	if len(s) != c.prot.Hash.Size() {
		c.problem("the key log's %s is %d bytes, but %s needs %d (%s): the line belongs to another connection", label, len(s), c.prot.Name, c.prot.Hash.Size(), c.suite13.HashName())
		return nil
	}
	return s
}

// setup13 installs both handshake traffic keys (RFC 8446, Section 7.3).
func (c *conn) setup13() {
	c.suite13 = suites.ByID(c.prot.ID)
	for _, side := range []int{server, client} {
		label, id := LabelServerHandshake, "s_hs"
		if side == client {
			label, id = LabelClientHandshake, "c_hs"
		}
		secret := c.secret13(label)
		d := &c.dirs[side]
		if secret == nil {
			d.why = "not decrypted: the key log has no " + label + " for this connection"
			continue
		}
		name := sideName[side] + "_handshake_traffic_secret"
		k, fk := c.keys13(secret, id, name, label, sideName[side]+" handshake")
		d.finKey = fk
		rk, err := key13(name, c.prot.Mode, k.Key, k.IV)
		if err != nil {
			c.problem("cannot use %s: %v", label, err)
			continue
		}
		d.cur = rk
	}
}

// keys13 derives key, IV and finished_key from a traffic secret and records
// them as key schedule nodes under the secret's own node.
func (c *conn) keys13(secret []byte, id, name, label, who string) (tls13.TrafficKeys, []byte) {
	sch := tls13.NewSchedule(c.suite13)
	sch.Nodes = append(sch.Nodes, trace.Node(id, name, secret, true, "from the key log: "+label))
	k := sch.Keys(c.suite13, secret, id, who)
	var fk []byte
	if id == "c_hs" || id == "s_hs" {
		fk = sch.FinishedKey(secret, id, sideOfID(id))
	}
	c.nodes = append(c.nodes, sch.Nodes...)
	return k, fk
}

func sideOfID(id string) string {
	if id[0] == 'c' {
		return "client"
	}
	return "server"
}

// appKey13 installs application traffic secret generation gen for a side:
// from the key log (CLIENT_TRAFFIC_SECRET_0, or _N if logged) or, after a
// KeyUpdate, derived from the previous one (RFC 8446, Section 7.2).
func (c *conn) appKey13(side int, gen int, derived []byte, parent string) {
	d := &c.dirs[side]
	who := sideName[side]
	name := fmt.Sprintf("%s_application_traffic_secret_%d", who, gen)
	id := who[:1] + "_ap"
	if gen > 0 {
		id = fmt.Sprintf("%s_ap_%d", who[:1], gen)
	}
	prefix := serverTrafficPrefix
	if side == client {
		prefix = clientTrafficPrefix
	}
	label := fmt.Sprintf("%s%d", prefix, gen)
	secret := derived
	if secret == nil {
		secret = c.secret13(label)
	}
	if secret == nil {
		d.cur, d.appSec = nil, nil
		d.why = "not decrypted: the key log has no " + label + " for this connection"
		return
	}
	if logged := c.kl.Find(label, c.res.ClientRandom); gen > 0 && logged != nil && !bytes.Equal(logged, secret) {
		c.problem("the key log's %s differs from the one derived with HKDF-Expand-Label(\"traffic upd\") from generation %d (RFC 8446, Section 7.2): the line belongs to another connection", label, gen-1)
	}
	sch := tls13.NewSchedule(c.suite13)
	op := "from the key log: " + label
	var from []string
	if derived != nil {
		op = `HKDF-Expand-Label("traffic upd")`
		from = []string{parent}
	}
	sch.Nodes = append(sch.Nodes, trace.Node(id, name, secret, true, op, from...))
	k := sch.Keys(c.suite13, secret, id, who+" application")
	c.nodes = append(c.nodes, sch.Nodes...)
	rk, err := key13(name, c.prot.Mode, k.Key, k.IV)
	if err != nil {
		c.problem("cannot use %s: %v", label, err)
		return
	}
	d.cur, d.appSec, d.appGen = rk, secret, gen
}

// keyUpdate moves the sender to its next application traffic secret: the
// KeyUpdate itself travelled under the old key (RFC 8446, Section 4.6.3).
func (c *conn) keyUpdate(side int) {
	d := &c.dirs[side]
	if d.appSec == nil {
		c.appKey13(side, d.appGen+1, nil, "")
		return
	}
	parent := sideName[side][:1] + "_ap"
	if d.appGen > 0 {
		parent = fmt.Sprintf("%s_%d", parent, d.appGen)
	}
	c.appKey13(side, d.appGen+1, tls13.NextTrafficSecret(c.prot.Hash, d.appSec), parent)
}

// finished13 checks verify_data = HMAC(finished_key, Transcript-Hash(…))
// (RFC 8446, Section 4.4.4), then moves the side to its application keys.
func (c *conn) finished13(side int, raw []byte) {
	d := &c.dirs[side]
	got := raw[handshake.HeaderLen:]
	if d.finKey != nil && !c.finished[side] {
		th := c.transcriptHash(c.prot.Hash)
		want := tls13.FinishedMAC(c.prot.Hash, d.finKey, th)
		upto := "ClientHello … CertificateVerify"
		if side == client {
			upto = "ClientHello … server Finished"
		}
		f := Finished{Side: sideName[side], Expected: trace.HexString(want), Got: trace.HexString(got), OK: bytes.Equal(want, got),
			How: fmt.Sprintf("HMAC(%s finished_key, Transcript-Hash(%s))", sideName[side], upto)}
		c.res.Finished = append(c.res.Finished, f)
		if !f.OK {
			c.problem("the %s Finished does not verify: the transcript this reader hashed differs from the %s's (a handshake message is missing from the capture or was changed)", sideName[side], sideName[side])
		}
	}
	c.addTranscript(raw)
	c.finished[side] = true
	if side == client {
		c.transEnd = true
		c.dirs[client].early = nil
	}
	c.appKey13(side, 0, nil, "")
	if side == server {
		if s := c.kl.Find(LabelExporter, c.res.ClientRandom); s != nil {
			c.nodes = append(c.nodes, trace.Node("exporter", "exporter_master_secret", s, true, "from the key log: "+LabelExporter))
		}
	}
}

// setup12 reads the master secret (CLIENT_RANDOM) and expands the key block
// (RFC 5246, Section 6.3). The keys take effect at each side's
// ChangeCipherSpec.
func (c *conn) setup12(sh *handshake.ServerHello) {
	_, ems := handshake.Find(sh.Extensions, handshake.ExtExtendedMasterSecret)
	c.res.EMS = ems
	if _, etm := handshake.Find(sh.Extensions, handshake.ExtEncryptThenMAC); etm && c.prot.Mode == suites.CBC {
		c.res.EncryptThenMAC = true
	}
	c.nodes = append(c.nodes,
		trace.Node("client_random", "Client random", c.res.ClientRandom, false, "ClientHello.random"),
		trace.Node("server_random", "Server random", c.res.ServerRandom, false, "ServerHello.random"))
	ms := c.kl.Find(LabelClientRandom, c.res.ClientRandom)
	if ms == nil {
		if c.kl.hasLabel(LabelRSA) && !c.kl.HasRandom(c.res.ClientRandom) {
			c.rsaPending = true // an RSA line may match the ClientKeyExchange
			return
		}
		if c.kl.HasRandom(c.res.ClientRandom) {
			c.problem("the key log has no CLIENT_RANDOM line for client random %s (TLS 1.2 needs the master secret): the records stay encrypted", c.randomText())
			c.setWhy("not decrypted: the key log has no CLIENT_RANDOM line for this connection")
		}
		return
	}
	c.nodes = append(c.nodes, trace.Node("master", "Master secret", ms, true, "from the key log: "+LabelClientRandom))
	c.keyBlock(ms)
}

// rsaPreMaster handles an "RSA" key log line: the pre-master secret of RSA
// key transport, found by the first 8 bytes of its encryption in
// ClientKeyExchange (RFC 5246, Section 7.4.7.1).
func (c *conn) rsaPreMaster(raw []byte) {
	b := raw[handshake.HeaderLen:]
	if len(b) < 2+8 || int(binary.BigEndian.Uint16(b)) != len(b)-2 {
		return
	}
	pms := c.kl.Find(LabelRSA, b[2:10])
	if pms == nil {
		if c.rsaPending {
			c.rsaPending = false
			c.problem("no key log line for client random %s, nor an RSA line for its encrypted pre-master secret %s…: the key log is from another connection", c.randomText(), trace.HexString(b[2:10]))
		}
		return
	}
	h := c.prot.Hash
	c.nodes = append(c.nodes, trace.Node("pms", "Pre-master secret", pms, true, "from the key log: RSA"))
	var ms []byte
	if c.res.EMS {
		sum := c.transcriptHash(h)
		ms = prf.ExtendedMasterSecret(h, pms, sum)
		c.nodes = append(c.nodes, trace.Node("session_hash", "Session hash", sum, false, "Hash(ClientHello … ClientKeyExchange)"),
			trace.Node("master", "Master secret", ms, true, `PRF("extended master secret")`, "pms", "session_hash"))
	} else {
		ms = prf.MasterSecret(h, pms, c.res.ClientRandom, c.res.ServerRandom)
		c.nodes = append(c.nodes, trace.Node("master", "Master secret", ms, true, `PRF("master secret")`, "pms", "client_random", "server_random"))
	}
	c.keyBlock(ms)
}

// keyBlock cuts the key block into MAC keys, write keys and IVs (RFC 5246,
// Section 6.3: client MAC key, server MAC key, client key, server key,
// client IV, server IV). A CBC suite of TLS 1.2 takes its IV from each
// record, so its key block ends before the IVs.
func (c *conn) keyBlock(ms []byte) {
	c.master = ms
	p, h := c.prot, c.prot.Hash
	mac := p.MACLen()
	n := 2*mac + 2*p.KeyLen + 2*p.FixedIVLen
	seed := append(append([]byte{}, c.res.ServerRandom...), c.res.ClientRandom...)
	kb := prf.PRF(h, ms, prf.LabelKeyExpansion, seed, n)
	cut := func(l int) []byte {
		out := kb[:l:l]
		kb = kb[l:]
		return out
	}
	cMAC, sMAC, cKey, sKey, cIV, sIV := cut(mac), cut(mac), cut(p.KeyLen), cut(p.KeyLen), cut(p.FixedIVLen), cut(p.FixedIVLen)
	c.nodes = append(c.nodes,
		trace.Node("key_block", "Key block", prf.PRF(h, ms, prf.LabelKeyExpansion, seed, n), true, `PRF("key expansion")`, "master", "server_random", "client_random"))
	for _, v := range []struct {
		id, label string
		b         []byte
	}{{"client_write_mac_key", "client_write_MAC_key", cMAC}, {"server_write_mac_key", "server_write_MAC_key", sMAC},
		{"client_write_key", "client_write_key", cKey}, {"server_write_key", "server_write_key", sKey},
		{"client_write_iv", "client_write_IV", cIV}, {"server_write_iv", "server_write_IV", sIV}} {
		if len(v.b) > 0 {
			c.nodes = append(c.nodes, trace.Node(v.id, v.label, v.b, true, "slice", "key_block"))
		}
	}
	for _, side := range []int{client, server} {
		key, iv, macKey := cKey, cIV, cMAC
		if side == server {
			key, iv, macKey = sKey, sIV, sMAC
		}
		name := sideName[side] + " write key (master secret)"
		var rk *readKey
		var err error
		if p.Mode == suites.CBC {
			rk, err = key12CBC(name, p, key, macKey, c.res.EncryptThenMAC)
		} else {
			rk, err = key12AEAD(name, p.Mode, key, iv)
		}
		if err != nil {
			c.problem("cannot use the key block: %v", err)
			return
		}
		c.dirs[side].pending = rk
		if c.dirs[side].on { // ChangeCipherSpec came first (cannot happen in order, but be safe)
			c.dirs[side].cur = rk
		}
	}
}

// finished12 checks verify_data = PRF(master_secret, finished_label,
// Hash(handshake_messages))[0..11] (RFC 5246, Section 7.4.9; the same with
// the extended master secret, RFC 7627).
func (c *conn) finished12(side int, raw []byte) {
	got := raw[handshake.HeaderLen:]
	if c.master != nil && c.prot != nil && !c.finished[side] {
		label := prf.LabelServerFinished
		if side == client {
			label = prf.LabelClientFinished
		}
		want := prf.Finished(c.prot.Hash, c.master, label, c.transcriptHash(c.prot.Hash))
		f := Finished{Side: sideName[side], Expected: trace.HexString(want), Got: trace.HexString(got), OK: bytes.Equal(want, got),
			How: fmt.Sprintf(`PRF(master_secret, "%s", Hash(handshake messages))[0..11]`, label)}
		c.res.Finished = append(c.res.Finished, f)
		if !f.OK {
			c.problem("the %s Finished does not verify: the transcript this reader hashed differs from the %s's (a handshake message is missing from the capture or was changed)", sideName[side], sideName[side])
		}
	}
	c.addTranscript(raw)
	c.finished[side] = true
	if c.finished[client] && c.finished[server] {
		c.transEnd = true
	}
}

// end reports what the whole connection left unsaid.
func (c *conn) end() {
	if c.rsaPending && c.master == nil {
		// No ClientKeyExchange with a 2-byte length was seen (not RSA key
		// transport, or cut from the capture).
		c.problem("no key log line for client random %s: the key log is from another connection", c.randomText())
	}
	for _, i := range c.early {
		if c.res.Version != 0 && !c.res.EarlyAccepted {
			c.res.Records[i].Note = "0-RTT early data that the server rejected: it skipped this record (RFC 8446, Section 4.2.10)"
		}
	}
	for side := range c.dirs {
		if n := len(c.dirs[side].hsBuf); n > 0 && !c.stopped {
			c.problem("the %s's last handshake message is incomplete: %d bytes of it are in the capture", sideName[side], n)
		}
	}
	switch {
	case c.stopped:
	case !c.chSeen && len(c.res.Records) > 0:
		c.problem("no ClientHello: the capture starts after the handshake began, so the connection cannot be decrypted")
	case c.chSeen && c.res.Version == 0 && c.finished != [2]bool{} || c.chSeen && c.res.Version == 0 && c.dirs[server].on:
		c.problem("no ServerHello, yet the handshake went on: the capture misses it or it was changed, so the connection cannot be decrypted")
	}
}
