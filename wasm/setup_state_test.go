package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/jsonenc/jsonenctest"
	"tlsplayground/playground/pki"
)

// stateAnswer is setup's answer with the members setup_state.go adds.
type stateAnswer struct {
	SetupResponse
	setupStateAnswer
}

func setupWith(t *testing.T, a *API, req SetupRequest) (stateAnswer, []string, string) {
	t.Helper()
	arg, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	out, err := a.Setup(string(arg), func(s string) { stages = append(stages, s) })
	if err != nil {
		t.Fatalf("setup(%.80s): %v", arg, err)
	}
	var r stateAnswer
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r, stages, out
}

// members names the members of a JSON object, in order.
func members(t *testing.T, out string) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// TestSetupState: a setup given the state an earlier one kept (keepState)
// for the same keys signs nothing, answers the same certificates with
// issuedAt, and its sessions run; the answer to a setup without state or
// keepState has no new member.
func TestSetupState(t *testing.T) {
	issued := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	a := &API{now: func() time.Time { return issued }}
	gen, _, plain := setupWith(t, a, SetupRequest{})
	if got := members(t, plain); slices.Contains(got, "state") || slices.Contains(got, "issuedAt") || slices.Contains(got, "stateRefused") {
		t.Fatalf("a setup without state or keepState answers %v", got)
	}
	keys := SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: gen.ServerKey.PEM, KeepState: true}
	first, _, firstOut := setupWith(t, a, keys)
	if first.State == nil || first.State.CAKey != nil || first.State.Key != nil || len(first.State.IntermediateKey) == 0 || len(first.State.OCSP) == 0 {
		t.Fatalf("keepState: the state %+v (want certificates, the intermediate's key and the OCSP response, not the root's or server's key)", first.State)
	}
	if first.IssuedAt != "" || first.StateRefused != "" {
		t.Fatalf("a setup without a state: issuedAt %q, stateRefused %q", first.IssuedAt, first.StateRefused)
	}

	// A day later the state is taken back: no stage, the same certificates.
	a.now = func() time.Time { return issued.Add(24 * time.Hour) }
	back, stages, backOut := setupWith(t, a, SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: gen.ServerKey.PEM, State: first.State})
	if len(stages) != 0 {
		t.Errorf("a setup given a good state reported stages %v: it signs nothing", stages)
	}
	if back.StateRefused != "" || back.IssuedAt != issued.Format(time.RFC3339) || back.OCSPSignedAt != "" {
		t.Fatalf("taken back: issuedAt %q (want %s), ocspSignedAt %q, refused %q", back.IssuedAt, issued.Format(time.RFC3339), back.OCSPSignedAt, back.StateRefused)
	}
	if back.Leaf.PEM != first.Leaf.PEM || back.CA.PEM != first.CA.PEM || back.Intermediate.PEM != first.Intermediate.PEM ||
		back.ServerKey != first.ServerKey || back.CAKeyPEM != first.CAKeyPEM || !back.CAKeyGiven || !back.KeyGiven {
		t.Fatal("a setup taken back answers other certificates or keys than the setup that kept it")
	}
	// The same members as a fresh setup's, and issuedAt.
	want := append(members(t, firstOut), "issuedAt")
	slices.Sort(want)
	if got := slices.DeleteFunc(members(t, backOut), func(s string) bool { return s == "state" }); !slices.Equal(got, slices.DeleteFunc(want, func(s string) bool { return s == "state" })) {
		t.Errorf("taken back, the answer has %v, want %v", got, want)
	}
	out, err := a.NewSession(`{"mode":"classic"}`)
	if err != nil || strings.Contains(out, `"error":{`) {
		t.Fatalf("a classic session with the state taken back: %v %.200s", err, out)
	}
	if !strings.Contains(out, "stapled") {
		t.Errorf("the session has no stapled OCSP response: %.200s", out)
	}
	if out, err := a.NewSession(`{"mode":"tls13"}`); err != nil || strings.Contains(out, `"error":{`) {
		t.Fatalf("a TLS 1.3 session with the state taken back: %v %.200s", err, out)
	}

	// Six and a half days later its OCSP response would go stale within a
	// day: setup signs that one alone, now.
	later := issued.Add(6*24*time.Hour + 12*time.Hour)
	a.now = func() time.Time { return later }
	fresh, stages, _ := setupWith(t, a, SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: gen.ServerKey.PEM, State: first.State})
	if fresh.StateRefused != "" || fresh.IssuedAt == "" || fresh.OCSPSignedAt != later.Format(time.RFC3339) || fresh.Leaf.PEM != first.Leaf.PEM || len(stages) != 0 {
		t.Fatalf("a stale OCSP response: issuedAt %q, ocspSignedAt %q (want %s), refused %q, stages %v", fresh.IssuedAt, fresh.OCSPSignedAt, later.Format(time.RFC3339), fresh.StateRefused, stages)
	}
	if out, err := a.NewSession(`{"mode":"classic"}`); err != nil || strings.Contains(out, `"error":{`) {
		t.Fatalf("a session with the OCSP response signed anew: %v %.200s", err, out)
	}
}

// TestSetupStateRefused: a state that does not fit (other keys, another
// name or key type, a changed byte, expired, incomplete) is not taken: setup
// issues anew, as without it, and says why.
func TestSetupStateRefused(t *testing.T) {
	issued := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	a := &API{now: func() time.Time { return issued }}
	gen, _, _ := setupWith(t, a, SetupRequest{})
	other, _, _ := setupWith(t, a, SetupRequest{CAKeyPEM: gen.CAKeyPEM})
	kept, _, _ := setupWith(t, a, SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: gen.ServerKey.PEM, KeepState: true})
	st := kept.State
	clone := func(change func(s *setupState)) *setupState {
		c := *st
		c.Leaf = slices.Clone(st.Leaf)
		c.Chain = [][]byte{c.Leaf, st.Intermediate}
		change(&c)
		return &c
	}
	good := SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: gen.ServerKey.PEM}
	with := func(r SetupRequest, s *setupState) SetupRequest { r.State = s; return r }
	day := 24 * time.Hour
	for _, c := range []struct {
		name string
		req  SetupRequest
		at   time.Time
		want string
	}{
		{"another server key", with(SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: other.ServerKey.PEM}, st), issued, "its server certificate is not for the key given"},
		{"another root key", with(SetupRequest{CAKeyPEM: other.ServerKey.PEM, KeyPEM: gen.ServerKey.PEM}, st), issued, "its root certificate is not for the key given"},
		{"another name", with(SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: gen.ServerKey.PEM, ServerName: "other.test"}, st), issued, `it is for "playground.test", not "other.test"`},
		{"a changed signature", with(good, clone(func(s *setupState) { s.Leaf[len(s.Leaf)-1] ^= 1 })), issued, "its server certificate is not signed by its intermediate"},
		{"a changed byte", with(good, clone(func(s *setupState) { s.Leaf[40] ^= 0x40 })), issued, "its server certificate"},
		{"the leaf expiring within a day", with(good, st), issued.Add(89 * day), "its server certificate is valid from"},
		{"before it was issued", with(good, st), issued.Add(-2 * time.Hour), "is valid from"},
		{"no OCSP response", with(good, clone(func(s *setupState) { s.OCSP = nil })), issued, "it has no OCSP response"},
		{"a changed OCSP response", with(good, clone(func(s *setupState) {
			s.OCSP = slices.Clone(s.OCSP)
			s.OCSP[len(s.OCSP)-1] ^= 1
		})), issued, "its OCSP response does not say good"},
		{"another chain", with(good, clone(func(s *setupState) { s.Chain = s.Chain[:1] })), issued, "its chain is not"},
		{"no intermediate", with(good, clone(func(s *setupState) { s.Intermediate = nil })), issued, "it has no intermediate certificate"},
		{"no keys at all", with(SetupRequest{}, st), issued, "neither given nor in it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a.now = func() time.Time { return c.at }
			r, _, _ := setupWith(t, a, c.req)
			if !strings.Contains(r.StateRefused, c.want) || !strings.HasPrefix(r.StateRefused, "the state given was not taken: ") {
				t.Errorf("stateRefused %q, want it to say %q", r.StateRefused, c.want)
			}
			if r.IssuedAt != "" || r.Leaf.PEM == kept.Leaf.PEM {
				t.Errorf("a refused state: issuedAt %q, and the old leaf answered: %v", r.IssuedAt, r.Leaf.PEM == kept.Leaf.PEM)
			}
			if out, err := a.NewSession(`{"mode":"classic"}`); err != nil || strings.Contains(out, `"error":{`) {
				t.Fatalf("the session after a refused state: %v %.200s", err, out)
			}
		})
	}
	// An ECDSA setup is always issued anew (it costs no RSA key), with the reason.
	a.now = func() time.Time { return issued }
	if r, _, _ := setupWith(t, a, SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyType: "ecdsa", State: st}); !strings.Contains(r.StateRefused, "only an RSA setup is taken back") && !strings.Contains(r.StateRefused, "neither given") {
		t.Errorf("an ECDSA setup given an RSA state: stateRefused %q", r.StateRefused)
	}
	// A state that is not one (a wrong type in it) is the caller's error.
	if _, err := a.Setup(`{"state":{"ca":"not base64!"}}`, nil); err == nil || !strings.Contains(err.Error(), "setup: bad argument") {
		t.Errorf("a malformed state: %v", err)
	}
}

// TestSetupStateIssuedAt: pki.IssuedAt reads back NewSetup's Now.
func TestSetupStateIssuedAt(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, Now: at, Intermediate: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := pki.IssuedAt(s.Leaf); !got.Equal(at) {
		t.Errorf("IssuedAt(leaf) = %s, want %s", got, at)
	}
	if got := pki.IssuedAt(s.Intermediate); !got.Equal(at) {
		t.Errorf("IssuedAt(intermediate) = %s, want %s", got, at)
	}
}

// TestSetupStateJSON: setup's answer with the state's members is what
// encoding/json writes for SetupResponse and setupStateAnswer together, for
// each kind of answer (taken back, the OCSP response signed anew, refused,
// a state kept); a state taken as it was is not answered again.
func TestSetupStateJSON(t *testing.T) {
	issued := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	a := &API{now: func() time.Time { return issued }}
	gen, _, _ := setupWith(t, a, SetupRequest{})
	keys := SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: gen.ServerKey.PEM}
	with := func(at time.Time, change func(r *SetupRequest)) string {
		a.now = func() time.Time { return at }
		r := keys
		change(&r)
		arg, _ := json.Marshal(r)
		out, err := a.Setup(string(arg), nil)
		if err != nil {
			t.Fatal(err)
		}
		var back stateAnswer
		if err := json.Unmarshal([]byte(out), &back); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(back)
		if out != string(want) {
			t.Errorf("setup(%.80s) wrote\n%.400s\nencoding/json writes\n%.400s", arg, out, want)
		}
		return out
	}
	kept, _, _ := setupWith(t, a, SetupRequest{CAKeyPEM: gen.CAKeyPEM, KeyPEM: gen.ServerKey.PEM, KeepState: true})
	for _, c := range []struct {
		name      string
		at        time.Time
		change    func(r *SetupRequest)
		has, hasn []string
	}{
		{"kept", issued, func(r *SetupRequest) { r.KeepState = true }, []string{"state"}, []string{"issuedAt", "stateRefused"}},
		{"taken back", issued, func(r *SetupRequest) { r.State = kept.State }, []string{"issuedAt"}, []string{"state", "stateRefused", "ocspSignedAt"}},
		{"taken back, keepState", issued, func(r *SetupRequest) { r.State, r.KeepState = kept.State, true }, []string{"issuedAt"}, []string{"state"}},
		{"a fresh OCSP response", issued.Add(6*24*time.Hour + 12*time.Hour), func(r *SetupRequest) { r.State, r.KeepState = kept.State, true }, []string{"issuedAt", "ocspSignedAt", "state"}, []string{"stateRefused"}},
		{"refused", issued.Add(89 * 24 * time.Hour), func(r *SetupRequest) { r.State, r.KeepState = kept.State, true }, []string{"stateRefused", "state"}, []string{"issuedAt"}},
	} {
		got := members(t, with(c.at, c.change))
		for _, m := range c.has {
			if !slices.Contains(got, m) {
				t.Errorf("%s: no %q in %v", c.name, m, got)
			}
		}
		for _, m := range c.hasn {
			if slices.Contains(got, m) {
				t.Errorf("%s: %q in %v", c.name, m, got)
			}
		}
	}
}

// TestSetupStateAppendJSON: a state written by hand is what encoding/json
// writes, with every field filled by reflection and with the empty ones.
func TestSetupStateAppendJSON(t *testing.T) {
	check := func(name string, st *setupState) {
		want, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.appendJSON(nil); string(got) != string(want) {
			t.Errorf("%s: wrote\n%.300s\nencoding/json writes\n%.300s", name, got, want)
		}
	}
	check("empty", &setupState{})
	check("an empty chain", &setupState{Chain: [][]byte{}, CA: []byte{}})
	for round := range 50 {
		var st setupState
		jsonenctest.NewFiller(t, round, nil).Fill(&st, "setupState")
		check(fmt.Sprintf("round %d", round), &st)
	}
}
