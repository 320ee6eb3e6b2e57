package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestStripJS(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a = 1; // a comment\nb = 2;", "a = 1;\nb = 2;"},
		{"  // a whole line\n  x();\n", "\nx();\n"},
		{"f(() => {\n\tx = `\n  kept\n`;\n    y(' a');\n});", "f(() => {\nx = `\n  kept\n`;\ny(' a');\n});"},
		{"/* two\nlines */\nz", "\n\nz"},
		{"a/**/b", "a b"},
		{"a /* c */ b", "a b"},
		{"f(/* none */);", "f( );"},
		{`s = '// not a comment'; t = "/* nor this */"; // but this`, `s = '// not a comment'; t = "/* nor this */";`},
		{`s = 'it\'s // still a string';`, `s = 'it\'s // still a string';`},
		{"x = `a // b ${c /* d */ + `e // ${f}`} g ${{ h: 1 }.h}`; // i", "x = `a // b ${c + `e // ${f}`} g ${{ h: 1 }.h}`;"},
		{"x = `one\n// two\n`;", "x = `one\n// two\n`;"},
		{`r = /\/\/[/*]*/g; // c`, `r = /\/\/[/*]*/g;`},
		{"x = a / b; // c\ny = (a) / 2 / c; // d", "x = a / b;\ny = (a) / 2 / c;"},
		{"if (ok) return /re\\//.test(s); // c", "if (ok) return /re\\//.test(s);"},
		{"const n = 1e-3 / 2; // c", "const n = 1e-3 / 2;"},
		{"'use strict';\n// end", "'use strict';\n"},
	} {
		got, err := stripJS("t.js", []byte(c.in))
		if err != nil {
			t.Errorf("stripJS(%q): %v", c.in, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("stripJS(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"/* open", "s = 'open\n';", "x = `open", "x = `${open`", "r = /open\n/;", "}"} {
		if _, err := stripJS("t.js", []byte(bad)); err == nil || !strings.Contains(err.Error(), "t.js:") {
			t.Errorf("stripJS(%q): err %v, want one naming the file and line", bad, err)
		}
	}
}

func TestStripCSS(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/* head */\na { b: c; } /* d */\n", "\na { b: c; }\n"},
		{"a {\n  b: c;\n  content: '\\\n  x';\n}", "a {\nb: c;\ncontent: '\\\n  x';\n}"},
		{`a::before { content: "/* not */"; }`, `a::before { content: "/* not */"; }`},
		{"a/**/b { }", "a b { }"},
	} {
		got, err := stripCSS("t.css", []byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("stripCSS(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := stripCSS("t.css", []byte("a { } /* open")); err == nil {
		t.Error("stripCSS of an unterminated comment: no error")
	}
}

// TestStripSite strips the site's own code: every line break is kept, no
// comment is left at the start of a line, and stripping again changes nothing.
func TestStripSite(t *testing.T) {
	files, _ := filepath.Glob("../../site/js/*.js")
	more, _ := filepath.Glob("../../site/js/*/*.js")
	css, _ := filepath.Glob("../../site/css/*.css")
	files = append(append(append(files, more...), css...), "../../site/sw.js")
	if len(files) < 20 {
		t.Fatalf("only %d files of the site found", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		strip := stripJS
		if strings.HasSuffix(f, ".css") {
			strip = stripCSS
		}
		got, err := strip(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if bytes.Count(got, []byte("\n")) != bytes.Count(src, []byte("\n")) {
			t.Errorf("%s: %d lines stripped, %d in the source", f, bytes.Count(got, []byte("\n")), bytes.Count(src, []byte("\n")))
		}
		for i, line := range strings.Split(string(got), "\n") {
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "//") || strings.HasPrefix(l, "/*") {
				t.Errorf("%s:%d: a comment is left: %.60q", f, i+1, l)
			}
		}
		again, err := strip(f, got)
		if err != nil || !bytes.Equal(again, got) {
			t.Errorf("%s: stripping twice changes it (%v)", f, err)
		}
		if len(got) >= len(src) && bytes.Contains(src, []byte("//")) {
			t.Errorf("%s: nothing stripped", f)
		}
	}
}

// TestStripGlue strips this Go's wasm_exec.js: its licence stays, the other comments go.
func TestStripGlue(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "lib/wasm/wasm_exec.js"))
	if err != nil {
		t.Skipf("Go's glue: %v", err)
	}
	got, err := stripGlue(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte("// Copyright ")) || !bytes.Contains(got, []byte("BSD-style")) {
		t.Errorf("the licence is not kept: %.120q", got)
	}
	if len(got) >= len(src) || bytes.Count(got, []byte("\n")) != bytes.Count(src, []byte("\n")) {
		t.Errorf("stripped %d bytes in %d lines from %d in %d", len(got), bytes.Count(got, []byte("\n")), len(src), bytes.Count(src, []byte("\n")))
	}
}
