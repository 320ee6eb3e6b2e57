package main

import (
	"strings"
	"testing"

	"tlsplayground/playground/glossary"
)

// TestGlossary: tlsplay glossary prints every term of the catalogue with
// its RFC sections; it takes no arguments.
func TestGlossary(t *testing.T) {
	code, out, errs := testCLI(t, "glossary")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "Glossary: ") {
		t.Fatalf("exit %d, stderr %q\n%.200s", code, errs, out)
	}
	for _, e := range glossary.All() {
		if !strings.Contains(out, e.Term+" — ") {
			t.Errorf("the glossary lacks %q", e.Term)
		}
	}
	if !strings.Contains(out, "https://www.rfc-editor.org/") && !strings.Contains(out, "https://datatracker.ietf.org/") {
		t.Error("no RFC address in the glossary")
	}
	if code, _, errs := testCLI(t, "glossary", "hkdf"); code != 2 || !strings.Contains(errs, `glossary: unexpected argument "hkdf"`) {
		t.Errorf("glossary hkdf: exit %d, %q", code, errs)
	}
	if code, out, _ := testCLI(t, "-h"); code != 0 || !strings.Contains(out, "tlsplay glossary") {
		t.Errorf("the usage does not name glossary")
	}
}
