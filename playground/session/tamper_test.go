package session

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"tlsplayground/playground/record"
)

// flip returns a Deliver hook that flips one bit of byte pos of record idx.
func flip(idx, pos int) func(string, int, []byte) []byte {
	return func(_ string, i int, wire []byte) []byte {
		if i == idx && pos < len(wire) {
			wire[pos] ^= 0x01
		}
		return wire
	}
}

// recordIndex finds the first record carrying name from side.
func recordIndex(t *testing.T, name, from string) (int, int) {
	s, _ := New(testSetup(t), Options{Seed: []byte("tamper")})
	s.Send("client", "secret message")
	for _, m := range s.Export().Messages {
		if m.Name == name && m.From == from {
			n := len(s.Export().Records[m.Record].Hex) / 2
			return m.Record, n
		}
	}
	t.Fatalf("no %s from %s", name, from)
	return 0, 0
}

// TestTamper changes every single byte of the protected parts of the
// handshake and of an application record. The receiver must fail with the
// right alert and release no plaintext.
func TestTamper(t *testing.T) {
	cases := []struct {
		name, from string
		start      int // first byte position to change
		alert      string
		side       string
	}{
		// The encrypted pre-master secret (after record and handshake
		// headers and the 2-byte length): the server quietly derives a random
		// pre-master, so the client's Finished record fails to decrypt.
		{"ClientKeyExchange", "client", record.HeaderLen + 4 + 2, "bad_record_mac", "server"},
		// An encrypted Finished: nonce, ciphertext or tag.
		{"Finished", "client", record.HeaderLen, "bad_record_mac", "server"},
		{"Finished", "server", record.HeaderLen, "bad_record_mac", "client"},
		{"ApplicationData", "client", record.HeaderLen, "bad_record_mac", "server"},
	}
	for _, c := range cases {
		t.Run(c.from+" "+c.name, func(t *testing.T) {
			idx, n := recordIndex(t, c.name, c.from)
			for pos := c.start; pos < n; pos++ {
				s, err := New(testSetup(t), Options{Seed: []byte("tamper"), Deliver: flip(idx, pos)})
				if err != nil {
					t.Fatal(err)
				}
				var ex *Exchange
				if s.Established() {
					ex, _ = s.Send("client", "secret message")
				}
				e := s.Export()
				if e.Error == nil || e.Error.Alert != c.alert || e.Error.Side != c.side {
					t.Fatalf("byte %d: error = %+v, want %s at %s", pos, e.Error, c.alert, c.side)
				}
				if ex != nil && ex.Decrypted != "" {
					t.Fatalf("byte %d: plaintext released: %q", pos, ex.Decrypted)
				}
			}
		})
	}
}

// TestTamperTranscript changes the server name inside the clear
// ClientHello. Without the extended master secret the keys do not depend on
// it, so every record still decrypts, but the transcripts differ and the
// Finished check fails with decrypt_error. With the extended master secret
// the session hash covers the ClientHello, so the keys differ and the
// Finished record itself fails: bad_record_mac.
func TestTamperTranscript(t *testing.T) {
	s0, _ := New(testSetup(t), Options{Seed: []byte("tamper")})
	ch, _ := hex.DecodeString(s0.Export().Records[0].Hex)
	pos := bytes.Index(ch, []byte(testSetup(t).ServerName))
	if pos < 0 {
		t.Fatal("no server name in the ClientHello")
	}
	for _, c := range []struct {
		disableEMS bool
		alert      string
	}{{true, "decrypt_error"}, {false, "bad_record_mac"}} {
		s, _ := New(testSetup(t), Options{Seed: []byte("tamper"), DisableEMS: c.disableEMS, Deliver: flip(0, pos)})
		e := s.Export()
		if e.Error == nil || e.Error.Alert != c.alert || e.Error.Side != "server" {
			t.Fatalf("ems=%v: error = %+v, want %s", !c.disableEMS, e.Error, c.alert)
		}
		if c.alert == "decrypt_error" && !strings.Contains(e.Error.Message, "Finished") {
			t.Fatalf("message %q does not name the Finished check", e.Error.Message)
		}
	}
}

// TestTamperNoPanic changes each byte of every handshake record, with two
// different changes, and only asks that nothing panics and the handshake
// does not succeed with a changed message (except where the change is in a
// field the protocol leaves unauthenticated, which TLS 1.2 has none of
// after Finished).
func TestTamperNoPanic(t *testing.T) {
	s, _ := New(testSetup(t), Options{Seed: []byte("tamper")})
	e := s.Export()
	for idx, r := range e.Records {
		n := len(r.Hex) / 2
		for pos := 0; pos < n; pos++ {
			if idx <= 1 && (pos == 1 || pos == 2) {
				continue // the hellos' record versions are read before the version is agreed and are not authenticated (RFC 5246, Appendix E.1)
			}
			for _, mask := range []byte{0x01, 0x80} {
				s, err := New(testSetup(t), Options{Seed: []byte("tamper"), Deliver: func(_ string, i int, w []byte) []byte {
					if i == idx {
						w[pos] ^= mask
					}
					return w
				}})
				if err != nil {
					t.Fatal(err)
				}
				if s.Established() {
					t.Fatalf("record %d (%s) byte %d ^%02x: handshake succeeded with a changed message", idx, e.Messages[idx].Name, pos, mask)
				}
				if s.Export().Error == nil {
					t.Fatalf("record %d byte %d: failed without an error", idx, pos)
				}
			}
		}
	}
}
