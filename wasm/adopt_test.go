//go:build !core

package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestAdoptSession: the lab reads a core handle's session by its state
// (records, key log, setup) and answers as the core would have: Eve's
// plaintexts, the analyzer's trees, the capture, Mallory with the same
// server certificate, and never a rerun.
func TestAdoptSession(t *testing.T) {
	core, lab := &API{}, &API{}
	if _, err := core.Setup(`{"seed":"05"}`, nil); err != nil {
		t.Fatal(err)
	}
	s := newSessionOut(t, core, `{"own":true,"mode":"classic"}`)
	if _, err := core.Send(fmt.Sprintf(`{"session":%q,"from":"client","text":"the secret"}`, s.Session)); err != nil {
		t.Fatal(err)
	}
	state, err := core.SessionState(fmt.Sprintf(`{"session":%q}`, s.Session))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lab.AdoptSession(state); err != nil {
		t.Fatal(err)
	}
	arg := fmt.Sprintf(`{"session":%q}`, s.Session)
	want, err := core.Eve(arg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := lab.Eve(arg)
	if err != nil || got != want || !strings.Contains(got, "the secret") {
		t.Fatalf("eve in the lab: %v\n got %.200s\nwant %.200s", err, got, want)
	}
	an := fmt.Sprintf(`{"session":%q,"record":%d}`, s.Session, len(s.Records))
	want, err = core.Analyze(an)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = lab.Analyze(an); err != nil || got != want || !strings.Contains(got, `"decrypted":true`) {
		t.Fatalf("analyze in the lab: %v %.200s", err, got)
	}
	wc, err := core.SessionCapture(arg)
	if err != nil {
		t.Fatal(err)
	}
	gc, err := lab.SessionCapture(arg)
	if err != nil || gc.Keylog != wc.Keylog || gc.Name != wc.Name || len(gc.PCAPNG) != len(wc.PCAPNG) {
		t.Fatalf("capture in the lab: %v %q %q %d %d", err, gc.Name, wc.Name, len(gc.PCAPNG), len(wc.PCAPNG))
	}
	// The same setup: the lab's server presents the core's certificate.
	if lab.handles[s.Session].setup.Leaf.Equal(core.setup.Leaf) == false {
		t.Fatal("the lab's setup has another leaf")
	}
	out, err := lab.MITM(fmt.Sprintf(`{"session":%q,"mode":"tls13","trustMallory":true}`, s.Session))
	if err != nil || !strings.Contains(out, `"right"`) {
		t.Fatalf("mitm in the lab: %v %.200s", err, out)
	}
	// Adopting again (the core's session moved on) keeps the lab's
	// interception and reuses the parsed setup.
	before := lab.handles[s.Session].setup
	if _, err := core.Send(fmt.Sprintf(`{"session":%q,"from":"server","text":"more"}`, s.Session)); err != nil {
		t.Fatal(err)
	}
	state, _ = core.SessionState(fmt.Sprintf(`{"session":%q}`, s.Session))
	if _, err := lab.AdoptSession(state); err != nil {
		t.Fatal(err)
	}
	h := lab.handles[s.Session]
	if h.setup != before || h.mitm == nil || len(h.data().Records) != len(s.Records)+2 {
		t.Fatalf("after a second adoption: same setup %v, mitm %v, %d records", h.setup == before, h.mitm != nil, len(h.data().Records))
	}
	var st handleState
	if err := json.Unmarshal([]byte(state), &st); err != nil || st.Setup == nil || st.Data == nil || st.Data.Keylog == "" {
		t.Fatalf("state: %v", err)
	}
	// A state that is not one is refused.
	if _, err := lab.AdoptSession(`{"session":"s1","setup":{"id":"x","chain":[]}}`); err == nil {
		t.Fatal("a broken setup was adopted")
	}
}
