package main

import (
	"bytes"
	"errors"
	"fmt"
)

// Go's runtime maps a program counter to its function with the linker's
// findfunctab: one bucket of 20 bytes per 4 KB of PCs. On Wasm a PC is the
// function's index << 16 plus a block index, so the table holds 16 buckets
// per function, 320 bytes (1.55 MB for the server build: 40% of its data,
// which every instantiation copies into memory). The server build's runtime
// (scripts/wasm-overlay -server, its _server/findfunc.go) finds the
// function at the PC's index in ftab and never reads the table: for such a
// module DropFindfunctab zeroes it, and Merge leaves it out of the data.
//
// findfuncMarker is findfuncWasm's message: a module whose data holds it
// links that runtime. Any other module's runtime reads the table, and
// DropFindfunctab refuses it.
const findfuncMarker = "tlsplay findfunc: no ftab entry at the function index of this PC"

// Offsets in runtime.moduledata after its seven table fields (the
// pcHeader pointer and six slices): findfunctab, minpc, maxpc.
const (
	mdFindfunctab = 8 + 6*24
	mdMinPC       = mdFindfunctab + 8
	mdMaxPC       = mdFindfunctab + 16
)

// Sizes of runtime.findfuncbucket and the PCs each covers (abi.FuncTabBucketSize).
const (
	findfuncBucket    = 20
	findfuncBucketPCs = 4096
)

// FindfuncStats says what DropFindfunctab zeroed.
type FindfuncStats struct {
	Funcs int // functions in ftab
	Bytes int // bytes of the findfunctab
}

// DropFindfunctab zeroes the findfunctab of the Go module whose memory image
// starting at base is img, in place, when the module's runtime does not read
// it (findfuncMarker) and ftab holds one entry per function in index order
// (what that runtime relies on); otherwise it refuses and leaves img as it was.
func DropFindfunctab(base uint32, img []byte) (FindfuncStats, error) {
	var st FindfuncStats
	if !bytes.Contains(img, []byte(findfuncMarker)) {
		return st, errors.New("wasmmerge: -drop-findfunctab: this module's runtime reads the findfunctab (it has no findfuncWasm: build it with the overlay of go run ./scripts/wasm-overlay -server)")
	}
	p, err := findPclntab(base, img)
	if err != nil {
		return st, err
	}
	first := p.u32(p.ftab[0])
	for i := 0; i <= p.nfunc; i++ { // nfunc entries and the one that ends the text
		if e := p.u32(p.ftab[0] + uint32(i)*8); e != first+uint32(i) {
			return st, fmt.Errorf("wasmmerge: -drop-findfunctab: ftab entry %d is at function index %#x, not %#x: not one entry per function", i, e, first+uint32(i))
		}
	}
	at := uint32(p.u64(p.moduledata + mdFindfunctab))
	minpc, maxpc := p.u64(p.moduledata+mdMinPC), p.u64(p.moduledata+mdMaxPC)
	if maxpc < minpc || minpc>>16 != uint64(first) {
		return st, fmt.Errorf("wasmmerge: -drop-findfunctab: moduledata's minpc %#x and maxpc %#x do not match ftab's first function index %#x", minpc, maxpc, first)
	}
	n := (maxpc - minpc + findfuncBucketPCs - 1) / findfuncBucketPCs * findfuncBucket
	if n > uint64(len(img)) || !p.in(at, uint32(n)) {
		return st, fmt.Errorf("wasmmerge: -drop-findfunctab: the findfunctab (%d bytes at %#x) is outside the data", n, at)
	}
	clear(img[at-base : at-base+uint32(n)])
	st.Funcs, st.Bytes = p.nfunc, int(n)
	return st, nil
}
