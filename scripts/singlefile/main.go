// Command singlefile writes the single-file edition of the TLS Playground:
// one HTML file, with the engine inside it, that a teacher can copy to a USB
// stick and open by double-clicking (file://, no server, no network).
//
//	go run ./scripts/singlefile -wasm LAB.wasm -server SERVER.wasm -o site/dist/tls-playground.html
//
// Browsers run neither module scripts nor workers from file://, so the file
// carries everything inline:
//   - the page's ES modules (js/singlefile.js, then the module scripts of
//     index.html, and everything they import) bundled into one inline
//     <script type="module"> (see scripts/jsbundle);
//   - the engine worker (Go's wasm_exec.js, the modules the worker imports
//     lazily, js/engine-worker.js) as one classic script in a non-executing
//     <script type="text/plain">, which js/singlefile.js starts as a blob: Worker;
//   - the engine, gzip-compressed and base64-encoded in a non-executing block,
//     inflated in the page with DecompressionStream('gzip'): the whole engine
//     (the lab build, every method: the file loads no second module), and the
//     server module (-server: ./wasm/server) in a block of its own, for the
//     in-page server (js/singlefile.js gives it as serverBytes; a file made
//     without it has no in-page server: "server: in this page" says so);
//   - the style sheets in <style>, the icon as a data: URL, and js/boot.js
//     (which says what failed if the page cannot start) as an inline script;
//   - the body of index.html as it is (read from site/, so it stays in step).
//
// Its Content-Security-Policy (a <meta>) stays strict: the inline scripts and
// the style by their SHA-256 hashes, 'wasm-unsafe-eval', workers from blob:,
// images from data:, connect-src as the site's; no 'unsafe-inline'.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	siteDir := flag.String("site", "site", "the site's sources (index.html, css/, js/)")
	wasm := flag.String("wasm", "site/dist/engine.wasm", "the built engine, whole (scripts/build.sh: the lab build)")
	server := flag.String("server", "", "the built server module (./wasm/server), for the in-page server (scripts/build.sh: assets/server-<hash>.wasm)")
	execJS := flag.String("exec", "", "Go's wasm_exec.js (default: $(go env GOROOT)/lib/wasm/wasm_exec.js)")
	out := flag.String("o", "site/dist/tls-playground.html", "the file to write")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "singlefile: unexpected argument %q (all inputs are flags; see -h)\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(*siteDir, *wasm, *server, *execJS, *out); err != nil {
		fmt.Fprintf(os.Stderr, "singlefile: %v\n", err)
		os.Exit(1)
	}
}

func run(siteDir, wasmPath, serverPath, execPath, out string) error {
	if execPath == "" {
		goroot, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			return fmt.Errorf("finding Go's wasm_exec.js: go env GOROOT: %v (or give -exec)", err)
		}
		execPath = filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	}
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return fmt.Errorf("%v: build the engine first with \"bash scripts/build.sh\"", err)
	}
	glue, err := os.ReadFile(execPath)
	if err != nil {
		return fmt.Errorf("reading Go's wasm_exec.js: %v", err)
	}
	var server []byte
	if serverPath != "" {
		if server, err = os.ReadFile(serverPath); err != nil {
			return fmt.Errorf("the server module: %v", err)
		}
	}
	page, err := buildWith(os.DirFS(siteDir), wasm, server, string(glue))
	if err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, page.html, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return err
	}
	fmt.Printf("singlefile: %s: %d bytes (%.2f MB), of which the engine %d bytes (%d raw, gzip then base64)\n",
		out, len(page.html), float64(len(page.html))/1e6, page.wasmBytes, len(wasm))
	return nil
}
