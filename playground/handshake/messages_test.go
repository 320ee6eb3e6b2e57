package handshake

import (
	"bytes"
	"testing"
)

func sampleMessages() []Message {
	return []Message{
		&ClientHello{Version: 0x0303, Random: bytes.Repeat([]byte{1}, 32), SessionID: []byte{}, CipherSuites: []uint16{0x009c, 0x009d}, Compression: []uint8{0},
			Extensions: []Extension{{Type: ExtServerName, Data: []byte{0, 4, 0, 0, 1, 'a'}}, {Type: ExtExtendedMasterSecret}}},
		&ServerHello{Version: 0x0303, Random: bytes.Repeat([]byte{2}, 32), SessionID: []byte{}, CipherSuite: 0x009c, Extensions: []Extension{{Type: ExtRenegotiationInfo, Data: []byte{0}}}},
		&Certificate{Certificates: [][]byte{{1, 2, 3}, {4, 5}}},
		&ServerHelloDone{},
		&ClientKeyExchange{EncryptedPreMaster: bytes.Repeat([]byte{7}, 256)},
		&Finished{VerifyData: bytes.Repeat([]byte{9}, 12)},
		&EncryptedExtensions{Extensions: []Extension{{Type: ExtServerName}}},
		&Certificate13{Context: []byte{}, Entries: []CertificateEntry{{Data: []byte{1, 2}}, {Data: []byte{3}, Extensions: []Extension{{Type: 5, Data: []byte{1}}}}}},
		&CertificateVerify{Scheme: 0x0804, Signature: bytes.Repeat([]byte{4}, 64)},
		&NewSessionTicket{Lifetime: 7200, AgeAdd: 1, Nonce: []byte{0}, Ticket: []byte{1, 2, 3}, Extensions: []Extension{}},
		&KeyUpdate{UpdateRequest: true},
	}
}

func unmarshal(typ uint8, raw []byte) (Message, error) {
	switch typ {
	case TypeClientHello:
		return UnmarshalClientHello(raw)
	case TypeServerHello:
		return UnmarshalServerHello(raw)
	case TypeCertificate:
		if m, err := UnmarshalCertificate(raw); err == nil {
			return m, nil
		}
		return UnmarshalCertificate13(raw)
	case TypeServerHelloDone:
		return UnmarshalServerHelloDone(raw)
	case TypeClientKeyExchange:
		return UnmarshalClientKeyExchange(raw)
	case TypeFinished:
		return UnmarshalFinished(raw)
	case TypeEncryptedExtensions:
		return UnmarshalEncryptedExtensions(raw)
	case TypeCertificateVerify:
		return UnmarshalCertificateVerify(raw)
	case TypeNewSessionTicket:
		return UnmarshalNewSessionTicket(raw)
	case TypeKeyUpdate:
		return UnmarshalKeyUpdate(raw)
	}
	return nil, errDecode(TypeName(typ))
}

// TestRoundTrip marshals every message, parses it back, and checks that no
// truncated prefix and no extended message still parses.
func TestRoundTrip(t *testing.T) {
	for _, m := range sampleMessages() {
		raw := m.Marshal()
		back, err := unmarshal(m.Type(), raw)
		if err != nil {
			t.Fatalf("%s: %v", TypeName(m.Type()), err)
		}
		if !bytes.Equal(back.Marshal(), raw) {
			t.Fatalf("%s: round trip changed the bytes", TypeName(m.Type()))
		}
		if _, ok := m.(*Certificate13); ok {
			// Two formats share the type; check this one's own parser.
			for n := 0; n < len(raw); n++ {
				if _, err := UnmarshalCertificate13(raw[:n]); err == nil {
					t.Fatalf("Certificate13: a %d-byte prefix parses", n)
				}
			}
			continue
		}
		for n := 0; n < len(raw); n++ {
			if _, err := unmarshal(m.Type(), raw[:n]); err == nil {
				t.Fatalf("%s: a %d-byte prefix of %d parses", TypeName(m.Type()), n, len(raw))
			}
		}
		if _, err := unmarshal(m.Type(), append(append([]byte{}, raw...), 0)); err == nil {
			t.Fatalf("%s: trailing byte accepted", TypeName(m.Type()))
		}
	}
}

// FuzzUnmarshal: no input panics any parser, and what parses re-marshals
// to the same bytes.
func FuzzUnmarshal(f *testing.F) {
	for _, m := range sampleMessages() {
		f.Add(m.Marshal())
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) == 0 {
			return
		}
		m, err := unmarshal(raw[0], raw)
		if err != nil {
			return
		}
		if !bytes.Equal(m.Marshal(), raw) {
			t.Fatalf("%s re-marshals differently", TypeName(raw[0]))
		}
	})
}
