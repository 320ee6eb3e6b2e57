package main

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// The pc-value tables of a Go module (pctab: each function's pcsp, pcfile,
// pcln and pcdata tables, one after another, the linker keeping one copy of
// equal tables) are read only through the offsets in each function's _func.
// After -strip-lines zeroes the file and line tables, two thirds of pctab are
// zero runs between the tables that stay: too short to leave out of the data
// segments, and every 4 KB page with a table in it is written at every
// instantiation. CompactPctab moves the tables that _func still names
// together at the start of pctab, in their order, rewrites those offsets,
// and leaves the rest of pctab zero (the merge leaves it out of the data):
// the server build's pctab goes from 110 pages to 38.

// CompactStats says what CompactPctab did.
type CompactStats struct {
	Tables      int // distinct tables kept
	BytesBefore int // pctab's length
	BytesAfter  int // the part that holds the tables now
}

// CompactPctab compacts pctab of the Go module whose memory image starting at
// base is img, in place. Offset 0 (no table) stays 0. On an error img is left
// as it was.
func CompactPctab(base uint32, img []byte) (CompactStats, error) {
	var st CompactStats
	p, err := findPclntab(base, img)
	if err != nil {
		return st, err
	}
	var fields []uint32 // addresses of the _func fields that hold a table's offset
	offsets := map[uint32]uint32{}
	for i := range p.nfunc {
		at, npcdata, err := p.funcPCData(i)
		if err != nil {
			return st, err
		}
		fields = append(fields, at+funcPCSP, at+funcPCFile, at+funcPCLn)
		for j := range npcdata {
			fields = append(fields, at+funcHeader+4*j)
		}
	}
	for _, f := range fields {
		if o := p.u32(f); o != 0 {
			if o >= p.pctab[1] {
				return st, fmt.Errorf("wasmmerge: a pc-value table offset (%d) is outside pctab (%d bytes)", o, p.pctab[1])
			}
			offsets[o] = 0
		}
	}
	sorted := make([]uint32, 0, len(offsets))
	for o := range offsets {
		sorted = append(sorted, o)
	}
	slices.Sort(sorted)
	old := img[p.pctab[0]-base : p.pctab[0]-base+p.pctab[1]]
	tables := make([]byte, 1, len(old)) // offset 0 stays "no table"
	tables[0] = old[0]
	end := uint32(0) // where the previous table ended: tables must not overlap
	for _, o := range sorted {
		n, err := p.tableLen(o)
		if err != nil {
			return st, err
		}
		if o < end {
			return st, fmt.Errorf("wasmmerge: pc-value tables at pctab+%d and before it overlap", o)
		}
		end = o + n
		offsets[o] = uint32(len(tables))
		tables = append(tables, old[o:o+n]...)
	}
	clear(old)
	copy(old, tables)
	for _, f := range fields {
		if o := p.u32(f); o != 0 {
			binary.LittleEndian.PutUint32(img[f-base:], offsets[o])
		}
	}
	st.Tables, st.BytesBefore, st.BytesAfter = len(sorted), int(p.pctab[1]), len(tables)
	return st, nil
}
