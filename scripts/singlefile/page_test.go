package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

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
