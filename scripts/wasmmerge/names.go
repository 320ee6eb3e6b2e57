package main

import (
	"fmt"
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
