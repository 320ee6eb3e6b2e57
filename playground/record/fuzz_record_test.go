package record_test

import (
	"bytes"
	"errors"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/record"
)

// These fuzz targets cover the record layer a peer reaches first: framing
// (Parse, Drain) and the removal of AEAD protection (Open, Open13). Seeds:
// testdata/fuzz/<Target>/ holds the records of two real captures
// (scripts/fuzzseed extracts them), the f.Add calls records the engine
// sealed itself.

// alertOf returns the alert an error carries, failing the test when it
// carries none: every record-layer failure must name the alert it sends.
func alertOf(t *testing.T, err error) alert.Alert {
	t.Helper()
	var a *alert.Error
	if !errors.As(err, &a) {
		t.Fatalf("error without an alert: %v", err)
	}
	return a.Alert
}

// FuzzParse: framing. Parse never panics, never returns more bytes than it
// was given, returns a record that marshals back to the bytes it consumed,
// and every error is an alert. Drain over the same bytes split at an
// arbitrary point yields the same records as Drain in one go.
func FuzzParse(f *testing.F) {
	f.Add([]byte{22, 3, 1, 0, 5, 1, 0, 0, 1, 0}, uint16(3))
	f.Add(record.Record{Type: record.TypeApplicationData, Version: record.VersionTLS12, Payload: make([]byte, record.MaxCiphertext)}.Marshal(), uint16(100))
	f.Add([]byte{23, 3, 3, 0x48, 0x01}, uint16(0)) // over 2^14 + 2048
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		r, n, err := record.Parse(data)
		switch {
		case err != nil:
			alertOf(t, err)
			if n != 0 {
				t.Fatalf("error with n = %d", n)
			}
		case n > len(data):
			t.Fatalf("n = %d of %d bytes", n, len(data))
		case n > 0:
			if !bytes.Equal(r.Marshal(), data[:n]) {
				t.Fatalf("record does not marshal back to its %d bytes", n)
			}
			if len(r.Payload) > record.MaxCiphertext {
				t.Fatalf("accepted a %d-byte payload", len(r.Payload))
			}
		}
		var whole, split []record.Record
		var wires [][]byte
		var buf1, buf2 []byte
		err1 := record.Drain(&buf1, data, func(r record.Record, wire []byte) error { whole = append(whole, r); return nil })
		c := int(cut)
		if c > len(data) {
			c = len(data)
		}
		keep := func(r record.Record, wire []byte) error {
			split, wires = append(split, r), append(wires, wire)
			return nil
		}
		err2 := record.Drain(&buf2, data[:c], keep)
		if err2 == nil {
			err2 = record.Drain(&buf2, data[c:], keep)
		}
		// Drain hands out slices of its buffer: those of the records read
		// in the first call must be intact after the second.
		for i, w := range wires {
			if !bytes.Equal(w, split[i].Marshal()) {
				t.Fatalf("record %d's wire bytes are not the record when split at %d", i, c)
			}
		}
		if (err1 == nil) != (err2 == nil) || len(whole) != len(split) {
			t.Fatalf("split at %d: %d records (%v) vs %d (%v)", c, len(whole), err1, len(split), err2)
		}
		for i := range whole {
			if !bytes.Equal(whole[i].Marshal(), split[i].Marshal()) {
				t.Fatalf("record %d differs when split at %d", i, c)
			}
		}
		if err1 == nil && !bytes.Equal(buf1, buf2) {
			t.Fatal("a different partial record is kept")
		}
	})
}

// protectors returns matching sender and receiver protectors for one of
// the AEAD constructions the engine uses: TLS 1.2 AES-GCM (explicit
// nonce), TLS 1.2 ChaCha20-Poly1305, TLS 1.3 AES-GCM, TLS 1.3 ChaCha20.
func protectors(t testing.TB, which uint8) (seal, open *record.Protector, tls13 bool) {
	key16, key32 := bytes.Repeat([]byte{0x42}, 16), bytes.Repeat([]byte{0x43}, 32)
	iv4, iv12 := []byte{1, 2, 3, 4}, bytes.Repeat([]byte{5}, 12)
	mk := func() (*record.Protector, error) {
		switch which % 4 {
		case 0:
			return record.New12("AES-GCM", key16, iv4)
		case 1:
			return record.New12("ChaCha20-Poly1305", key32, iv12)
		case 2:
			return record.New13("AES-GCM", key16, iv12)
		}
		return record.New13("ChaCha20-Poly1305", key32, iv12)
	}
	s, err := mk()
	if err != nil {
		t.Fatal(err)
	}
	o, _ := mk()
	return s, o, which%4 >= 2
}

// FuzzOpen: arbitrary wire bytes given to a receiver with keys. Open and
// Open13 never panic, fail only with bad_record_mac, record_overflow or
// unexpected_message, and never return more than 2^14 bytes of plaintext.
func FuzzOpen(f *testing.F) {
	for w := uint8(0); w < 4; w++ {
		s, _, tls13 := protectors(f, w)
		var r record.Record
		if tls13 {
			r, _ = s.Seal13(record.TypeHandshake, []byte{20, 0, 0, 32}, 3)
		} else {
			r, _ = s.Seal(record.TypeApplicationData, record.VersionTLS12, []byte("GET / HTTP/1.1\r\n\r\n"))
		}
		f.Add(w, r.Marshal())
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		r, n, err := record.Parse(data)
		if err != nil || n == 0 {
			return
		}
		_, o, tls13 := protectors(t, which)
		var plain []byte
		if tls13 {
			plain, _, _, err = o.Open13(r)
		} else {
			plain, _, err = o.Open(r)
		}
		if err != nil {
			switch a := alertOf(t, err); a {
			case alert.BadRecordMAC, alert.RecordOverflow, alert.UnexpectedMessage:
			default:
				t.Fatalf("Open: alert %v", a)
			}
			return
		}
		if len(plain) > record.MaxPlaintext {
			t.Fatalf("%d bytes of plaintext", len(plain))
		}
	})
}

// FuzzProtect: the inner plaintext (RFC 8446, Section 5.2) and the TLS 1.2
// plaintext are chosen by the fuzzer; sealed and opened, they come back
// unchanged, with their content type; one flipped byte on the wire is
// bad_record_mac; inner plaintext over 2^14 bytes is record_overflow.
func FuzzProtect(f *testing.F) {
	f.Add(uint8(2), uint8(22), []byte{1, 0, 0, 0}, uint16(0), uint16(3))
	f.Add(uint8(3), uint8(23), []byte("hello\x00\x00"), uint16(10), uint16(0))
	f.Add(uint8(0), uint8(21), []byte{1, 0}, uint16(0), uint16(9))
	f.Fuzz(func(t *testing.T, which, typ uint8, plain []byte, padding, flip uint16) {
		if len(plain) > record.MaxPlaintext+256 || int(padding) > record.MaxPlaintext {
			return
		}
		s, o, tls13 := protectors(t, which)
		if !tls13 {
			typ = record.TypeChangeCipherSpec + typ%4 // the outer type is on the wire
		}
		var r record.Record
		if tls13 {
			r, _ = s.Seal13(typ, plain, int(padding))
		} else {
			r, _ = s.Seal(typ, record.VersionTLS12, plain)
		}
		wire := r.Marshal()
		if int(flip) < len(wire) && flip >= record.HeaderLen {
			tampered := append([]byte(nil), wire...)
			tampered[flip] ^= 0x80
			tr, _, err := record.Parse(tampered)
			if err == nil {
				_, o2, _ := protectors(t, which)
				if tls13 {
					_, _, _, err = o2.Open13(tr)
				} else {
					_, _, err = o2.Open(tr)
				}
				if err == nil {
					t.Fatalf("byte %d flipped, the record still opens", flip)
				}
			}
		}
		back, n, err := record.Parse(wire)
		if err != nil || n != len(wire) {
			// Sealed records longer than the wire limit are the sender's
			// error, not the receiver's; Parse must refuse them.
			if len(r.Payload) <= record.MaxCiphertext {
				t.Fatalf("Parse of a %d-byte record: %v", len(r.Payload), err)
			}
			return
		}
		if !tls13 {
			got, _, err := o.Open(back)
			if len(plain) > record.MaxPlaintext {
				if err == nil || alertOf(t, err) != alert.RecordOverflow {
					t.Fatalf("%d-byte plaintext: %v, want record_overflow", len(plain), err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("round trip: %v", err)
			}
			return
		}
		got, gotType, _, err := o.Open13(back)
		inner := len(plain) + 1 + int(padding)
		switch {
		case len(back.Payload) > record.MaxPlaintext+256:
			if err == nil || alertOf(t, err) != alert.RecordOverflow {
				t.Fatalf("%d-byte protected record: %v, want record_overflow", len(back.Payload), err)
			}
		case typ == 0:
			// A zero type is padding: the content ends at the last non-zero
			// byte of the plaintext, or there is none.
			if err == nil && gotType == 0 {
				t.Fatal("content type 0 returned")
			}
		case len(plain) > record.MaxPlaintext:
			if err == nil || alertOf(t, err) != alert.RecordOverflow {
				t.Fatalf("%d-byte content (inner %d): %v, want record_overflow", len(plain), inner, err)
			}
		default:
			if err != nil || gotType != typ || !bytes.Equal(got, plain) {
				t.Fatalf("round trip: type %d, %v", gotType, err)
			}
		}
	})
}
