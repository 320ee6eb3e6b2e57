package handshake

import (
	"bytes"
	"testing"

	"tlsplayground/playground/alert"
)

func ecdheMessages() []Message {
	return []Message{
		&ServerKeyExchange{Group: 0x001d, Public: bytes.Repeat([]byte{3}, 32), Scheme: 0x0804, Signature: bytes.Repeat([]byte{4}, 256)},
		&ServerKeyExchange{Group: 0x0017, Public: append([]byte{4}, bytes.Repeat([]byte{5}, 64)...), Scheme: 0x0403, Signature: bytes.Repeat([]byte{6}, 71)},
		&ClientKeyExchangeECDHE{Public: bytes.Repeat([]byte{7}, 32)},
		&ClientKeyExchangeECDHE{Public: append([]byte{4}, bytes.Repeat([]byte{8}, 64)...)},
	}
}

func unmarshalECDHE(typ uint8, raw []byte) (Message, error) {
	switch typ {
	case TypeServerKeyExchange:
		return UnmarshalServerKeyExchange(raw)
	case TypeClientKeyExchange:
		return UnmarshalClientKeyExchangeECDHE(raw)
	}
	return nil, errDecode(TypeName(typ))
}

// TestECDHERoundTrip marshals the ECDHE messages, parses them back, and
// checks that no truncated prefix and no extended message still parses.
func TestECDHERoundTrip(t *testing.T) {
	for _, m := range ecdheMessages() {
		raw := m.Marshal()
		back, err := unmarshalECDHE(m.Type(), raw)
		if err != nil {
			t.Fatalf("%s: %v", TypeName(m.Type()), err)
		}
		if !bytes.Equal(back.Marshal(), raw) {
			t.Fatalf("%s: round trip changed the bytes", TypeName(m.Type()))
		}
		for n := 0; n < len(raw); n++ {
			if _, err := unmarshalECDHE(m.Type(), raw[:n]); err == nil {
				t.Fatalf("%s: a %d-byte prefix of %d parses", TypeName(m.Type()), n, len(raw))
			}
		}
		if _, err := unmarshalECDHE(m.Type(), append(append([]byte{}, raw...), 0)); err == nil {
			t.Fatalf("%s: trailing byte accepted", TypeName(m.Type()))
		}
	}
}

// TestServerKeyExchangeLayout checks the bytes against RFC 8422, Section
// 5.4, and what the signature covers.
func TestServerKeyExchangeLayout(t *testing.T) {
	m := &ServerKeyExchange{Group: 0x001d, Public: []byte{0xaa, 0xbb}, Scheme: 0x0403, Signature: []byte{0xcc}}
	want := []byte{12, 0, 0, 11, 3, 0x00, 0x1d, 2, 0xaa, 0xbb, 0x04, 0x03, 0, 1, 0xcc}
	if got := m.Marshal(); !bytes.Equal(got, want) {
		t.Fatalf("ServerKeyExchange = %x, want %x", got, want)
	}
	if got := m.Params(); !bytes.Equal(got, want[4:10]) {
		t.Fatalf("Params = %x, want %x", got, want[4:10])
	}
	cr, sr := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	if got := m.SignedMessage(cr, sr); !bytes.Equal(got, append(append(append([]byte{}, cr...), sr...), want[4:10]...)) {
		t.Fatalf("SignedMessage = %x", got)
	}
	ckx := (&ClientKeyExchangeECDHE{Public: []byte{9, 9}}).Marshal()
	if !bytes.Equal(ckx, []byte{16, 0, 0, 3, 2, 9, 9}) {
		t.Fatalf("ClientKeyExchange = %x", ckx)
	}
}

// TestServerKeyExchangeRejects: explicit curves are illegal_parameter; an
// empty point or signature is decode_error.
func TestServerKeyExchangeRejects(t *testing.T) {
	for _, tt := range []struct {
		name string
		body []byte
		want alert.Alert
	}{
		{"explicit prime curve", []byte{1, 0, 0x1d, 1, 9, 4, 3, 0, 1, 1}, alert.IllegalParameter},
		{"explicit char2 curve", []byte{2, 0, 0x1d, 1, 9, 4, 3, 0, 1, 1}, alert.IllegalParameter},
		{"empty point", []byte{3, 0, 0x1d, 0, 4, 3, 0, 1, 1}, alert.DecodeError},
		{"empty signature", []byte{3, 0, 0x1d, 1, 9, 4, 3, 0, 0}, alert.DecodeError},
	} {
		raw := append([]byte{TypeServerKeyExchange, 0, 0, byte(len(tt.body))}, tt.body...)
		_, err := UnmarshalServerKeyExchange(raw)
		if a, ok := alert.Of(err); !ok || a != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
		}
	}
	if _, err := UnmarshalClientKeyExchangeECDHE([]byte{16, 0, 0, 1, 0}); err == nil {
		t.Error("ClientKeyExchange with an empty point parses")
	}
}

// FuzzUnmarshalECDHE: no input panics the ECDHE parsers, and what parses
// re-marshals to the same bytes.
func FuzzUnmarshalECDHE(f *testing.F) {
	for _, m := range ecdheMessages() {
		f.Add(m.Marshal())
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) == 0 {
			return
		}
		m, err := unmarshalECDHE(raw[0], raw)
		if err != nil {
			return
		}
		if !bytes.Equal(m.Marshal(), raw) {
			t.Fatalf("%s re-marshals differently", TypeName(raw[0]))
		}
	})
}

func TestPointFormats(t *testing.T) {
	if f, ok := ParsePointFormats(PointFormatsExtension()); !ok || len(f) != 1 || f[0] != PointFormatUncompressed {
		t.Fatalf("ParsePointFormats(PointFormatsExtension()) = %v, %v", f, ok)
	}
	for _, bad := range [][]byte{nil, {0}, {2, 0}, {1, 0, 0}} {
		if _, ok := ParsePointFormats(bad); ok {
			t.Errorf("ParsePointFormats(%x) accepted", bad)
		}
	}
}
