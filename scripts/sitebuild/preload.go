package main

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// A page asks for the modulepreload links of an entry module with a line
// holding only this comment, e.g. <!-- modulepreload: js/app.js -->. The
// build writes in its place one link for every module the entry imports
// statically, directly or through others (what the browser would otherwise
// find one import level at a time), except the entry itself and a module the
// page already links. Dynamic import() calls are left out: they load later
// on purpose.
var preloadMarker = regexp.MustCompile(`(?m)^([ \t]*)<!-- modulepreload: ([^ ]+\.js) -->[ \t]*\n`)

// staticImports match the import declarations of an ES module that name a
// relative URL: `import x from './a.js'`, `export {y} from '../b.js'` (the
// clause may span lines) and `import './c.js'`. A declaration starts a line;
// a dynamic import( is not one.
var staticImports = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^[ \t]*(?:import|export)\b[^;'"]*?\bfrom[ \t]*['"](\.{1,2}/[^'"]+)['"]`),
	regexp.MustCompile(`(?m)^[ \t]*import[ \t]*['"](\.{1,2}/[^'"]+)['"]`),
}

// preloadLink finds a page's existing modulepreload links.
var preloadLink = regexp.MustCompile(`<link rel="modulepreload" href="([^"]+)"`)

// withPreloads writes each marker's links into page. code holds the page's
// modules by their path in the site ("js/app.js").
func withPreloads(name string, page []byte, code map[string][]byte) ([]byte, error) {
	linked := map[string]bool{}
	for _, m := range preloadLink.FindAllSubmatch(page, -1) {
		linked[strings.TrimPrefix(string(m[1]), "./")] = true
	}
	var failed error
	out := preloadMarker.ReplaceAllFunc(page, func(line []byte) []byte {
		m := preloadMarker.FindSubmatch(line)
		indent, entry := string(m[1]), strings.TrimPrefix(string(m[2]), "./")
		modules, err := importClosure(entry, code)
		if err != nil {
			if failed == nil {
				failed = fmt.Errorf("%s: <!-- modulepreload: %s -->: %w", name, entry, err)
			}
			return line
		}
		var b bytes.Buffer
		for _, p := range modules {
			if p == entry || linked[p] {
				continue
			}
			linked[p] = true
			fmt.Fprintf(&b, "%s<link rel=\"modulepreload\" href=\"%s\">\n", indent, p)
		}
		return b.Bytes()
	})
	return out, failed
}

// importClosure lists entry and every module it imports statically,
// directly or not, in the order they are first met (depth first, in source
// order).
func importClosure(entry string, code map[string][]byte) ([]string, error) {
	var order []string
	seen := map[string]bool{}
	var visit func(p, from string) error
	visit = func(p, from string) error {
		if seen[p] {
			return nil
		}
		src, ok := code[p]
		if !ok {
			if from == "" {
				return fmt.Errorf("%s is not one of the page's modules (give its path in the site, like js/app.js)", p)
			}
			return fmt.Errorf("%s imports %s, which is not in the site", from, p)
		}
		seen[p] = true
		order = append(order, p)
		type found struct {
			at  int
			url string
		}
		var imports []found
		for _, re := range staticImports {
			for _, m := range re.FindAllSubmatchIndex(src, -1) {
				imports = append(imports, found{m[2], string(src[m[2]:m[3]])})
			}
		}
		// Source order, whichever pattern found them.
		slices.SortFunc(imports, func(a, b found) int { return a.at - b.at })
		for _, imp := range imports {
			url, _, _ := strings.Cut(imp.url, "?")
			if err := visit(path.Join(path.Dir(p), url), p); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(entry, ""); err != nil {
		return nil, err
	}
	return order, nil
}
