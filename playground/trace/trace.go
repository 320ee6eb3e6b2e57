// Package trace is the teaching data model: what each side did at each of
// the seven steps, with every value it used or produced. It is stable JSON,
// read by the page and written into the session export.
package trace

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"sync"

	"tlsplayground/playground/jsonlite"
	"tlsplayground/playground/pki"
)

// Actors.
const (
	Client = "client"
	Server = "server"
	Wire   = "wire"
)

// Value kinds.
const (
	KindHex   = "hex"
	KindText  = "text"
	KindList  = "list"
	KindPEM   = "pem"
	KindCert  = "cert"
	KindCheck = "check"
)

// Value is one labelled value shown in a step. ID and Side are its machine
// contract (contract.go): the label is for people and may be reworded; code
// keys on ID.
type Value struct {
	ID     string   `json:"id"`   // stable machine id, such as "client.random" (ValueIDs)
	Side   string   `json:"side"` // whose value it is: "client", "server" or "both"
	Label  string   `json:"label"`
	Kind   string   `json:"kind"`
	Raw    Bytes    `json:"hex,omitempty"` // KindHex: the bytes, shown in hex (Hex)
	Len    int      `json:"len,omitempty"`
	Text   string   `json:"text,omitempty"`
	Items  []string `json:"items,omitempty"`
	Cert   *CertRef `json:"cert,omitempty"` // KindCert: decoded when marshalled or read (Info)
	OK     *bool    `json:"ok,omitempty"`
	Secret bool     `json:"secret,omitempty"`
	Note   string   `json:"note,omitempty"`
}

// Event is one thing one side did. Kind is its stable machine id (contract.go,
// EventKinds): the title is for people.
type Event struct {
	Kind   string  `json:"kind"` // such as "server.sends_certificate"
	Step   int     `json:"step"`
	Actor  string  `json:"actor"`
	Title  string  `json:"title"`
	Values []Value `json:"values"`
}

// HexString is the one hex formatter of the engine: lower case, no separators.
func HexString(b []byte) string { return hex.EncodeToString(b) }

// Bytes is a byte string that the trace shows in hex (HexString). The
// engine records the bytes as they are; the hex is formatted only when the
// trace is marshalled to JSON or read (String), off the handshake's path.
type Bytes []byte

// String returns the bytes in hex.
func (b Bytes) String() string { return HexString(b) }

// MarshalText returns the bytes in hex: in JSON a Bytes is a hex string.
func (b Bytes) MarshalText() ([]byte, error) { return hex.AppendEncode(nil, b), nil }

// UnmarshalText reads the hex MarshalText writes.
func (b *Bytes) UnmarshalText(text []byte) error {
	d, err := hex.AppendDecode(nil, text)
	if err != nil {
		return err
	}
	*b = d
	return nil
}

// Hex returns the value's bytes in hex ("" for a value of another kind).
func (v Value) Hex() string { return v.Raw.String() }

// Hex is a byte string shown in hex with its length. It keeps a copy of b:
// the engine overwrites its secrets with zeros once it is done with them.
func Hex(label string, b []byte, note string) Value {
	return Value{Label: label, Kind: KindHex, Raw: Keep(b), Len: len(b), Note: note}
}

// Keep returns a copy of b for the trace (nil for nil). Short copies are
// carved out of a shared chunk rather than allocated each: a handshake
// records about a hundred byte strings, most of them a few dozen bytes
// (issue 9). A chunk lives as long as any copy in it does.
func Keep(b []byte) []byte {
	if b == nil {
		return nil
	}
	if len(b) == 0 || len(b) > keepMax {
		return bytes.Clone(b)
	}
	keepChunk.Lock()
	if len(keepChunk.free) < len(b) {
		keepChunk.free = make([]byte, keepChunkSize)
	}
	c := keepChunk.free[:len(b):len(b)] // clipped: an append to it copies
	keepChunk.free = keepChunk.free[len(b):]
	keepChunk.Unlock()
	copy(c, b)
	return c
}

// keepChunk is the rest of the chunk Keep copies into.
var keepChunk struct {
	sync.Mutex
	free []byte
}

const keepChunkSize, keepMax = 4096, 256

// Frozen is Hex for bytes that never change once made, such as a record's
// wire bytes as marshalled (an endpoint never writes to them again): the
// trace keeps b itself rather than a copy. Never for a secret, which the
// engine overwrites, nor for a buffer that is reused.
func Frozen(label string, b []byte, note string) Value {
	return Value{Label: label, Kind: KindHex, Raw: b, Len: len(b), Note: note}
}

// Secret is a byte string that must stay secret; the page marks it.
func Secret(label string, b []byte, note string) Value {
	v := Hex(label, b, note)
	v.Secret = true
	return v
}

// Text is a short human-readable value.
func Text(label, text, note string) Value {
	return Value{Label: label, Kind: KindText, Text: text, Note: note}
}

// List is an ordered list of short values.
func List(label string, items []string, note string) Value {
	return Value{Label: label, Kind: KindList, Items: items, Note: note}
}

// PEM is a PEM block.
func PEM(label, pem, note string) Value {
	return Value{Label: label, Kind: KindPEM, Text: pem, Note: note}
}

// Cert is a certificate, shown decoded (pki.Describe).
func Cert(label string, c *x509.Certificate, note string) Value {
	return Value{Label: label, Kind: KindCert, Cert: &CertRef{cert: c}, Note: note}
}

// CertRef is a certificate in the trace. It is decoded for the page
// (pki.Describe) when the trace is marshalled or read (Info), not while the
// handshake runs.
type CertRef struct {
	cert *x509.Certificate
	info *pki.CertInfo // decoded, or read from JSON
}

// Info returns the certificate decoded.
func (r *CertRef) Info() pki.CertInfo {
	if r.info != nil {
		return *r.info
	}
	return pki.Describe(r.cert)
}

// MarshalJSON writes the certificate decoded (pki.CertInfo).
func (r *CertRef) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// UnmarshalJSON reads a decoded certificate.
func (r *CertRef) UnmarshalJSON(b []byte) error {
	r.info = new(pki.CertInfo)
	return jsonlite.Unmarshal(b, r.info)
}

// Check is a pass/fail check with what was compared.
func Check(label string, ok bool, detail string) Value {
	return Value{Label: label, Kind: KindCheck, OK: &ok, Text: detail}
}

// Recorder collects events. A nil *Recorder records nothing, so the engine
// can run without a trace (interop, the terminal's quiet mode).
type Recorder struct {
	Events []Event
}

// Add records an event for teaching step n (1 to 7).
func (r *Recorder) Add(step int, actor, title string, values ...Value) {
	if r == nil {
		return
	}
	r.Events = append(r.Events, NewEvent(step, actor, title, values...))
}

// NewEvent returns the event, its kind and its values' ids and sides filled
// in from the contract's tables (contract.go).
func NewEvent(step int, actor, title string, values ...Value) Event {
	if values == nil {
		values = []Value{} // JSON [] rather than null
	}
	ev := Event{Step: step, Actor: actor, Title: title, Values: values}
	Annotate(&ev)
	return ev
}

// KSNode is one value of a key schedule, drawn as a node of a tree: inputs
// at the top, traffic keys at the bottom.
type KSNode struct {
	ID         string   `json:"id"`
	Side       string   `json:"side"` // whose secret: "client", "server" or "both" (NodeSide)
	Label      string   `json:"label"`
	Raw        Bytes    `json:"hex"` // the value, shown in hex (Hex)
	Secret     bool     `json:"secret"`
	Op         string   `json:"op"`
	From       []string `json:"from"`
	Transcript Bytes    `json:"transcript,omitempty"` // the transcript hash it covers, if any
}

// Hex returns the node's value in hex.
func (n KSNode) Hex() string { return n.Raw.String() }

// Node returns a key schedule node computed by op from the parent nodes. It
// keeps a copy of value, which the engine may overwrite with zeros later.
func Node(id, label string, value []byte, secret bool, op string, from ...string) KSNode {
	if from == nil {
		from = []string{}
	}
	return KSNode{ID: id, Side: NodeSide(id), Label: label, Raw: Keep(value), Secret: secret, Op: op, From: from}
}

// KeyShare is an ephemeral key exchange seen from both sides.
type KeyShare struct {
	Group         string `json:"group"`
	ClientPublic  string `json:"clientPublic"`
	ServerPublic  string `json:"serverPublic"`
	ClientPrivate string `json:"clientPrivate"`
	ServerPrivate string `json:"serverPrivate"`
	ClientShared  string `json:"clientShared"`
	ServerShared  string `json:"serverShared"`
	Match         bool   `json:"match"`
}

// Named is a named byte string, for ordered lists of secrets.
type Named struct {
	Name  string
	Value []byte
}

// N returns a Named.
func N(name string, value []byte) Named { return Named{Name: name, Value: value} }

// Failure records how a side failed: with the alert it sent, or on the
// alert it received.
func (r *Recorder) Failure(step int, actor string, a string, received bool, err error) {
	if received {
		r.Add(step, actor, "Receives a fatal "+a+" alert from the peer and gives up")
		return
	}
	r.Add(step, actor, "Aborts the connection with a fatal "+a+" alert",
		Text("Error", err.Error(), "the connection is dead; no plaintext from the failing record is released"))
}
