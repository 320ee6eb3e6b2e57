package session

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/trace"
)

// TestTraceContract runs every mode and the attacks (contractCorpus) and
// checks the trace's machine contract (trace/contract.go): every event has
// a kind, every value an id and a side from the tables, no two values of
// one event share an id, every key schedule node has a side, and every
// failure names a check of the catalogue.
func TestTraceContract(t *testing.T) {
	checks := map[string]bool{}
	for _, c := range alert.Checks {
		checks[c.ID] = true
	}
	sides := map[string]bool{trace.Client: true, trace.Server: true, "both": true}
	missing := map[string]string{} // what is missing → the first run that showed it
	miss := func(what, run string) {
		if _, ok := missing[what]; !ok {
			missing[what] = run
		}
	}
	seen := map[string]bool{}
	for _, c := range contractCorpus(t) {
		for _, ev := range c.events {
			if ev.Kind == "" || !strings.HasPrefix(ev.Kind, ev.Actor+".") {
				miss("event kind for title "+quote(ev.Title)+" (actor "+ev.Actor+")", c.name)
			}
			ids := map[string]bool{}
			for _, v := range ev.Values {
				switch {
				case v.ID == "":
					miss("value id for label "+quote(v.Label)+" ("+v.Kind+", in "+quote(ev.Title)+")", c.name)
				case !sides[v.Side]:
					miss("side of "+v.ID, c.name)
				case ids[v.ID]:
					miss("a second value "+v.ID+" (label "+quote(v.Label)+") in "+quote(ev.Title), c.name)
				}
				ids[v.ID] = true
			}
		}
		for _, n := range c.nodes {
			if !sides[n.Side] {
				miss("side of key schedule node "+n.ID, c.name)
			}
		}
		if c.err != nil {
			seen[c.err.Check] = true
			if !checks[c.err.Check] {
				miss("check "+quote(c.err.Check)+" of "+quote(c.err.Alert)+": "+c.err.Message, c.name)
			}
		}
	}
	var list []string
	for what, run := range missing {
		list = append(list, what+" — in "+run)
	}
	sort.Strings(list)
	for _, l := range list {
		t.Error(l)
	}
	// The failures the page teaches each reach their own check.
	for _, want := range []string{
		alert.CheckBadRecordMAC, alert.CheckFinished, alert.CheckSignature, alert.CheckPaddingOracle,
		alert.CheckNoCommonSuite, alert.CheckDowngrade, alert.CheckDecode, alert.CheckUnexpected, alert.CheckIncomplete,
		alert.CheckUntrustedRoot, alert.CheckExpired, alert.CheckNameMismatch, alert.CheckKeyUsage, alert.CheckWeakKey,
		alert.CheckRevoked, alert.CheckStatusResponse, alert.CheckNotLogged,
	} {
		if !seen[want] {
			t.Errorf("no run of the corpus fails with check %s", want)
		}
	}
}

// TestContractTables checks the tables themselves: well-formed ids, each
// title and label once, every check of the catalogue described.
func TestContractTables(t *testing.T) {
	idRE := regexp.MustCompile(`^[a-z0-9_{}*]+(\.[a-z0-9_{}*]+)*$`)
	titles := map[string]bool{}
	for _, k := range trace.EventKinds {
		if titles[k.Title] || !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(k.Slug) {
			t.Errorf("event kind row %q → %q: a second row for the title, or a slug that is not lower case", k.Title, k.Slug)
		}
		titles[k.Title] = true
		if got := trace.KindOf("client", k.Title); got != "client."+k.Slug && strings.Count(k.Title, "*") == 0 {
			t.Errorf("title %q is kind %q, not its own row's %q (an earlier pattern takes it)", k.Title, got, k.Slug)
		}
	}
	labels := map[string]bool{}
	for _, v := range trace.ValueIDs {
		key := v.Label + "|" + v.Kind
		if labels[key] || !idRE.MatchString(v.ID) {
			t.Errorf("value id row %q → %q: a second row for the label, or an id that is not dotted lower case", v.Label, v.ID)
		}
		labels[key] = true
	}
	ids := map[string]bool{}
	for _, c := range alert.Checks {
		if ids[c.ID] || c.Label == "" || c.Text == "" || !idRE.MatchString(c.ID) {
			t.Errorf("check %q: a second row, or no label or text", c.ID)
		}
		ids[c.ID] = true
	}
}

func quote(s string) string { return `"` + s + `"` }
