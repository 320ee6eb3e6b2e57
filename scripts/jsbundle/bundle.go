// Package jsbundle bundles the site's ES modules into one script (scripts/singlefile,
// the single-file edition; scripts/sitebuild, the first view of the site).
package jsbundle

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// This file bundles ES modules into one script: each module becomes a
// function in a registry (its imports become lookups in the registry, its
// exports the object it returns), evaluated on first use, dependencies
// first, as the browser would. It handles the syntax the site uses:
//
//	import { a, b as c } from './x.js';   (also across lines)
//	import * as ns from './x.js';
//	import './x.js';                      (for its side effects)
//	import('./x.js')                      (a dynamic import of a literal path)
//	export function f / export async function f / export function* f / export class C
//	export const a = …, b = …;
//	export { a, b as c };
//
// and fails, naming the file and line, on anything else: a default import or
// export, export let/var, re-exports, import attributes, a bare specifier (a
// package: only the site's own code is bundled), a path outside the root, an
// import cycle, a name a module imports but the other does not export,
// top-level await, and (in a classic script) import.meta.

// RegistryName is the bundle's one global name inside its scope; no module may use it.
const RegistryName = "__tls"

// Module is one parsed module.
type Module struct {
	name    string // path relative to the root, e.g. "components/wire.js"
	src     string
	Imports []importDecl
	Dynamic []string          // modules it imports with import()
	exports map[string]string // exported name → local name
	Order   []string          // exported names, in source order
	meta    int               // the line of its first import.meta, 0: none
	cuts    []cut             // source ranges to replace
}

// importDecl is a static import: the target module and how its exports bind.
type importDecl struct {
	from  string
	spec  string // as written
	line  int
	all   string      // import * as all
	names [][2]string // {imported, local}
}

// cut replaces src[start:end] with text (dynamic: an import() of that
// module, before text).
type cut struct {
	start, end int
	text       string
	dynamic    string
}

// Bundler loads modules from a file system rooted at the site's js/ folder.
type Bundler struct {
	fsys    fs.FS
	classic bool // the bundle is a classic script (a worker): no import.meta
	split   bool // NewSplit: import() of a module outside the bundle stays an import()
	mods    map[string]*Module
}

// New returns a bundler of the modules of fsys into one script that holds
// every module they import, with import() too.
func New(fsys fs.FS, classic bool) *Bundler {
	return &Bundler{fsys: fsys, classic: classic, mods: map[string]*Module{}}
}

// NewSplit returns a bundler for one module file of a site that keeps its
// other modules as files: the bundle, written at the root of fsys (import.meta
// is then the bundle's, which only a module at the root may use), holds what
// its entries import statically; an import() stays one (its path made relative
// to the bundle) unless the bundle holds that module. The registry is a module
// of its own (RegistryModule), which the bundle and the modules' stand-ins
// (Stub) import, so that a module loaded later and the bundle share one
// instance of each module.
func NewSplit(fsys fs.FS) *Bundler {
	return &Bundler{fsys: fsys, split: true, mods: map[string]*Module{}}
}

// resolve turns a specifier written in module from into a module name.
func resolve(from, spec string, line int) (string, error) {
	if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") {
		return "", fmt.Errorf("%s:%d: import of %q: only relative paths to the site's own modules (./ or ../) can be bundled", from, line, spec)
	}
	name := path.Join(path.Dir(from), spec)
	if name == ".." || strings.HasPrefix(name, "../") {
		return "", fmt.Errorf("%s:%d: import of %q leaves the site's js/ folder", from, line, spec)
	}
	return name, nil
}

// Add loads name and, recursively, every module it imports (statically or
// with import()), then checks the graph: no cycle, every imported name exported.
func (b *Bundler) Add(name string) error {
	if err := b.load(name); err != nil {
		return err
	}
	if err := b.checkCycles(); err != nil {
		return err
	}
	return b.checkNames()
}

func (b *Bundler) load(name string) error {
	if _, ok := b.mods[name]; ok {
		return nil
	}
	data, err := fs.ReadFile(b.fsys, name)
	if err != nil {
		return fmt.Errorf("reading module %s: %w", name, err)
	}
	m, err := Parse(name, string(data), b.classic)
	if err != nil {
		return err
	}
	if b.split && m.meta > 0 && path.Dir(name) != "." {
		return fmt.Errorf("%s:%d: import.meta in a module outside the bundle's folder would be the bundle's, not its own", name, m.meta)
	}
	b.mods[name] = m
	deps := []string(nil)
	if !b.split {
		deps = append(deps, m.Dynamic...)
	}
	for _, imp := range m.Imports {
		deps = append(deps, imp.from)
	}
	for _, dep := range deps {
		if err := b.load(dep); err != nil {
			return err
		}
	}
	return nil
}

// checkCycles fails on a cycle of static imports (dynamic imports are evaluated
// later, on demand, and may point back).
func (b *Bundler) checkCycles() error {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var stack []string
	var visit func(string) error
	visit = func(name string) error {
		switch state[name] {
		case visiting:
			i := 0
			for stack[i] != name {
				i++
			}
			return fmt.Errorf("import cycle: %s -> %s (a bundle evaluates each module once, after its imports; break the cycle)", strings.Join(stack[i:], " -> "), name)
		case done:
			return nil
		}
		state[name] = visiting
		stack = append(stack, name)
		for _, imp := range b.mods[name].Imports {
			if err := visit(imp.from); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		return nil
	}
	for _, name := range b.Names() {
		if err := visit(name); err != nil {
			return err
		}
	}
	return nil
}

// checkNames fails when a module imports a name the other module does not export.
func (b *Bundler) checkNames() error {
	for _, name := range b.Names() {
		m := b.mods[name]
		for _, imp := range m.Imports {
			target := b.mods[imp.from]
			for _, n := range imp.names {
				if _, ok := target.exports[n[0]]; !ok {
					return fmt.Errorf("%s:%d: imports %s from %s, which does not export it", name, imp.line, n[0], imp.from)
				}
			}
		}
	}
	return nil
}

// Names returns the modules the bundler holds, sorted.
func (b *Bundler) Names() []string {
	names := make([]string, 0, len(b.mods))
	for n := range b.mods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Parse finds the import and export statements of a module.
func Parse(name, src string, classic bool) (*Module, error) {
	toks, err := tokenize(name, src)
	if err != nil {
		return nil, err
	}
	m := &Module{name: name, src: src, exports: map[string]string{}}
	fail := func(t token, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, t.line, fmt.Sprintf(format, args...))
	}
	is := func(i int, kind tokKind, text string) bool {
		return i < len(toks) && toks[i].kind == kind && toks[i].text == text
	}
	export := func(t token, exported, local string) error {
		if _, dup := m.exports[exported]; dup {
			return fail(t, "%s is exported twice", exported)
		}
		m.exports[exported] = local
		m.Order = append(m.Order, exported)
		return nil
	}
	// end returns the index after a statement ending at token i (an optional semicolon).
	end := func(i int) int {
		if is(i, tokPunct, ";") {
			return i + 1
		}
		return i
	}
	// remove cuts tokens [from, to) out, keeping their line breaks.
	remove := func(from, to int) {
		start, stop := toks[from].start, toks[to-1].end
		m.cuts = append(m.cuts, cut{start, stop, strings.Repeat("\n", strings.Count(src[start:stop], "\n")), ""})
	}
	// braces reads the list of names of import { … } or export { … } (kw)
	// from the "{" at toks[j]: each name and the one after as (or itself), and
	// the index of the closing "}".
	braces := func(t token, j int, kw string) ([][2]string, int, error) {
		var names [][2]string
		for j++; !is(j, tokPunct, "}"); {
			if j >= len(toks) || toks[j].kind != tokIdent {
				return nil, j, fail(t, "expected a name in %s { … }", kw)
			}
			first, second := toks[j].text, toks[j].text
			j++
			if is(j, tokIdent, "as") {
				if j+1 >= len(toks) || toks[j+1].kind != tokIdent {
					return nil, j, fail(t, "expected a name after as in %s { … }", kw)
				}
				second = toks[j+1].text
				j += 2
			}
			names = append(names, [2]string{first, second})
			if is(j, tokPunct, ",") {
				j++
			} else if !is(j, tokPunct, "}") {
				return nil, j, fail(t, "expected , or } in %s { … }", kw)
			}
		}
		return names, j, nil
	}

	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tokIdent || i > 0 && is(i-1, tokPunct, ".") || is(i+1, tokPunct, ":") {
			continue // not a name, or a property (x.import, {export: …})
		}
		switch t.text {
		case RegistryName:
			return nil, fail(t, "the name %s is reserved for the bundle's registry", RegistryName)
		case "await":
			if t.depth == 0 {
				return nil, fail(t, "top-level await cannot be bundled (each module becomes a plain function)")
			}
		case "import":
			if is(i+1, tokPunct, ".") {
				if classic {
					return nil, fail(t, "import.meta cannot be used in a classic script bundle")
				}
				if m.meta == 0 {
					m.meta = t.line
				}
				continue // import.meta: the inline module script has its own
			}
			if is(i+1, tokPunct, "(") {
				if i+3 >= len(toks) || toks[i+2].kind != tokString || !is(i+3, tokPunct, ")") {
					return nil, fail(t, "import() of something other than one string literal cannot be bundled")
				}
				target, err := resolve(name, unquote(toks[i+2].text), t.line)
				if err != nil {
					return nil, err
				}
				m.Dynamic = append(m.Dynamic, target)
				// The text is the bundler's to choose (Bundler.body); the line breaks stay.
				m.cuts = append(m.cuts, cut{t.start, toks[i+3].end, strings.Repeat("\n", strings.Count(src[t.start:toks[i+3].end], "\n")), target})
				i += 3
				continue
			}
			if t.depth != 0 {
				return nil, fail(t, "an import statement must be at the top level")
			}
			decl := importDecl{line: t.line}
			j := i + 1
			switch {
			case j < len(toks) && toks[j].kind == tokString: // import './x.js';
			case is(j, tokPunct, "*"):
				if !is(j+1, tokIdent, "as") || j+2 >= len(toks) || toks[j+2].kind != tokIdent || !is(j+3, tokIdent, "from") {
					return nil, fail(t, "expected import * as NAME from '…'")
				}
				decl.all = toks[j+2].text
				j += 4
			case is(j, tokPunct, "{"):
				names, brace, err := braces(t, j, "import")
				if err != nil {
					return nil, err
				}
				decl.names, j = names, brace
				j++
				if !is(j, tokIdent, "from") {
					return nil, fail(t, "expected from after import { … }")
				}
				j++
			case j < len(toks) && toks[j].kind == tokIdent:
				return nil, fail(t, "default imports (import %s from …) cannot be bundled: the site's modules use named exports", toks[j].text)
			default:
				return nil, fail(t, "an import statement this bundler does not understand")
			}
			if j >= len(toks) || toks[j].kind != tokString {
				return nil, fail(t, "expected the module's path as a string")
			}
			target, err := resolve(name, unquote(toks[j].text), t.line)
			if err != nil {
				return nil, err
			}
			decl.from, decl.spec = target, unquote(toks[j].text)
			if is(j+1, tokIdent, "with") || is(j+1, tokIdent, "assert") {
				return nil, fail(t, "import attributes (with { … }) cannot be bundled")
			}
			stop := end(j + 1)
			remove(i, stop)
			m.Imports = append(m.Imports, decl)
			i = stop - 1
		case "export":
			if t.depth != 0 {
				continue // a method or property named export: statements are at the top level
			}
			j := i + 1
			if j >= len(toks) {
				return nil, fail(t, "export at the end of the file")
			}
			next := toks[j]
			switch {
			case next.kind == tokIdent && (next.text == "function" || next.text == "class" || next.text == "async"):
				k := j + 1
				if next.text == "async" {
					if !is(k, tokIdent, "function") {
						return nil, fail(t, "expected export async function NAME")
					}
					k++
				}
				if next.text != "class" && is(k, tokPunct, "*") {
					k++
				}
				if k >= len(toks) || toks[k].kind != tokIdent {
					return nil, fail(t, "an exported %s needs a name", next.text)
				}
				if err := export(t, toks[k].text, toks[k].text); err != nil {
					return nil, err
				}
				m.cuts = append(m.cuts, cut{t.start, next.start, "", ""})
			case next.kind == tokIdent && next.text == "const":
				k := j + 1
				if k >= len(toks) || toks[k].kind != tokIdent {
					return nil, fail(t, "export const with a destructuring pattern cannot be bundled: export each name")
				}
				if err := export(t, toks[k].text, toks[k].text); err != nil {
					return nil, err
				}
				// Further declarators: , NAME = at the statement's own depth, up to its semicolon.
				for k++; ; k++ {
					if k >= len(toks) {
						return nil, fail(t, "export const without a closing semicolon")
					}
					if toks[k].depth != 0 {
						continue
					}
					if is(k, tokPunct, ";") {
						break
					}
					if is(k, tokPunct, ",") {
						if k+2 >= len(toks) || toks[k+1].kind != tokIdent || !is(k+2, tokPunct, "=") {
							return nil, fail(toks[k], "export const: expected , NAME = (a destructuring pattern cannot be bundled)")
						}
						if err := export(toks[k], toks[k+1].text, toks[k+1].text); err != nil {
							return nil, err
						}
					}
				}
				m.cuts = append(m.cuts, cut{t.start, next.start, "", ""})
			case next.kind == tokIdent && (next.text == "let" || next.text == "var"):
				return nil, fail(t, "export %s cannot be bundled (its importers would not see it change): use export const or a function", next.text)
			case next.kind == tokPunct && next.text == "{":
				names, k, err := braces(t, j, "export")
				if err != nil {
					return nil, err
				}
				for _, n := range names {
					local, exported := n[0], n[1]
					if exported == "default" {
						return nil, fail(t, "a default export cannot be bundled: use a named export")
					}
					if err := export(t, exported, local); err != nil {
						return nil, err
					}
				}
				if is(k+1, tokIdent, "from") {
					return nil, fail(t, "re-exports (export { … } from …) cannot be bundled: import, then export")
				}
				stop := end(k + 1)
				remove(i, stop)
				i = stop - 1
			case next.kind == tokIdent && next.text == "default":
				return nil, fail(t, "a default export cannot be bundled: use a named export")
			case next.kind == tokPunct && next.text == "*":
				return nil, fail(t, "export * cannot be bundled: import, then export")
			default:
				return nil, fail(t, "an export statement this bundler does not understand")
			}
		}
	}
	// The dynamic imports' cuts are interleaved with the statements' ones: order them.
	sort.Slice(m.cuts, func(a, b int) bool { return m.cuts[a].start < m.cuts[b].start })
	for _, e := range m.Order {
		if local := m.exports[e]; !m.imported(local) && !declares(toks, m.cuts, local) {
			return nil, fmt.Errorf("%s: exports %s, which it does not declare", name, local)
		}
	}
	return m, nil
}

// imported reports whether local is bound by one of the module's imports.
func (m *Module) imported(local string) bool {
	for _, imp := range m.Imports {
		if imp.all == local {
			return true
		}
		for _, n := range imp.names {
			if n[1] == local {
				return true
			}
		}
	}
	return false
}

// declares reports whether the module names local outside its import and
// export syntax (a loose check that catches a typo in export { … }).
func declares(toks []token, cuts []cut, local string) bool {
next:
	for _, t := range toks {
		if t.kind != tokIdent || t.text != local {
			continue
		}
		for _, c := range cuts {
			if t.start >= c.start && t.end <= c.end {
				continue next
			}
		}
		return true
	}
	return false
}

// unquote returns the value of a string literal without escapes (a module path).
func unquote(lit string) string { return lit[1 : len(lit)-1] }

// body returns the module's source with its import and export syntax cut
// out, its import() calls pointed at the registry (or, split, at the module's
// file when the bundle does not hold it), on the source's lines.
func (b *Bundler) body(m *Module) string { return b.bodyIn(m, false) }

// bodyIn is body; alone, for the module's stand-in: each import() as written.
func (b *Bundler) bodyIn(m *Module, alone bool) string {
	var sb strings.Builder
	at := 0
	for _, c := range m.cuts {
		sb.WriteString(m.src[at:c.start])
		switch _, held := b.mods[c.dynamic]; {
		case c.dynamic == "":
		case alone:
			sb.WriteString(m.src[c.start:c.end])
			at = c.end
			continue
		case held:
			fmt.Fprintf(&sb, "%s.dynamic(%q)", RegistryName, c.dynamic)
		default:
			fmt.Fprintf(&sb, "import(%q)", "./"+c.dynamic)
		}
		sb.WriteString(c.text)
		at = c.end
	}
	sb.WriteString(m.src[at:])
	return sb.String()
}

// registry is the registry's value: define(name, factory), load(name)
// (evaluates a module once and returns its exports, frozen like a module
// namespace) and dynamic(name) (load, as a promise, like import()).
const registry = `(() => {
  const factories = new Map();
  const loaded = new Map();
  const load = (name) => {
    if (!loaded.has(name)) {
      const factory = factories.get(name);
      if (!factory) throw new Error('the bundle has no module ' + name);
      loaded.set(name, null);
      loaded.set(name, Object.freeze(Object.assign(Object.create(null), factory())));
    }
    return loaded.get(name);
  };
  return {
    define: (name, factory) => { if (!factories.has(name)) factories.set(name, factory); },
    load,
    dynamic: (name) => Promise.resolve().then(() => load(name)),
  };
})()`

// registryPrelude defines the registry in the bundle (New).
const registryPrelude = `const ` + RegistryName + ` = ` + registry + `;
`

// RegistryModule is the text of the registry's module (NewSplit): the bundle
// defines its modules in it, a stand-in (Stub) loads one from it.
const RegistryModule = `export const ` + RegistryName + ` = ` + registry + `;
`

// Line is where a line of a bundle comes from: a line (from 1) of a module,
// or (Module "") the bundle's own.
type Line struct {
	Module string
	Line   int
}

// Write returns the bundle's text (New): the registry and every module,
// without evaluating any (the caller appends what to load).
func (b *Bundler) Write() string {
	var sb strings.Builder
	sb.WriteString(registryPrelude)
	b.writeModules(&sb, true)
	return sb.String()
}

// SliceMs is how long, at most, a bundle made by NewSplit evaluates its
// modules in one task before it yields (WriteSplit); a module that takes longer
// has a task of its own.
const SliceMs = 6

// WriteSplit returns the text of a bundle made by NewSplit, and where each of
// its lines comes from (for a source map): it imports the registry from
// registry (a path from the bundle), defines every module in it, then
// evaluates the entries in order, each as a module script of its own would
// be: an entry that throws is reported (reportError) and the next runs.
//
// The modules are evaluated one by one, in the browser's order (each after
// the modules it imports, in the order it imports them), in tasks of about
// SliceMs after the bundle's own: that one runs now (JavaScript, or "") and
// yields to the browser (scheduler.yield, where there is one; else a message
// to itself); each later task evaluates modules until SliceMs have passed,
// and yields. A page's modules in one task were its longest task at load
// (issue 9: the task that ended the document's parse, evaluated all of them,
// upgraded every custom element and laid out what they changed); split, the
// parse ends (DOMContentLoaded) with nothing changed, and what the modules
// change is laid out at a later frame. The bundle exports ran, a promise that
// resolves once every entry has run (or was reported).
func (b *Bundler) WriteSplit(registry string, entries []string, now string) (string, []Line) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "import { %s } from %q;\n", RegistryName, registry)
	bodies := b.writeModules(&sb, false)
	var order []string
	done := map[string]bool{}
	for _, e := range entries {
		names := b.evalOrder(e, done)
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = fmt.Sprintf("%q", n)
		}
		order = append(order, "["+strings.Join(quoted, ", ")+"]")
	}
	if now != "" {
		sb.WriteString(now + "\n")
	}
	fmt.Fprintf(&sb, "export const ran = (async () => {\n"+
		"let since = -Infinity;\n"+
		"const next = () => globalThis.scheduler?.yield?.() ?? new Promise((resolve) => { const ch = new MessageChannel(); ch.port1.onmessage = () => { ch.port1.close(); resolve(); }; ch.port2.postMessage(0); });\n"+
		"for (const names of [%s]) {\n"+
		"try {\n"+
		"for (const name of names) {\n"+
		"if (performance.now() - since > %d) { await next(); since = performance.now(); }\n"+
		"%s.load(name);\n"+
		"}\n"+
		"} catch (err) { reportError(err); }\n"+
		"}\n"+
		"})();\n", strings.Join(order, ", "), SliceMs, RegistryName)
	text := sb.String()
	lines := make([]Line, strings.Count(text, "\n")+1)
	for _, bd := range bodies {
		for k := 0; k < bd.lines; k++ {
			lines[bd.at+k] = Line{bd.name, k + 1}
		}
	}
	return text, lines
}

// Stub returns the text of the stand-in for a module of a NewSplit bundle,
// written at the module's own path (registry: the registry's path from it).
// It exports what the module exports: the bundle's instance when the page's
// bundle holds the module (a module loaded later that imports it gets that
// one), else its own, made once in the registry from the module's code, which
// it carries (a page without the bundle that loads the module still works).
// Each line of the module is on its own line: the first holds the stand-in's
// imports too, the module's own written again.
func (b *Bundler) Stub(name, registry string) (string, error) {
	m, ok := b.mods[name]
	if !ok {
		return "", fmt.Errorf("the bundle has no module %s", name)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "import { %s } from %q; ", RegistryName, registry)
	for _, imp := range m.Imports {
		switch {
		case imp.all != "":
			fmt.Fprintf(&sb, "import * as %s from %q; ", imp.all, imp.spec)
		case len(imp.names) > 0:
			var parts []string
			for _, n := range imp.names {
				if n[0] == n[1] {
					parts = append(parts, n[0])
				} else {
					parts = append(parts, n[0]+" as "+n[1])
				}
			}
			fmt.Fprintf(&sb, "import { %s } from %q; ", strings.Join(parts, ", "), imp.spec)
		default:
			fmt.Fprintf(&sb, "import %q; ", imp.spec)
		}
	}
	fmt.Fprintf(&sb, "%s.define(%q, function () { 'use strict'; ", RegistryName, name)
	sb.WriteString(b.bodyIn(m, true))
	fmt.Fprintf(&sb, "\nreturn { %s };\n});\n", strings.Join(m.exportList(), ", "))
	load := fmt.Sprintf("%s.load(%q)", RegistryName, name)
	if len(m.Order) == 0 {
		fmt.Fprintf(&sb, "%s;\n", load)
	} else {
		// Under names of the bundle's own: an export may be one of the stand-in's imports.
		var from, as []string
		for i, e := range m.Order {
			from = append(from, fmt.Sprintf("%s: %s_%d", e, RegistryName, i))
			as = append(as, fmt.Sprintf("%s_%d as %s", RegistryName, i, e))
		}
		fmt.Fprintf(&sb, "const { %s } = %s;\nexport { %s };\n", strings.Join(from, ", "), load, strings.Join(as, ", "))
	}
	return sb.String(), nil
}

// evalOrder returns the modules the browser evaluates for name, in its order:
// each module after the modules it imports (in the order it imports them),
// name last; none of those in done (which it fills in).
func (b *Bundler) evalOrder(name string, done map[string]bool) []string {
	if done[name] {
		return nil
	}
	done[name] = true
	var order []string
	for _, imp := range b.mods[name].Imports {
		order = append(order, b.evalOrder(imp.from, done)...)
	}
	return append(order, name)
}

// exportList is what a module's factory returns: its exports, by name.
func (m *Module) exportList() []string {
	var exports []string
	for _, e := range m.Order {
		if local := m.exports[e]; local == e {
			exports = append(exports, e)
		} else {
			exports = append(exports, e+": "+local)
		}
	}
	return exports
}

// body is where a module's body is in a bundle: from line at (from 0), lines long.
type body struct {
	name      string
	at, lines int
}

// writeModules writes every module's definition; comments, a line naming each module.
func (b *Bundler) writeModules(sb *strings.Builder, comments bool) []body {
	var bodies []body
	for _, name := range b.Names() {
		m := b.mods[name]
		if comments {
			fmt.Fprintf(sb, "\n// ---- js/%s\n", name)
		}
		fmt.Fprintf(sb, "%s.define(%q, function () {\n'use strict';\n", RegistryName, name)
		for _, imp := range m.Imports {
			switch {
			case imp.all != "":
				fmt.Fprintf(sb, "const %s = %s.load(%q);\n", imp.all, RegistryName, imp.from)
			case len(imp.names) > 0:
				var parts []string
				for _, n := range imp.names {
					if n[0] == n[1] {
						parts = append(parts, n[0])
					} else {
						parts = append(parts, n[0]+": "+n[1])
					}
				}
				fmt.Fprintf(sb, "const { %s } = %s.load(%q);\n", strings.Join(parts, ", "), RegistryName, imp.from)
			default:
				fmt.Fprintf(sb, "%s.load(%q);\n", RegistryName, imp.from)
			}
		}
		text := b.body(m)
		bodies = append(bodies, body{name, strings.Count(sb.String(), "\n"), strings.Count(text, "\n") + 1})
		sb.WriteString(text)
		fmt.Fprintf(sb, "\nreturn { %s };\n});\n", strings.Join(m.exportList(), ", "))
	}
	return bodies
}
