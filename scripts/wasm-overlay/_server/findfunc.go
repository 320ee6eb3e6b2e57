// This file is added to Go's runtime in the playground's server build
// (scripts/wasm-overlay, server.go). findfunc calls it on Wasm instead of
// reading the linker's findfunctab.

package runtime

import "unsafe"

// findfuncWasm returns the function of a Wasm PC without the findfunctab.
// On Wasm a PC is the function's index << 16 plus a block index, textOff
// gives the index (pcOff), and the linker writes one ftab entry per
// function in index order: the function of pcOff is ftab[pcOff -
// ftab[0].entryoff], which is the entry Go's findfunc reaches through the
// findfunctab (a lower bound from the table, then forward to the last entry
// at or below pcOff). The table itself is 16 buckets of 20 bytes per
// function, 40% of the server build's data (scripts/wasmmerge
// -drop-findfunctab zeroes it in modules that carry this file, which it
// recognises by the message below).
func findfuncWasm(datap *moduledata, pcOff uint32) funcInfo {
	ftab := datap.ftab
	idx := pcOff - ftab[0].entryoff
	if pcOff < ftab[0].entryoff || int(idx) >= len(ftab)-1 || ftab[idx].entryoff != pcOff {
		throw("tlsplay findfunc: no ftab entry at the function index of this PC (scripts/wasm-overlay/server.go)")
	}
	return funcInfo{(*_func)(unsafe.Pointer(&datap.pclntable[ftab[idx].funcoff])), datap}
}
