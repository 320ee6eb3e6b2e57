// Package record is the TLS record layer (RFC 5246, Section 6.2): framing,
// and the AEAD protection of one direction with the nonce construction of
// RFC 5288, Section 3.
package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"tlsplayground/playground/alert"
)

// ContentType values (RFC 5246, Section 6.2.1).
const (
	TypeChangeCipherSpec uint8 = 20
	TypeAlert            uint8 = 21
	TypeHandshake        uint8 = 22
	TypeApplicationData  uint8 = 23
)

// TypeName names a content type.
func TypeName(t uint8) string {
	switch t {
	case TypeChangeCipherSpec:
		return "change_cipher_spec"
	case TypeAlert:
		return "alert"
	case TypeHandshake:
		return "handshake"
	case TypeApplicationData:
		return "application_data"
	}
	return fmt.Sprintf("content_type(%d)", t)
}

// Protocol versions on the wire.
const (
	VersionTLS10 uint16 = 0x0301
	VersionTLS12 uint16 = 0x0303
)

// Sizes (RFC 5246, Section 6.2).
const (
	HeaderLen        = 5
	MaxPlaintext     = 1 << 14
	MaxCiphertext    = MaxPlaintext + 2048
	ExplicitNonceLen = 8
	TagLen           = 16
)

// Record is one record as it travels: header fields and the payload
// (plaintext before protection is on, TLSCiphertext.fragment after).
type Record struct {
	Type    uint8
	Version uint16
	Payload []byte
}

// Marshal returns the record's wire bytes.
func (r Record) Marshal() []byte {
	b := make([]byte, HeaderLen, HeaderLen+len(r.Payload))
	b[0] = r.Type
	binary.BigEndian.PutUint16(b[1:], r.Version)
	binary.BigEndian.PutUint16(b[3:], uint16(len(r.Payload)))
	return append(b, r.Payload...)
}

// Parse reads one record from the front of buf. It returns n == 0 and no
// error when buf does not yet hold a whole record.
func Parse(buf []byte) (r Record, n int, err error) {
	r, n, err = parse(buf)
	if n > 0 {
		r.Payload = bytes.Clone(r.Payload)
	}
	return r, n, err
}

// parse is Parse with the payload a slice of buf, its capacity clipped.
func parse(buf []byte) (r Record, n int, err error) {
	if len(buf) < HeaderLen {
		return Record{}, 0, nil
	}
	typ := buf[0]
	if typ < TypeChangeCipherSpec || typ > TypeApplicationData {
		return Record{}, 0, alert.New(alert.UnexpectedMessage, fmt.Sprintf("tls: record has unknown content type %d: the peer does not speak TLS, or the stream is corrupted", typ))
	}
	vers := binary.BigEndian.Uint16(buf[1:])
	if vers>>8 != 3 {
		return Record{}, 0, alert.New(alert.ProtocolVersion, fmt.Sprintf("tls: record version 0x%04x is not a TLS version", vers))
	}
	length := int(binary.BigEndian.Uint16(buf[3:]))
	if length > MaxCiphertext {
		return Record{}, 0, alert.New(alert.RecordOverflow, fmt.Sprintf("tls: record of %d bytes exceeds the limit of %d", length, MaxCiphertext))
	}
	if len(buf) < HeaderLen+length {
		return Record{}, 0, nil
	}
	n = HeaderLen + length
	return Record{Type: typ, Version: vers, Payload: buf[HeaderLen:n:n]}, n, nil
}

// Out is one record an endpoint wants sent, with what it carries.
type Out struct {
	Wire      []byte // the record, header included
	Name      string // "ClientHello", "ChangeCipherSpec", "ApplicationData", "Alert", ...
	Step      int    // the teaching step (1 to 7)
	Encrypted bool
}

// Detail is everything that went into protecting one record, for the trace.
type Detail struct {
	Seq           uint64
	Nonce         []byte // fixed IV || explicit nonce
	ExplicitNonce []byte
	AAD           []byte // seq_num || type || version || length
	Ciphertext    []byte // without the tag
	Tag           []byte
	InnerType     uint8 // TLS 1.3: the real content type inside
	Padding       int   // TLS 1.3: zero bytes after it
}

// Protector is one direction of record protection: an AEAD key, its IV and
// the sequence number. TLS 1.2 AES-GCM sends an 8-byte explicit nonce after
// a 4-byte implicit one (RFC 5288, Section 3); TLS 1.2 ChaCha20-Poly1305
// (RFC 7905, Section 2) and TLS 1.3 (RFC 8446, Section 5.3) XOR the
// sequence number into a 12-byte IV. A nil *Protector means "no protection yet".
type Protector struct {
	aead     cipher.AEAD
	fixedIV  []byte
	explicit bool
	seq      uint64
	key      []byte
}

// NewAEAD returns the AEAD of a suite: kind is suites.AESGCM ("AES-GCM") or
// suites.ChaCha20Poly1305 ("ChaCha20-Poly1305").
func NewAEAD(kind string, key []byte) (cipher.AEAD, error) {
	switch kind {
	case "AES-GCM":
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(block)
	case "ChaCha20-Poly1305":
		return chacha20poly1305.New(key)
	}
	return nil, fmt.Errorf("record: unknown AEAD %q", kind)
}

// New12 returns a TLS 1.2 Protector for the suite's AEAD, with the write key
// and the implicit IV from the key block (4 bytes for AES-GCM, 12 for
// ChaCha20-Poly1305).
func New12(kind string, key, fixedIV []byte) (*Protector, error) {
	aead, err := NewAEAD(kind, key)
	if err != nil {
		return nil, err
	}
	p := &Protector{aead: aead, fixedIV: append([]byte(nil), fixedIV...), key: append([]byte(nil), key...)}
	switch {
	case kind == "AES-GCM" && len(fixedIV) == 4:
		p.explicit = true
	case len(fixedIV) == aead.NonceSize():
	default:
		return nil, fmt.Errorf("record: %s needs a %d-byte IV, got %d", kind, aead.NonceSize(), len(fixedIV))
	}
	return p, nil
}

// nonce returns the per-record nonce and the explicit part sent on the wire.
func (p *Protector) nonce() (nonce, explicit []byte) {
	if p.explicit {
		explicit = make([]byte, ExplicitNonceLen)
		binary.BigEndian.PutUint64(explicit, p.seq)
		return append(append([]byte(nil), p.fixedIV...), explicit...), explicit
	}
	nonce = append([]byte(nil), p.fixedIV...)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], p.seq)
	for i := range s {
		nonce[len(nonce)-8+i] ^= s[i]
	}
	return nonce, nil
}

// Seq returns the sequence number of the next record.
func (p *Protector) Seq() uint64 { return p.seq }

// additionalData is seq_num || type || version || length (RFC 5246,
// Section 6.2.3.3), length being that of the plaintext.
func additionalData(seq uint64, typ uint8, vers uint16, n int) []byte {
	ad := make([]byte, 13)
	binary.BigEndian.PutUint64(ad, seq)
	ad[8] = typ
	binary.BigEndian.PutUint16(ad[9:], vers)
	binary.BigEndian.PutUint16(ad[11:], uint16(n))
	return ad
}

// Seal protects one TLS 1.2 record. With AES-GCM the explicit nonce is the
// sequence number, which never repeats under one key (RFC 5288, Section 3).
func (p *Protector) Seal(typ uint8, vers uint16, plaintext []byte) (Record, Detail) {
	nonce, explicit := p.nonce()
	ad := additionalData(p.seq, typ, vers, len(plaintext))
	payload := append([]byte(nil), explicit...)
	payload = p.aead.Seal(payload, nonce, plaintext, ad)
	ct := payload[len(explicit):]
	d := Detail{Seq: p.seq, Nonce: nonce, ExplicitNonce: explicit, AAD: ad,
		Ciphertext: ct[:len(ct)-TagLen], Tag: ct[len(ct)-TagLen:]}
	p.seq++
	return Record{Type: typ, Version: vers, Payload: payload}, d
}

// Open checks and removes the protection of one record. On failure it
// returns bad_record_mac and no plaintext.
func (p *Protector) Open(r Record) ([]byte, Detail, error) {
	if p.aead == nil {
		return nil, Detail{}, alert.New(alert.UnexpectedMessage, "tls: record received after this direction's keys were discarded")
	}
	nonce, explicit := p.nonce()
	if len(r.Payload) < len(explicit)+TagLen {
		return nil, Detail{}, alert.New(alert.BadRecordMAC, fmt.Sprintf("tls: protected record of %d bytes is shorter than its nonce and tag", len(r.Payload)))
	}
	if p.explicit {
		explicit = r.Payload[:ExplicitNonceLen]
		nonce = append(append([]byte(nil), p.fixedIV...), explicit...)
	}
	ct := r.Payload[len(explicit):]
	n := len(ct) - TagLen
	if n > MaxPlaintext {
		return nil, Detail{}, alert.New(alert.RecordOverflow, "tls: decrypted record would exceed 16384 bytes")
	}
	ad := additionalData(p.seq, r.Type, r.Version, n)
	d := Detail{Seq: p.seq, Nonce: nonce, ExplicitNonce: explicit, AAD: ad, Ciphertext: ct[:n], Tag: ct[n:]}
	plain, err := p.aead.Open(nil, nonce, ct, ad)
	if err != nil {
		return nil, d, alert.New(alert.BadRecordMAC, "tls: record authentication failed (bad_record_mac): the record was changed on the way or the two sides derived different keys")
	}
	p.seq++
	return plain, d, nil
}

// Seal13 protects one TLS 1.3 record (RFC 8446, Section 5.2): the inner
// plaintext is the content, its real type and padding zeros; the outer
// header says application_data, and is the additional data.
func (p *Protector) Seal13(typ uint8, plaintext []byte, padding int) (Record, Detail) {
	return p.Seal13Version(typ, plaintext, padding, VersionTLS12)
}

// Seal13Version is Seal13 with another legacy_record_version in the header
// (and so in the additional data). RFC 8446, Section 5.1 has every TLS 1.3
// record say 0x0303 and the receiver ignore the field: the tests use it to
// play a peer that says something else.
func (p *Protector) Seal13Version(typ uint8, plaintext []byte, padding int, vers uint16) (Record, Detail) {
	inner := make([]byte, 0, len(plaintext)+1+padding)
	inner = append(append(inner, plaintext...), typ)
	inner = append(inner, make([]byte, padding)...)
	nonce, _ := p.nonce()
	ad := []byte{TypeApplicationData, byte(vers >> 8), byte(vers), 0, 0}
	binary.BigEndian.PutUint16(ad[3:], uint16(len(inner)+p.aead.Overhead()))
	payload := p.aead.Seal(nil, nonce, inner, ad)
	n := len(payload) - TagLen
	d := Detail{Seq: p.seq, Nonce: nonce, AAD: ad, Ciphertext: payload[:n], Tag: payload[n:], InnerType: typ, Padding: padding}
	p.seq++
	return Record{Type: TypeApplicationData, Version: vers, Payload: payload}, d
}

// Open13 removes TLS 1.3 protection and returns the content and its real
// type. A bad tag is bad_record_mac; an inner plaintext of only zeros is
// unexpected_message (RFC 8446, Section 5.4). A ciphertext over 2^14 + 256
// bytes (Section 5.2), or an inner plaintext over 2^14 + 1 bytes even when
// padding is what makes it so (Section 5.4), is record_overflow. The header's
// legacy_record_version is not checked (Section 5.1: it is ignored), but it
// is part of the additional data, as sent.
func (p *Protector) Open13(r Record) ([]byte, uint8, Detail, error) {
	if p.aead == nil {
		return nil, 0, Detail{}, alert.New(alert.UnexpectedMessage, "tls: record received after this direction's keys were discarded")
	}
	if r.Type != TypeApplicationData {
		return nil, 0, Detail{}, alert.New(alert.UnexpectedMessage, "tls: unprotected "+TypeName(r.Type)+" record after keys were set")
	}
	if len(r.Payload) < TagLen+1 {
		return nil, 0, Detail{}, alert.New(alert.BadRecordMAC, fmt.Sprintf("tls: protected record of %d bytes is shorter than its tag", len(r.Payload)))
	}
	if len(r.Payload) > MaxPlaintext+256 {
		return nil, 0, Detail{}, alert.New(alert.RecordOverflow, fmt.Sprintf("tls: protected record of %d bytes is longer than 2^14 + 256 (RFC 8446, Section 5.2)", len(r.Payload)))
	}
	nonce, _ := p.nonce()
	ad := []byte{r.Type, byte(r.Version >> 8), byte(r.Version), byte(len(r.Payload) >> 8), byte(len(r.Payload))} // the header, as received
	n := len(r.Payload) - TagLen
	d := Detail{Seq: p.seq, Nonce: nonce, AAD: ad, Ciphertext: r.Payload[:n], Tag: r.Payload[n:]}
	inner, err := p.aead.Open(nil, nonce, r.Payload, ad)
	if err != nil {
		return nil, 0, d, alert.New(alert.BadRecordMAC, "tls: record authentication failed (bad_record_mac): the record was changed on the way or the two sides derived different keys")
	}
	p.seq++
	if len(inner) > MaxPlaintext+1 {
		return nil, 0, d, alert.New(alert.RecordOverflow, fmt.Sprintf(
			"tls: the decrypted record holds %d bytes of content, type and padding: more than 2^14 + 1 (RFC 8446, Section 5.4: padding does not lift the limit)", len(inner)))
	}
	i := len(inner) - 1
	for i >= 0 && inner[i] == 0 {
		i--
	}
	if i < 0 {
		return nil, 0, d, alert.New(alert.UnexpectedMessage, "tls: protected record holds no content type")
	}
	d.InnerType, d.Padding = inner[i], len(inner)-1-i
	return inner[:i], inner[i], d, nil
}

// New13 returns a TLS 1.3 Protector from a traffic key and IV (RFC 8446,
// Section 7.3).
func New13(kind string, key, iv []byte) (*Protector, error) {
	aead, err := NewAEAD(kind, key)
	if err != nil {
		return nil, err
	}
	if len(iv) != aead.NonceSize() {
		return nil, fmt.Errorf("record: %s needs a %d-byte IV, got %d", kind, aead.NonceSize(), len(iv))
	}
	return &Protector{aead: aead, fixedIV: append([]byte(nil), iv...), key: append([]byte(nil), key...)}, nil
}

// Discard overwrites this direction's key and IV with zeros and drops its
// cipher.AEAD: the end of a session. The key schedule inside the dropped
// AEAD cannot be zeroed from here and waits for the garbage collector.
func (p *Protector) Discard() {
	if p == nil {
		return
	}
	clear(p.key)
	clear(p.fixedIV)
	p.aead = nil
}

// Drain appends data to *buf and calls handle for each whole record at
// its front, in order, with the record's wire bytes, keeping a partial
// record for later. It stops at the first error, from a malformed record or
// from handle. The record's payload and wire bytes are slices of *buf,
// their capacity clipped, and they stay as they are: Drain only ever
// appends to *buf beyond what it has handed out, and handle must not write
// to them (the records a connection received are kept as they came,
// without a copy each).
func Drain(buf *[]byte, data []byte, handle func(rec Record, wire []byte) error) error {
	*buf = append(*buf, data...)
	for {
		rec, n, err := parse(*buf)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		wire := (*buf)[:n:n]
		*buf = (*buf)[n:]
		if err := handle(rec, wire); err != nil {
			return err
		}
	}
}
