package handshake

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/alert"
)

// This file holds the TLS 1.3 messages (RFC 8446, Section 4) and the
// extensions TLS 1.3 depends on. ClientHello and ServerHello are shared
// with TLS 1.2 (messages.go); a HelloRetryRequest is a ServerHello with a
// fixed random.

// HelloRetryRandom marks a ServerHello as a HelloRetryRequest (RFC 8446,
// Section 4.1.3): SHA-256("HelloRetryRequest").
var HelloRetryRandom = []byte{
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
}

// DowngradeTLS12 is what a server that supports TLS 1.3 puts in the last 8
// bytes of its random when it negotiates TLS 1.2 (RFC 8446, Section 4.1.3):
// "DOWNGRD" and 01. A client that offered TLS 1.3 and sees it knows someone
// removed TLS 1.3 from its ClientHello.
var DowngradeTLS12 = []byte{0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01}

// DowngradeTLS11 is the sentinel of a server that supports TLS 1.3 and
// negotiates TLS 1.1 or below (RFC 8446, Section 4.1.3): the engine never
// does, but a client must recognise it.
var DowngradeTLS11 = []byte{0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00}

// KeyShareEntry is one key share (RFC 8446, Section 4.2.8).
type KeyShareEntry struct {
	Group uint16
	Data  []byte
}

// MarshalClientKeyShares is the client's key_share extension data.
func MarshalClientKeyShares(shares []KeyShareEntry) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, k := range shares {
			b.AddUint16(k.Group)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(k.Data) })
		}
	})
	return b.BytesOrPanic()
}

// ParseClientKeyShares parses the client's key_share extension data. A
// group offered twice parses (it is illegal_parameter, not decode_error,
// RFC 8446, Section 4.2.8: see DuplicateGroup).
func ParseClientKeyShares(data []byte) ([]KeyShareEntry, bool) {
	s := cryptobyte.String(data)
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || !s.Empty() {
		return nil, false
	}
	var out []KeyShareEntry
	for !list.Empty() {
		var k KeyShareEntry
		var d cryptobyte.String
		if !list.ReadUint16(&k.Group) || !list.ReadUint16LengthPrefixed(&d) || len(d) == 0 {
			return nil, false
		}
		k.Data = append([]byte{}, d...)
		out = append(out, k)
	}
	return out, true
}

// DuplicateGroup returns a group that has more than one key share, if any
// (RFC 8446, Section 4.2.8: "Clients MUST NOT offer multiple KeyShareEntry
// values for the same group").
func DuplicateGroup(shares []KeyShareEntry) (uint16, bool) {
	seen := map[uint16]bool{}
	for _, k := range shares {
		if seen[k.Group] {
			return k.Group, true
		}
		seen[k.Group] = true
	}
	return 0, false
}

// MarshalServerKeyShare is the server's key_share extension data.
func MarshalServerKeyShare(k KeyShareEntry) []byte {
	var b cryptobyte.Builder
	b.AddUint16(k.Group)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(k.Data) })
	return b.BytesOrPanic()
}

// ParseServerKeyShare parses the server's key_share extension data.
func ParseServerKeyShare(data []byte) (KeyShareEntry, bool) {
	s := cryptobyte.String(data)
	var k KeyShareEntry
	var d cryptobyte.String
	if !s.ReadUint16(&k.Group) || !s.ReadUint16LengthPrefixed(&d) || !s.Empty() || len(d) == 0 {
		return k, false
	}
	k.Data = append([]byte{}, d...)
	return k, true
}

// MarshalUint16List writes a list of 16-bit values with a length of
// lenBytes (1 for supported_versions in ClientHello, 2 otherwise).
func MarshalUint16List(vals []uint16, lenBytes int) []byte {
	var b cryptobyte.Builder
	body := func(b *cryptobyte.Builder) {
		for _, v := range vals {
			b.AddUint16(v)
		}
	}
	if lenBytes == 1 {
		b.AddUint8LengthPrefixed(body)
	} else {
		b.AddUint16LengthPrefixed(body)
	}
	return b.BytesOrPanic()
}

// ParseUint16List reads such a list; it must be whole and non-empty.
func ParseUint16List(data []byte, lenBytes int) ([]uint16, bool) {
	s := cryptobyte.String(data)
	var list cryptobyte.String
	ok := false
	if lenBytes == 1 {
		ok = s.ReadUint8LengthPrefixed(&list)
	} else {
		ok = s.ReadUint16LengthPrefixed(&list)
	}
	if !ok || !s.Empty() || len(list) == 0 || len(list)%2 != 0 {
		return nil, false
	}
	var out []uint16
	for !list.Empty() {
		var v uint16
		list.ReadUint16(&v)
		out = append(out, v)
	}
	return out, true
}

// EncryptedExtensions (RFC 8446, Section 4.3.1).
type EncryptedExtensions struct {
	Raw        []byte
	Extensions []Extension
}

func (*EncryptedExtensions) Type() uint8 { return TypeEncryptedExtensions }

func (m *EncryptedExtensions) Marshal() []byte {
	return wrap(TypeEncryptedExtensions, func(b *cryptobyte.Builder) {
		exts := m.Extensions
		if exts == nil {
			exts = []Extension{}
		}
		addExtensions(b, exts)
	})
}

// UnmarshalEncryptedExtensions parses raw (header included).
func UnmarshalEncryptedExtensions(raw []byte) (*EncryptedExtensions, error) {
	s, err := body(raw, TypeEncryptedExtensions)
	if err != nil {
		return nil, err
	}
	if s.Empty() {
		return nil, errDecode("EncryptedExtensions")
	}
	exts, ok := readExtensions(&s)
	if !ok || !s.Empty() {
		return nil, errDecode("EncryptedExtensions")
	}
	return &EncryptedExtensions{Raw: raw, Extensions: exts}, nil
}

// CertificateEntry is one certificate with its extensions.
type CertificateEntry struct {
	Data       []byte
	Extensions []Extension
}

// Certificate13 is the TLS 1.3 Certificate message (RFC 8446, Section 4.4.2).
type Certificate13 struct {
	Raw     []byte
	Context []byte
	Entries []CertificateEntry
}

func (*Certificate13) Type() uint8 { return TypeCertificate }

func (m *Certificate13) Marshal() []byte {
	return wrap(TypeCertificate, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Context) })
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, e := range m.Entries {
				b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(e.Data) })
				exts := e.Extensions
				if exts == nil {
					exts = []Extension{}
				}
				addExtensions(b, exts)
			}
		})
	})
}

// Certificates returns the DER of each entry.
func (m *Certificate13) Certificates() [][]byte {
	out := make([][]byte, len(m.Entries))
	for i, e := range m.Entries {
		out[i] = e.Data
	}
	return out
}

// UnmarshalCertificate13 parses raw (header included).
func UnmarshalCertificate13(raw []byte) (*Certificate13, error) {
	s, err := body(raw, TypeCertificate)
	if err != nil {
		return nil, err
	}
	m := &Certificate13{Raw: raw}
	var ctx, list cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&ctx) || !s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
		return nil, errDecode("Certificate")
	}
	m.Context = append([]byte{}, ctx...)
	for !list.Empty() {
		var e CertificateEntry
		var d, extBlock cryptobyte.String
		if !list.ReadUint24LengthPrefixed(&d) || len(d) == 0 || !list.ReadUint16LengthPrefixed(&extBlock) {
			return nil, errDecode("Certificate")
		}
		e.Data = append([]byte{}, d...)
		for !extBlock.Empty() {
			var x Extension
			var xd cryptobyte.String
			if !extBlock.ReadUint16(&x.Type) || !extBlock.ReadUint16LengthPrefixed(&xd) {
				return nil, errDecode("Certificate")
			}
			x.Data = append([]byte{}, xd...)
			e.Extensions = append(e.Extensions, x)
		}
		m.Entries = append(m.Entries, e)
	}
	return m, nil
}

// CertificateVerify (RFC 8446, Section 4.4.3).
type CertificateVerify struct {
	Raw       []byte
	Scheme    uint16
	Signature []byte
}

func (*CertificateVerify) Type() uint8 { return TypeCertificateVerify }

func (m *CertificateVerify) Marshal() []byte {
	return wrap(TypeCertificateVerify, func(b *cryptobyte.Builder) {
		b.AddUint16(m.Scheme)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Signature) })
	})
}

// UnmarshalCertificateVerify parses raw (header included).
func UnmarshalCertificateVerify(raw []byte) (*CertificateVerify, error) {
	s, err := body(raw, TypeCertificateVerify)
	if err != nil {
		return nil, err
	}
	m := &CertificateVerify{Raw: raw}
	var sig cryptobyte.String
	if !s.ReadUint16(&m.Scheme) || !s.ReadUint16LengthPrefixed(&sig) || !s.Empty() || len(sig) == 0 {
		return nil, errDecode("CertificateVerify")
	}
	m.Signature = append([]byte{}, sig...)
	return m, nil
}

// UnmarshalFinished13 parses a TLS 1.3 Finished whose verify_data is the
// size of the suite's hash.
func UnmarshalFinished13(raw []byte, size int) (*Finished, error) {
	s, err := body(raw, TypeFinished)
	if err != nil || len(s) != size {
		return nil, errDecode("Finished")
	}
	return &Finished{Raw: raw, VerifyData: append([]byte{}, s...)}, nil
}

// NewSessionTicket (RFC 8446, Section 4.6.1).
type NewSessionTicket struct {
	Raw        []byte
	Lifetime   uint32
	AgeAdd     uint32
	Nonce      []byte
	Ticket     []byte
	Extensions []Extension
}

func (*NewSessionTicket) Type() uint8 { return TypeNewSessionTicket }

func (m *NewSessionTicket) Marshal() []byte {
	return wrap(TypeNewSessionTicket, func(b *cryptobyte.Builder) {
		b.AddUint32(m.Lifetime)
		b.AddUint32(m.AgeAdd)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Nonce) })
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Ticket) })
		exts := m.Extensions
		if exts == nil {
			exts = []Extension{}
		}
		addExtensions(b, exts)
	})
}

// UnmarshalNewSessionTicket parses raw (header included).
func UnmarshalNewSessionTicket(raw []byte) (*NewSessionTicket, error) {
	s, err := body(raw, TypeNewSessionTicket)
	if err != nil {
		return nil, err
	}
	m := &NewSessionTicket{Raw: raw}
	var nonce, ticket cryptobyte.String
	if !s.ReadUint32(&m.Lifetime) || !s.ReadUint32(&m.AgeAdd) || !s.ReadUint8LengthPrefixed(&nonce) ||
		!s.ReadUint16LengthPrefixed(&ticket) || len(ticket) == 0 {
		return nil, errDecode("NewSessionTicket")
	}
	m.Nonce, m.Ticket = append([]byte{}, nonce...), append([]byte{}, ticket...)
	exts, ok := readExtensions(&s)
	if !ok || !s.Empty() || exts == nil {
		return nil, errDecode("NewSessionTicket")
	}
	m.Extensions = exts
	return m, nil
}

// KeyUpdate (RFC 8446, Section 4.6.3).
type KeyUpdate struct {
	Raw           []byte
	UpdateRequest bool
}

func (*KeyUpdate) Type() uint8 { return TypeKeyUpdate }

func (m *KeyUpdate) Marshal() []byte {
	return wrap(TypeKeyUpdate, func(b *cryptobyte.Builder) {
		if m.UpdateRequest {
			b.AddUint8(1)
		} else {
			b.AddUint8(0)
		}
	})
}

// UnmarshalKeyUpdate parses raw (header included). A request_update other
// than update_not_requested (0) or update_requested (1) is illegal_parameter
// (RFC 8446, Section 4.6.3).
func UnmarshalKeyUpdate(raw []byte) (*KeyUpdate, error) {
	s, err := body(raw, TypeKeyUpdate)
	if err != nil || len(s) != 1 {
		return nil, errDecode("KeyUpdate")
	}
	if s[0] > 1 {
		return nil, alert.New(alert.IllegalParameter, fmt.Sprintf("tls: KeyUpdate request_update is %d: RFC 8446, Section 4.6.3 allows only 0 and 1", s[0]))
	}
	return &KeyUpdate{Raw: raw, UpdateRequest: s[0] == 1}, nil
}

// CertificateRequest13 is the TLS 1.3 CertificateRequest (RFC 8446,
// Section 4.3.2): the server asks for a client certificate. The context is
// echoed in the client's Certificate; signature_algorithms must be among the
// extensions.
type CertificateRequest13 struct {
	Raw        []byte
	Context    []byte
	Extensions []Extension
}

func (*CertificateRequest13) Type() uint8 { return TypeCertificateRequest }

func (m *CertificateRequest13) Marshal() []byte {
	return wrap(TypeCertificateRequest, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Context) })
		exts := m.Extensions
		if exts == nil {
			exts = []Extension{}
		}
		addExtensions(b, exts)
	})
}

// UnmarshalCertificateRequest13 parses raw (header included).
func UnmarshalCertificateRequest13(raw []byte) (*CertificateRequest13, error) {
	s, err := body(raw, TypeCertificateRequest)
	if err != nil {
		return nil, err
	}
	m := &CertificateRequest13{Raw: raw}
	var ctx cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&ctx) || s.Empty() {
		return nil, errDecode("CertificateRequest")
	}
	m.Context = append([]byte{}, ctx...)
	exts, ok := readExtensions(&s)
	if !ok || !s.Empty() {
		return nil, errDecode("CertificateRequest")
	}
	m.Extensions = exts
	return m, nil
}
