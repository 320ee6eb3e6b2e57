// Package handshake holds every TLS 1.2 handshake message the engine speaks:
// a struct each, with Marshal and Unmarshal (RFC 5246, Section 7.4). Raw
// keeps the exact bytes, header included, as they enter the transcript.
package handshake

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/alert"
)

// HandshakeType values (RFC 5246, Section 7.4).
const (
	TypeHelloRequest          uint8 = 0
	TypeClientHello           uint8 = 1
	TypeServerHello           uint8 = 2
	TypeNewSessionTicket      uint8 = 4
	TypeEndOfEarlyData        uint8 = 5
	TypeEncryptedExtensions   uint8 = 8
	TypeCertificate           uint8 = 11
	TypeServerKeyExchange     uint8 = 12
	TypeCertificateRequest    uint8 = 13
	TypeServerHelloDone       uint8 = 14
	TypeCertificateVerify     uint8 = 15
	TypeClientKeyExchange     uint8 = 16
	TypeFinished              uint8 = 20
	TypeCertificateStatus     uint8 = 22 // RFC 6066, Section 8: the stapled OCSP response, after Certificate
	TypeKeyUpdate             uint8 = 24
	TypeCompressedCertificate uint8 = 25 // RFC 8879
	TypeMessageHash           uint8 = 254
)

// HeaderLen is the handshake message header: type and 24-bit length.
const HeaderLen = 4

// messageNames is the one table of handshake message names.
var messageNames = map[uint8]string{
	TypeHelloRequest:          "HelloRequest",
	TypeClientHello:           "ClientHello",
	TypeServerHello:           "ServerHello",
	TypeCertificate:           "Certificate",
	TypeServerKeyExchange:     "ServerKeyExchange",
	TypeCertificateRequest:    "CertificateRequest",
	TypeServerHelloDone:       "ServerHelloDone",
	TypeCertificateVerify:     "CertificateVerify",
	TypeClientKeyExchange:     "ClientKeyExchange",
	TypeFinished:              "Finished",
	TypeCertificateStatus:     "CertificateStatus",
	TypeNewSessionTicket:      "NewSessionTicket",
	TypeEndOfEarlyData:        "EndOfEarlyData",
	TypeEncryptedExtensions:   "EncryptedExtensions",
	TypeKeyUpdate:             "KeyUpdate",
	TypeMessageHash:           "message_hash",
	TypeCompressedCertificate: "CompressedCertificate",
}

// TypeName names a handshake message type.
func TypeName(t uint8) string {
	if n, ok := messageNames[t]; ok {
		return n
	}
	return fmt.Sprintf("handshake_type(%d)", t)
}

// Extension types (IANA TLS ExtensionType Values).
const (
	ExtServerName              uint16 = 0
	ExtSupportedGroups         uint16 = 10
	ExtECPointFormats          uint16 = 11
	ExtSignatureAlgorithms     uint16 = 13
	ExtALPN                    uint16 = 16
	ExtSCT                     uint16 = 18
	ExtEncryptThenMAC          uint16 = 22
	ExtExtendedMasterSecret    uint16 = 23
	ExtSessionTicket           uint16 = 35
	ExtSupportedVersions       uint16 = 43
	ExtPSKModes                uint16 = 45
	ExtKeyShare                uint16 = 51
	ExtRenegotiationInfo       uint16 = 0xff01
	ExtStatusRequest           uint16 = 5
	ExtPreSharedKey            uint16 = 41
	ExtEarlyData               uint16 = 42
	ExtCookie                  uint16 = 44
	ExtRecordSizeLimit         uint16 = 28
	ExtPadding                 uint16 = 21 // RFC 7685
	ExtCertificateAuthorities  uint16 = 47
	ExtOIDFilters              uint16 = 48
	ExtPostHandshakeAuth       uint16 = 49
	ExtSignatureAlgorithmsCert uint16 = 50
)

var extensionNames = map[uint16]string{
	ExtServerName:              "server_name",
	ExtStatusRequest:           "status_request",
	ExtSupportedGroups:         "supported_groups",
	ExtECPointFormats:          "ec_point_formats",
	ExtSignatureAlgorithms:     "signature_algorithms",
	ExtALPN:                    "application_layer_protocol_negotiation",
	ExtSCT:                     "signed_certificate_timestamp",
	ExtEncryptThenMAC:          "encrypt_then_mac",
	ExtExtendedMasterSecret:    "extended_master_secret",
	ExtSessionTicket:           "session_ticket",
	ExtSupportedVersions:       "supported_versions",
	ExtPSKModes:                "psk_key_exchange_modes",
	ExtKeyShare:                "key_share",
	ExtRenegotiationInfo:       "renegotiation_info",
	ExtPreSharedKey:            "pre_shared_key",
	ExtEarlyData:               "early_data",
	ExtCookie:                  "cookie",
	ExtRecordSizeLimit:         "record_size_limit",
	ExtPadding:                 "padding",
	ExtCertificateAuthorities:  "certificate_authorities",
	ExtOIDFilters:              "oid_filters",
	ExtPostHandshakeAuth:       "post_handshake_auth",
	ExtSignatureAlgorithmsCert: "signature_algorithms_cert",
	// Code points real clients send that the engine does not implement,
	// named so that a browser's hello reads right.
	27:     "compress_certificate",                  // RFC 8879
	34:     "delegated_credentials",                 // RFC 9345
	17513:  "application_settings (old code point)", // draft-vvv-tls-alps
	17613:  "application_settings",                  // draft-vvv-tls-alps
	0xca34: "trust_anchors",                         // draft-ietf-tls-trust-anchor-ids
	0xfd00: "ech_outer_extensions",                  // draft-ietf-tls-esni
	0xfe0d: "encrypted_client_hello",                // draft-ietf-tls-esni
}

// ExtensionName names an extension type.
func ExtensionName(t uint16) string {
	if n, ok := extensionNames[t]; ok {
		return n
	}
	return fmt.Sprintf("extension(%d)", t)
}

// Extension is one extension as sent.
type Extension struct {
	Type uint16
	Data []byte
}

// Message is any handshake message.
type Message interface {
	Type() uint8
	Marshal() []byte
}

func errDecode(name string) error {
	return alert.New(alert.DecodeError, "tls: malformed "+name+" message: a length or field does not match the bytes")
}

// wrap adds the handshake header to a body.
func wrap(typ uint8, body func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddUint8(typ)
	b.AddUint24LengthPrefixed(body)
	return b.BytesOrPanic()
}

// Split reads one whole handshake message from the front of buf, returning
// its type and raw bytes (header included), or n == 0 if incomplete.
func Split(buf []byte, max int) (typ uint8, raw []byte, n int, err error) {
	if len(buf) < HeaderLen {
		return 0, nil, 0, nil
	}
	length := int(buf[1])<<16 | int(buf[2])<<8 | int(buf[3])
	if length > max {
		return 0, nil, 0, alert.New(alert.IllegalParameter, fmt.Sprintf("tls: handshake message of %d bytes exceeds the limit of %d", length, max))
	}
	if len(buf) < HeaderLen+length {
		return 0, nil, 0, nil
	}
	return buf[0], append([]byte(nil), buf[:HeaderLen+length]...), HeaderLen + length, nil
}

// body checks the header of raw and returns its body.
func body(raw []byte, typ uint8) (cryptobyte.String, error) {
	s := cryptobyte.String(raw)
	var t uint8
	var body cryptobyte.String
	if !s.ReadUint8(&t) || t != typ || !s.ReadUint24LengthPrefixed(&body) || !s.Empty() {
		return nil, errDecode(TypeName(typ))
	}
	return body, nil
}

// readExtensions parses an optional extensions block; it rejects a
// duplicated extension (RFC 5246, Section 7.4.1.4).
func readExtensions(s *cryptobyte.String) ([]Extension, bool) {
	if s.Empty() {
		return nil, true
	}
	exts := []Extension{} // present, perhaps empty: not nil
	var block cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&block) {
		return nil, false
	}
	seen := map[uint16]bool{}
	for !block.Empty() {
		var e Extension
		var data cryptobyte.String
		if !block.ReadUint16(&e.Type) || !block.ReadUint16LengthPrefixed(&data) {
			return nil, false
		}
		if seen[e.Type] {
			return nil, false
		}
		seen[e.Type] = true
		e.Data = append([]byte{}, data...)
		exts = append(exts, e)
	}
	return exts, true
}

// addExtensions writes the extensions block; a nil list writes none, an
// empty non-nil list an empty block.
func addExtensions(b *cryptobyte.Builder, exts []Extension) {
	if exts == nil {
		return
	}
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, e := range exts {
			b.AddUint16(e.Type)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(e.Data) })
		}
	})
}

// Find returns the data of extension t and whether it is present.
func Find(exts []Extension, t uint16) ([]byte, bool) {
	for _, e := range exts {
		if e.Type == t {
			return e.Data, true
		}
	}
	return nil, false
}

// ClientHello (RFC 5246, Section 7.4.1.2).
type ClientHello struct {
	Raw          []byte
	Version      uint16
	Random       []byte // 32 bytes
	SessionID    []byte
	CipherSuites []uint16
	Compression  []uint8
	Extensions   []Extension
}

func (*ClientHello) Type() uint8 { return TypeClientHello }

func (m *ClientHello) Marshal() []byte {
	return wrap(TypeClientHello, func(b *cryptobyte.Builder) {
		b.AddUint16(m.Version)
		b.AddBytes(m.Random)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SessionID) })
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, s := range m.CipherSuites {
				b.AddUint16(s)
			}
		})
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Compression) })
		addExtensions(b, m.Extensions)
	})
}

// UnmarshalClientHello parses raw (header included).
func UnmarshalClientHello(raw []byte) (*ClientHello, error) {
	s, err := body(raw, TypeClientHello)
	if err != nil {
		return nil, err
	}
	m := &ClientHello{Raw: raw}
	var sid, suites, comp cryptobyte.String
	if !s.ReadUint16(&m.Version) || !s.ReadBytes(&m.Random, 32) ||
		!s.ReadUint8LengthPrefixed(&sid) || len(sid) > 32 ||
		!s.ReadUint16LengthPrefixed(&suites) || len(suites) == 0 || len(suites)%2 != 0 ||
		!s.ReadUint8LengthPrefixed(&comp) || len(comp) == 0 {
		return nil, errDecode("ClientHello")
	}
	m.SessionID = append([]byte{}, sid...)
	for !suites.Empty() {
		var id uint16
		suites.ReadUint16(&id)
		m.CipherSuites = append(m.CipherSuites, id)
	}
	m.Compression = append([]uint8{}, comp...)
	exts, ok := readExtensions(&s)
	if !ok || !s.Empty() {
		return nil, errDecode("ClientHello")
	}
	m.Extensions = exts
	return m, nil
}

// ServerHello (RFC 5246, Section 7.4.1.3).
type ServerHello struct {
	Raw         []byte
	Version     uint16
	Random      []byte
	SessionID   []byte
	CipherSuite uint16
	Compression uint8
	Extensions  []Extension
}

func (*ServerHello) Type() uint8 { return TypeServerHello }

func (m *ServerHello) Marshal() []byte {
	return wrap(TypeServerHello, func(b *cryptobyte.Builder) {
		b.AddUint16(m.Version)
		b.AddBytes(m.Random)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SessionID) })
		b.AddUint16(m.CipherSuite)
		b.AddUint8(m.Compression)
		addExtensions(b, m.Extensions)
	})
}

// UnmarshalServerHello parses raw (header included).
func UnmarshalServerHello(raw []byte) (*ServerHello, error) {
	s, err := body(raw, TypeServerHello)
	if err != nil {
		return nil, err
	}
	m := &ServerHello{Raw: raw}
	var sid cryptobyte.String
	if !s.ReadUint16(&m.Version) || !s.ReadBytes(&m.Random, 32) ||
		!s.ReadUint8LengthPrefixed(&sid) || len(sid) > 32 ||
		!s.ReadUint16(&m.CipherSuite) || !s.ReadUint8(&m.Compression) {
		return nil, errDecode("ServerHello")
	}
	m.SessionID = append([]byte{}, sid...)
	exts, ok := readExtensions(&s)
	if !ok || !s.Empty() {
		return nil, errDecode("ServerHello")
	}
	m.Extensions = exts
	return m, nil
}

// Certificate carries the server's chain, leaf first (RFC 5246, Section 7.4.2).
type Certificate struct {
	Raw          []byte
	Certificates [][]byte
}

func (*Certificate) Type() uint8 { return TypeCertificate }

func (m *Certificate) Marshal() []byte {
	return wrap(TypeCertificate, func(b *cryptobyte.Builder) {
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, c := range m.Certificates {
				b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c) })
			}
		})
	})
}

// UnmarshalCertificate parses raw (header included).
func UnmarshalCertificate(raw []byte) (*Certificate, error) {
	s, err := body(raw, TypeCertificate)
	if err != nil {
		return nil, err
	}
	m := &Certificate{Raw: raw}
	var list cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
		return nil, errDecode("Certificate")
	}
	for !list.Empty() {
		var c cryptobyte.String
		if !list.ReadUint24LengthPrefixed(&c) || len(c) == 0 {
			return nil, errDecode("Certificate")
		}
		m.Certificates = append(m.Certificates, append([]byte{}, c...))
	}
	return m, nil
}

// ServerHelloDone ends the server's first flight (RFC 5246, Section 7.4.5).
type ServerHelloDone struct{ Raw []byte }

func (*ServerHelloDone) Type() uint8 { return TypeServerHelloDone }

func (m *ServerHelloDone) Marshal() []byte {
	return wrap(TypeServerHelloDone, func(*cryptobyte.Builder) {})
}

// UnmarshalServerHelloDone parses raw (header included).
func UnmarshalServerHelloDone(raw []byte) (*ServerHelloDone, error) {
	s, err := body(raw, TypeServerHelloDone)
	if err != nil || !s.Empty() {
		return nil, errDecode("ServerHelloDone")
	}
	return &ServerHelloDone{Raw: raw}, nil
}

// ClientKeyExchange for RSA key transport carries the encrypted pre-master
// secret with a two-byte length (RFC 5246, Section 7.4.7.1).
type ClientKeyExchange struct {
	Raw                []byte
	EncryptedPreMaster []byte
}

func (*ClientKeyExchange) Type() uint8 { return TypeClientKeyExchange }

func (m *ClientKeyExchange) Marshal() []byte {
	return wrap(TypeClientKeyExchange, func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.EncryptedPreMaster) })
	})
}

// UnmarshalClientKeyExchange parses raw (header included).
func UnmarshalClientKeyExchange(raw []byte) (*ClientKeyExchange, error) {
	s, err := body(raw, TypeClientKeyExchange)
	if err != nil {
		return nil, err
	}
	var epms cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&epms) || !s.Empty() || len(epms) == 0 {
		return nil, errDecode("ClientKeyExchange")
	}
	return &ClientKeyExchange{Raw: raw, EncryptedPreMaster: append([]byte{}, epms...)}, nil
}

// Finished carries verify_data (RFC 5246, Section 7.4.9).
type Finished struct {
	Raw        []byte
	VerifyData []byte
}

func (*Finished) Type() uint8 { return TypeFinished }

func (m *Finished) Marshal() []byte {
	return wrap(TypeFinished, func(b *cryptobyte.Builder) { b.AddBytes(m.VerifyData) })
}

// UnmarshalFinished parses raw (header included); verify_data is 12 bytes
// for every TLS 1.2 suite the engine implements.
func UnmarshalFinished(raw []byte) (*Finished, error) {
	s, err := body(raw, TypeFinished)
	if err != nil || len(s) != 12 {
		return nil, errDecode("Finished")
	}
	return &Finished{Raw: raw, VerifyData: append([]byte{}, s...)}, nil
}

// ErrUnexpected reports a message that arrived out of order.
func ErrUnexpected(got uint8, want string) error {
	return alert.New(alert.UnexpectedMessage, fmt.Sprintf("tls: received %s while waiting for %s", TypeName(got), want))
}
