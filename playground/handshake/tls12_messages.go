// TLS 1.2-only handshake messages: HelloRequest and the TLS 1.2
// CertificateRequest (RFC 5246, Sections 7.4.1.1 and 7.4.4). TLS 1.3 has no
// HelloRequest and a different CertificateRequest (RFC 8446, Section 4.3.2).

package handshake

import (
	"golang.org/x/crypto/cryptobyte"
)

// HelloRequest asks the client to start a new handshake (RFC 5246, Section
// 7.4.1.1). It has no body and never enters the transcript.
type HelloRequest struct{ Raw []byte }

func (*HelloRequest) Type() uint8 { return TypeHelloRequest }

func (m *HelloRequest) Marshal() []byte {
	return wrap(TypeHelloRequest, func(*cryptobyte.Builder) {})
}

// UnmarshalHelloRequest parses raw (header included); a body is decode_error.
func UnmarshalHelloRequest(raw []byte) (*HelloRequest, error) {
	s, err := body(raw, TypeHelloRequest)
	if err != nil || !s.Empty() {
		return nil, errDecode("HelloRequest")
	}
	return &HelloRequest{Raw: raw}, nil
}

// ClientCertificateType values (RFC 5246, Section 7.4.4; RFC 8422,
// Section 5.5).
const (
	CertTypeRSASign   uint8 = 1
	CertTypeECDSASign uint8 = 64
)

// CertificateRequest12 is the TLS 1.2 CertificateRequest (RFC 5246, Section
// 7.4.4): the certificate types and signature schemes the server accepts
// for a client certificate, and the distinguished names of the CAs it
// trusts (DER-encoded, each non-empty; the list may be empty).
type CertificateRequest12 struct {
	Raw                    []byte
	CertificateTypes       []uint8
	SignatureSchemes       []uint16
	CertificateAuthorities [][]byte
}

func (*CertificateRequest12) Type() uint8 { return TypeCertificateRequest }

func (m *CertificateRequest12) Marshal() []byte {
	return wrap(TypeCertificateRequest, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.CertificateTypes) })
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, s := range m.SignatureSchemes {
				b.AddUint16(s)
			}
		})
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, dn := range m.CertificateAuthorities {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(dn) })
			}
		})
	})
}

// UnmarshalCertificateRequest12 parses raw (header included). An empty
// certificate_types list, an odd-length scheme list, an empty
// distinguished name or trailing bytes are decode_error.
func UnmarshalCertificateRequest12(raw []byte) (*CertificateRequest12, error) {
	s, err := body(raw, TypeCertificateRequest)
	if err != nil {
		return nil, err
	}
	m := &CertificateRequest12{Raw: raw}
	var types, schemes, cas cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&types) || len(types) == 0 ||
		!s.ReadUint16LengthPrefixed(&schemes) || len(schemes)%2 != 0 ||
		!s.ReadUint16LengthPrefixed(&cas) || !s.Empty() {
		return nil, errDecode("CertificateRequest")
	}
	m.CertificateTypes = append([]uint8{}, types...)
	for !schemes.Empty() {
		var id uint16
		schemes.ReadUint16(&id)
		m.SignatureSchemes = append(m.SignatureSchemes, id)
	}
	for !cas.Empty() {
		var dn cryptobyte.String
		if !cas.ReadUint16LengthPrefixed(&dn) || len(dn) == 0 {
			return nil, errDecode("CertificateRequest")
		}
		m.CertificateAuthorities = append(m.CertificateAuthorities, append([]byte{}, dn...))
	}
	return m, nil
}
