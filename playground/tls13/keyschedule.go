// Package tls13 is the engine's TLS 1.3 client and server (RFC 8446), 1-RTT with
// HelloRetryRequest, sans-I/O like package tls12, every step recorded for the page.
package tls13

import (
	"crypto"
	"crypto/hkdf"
	"crypto/hmac"
	"hash"

	"golang.org/x/crypto/cryptobyte"

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

// Schedule is the TLS 1.3 key schedule of one connection for one suite's
// hash (RFC 8446, Section 7.1): early secret → handshake secret → master
// secret, each traffic secret derived from one of them and a transcript
// hash. Every value it computes is also kept, as hex, in a node for the
// page's tree: a teaching copy that a real implementation would not keep.
// The connection overwrites Early and Handshake with zeros once the
// handshake traffic secrets and the master secret exist.
type Schedule struct {
	hash  crypto.Hash
	Nodes []trace.KSNode

	Early, Handshake, Master         []byte
	ClientHandshake, ServerHandshake []byte // traffic secrets
	ClientApp, ServerApp             []byte // traffic secrets, generation 0
	Exporter, Resumption             []byte
	BinderKey, ClientEarly           []byte // with a PSK only (RFC 8446, Section 7.1)
}

// NewSchedule starts a key schedule for suite.
func NewSchedule(s *suites.Suite) *Schedule { return &Schedule{hash: s.Hash} }

// Hash returns the suite's hash.
func (k *Schedule) Hash() crypto.Hash { return k.hash }

func (k *Schedule) add(n trace.KSNode) { k.Nodes = append(k.Nodes, n) }

// ExpandLabel implements HKDF-Expand-Label from RFC 8446, Section 7.1.
func ExpandLabel(h crypto.Hash, secret []byte, label string, context []byte, length int) []byte {
	var b cryptobyte.Builder
	b.AddUint16(uint16(length))
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddBytes([]byte("tls13 "))
		b.AddBytes([]byte(label))
	})
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(context) })
	info := b.BytesOrPanic()
	out, err := hkdf.Expand(func() hash.Hash { return h.New() }, secret, string(info), length)
	if err != nil {
		panic("tls13: HKDF-Expand-Label: " + err.Error()) // only for lengths > 255*hash size
	}
	return out
}

// Extract is HKDF-Extract(salt, ikm).
func Extract(h crypto.Hash, salt, ikm []byte) []byte {
	out, err := hkdf.Extract(func() hash.Hash { return h.New() }, ikm, salt)
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

// emptyHash is Hash("").
func (k *Schedule) emptyHash() []byte { return k.hash.New().Sum(nil) }

// EarlySecret computes the early secret from a resumption PSK (RFC 8446,
// Section 7.1), or from a zero string when psk is nil, and, with a PSK, the
// binder key that proves the client holds it (Section 4.2.11.2).
func (k *Schedule) EarlySecret(psk []byte) {
	zeros := make([]byte, k.hash.Size())
	if psk == nil {
		k.Early = Extract(k.hash, zeros, zeros)
		k.add(trace.Node("psk", "PSK (none: zeros)", zeros, false, "input"))
		k.add(trace.Node("early", "Early secret", k.Early, true, "HKDF-Extract(0, PSK)", "psk"))
		return
	}
	k.Early = Extract(k.hash, zeros, psk)
	k.BinderKey = DeriveSecret(k.hash, k.Early, labelResBinder, k.emptyHash())
	k.add(trace.Node("psk", "PSK (resumption, from the ticket)", psk, true, "input"))
	k.add(trace.Node("early", "Early secret", k.Early, true, "HKDF-Extract(0, PSK)", "psk"))
	k.add(trace.Node("binder_key", "binder_key", k.BinderKey, true, `Derive-Secret("res binder", "")`, "early"))
}

// EarlyTraffic derives client_early_traffic_secret from the transcript hash
// of the ClientHello (RFC 8446, Section 7.1): the key of 0-RTT data.
func (k *Schedule) EarlyTraffic(th []byte) {
	k.ClientEarly = DeriveSecret(k.hash, k.Early, labelClientEarlyTraffic, th)
	n := trace.Node("c_e", "client_early_traffic_secret", k.ClientEarly, true, `Derive-Secret("c e traffic")`, "early")
	n.Transcript = trace.HexString(th)
	k.add(n)
}

// Start computes the handshake secret from the (EC)DHE shared secret (nil
// with psk_ke: a zero string), after the early secret (from no PSK when
// EarlySecret was not called).
func (k *Schedule) Start(shared []byte) {
	if k.Early == nil {
		k.EarlySecret(nil)
	}
	derived := DeriveSecret(k.hash, k.Early, labelDerived, k.emptyHash())
	label := "(EC)DHE shared secret"
	if shared == nil {
		shared = make([]byte, k.hash.Size())
		label = "(EC)DHE shared secret (none: psk_ke, zeros)"
	}
	k.Handshake = Extract(k.hash, derived, shared)
	k.add(trace.Node("derived_early", "derived", derived, true, `Derive-Secret("derived", "")`, "early"))
	k.add(trace.Node("shared", label, shared, true, "input"))
	k.add(trace.Node("handshake", "Handshake secret", k.Handshake, true, "HKDF-Extract(derived, shared)", "derived_early", "shared"))
	clear(derived) // an intermediate: the node keeps the page's copy
}

// ResumptionPSK is the PSK a ticket stands for: HKDF-Expand-Label(
// resumption_master_secret, "resumption", ticket_nonce, Hash.length) (RFC
// 8446, Section 4.6.1).
func ResumptionPSK(h crypto.Hash, resumptionMaster, nonce []byte) []byte {
	return ExpandLabel(h, resumptionMaster, labelResumption, nonce, h.Size())
}

// HandshakeTraffic derives both handshake traffic secrets from the
// transcript hash of ClientHello…ServerHello.
func (k *Schedule) HandshakeTraffic(th []byte) {
	k.ClientHandshake = DeriveSecret(k.hash, k.Handshake, labelClientHandshakeTraffic, th)
	k.ServerHandshake = DeriveSecret(k.hash, k.Handshake, labelServerHandshakeTraffic, th)
	c := trace.Node("c_hs", "client_handshake_traffic_secret", k.ClientHandshake, true, `Derive-Secret("c hs traffic")`, "handshake")
	s := trace.Node("s_hs", "server_handshake_traffic_secret", k.ServerHandshake, true, `Derive-Secret("s hs traffic")`, "handshake")
	c.Transcript, s.Transcript = trace.HexString(th), trace.HexString(th)
	k.add(c)
	k.add(s)
	derived := DeriveSecret(k.hash, k.Handshake, labelDerived, k.emptyHash())
	k.Master = Extract(k.hash, derived, make([]byte, k.hash.Size()))
	k.add(trace.Node("derived_hs", "derived", derived, true, `Derive-Secret("derived", "")`, "handshake"))
	k.add(trace.Node("master", "Master secret", k.Master, true, "HKDF-Extract(derived, 0)", "derived_hs"))
	clear(derived)
}

// AppTraffic derives the application traffic secrets and the exporter
// secret from the transcript hash of ClientHello…server Finished.
func (k *Schedule) AppTraffic(th []byte) {
	k.ClientApp = DeriveSecret(k.hash, k.Master, labelClientAppTraffic, th)
	k.ServerApp = DeriveSecret(k.hash, k.Master, labelServerAppTraffic, th)
	k.Exporter = DeriveSecret(k.hash, k.Master, labelExporterMaster, th)
	for _, n := range []trace.KSNode{
		trace.Node("c_ap", "client_application_traffic_secret_0", k.ClientApp, true, `Derive-Secret("c ap traffic")`, "master"),
		trace.Node("s_ap", "server_application_traffic_secret_0", k.ServerApp, true, `Derive-Secret("s ap traffic")`, "master"),
		trace.Node("exporter", "exporter_master_secret", k.Exporter, true, `Derive-Secret("exp master")`, "master"),
	} {
		n.Transcript = trace.HexString(th)
		k.add(n)
	}
}

// ResumptionMaster derives the resumption master secret from the transcript
// hash of ClientHello…client Finished.
func (k *Schedule) ResumptionMaster(th []byte) {
	k.Resumption = DeriveSecret(k.hash, k.Master, labelResumptionMaster, th)
	n := trace.Node("resumption", "resumption_master_secret", k.Resumption, true, `Derive-Secret("res master")`, "master")
	n.Transcript = trace.HexString(th)
	k.add(n)
}

// TrafficKeys are the key and IV of one direction (RFC 8446, Section 7.3).
type TrafficKeys struct {
	Key, IV []byte
}

// Keys derives the write key and IV from a traffic secret and records them
// under the node id parent.
func (k *Schedule) Keys(s *suites.Suite, secret []byte, parent, who string) TrafficKeys {
	t := TrafficKeys{
		Key: ExpandLabel(k.hash, secret, labelKey, nil, s.KeyLen),
		IV:  ExpandLabel(k.hash, secret, labelIV, nil, 12),
	}
	k.add(trace.Node(parent+"_key", who+" key", t.Key, true, `HKDF-Expand-Label("key")`, parent))
	k.add(trace.Node(parent+"_iv", who+" IV", t.IV, true, `HKDF-Expand-Label("iv")`, parent))
	return t
}

// FinishedKey derives the key for the Finished MAC from a handshake
// traffic secret (RFC 8446, Section 4.4.4).
func (k *Schedule) FinishedKey(secret []byte, parent, who string) []byte {
	fk := ExpandLabel(k.hash, secret, labelFinished, nil, k.hash.Size())
	k.add(trace.Node(parent+"_finished", who+" finished_key", fk, true, `HKDF-Expand-Label("finished")`, parent))
	return fk
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
