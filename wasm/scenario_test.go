//go:build !core

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"tlsplayground/playground/scenario"
)

// TestScenarioAPI lists the catalogue and runs a few scenarios through the
// bridge, with and without a current setup.
func TestScenarioAPI(t *testing.T) {
	a := &API{}
	out, err := a.Scenarios("")
	if err != nil {
		t.Fatal(err)
	}
	var list []scenario.Scenario
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != len(scenario.All()) || list[0].ID != "valid" {
		t.Fatalf("scenarios: %v, %d entries", err, len(list))
	}
	for _, s := range list {
		if s.Title == "" || s.Why == "" || (s.ID != "valid" && (s.Alert == "" || s.Browser.Chrome == "")) {
			t.Errorf("%s: incomplete entry %+v", s.ID, s)
		}
	}

	if _, err := a.Setup(`{"seed":"05"}`, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ arg, side, alert, err string }{
		{`{"id":"expired","mode":"classic","seed":"01"}`, "client", "bad_certificate", "x509: certificate has expired"},
		{`{"id":"wrong-host"}`, "client", "bad_certificate", "not playground.test"},
		{`{"id":"no-common-suite","mode":"ecdhe"}`, "server", "handshake_failure", "no cipher suite in common"},
		{`{"id":"valid","mode":"tls13"}`, "", "", ""},
	} {
		out, err := a.RunScenario(c.arg)
		if err != nil {
			t.Fatalf("runScenario(%s): %v", c.arg, err)
		}
		var r scenario.Result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		e := r.Session.Error
		if c.side == "" {
			if e != nil || !r.Established {
				t.Errorf("%s: %+v", c.arg, e)
			}
			continue
		}
		if e == nil || e.Side != c.side || e.Alert != c.alert || !strings.Contains(e.Message, c.err) {
			t.Errorf("%s: %+v, want %s %s %q", c.arg, e, c.side, c.alert, c.err)
		}
		if strings.Contains(c.arg, "no-common-suite") && (len(r.ClientSuites) == 0 || len(r.ServerSuites) == 0) {
			t.Errorf("no-common-suite: lists %v %v", r.ClientSuites, r.ServerSuites)
		}
	}
	if out, _ := a.RunScenario(`{"id":"expired","mode":"classic","seed":"01"}`); !strings.Contains(out, `"seed":"01"`) {
		t.Error("the seed is not the session's")
	}
	for _, c := range []struct{ arg, want string }{
		{`{"id":"nope"}`, "does not exist"},
		{`{"id":"expired","mode":"ssl3"}`, "does not run in mode"},
		{`{"id":"expired","seed":"zz"}`, "not hex"},
		{`{"id":"expired","colour":1}`, "unknown field"},
	} {
		if _, err := a.RunScenario(c.arg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("runScenario(%s) = %v, want %q", c.arg, err, c.want)
		}
	}
}

// TestScenarioWithoutSetup runs a scenario before any setup: it makes its own keys.
func TestScenarioWithoutSetup(t *testing.T) {
	out, err := (&API{}).RunScenario(`{"id":"self-signed"}`)
	if err != nil || !strings.Contains(out, `"alert":"bad_certificate"`) {
		t.Fatalf("%v %.200s", err, out)
	}
}
