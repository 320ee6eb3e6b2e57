package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// TestBundleRuns bundles testdata/ok (every import and export form the site
// uses, and text that only looks like them) and, when node is installed, runs
// the bundle: the modules evaluate once each, dependencies first, in the
// order the browser would, and the values cross as they should.
func TestBundleRuns(t *testing.T) {
	b := newBundler(os.DirFS("testdata/ok"), false)
	if err := b.add("a.js"); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(b.sorted(), " "), "a.js c.js lazy.js lib/b.js log.js side.js"; got != want {
		t.Errorf("modules %q, want %q", got, want)
	}
	code := b.write()
	for _, s := range []string{`const s = "export const z = 1; import './q.js'";`, "/[/{}]import\\//g", "'</script>'"} {
		if !strings.Contains(code, s) {
			t.Errorf("the bundle lost the text %s", s)
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: the bundle was not run")
	}
	program := code + `
const a = ` + registryName + `.load('a.js');
const before = [...a.seen];
a.later().then((value) => {
  const b = ` + registryName + `.load('lib/b.js');
  console.log(JSON.stringify({ out: a.out, before, after: a.seen, value, other: b.other, third: b.third,
    gen: [...b.gen()], k: b.K.make() instanceof b.K, frozen: Object.isFrozen(a), keys: Object.keys(a) }));
});
`
	cmd := exec.Command(node, "--input-type=module", "-")
	cmd.Stdin = strings.NewReader(program)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	want := `{"out":["B",4,"C","alias"],"before":["b","c","side","a"],"after":["b","c","side","a","lazy"],"value":42,` +
		`"other":[1,2],"third":{"x":3},"gen":[1],"k":true,"frozen":true,"keys":["out","later","seen"]}`
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("node printed\n%s\nwant\n%s", got, want)
	}
}

// TestBundleRefuses: what the bundler does not understand fails the build,
// naming the file and line, instead of emitting a broken bundle.
func TestBundleRefuses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		classic bool
		want    string
	}{
		{"cycle", map[string]string{
			"main.js": "import { x } from './x.js';\nexport const m = x;",
			"x.js":    "import { y } from './y.js';\nexport const x = y;",
			"y.js":    "import { m } from './main.js';\nexport const y = 1;",
		}, false, "import cycle: main.js -> x.js -> y.js -> main.js"},
		{"default import", map[string]string{"main.js": "import x from './x.js';", "x.js": ""}, false, "main.js:1: default imports"},
		{"default export", map[string]string{"main.js": "\nexport default 1;"}, false, "main.js:2: a default export"},
		{"export let", map[string]string{"main.js": "export let n = 1;"}, false, "export let cannot be bundled"},
		{"bare specifier", map[string]string{"main.js": "import { a } from 'lodash';"}, false, "only relative paths"},
		{"outside", map[string]string{"main.js": "import { a } from '../up.js';"}, false, "leaves the site's js/ folder"},
		{"missing file", map[string]string{"main.js": "import './gone.js';"}, false, "reading module gone.js"},
		{"missing export", map[string]string{"main.js": "import { nope } from './x.js';", "x.js": "export const yes = 1;"}, false, "imports nope from x.js, which does not export it"},
		{"top-level await", map[string]string{"main.js": "const x = await 1;"}, false, "top-level await"},
		{"dynamic import of a variable", map[string]string{"main.js": "const p = './x.js';\nimport(p);"}, false, "main.js:2: import() of something other than one string literal"},
		{"re-export", map[string]string{"main.js": "export { a } from './x.js';", "x.js": "export const a = 1;"}, false, "re-exports"},
		{"export star", map[string]string{"main.js": "export * from './x.js';"}, false, "export * cannot be bundled"},
		{"attributes", map[string]string{"main.js": "import { a } from './x.json' with { type: 'json' };"}, false, "import attributes"},
		{"destructuring export", map[string]string{"main.js": "export const { a } = {};"}, false, "destructuring"},
		{"export of nothing", map[string]string{"main.js": "export { ghost };"}, false, "exports ghost, which it does not declare"},
		{"exported twice", map[string]string{"main.js": "const a = 1;\nexport { a };\nexport { a };"}, false, "a is exported twice"},
		{"reserved name", map[string]string{"main.js": "const " + registryName + " = 1;"}, false, "reserved"},
		{"import.meta in a classic script", map[string]string{"main.js": "const u = import.meta.url;"}, true, "import.meta cannot be used in a classic script"},
		{"unterminated string", map[string]string{"main.js": "const s = 'abc;\n"}, false, "main.js:1: unterminated string"},
		{"unterminated template", map[string]string{"main.js": "const s = `abc ${1}"}, false, "unterminated template"},
		{"unbalanced", map[string]string{"main.js": "function f() {\n  return 1;\n"}, false, "left open"},
		{"unbalanced close", map[string]string{"main.js": "const a = [1, 2);"}, false, "unbalanced"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, text := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(text)}
			}
			err := newBundler(fsys, tc.classic).add("main.js")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestSiteBundles bundles the real site: its modules, its worker, its page.
func TestSiteBundles(t *testing.T) {
	glue := "\"use strict\";\n(() => { globalThis.Go = class {}; })();\n"
	wasm := []byte("\x00asm\x01\x00\x00\x00 the engine </script> <!-- ")
	p, err := build(os.DirFS("../../site"), wasm, glue)
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, string(p.html), wasm)
}

// TestPage builds a small site and checks the single file's structure: its
// CSP names exactly the hashes of its inline script and style, the blocks
// hold the worker and the engine, and nothing can end a <script> early.
func TestPage(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="script-src 'self'">
  <title>T</title>
  <!-- a comment -->
  <link rel="icon" href="favicon.svg" type="image/svg+xml">
  <link rel="manifest" href="manifest.webmanifest">
  <link rel="stylesheet" href="css/a.css">
  <link rel="modulepreload" href="js/engine.js">
  <script src="js/boot.js" defer></script>
  <script type="module" src="js/app.js"></script>
  <script type="module" src="js/pwa.js"></script>
</head>
<body data-state="loading">
  <p id="engine-status"><span class="status-text">Loading…</span></p>
</body>
</html>
`)},
		"favicon.svg":         {Data: []byte("<svg/>")},
		"css/a.css":           {Data: []byte("body { color: red; }")},
		"js/boot.js":          {Data: []byte("window.booted = '</SCRIPT>';")},
		"js/app.js":           {Data: []byte("import { Engine } from './engine.js';\nnew Engine();")},
		"js/pwa.js":           {Data: []byte("navigator.serviceWorker.register('sw.js');")},
		"js/engine.js":        {Data: []byte("export class Engine {}\nexport function configureEngine() {}")},
		"js/singlefile.js":    {Data: []byte("import { configureEngine } from './engine.js';\nconfigureEngine();")},
		"js/engine-worker.js": {Data: []byte("const n = lazyModule('net.js', () => import('./net.js'));")},
		"js/net.js":           {Data: []byte("export const net = '</script>';")},
	}
	wasm := bytes.Repeat([]byte("wasm"), 1000)
	p, err := build(fsys, wasm, "\"use strict\";\nglobalThis.Go = class {};\n")
	if err != nil {
		t.Fatal(err)
	}
	page := string(p.html)
	checkPage(t, page, wasm)
	for _, want := range []string{
		`<html lang="en" data-edition="single-file">`,
		`<link rel="icon" type="image/svg+xml" href="data:image/svg+xml;base64,` + base64.StdEncoding.EncodeToString([]byte("<svg/>")) + `">`,
		"<style>body { color: red; }</style>",
		`<script>window.booted = '<\/SCRIPT>';</script>`,
		`self.__tlsModules = Object.assign(self.__tlsModules || {}, {` + "\n" + `  "net.js": () => __tls.load("net.js"),`,
		`<p id="engine-status">`,
		"<title>T</title>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, unwanted := range []string{"script-src 'self'\"", "manifest", "modulepreload", "serviceWorker", "a comment"} {
		if strings.Contains(page, unwanted) {
			t.Errorf("the page still has %s", unwanted)
		}
	}
	if i, j := strings.Index(page, `<meta charset="utf-8">`), strings.Index(page, "Content-Security-Policy"); i < 0 || j < i || i > 200 {
		t.Errorf("the charset must come first and the CSP right after it (charset at %d, CSP at %d)", i, j)
	}

	fsys["js/app.js"] = &fstest.MapFile{Data: []byte("const s = '<!--';")}
	if _, err := build(fsys, wasm, ""); err == nil || !strings.Contains(err.Error(), "<!--") {
		t.Errorf("a <!-- in a script: got %v, want an error", err)
	}
	fsys["js/app.js"] = &fstest.MapFile{Data: []byte("")}
	fsys["css/a.css"] = &fstest.MapFile{Data: []byte("body { background: url(img/x.png); }")}
	if _, err := build(fsys, wasm, ""); err == nil || !strings.Contains(err.Error(), "url(img/x.png)") {
		t.Errorf("a style sheet that loads a file: got %v, want an error", err)
	}
}

var (
	reCSP       = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
	reInline    = regexp.MustCompile(`(?ms)^  <script( type="module")?>(.*?)</script>$`)
	reStyle     = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
	reWorker    = regexp.MustCompile(`(?s)<script type="text/plain" id="` + workerBlockID + `">(.*?)</script>`)
	reWasmBlock = regexp.MustCompile(`<script type="application/octet-stream" id="` + wasmBlockID + `">([A-Za-z0-9+/=]*)</script>`)
)

// checkPage checks what every single file must satisfy.
func checkPage(t *testing.T, page string, wasm []byte) {
	t.Helper()
	m := reCSP.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSP meta")
	}
	csp := strings.ReplaceAll(m[1], "&#39;", "'")
	for _, d := range strings.Split(csp, ";") {
		d = strings.TrimSpace(d)
		for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "'self'", "*"} {
			if strings.Contains(d, bad) && !strings.HasPrefix(d, "connect-src ") {
				t.Errorf("CSP directive %q has %s", d, bad)
			}
		}
	}
	for _, want := range []string{"default-src 'none'", "'wasm-unsafe-eval'", "worker-src blob:", "img-src data:"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP lacks %s: %s", want, csp)
		}
	}
	scripts := reInline.FindAllStringSubmatch(page, -1)
	if len(scripts) < 2 {
		t.Fatalf("%d inline scripts, want the boot script and the modules", len(scripts))
	}
	var hashes []string
	for _, s := range scripts {
		hashes = append(hashes, hash(s[2]))
	}
	if want := "script-src " + strings.Join(hashes, " ") + " 'wasm-unsafe-eval'"; !strings.Contains(csp, want) {
		t.Errorf("CSP %s\nlacks %s", csp, want)
	}
	style := reStyle.FindStringSubmatch(page)
	if style == nil || !strings.Contains(csp, "style-src "+hash(style[1])+";") {
		t.Errorf("CSP %s lacks the style's hash", csp)
	}
	worker := reWorker.FindStringSubmatch(page)
	if worker == nil || !strings.Contains(worker[1], "globalThis.Go") || !strings.Contains(worker[1], "self.tlsPlaygroundWorker = { wasm: 'message' };") {
		t.Errorf("no worker block with Go's glue")
	}
	block := reWasmBlock.FindStringSubmatch(page)
	if block == nil {
		t.Fatal("no wasm block")
	}
	gz, err := base64.StdEncoding.DecodeString(block[1])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, wasm) {
		t.Errorf("the wasm block does not inflate to the engine (err %v)", err)
	}
	// Every <script> ends where it should: no "</script" hides inside one.
	if shut, want := strings.Count(strings.ToLower(page), "</script"), len(scripts)+2; shut != want {
		t.Errorf("%d </script in the page, want %d (the inline scripts and the two blocks)", shut, want)
	}
}
