package main

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// A Go function's inline tree (FUNCDATA_InlTree in go:func.*, 16 bytes per
// call the compiler inlined into it, with the PCDATA_InlTreeIndex pc-value
// table that says which call a PC is in) is read only by the runtime's
// inlineUnwinder (runtime/symtabinl.go), which expands a physical frame into
// the frames of its inlined calls for a traceback, runtime.Callers,
// runtime.CallersFrames and runtime.FuncForPC. Stack growth and the
// collector walk physical frames with the stack maps, which stay. In the
// server build the trees are 260 KB of go:func.*'s 373 KB, between the
// stack maps: go:func.* took 92 pages written into every new instance's
// memory, 28 without them.
//
// DropInlTrees marks each function's tree absent (its funcdata offset
// ^uint32(0), as the linker writes for a function with none) and its
// PCDATA_InlTreeIndex table too (offset 0: runtime.pcdatavalue answers -1),
// and moves the funcdata after the trees down over them; the tables go with
// -compact-pctab, which keeps only the tables a _func names. A traceback and
// runtime.Callers then show only the physical frames: an inlined call's
// frame is its caller's, as if it had not been inlined (runtime.Callers'
// skip counts physical frames, so a skip may land one caller further out;
// in the server only panic and log messages read callers: reflect's "call of
// reflect.Value.X on zero Value", net/http's "superfluous
// response.WriteHeader call from F").

const (
	funcNFuncdata   = 43 // runtime._func's nfuncdata (a uint8), after its pcdata count
	funcdataInlTree = 3  // abi.FUNCDATA_InlTree
	pcdataInlIndex  = 2  // abi.PCDATA_InlTreeIndex
	inlinedCallSize = 16 // runtime.inlinedCall
	// moduledata's findfunctab and gofunc: after pcHeader and six slices (3 words each), the
	// first and 22nd uintptr.
	moduledataFindfunctab = 8 * (1 + 6*3)
	moduledataGofunc      = 8 * (1 + 6*3 + 21)
)

// InlStats says what DropInlTrees did.
type InlStats struct {
	Funcs int // functions that had an inline tree
	Bytes int // bytes of trees zeroed
}

// inlTree is one function's inline tree.
type inlTree struct {
	fd, pc uint32 // addresses of the _func's funcdata offset to it and its PCDATA_InlTreeIndex offset
	at, n  uint32 // the tree's address and length in bytes (inlinedCallSize per call)
}

// inlTrees returns the functions' inline trees, in address order (two
// functions never share one: the linker gives each tree its own symbol),
// and the addresses of the _func fields that hold the other funcdata's
// offsets.
func (p *pclntab) inlTrees() (trees []inlTree, other []uint32, err error) {
	gofunc := uint32(p.u64(p.moduledata + moduledataGofunc))
	for i := range p.nfunc {
		at, npcdata, err := p.funcPCData(i)
		if err != nil {
			return nil, nil, err
		}
		nfd := uint32(p.img[at+funcNFuncdata-p.base])
		if !p.in(at+funcHeader+4*npcdata, 4*nfd) {
			return nil, nil, fmt.Errorf("wasmmerge: function %d's %d funcdata offsets run past the data", i, nfd)
		}
		for k := range nfd {
			fd := at + funcHeader + 4*npcdata + 4*k
			off := p.u32(fd)
			if off == ^uint32(0) {
				continue
			}
			if k != funcdataInlTree {
				other = append(other, fd)
				continue
			}
			if npcdata <= pcdataInlIndex || p.u32(at+funcHeader+4*pcdataInlIndex) == 0 {
				return nil, nil, fmt.Errorf("wasmmerge: function %d has an inline tree and no PCDATA_InlTreeIndex table", i)
			}
			pc := at + funcHeader + 4*pcdataInlIndex
			most, err := p.tableMax(p.u32(pc))
			if err != nil {
				return nil, nil, err
			}
			n := (uint32(most) + 1) * inlinedCallSize
			if most < 0 || !p.in(gofunc+off, n) {
				return nil, nil, fmt.Errorf("wasmmerge: function %d's inline tree (%d calls at go:func.*+%d) is outside the data", i, most+1, off)
			}
			trees = append(trees, inlTree{fd: fd, pc: pc, at: gofunc + off, n: n})
		}
	}
	// No other funcdata may lie in a tree, nor two trees overlap.
	at := make([]uint32, len(other))
	for j, fd := range other {
		at[j] = gofunc + p.u32(fd)
	}
	slices.Sort(at)
	slices.SortFunc(trees, func(a, b inlTree) int { return int(a.at) - int(b.at) })
	for j, t := range trees {
		if k, _ := slices.BinarySearch(at, t.at); k < len(at) && at[k] < t.at+t.n {
			return nil, nil, fmt.Errorf("wasmmerge: funcdata at %#x lies in the inline tree at %#x (%d bytes)", at[k], t.at, t.n)
		}
		if j > 0 && trees[j-1].at+trees[j-1].n > t.at {
			return nil, nil, fmt.Errorf("wasmmerge: the inline trees at %#x and %#x overlap", trees[j-1].at, t.at)
		}
	}
	return trees, other, nil
}

// DropInlTrees drops the inline trees of the Go module whose memory image
// starting at base is img, in place, and moves the funcdata after the first
// tree down over them: go:func.* holds its symbols sorted by size, so the
// funcdata that code and data name by address (the 8-byte funcvals, "F·f")
// all lie before the first tree, and what moves is named only by the
// offsets in _func, which are rewritten. The end of go:func.* (where the
// findfunctab starts) is left zero. On an error img is left as it was.
func DropInlTrees(base uint32, img []byte) (InlStats, error) {
	var st InlStats
	p, err := findPclntab(base, img)
	if err != nil {
		return st, err
	}
	trees, other, err := p.inlTrees()
	if err != nil || len(trees) == 0 {
		return st, err
	}
	gofunc := uint32(p.u64(p.moduledata + moduledataGofunc))
	end := uint32(p.u64(p.moduledata + moduledataFindfunctab))
	first := trees[0].at
	last := trees[len(trees)-1]
	if end < last.at+last.n || !p.in(first, end-first) {
		return st, fmt.Errorf("wasmmerge: go:func.* (%#x) does not end (%#x) after its last inline tree (%#x)", gofunc, end, last.at)
	}
	// removed[j]: the bytes of the trees before trees[j+1], that a funcdata after trees[j] moves down.
	removed := make([]uint32, len(trees))
	moved := make([]byte, 0, end-first)
	for j, t := range trees {
		from := first
		if j > 0 {
			from = trees[j-1].at + trees[j-1].n
			removed[j] = removed[j-1]
		}
		removed[j] += t.n
		moved = append(moved, img[from-base:t.at-base]...)
	}
	moved = append(moved, img[last.at+last.n-base:end-base]...)
	for _, fd := range other {
		a := gofunc + p.u32(fd)
		j, _ := slices.BinarySearchFunc(trees, a, func(t inlTree, a uint32) int { return int(t.at) - int(a) })
		if j > 0 {
			binary.LittleEndian.PutUint32(img[fd-base:], a-removed[j-1]-gofunc)
		}
	}
	for _, t := range trees {
		binary.LittleEndian.PutUint32(img[t.fd-base:], ^uint32(0))
		binary.LittleEndian.PutUint32(img[t.pc-base:], 0)
		st.Funcs++
		st.Bytes += int(t.n)
	}
	clear(img[first-base : end-base])
	copy(img[first-base:], moved)
	return st, nil
}

// tableMax returns the largest value of the pc-value table at offset off of
// pctab (runtime.step: the value starts at -1, each pair adds a zig-zag
// value delta; a delta of 0 after the first pair ends the table).
func (p *pclntab) tableMax(off uint32) (int32, error) {
	n, err := p.tableLen(off)
	if err != nil {
		return 0, err
	}
	b := p.img[p.pctab[0]+off-p.base : p.pctab[0]+off+n-p.base]
	v, most := int32(-1), int32(-1)
	for first := true; ; first = false {
		uv, k := binary.Uvarint(b)
		b = b[k:]
		if uv == 0 && !first {
			return most, nil
		}
		v += int32(-(uv & 1) ^ (uv >> 1))
		most = max(most, v)
		_, k = binary.Uvarint(b) // the pc delta
		b = b[k:]
	}
}
