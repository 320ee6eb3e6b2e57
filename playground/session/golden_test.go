package session

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/pki"
)

var update = flag.Bool("update", false, "rewrite the golden session exports in testdata/golden")

// goldenExport runs mode with the fixed keys, seed and clock (without a
// stapled OCSP response: fixedSetupOCSP says why), sends a
// message each way (and a KeyUpdate in TLS 1.3), closes, and returns the
// export as indented JSON: the contract between the engine and the page.
func goldenExport(t *testing.T, mode string) []byte {
	t.Helper()
	s, err := New(fixedSetupOCSP(t, pki.KeyRSA, false), Options{Mode: mode, Seed: []byte("golden " + mode), Now: func() time.Time { return corpusNow }})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Established() {
		t.Fatalf("%s: %+v", mode, s.Export().Error)
	}
	if _, err := s.Send("client", "GET / HTTP/1.1"); err != nil {
		t.Fatal(err)
	}
	if mode == ModeTLS13 {
		if err := s.KeyUpdate("client"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Send("server", "HTTP/1.1 200 OK"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, err := json.MarshalIndent(s.Export(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestGolden compares each mode's session export with
// testdata/golden/<mode>.json. A change to the engine's output or to the
// trace contract shows here as a reviewed diff: regenerate with
//
//	go test ./playground/session -run Golden -update
func TestGolden(t *testing.T) {
	for _, mode := range Modes() {
		t.Run(mode, func(t *testing.T) {
			got := goldenExport(t, mode)
			if again := goldenExport(t, mode); !bytes.Equal(got, again) {
				t.Fatalf("two runs with the same keys, seed and clock differ (something reads real randomness or time):\n%s", lineDiff(got, again))
			}
			matchGolden(t, mode, got)
		})
	}
}

// matchGolden compares got with testdata/golden/<name>.json, or writes it
// there with -update.
func matchGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from this run (- golden, + now); if the change is meant, rerun with -update and review the diff:\n%s", path, lineDiff(want, got))
	}
}

// lineDiff shows where two JSON texts differ, line by line: each run of
// changed lines with its line number, at most 40 lines in all.
func lineDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	// Skip the common prefix and suffix, then show what is between.
	p := 0
	for p < len(al) && p < len(bl) && al[p] == bl[p] {
		p++
	}
	sa, sb := len(al), len(bl)
	for sa > p && sb > p && al[sa-1] == bl[sb-1] {
		sa--
		sb--
	}
	var out strings.Builder
	shown := 0
	clip := func(s string) string {
		if len(s) > 160 {
			return s[:160] + "…"
		}
		return s
	}
	for i := p; i < sa && shown < 20; i++ {
		fmt.Fprintf(&out, "%5d - %s\n", i+1, clip(al[i]))
		shown++
	}
	shown = 0
	for i := p; i < sb && shown < 20; i++ {
		fmt.Fprintf(&out, "%5d + %s\n", i+1, clip(bl[i]))
		shown++
	}
	if sa-p > 20 || sb-p > 20 {
		fmt.Fprintf(&out, "… %d lines changed in the golden file, %d in this run\n", sa-p, sb-p)
	}
	return out.String()
}

// seedFile holds the page's copy of the catalogue, used until the engine
// answers the catalogue method.
const seedFile = "../../site/js/components/mode-switch.js"

// TestGoldenCatalogue compares the catalogue with
// testdata/golden/catalogue.json and the page's seed of it (in
// site/js/components/mode-switch.js: the page's first paint and the
// explanations of its refusals cannot wait for the engine) with the
// catalogue; -update rewrites both.
func TestGoldenCatalogue(t *testing.T) {
	c := GetCatalogue()
	full, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	full = append(full, '\n')
	seed, err := seedJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "// BEGIN catalogue seed\n", "// END catalogue seed\n"
	i, j := bytes.Index(js, []byte(begin)), bytes.Index(js, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s has no %q … %q block", seedFile, strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	block := []byte("const SEED = " + string(seed) + ";\n")
	path := filepath.Join("testdata", "golden", "catalogue.json")
	if *update {
		out := append(append(append([]byte{}, js[:i+len(begin)]...), block...), js[j:]...)
		if err := os.WriteFile(seedFile, out, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, full, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := js[i+len(begin) : j]; !bytes.Equal(got, block) {
		t.Errorf("%s: the catalogue seed is not the engine's catalogue (- page, + engine); rerun with -update:\n%s", seedFile, lineDiff(got, block))
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if !bytes.Equal(want, full) {
		t.Errorf("%s differs from the catalogue (- golden, + now); if the change is meant, rerun with -update and review the diff:\n%s", path, lineDiff(want, full))
	}
}

// seedJSON writes the catalogue as JSON with one entry of each list per
// line: compact for the page, still readable in a diff.
func seedJSON(c *Catalogue) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	lists := []struct {
		name string
		v    any
	}{{"modes", c.Modes}, {"groups", c.Groups}, {"keyTypes", c.KeyTypes}, {"suites", c.Suites},
		{"suiteOrders", c.SuiteOrders}, {"checks", c.Checks}, {"alerts", c.Alerts}}
	for i, l := range lists {
		raw, err := json.Marshal(l.v)
		if err != nil {
			return nil, err
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "  %q: [\n", l.name)
		for j, it := range items {
			b.WriteString("    ")
			b.Write(it)
			if j < len(items)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString("  ]")
		if i < len(lists)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}")
	return b.Bytes(), nil
}
