package jsbundle

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
)

// TestBundleRuns bundles testdata/ok (every import and export form the site
// uses, and text that only looks like them) and, when node is installed, runs
// the bundle: the modules evaluate once each, dependencies first, in the
// order the browser would, and the values cross as they should.
func TestBundleRuns(t *testing.T) {
	b := New(os.DirFS("testdata/ok"), false)
	if err := b.Add("a.js"); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(b.Names(), " "), "a.js c.js lazy.js lib/b.js log.js side.js"; got != want {
		t.Errorf("modules %q, want %q", got, want)
	}
	code := b.Write()
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
const a = ` + RegistryName + `.load('a.js');
const before = [...a.seen];
a.later().then((value) => {
  const b = ` + RegistryName + `.load('lib/b.js');
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
		{"import list without a name", map[string]string{"main.js": "import { a, 1 } from './x.js';", "x.js": "export const a = 1;"}, false, "expected a name in import { … }"},
		{"import as without a name", map[string]string{"main.js": "import { a as } from './x.js';", "x.js": "export const a = 1;"}, false, "expected a name after as in import { … }"},
		{"export list without a comma", map[string]string{"main.js": "const a = 1, b = 2;\nexport { a b };"}, false, "main.js:2: expected , or } in export { … }"},
		{"export as default", map[string]string{"main.js": "const a = 1;\nexport { a as default };"}, false, "a default export cannot be bundled"},
		{"reserved name", map[string]string{"main.js": "const " + RegistryName + " = 1;"}, false, "reserved"},
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
			err := New(fsys, tc.classic).Add("main.js")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestSplit: a bundle of a site that keeps its other modules as files holds
// only what its entries import statically; an import() of another module
// stays one, its path from the bundle's folder, and one of a held module
// loads it from the registry; import.meta is refused outside the bundle's
// folder; the line map names each body line's source line.
func TestSplit(t *testing.T) {
	fsys := fstest.MapFS{
		"a.js":        {Data: []byte("import { b } from './lib/b.js';\nexport const a = () => import('./lib/d.js');\nexport const here = import.meta.url;\n")},
		"lib/b.js":    {Data: []byte("export const b = 1;\nexport const c = () => import('./c.js');\nexport const self = () => import('../a.js');\n")},
		"lib/c.js":    {Data: []byte("export const c = 2;\n")},
		"meta.js":     {Data: []byte("import './lib/meta.js';\n")},
		"lib/meta.js": {Data: []byte("export const m = import.meta.url;\n")},
	}
	b := NewSplit(fsys)
	if err := b.Add("a.js"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Names(), " "); got != "a.js lib/b.js" {
		t.Errorf("the bundle holds %q, want a.js lib/b.js (not the modules imported with import())", got)
	}
	text, lines := b.WriteSplit("./modules.js", []string{"a.js"}, "")
	for _, want := range []string{`import { __tls } from "./modules.js";`, `import("./lib/d.js")`, `import("./lib/c.js")`, `__tls.dynamic("a.js")`, `for (const names of [["lib/b.js", "a.js"]]) {`, `} catch (err) { reportError(err); }`} {
		if !strings.Contains(text, want) {
			t.Errorf("the bundle has no %s:\n%s", want, text)
		}
	}
	out := strings.Split(text, "\n")
	if len(lines) != len(out) {
		t.Fatalf("%d lines mapped, the bundle has %d", len(lines), len(out))
	}
	for i, l := range lines {
		if l.Module == "lib/b.js" && l.Line == 2 && !strings.Contains(out[i], "const c = () =>") {
			t.Errorf("line %d, mapped to lib/b.js:2, is %q", i+1, out[i])
		}
	}
	stub, err := b.Stub("lib/b.js", "../modules.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stub, `import { __tls } from "../modules.js"; `) || !strings.Contains(stub, `export { __tls_0 as b, __tls_1 as c, __tls_2 as self };`) {
		t.Errorf("the stand-in of lib/b.js:\n%s", stub)
	}
	err = NewSplit(fsys).Add("meta.js")
	if err == nil || !strings.Contains(err.Error(), "lib/meta.js:1: import.meta") {
		t.Errorf("import.meta outside the bundle's folder: error %v", err)
	}
}
