package tls13

import (
	"bytes"
	"crypto"
	"testing"

	"tlsplayground/playground/suites"
)

// TestEmptyHash checks the written-out Hash("") of both suites' hashes.
func TestEmptyHash(t *testing.T) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		if got, want := emptyHash(h), h.New().Sum(nil); !bytes.Equal(got, want) {
			t.Errorf("%v: emptyHash %x, want %x", h, got, want)
		}
	}
}

// TestScheduleFinishedMAC checks that the schedule's Finished MAC, with its
// own HMAC, is crypto/hmac's, for keys of each hash's size, after the
// schedule's HMAC has been used for other keys.
func TestScheduleFinishedMAC(t *testing.T) {
	for _, s := range []*suites.Suite{suites.AES128GCMSHA256, suites.AES256GCMSHA384} {
		k := NewSchedule(s)
		k.Start(bytes.Repeat([]byte{7}, 32))
		th := bytes.Repeat([]byte{9}, s.Hash.Size())
		k.HandshakeTraffic(th)
		fk := k.FinishedKey(k.ClientHandshake, "c_hs", "client")
		got, want := k.FinishedMAC(fk, th), FinishedMAC(s.Hash, fk, th)
		if !bytes.Equal(got, want) || len(got) != s.Hash.Size() {
			t.Errorf("%s: FinishedMAC %x, want %x", s.Name, got, want)
		}
		if again := k.FinishedMAC(fk, th); !bytes.Equal(again, got) {
			t.Errorf("%s: a second FinishedMAC %x, want %x", s.Name, again, got)
		}
	}
}
