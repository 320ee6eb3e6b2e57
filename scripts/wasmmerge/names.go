package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Go's runtime keeps every function's name (funcnametab, a _func's nameOff)
// for tracebacks, runtime.FuncForPC and runtime.CallersFrames. In the
// engine's core they are about 40 KB of its brotli-11 size. StripNames
// zeroes the names nothing but a printout reads, so that those functions
// are named "" there, and keeps the ones the program itself reads:
//   - the runtime's ("runtime."): a goroutine whose function is named
//     "runtime.…" is the runtime's own (runtime.isSystemGoroutine: the
//     deadlock check counts the others), and a traceback shows
//     runtime.gopanic by name (a frame named "" is left out of it);
//   - reflect's and internal/reflectlite's (the collector finds reflect.makeFuncStub and
//     reflect.methodValueCall by name, and reflect's panics name the method
//     called: "reflect: call of reflect.Value.Int on zero Value");
//   - every function with a FuncID (abi.FuncID: the runtime's special
//     functions and the compiler's wrappers, whose name runtime.panicwrap
//     parses to say "value method main.T.M called using nil *T pointer").
// A panic the engine recovers reports its value, which does not depend on
// names; a traceback printed to the console names only the kept functions.

const (
	funcNameOff = 4  // runtime._func's nameOff
	funcFuncID  = 40 // its funcID (abi.FuncID; 0 is FuncIDNormal)
)

// NameStats says what StripNames zeroed.
type NameStats struct {
	Kept, Zeroed int // functions whose name stays, and is gone
	Bytes        int // bytes of funcnametab zeroed
}

// keepName reports whether a function's name is one the program reads.
func keepName(name string, funcID byte) bool {
	return funcID != 0 || strings.HasPrefix(name, "runtime.") || strings.HasPrefix(name, "reflect.") ||
		strings.HasPrefix(name, "internal/reflectlite.")
}

// StripNames zeroes, in the memory image img starting at base, the bytes
// of funcnametab that no kept function's name uses (keepName). The _func
// records are left alone: a name's offset then reads as "".
func StripNames(base uint32, img []byte) (NameStats, error) {
	var st NameStats
	p, err := findPclntab(base, img)
	if err != nil {
		return st, err
	}
	tab := img[p.funcnametab[0]-base : p.funcnametab[0]-base+p.funcnametab[1]]
	used := make([]bool, len(tab)) // bytes of a kept name, its NUL included
	for i := range p.nfunc {
		at, err := p.funcAt(i)
		if err != nil {
			return st, err
		}
		nameOff := p.u32(at + funcNameOff)
		if int(nameOff) >= len(tab) {
			return st, fmt.Errorf("wasmmerge: function %d's name offset %d is outside funcnametab (%d bytes)", i, nameOff, len(tab))
		}
		end := int(nameOff)
		for end < len(tab) && tab[end] != 0 {
			end++
		}
		if end == len(tab) {
			return st, fmt.Errorf("wasmmerge: function %d's name at funcnametab+%d has no NUL", i, nameOff)
		}
		if !keepName(string(tab[nameOff:end]), p.img[at+funcFuncID-base]) {
			st.Zeroed++
			continue
		}
		st.Kept++
		for j := int(nameOff); j <= end; j++ {
			used[j] = true
		}
	}
	for j := range tab {
		if !used[j] && tab[j] != 0 {
			tab[j] = 0
			st.Bytes++
		}
	}
	return st, nil
}

// CompactNames moves the names that stay in funcnametab (after StripNames,
// the runtime's, reflect's and the wrappers' among zeros) together at its
// start, in their order, and rewrites the offsets that name them: each
// _func's nameOff and each inline tree's calls'. An offset to a zeroed name
// becomes 0, where funcnametab now starts with a NUL (the name ""). The rest
// of funcnametab is left zero, out of the data (the server build's
// funcnametab goes from 53 pages to 14).
func CompactNames(base uint32, img []byte) (CompactStats, error) {
	var st CompactStats
	p, err := findPclntab(base, img)
	if err != nil {
		return st, err
	}
	trees, _, err := p.inlTrees()
	if err != nil {
		return st, err
	}
	var fields []uint32 // addresses of the name offsets
	for i := range p.nfunc {
		at, err := p.funcAt(i)
		if err != nil {
			return st, err
		}
		fields = append(fields, at+funcNameOff)
	}
	for _, t := range trees {
		for c := t.at; c < t.at+t.n; c += inlinedCallSize {
			fields = append(fields, c+4) // runtime.inlinedCall's nameOff
		}
	}
	tab := img[p.funcnametab[0]-base : p.funcnametab[0]-base+p.funcnametab[1]]
	moved := map[uint32]uint32{} // old offset -> new, for the names that stay
	for _, f := range fields {
		if o := p.u32(f); int(o) >= len(tab) {
			return st, fmt.Errorf("wasmmerge: a name offset (%d) is outside funcnametab (%d bytes)", o, len(tab))
		} else if tab[o] != 0 {
			moved[o] = 0
		}
	}
	sorted := slices.Sorted(maps.Keys(moved))
	names := make([]byte, 1, len(tab)) // offset 0: ""
	end := uint32(0)
	for _, o := range sorted {
		if o < end {
			return st, fmt.Errorf("wasmmerge: a name offset (%d) points inside the name before it", o)
		}
		n := uint32(bytes.IndexByte(tab[o:], 0))
		if int32(n) < 0 {
			return st, fmt.Errorf("wasmmerge: the name at funcnametab+%d has no NUL", o)
		}
		end = o + n + 1
		moved[o] = uint32(len(names))
		names = append(names, tab[o:end]...)
	}
	clear(tab)
	copy(tab, names)
	for _, f := range fields {
		binary.LittleEndian.PutUint32(img[f-base:], moved[p.u32(f)]) // a zeroed name's offset: 0
	}
	st.Tables, st.BytesBefore, st.BytesAfter = len(sorted), len(tab), len(names)
	return st, nil
}
