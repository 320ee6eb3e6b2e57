package main

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Go's runtime finds a function's file and line for a program counter in two
// tables of its pclntab: pcfile and pcln, one of each per function (a
// sequence of value and pc deltas), plus the file names (filetab, cutab).
// Nothing but a traceback, runtime.Caller and runtime.CallersFrames reads
// them; the collector and stack growth read pcsp, pcdata and funcdata, which
// stay. In the engine's core they are about 330 KB raw and 150 KB of its
// brotli-11 size. StripLines zeroes them in the memory image and the offsets
// that name them in each function's _func (and its cuOffset and startLine,
// which only a file and line lookup reads), so that the runtime answers as
// for a function without line information: file "?", line 0
// (runtime.funcline1).
//
// The layout read here is Go 1.20's and later (pcHeader magic 0xfffffff1, see
// $GOROOT/src/runtime/symtab.go and runtime2.go): StripLines checks the magic
// and that the tables it finds agree with each other, and refuses anything
// else, leaving the image as it was.

const (
	pclnMagic   = 0xfffffff1 // abi.Go120PCLnTabMagic
	funcHeader  = 44         // bytes of runtime._func before its pcdata and funcdata offsets
	funcPCSP    = 16         // offsets of _func's fields
	funcPCFile  = 20
	funcPCLn    = 24
	funcNPCData = 28
	funcCU      = 32 // cuOffset, then startLine: read only with a file and line
)

// LineStats says what StripLines zeroed.
type LineStats struct {
	Funcs      int // functions in the pclntab
	TableBytes int // bytes of pcfile and pcln tables
	FileBytes  int // bytes of filetab and cutab
	SharedKept int // pcfile or pcln tables kept because pcsp or pcdata share them
}

// pclntab locates the function tables in a Go wasm module's memory image.
type pclntab struct {
	img  []byte
	base uint32

	header               uint32 // address of runtime.pcHeader
	moduledata           uint32 // address of runtime.firstmoduledata
	nfunc                int
	funcnametab, cutab   [2]uint32 // [address, length in bytes]
	filetab, pctab, ftab [2]uint32
	pclntable            [2]uint32
}

func (p *pclntab) in(addr, n uint32) bool {
	return addr >= p.base && uint64(addr)+uint64(n) <= uint64(p.base)+uint64(len(p.img))
}

func (p *pclntab) u32(addr uint32) uint32 {
	return binary.LittleEndian.Uint32(p.img[addr-p.base:])
}

func (p *pclntab) u64(addr uint32) uint64 {
	return binary.LittleEndian.Uint64(p.img[addr-p.base:])
}

// funcAt returns the address of function i's _func (ftab's entry i), checked
// to lie in pclntable with its header.
func (p *pclntab) funcAt(i int) (uint32, error) {
	off := p.u32(p.ftab[0] + uint32(i)*8 + 4)
	at := p.pclntable[0] + off
	if !p.in(at, funcHeader) || off+funcHeader > p.pclntable[1] {
		return 0, fmt.Errorf("wasmmerge: function %d's _func at pclntable+%d is outside pclntable", i, off)
	}
	return at, nil
}

// funcPCData returns function i's _func (funcAt) and how many pcdata
// offsets follow its header, checked to lie in the image.
func (p *pclntab) funcPCData(i int) (at, n uint32, err error) {
	if at, err = p.funcAt(i); err != nil {
		return 0, 0, err
	}
	n = p.u32(at + funcNPCData)
	if !p.in(at, funcHeader+4*n) {
		return 0, 0, fmt.Errorf("wasmmerge: function %d's %d pcdata offsets run past the data", i, n)
	}
	return at, n, nil
}

// findPclntab finds runtime.pcHeader by its magic and runtime.firstmoduledata
// by its first fields (a pointer to the header, then funcnametab's slice,
// which the header locates too), and reads the table slices from moduledata.
func findPclntab(base uint32, img []byte) (*pclntab, error) {
	p := &pclntab{img: img, base: base}
	var magic [8]byte
	binary.LittleEndian.PutUint32(magic[:], pclnMagic)
	magic[6], magic[7] = 1, 8 // minLC (wasm's PC quantum), ptrSize
	for i := 0; i+72 <= len(img); i++ {
		if img[i] != magic[0] || string(img[i:i+8]) != string(magic[:]) {
			continue
		}
		if p.header != 0 {
			return nil, errors.New("wasmmerge: two pclntab headers in the data: not a layout -strip-lines knows")
		}
		p.header = base + uint32(i)
	}
	if p.header == 0 {
		return nil, errors.New("wasmmerge: no Go 1.20+ pclntab header (magic 0xfffffff1) in the data: not a Go module, or a Go whose layout -strip-lines does not know")
	}
	p.nfunc = int(p.u64(p.header + 8))
	nameOff := p.u64(p.header + 32)
	want := uint64(p.header) + nameOff
	md := uint32(0)
	for i := 0; i+16 <= len(img); i++ {
		a := base + uint32(i)
		if binary.LittleEndian.Uint32(img[i:]) != p.header || p.u64(a) != uint64(p.header) || p.u64(a+8) != want {
			continue
		}
		if md != 0 {
			return nil, errors.New("wasmmerge: two candidates for runtime.firstmoduledata: not a layout -strip-lines knows")
		}
		md = a
	}
	if md == 0 {
		return nil, errors.New("wasmmerge: runtime.firstmoduledata not found (no pointer to the pclntab header followed by funcnametab)")
	}
	// moduledata: pcHeader, then the slices funcnametab, cutab ([]uint32), filetab, pctab,
	// pclntable, ftab ([]functab, 8 bytes each), 24 bytes apiece.
	slice := func(k int, elem uint32) [2]uint32 {
		at := md + 8 + uint32(k)*24
		return [2]uint32{uint32(p.u64(at)), uint32(p.u64(at+8)) * elem}
	}
	p.moduledata = md
	p.funcnametab, p.cutab, p.filetab = slice(0, 1), slice(1, 4), slice(2, 1)
	p.pctab, p.pclntable, p.ftab = slice(3, 1), slice(4, 1), slice(5, 8)
	// The header's offsets must name the same tables.
	for _, c := range []struct {
		off uint32
		at  [2]uint32
	}{{32, p.funcnametab}, {40, p.cutab}, {48, p.filetab}, {56, p.pctab}, {64, p.pclntable}} {
		if uint64(p.header)+p.u64(p.header+c.off) != uint64(c.at[0]) || !p.in(c.at[0], c.at[1]) {
			return nil, fmt.Errorf("wasmmerge: pclntab header offset %d does not match runtime.firstmoduledata's table at %#x", c.off, c.at[0])
		}
	}
	if p.ftab[0] != p.pclntable[0] || int(p.ftab[1]) != (p.nfunc+1)*8 {
		return nil, fmt.Errorf("wasmmerge: pclntab's ftab (%d bytes) does not hold the header's %d functions", p.ftab[1], p.nfunc)
	}
	return p, nil
}

// tableLen returns the length of the pc-value table at offset off of pctab: pairs of
// (value delta, pc delta) varints, ended by a value delta of 0 after the first pair
// (runtime.step).
func (p *pclntab) tableLen(off uint32) (uint32, error) {
	start := p.pctab[0] + off
	end := p.pctab[0] + p.pctab[1]
	at := start
	varint := func() (uint32, error) {
		var v uint32
		for shift := uint(0); ; shift += 7 {
			if at >= end || shift > 28 {
				return 0, fmt.Errorf("wasmmerge: pc table at pctab+%d runs past pctab", off)
			}
			b := p.img[at-p.base]
			at++
			v |= uint32(b&0x7f) << shift
			if b&0x80 == 0 {
				return v, nil
			}
		}
	}
	for first := true; ; first = false {
		uv, err := varint()
		if err != nil {
			return 0, err
		}
		if uv == 0 && !first {
			return at - start, nil
		}
		if _, err := varint(); err != nil {
			return 0, err
		}
	}
}

// StripLines zeroes the line tables (pcfile, pcln, filetab, cutab) of the Go
// module whose memory image starting at base is img, in place, and each
// function's pcfile and pcln offsets. A table that pcsp or a pcdata offset
// shares (the linker keeps one copy of equal tables) stays.
func StripLines(base uint32, img []byte) (LineStats, error) {
	var st LineStats
	p, err := findPclntab(base, img)
	if err != nil {
		return st, err
	}
	st.Funcs = p.nfunc
	funcs := make([]uint32, p.nfunc)
	lines := map[uint32]bool{} // pcfile and pcln offsets
	keep := map[uint32]bool{}  // pcsp and pcdata offsets
	for i := range funcs {
		at, npcdata, err := p.funcPCData(i)
		if err != nil {
			return st, err
		}
		funcs[i] = at
		for _, o := range []uint32{p.u32(at + funcPCFile), p.u32(at + funcPCLn)} {
			if o != 0 {
				lines[o] = true
			}
		}
		keep[p.u32(at+funcPCSP)] = true
		for j := uint32(0); j < npcdata; j++ {
			keep[p.u32(at+funcHeader+4*j)] = true
		}
	}
	// Measure every table before writing anything: an error leaves img as it was.
	type table struct{ at, n uint32 }
	var zero []table
	for o := range lines {
		if keep[o] {
			st.SharedKept++
			continue
		}
		if o >= p.pctab[1] {
			return st, fmt.Errorf("wasmmerge: a pcfile or pcln offset (%d) is outside pctab (%d bytes)", o, p.pctab[1])
		}
		n, err := p.tableLen(o)
		if err != nil {
			return st, err
		}
		zero = append(zero, table{p.pctab[0] + o, n})
		st.TableBytes += int(n)
	}
	for _, t := range zero {
		clear(img[t.at-base : t.at-base+t.n])
	}
	for _, t := range [][2]uint32{p.filetab, p.cutab} {
		clear(img[t[0]-base : t[0]-base+t[1]])
		st.FileBytes += int(t[1])
	}
	for _, at := range funcs {
		clear(img[at+funcPCFile-base : at+funcPCLn+4-base])
		clear(img[at+funcCU-base : at+funcCU+8-base])
	}
	return st, nil
}
