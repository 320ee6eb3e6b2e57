package session

import (
	"strings"
	"testing"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
)

func TestMITM(t *testing.T) {
	real := testSetup(t)
	// Mallory's own root and an RSA key (the classic handshake needs one).
	mallory, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("mallory"))})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{ModeClassic, ModeTLS13} {
		// Without her root in the trust store, the client refuses.
		m, err := NewMITM(real, mallory, false, Options{Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		e := m.Export()
		if m.Right != nil || e.Left.Error == nil || e.Left.Error.Side != "client" || e.Left.Error.Alert != "bad_certificate" ||
			!strings.Contains(e.Left.Error.Message, "x509: certificate signed by unknown authority") {
			t.Fatalf("%s, untrusted: %+v", mode, e.Left.Error)
		}
		if _, err := m.Send("client", "x"); err == nil {
			t.Fatal("sent through a refused Mallory")
		}
		// With her root added, she reads and rewrites both ways.
		m, err = NewMITM(real, mallory, true, Options{Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		m.Rewrite = UpperRewrite
		if got, err := m.Send("client", "pay 100 to Bob"); err != nil || got != "pay 10000 to Bob" {
			t.Fatalf("%s: server got %q, %v", mode, got, err)
		}
		if got, err := m.Send("server", "paid 100"); err != nil || got != "paid 10000" {
			t.Fatalf("%s: client got %q, %v", mode, got, err)
		}
		e = m.Export()
		if e.Left.Error != nil || e.Right.Error != nil || len(e.Mallory) < 3 || e.Left.Secrets["masterSecret"] == e.Right.Secrets["masterSecret"] {
			t.Fatalf("%s, trusted: %+v %+v %d", mode, e.Left.Error, e.Right.Error, len(e.Mallory))
		}
	}
}
