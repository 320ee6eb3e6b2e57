// Package record is the TLS record layer (RFC 5246, Section 6.2): framing,
// and the AEAD protection of one direction with the nonce construction of
// RFC 5288, Section 3.
package record

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"

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
	p := make([]byte, length)
	copy(p, buf[HeaderLen:HeaderLen+length])
	return Record{Type: typ, Version: vers, Payload: p}, HeaderLen + length, nil
}

// Detail is everything that went into protecting one record, for the trace.
type Detail struct {
	Seq           uint64
	Nonce         []byte // fixed IV || explicit nonce
	ExplicitNonce []byte
	AAD           []byte // seq_num || type || version || length
	Ciphertext    []byte // without the tag
	Tag           []byte
}

// Protector is one direction of record protection with an AES-GCM key.
// The zero value is not usable; a nil *Protector means "no protection yet".
type Protector struct {
	aead    cipher.AEAD
	fixedIV []byte
	seq     uint64
	key     []byte
}

// NewGCM returns a Protector for AES-GCM with the key and the 4-byte
// implicit IV from the key block.
func NewGCM(key, fixedIV []byte) (*Protector, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(fixedIV) != 4 {
		return nil, errors.New("record: AES-GCM needs a 4-byte implicit IV")
	}
	return &Protector{aead: aead, fixedIV: append([]byte(nil), fixedIV...), key: append([]byte(nil), key...)}, nil
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

// Seal protects one record. The explicit nonce is the sequence number,
// which never repeats under one key (RFC 5288, Section 3).
func (p *Protector) Seal(typ uint8, vers uint16, plaintext []byte) (Record, Detail) {
	explicit := make([]byte, ExplicitNonceLen)
	binary.BigEndian.PutUint64(explicit, p.seq)
	nonce := append(append([]byte(nil), p.fixedIV...), explicit...)
	ad := additionalData(p.seq, typ, vers, len(plaintext))
	payload := append([]byte(nil), explicit...)
	payload = p.aead.Seal(payload, nonce, plaintext, ad)
	ct := payload[ExplicitNonceLen:]
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
	if len(r.Payload) < ExplicitNonceLen+TagLen {
		return nil, Detail{}, alert.New(alert.BadRecordMAC, fmt.Sprintf("tls: protected record of %d bytes is shorter than its nonce and tag", len(r.Payload)))
	}
	explicit := r.Payload[:ExplicitNonceLen]
	ct := r.Payload[ExplicitNonceLen:]
	nonce := append(append([]byte(nil), p.fixedIV...), explicit...)
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

// Discard overwrites the key material this direction holds: the end of a
// session ("the keys are thrown away").
func (p *Protector) Discard() {
	if p == nil {
		return
	}
	clear(p.key)
	clear(p.fixedIV)
	p.aead = nil
}
