package session

import (
	"strings"
	"testing"
)

func TestDowngrade(t *testing.T) {
	s, err := NewDowngrade(testSetup(t), false, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Export(); !s.Established() || e.Version != "TLS 1.3" {
		t.Fatalf("no Mallory: %s %+v", e.Version, e.Error)
	}
	s, err = NewDowngrade(testSetup(t), true, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := s.Export()
	if s.Established() || e.Error == nil || e.Error.Side != "client" || e.Error.Alert != "illegal_parameter" || !strings.Contains(e.Error.Message, "downgrade detected") {
		t.Fatalf("downgrade: %+v", e.Error)
	}
	mallory := false
	for _, st := range e.Steps {
		for _, ev := range st.Events {
			mallory = mallory || ev.Actor == "mallory"
		}
	}
	if !mallory || e.Version != "TLS 1.2" {
		t.Fatalf("mallory event %v, version %q", mallory, e.Version)
	}
}
