package jssyntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kinds scans src and returns each token as KIND:text, and checks that the
// tokens cover src whole, in order.
func kinds(t *testing.T, src string) []string {
	t.Helper()
	var got []string
	at := 0
	err := Scan("t.js", src, func(tok Token) {
		if tok.Start != at || tok.End <= tok.Start {
			t.Fatalf("Scan(%q): token [%d,%d) after %d", src, tok.Start, tok.End, at)
		}
		at = tok.End
		if tok.Kind != Space {
			got = append(got, kindName[tok.Kind]+":"+src[tok.Start:tok.End])
		}
	})
	if err != nil {
		t.Fatalf("Scan(%q): %v", src, err)
	}
	if at != len(src) {
		t.Fatalf("Scan(%q): tokens end at %d of %d", src, at, len(src))
	}
	return got
}

var kindName = map[Kind]string{Comment: "c", Ident: "i", Punct: "p", String: "s", Template: "t", Regex: "r", Number: "n"}

func TestScan(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		// A slash after a value divides; elsewhere it starts a regular expression.
		{"a / b / c", "i:a p:/ i:b p:/ i:c"},
		{"x = /a[/]b/g.test(y)", "i:x p:= r:/a[/]b/g p:. i:test p:( i:y p:)"},
		{"return /x/", "i:return r:/x/"},
		{"f(1) / 2", "i:f p:( n:1 p:) p:/ n:2"},
		{"`a` / 2", "t:`a` p:/ n:2"},
		// Templates, with ${} inside (and a template inside that).
		{"`a${b + `c${d}`}e`", "t:`a${ i:b p:+ t:`c${ i:d t:}` t:}e`"},
		{"`${/re/}`", "t:`${ r:/re/ t:}`"},
		// Comments, strings and numbers.
		{"a // b /* c\n/* d\n*/ 'e\\'f' \"g\"", "i:a c:// b /* c c:/* d\n*/ s:'e\\'f' s:\"g\""},
		{"0x1e+1 1e+1 .5", "n:0x1e p:+ n:1 n:1e+1 n:.5"},
	} {
		if got := strings.Join(kinds(t, c.src), " "); got != c.want {
			t.Errorf("Scan(%q)\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

// TestScanDepth: a token's depth counts the brackets and template ${ open
// before it; a closing bracket has its opening one's.
func TestScanDepth(t *testing.T) {
	src := "a({b: [c]}, `${d}`)"
	var got []string
	if err := Scan("t.js", src, func(tok Token) {
		got = append(got, src[tok.Start:tok.End]+"@"+string(rune('0'+tok.Depth)))
	}); err != nil {
		t.Fatal(err)
	}
	want := "a@0 (@0 {@1 b@2 :@2  @2 [@2 c@3 ]@2 }@1 ,@1  @1 `${@1 d@2 }`@1 )@0"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("depths\n got %s\nwant %s", g, want)
	}
}

func TestScanRefuses(t *testing.T) {
	for src, want := range map[string]string{
		"a = 'b\n'":      "t.js:1: unterminated string",
		"a\n/* b":        "t.js:2: unterminated /* comment",
		"`a ${b}":        "t.js:1: unterminated template literal",
		"a = (\n\n/x":    "t.js:3: unterminated regular expression",
		"f(]":            `t.js:1: unbalanced ']'`,
		"}":              `t.js:1: unbalanced '}'`,
		"function f() {": "t.js:1: 1 bracket(s) or template(s) left open at the end",
	} {
		err := Scan("t.js", src, func(Token) {})
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Scan(%q): %v, want %s…", src, err, want)
		}
	}
}

// TestScanSite: every script of the site scans, its tokens cover it whole and
// in order, and its brackets close at depth 0.
func TestScanSite(t *testing.T) {
	files, _ := filepath.Glob("../../site/js/*.js")
	more, _ := filepath.Glob("../../site/js/*/*.js")
	files = append(append(files, more...), "../../site/sw.js")
	if len(files) < 20 {
		t.Fatalf("only %d scripts found under site/", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		at, last := 0, Token{}
		err = Scan(f, src, func(tok Token) {
			if tok.Start != at {
				t.Errorf("%s: a token starts at %d, after one that ended at %d", f, tok.Start, at)
			}
			at, last = tok.End, tok
		})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if at != len(src) || last.Depth != 0 {
			t.Errorf("%s: the tokens end at %d of %d bytes, the last at depth %d", f, at, len(src), last.Depth)
		}
	}
}
