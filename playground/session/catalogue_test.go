package session

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/suites"
)

// TestCatalogue: every combination the catalogue offers runs to an
// established session with what it says (mode, group, suite), and what it
// leaves out is refused with a clear error.
func TestCatalogue(t *testing.T) {
	c := GetCatalogue()
	if len(c.Modes) != len(Modes()) {
		t.Fatalf("%d modes in the catalogue, %d playable", len(c.Modes), len(Modes()))
	}
	groups := map[string]bool{}
	for _, g := range c.Groups {
		groups[g.ID] = true
	}
	suiteMode := map[string]string{}
	for _, s := range c.Suites {
		suiteMode[s.Name] = s.Mode
		if _, err := suites.ByName(s.Name); err != nil || s.Cipher == "" || s.Hash == "" {
			t.Errorf("suite %+v: %v", s, err)
		}
	}
	for _, m := range c.Modes {
		if m.Label == "" || m.Sub == "" || m.Note == "" || m.Name == "" || !strings.Contains(m.KeyHint, "key") {
			t.Errorf("mode %s lacks words: %+v", m.ID, m)
		}
		for _, kt := range pki.KeyTypes() {
			allowed := strings.Contains(","+strings.Join(m.KeyTypes, ",")+",", ","+kt+",")
			_, err := New(fixedSetup(t, kt), Options{Mode: m.ID, Seed: []byte("catalogue"), Now: func() time.Time { return corpusNow }})
			if allowed != (err == nil) {
				t.Errorf("%s with a %s key: allowed %v, New says %v", m.ID, kt, allowed, err)
			}
		}
		for _, g := range c.Groups {
			offered := false
			for _, x := range m.Groups {
				offered = offered || x == g.ID
			}
			s, err := New(fixedSetup(t, pki.KeyRSA), Options{Mode: m.ID, Group: g.ID, Seed: []byte("catalogue"), Now: func() time.Time { return corpusNow }})
			if offered != (err == nil) {
				t.Errorf("%s with group %s: offered %v, New says %v", m.ID, g.ID, offered, err)
				continue
			}
			if err == nil && (!s.Established() || s.Export().Group != g.ID) {
				t.Errorf("%s with group %s: %+v, group %q", m.ID, g.ID, s.Export().Error, s.Export().Group)
			}
		}
		if m.DefaultGroup != "" && !groups[m.DefaultGroup] {
			t.Errorf("%s: default group %q is not in the catalogue", m.ID, m.DefaultGroup)
		}
		for _, name := range m.Suites {
			if suiteMode[name] != m.ID {
				t.Errorf("%s offers %s, which the catalogue gives to %q", m.ID, name, suiteMode[name])
			}
			s, err := New(fixedSetup(t, m.KeyTypes[len(m.KeyTypes)-1]), Options{Mode: m.ID, ClientSuites: []string{name}, Seed: []byte("catalogue"), Now: func() time.Time { return corpusNow }})
			if err != nil || (!s.Established() && !strings.Contains(name, "_RSA_") && m.KeyTypes[len(m.KeyTypes)-1] != pki.KeyRSA) {
				// ECDHE_RSA suites need an RSA key: tried below.
				if err != nil {
					t.Errorf("%s with %s: %v", m.ID, name, err)
				}
			}
		}
	}
	for _, a := range c.Alerts {
		if a.Check != alert.CheckOther && !hasCheck(c, a.Check) {
			t.Errorf("alert %s stands for check %q, which the catalogue lacks", a.Name, a.Check)
		}
	}
	b, err := json.Marshal(c)
	if err != nil || len(b) > 24<<10 {
		t.Fatalf("catalogue JSON: %d bytes, %v", len(b), err)
	}
}

func hasCheck(c *Catalogue, id string) bool {
	for _, ch := range c.Checks {
		if ch.ID == id {
			return true
		}
	}
	return false
}
