package token

import (
	"bytes"
	"testing"
	"time"
)

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{1}, 32)
	st := &State{Mode: "tls13", Group: "x25519", Seed: bytes.Repeat([]byte{2}, 32), Client: []byte{22, 3, 1}, Expires: time.Unix(1e9, 0), Flights: 2}
	tok, err := Seal(key, st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(key, tok)
	if err != nil || got.Mode != st.Mode || got.Group != st.Group || !bytes.Equal(got.Seed, st.Seed) ||
		!bytes.Equal(got.Client, st.Client) || !got.Expires.Equal(st.Expires) || got.Flights != st.Flights {
		t.Fatalf("opened %+v, %v; sealed %+v", got, err, st)
	}
	if _, err := Open(bytes.Repeat([]byte{3}, 32), tok); err != errTokenOpen {
		t.Fatalf("another key: %v", err)
	}
	if _, err := Open(key, "***"); err != errTokenSyntax {
		t.Fatalf("not base64url: %v", err)
	}
}
