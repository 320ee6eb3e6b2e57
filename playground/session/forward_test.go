package session

import "testing"

// TestForwardSecrecyExport: the export says whether forward secrecy holds
// and why, as a code, and what the client holds at that moment: while the
// connection is open the ephemeral keys are erased but the traffic keys
// live; after close every key is discarded.
func TestForwardSecrecyExport(t *testing.T) {
	setup := testSetup(t)
	for _, c := range []struct {
		mode string
		fs   bool
		why  string
	}{{ModeClassic, false, FSRSAKeyTransport}, {ModeECDHE, true, FSEphemeral}, {ModeTLS13, true, FSEphemeral}} {
		s, err := New(setup, Options{Mode: c.mode, Seed: []byte("fs " + c.mode)})
		if err != nil {
			t.Fatal(err)
		}
		e := s.Export()
		if e.ForwardSecrecy != c.fs || e.ForwardSecrecyReason != c.why || e.ForwardSecrecyNote == "" || e.KeyState != KeysOpen {
			t.Fatalf("%s open: fs %v (%s), keys %s", c.mode, e.ForwardSecrecy, e.ForwardSecrecyReason, e.KeyState)
		}
		s.Close()
		if e := s.Export(); e.KeyState != KeysDiscarded || e.ForwardSecrecy != c.fs {
			t.Fatalf("%s closed: keys %s", c.mode, e.KeyState)
		}
	}
	// A handshake that fails discards what it had.
	s, _ := New(setup, Options{Mode: ModeTLS13, ClientSuites: []string{"TLS_AES_128_GCM_SHA256"}, ServerSuites: []string{"TLS_AES_256_GCM_SHA384"}})
	if e := s.Export(); e.Error == nil || e.KeyState != KeysDiscarded {
		t.Fatalf("failed: error %v, keys %s", e.Error, e.KeyState)
	}
}

// TestErasureInSteps: the export shows each side's erasure in the step
// where it happens: step 5 in TLS 1.3 (the handshake secret), step 6 in
// TLS 1.2 (the master secret).
func TestErasureInSteps(t *testing.T) {
	setup := testSetup(t)
	for mode, want := range map[string]struct {
		step  int
		title string
	}{
		ModeTLS13:   {5, "Erases its ephemeral private key and the shared secret"},
		ModeECDHE:   {6, "Erases its ephemeral private key and the shared secret"},
		ModeClassic: {6, "Erases the pre-master secret"},
	} {
		s, err := New(setup, Options{Mode: mode, Seed: []byte("erase " + mode)})
		if err != nil {
			t.Fatal(err)
		}
		sides := map[string]bool{}
		for _, st := range s.Export().Steps {
			for _, ev := range st.Events {
				if ev.Title == want.title {
					if ev.Step != want.step {
						t.Errorf("%s: %s erases in step %d, want %d", mode, ev.Actor, ev.Step, want.step)
					}
					sides[ev.Actor] = true
				}
			}
		}
		if !sides["client"] || !sides["server"] {
			t.Errorf("%s: erasure events from %v", mode, sides)
		}
	}
}
