package main

import (
	"encoding/json"
	"strings"
	"testing"

	"tlsplayground/playground/session"
)

// TestCatalogue reads the catalogue through the bridge: the modes in
// teaching order with their groups and key types, the checks with their
// texts, and a refused argument.
func TestCatalogue(t *testing.T) {
	a := &API{}
	out, err := a.Catalogue("")
	if err != nil {
		t.Fatal(err)
	}
	var c session.Catalogue
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range c.Modes {
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, ",") != "classic,ecdhe,tls13" || c.Modes[0].KeyTypes[0] != "rsa" || len(c.Modes[0].Groups) != 0 ||
		c.Modes[2].DefaultGroup != "X25519MLKEM768" || len(c.Groups) != 3 || len(c.KeyTypes) != 3 || len(c.SuiteOrders) != 2 {
		t.Fatalf("catalogue: %s", out)
	}
	found := false
	for _, ch := range c.Checks {
		found = found || ch.ID == "cert.untrusted_root" && ch.Text != ""
	}
	if !found || len(c.Alerts) == 0 || len(c.Suites) != 11 {
		t.Fatalf("checks, alerts or suites missing: %d checks, %d alerts, %d suites", len(c.Checks), len(c.Alerts), len(c.Suites))
	}
	if _, err := a.Catalogue(`{}`); err != nil {
		t.Fatalf("{}: %v", err)
	}
	if _, err := a.Catalogue(`{"mode":"tls13"}`); err == nil || !strings.Contains(err.Error(), "catalogue") {
		t.Fatalf("an argument was accepted: %v", err)
	}
}
