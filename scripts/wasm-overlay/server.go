package main

// The server build's overlay (./wasm/server, the Cloudflare Worker and the
// page's in-page server):
//
//	flag="$(go run ./scripts/wasm-overlay -dir DIR -server)"   # "-overlay=DIR/overlay-server.json", or nothing
//
// A server may start a Go instance for a single request (the library's own
// glue on Cloudflare does; an isolate's first request does), so what an
// instance costs to start counts, and the page's module size counts less.
// Instantiating the module copies its data into a fresh memory, and every
// 4 KB page written is a page fault: the time goes with the data's size.
// The overlay therefore differs from the page's (overlay.json) two ways:
//
//  1. Go's own P-256, AES and powers-of-ten tables, as Go ships them: about
//     110 KB more data, where the page's overlay computes them, each
//     instance again (about 0.3 ms of package init for AES and the powers
//     of ten, and on the first P-256 key share or ECDSA signature: a first
//     P-256 key took a median 35 ms with the computed table, 17 ms with
//     Go's, compilation included, one Node process each, six runs at load
//     9; a fresh instance would pay it on every such flight).
//
//  2. Two edits of Go's runtime for js/wasm (serverEdits, each of which must
//     match Go 1.26.8's text exactly, and fails loudly otherwise):
//
//     - runtime/symtab.go: findfunc finds a PC's function without the
//       linker's findfunctab (_server/findfunc.go). On Wasm the table holds
//       16 buckets of 20 bytes for each function (a PC is the function's
//       index << 16), 1.55 MB for the server, 40% of its data, though the
//       function is the ftab entry at the PC's function index. The linker
//       writes the table regardless: scripts/wasmmerge -drop-findfunctab
//       zeroes it, and refuses a module without findfuncWasm's message (a
//       runtime that would read it).
//     - runtime/mem_sbrk.go: a heap arena is aligned to its size (512 KB on
//       Wasm), and the gap below the first one (between the end of the
//       data, rounded up to 64 KB, and the next 512 KB boundary: up to 448
//       KB, 112 pages, as the data's size falls) goes to the free list
//       through memFree, which clears it first; memory the runtime takes
//       from sbrk is zero already (fresh from the module's memory or from
//       memory.grow, or cleared when the runtime lowered its break), so
//       that gap is added to the list without clearing it (the server at
//       a1e1103: 384 KB, 96 pages a new instance no longer writes).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// serverWritten are the runtime files the edits were written for (Go
// 1.26.8), under GOROOT/src.
var serverWritten = map[string]string{
	"runtime/symtab.go":   "556bdcf7743dc7be1c7c6bef9f95b968879c152696a4fa96afb6b6c48e2f45e9",
	"runtime/mem_sbrk.go": "1738c14a0436c8d26e9e383ef3c4aa311beaa521811964a2f23585c4e2b99bf4",
}

// serverFiles are our files added to Go's packages in the server build.
var serverFiles = map[string]string{
	"runtime/tlsplay_findfunc.go": "_server/findfunc.go",
}

// replacement is one exact edit: old must occur once in the file.
type replacement struct{ old, new string }

var serverEdits = map[string][]replacement{
	"runtime/symtab.go": {{
		old: "\tpcOff, ok := datap.textOff(pc)\n\tif !ok {\n\t\treturn funcInfo{}\n\t}\n",
		new: "\tpcOff, ok := datap.textOff(pc)\n\tif !ok {\n\t\treturn funcInfo{}\n\t}\n" +
			"\tif GOARCH == \"wasm\" {\n\t\treturn findfuncWasm(datap, pcOff) // scripts/wasm-overlay: no findfunctab\n\t}\n",
	}},
	"runtime/mem_sbrk.go": {{
		old: "\tn = memRound(n)\n\tmemclrNoHeapPointers(ap, n)\n\tbp := (*memHdr)(ap)\n",
		new: "\tn = memRound(n)\n\tif !memFreeZeroed { // scripts/wasm-overlay: memory fresh from sbrk is zero already\n\t\tmemclrNoHeapPointers(ap, n)\n\t}\n\tbp := (*memHdr)(ap)\n",
	}, {
		old: "\t\t\t// Free the area we skipped over for alignment.\n\t\t\tmemFree(r, l)\n",
		new: "\t\t\t// Free the area we skipped over for alignment.\n\t\t\tmemFreeZeroed = true\n\t\t\tmemFree(r, l)\n\t\t\tmemFreeZeroed = false\n",
	}, {
		old: "var memFreelist memHdrPtr // sorted in ascending order\n",
		new: "var memFreelist memHdrPtr // sorted in ascending order\n\n" +
			"// memFreeZeroed tells memFree that the memory it frees is zero already\n" +
			"// (scripts/wasm-overlay, server.go). memlock must be held.\n" +
			"var memFreeZeroed bool\n",
	}},
}

// editServer applies the edits of one runtime file.
func editServer(name string, src []byte) ([]byte, error) {
	for _, r := range serverEdits[name] {
		if n := bytes.Count(src, []byte(r.old)); n != 1 {
			return nil, fmt.Errorf("Go's %s has %d copies of the text to edit (want 1): %q", name, n, firstLine(r.old))
		}
		src = bytes.Replace(src, []byte(r.old), []byte(r.new), 1)
	}
	return src, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// writeServer writes the server build's overlay into dir and returns its
// -overlay flag, or "" (and a warning on stderr) when Go's runtime files are
// not the ones it was written for: the server is then built with Go's files
// as they are (and scripts/wasmmerge -drop-findfunctab refuses it, so
// build.sh does not ask for it).
func writeServer(dir string) (string, error) {
	goroot, err := gorootDir()
	if err != nil {
		return "", err
	}
	here, err := selfDir()
	if err != nil {
		return "", err
	}
	src := filepath.Join(goroot, "src")
	if err := os.MkdirAll(filepath.Join(dir, "server"), 0o755); err != nil {
		return "", err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return "", err
	}
	files := map[string][]byte{}
	for name, want := range serverWritten {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
		if err != nil {
			return "", fmt.Errorf("reading Go's %s: %v", name, err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want {
			warnServer(fmt.Sprintf("Go's %s (%s) is not the file the server overlay was written for (Go 1.26.8, sha256 %s…, this one %s…)",
				name, runtime.Version(), want[:12], hex.EncodeToString(sum[:])[:12]))
			return "", nil
		}
		files[name] = b
	}
	replace := map[string]string{}
	for name, b := range files {
		edited, err := editServer(name, b)
		if err != nil {
			return "", err
		}
		mine := filepath.Join(dir, "server", strings.ReplaceAll(name, "/", "_"))
		if err := os.WriteFile(mine, edited, 0o644); err != nil {
			return "", err
		}
		replace[filepath.Join(src, filepath.FromSlash(name))] = mine
	}
	for goPath, mine := range serverFiles {
		replace[filepath.Join(src, filepath.FromSlash(goPath))] = filepath.Join(here, filepath.FromSlash(mine))
	}
	return writeOverlay(dir, "overlay-server.json", replace)
}

func warnServer(why string) {
	warnAbout(why, "building the server WITHOUT its overlay: Go's runtime as it is, and the findfunctab (1.5 MB of data, instantiated per Go instance) stays in the module", "server.go")
}
