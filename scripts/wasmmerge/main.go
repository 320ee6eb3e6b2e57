// Command wasmmerge rewrites the data section of a Go-linked WebAssembly
// module into a few segments. Go's linker writes one active data segment per
// run of non-zero bytes (87,476 for the engine, ~700 KB of segment headers
// that compress badly); wasmmerge writes the same memory image with the
// short zero gaps filled in and the long zero runs left out, so that the
// module behaves identically (same memory after instantiation, every other
// section unchanged) and is smaller, compressed or not.
//
//	go run ./scripts/wasmmerge [-gap N] [-strip-lines] [-strip-names] [-drop-findfunctab] [-drop-inltree] [-compact-names] [-compact-pctab] [-min-memory-pages N] [-o OUT.wasm] IN.wasm
//
// Without -o the input is rewritten in place (through a temporary file in the
// same folder). -gap is the longest run of zero bytes that is written rather
// than left out (default 4096). -strip-lines zeroes the Go runtime's file and
// line tables first (lines.go: about 150 KB of the engine's brotli size), so
// that a Go traceback names each function but says "?:0" for its file and
// line. -strip-names zeroes the names of the functions only a traceback
// reads (names.go). -drop-findfunctab zeroes the runtime's findfunctab
// (findfunctab.go: 1.55 MB of the server's data), only in a module built
// with the server's overlay (go run ./scripts/wasm-overlay -server), whose
// runtime does not read it; it refuses any other. -drop-inltree zeroes the
// functions' inline trees (inltree.go: 260 KB of the server's data), so that
// a traceback and runtime.Callers show physical frames only. -compact-names
// moves the names -strip-names leaves together (names.go). -compact-pctab
// moves the pc-value tables that stay together (pctab.go), so that the
// zeros -strip-lines and -drop-inltree leave between them are left out of
// the data.
// -min-memory-pages declares more initial memory, so that a Go program's
// start does not grow it (memory.go). A line on stderr says what changed.
//
// It fails, leaving the input as it is, on a module whose segments it cannot
// merge without changing what it does: an imported memory, passive segments
// or segments of another memory, offsets that are not constants.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	gap := flag.Int("gap", 4096, "longest run of zero bytes to write inside a segment; longer runs are left out (memory starts zeroed)")
	out := flag.String("o", "", "write the merged module to this file (default: rewrite the input in place)")
	strip := flag.Bool("strip-lines", false, "zero the Go runtime's file and line tables (tracebacks then say ?:0 for file and line)")
	names := flag.Bool("strip-names", false, "zero the names of the functions only a traceback reads (the runtime's, reflect's and wrappers' stay)")
	compact := flag.Bool("compact-pctab", false, "move the pc-value tables that stay together (after -strip-lines: the zero runs between them are left out)")
	pages := flag.Uint("min-memory-pages", 0, "declare at least this many 64 KiB pages of initial memory (a Go program then does not grow its memory until it needs more)")
	findfunc := flag.Bool("drop-findfunctab", false, "zero the runtime's findfunctab (only for a module built with go run ./scripts/wasm-overlay -server's overlay, whose runtime does not read it)")
	inl := flag.Bool("drop-inltree", false, "zero the functions' inline trees (tracebacks and runtime.Callers then show no inlined calls' frames)")
	cnames := flag.Bool("compact-names", false, "move the function names that stay together (after -strip-names: the zero runs between them are left out)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmmerge [-gap N] [-strip-lines] [-strip-names] [-drop-findfunctab] [-drop-inltree] [-compact-names] [-compact-pctab] [-min-memory-pages N] [-o OUT.wasm] IN.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	in := flag.Arg(0)
	if err := run(in, *out, Options{Gap: *gap, StripLines: *strip, StripNames: *names, DropFindfunctab: *findfunc, DropInlTrees: *inl, CompactNames: *cnames, CompactPctab: *compact, MinMemoryPages: uint32(*pages)}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(in, out string, opt Options) error {
	module, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("wasmmerge: %w", err)
	}
	merged, st, err := Merge(module, opt)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, in)
	}
	if out == "" {
		out = in
	}
	// A temporary file renamed over the target: a failure never leaves half a module.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".wasmmerge-*")
	if err != nil {
		return fmt.Errorf("wasmmerge: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(merged); err != nil {
		tmp.Close()
		return fmt.Errorf("wasmmerge: writing %s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("wasmmerge: writing %s: %w", out, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("wasmmerge: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("wasmmerge: %w", err)
	}
	lines := ""
	if opt.StripLines {
		lines = fmt.Sprintf(", line tables of %d functions zeroed (%d bytes)", st.Lines.Funcs, st.Lines.TableBytes+st.Lines.FileBytes)
	}
	if opt.StripNames {
		lines += fmt.Sprintf(", names of %d functions zeroed (%d bytes; %d kept)", st.Names.Zeroed, st.Names.Bytes, st.Names.Kept)
	}
	if opt.DropFindfunctab {
		lines += fmt.Sprintf(", findfunctab of %d functions zeroed (%d bytes)", st.Findfunc.Funcs, st.Findfunc.Bytes)
	}
	if opt.DropInlTrees {
		lines += fmt.Sprintf(", inline trees of %d functions zeroed (%d bytes)", st.Inl.Funcs, st.Inl.Bytes)
	}
	if opt.CompactNames {
		lines += fmt.Sprintf(", %d names compacted (funcnametab %d -> %d bytes)", st.NameTab.Tables, st.NameTab.BytesBefore, st.NameTab.BytesAfter)
	}
	if opt.CompactPctab {
		lines += fmt.Sprintf(", %d pc-value tables compacted (pctab %d -> %d bytes)", st.Pctab.Tables, st.Pctab.BytesBefore, st.Pctab.BytesAfter)
	}
	if st.MemoryPagesAfter != st.MemoryPagesBefore {
		lines += fmt.Sprintf(", initial memory %d -> %d pages", st.MemoryPagesBefore, st.MemoryPagesAfter)
	}
	fmt.Fprintf(os.Stderr, "wasmmerge: %s: %d data segments → %d, data section %d → %d bytes, module %d → %d bytes%s\n",
		out, st.SegmentsBefore, st.SegmentsAfter, st.DataBefore, st.DataAfter, st.SizeBefore, st.SizeAfter, lines)
	return nil
}
