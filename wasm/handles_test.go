package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"tlsplayground/playground/session"
)

// sessionOut is a newSession result: the export and the handle's id.
type sessionOut struct {
	session.Export
	Session string `json:"session"`
}

func newSessionOut(t *testing.T, a *API, arg string) sessionOut {
	t.Helper()
	out, err := a.NewSession(arg)
	if err != nil {
		t.Fatalf("newSession(%s): %v", arg, err)
	}
	var s sessionOut
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHandles: several sessions live in one engine at once, each its own
// mode, records and messages; the default handle keeps answering the calls
// that name none.
func TestHandles(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{"seed":"01"}`, nil); err != nil {
		t.Fatal(err)
	}
	def := newSessionOut(t, a, `{"mode":"classic","seed":"0a"}`)
	if def.Session != "default" {
		t.Fatalf("the page's session is %q, want default", def.Session)
	}
	own1 := newSessionOut(t, a, `{"own":true,"mode":"tls13","seed":"0b"}`)
	own2 := newSessionOut(t, a, `{"own":true,"mode":"ecdhe","seed":"0c"}`)
	if own1.Session == "" || own1.Session == own2.Session || own1.Session == "default" {
		t.Fatalf("own handles %q and %q", own1.Session, own2.Session)
	}
	if own1.Version != "TLS 1.3" || own2.Mode != "ecdhe" || def.Mode != "classic" {
		t.Fatalf("modes: default %s, own1 %s, own2 %s", def.Mode, own1.Version, own2.Mode)
	}
	// A message on one handle reaches only that handle's session.
	if _, err := a.Send(fmt.Sprintf(`{"session":%q,"from":"client","text":"to one"}`, own1.Session)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Send(`{"from":"server","text":"to the page"}`); err != nil {
		t.Fatal(err)
	}
	records := func(arg string) (int, string) {
		out, err := a.Export(arg)
		if err != nil {
			t.Fatal(err)
		}
		var s sessionOut
		json.Unmarshal([]byte(out), &s)
		return len(s.Records), s.Session
	}
	n1, id1 := records(fmt.Sprintf(`{"session":%q}`, own1.Session))
	n2, _ := records(fmt.Sprintf(`{"session":%q}`, own2.Session))
	nd, idd := records(`{}`)
	if n1 != len(own1.Records)+1 || n2 != len(own2.Records) || nd != len(def.Records)+1 || id1 != own1.Session || idd != "default" {
		t.Fatalf("records after one message each: own1 %d→%d, own2 %d→%d, default %d→%d", len(own1.Records), n1, len(own2.Records), n2, len(def.Records), nd)
	}
	// Closing one leaves the others open.
	if out, err := a.Close(fmt.Sprintf(`{"session":%q}`, own2.Session)); err != nil || !strings.Contains(out, `"closed":true`) {
		t.Fatalf("close own2: %v", err)
	}
	if out, _ := a.Export(""); strings.Contains(out, `"closed":true`) {
		t.Fatal("closing an own handle closed the page's session")
	}
	// A new session in a named handle replaces that handle's only.
	again := newSessionOut(t, a, fmt.Sprintf(`{"session":%q,"mode":"classic","seed":"0d"}`, own1.Session))
	if again.Session != own1.Session || again.Mode != "classic" {
		t.Fatalf("newSession in %s: %s %s", own1.Session, again.Session, again.Mode)
	}
	if out, _ := a.Export(""); !strings.Contains(out, `"seed":"0a"`) {
		t.Fatal("a new session in an own handle replaced the page's")
	}
	// A setup of its own: the handle's keys change, the page's stay.
	out, err := a.Setup(fmt.Sprintf(`{"session":%q,"keyType":"ed25519"}`, own1.Session), nil)
	if err != nil || !strings.Contains(out, `"session":"`+own1.Session+`"`) {
		t.Fatalf("setup of %s: %v", own1.Session, err)
	}
	if a.handles[own1.Session].setup == a.setup || a.handles[own1.Session].sess != nil {
		t.Fatal("setup of an own handle shares the page's setup, or kept its old session")
	}
	ownSetup, err := a.Setup(`{"own":true,"keyType":"ecdsa"}`, nil)
	if err != nil || !strings.Contains(ownSetup, `"session":"s3"`) {
		t.Fatalf("setup with own: %v %.100s", err, ownSetup)
	}
}

// TestReleaseSession: a released handle is gone, with an error that says
// so; the default handle cannot be released; both ways are errors, never
// a silent no-op.
func TestReleaseSession(t *testing.T) {
	a := &API{}
	if _, err := a.NewSession(`{"own":true}`); err == nil || !strings.Contains(err.Error(), "setup first") {
		t.Fatalf("own before any setup: %v", err)
	}
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	s := newSessionOut(t, a, `{"own":true,"mode":"tls13"}`)
	out, err := a.ReleaseSession(fmt.Sprintf(`{"session":%q}`, s.Session))
	if err != nil || !strings.Contains(out, `"released":"`+s.Session+`"`) {
		t.Fatalf("release: %v %s", err, out)
	}
	want := fmt.Sprintf(`send: no session %q: it was released or never made`, s.Session)
	if _, err := a.Send(fmt.Sprintf(`{"session":%q,"from":"client","text":"x"}`, s.Session)); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("send on a released handle: %v, want %q", err, want)
	}
	if _, err := a.ReleaseSession(fmt.Sprintf(`{"session":%q}`, s.Session)); err == nil || !strings.Contains(err.Error(), "no session") {
		t.Fatalf("release twice: %v", err)
	}
	if _, err := a.ReleaseSession(`{"session":"default"}`); err == nil || !strings.Contains(err.Error(), "cannot be released") {
		t.Fatalf("release the default: %v", err)
	}
	if _, err := a.ReleaseSession(`{}`); err == nil || !strings.Contains(err.Error(), "name the session") {
		t.Fatalf("release nothing: %v", err)
	}
	for _, c := range []struct{ method, arg string }{
		{"exportSession", `{"session":"s99"}`},
		{"keyUpdate", `{"session":"s99","from":"client"}`},
		{"close", `{"session":"s99"}`},
		{"remoteClose", `{"session":"s99"}`},
		{"newSession", `{"session":"s99"}`},
	} {
		var err error
		switch c.method {
		case "exportSession":
			_, err = a.Export(c.arg)
		case "keyUpdate":
			_, err = a.KeyUpdate(c.arg)
		case "close":
			_, err = a.Close(c.arg)
		case "remoteClose":
			_, err = a.RemoteClose(c.arg)
		case "newSession":
			_, err = a.NewSession(c.arg)
		}
		if err == nil || !strings.HasPrefix(err.Error(), c.method+`: no session "s99": it was released or never made`) {
			t.Errorf("%s on an unknown handle: %v", c.method, err)
		}
	}
	if _, err := a.NewSession(`{"session":5}`); err == nil || !strings.Contains(err.Error(), `"session" must be a session id`) {
		t.Errorf("a number for session: %v", err)
	}
	if _, err := a.NewSession(`{"session":"default","own":true}`); err == nil || !strings.Contains(err.Error(), "own makes a new session") {
		t.Errorf("own with session: %v", err)
	}
}

// TestHandleLimit: at most maxHandles own handles; releasing one makes
// room again.
func TestHandleLimit(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range maxHandles {
		ids = append(ids, newSessionOut(t, a, `{"own":true,"mode":"tls13"}`).Session)
	}
	_, err := a.NewSession(`{"own":true,"mode":"tls13"}`)
	want := fmt.Sprintf("newSession: %d sessions are live already", maxHandles)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "releaseSession") {
		t.Fatalf("one more than the limit: %v, want %q", err, want)
	}
	if _, err := a.NewSession(`{"mode":"tls13"}`); err != nil {
		t.Fatalf("the default handle at the limit: %v", err)
	}
	if _, err := a.ReleaseSession(fmt.Sprintf(`{"session":%q}`, ids[3])); err != nil {
		t.Fatal(err)
	}
	if s := newSessionOut(t, a, `{"own":true,"mode":"tls13"}`); s.Session == ids[3] {
		t.Fatalf("a released id was given again: %s", s.Session)
	}
}
