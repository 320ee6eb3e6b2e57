package main

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing/fstest"

	"tlsplayground/scripts/jsbundle"
)

// The first view in one request (issue 9): a page's module scripts
// (<script type="module" src="js/…">, in their order) become one module, the
// page's bundle, written at the first one's path (so that import.meta.url
// still names a file of js/): every module they import statically, each a
// function in a registry (scripts/jsbundle), evaluated once, dependencies
// first, in the order the browser would, a few ms of them a task after the
// parse has ended (jsbundle.WriteSplit; modulesRan, below). The page keeps the first script and
// loses the others and its modulepreload links to the bundled modules; the
// bundle's one import, the registry (js/modules.js), is preloaded in their
// place (the <!-- modulepreload --> marker finds it). Before, the first view
// was some 40 requests, 35 of them the modules' preloads.
//
// What the page loads later (below-fold.js's parts, glossary-data.js, the
// lab's attacks) stays as it is, modules that import the bundled ones by their
// paths: each bundled module but the entries is replaced by a stand-in, at its
// path, that exports the bundle's instance (a part loaded later gets the same
// one: one definition of each custom element, one store) or, on a page that
// has no bundle holding it (a page of the origin that loads js/tls-view.js
// alone), runs the module's code, which it carries, once.
//
// Each bundle has a source map (<bundle>.js.map, with the sources inside it:
// the stand-ins are at their URLs): the developer tools show an error's place
// in its source file and line. A stack trace read without the map (Error.stack,
// boot.js's message) names the bundle's line, the module's lines in order
// after a few of the bundle's own. The service worker does not store the maps.

// registryFile is the registry's module, written by the build.
const registryFile = "js/modules.js"

// modulesRan is what a page's bundle runs in its own task, before its modules
// (which run in the tasks after it: jsbundle.WriteSplit): boot.js, on
// DOMContentLoaded, which now comes before them, reads this mark that the
// page's module scripts run (engine.js and embed.js set it too, when they run
// without a bundle).
const modulesRan = "document.documentElement.dataset.modules = 'ran';"

// moduleScriptLine is a page's line loading a module script of js/;
// modulePreloadLine, one preloading a module of js/.
var (
	moduleScriptLine  = regexp.MustCompile(`(?m)^[ \t]*<script type="module" src="(?:\./)?js/([^"]+\.js)"></script>[ \t]*\n`)
	modulePreloadLine = regexp.MustCompile(`(?m)^[ \t]*<link rel="modulepreload" href="(?:\./)?js/([^"]+\.js)">[ \t]*\n`)
)

// pageBundle is one page's bundle.
type pageBundle struct {
	page    string
	entries []string // the page's module scripts, relative to js/
	b       *jsbundle.Bundler
}

// bundlePages bundles each page's module scripts (see above): it rewrites
// pages and code (the page's code, stripped, by path in the site) in place
// and returns the bundles (their paths in the site → the modules each holds,
// relative to js/). sources are code's files before stripping, for the maps.
func bundlePages(pages, code, sources map[string][]byte) (map[string][]string, error) {
	if _, ok := code[registryFile]; ok {
		return nil, fmt.Errorf("the site has a %s: the build writes that file (the bundles' registry)", registryFile)
	}
	jsFS := fstest.MapFS{}
	for p, data := range code {
		if rest, ok := strings.CutPrefix(p, "js/"); ok && strings.HasSuffix(p, ".js") {
			jsFS[rest] = &fstest.MapFile{Data: data}
		}
	}
	names := make([]string, 0, len(pages))
	for p := range pages {
		names = append(names, p)
	}
	slices.Sort(names)
	var bundles []pageBundle
	entry := map[string]string{} // every page's entries → the page
	for _, p := range names {
		var entries []string
		for _, m := range moduleScriptLine.FindAllSubmatch(pages[p], -1) {
			entries = append(entries, string(m[1]))
		}
		if len(entries) == 0 {
			continue
		}
		b := jsbundle.NewSplit(jsFS)
		for _, e := range entries {
			if err := b.Add(e); err != nil {
				return nil, fmt.Errorf("%s: bundling its modules: %w", p, err)
			}
			entry[e] = p
		}
		bundles = append(bundles, pageBundle{p, entries, b})

		// The page: its first module script (now the bundle), no preload of a bundled module.
		held := b.Names()
		first := true
		page := moduleScriptLine.ReplaceAllFunc(pages[p], func(line []byte) []byte {
			if first {
				first = false
				return line
			}
			return nil
		})
		pages[p] = modulePreloadLine.ReplaceAllFunc(page, func(line []byte) []byte {
			if slices.Contains(held, string(modulePreloadLine.FindSubmatch(line)[1])) {
				return nil
			}
			return line
		})
	}

	// The stand-ins, then the bundles (an entry's file is its page's bundle).
	out := map[string][]string{}
	stubs := map[string]string{}
	for _, pb := range bundles {
		for _, name := range pb.b.Names() {
			if page, ok := entry[name]; ok {
				if !slices.Contains(pb.entries, name) {
					return nil, fmt.Errorf("%s's bundle holds js/%s, which is a module script of %s: a file cannot be both a bundle and a module", pb.page, name, page)
				}
				continue
			}
			from := relPath(path.Dir("js/"+name), registryFile)
			if !strings.HasPrefix(from, ".") {
				from = "./" + from
			}
			stub, err := pb.b.Stub(name, from)
			if err != nil {
				return nil, err
			}
			if had, ok := stubs[name]; ok && had != stub {
				return nil, fmt.Errorf("js/%s: two bundles disagree on its exports", name)
			}
			stubs[name] = stub
		}
	}
	for _, pb := range bundles {
		file := "js/" + pb.entries[0]
		if _, ok := out[file]; ok {
			return nil, fmt.Errorf("%s: two pages' bundles would be %s (a page's first module script names its bundle)", pb.page, file)
		}
		text, lines := pb.b.WriteSplit("./"+path.Base(registryFile), pb.entries, modulesRan)
		smap, err := sourceMap(path.Base(file), lines, sources)
		if err != nil {
			return nil, err
		}
		code[file] = []byte(text + "//# sourceMappingURL=" + path.Base(file) + ".map\n")
		code[file+".map"] = smap
		for _, e := range pb.entries[1:] {
			if _, stub := stubs[e]; !stub {
				delete(code, "js/"+e)
			}
		}
		out[file] = pb.b.Names()
	}
	for name, stub := range stubs {
		code["js/"+name] = []byte(stub)
	}
	code[registryFile] = []byte(jsbundle.RegistryModule)

	return out, nil
}

// sourceMap returns the source map (version 3) of a bundle called file whose
// lines come from lines: each line maps, from its first column, to its
// module's line (a bundle keeps the lines, not the columns: stripping took the
// indentation). The sources are inside it, as written (comments and all).
func sourceMap(file string, lines []jsbundle.Line, sources map[string][]byte) ([]byte, error) {
	var names []string
	index := map[string]int{}
	var mappings strings.Builder
	prevSource, prevLine := 0, 0
	for i, l := range lines {
		if i > 0 {
			mappings.WriteByte(';')
		}
		if l.Module == "" {
			continue
		}
		n, ok := index[l.Module]
		if !ok {
			n = len(names)
			index[l.Module] = n
			names = append(names, l.Module)
		}
		// A segment: generated column 0, source (delta), source line (delta, from 0), source column 0.
		mappings.WriteString(vlq(0) + vlq(n-prevSource) + vlq(l.Line-1-prevLine) + vlq(0))
		prevSource, prevLine = n, l.Line-1
	}
	contents := make([]string, len(names))
	for i, name := range names {
		src, ok := sources["js/"+name]
		if !ok {
			return nil, fmt.Errorf("the source map of %s: no source for js/%s", file, name)
		}
		contents[i] = string(src)
	}
	return json.Marshal(map[string]any{
		"version": 3, "file": file, "sources": names, "sourcesContent": contents, "names": []string{}, "mappings": mappings.String(),
	})
}

// vlq is n in a source map's base64 VLQ.
func vlq(n int) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	v := n << 1
	if n < 0 {
		v = (-n)<<1 | 1
	}
	var sb strings.Builder
	for {
		d := v & 31
		v >>= 5
		if v > 0 {
			d |= 32
		}
		sb.WriteByte(digits[d])
		if v == 0 {
			return sb.String()
		}
	}
}
