package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSiteBundles builds the real site: each page loads one module script,
// its bundle, which holds every module its entries import statically (the
// page preloads only the registry); each bundled module but the entries is a
// stand-in at its path; the map names each bundle line's source line.
func TestSiteBundles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist")
	b, err := build(inputs(t, "bundle", out))
	if err != nil {
		t.Fatal(err)
	}
	files := tree(t, out)
	code := map[string][]byte{}
	for p, data := range tree(t, "../../site/js") {
		code["js/"+p] = data
	}
	script := regexp.MustCompile(`<script type="module" src="assets/[0-9a-f]+/([^"]+)"`)
	link := regexp.MustCompile(`<link rel="modulepreload" href="assets/[0-9a-f]+/([^"]+)"`)
	for page, entries := range map[string][]string{"index.html": {"js/app.js", "js/pwa.js"}, "embed.html": {"js/embed.js"}} {
		html := files[page]
		if preloadMarker.Match(html) {
			t.Errorf("%s: a modulepreload marker is left", page)
		}
		var scripts, links []string
		for _, m := range script.FindAllSubmatch(html, -1) {
			scripts = append(scripts, string(m[1]))
		}
		for _, m := range link.FindAllSubmatch(html, -1) {
			links = append(links, string(m[1]))
		}
		if !slices.Equal(scripts, entries[:1]) || !slices.Equal(links, []string{registryFile}) {
			t.Errorf("%s: module scripts %v, preloads %v; want %v and %v", page, scripts, links, entries[:1], []string{registryFile})
		}
		held := b.Bundles[entries[0]]
		for _, e := range entries {
			modules, err := importClosure(e, code)
			if err != nil {
				t.Fatal(err)
			}
			if len(modules) < 10 && e != "js/pwa.js" {
				t.Fatalf("%s imports only %d modules: the import patterns no longer read the site's code", e, len(modules))
			}
			for _, p := range modules {
				if !slices.Contains(held, strings.TrimPrefix(p, "js/")) {
					t.Errorf("%s: its bundle does not hold %s, which %s imports", page, p, e)
				}
			}
		}
		for _, name := range held {
			shipped := string(files[b.Assets+"js/"+name])
			switch {
			case slices.Contains(entries[1:], "js/"+name):
				if shipped != "" {
					t.Errorf("js/%s is shipped, but it is in %s's bundle", name, page)
				}
			case name == strings.TrimPrefix(entries[0], "js/"):
			case !strings.HasPrefix(shipped, "import { __tls } from ") || !strings.Contains(shipped, `__tls.load("`+name+`")`):
				t.Errorf("js/%s is not a stand-in loading it from the registry: %.200q", name, shipped)
			}
		}

		// The map: each mapped line of the bundle is its source's line, but for its indentation and comments.
		var smap struct {
			Sources, SourcesContent []string
			Mappings                string
		}
		bundle := string(files[b.Assets+entries[0]])
		if !strings.HasSuffix(bundle, "//# sourceMappingURL="+filepath.Base(entries[0])+".map\n") {
			t.Errorf("%s does not name its source map", entries[0])
		}
		if err := json.Unmarshal(files[b.Assets+entries[0]+".map"], &smap); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(bundle, "\n")
		mapped := 0
		source, line := 0, 0
		for i, seg := range strings.Split(smap.Mappings, ";") {
			if seg == "" {
				continue
			}
			d := unvlq(t, seg)
			source += d[1]
			line += d[2]
			// An import() names its module from the bundle's folder.
			src := dynamicImport.ReplaceAllString(strings.Split(smap.SourcesContent[source], "\n")[line], "import(…)")
			got := dynamicImport.ReplaceAllString(strings.TrimSpace(lines[i]), "import(…)")
			if got != "" && !strings.Contains(src, got) {
				t.Errorf("%s:%d is not %s:%d: %q, %q", entries[0], i+1, smap.Sources[source], line+1, got, src)
			}
			mapped++
		}
		if mapped < 1000 {
			t.Errorf("%s: only %d lines mapped", entries[0], mapped)
		}
	}
	if _, ok := files[b.Assets+registryFile]; !ok {
		t.Errorf("no %s", registryFile)
	}
}

// dynamicImport is an import() of a module by its path.
var dynamicImport = regexp.MustCompile(`\bimport\(\s*['"](\.{1,2}/[^'"]+)['"]\s*\)`)

// unvlq decodes one segment of a source map's mappings.
func unvlq(t *testing.T, seg string) []int {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var out []int
	v, shift := 0, 0
	for _, c := range seg {
		d := strings.IndexRune(digits, c)
		if d < 0 {
			t.Fatalf("%q: not base64", seg)
		}
		v |= (d & 31) << shift
		shift += 5
		if d&32 == 0 {
			if v&1 == 1 {
				out = append(out, -(v >> 1))
			} else {
				out = append(out, v>>1)
			}
			v, shift = 0, 0
		}
	}
	if len(out) != 4 {
		t.Fatalf("%q: %d fields, want 4", seg, len(out))
	}
	return out
}

// TestBundleIdentity builds a small site and runs it in node: the page's
// bundle marks that modules run (boot.js) in its own task and evaluates its
// modules once, in order, in later ones; a module it loads later gets
// the bundle's instances through the stand-ins (one counter, not two); an
// entry that throws does not stop the next; without the bundle, a stand-in
// runs its module's own code.
func TestBundleIdentity(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	files := map[string]string{
		"index.html": "<!doctype html>\n<link rel=\"modulepreload\" href=\"js/lib/count.js\">\n<!-- modulepreload: js/app.js -->\n" +
			"<script type=\"module\" src=\"js/app.js\"></script>\n<script type=\"module\" src=\"js/broken.js\"></script>\n<script type=\"module\" src=\"js/last.js\"></script>\n",
		"sw.js":               "const BUILD = {}; // filled in by scripts/sitebuild\n",
		"js/engine-worker.js": "const wasm = '../engine.wasm', lab = '../lab.wasm', server = '../server.wasm', exec = '../wasm_exec.js';\n",
		"js/app.js":           "import { count, log } from './lib/count.js';\nlog('app ' + count());\nexport const later = () => import('./later.js');\nglobalThis.later = later;\n",
		"js/lib/count.js":     "import { log } from '../log.js';\nlet n = 0;\nexport function count() { return ++n; }\nexport { log };\nlog('count');\n",
		"js/log.js":           "export const seen = ['log'];\nexport const log = (s) => seen.push(s);\nglobalThis.seen = seen;\n",
		"js/broken.js":        "import { log } from './log.js';\nlog('broken');\nthrow new Error('broken on purpose');\n",
		"js/last.js":          "import { log } from './log.js';\nlog('last');\n",
		"js/later.js":         "import { count, log } from './lib/count.js';\nlog('later ' + count());\n",
	}
	site := t.TempDir()
	for p, text := range files {
		f := filepath.Join(site, p)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o := inputs(t, "identity", filepath.Join(t.TempDir(), "dist"))
	o.Site = site
	b, err := build(o)
	if err != nil {
		t.Fatal(err)
	}
	dist := tree(t, o.Out)
	page := string(dist["index.html"])
	if strings.Count(page, "<script") != 1 || strings.Contains(page, "count.js") || !strings.Contains(page, `<link rel="modulepreload" href="`+b.Assets+registryFile+`">`) {
		t.Errorf("index.html:\n%s", page)
	}
	if got := b.Bundles["js/app.js"]; !slices.Equal(got, []string{"app.js", "broken.js", "last.js", "lib/count.js", "log.js"}) {
		t.Errorf("the bundle holds %v", got)
	}
	// node runs the dist's files as modules (.mjs: node reads .js as CommonJS here).
	run := t.TempDir()
	for p, data := range dist {
		if rest, ok := strings.CutPrefix(p, b.Assets); ok && strings.HasSuffix(p, ".js") {
			f := filepath.Join(run, strings.TrimSuffix(rest, ".js")+".mjs")
			text := regexp.MustCompile(`(["'])(\.{1,2}/[^"']+)\.js(["'])`).ReplaceAllString(string(data), "$1$2.mjs$3")
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The bundle's own task sets boot.js's mark and evaluates no module: they run in later tasks.
	program := `globalThis.reportError = (err) => globalThis.seen.push('reported: ' + err.message);
globalThis.document = { documentElement: { dataset: {} } };
const { ran } = await import('./js/app.mjs');
const first = [document.documentElement.dataset.modules, globalThis.seen?.length];
await ran;
await globalThis.later();
console.log(JSON.stringify([first, globalThis.seen]));
`
	cmd := exec.Command(node, "--input-type=module", "-")
	cmd.Dir = run
	cmd.Stdin = strings.NewReader(program)
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, got)
	}
	want := `[["ran",null],["log","count","app 1","broken","reported: broken on purpose","last","later 2"]]`
	if strings.TrimSpace(string(got)) != want {
		t.Errorf("node printed %s, want %s", got, want)
	}

	// A page without the bundle that loads a module (views.test.mjs: tls-view.js alone) gets its own instances.
	cmd = exec.Command(node, "--input-type=module", "-")
	cmd.Dir = run
	cmd.Stdin = strings.NewReader(`const { count, log } = await import('./js/lib/count.mjs');
log('alone ' + count() + ' ' + count());
console.log(JSON.stringify(globalThis.seen));
`)
	if got, err = cmd.CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, got)
	}
	if want := `["log","count","alone 1 2"]`; strings.TrimSpace(string(got)) != want {
		t.Errorf("alone, node printed %s, want %s", got, want)
	}
}
