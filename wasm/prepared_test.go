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

// take reports whether takePrepared(arg) took a prepared session.
func take(t *testing.T, a *API, arg string) bool {
	t.Helper()
	out, err := a.TakePrepared(arg)
	if err != nil {
		t.Fatalf("takePrepared(%s): %v", arg, err)
	}
	if out == "null" {
		return false
	}
	var r struct {
		Session string `json:"session"`
		Taken   bool   `json:"taken"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || !r.Taken || r.Session == "" {
		t.Fatalf("takePrepared(%s) = %s (%v)", arg, out, err)
	}
	return true
}

// prepare returns the session prepareSession(arg) ran.
func prepare(t *testing.T, a *API, arg string) *preparedOut {
	t.Helper()
	out, err := a.PrepareSession(arg)
	if err != nil {
		t.Fatalf("prepareSession(%s): %v", arg, err)
	}
	var p preparedOut
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("prepareSession(%s): %v\n%.200s", arg, err, out)
	}
	return &p
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
	before := time.Now()
	got := prepare(t, a, `{"mode":"tls13","group":"x25519"}`)
	// Preparing leaves the session on screen alone.
	if out, _ := a.Export(""); !strings.Contains(out, first.ClientRandom()) {
		t.Fatal("prepareSession replaced the page's session")
	}
	if got.Session != "default" || got.Version != "TLS 1.3" || got.Prepared == nil || got.Prepared.HandshakeMs <= 0 {
		t.Fatalf("prepared: session %q, version %q, prepared %+v", got.Session, got.Version, got.Prepared)
	}
	if ran, err := time.Parse(time.RFC3339Nano, got.Prepared.RanAt); err != nil || ran.Before(before.Truncate(time.Millisecond)) || ran.After(time.Now()) {
		t.Fatalf("ranAt %q (%v): not when the handshake ran", got.Prepared.RanAt, err)
	}
	if got.ClientRandom() == first.ClientRandom() || got.Seed == first.Seed {
		t.Fatal("the prepared session has the previous session's randoms")
	}
	if !take(t, a, `{"group":"x25519","mode":"tls13","clientSuites":[]}`) {
		t.Fatal("takePrepared with the same options took nothing")
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
	if take(t, a, `{"mode":"tls13","group":"x25519"}`) {
		t.Fatal("a prepared session was taken twice")
	}
	// Other options: nothing (and the prepared one is dropped).
	prepare(t, a, `{"mode":"tls13","group":"x25519"}`)
	for _, other := range []string{`{"mode":"tls13","group":"secp256r1"}`, `{"mode":"ecdhe","group":"x25519"}`, `{"mode":"tls13","group":"x25519","suiteOrder":"client"}`} {
		if take(t, a, other) {
			t.Fatalf("takePrepared(%s) took a session prepared with other options", other)
		}
		prepare(t, a, `{"mode":"tls13","group":"x25519"}`)
	}
	// New keys: nothing.
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	if take(t, a, `{"mode":"tls13","group":"x25519"}`) {
		t.Fatal("a session prepared with the old keys was taken after setup")
	}
	// An own handle prepares its own: the page's is untouched.
	own := newSessionOut(t, a, `{"own":true,"mode":"ecdhe"}`)
	o := prepare(t, a, `{"session":"`+own.Session+`","mode":"ecdhe"}`)
	if take(t, a, `{"mode":"ecdhe"}`) {
		t.Fatal("the page took a session prepared for another handle")
	}
	if o.Session != own.Session || o.ClientRandom() == own.ClientRandom() || !take(t, a, `{"session":"`+own.Session+`","mode":"ecdhe"}`) {
		t.Fatalf("own handle's prepared session: %q, taken: no", o.Session)
	}
	if out, _ := a.Export(`{"session":"` + own.Session + `"}`); !strings.Contains(out, o.ClientRandom()) {
		t.Fatal("the own handle's session is not the one taken")
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
