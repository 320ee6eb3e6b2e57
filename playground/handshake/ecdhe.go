package handshake

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/alert"
)

// CurveTypeNamedCurve is the only ECCurveType left in TLS 1.2: the curve is
// named by its code point (RFC 8422, Section 5.4; explicit curves were
// deprecated).
const CurveTypeNamedCurve uint8 = 3

// PointFormatUncompressed is the one ECPointFormat RFC 8422 keeps (Section
// 5.1.2); x25519 keys are always sent as their 32 bytes.
const PointFormatUncompressed uint8 = 0

// PointFormatsExtension is ec_point_formats data offering uncompressed
// points only (RFC 8422, Section 5.1.2).
func PointFormatsExtension() []byte { return []byte{1, PointFormatUncompressed} }

// ParsePointFormats reads ec_point_formats data: a non-empty list of
// one-byte formats.
func ParsePointFormats(data []byte) ([]uint8, bool) {
	s := cryptobyte.String(data)
	var list cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&list) || !s.Empty() || len(list) == 0 {
		return nil, false
	}
	return append([]uint8{}, list...), true
}

// ServerKeyExchange is the TLS 1.2 ECDHE ServerKeyExchange: the server's
// ephemeral public key on a named curve (ServerECDHParams) and its signature,
// with the certificate's key, over both randoms and those parameters (RFC
// 8422, Section 5.4; RFC 5246, Section 7.4.3).
type ServerKeyExchange struct {
	Raw       []byte
	Group     uint16 // the NamedCurve (supported_groups code point)
	Public    []byte // the ECPoint: 32 bytes for x25519, 65 (uncompressed) for secp256r1
	Scheme    uint16 // SignatureAndHashAlgorithm, a SignatureScheme code point (RFC 5246, Section 7.4.1.4.1)
	Signature []byte
}

func (*ServerKeyExchange) Type() uint8 { return TypeServerKeyExchange }

// Params returns ServerECDHParams as sent: curve type, named curve and the
// length-prefixed point. These bytes, not the parsed values, are signed.
func (m *ServerKeyExchange) Params() []byte {
	var b cryptobyte.Builder
	b.AddUint8(CurveTypeNamedCurve)
	b.AddUint16(m.Group)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Public) })
	return b.BytesOrPanic()
}

// SignedMessage returns what the signature covers: ClientHello.random +
// ServerHello.random + ServerECDHParams (RFC 8422, Section 5.4). The randoms
// bind the ephemeral key to this handshake, so a recorded ServerKeyExchange
// cannot be replayed into another one.
func (m *ServerKeyExchange) SignedMessage(clientRandom, serverRandom []byte) []byte {
	p := m.Params()
	msg := make([]byte, 0, len(clientRandom)+len(serverRandom)+len(p))
	return append(append(append(msg, clientRandom...), serverRandom...), p...)
}

func (m *ServerKeyExchange) Marshal() []byte {
	return wrap(TypeServerKeyExchange, func(b *cryptobyte.Builder) {
		b.AddBytes(m.Params())
		b.AddUint16(m.Scheme)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Signature) })
	})
}

// UnmarshalServerKeyExchange parses an ECDHE ServerKeyExchange (header
// included). A curve type other than named_curve is illegal_parameter.
func UnmarshalServerKeyExchange(raw []byte) (*ServerKeyExchange, error) {
	s, err := body(raw, TypeServerKeyExchange)
	if err != nil {
		return nil, err
	}
	m := &ServerKeyExchange{Raw: raw}
	var curveType uint8
	if !s.ReadUint8(&curveType) {
		return nil, errDecode("ServerKeyExchange")
	}
	if curveType != CurveTypeNamedCurve {
		return nil, alert.New(alert.IllegalParameter, fmt.Sprintf("tls: ServerKeyExchange has curve type %d: only named curves (3) are allowed (RFC 8422, Section 5.4)", curveType))
	}
	var point, sig cryptobyte.String
	if !s.ReadUint16(&m.Group) || !s.ReadUint8LengthPrefixed(&point) || len(point) == 0 ||
		!s.ReadUint16(&m.Scheme) || !s.ReadUint16LengthPrefixed(&sig) || len(sig) == 0 || !s.Empty() {
		return nil, errDecode("ServerKeyExchange")
	}
	m.Public = append([]byte{}, point...)
	m.Signature = append([]byte{}, sig...)
	return m, nil
}

// ClientKeyExchangeECDHE carries the client's ephemeral public key with a
// one-byte length (ClientECDiffieHellmanPublic, RFC 8422, Section 5.7). It
// shares its message type with the RSA ClientKeyExchange; the negotiated
// suite says which one arrives.
type ClientKeyExchangeECDHE struct {
	Raw    []byte
	Public []byte
}

func (*ClientKeyExchangeECDHE) Type() uint8 { return TypeClientKeyExchange }

func (m *ClientKeyExchangeECDHE) Marshal() []byte {
	return wrap(TypeClientKeyExchange, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Public) })
	})
}

// UnmarshalClientKeyExchangeECDHE parses raw (header included).
func UnmarshalClientKeyExchangeECDHE(raw []byte) (*ClientKeyExchangeECDHE, error) {
	s, err := body(raw, TypeClientKeyExchange)
	if err != nil {
		return nil, err
	}
	var point cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&point) || len(point) == 0 || !s.Empty() {
		return nil, errDecode("ClientKeyExchange")
	}
	return &ClientKeyExchangeECDHE{Raw: raw, Public: append([]byte{}, point...)}, nil
}
