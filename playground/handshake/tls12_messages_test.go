package handshake

import (
	"bytes"
	"testing"

	"tlsplayground/playground/alert"
)

// TestTLS12MessagesRoundTrip: HelloRequest and the TLS 1.2
// CertificateRequest marshal, parse back to the same bytes, and no
// truncated or extended copy parses.
func TestTLS12MessagesRoundTrip(t *testing.T) {
	parse := map[uint8]func([]byte) (Message, error){
		TypeHelloRequest: func(b []byte) (Message, error) { return UnmarshalHelloRequest(b) },
		TypeCertificateRequest: func(b []byte) (Message, error) {
			return UnmarshalCertificateRequest12(b)
		},
	}
	for _, m := range []Message{
		&HelloRequest{},
		&CertificateRequest12{CertificateTypes: []uint8{CertTypeRSASign, CertTypeECDSASign}, SignatureSchemes: []uint16{0x0403, 0x0804}, CertificateAuthorities: [][]byte{{0x30, 0}, {0x30, 1, 2}}},
		&CertificateRequest12{CertificateTypes: []uint8{CertTypeRSASign}},
	} {
		raw := m.Marshal()
		back, err := parse[m.Type()](raw)
		if err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !bytes.Equal(back.Marshal(), raw) {
			t.Errorf("%T: round trip changed the bytes", m)
		}
		for n := HeaderLen; n < len(raw); n++ {
			cut := append([]byte(nil), raw[:n]...)
			cut[3] = byte(n - HeaderLen) // a consistent header, so only the body is short
			if _, err := parse[m.Type()](cut); err == nil {
				t.Errorf("%T truncated to %d bytes parses", m, n)
			}
		}
		long := append(append([]byte(nil), raw...), 0)
		long[3]++
		if _, err := parse[m.Type()](long); err == nil {
			t.Errorf("%T with a trailing byte parses", m)
		}
	}
}

// TestCertificateRequest12Malformed: each malformed field is decode_error
// (RFC 5246, Section 7.4.4).
func TestCertificateRequest12Malformed(t *testing.T) {
	for name, body := range map[string][]byte{
		"no certificate types":  {0, 0, 0, 0, 0},
		"odd scheme list":       {1, 1, 0, 3, 4, 1, 5, 0, 0},
		"empty CA name":         {1, 1, 0, 0, 0, 2, 0, 0},
		"CA name past the list": {1, 1, 0, 0, 0, 3, 0, 4, 0x30},
	} {
		raw := append([]byte{TypeCertificateRequest, 0, 0, byte(len(body))}, body...)
		_, err := UnmarshalCertificateRequest12(raw)
		if a, ok := alert.Of(err); !ok || a != alert.DecodeError {
			t.Errorf("%s: %v, want decode_error", name, err)
		}
	}
}
