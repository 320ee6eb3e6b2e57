// Package tls13 is the engine's TLS 1.3 client and server (RFC 8446), 1-RTT with
// HelloRetryRequest, sans-I/O like package tls12, every step recorded for the page.
package tls13

import (
	"bytes"
	"crypto"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/subtle"
	"hash"

	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// Labels of the TLS 1.3 key schedule (RFC 8446, Section 7.1).
const (
	labelDerived                = "derived"
	labelExtBinder              = "ext binder"
	labelResBinder              = "res binder"
	labelClientEarlyTraffic     = "c e traffic"
	labelResumption             = "resumption"
	labelClientHandshakeTraffic = "c hs traffic"
	labelServerHandshakeTraffic = "s hs traffic"
	labelClientAppTraffic       = "c ap traffic"
	labelServerAppTraffic       = "s ap traffic"
	labelExporterMaster         = "exp master"
	labelResumptionMaster       = "res master"
	labelKey                    = "key"
	labelIV                     = "iv"
	labelFinished               = "finished"
	labelTrafficUpdate          = "traffic upd"
)

// stage is what each stage of the key schedule holds: its hash and its
// secret. Each stage derives what comes from it (RFC 8446, Section 7.1),
// as crypto/tls's tls13.EarlySecret, HandshakeSecret and MasterSecret do.
type stage struct {
	hash   crypto.Hash
	secret []byte
	mac    *macer // the HMAC of the stages of one schedule
}

// Bytes returns the secret itself, the very slice (to erase, or to show).
func (s *stage) Bytes() []byte { return s.secret }

// derive is Derive-Secret(secret, label, messages), the transcript hash
// of the messages given.
func (s *stage) derive(label string, th []byte) []byte {
	return s.mac.expandLabel(s.secret, label, th, s.hash.Size())
}

// next extracts the next stage's secret from ikm: HKDF-Extract(
// Derive-Secret(secret, "derived", ""), ikm). It also returns the
// intermediate "derived" value.
func (s *stage) next(ikm []byte) (stage, []byte) {
	derived := s.derive(labelDerived, emptyHash(s.hash))
	return stage{hash: s.hash, secret: s.mac.extract(derived, ikm), mac: s.mac}, derived
}

// macer computes the HMACs of one key schedule (RFC 2104): HMAC(K, m) =
// H((K' ^ opad) || H((K' ^ ipad) || m)), K' being K (or H(K) when K is
// longer than a block) padded with zeros to a block. Every step of the
// schedule is one HMAC under a new key; crypto/hmac would make two hash
// states and two pads for each, where a macer keeps its own and resets
// them (the RFC 8448 test vectors check it, through the whole schedule).
type macer struct {
	inner, outer hash.Hash
	pad          [128]byte // a block of SHA-256 (64) or SHA-384 (128)
	buf          [128]byte // the HkdfLabel being expanded, then a hash
	// chunk is the rest of the memory a schedule's values are carved
	// from (one allocation for a handshake's two dozen secrets, keys and
	// IVs, rather than one each); nil for a macer of one value.
	chunk []byte
	carve bool
	hash  crypto.Hash
}

// scheduleChunk holds one side's values of a full handshake (about 530
// bytes with SHA-256, 800 with SHA-384): sixteen hashes and a few keys and
// IVs.
func scheduleChunk(h crypto.Hash) int { return 16*h.Size() + 128 }

// newScheduleMacer is the macer of a schedule: its values carved from
// chunks.
func newScheduleMacer(h crypto.Hash) *macer {
	m := newMacer(h)
	m.carve, m.hash = true, h
	return m
}

// keep returns a copy of t, carved from the chunk for a schedule's macer.
// A copy's capacity is its length: an append to it moves it.
func (m *macer) keep(t []byte) []byte {
	if !m.carve || len(t) > m.inner.Size() {
		return append([]byte(nil), t...)
	}
	if len(m.chunk) < len(t) {
		m.chunk = make([]byte, scheduleChunk(m.hash))
	}
	c := m.chunk[:len(t):len(t)]
	m.chunk = m.chunk[len(t):]
	copy(c, t)
	return c
}

// ipad is HMAC's inner pad byte over a block; ipadToOpad turns an inner
// pad into the outer one (0x36 ^ 0x5c), both XORed a word at a time.
var ipad, ipadToOpad = bytes.Repeat([]byte{0x36}, 128), bytes.Repeat([]byte{0x36 ^ 0x5c}, 128)

func newMacer(h crypto.Hash) *macer { return &macer{inner: h.New(), outer: h.New()} }

// sum returns HMAC(key, a || b) in m.buf, valid until the next call. It
// leaves no trace of the key in the pad or the hash states.
func (m *macer) sum(key, a, b []byte) []byte {
	pad := m.pad[:m.inner.BlockSize()]
	if len(key) > len(pad) {
		m.outer.Write(key)
		key = m.outer.Sum(nil) // m.buf may hold a
		m.outer.Reset()
	}
	copy(pad, key)
	clear(pad[len(key):])
	subtle.XORBytes(pad, pad, ipad[:len(pad)])
	m.inner.Write(pad)
	m.inner.Write(a)
	m.inner.Write(b)
	subtle.XORBytes(pad, pad, ipadToOpad[:len(pad)])
	m.outer.Write(pad)
	clear(pad)
	in := m.inner.Sum(m.buf[:0])
	m.inner.Reset()
	m.outer.Write(in)
	out := m.outer.Sum(m.buf[:0])
	m.outer.Reset()
	return out
}

// extract is HKDF-Extract(salt, ikm) = HMAC(salt, ikm) (RFC 5869, Section
// 2.2), in a new slice.
func (m *macer) extract(salt, ikm []byte) []byte {
	t := m.sum(salt, ikm, nil)
	out := m.keep(t)
	clear(t)
	return out
}

// expandLabel is HKDF-Expand-Label(secret, label, context, length) for a
// length of at most one hash: the first block of HKDF-Expand, T(1) =
// HMAC(secret, HkdfLabel || 0x01) (RFC 5869, Section 2.3), cut to length.
func (m *macer) expandLabel(secret []byte, label string, context []byte, length int) []byte {
	info := append(hkdfLabel(m.buf[:0], label, context, length), 1)
	t := m.sum(secret, info, nil)
	out := m.keep(t[:length])
	clear(t)
	return out
}

// EarlySecret is the first stage: HKDF-Extract(0, PSK), from zeros when
// there is no PSK. It gives the binder key, the 0-RTT traffic secret and
// the handshake secret.
type EarlySecret struct{ stage }

// NewEarlySecret extracts the early secret from psk (nil: a zero string).
func NewEarlySecret(h crypto.Hash, psk []byte) *EarlySecret {
	return newEarlySecret(h, psk, newMacer(h))
}

func newEarlySecret(h crypto.Hash, psk []byte, m *macer) *EarlySecret {
	zeros := make([]byte, h.Size())
	if psk == nil {
		psk = zeros
	}
	return &EarlySecret{stage{hash: h, secret: m.extract(zeros, psk), mac: m}}
}

// ResumptionBinderKey is Derive-Secret(early, "res binder", "") (RFC 8446,
// Section 4.2.11.2).
func (s *EarlySecret) ResumptionBinderKey() []byte {
	return s.derive(labelResBinder, emptyHash(s.hash))
}

// ClientEarlyTrafficSecret is Derive-Secret(early, "c e traffic",
// ClientHello): the key of 0-RTT data.
func (s *EarlySecret) ClientEarlyTrafficSecret(th []byte) []byte {
	return s.derive(labelClientEarlyTraffic, th)
}

// HandshakeSecret is the next stage, from the (EC)DHE shared secret (nil
// with psk_ke: a zero string). It also returns the intermediate "derived"
// value.
func (s *EarlySecret) HandshakeSecret(shared []byte) (*HandshakeSecret, []byte) {
	if shared == nil {
		shared = make([]byte, s.hash.Size())
	}
	next, derived := s.next(shared)
	return &HandshakeSecret{next}, derived
}

// HandshakeSecret is the second stage: it gives the handshake traffic
// secrets and the master secret.
type HandshakeSecret struct{ stage }

// ClientHandshakeTrafficSecret is Derive-Secret(handshake, "c hs traffic",
// ClientHello…ServerHello).
func (s *HandshakeSecret) ClientHandshakeTrafficSecret(th []byte) []byte {
	return s.derive(labelClientHandshakeTraffic, th)
}

// ServerHandshakeTrafficSecret is Derive-Secret(handshake, "s hs traffic",
// ClientHello…ServerHello).
func (s *HandshakeSecret) ServerHandshakeTrafficSecret(th []byte) []byte {
	return s.derive(labelServerHandshakeTraffic, th)
}

// MasterSecret is the last stage, extracted from a zero string. It also
// returns the intermediate "derived" value.
func (s *HandshakeSecret) MasterSecret() (*MasterSecret, []byte) {
	next, derived := s.next(make([]byte, s.hash.Size()))
	return &MasterSecret{next}, derived
}

// MasterSecret is the third stage: every secret after the handshake comes
// from it.
type MasterSecret struct{ stage }

// ClientApplicationTrafficSecret is Derive-Secret(master, "c ap traffic",
// ClientHello…server Finished): generation 0.
func (s *MasterSecret) ClientApplicationTrafficSecret(th []byte) []byte {
	return s.derive(labelClientAppTraffic, th)
}

// ServerApplicationTrafficSecret is Derive-Secret(master, "s ap traffic",
// ClientHello…server Finished): generation 0.
func (s *MasterSecret) ServerApplicationTrafficSecret(th []byte) []byte {
	return s.derive(labelServerAppTraffic, th)
}

// ExporterMasterSecret is Derive-Secret(master, "exp master",
// ClientHello…server Finished).
func (s *MasterSecret) ExporterMasterSecret(th []byte) []byte {
	return s.derive(labelExporterMaster, th)
}

// ResumptionMasterSecret is Derive-Secret(master, "res master",
// ClientHello…client Finished).
func (s *MasterSecret) ResumptionMasterSecret(th []byte) []byte {
	return s.derive(labelResumptionMaster, th)
}

// Schedule is the TLS 1.3 key schedule of one connection for one suite's
// hash (RFC 8446, Section 7.1): the three stages, early → handshake →
// master, and the traffic secrets derived from them with a transcript
// hash. Early, Handshake and Master are the stages' own secrets (the very
// slices the connection overwrites with zeros once the handshake traffic
// secrets and the master secret exist); the traffic secrets are plain
// byte strings.
//
// Every value the schedule computes is also recorded, as a teaching copy
// that a real implementation would not keep, for the page's tree: a node of
// Nodes holds it (the page draws it in hex), Value returns it, and nothing
// reads a key back from it.
type Schedule struct {
	hash crypto.Hash
	mac  *macer // every HMAC of the schedule

	early     *EarlySecret
	handshake *HandshakeSecret
	master    *MasterSecret

	Early, Handshake, Master         []byte // the stages' secrets, nil until reached
	ClientHandshake, ServerHandshake []byte // traffic secrets
	ClientApp, ServerApp             []byte // traffic secrets, generation 0
	Exporter, Resumption             []byte
	BinderKey, ClientEarly           []byte // with a PSK only (RFC 8446, Section 7.1)

	// Nodes are the values as the page's tree draws them, in order, each
	// with its teaching copy (none with Config.NoScheduleCopies).
	Nodes []trace.KSNode

	noCopies bool
}

// NewSchedule starts a key schedule for suite.
func NewSchedule(s *suites.Suite) *Schedule {
	const nodes = 24 // a full handshake (23 nodes); resumption and KeyUpdate add a few
	return &Schedule{hash: s.Hash, mac: newScheduleMacer(s.Hash), Nodes: make([]trace.KSNode, 0, nodes)}
}

// newSchedule is NewSchedule, without the teaching copies when the
// connection's Config says nobody reads them.
func (c *Conn) newSchedule(s *suites.Suite) *Schedule {
	if c.cfg.NoScheduleCopies {
		return &Schedule{hash: s.Hash, mac: newScheduleMacer(s.Hash), noCopies: true}
	}
	return NewSchedule(s)
}

// Hash returns the suite's hash.
func (k *Schedule) Hash() crypto.Hash { return k.hash }

// record keeps a teaching copy of value as node id, computed by op from the
// parent nodes; th, when set, is the transcript hash it covers.
func (k *Schedule) record(id, label string, value []byte, secret bool, op string, th []byte, from ...string) {
	if k.noCopies {
		return
	}
	n := trace.Node(id, label, value, secret, op, from...)
	if th != nil {
		n.Transcript = trace.Keep(th)
	}
	k.Nodes = append(k.Nodes, n)
}

// Value returns the teaching copy of the newest node with id, or nil: what
// the page shows, even of a secret the connection has since erased.
func (k *Schedule) Value(id string) []byte {
	for i := len(k.Nodes) - 1; i >= 0; i-- {
		if k.Nodes[i].ID == id {
			return k.Nodes[i].Raw
		}
	}
	return nil
}

// lastID returns the id of the newest node.
func (k *Schedule) lastID() string {
	if len(k.Nodes) == 0 {
		return ""
	}
	return k.Nodes[len(k.Nodes)-1].ID
}

// ExpandLabel implements HKDF-Expand-Label from RFC 8446, Section 7.1.
// The HkdfLabel it expands is length (2 bytes), "tls13 " + label and
// context, each of the last two after its 1-byte length; the labels are
// this file's constants and a context is at most a hash, so both fit.
func ExpandLabel(h crypto.Hash, secret []byte, label string, context []byte, length int) []byte {
	if length > h.Size() {
		return expandLong(h, secret, label, context, length)
	}
	return newMacer(h).expandLabel(secret, label, context, length)
}

// hkdfLabel appends the HkdfLabel structure to b.
func hkdfLabel(b []byte, label string, context []byte, length int) []byte {
	if len(label) > 255-len("tls13 ") || len(context) > 255 {
		panic("tls13: HKDF-Expand-Label: label or context too long")
	}
	b = append(b, byte(length>>8), byte(length), byte(len("tls13 ")+len(label)))
	b = append(append(b, "tls13 "...), label...)
	return append(append(b, byte(len(context))), context...)
}

// expandLong is HKDF-Expand-Label for a length over one hash, which the key
// schedule never asks for.
func expandLong(h crypto.Hash, secret []byte, label string, context []byte, length int) []byte {
	out, err := hkdf.Expand(h.New, secret, string(hkdfLabel(nil, label, context, length)), length)
	if err != nil {
		panic("tls13: HKDF-Expand-Label: " + err.Error()) // only for lengths > 255*hash size
	}
	return out
}

// Extract is HKDF-Extract(salt, ikm).
func Extract(h crypto.Hash, salt, ikm []byte) []byte {
	out, err := hkdf.Extract(h.New, ikm, salt)
	if err != nil {
		panic("tls13: HKDF-Extract: " + err.Error())
	}
	return out
}

// DeriveSecret is Derive-Secret(secret, label, messages) with the
// transcript hash already computed (RFC 8446, Section 7.1).
func DeriveSecret(h crypto.Hash, secret []byte, label string, transcriptHash []byte) []byte {
	return ExpandLabel(h, secret, label, transcriptHash, h.Size())
}

// emptyHash is Hash(""), the context of Derive-Secret(secret, "derived",
// ""): written out for the suites' two hashes (TestEmptyHash checks them)
// rather than hashed twice per handshake and side. The caller only reads
// it.
func emptyHash(h crypto.Hash) []byte {
	switch h {
	case crypto.SHA256:
		return emptySHA256[:]
	case crypto.SHA384:
		return emptySHA384[:]
	}
	return h.New().Sum(nil)
}

var (
	emptySHA256 = [...]byte{
		0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
		0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
	}
	emptySHA384 = [...]byte{
		0x38, 0xb0, 0x60, 0xa7, 0x51, 0xac, 0x96, 0x38, 0x4c, 0xd9, 0x32, 0x7e, 0xb1, 0xb1, 0xe3, 0x6a,
		0x21, 0xfd, 0xb7, 0x11, 0x14, 0xbe, 0x07, 0x43, 0x4c, 0x0c, 0xc7, 0xbf, 0x63, 0xf6, 0xe1, 0xda,
		0x27, 0x4e, 0xde, 0xbf, 0xe7, 0x6f, 0x65, 0xfb, 0xd5, 0x1a, 0xd2, 0xf1, 0x48, 0x98, 0xb9, 0x5b,
	}
)

// EarlySecret computes the early secret from a resumption PSK (RFC 8446,
// Section 7.1), or from a zero string when psk is nil, and, with a PSK, the
// binder key that proves the client holds it (Section 4.2.11.2).
func (k *Schedule) EarlySecret(psk []byte) {
	k.early = newEarlySecret(k.hash, psk, k.mac)
	k.Early = k.early.Bytes()
	if psk == nil {
		k.record("psk", "PSK (none: zeros)", make([]byte, k.hash.Size()), false, "input", nil)
		k.record("early", "Early secret", k.Early, true, "HKDF-Extract(0, PSK)", nil, "psk")
		return
	}
	k.BinderKey = k.early.ResumptionBinderKey()
	k.record("psk", "PSK (resumption, from the ticket)", psk, true, "input", nil)
	k.record("early", "Early secret", k.Early, true, "HKDF-Extract(0, PSK)", nil, "psk")
	k.record("binder_key", "binder_key", k.BinderKey, true, `Derive-Secret("res binder", "")`, nil, "early")
}

// EarlyTraffic derives client_early_traffic_secret from the transcript hash
// of the ClientHello (RFC 8446, Section 7.1): the key of 0-RTT data.
func (k *Schedule) EarlyTraffic(th []byte) {
	k.ClientEarly = k.early.ClientEarlyTrafficSecret(th)
	k.record("c_e", "client_early_traffic_secret", k.ClientEarly, true, `Derive-Secret("c e traffic")`, th, "early")
}

// Start computes the handshake secret from the (EC)DHE shared secret (nil
// with psk_ke: a zero string), after the early secret (from no PSK when
// EarlySecret was not called).
func (k *Schedule) Start(shared []byte) {
	if k.early == nil {
		k.EarlySecret(nil)
	}
	label := "(EC)DHE shared secret"
	if shared == nil {
		shared = make([]byte, k.hash.Size())
		label = "(EC)DHE shared secret (none: psk_ke, zeros)"
	}
	var derived []byte
	k.handshake, derived = k.early.HandshakeSecret(shared)
	k.Handshake = k.handshake.Bytes()
	k.record("derived_early", "derived", derived, true, `Derive-Secret("derived", "")`, nil, "early")
	k.record("shared", label, shared, true, "input", nil)
	k.record("handshake", "Handshake secret", k.Handshake, true, "HKDF-Extract(derived, shared)", nil, "derived_early", "shared")
	clear(derived) // an intermediate: the node keeps the page's copy
}

// ResumptionPSK is the PSK a ticket stands for: HKDF-Expand-Label(
// resumption_master_secret, "resumption", ticket_nonce, Hash.length) (RFC
// 8446, Section 4.6.1).
func ResumptionPSK(h crypto.Hash, resumptionMaster, nonce []byte) []byte {
	return ExpandLabel(h, resumptionMaster, labelResumption, nonce, h.Size())
}

// HandshakeTraffic derives both handshake traffic secrets from the
// transcript hash of ClientHello…ServerHello, and the master secret.
func (k *Schedule) HandshakeTraffic(th []byte) {
	k.ClientHandshake = k.handshake.ClientHandshakeTrafficSecret(th)
	k.ServerHandshake = k.handshake.ServerHandshakeTrafficSecret(th)
	k.record("c_hs", "client_handshake_traffic_secret", k.ClientHandshake, true, `Derive-Secret("c hs traffic")`, th, "handshake")
	k.record("s_hs", "server_handshake_traffic_secret", k.ServerHandshake, true, `Derive-Secret("s hs traffic")`, th, "handshake")
	var derived []byte
	k.master, derived = k.handshake.MasterSecret()
	k.Master = k.master.Bytes()
	k.record("derived_hs", "derived", derived, true, `Derive-Secret("derived", "")`, nil, "handshake")
	k.record("master", "Master secret", k.Master, true, "HKDF-Extract(derived, 0)", nil, "derived_hs")
	clear(derived)
}

// AppTraffic derives the application traffic secrets and the exporter
// secret from the transcript hash of ClientHello…server Finished.
func (k *Schedule) AppTraffic(th []byte) {
	k.ClientApp = k.master.ClientApplicationTrafficSecret(th)
	k.ServerApp = k.master.ServerApplicationTrafficSecret(th)
	k.Exporter = k.master.ExporterMasterSecret(th)
	k.record("c_ap", "client_application_traffic_secret_0", k.ClientApp, true, `Derive-Secret("c ap traffic")`, th, "master")
	k.record("s_ap", "server_application_traffic_secret_0", k.ServerApp, true, `Derive-Secret("s ap traffic")`, th, "master")
	k.record("exporter", "exporter_master_secret", k.Exporter, true, `Derive-Secret("exp master")`, th, "master")
}

// ResumptionMaster derives the resumption master secret from the transcript
// hash of ClientHello…client Finished.
func (k *Schedule) ResumptionMaster(th []byte) {
	k.Resumption = k.master.ResumptionMasterSecret(th)
	k.record("resumption", "resumption_master_secret", k.Resumption, true, `Derive-Secret("res master")`, th, "master")
}

// TrafficKeys are the key and IV of one direction (RFC 8446, Section 7.3).
type TrafficKeys struct {
	Key, IV []byte
}

// Keys derives the write key and IV from a traffic secret and records them
// under the node id parent.
func (k *Schedule) Keys(s *suites.Suite, secret []byte, parent, who string) TrafficKeys {
	t := TrafficKeys{
		Key: k.mac.expandLabel(secret, labelKey, nil, s.KeyLen),
		IV:  k.mac.expandLabel(secret, labelIV, nil, 12),
	}
	n := namesOf(parent, who)
	k.record(n.key, n.keyLabel, t.Key, true, `HKDF-Expand-Label("key")`, nil, parent)
	k.record(n.iv, n.ivLabel, t.IV, true, `HKDF-Expand-Label("iv")`, nil, parent)
	return t
}

// derivedNames are the ids and labels of the nodes derived from a traffic
// secret's node parent, whose owner is who: parent+"_key", who+" key",
// parent+"_iv", who+" IV", parent+"_finished", who+" finished_key".
type derivedNames struct{ key, keyLabel, iv, ivLabel, fin, finLabel string }

func makeNames(parent, who string) derivedNames {
	return derivedNames{parent + "_key", who + " key", parent + "_iv", who + " IV", parent + "_finished", who + " finished_key"}
}

// handshakeNames are the derivedNames of every handshake's traffic
// secrets, made once rather than per handshake.
var handshakeNames = []struct {
	parent, who string
	names       derivedNames
}{
	{"c_hs", "client handshake", makeNames("c_hs", "client handshake")},
	{"s_hs", "server handshake", makeNames("s_hs", "server handshake")},
	{"c_ap", "client application", makeNames("c_ap", "client application")},
	{"s_ap", "server application", makeNames("s_ap", "server application")},
	{"c_hs", "client", makeNames("c_hs", "client")},
	{"s_hs", "server", makeNames("s_hs", "server")},
}

func namesOf(parent, who string) derivedNames {
	for _, h := range handshakeNames {
		if h.parent == parent && h.who == who {
			return h.names
		}
	}
	return makeNames(parent, who)
}

// FinishedKey derives the key for the Finished MAC from a handshake
// traffic secret (RFC 8446, Section 4.4.4).
func (k *Schedule) FinishedKey(secret []byte, parent, who string) []byte {
	fk := k.mac.expandLabel(secret, labelFinished, nil, k.hash.Size())
	n := namesOf(parent, who)
	k.record(n.fin, n.finLabel, fk, true, `HKDF-Expand-Label("finished")`, nil, parent)
	return fk
}

// FinishedMAC is verify_data = HMAC(finished_key, transcript hash)
// (RFC 8446, Section 4.4.4), with the schedule's own HMAC.
func (k *Schedule) FinishedMAC(finishedKey, th []byte) []byte {
	return k.mac.keep(k.mac.sum(finishedKey, th, nil))
}

// FinishedMAC is verify_data = HMAC(finished_key, transcript hash).
func FinishedMAC(h crypto.Hash, finishedKey, th []byte) []byte {
	m := hmac.New(h.New, finishedKey)
	m.Write(th)
	return m.Sum(nil)
}

// NextTrafficSecret is application_traffic_secret_N+1 (RFC 8446,
// Section 7.2), used by KeyUpdate.
func NextTrafficSecret(h crypto.Hash, secret []byte) []byte {
	return ExpandLabel(h, secret, labelTrafficUpdate, nil, h.Size())
}
