package glossary

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// required are the terms issue 11 asks the glossary to explain, by ID.
var required = []string{
	"prf", "hkdf", "aead", "pkcs1", "ems", "rsa-encryption", "ecdhe", "forward-secrecy", "sni", "alpn", "grease",
	"hrr", "psk", "0-rtt", "session-ticket", "ocsp", "sct", "hsts", "ech", "ml-kem", "mac", "nonce",
	"transcript-hash", "finished", "certificate-verify", "ca", "basic-constraints", "bleichenbacher",
	"downgrade-sentinel", "key-log", "ssl", "ccs-compat",
}

func TestCatalogue(t *testing.T) {
	id := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	phrase := map[string]string{}
	for _, e := range All() {
		if !id.MatchString(e.ID) {
			t.Errorf("entry %q: the ID is not URL-safe (lower case, digits, hyphens)", e.ID)
		}
		if seen[e.ID] {
			t.Errorf("entry %q appears twice", e.ID)
		}
		seen[e.ID] = true
		if e.Term == "" || e.Expansion == "" || len(e.Text) < 80 {
			t.Errorf("entry %q: term %q, expansion %q, text of %d bytes: each needs all three, the text a few sentences", e.ID, e.Term, e.Expansion, len(e.Text))
		}
		if err := CheckCitations(e.RFC); err != nil {
			t.Errorf("entry %q: %v", e.ID, err)
		}
		for _, p := range e.Phrases() {
			if other, ok := phrase[p]; ok {
				t.Errorf("phrase %q links to both %q and %q", p, other, e.ID)
			}
			phrase[p] = e.ID
		}
	}
	for _, r := range required {
		if !seen[r] {
			t.Errorf("no glossary entry %q", r)
		}
	}
	if _, ok := Lookup("prf"); !ok {
		t.Error(`Lookup("prf") found nothing`)
	}
	if _, ok := Lookup("no-such-term"); ok {
		t.Error(`Lookup("no-such-term") found something`)
	}
}

func TestCitations(t *testing.T) {
	for _, c := range []struct{ in, url string }{
		{"RFC 8446 §4.1.2", "https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2"},
		{"RFC 5246 §5", "https://www.rfc-editor.org/rfc/rfc5246#section-5"},
		{"RFC 8446 §D.4", "https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4"},
	} {
		got, err := ParseCitation(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got.URL() != c.url || got.String() != c.in {
			t.Errorf("%q: URL %q, String %q; want %q", c.in, got.URL(), got.String(), c.url)
		}
	}
	for _, bad := range []string{"", "RFC 8446", "RFC 8446 4.1.2", "rfc 8446 §4.1.2", "RFC 8446 §4.1.", "RFC 8446 §04.1", "RFC 8446 § 4.1", "RFC 8446 §4.1.2 ", "RFC 8446, Section 4.1.2", "RFC 8446 §DD.4"} {
		if _, err := ParseCitation(bad); err == nil {
			t.Errorf("%q parsed as a citation", bad)
		}
	}
	if err := CheckCitations(nil); err == nil {
		t.Error("an empty citation list passed")
	}
}

// TestJSModuleFresh fails when site/js/glossary-data.js or glossary-terms.js
// no longer matches the catalogue: run `go generate ./playground/glossary`.
func TestJSModuleFresh(t *testing.T) {
	for _, m := range []struct {
		path string
		make func() ([]byte, error)
	}{{JSPath, JSModule}, {JSTermsPath, JSTermsModule}} {
		want, err := m.make()
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(m.path)
		if err != nil {
			t.Fatalf("%v: run go generate ./playground/glossary", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./playground/glossary", m.path)
		}
	}
}

func TestFprint(t *testing.T) {
	var b strings.Builder
	if err := Fprint(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, e := range All() {
		if !strings.Contains(out, "\n"+e.Term+" — ") || !strings.Contains(strings.Join(strings.Fields(out), " "), e.Expansion) {
			t.Errorf("the terminal glossary lacks %q", e.Term)
		}
		for _, s := range e.RFC {
			c, _ := ParseCitation(s)
			if !strings.Contains(out, s+"  "+c.URL()+"\n") {
				t.Errorf("the terminal glossary lacks %q with its address", s)
			}
		}
	}
	for i, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > 80 && !strings.Contains(line, "https://") && i > 0 {
			t.Errorf("line %d is %d columns wide: %q", i+1, n, line)
		}
	}
}
