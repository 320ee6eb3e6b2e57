// Command sitebuild lays out the static site for deployment (scripts/build.sh
// runs it after compiling the engine):
//
//	DIST/index.html, embed.html, …   site/*.html, their references to js/, css/ and img/
//	                                 pointing at assets/<H>/
//	DIST/sw.js                       the service worker: site/sw.js with this build's
//	                                 version and precache list filled in
//	DIST/manifest.webmanifest, favicon.svg, icons/, tls-playground.js, …
//	                                 the other files of site/, copied as they are
//	DIST/assets/<H>/js/, css/, img/, wasm_exec.js
//	                                 the page's code, immutable: H is a hash of every file
//	                                 in the folder (after the rewriting below); each page's
//	                                 modules in one file, at its first module script's path,
//	                                 with a source map (bundle.go)
//	DIST/assets/engine-<h>.wasm      the engine's core, immutable: h is a hash of its bytes
//	DIST/assets/lab-<h>.wasm         the lab module, loaded on first use of one of its methods
//	DIST/assets/server-<h>.wasm      the HTTP server role (./wasm/server), loaded on first use
//	DIST/assets/<H>/first-session.json  the page's first session, recorded at build time
//	                                 (scripts/firstsession), read before the engine is ready
//	DIST/build.json                  what the build made: {version, engine, lab, server,
//	                                 firstSession, assets, wasmExec, precache, lazy, bundles, sizes}
//	                                 (tests and scripts read the engine's name from it)
//
// In the copy of js/engine-worker.js, the engine's default URL '../engine.wasm'
// becomes '../../engine-<h>.wasm', and '../lab.wasm' and '../server.wasm' the
// lab's and the server's (the engine's own when the build has no such module:
// then the engine plays the role, as one whole engine does); '../wasm_exec.js'
// stays (the glue is in the same folder as before, relative to js/), and the
// copy starts with Go's glue itself, so that the worker needs no second
// request before the engine runs. The build fails if a literal is not there
// exactly once. The service worker precaches
// the pages and the assets but the lab and the server (build.json's lazy): a
// first visit downloads only what the first view needs. Files are named by hash, so the same
// input gives the same output, and a page can never load a new engine with an
// old shell or the reverse.
//
// The result is written to a temporary folder beside DIST and then swapped in,
// so a failed build leaves DIST as it was.
//
//	go run ./scripts/sitebuild -wasm engine.wasm -wasm-exec "$(go env GOROOT)/lib/wasm/wasm_exec.js" [-site site] [-out site/dist]
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Options are the inputs of a build.
type Options struct {
	Site   string // the site's sources (site/)
	Wasm   string // the engine's core, compiled (GOOS=js GOARCH=wasm go build -tags core ./wasm)
	Lab    string // the lab module (GOOS=js GOARCH=wasm go build ./wasm); optional
	Server string // the server role (GOOS=js GOARCH=wasm go build ./wasm/server); optional
	// FirstSession is the recorded first session (go run ./scripts/firstsession -o FILE); optional.
	FirstSession string
	WasmExec     string // Go's JS glue, $(go env GOROOT)/lib/wasm/wasm_exec.js
	Out          string // the folder to write (site/dist)
}

// Build is what a build made: written to DIST/build.json.
type Build struct {
	Version string `json:"version"` // a hash of everything the service worker precaches, and sw.js itself
	Engine  string `json:"engine"`  // assets/engine-<h>.wasm: the core
	Lab     string `json:"lab"`     // assets/lab-<h>.wasm (the engine's when the build has no lab)
	Server  string `json:"server"`  // assets/server-<h>.wasm (the engine's when the build has no server)
	// FirstSession is assets/<H>/first-session.json, "" when the build has none.
	FirstSession string   `json:"firstSession,omitempty"`
	Assets       string   `json:"assets"`   // assets/<H>/
	WasmExec     string   `json:"wasmExec"` // assets/<H>/wasm_exec.js
	Precache     []string `json:"precache"` // the files the service worker stores at install, relative to the site's root
	// Lazy are the files the page loads on first use (the lab, the server):
	// the service worker stores them then, not at install.
	Lazy []string `json:"lazy"`
	// Bundles are each page's modules in one file (bundle.go): its path in
	// the site (js/app.js) → the modules it holds (relative to js/).
	Bundles map[string][]string `json:"bundles"`
	Sizes   Sizes               `json:"sizes"`
}

// Sizes are in bytes.
type Sizes struct {
	Engine   int64 `json:"engine"`   // the engine's core, raw
	Lab      int64 `json:"lab"`      // the lab module, raw (0: none)
	Server   int64 `json:"server"`   // the server module, raw (0: none)
	Precache int64 `json:"precache"` // what the service worker stores (the engine included)
	Dist     int64 `json:"dist"`     // every file of the build but build.json
	Files    int   `json:"files"`    // how many files that is
}

// The folders of site/ that move under assets/<H>/.
var hashedDirs = []string{"js", "css", "img"}

// The two literals of js/engine-worker.js that name the engine and Go's glue.
const (
	workerFile    = "js/engine-worker.js"
	wasmLiteral   = "'../engine.wasm'"
	labLiteral    = "'../lab.wasm'"
	serverLiteral = "'../server.wasm'"
	execLiteral   = "'../wasm_exec.js'"
	firstSession  = "first-session.json"
	swTemplate    = "sw.js"
	swMarker      = "// filled in by scripts/sitebuild"
	hashHexDigits = 12
)

// swLine is the line of site/sw.js that the build fills in.
var swLine = regexp.MustCompile(`(?m)^const BUILD = .*; ` + regexp.QuoteMeta(swMarker) + `.*$`)

func main() {
	var o Options
	flag.StringVar(&o.Site, "site", "site", "the site's sources")
	flag.StringVar(&o.Wasm, "wasm", "", "the compiled engine's core (required)")
	flag.StringVar(&o.Lab, "lab", "", "the compiled lab module (optional: without it the engine is whole)")
	flag.StringVar(&o.Server, "server", "", "the compiled server role, ./wasm/server (optional: without it the engine serves)")
	flag.StringVar(&o.FirstSession, "first-session", "", "the recorded first session, JSON (optional)")
	flag.StringVar(&o.WasmExec, "wasm-exec", "", "Go's wasm_exec.js (required; $(go env GOROOT)/lib/wasm/wasm_exec.js)")
	flag.StringVar(&o.Out, "out", "site/dist", "the folder to build")
	flag.Parse()
	if o.Wasm == "" || o.WasmExec == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/sitebuild -wasm ENGINE.wasm -wasm-exec WASM_EXEC.js [-site site] [-out site/dist]")
		os.Exit(2)
	}
	b, err := build(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sitebuild: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("sitebuild: %s: %d files, %d bytes (version %s)\n", o.Out, b.Sizes.Files, b.Sizes.Dist, b.Version)
	fmt.Printf("sitebuild: engine %s, %d bytes; lab %s, %d bytes; server %s, %d bytes; page code in %s\n",
		b.Engine, b.Sizes.Engine, b.Lab, b.Sizes.Lab, b.Server, b.Sizes.Server, b.Assets)
	fmt.Printf("sitebuild: service worker precache: %d files, %d bytes\n", len(b.Precache), b.Sizes.Precache)
}

// build lays the site out in memory, then writes it to o.Out.
func build(o Options) (*Build, error) {
	files, b, err := layout(o)
	if err != nil {
		return nil, err
	}
	return b, write(o.Out, files)
}

// layout returns every file of the build (path → bytes, build.json included) and the Build.
func layout(o Options) (map[string][]byte, *Build, error) {
	wasm, err := os.ReadFile(o.Wasm)
	if err != nil {
		return nil, nil, fmt.Errorf("the engine: %w (build it with GOOS=js GOARCH=wasm go build ./wasm)", err)
	}
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		return nil, nil, fmt.Errorf("%s is not a WebAssembly module", o.Wasm)
	}
	wasmExec, err := os.ReadFile(o.WasmExec)
	if err != nil {
		return nil, nil, fmt.Errorf("Go's JS glue: %w (Go 1.24+ keeps it in $(go env GOROOT)/lib/wasm)", err)
	}
	if wasmExec, err = stripGlue(wasmExec); err != nil {
		return nil, nil, err
	}
	outAbs, err := filepath.Abs(o.Out)
	if err != nil {
		return nil, nil, err
	}

	b := &Build{}
	b.Engine = "assets/engine-" + short(wasm) + ".wasm"
	out := map[string][]byte{b.Engine: wasm}
	b.Sizes.Engine = int64(len(wasm))
	b.Lab, b.Server = b.Engine, b.Engine
	for _, m := range []struct {
		name, path string
		to         *string
		size       *int64
	}{{"lab", o.Lab, &b.Lab, &b.Sizes.Lab}, {"server", o.Server, &b.Server, &b.Sizes.Server}} {
		if m.path == "" {
			continue
		}
		data, err := os.ReadFile(m.path)
		if err != nil {
			return nil, nil, fmt.Errorf("the %s module: %w", m.name, err)
		}
		if !bytes.HasPrefix(data, []byte("\x00asm")) {
			return nil, nil, fmt.Errorf("%s is not a WebAssembly module", m.path)
		}
		*m.to = "assets/" + m.name + "-" + short(data) + ".wasm"
		*m.size = int64(len(data))
		out[*m.to] = data
		b.Lazy = append(b.Lazy, *m.to)
	}

	// The site's sources: the page's code (hashed), the pages, the rest.
	code := map[string][]byte{"wasm_exec.js": wasmExec}
	if o.FirstSession != "" {
		data, err := os.ReadFile(o.FirstSession)
		if err != nil {
			return nil, nil, fmt.Errorf("the first session: %w (go run ./scripts/firstsession -o FILE)", err)
		}
		if !json.Valid(data) {
			return nil, nil, fmt.Errorf("the first session %s is not JSON", o.FirstSession)
		}
		code[firstSession] = data
	}
	pages := map[string][]byte{}
	var swText []byte
	err = filepath.WalkDir(o.Site, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(o.Site, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if abs, _ := filepath.Abs(p); abs == outAbs || skip(rel, d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		top, _, nested := strings.Cut(rel, "/")
		switch {
		case nested && slices.Contains(hashedDirs, top):
			code[rel] = data
		case rel == swTemplate:
			swText = data
		case !nested && strings.HasSuffix(rel, ".html"):
			pages[rel] = data
		default:
			out[rel] = data
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading the site: %w", err)
	}
	if _, ok := pages["index.html"]; !ok {
		return nil, nil, fmt.Errorf("%s has no index.html (is -site the site's sources?)", o.Site)
	}
	if swText == nil {
		return nil, nil, fmt.Errorf("%s has no %s (the service worker's template)", o.Site, swTemplate)
	}

	// The page's own code and styles, without their comments (strip.go).
	sources := maps.Clone(code)
	for p, data := range code {
		var err error
		switch {
		case strings.HasPrefix(p, "js/") && strings.HasSuffix(p, ".js"):
			code[p], err = stripJS(p, data)
		case strings.HasPrefix(p, "css/") && strings.HasSuffix(p, ".css"):
			code[p], err = stripCSS(p, data)
		}
		if err != nil {
			return nil, nil, err
		}
	}

	// Each page's modules in one (bundle.go).
	if b.Bundles, err = bundlePages(pages, code, sources); err != nil {
		return nil, nil, err
	}

	// The engine's default URL, in the worker that loads it.
	worker, ok := code[workerFile]
	if !ok {
		return nil, nil, fmt.Errorf("%s/%s not found: it loads the engine", o.Site, workerFile)
	}
	for _, lit := range []string{wasmLiteral, labLiteral, serverLiteral, execLiteral} {
		if n := bytes.Count(worker, []byte(lit)); n != 1 {
			return nil, nil, fmt.Errorf("%s/%s must contain the literal %s exactly once (found %d): it is the default URL the build points at this build's file", o.Site, workerFile, lit, n)
		}
	}
	// The worker ends up in assets/<H>/js/: the modules are two folders up.
	fromWorker := func(p string) []byte { return []byte("'" + relPath(path.Dir("assets/H/"+workerFile), p) + "'") }
	worker = bytes.Replace(worker, []byte(wasmLiteral), fromWorker(b.Engine), 1)
	worker = bytes.Replace(worker, []byte(labLiteral), fromWorker(b.Lab), 1)
	worker = bytes.Replace(worker, []byte(serverLiteral), fromWorker(b.Server), 1)
	// The worker carries Go's glue before its own code (the worker then skips
	// importScripts, which defines self.Go): one request fewer before the engine
	// starts, and nothing blocks the worker's thread while the engine downloads.
	// wasm_exec.js stays beside it for other loaders.
	code[workerFile] = slices.Concat(wasmExec, []byte("\n"), worker)

	// The page's code, under a name made of all of it.
	h := short(digestOf(code))
	b.Assets = "assets/" + h + "/"
	b.WasmExec = b.Assets + "wasm_exec.js"
	if _, ok := code[firstSession]; ok {
		b.FirstSession = b.Assets + firstSession
	}
	for p, data := range code {
		out[b.Assets+p] = data
	}

	// The pages, pointing at it.
	// (any attribute: src, href, and the like of an og:image)
	ref := regexp.MustCompile(`(\s[a-zA-Z][a-zA-Z0-9:_-]*=")(?:\./)?((?:` + strings.Join(hashedDirs, "|") + `)/[^"]*")`)
	for p, data := range pages {
		data, err := withPreloads(p, data, code)
		if err != nil {
			return nil, nil, err
		}
		data = firstSessionRefs(data, b.FirstSession)
		out[p] = ref.ReplaceAll(data, []byte("${1}"+b.Assets+"${2}"))
	}
	for p := range pages {
		if err := checkRefs(p, out); err != nil {
			return nil, nil, err
		}
	}

	// What the service worker stores: the pages, the manifest and icons, the
	// assets but the lazy modules.
	for p := range out {
		top, _, nested := strings.Cut(p, "/")
		if slices.Contains(b.Lazy, p) || strings.HasSuffix(p, ".map") {
			continue // loaded on first use; a source map, by the developer tools only
		}
		if (!nested && (strings.HasSuffix(p, ".html") || p == "manifest.webmanifest" || p == "favicon.svg")) ||
			(nested && (top == "assets" || top == "icons")) {
			b.Precache = append(b.Precache, p)
			b.Sizes.Precache += int64(len(out[p]))
		}
	}
	slices.Sort(b.Precache)
	version := map[string][]byte{swTemplate: swText}
	for _, p := range append(slices.Clone(b.Precache), b.Lazy...) {
		version[p] = out[p]
	}
	b.Version = short(digestOf(version))

	// The service worker.
	if n := len(swLine.FindAll(swText, -1)); n != 1 {
		return nil, nil, fmt.Errorf("%s/%s must have exactly one line `const BUILD = …; %s` (found %d)", o.Site, swTemplate, swMarker, n)
	}
	if b.Lazy == nil {
		b.Lazy = []string{}
	}
	filled, err := json.Marshal(map[string]any{"version": b.Version, "assets": b.Assets, "precache": b.Precache, "lazy": b.Lazy})
	if err != nil {
		return nil, nil, err
	}
	line := "const BUILD = " + string(filled) + "; " + swMarker
	// Its comments go too (strip.go), the marker's with them, once the line is filled in.
	if out[swTemplate], err = stripJS(swTemplate, swLine.ReplaceAllLiteral(swText, []byte(line))); err != nil {
		return nil, nil, err
	}

	for _, data := range out {
		b.Sizes.Dist += int64(len(data))
	}
	b.Sizes.Files = len(out)
	meta, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	out["build.json"] = append(meta, '\n')
	return out, b, nil
}

// skip reports whether a path of site/ stays out of the build: hidden files,
// Go sources and test data (package site lives in site/ too), and builds.
func skip(rel string, d fs.DirEntry) bool {
	name := path.Base(rel)
	switch {
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"):
		return true
	case d.IsDir():
		return name == "testdata" || (rel == name && name == "dist")
	default:
		return strings.HasSuffix(name, ".go")
	}
}

// attr finds the src and href attributes of a page; scheme, a URL's scheme.
var (
	attr   = regexp.MustCompile(`\s(?:src|href)="([^"]*)"`)
	scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// firstSessionRef is an attribute naming the recorded first session, as a
// page writes it: href="first-session.json" (a preload link, so that the
// browser fetches it before the page's scripts run); firstSessionLine is
// the whole line that holds one.
var (
	firstSessionRef  = regexp.MustCompile(`(\s[a-zA-Z][a-zA-Z0-9:_-]*=")(?:\./)?` + regexp.QuoteMeta(firstSession) + `"`)
	firstSessionLine = regexp.MustCompile(`(?m)^[^\n]*\s[a-zA-Z][a-zA-Z0-9:_-]*="(?:\./)?` + regexp.QuoteMeta(firstSession) + `"[^\n]*\n?`)
)

// firstSessionRefs points a page's references to first-session.json at
// the build's copy (to: assets/<H>/first-session.json) or, in a build
// without a recorded session (to == ""), drops each line that holds one:
// no reference to a missing file, no preload that fails.
func firstSessionRefs(page []byte, to string) []byte {
	if to == "" {
		return firstSessionLine.ReplaceAll(page, nil)
	}
	return firstSessionRef.ReplaceAll(page, []byte("${1}"+to+`"`))
}

// checkRefs fails when a page refers to a file of this site that the build does not have.
func checkRefs(page string, files map[string][]byte) error {
	for _, m := range attr.FindAllSubmatch(files[page], -1) {
		ref := string(m[1])
		if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "/") || scheme.MatchString(ref) {
			continue // in the page, absolute, or another scheme (https:, mailto:, data:)
		}
		p, _, _ := strings.Cut(ref, "#")
		p, _, _ = strings.Cut(p, "?")
		p = path.Join(path.Dir(page), p)
		if strings.HasSuffix(ref, "/") || p == "." {
			p = path.Join(p, "index.html")
		}
		if _, ok := files[p]; ok {
			continue
		}
		if _, ok := files[p+".html"]; ok {
			continue
		}
		return fmt.Errorf("%s refers to %q, which is not in the build (%s)", page, ref, p)
	}
	return nil
}

// relPath returns target relative to the folder dir (both from the site's root).
func relPath(dir, target string) string {
	r, err := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(target))
	if err != nil {
		panic(err)
	}
	return filepath.ToSlash(r)
}

// short is the first 12 hex digits of the SHA-256 of data.
func short(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:hashHexDigits]
}

// digestOf is a digest of a set of files: their names and contents, in name order.
func digestOf(files map[string][]byte) []byte {
	names := make([]string, 0, len(files))
	for p := range files {
		names = append(names, p)
	}
	slices.Sort(names)
	var d bytes.Buffer
	for _, p := range names {
		sum := sha256.Sum256(files[p])
		fmt.Fprintf(&d, "%s\x00%x\n", p, sum)
	}
	return d.Bytes()
}

// write writes files to a temporary folder beside out, then swaps it in for out.
func write(out string, files map[string][]byte) error {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // nothing left once renamed
	for p, data := range files {
		f := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
