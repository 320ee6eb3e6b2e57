package handshake

import (
	"bytes"
	"testing"

	"tlsplayground/playground/alert"
)

// TestCertificateRequest13: round trip, no truncated prefix or trailing
// byte parses, and the extensions block is required (RFC 8446, Section 4.3.2).
func TestCertificateRequest13(t *testing.T) {
	m := &CertificateRequest13{Context: []byte{7}, Extensions: []Extension{{Type: ExtSignatureAlgorithms, Data: MarshalUint16List([]uint16{0x0804}, 2)}}}
	raw := m.Marshal()
	back, err := UnmarshalCertificateRequest13(raw)
	if err != nil || !bytes.Equal(back.Marshal(), raw) || !bytes.Equal(back.Context, []byte{7}) {
		t.Fatalf("round trip: %v", err)
	}
	for n := 0; n < len(raw); n++ {
		if _, err := UnmarshalCertificateRequest13(raw[:n]); err == nil {
			t.Fatalf("a %d-byte prefix parses", n)
		}
	}
	if _, err := UnmarshalCertificateRequest13(append(append([]byte{}, raw...), 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
	// Context only, no extensions block.
	if _, err := UnmarshalCertificateRequest13([]byte{TypeCertificateRequest, 0, 0, 1, 0}); err == nil {
		t.Fatal("a CertificateRequest without extensions parses")
	}
}

// TestKeyUpdateValue: request_update 2 is illegal_parameter, a wrong length
// decode_error (RFC 8446, Section 4.6.3).
func TestKeyUpdateValue(t *testing.T) {
	for _, c := range []struct {
		raw  []byte
		want alert.Alert
	}{
		{[]byte{TypeKeyUpdate, 0, 0, 1, 2}, alert.IllegalParameter},
		{[]byte{TypeKeyUpdate, 0, 0, 2, 0, 0}, alert.DecodeError},
		{[]byte{TypeKeyUpdate, 0, 0, 0}, alert.DecodeError},
	} {
		_, err := UnmarshalKeyUpdate(c.raw)
		if a, _ := alert.Of(err); a != c.want {
			t.Fatalf("%x: %v, want %s", c.raw, err, c.want)
		}
	}
}

// TestDuplicateGroup: two shares for one group parse, and are found.
func TestDuplicateGroup(t *testing.T) {
	d := MarshalClientKeyShares([]KeyShareEntry{{Group: 29, Data: []byte{1}}, {Group: 23, Data: []byte{2}}, {Group: 29, Data: []byte{3}}})
	shares, ok := ParseClientKeyShares(d)
	if !ok || len(shares) != 3 {
		t.Fatal("did not parse")
	}
	if g, dup := DuplicateGroup(shares); !dup || g != 29 {
		t.Fatalf("got %d %v", g, dup)
	}
	if _, dup := DuplicateGroup(shares[:2]); dup {
		t.Fatal("no duplicate reported one")
	}
}
