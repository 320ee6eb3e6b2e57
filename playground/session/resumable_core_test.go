//go:build core

package session

import (
	"strings"
	"testing"

	"tlsplayground/playground/pki"
)

// resumableModes: the page's core engine (tag core) resumes nothing, so the
// corpus tests resume no mode there; TestCoreRefusesResumption checks what it
// does instead.
func resumableModes() []string { return nil }

// TestCoreRefusesResumption: in the core build a TLS 1.2 session made to be
// resumed (its server holds a ticket key and a session cache) fails at its
// first handshake, and a TLS 1.3 resumption at the resumed one's ClientHello,
// each with an alert and an error that says where resumption is (the lab
// build); Resume on an established TLS 1.2 session of the core says the same.
func TestCoreRefusesResumption(t *testing.T) {
	setup := setupOf(t, pki.KeyRSA)
	refused := func(what string, e *ErrorInfo) {
		t.Helper()
		if e == nil || e.Alert == "" || !strings.Contains(e.Message, "in the lab build") {
			t.Fatalf("%s in the core: error %+v; want an alert and the core's refusal", what, e)
		}
	}
	for _, mode := range []string{ModeClassic, ModeECDHE} {
		first, err := NewResumable(setup, Options{Mode: mode, Seed: []byte("resume " + mode)})
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		refused(mode+": a resumable session", first.Export().Error)

		s, err := New(setup, Options{Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Resume(ResumeOptions{}); err == nil || !strings.Contains(err.Error(), "in the lab build") {
			t.Fatalf("%s: Resume in the core: %v; want the core's refusal", mode, err)
		}
	}
	first, err := NewResumable(setup, Options{Mode: ModeTLS13, Seed: []byte("resume tls13")})
	if err != nil || first.Export().Error != nil {
		t.Fatalf("tls13: the first connection: %v %+v", err, first.Export().Error)
	}
	second, err := first.Resume(ResumeOptions{})
	if err != nil {
		t.Fatalf("tls13: Resume: %v", err)
	}
	refused("tls13: the resumed connection", second.Export().Error)
}
