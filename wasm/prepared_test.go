package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// preparedOut is a takePrepared result: a newSession result and when its
// handshake ran.
type preparedOut struct {
	sessionOut
	Prepared *PreparedInfo `json:"prepared"`
}

func take(t *testing.T, a *API, arg string) *preparedOut {
	t.Helper()
	out, err := a.TakePrepared(arg)
	if err != nil {
		t.Fatalf("takePrepared(%s): %v", arg, err)
	}
	if out == "null" {
		return nil
	}
	var p preparedOut
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("takePrepared(%s): %v\n%.200s", arg, err, out)
	}
	return &p
}

func prepare(t *testing.T, a *API, arg string) {
	t.Helper()
	if _, err := a.PrepareSession(arg); err != nil {
		t.Fatalf("prepareSession(%s): %v", arg, err)
	}
}

// TestPreparedSession: a session prepared ahead becomes the page's session
// when taken with the same options: fresh randoms, the calls after it act
// on it; other options, new keys or a second take get nothing.
func TestPreparedSession(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	first := newSessionOut(t, a, `{"mode":"tls13","group":"x25519"}`)
	prepare(t, a, `{"mode":"tls13","group":"x25519"}`)
	// Preparing leaves the session on screen alone.
	if out, _ := a.Export(""); !strings.Contains(out, first.ClientRandom()) {
		t.Fatal("prepareSession replaced the page's session")
	}
	before := time.Now()
	got := take(t, a, `{"group":"x25519","mode":"tls13","clientSuites":[]}`)
	if got == nil {
		t.Fatal("takePrepared with the same options gave null")
	}
	if got.Session != "default" || got.Version != "TLS 1.3" || got.Prepared == nil || got.Prepared.HandshakeMs <= 0 {
		t.Fatalf("taken: session %q, version %q, prepared %+v", got.Session, got.Version, got.Prepared)
	}
	if ran, err := time.Parse(time.RFC3339Nano, got.Prepared.RanAt); err != nil || ran.After(before) {
		t.Fatalf("ranAt %q (%v): the handshake ran before the take", got.Prepared.RanAt, err)
	}
	if got.ClientRandom() == first.ClientRandom() || got.Seed == first.Seed {
		t.Fatal("the prepared session has the previous session's randoms")
	}
	// Later calls act on the taken session: the old one is gone.
	if _, err := a.Send(`{"from":"client","text":"after the take"}`); err != nil {
		t.Fatal(err)
	}
	out, _ := a.Export("")
	var now sessionOut
	json.Unmarshal([]byte(out), &now)
	if now.ClientRandom() != got.ClientRandom() || len(now.Records) != len(got.Records)+1 {
		t.Fatalf("after the take, exportSession shows records %d (taken %d) of random %s", len(now.Records), len(got.Records), now.ClientRandom())
	}
	// Taken once: a second take gets nothing.
	if take(t, a, `{"mode":"tls13","group":"x25519"}`) != nil {
		t.Fatal("a prepared session was taken twice")
	}
	// Other options: nothing (and the prepared one is dropped).
	prepare(t, a, `{"mode":"tls13","group":"x25519"}`)
	for _, other := range []string{`{"mode":"tls13","group":"secp256r1"}`, `{"mode":"ecdhe","group":"x25519"}`, `{"mode":"tls13","group":"x25519","suiteOrder":"client"}`} {
		if take(t, a, other) != nil {
			t.Fatalf("takePrepared(%s) took a session prepared with other options", other)
		}
		prepare(t, a, `{"mode":"tls13","group":"x25519"}`)
	}
	// New keys: nothing.
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	if take(t, a, `{"mode":"tls13","group":"x25519"}`) != nil {
		t.Fatal("a session prepared with the old keys was taken after setup")
	}
	// An own handle prepares its own: the page's is untouched.
	own := newSessionOut(t, a, `{"own":true,"mode":"ecdhe"}`)
	prepare(t, a, `{"session":"`+own.Session+`","mode":"ecdhe"}`)
	if take(t, a, `{"mode":"ecdhe"}`) != nil {
		t.Fatal("the page took a session prepared for another handle")
	}
	o := take(t, a, `{"session":"`+own.Session+`","mode":"ecdhe"}`)
	if o == nil || o.Session != own.Session || o.ClientRandom() == own.ClientRandom() {
		t.Fatalf("own handle's take: %+v", o)
	}
	if _, err := a.PrepareSession(`{"own":true}`); err == nil {
		t.Fatal("prepareSession with own: no error")
	}
}

// ClientRandom is the client's random, from the session's key log (NSS
// format: label, client random, secret).
func (s sessionOut) ClientRandom() string {
	if f := strings.Fields(s.Keylog); len(f) >= 2 {
		return f[1]
	}
	return ""
}
