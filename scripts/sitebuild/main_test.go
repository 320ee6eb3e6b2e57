package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"tlsplayground/site"
)

// fakeWasm is a WebAssembly module header with a custom section naming tag,
// so that two tags give two engines.
func fakeWasm(tag string) []byte {
	payload := append([]byte{byte(len("t"))}, 't')
	payload = append(payload, tag...)
	return append([]byte("\x00asm\x01\x00\x00\x00\x00"), append([]byte{byte(len(payload))}, payload...)...)
}

// inputs writes a wasm and a wasm_exec.js to a temporary folder and returns
// the Options for building the real site/ with them into out.
func inputs(t *testing.T, tag, out string) Options {
	t.Helper()
	dir := t.TempDir()
	wasm := filepath.Join(dir, "engine.wasm")
	exec := filepath.Join(dir, "wasm_exec.js")
	if err := os.WriteFile(wasm, fakeWasm(tag), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exec, []byte("// Copyright: Go's glue\n'use strict'; // a comment that goes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return Options{Site: "../../site", Wasm: wasm, WasmExec: exec, Out: out}
}

// tree reads every file under dir: path → bytes.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestBuild builds the real site/ with a stand-in engine and checks the layout.
func TestBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist")
	b, err := build(inputs(t, "one", out))
	if err != nil {
		t.Fatal(err)
	}
	files := tree(t, out)

	// build.json is what build returned.
	var meta Build
	if err := json.Unmarshal(files["build.json"], &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Version != b.Version || meta.Engine != b.Engine || !slices.Equal(meta.Precache, b.Precache) {
		t.Errorf("build.json %+v differs from the build %+v", meta, b)
	}
	if !regexp.MustCompile(`^assets/engine-[0-9a-f]{12}\.wasm$`).MatchString(b.Engine) || !bytes.Equal(files[b.Engine], fakeWasm("one")) {
		t.Errorf("engine %q: not the engine, under its hash", b.Engine)
	}
	if !regexp.MustCompile(`^assets/[0-9a-f]{12}/$`).MatchString(b.Assets) || b.WasmExec != b.Assets+"wasm_exec.js" {
		t.Errorf("assets %q, wasmExec %q", b.Assets, b.WasmExec)
	}

	// The pages point at the hashed code, and everything they name exists.
	for _, page := range []string{"index.html", "embed.html"} {
		html := string(files[page])
		if html == "" {
			t.Fatalf("no %s", page)
		}
		if m := regexp.MustCompile(`(?:src|href)="(?:\./)?(?:js|css|img)/`).FindString(html); m != "" {
			t.Errorf("%s still refers to the unhashed %s…", page, m)
		}
		if !strings.Contains(html, `src="`+b.Assets+"js/") {
			t.Errorf("%s has no script from %sjs/", page, b.Assets)
		}
		if err := checkRefs(page, files); err != nil {
			t.Error(err)
		}
	}
	if !slices.Contains(b.Bundles["js/app.js"], "pwa.js") {
		t.Errorf("index.html's bundle does not hold js/pwa.js (the service worker's registration): %v", b.Bundles)
	}
	if !strings.Contains(string(files["index.html"]), `rel="manifest" href="manifest.webmanifest"`) {
		t.Error("index.html does not link the manifest")
	}

	// The worker loads this engine and Go's glue from the build.
	worker := string(files[b.Assets+workerFile])
	for _, lit := range []string{wasmLiteral, execLiteral} {
		want := lit
		if lit == wasmLiteral {
			want = "'../../" + path.Base(b.Engine) + "'"
		}
		if !strings.Contains(worker, want) {
			t.Errorf("the worker does not contain %s", want)
			continue
		}
		target := path.Join(path.Dir(b.Assets+workerFile), strings.Trim(want, "'"))
		if _, ok := files[target]; !ok {
			t.Errorf("the worker's %s names %s, which is not in the build", want, target)
		}
	}
	if strings.Contains(worker, wasmLiteral) {
		t.Errorf("the worker still names %s", wasmLiteral)
	}
	// It starts with Go's glue (no importScripts before the engine runs).
	if !strings.HasPrefix(worker, "// Copyright: Go's glue\n'use strict';\n") || !strings.Contains(worker, "function lazyModule(") {
		t.Errorf("the worker does not start with Go's glue followed by its own code: %.80q", worker)
	}

	// The precache list: every file under assets/, the pages, the manifest and icons; nothing missing.
	var precached int64
	for _, p := range b.Precache {
		data, ok := files[p]
		if !ok {
			t.Errorf("precache lists %s, which is not in the build", p)
		}
		precached += int64(len(data))
	}
	for p := range files {
		listed := slices.Contains(b.Precache, p)
		should := (strings.HasPrefix(p, "assets/") && !strings.HasSuffix(p, ".map")) || strings.HasPrefix(p, "icons/") ||
			p == "index.html" || p == "embed.html" || p == "manifest.webmanifest" || p == "favicon.svg"
		if listed != should {
			t.Errorf("%s: precached %v, want %v", p, listed, should)
		}
	}
	if precached != b.Sizes.Precache {
		t.Errorf("sizes.precache %d, the files listed add up to %d", b.Sizes.Precache, precached)
	}
	var total int64
	for p, data := range files {
		if p != "build.json" {
			total += int64(len(data))
		}
	}
	if total != b.Sizes.Dist || len(files)-1 != b.Sizes.Files {
		t.Errorf("sizes: dist %d in %d files, want %d in %d", b.Sizes.Dist, b.Sizes.Files, total, len(files)-1)
	}

	// The service worker knows this build.
	sw := string(files["sw.js"])
	line := regexp.MustCompile(`(?m)^const BUILD = .*;$`).FindString(sw)
	if line == "" || !strings.Contains(line, `"version":"`+b.Version+`"`) || !strings.Contains(line, `"`+b.Engine+`"`) {
		t.Errorf("sw.js's BUILD line is not this build's: %.200s", line)
	}

	// Nothing but the site: no Go sources, no build of the site inside itself.
	for p := range files {
		if strings.HasSuffix(p, ".go") || strings.HasPrefix(p, "dist/") {
			t.Errorf("%s is in the build", p)
		}
	}

	// Every file gets one Cache-Control from the header table; every page a CSP,
	// framed by this site only except the embed.
	for p := range files {
		hdr := site.Headers("/" + p)
		if cc := hdr.Values("Cache-Control"); len(cc) != 1 {
			t.Errorf("/%s: Cache-Control %q, want one value from site.Rules", p, cc)
		} else if strings.HasPrefix(p, "assets/") != (cc[0] == site.Immutable) {
			t.Errorf("/%s: Cache-Control %q", p, cc[0])
		}
		if strings.HasSuffix(p, ".html") {
			want := site.PageCSP
			if p == "embed.html" {
				want = site.CSP
			}
			if got := hdr.Get("Content-Security-Policy"); got != want {
				t.Errorf("/%s: CSP %q, want %q", p, got, want)
			}
		}
	}
}

// TestStable: the same input gives the same build, byte for byte; another
// engine gives another engine name, another assets folder (the worker names
// the engine) and another version; building again over a build replaces it.
func TestStable(t *testing.T) {
	dir := t.TempDir()
	a, err := build(inputs(t, "one", filepath.Join(dir, "a")))
	if err != nil {
		t.Fatal(err)
	}
	o := inputs(t, "one", filepath.Join(dir, "b"))
	b, err := build(o)
	if err != nil {
		t.Fatal(err)
	}
	ta, tb := tree(t, filepath.Join(dir, "a")), tree(t, filepath.Join(dir, "b"))
	if len(ta) != len(tb) {
		t.Errorf("%d files, then %d", len(ta), len(tb))
	}
	for p, data := range ta {
		if !bytes.Equal(data, tb[p]) {
			t.Errorf("%s differs between two builds of the same input", p)
		}
	}
	if a.Version != b.Version || a.Assets != b.Assets || a.Engine != b.Engine {
		t.Errorf("names differ: %+v, %+v", a, b)
	}

	// Another engine, built over b.
	c, err := build(inputs(t, "two", filepath.Join(dir, "b")))
	if err != nil {
		t.Fatal(err)
	}
	if c.Engine == a.Engine || c.Assets == a.Assets || c.Version == a.Version {
		t.Errorf("another engine, same names: %+v, %+v", a, c)
	}
	tc := tree(t, filepath.Join(dir, "b"))
	if _, ok := tc[a.Engine]; ok {
		t.Errorf("the old engine %s is still in the rebuilt folder", a.Engine)
	}
	if _, ok := tc[c.Engine]; !ok {
		t.Errorf("the new engine %s is not in the rebuilt folder", c.Engine)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("temporary folders left beside the builds: %v", entries)
	}
}

// TestWorkerLiteral: a worker without the engine's default URL fails the build, loudly.
func TestWorkerLiteral(t *testing.T) {
	src := t.TempDir()
	for p, text := range map[string]string{
		"index.html":          `<!doctype html><script type="module" src="js/app.js"></script>`,
		"sw.js":               "const BUILD = {}; " + swMarker + "\n",
		"js/app.js":           "export {};",
		"js/engine-worker.js": "const wasm = '../engine-v2.wasm', exec = '../wasm_exec.js';",
	} {
		f := filepath.Join(src, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o := inputs(t, "one", filepath.Join(t.TempDir(), "dist"))
	o.Site = src
	_, err := build(o)
	if err == nil || !strings.Contains(err.Error(), wasmLiteral) {
		t.Fatalf("build: %v, want an error naming %s", err, wasmLiteral)
	}
	if _, serr := os.Stat(o.Out); serr == nil {
		t.Error("a failed build wrote its output")
	}

	// With the literal, this small site builds; a page naming a missing file does not.
	if err := os.WriteFile(filepath.Join(src, "js/engine-worker.js"), []byte("const wasm = '../engine.wasm', lab = '../lab.wasm', server = '../server.wasm', exec = '../wasm_exec.js';"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build(o); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "index.html"), []byte(`<!doctype html><script type="module" src="js/missing.js"></script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build(o); err == nil || !strings.Contains(err.Error(), "js/missing.js") {
		t.Errorf("build with a missing script: %v, want an error naming it", err)
	}
}

// TestModules: the lab and the server are content-named beside the engine,
// named in build.json and the worker, and left out of the precache (loaded
// on first use); the first session lands in the page's code folder.
func TestModules(t *testing.T) {
	dir := t.TempDir()
	o := inputs(t, "one", filepath.Join(dir, "dist"))
	for name, body := range map[string]string{"lab.wasm": "\x00asm\x01\x00\x00\x00lab", "server.wasm": "\x00asm\x01\x00\x00\x00server", "first.json": `{"recorded":true}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o.Lab, o.Server, o.FirstSession = filepath.Join(dir, "lab.wasm"), filepath.Join(dir, "server.wasm"), filepath.Join(dir, "first.json")
	b, err := build(o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.Lab, "assets/lab-") || !strings.HasPrefix(b.Server, "assets/server-") || b.FirstSession != b.Assets+"first-session.json" {
		t.Fatalf("lab %q, server %q, first session %q", b.Lab, b.Server, b.FirstSession)
	}
	if slices.Contains(b.Precache, b.Lab) || slices.Contains(b.Precache, b.Server) || !slices.Contains(b.Precache, b.Engine) || !slices.Contains(b.Precache, b.FirstSession) {
		t.Fatalf("precache %v: the engine and the first session, not the lab or the server", b.Precache)
	}
	if strings.Join(b.Lazy, " ") != b.Lab+" "+b.Server {
		t.Fatalf("lazy %v", b.Lazy)
	}
	worker, err := os.ReadFile(filepath.Join(o.Out, b.Assets, "js/engine-worker.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"'../../" + strings.TrimPrefix(b.Lab, "assets/") + "'", "'../../" + strings.TrimPrefix(b.Server, "assets/") + "'"} {
		if !strings.Contains(string(worker), want) {
			t.Errorf("the worker does not name %s", want)
		}
	}
	sw, _ := os.ReadFile(filepath.Join(o.Out, "sw.js"))
	if !strings.Contains(string(sw), `"lazy":["`+b.Lab+`","`+b.Server+`"]`) {
		t.Errorf("sw.js's BUILD has no lazy list: %.300s", sw)
	}
}

// TestFirstSessionRefs: a page's reference to first-session.json (the
// preload link) points at the build's copy, or, without one, its line goes.
func TestFirstSessionRefs(t *testing.T) {
	page := "<head>\n  <script src=\"js/a.js\" async></script>\n" +
		"  <link rel=\"preload\" href=\"first-session.json\" as=\"fetch\" crossorigin>\n" +
		"  <link rel=\"preload\" href=\"./first-session.json\" as=\"fetch\">\n</head>\n"
	got := string(firstSessionRefs([]byte(page), "assets/abc/first-session.json"))
	want := strings.ReplaceAll(strings.ReplaceAll(page, `"first-session.json"`, `"assets/abc/first-session.json"`), `"./first-session.json"`, `"assets/abc/first-session.json"`)
	if got != want {
		t.Errorf("with a first session:\n%s\nwant\n%s", got, want)
	}
	if got, want := string(firstSessionRefs([]byte(page), "")), "<head>\n  <script src=\"js/a.js\" async></script>\n</head>\n"; got != want {
		t.Errorf("without one:\n%s\nwant\n%s", got, want)
	}
	if other := "<p data-x=\"my-first-session.json\">first-session.json</p>\n"; string(firstSessionRefs([]byte(other), "")) != other {
		t.Error("a line without an attribute naming first-session.json was changed")
	}
}
