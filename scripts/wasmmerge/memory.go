package main

import (
	"errors"
	"fmt"
)

// sectionMemory is the memory section's id (§5.5.8).
const sectionMemory = 5

// Go's wasm runtime takes heap memory below the memory's current size
// before it grows it (runtime/mem_wasm.go: sbrk grows only past
// currentMemory), and the linker declares an initial size just past the
// data. A Go program that needs a few MB more at start (the server build:
// 79 pages declared, about 100 used once it serves) grows its memory a page
// run at a time, and each grow detaches the ArrayBuffer the JavaScript side
// holds: V8 then accounts a new one, and collects sooner. Declaring the size
// the start needs skips the grows; untouched pages cost nothing until
// written.

// minMemoryPages raises the initial size of the memory a memory section's
// body declares to pages (64 KiB each) when it is less, and returns the new
// body and the sizes before and after. A memory with a maximum below pages,
// a shared or 64-bit memory, and a section that does not declare exactly one
// memory are refused.
func minMemoryPages(body []byte, pages uint32) ([]byte, uint32, uint32, error) {
	r := reader{b: body}
	n, err := r.u32()
	if err != nil {
		return nil, 0, 0, err
	}
	if n != 1 {
		return nil, 0, 0, fmt.Errorf("wasmmerge: the memory section declares %d memories, want 1", n)
	}
	flags, err := r.byte()
	if err != nil {
		return nil, 0, 0, err
	}
	if flags > 1 {
		return nil, 0, 0, fmt.Errorf("wasmmerge: the memory's limits have flags %#x (shared or 64-bit): only a plain 32-bit memory can be resized here", flags)
	}
	initial, err := r.u32()
	if err != nil {
		return nil, 0, 0, err
	}
	var max uint32
	if flags == 1 {
		if max, err = r.u32(); err != nil {
			return nil, 0, 0, err
		}
		if pages > max {
			return nil, 0, 0, fmt.Errorf("wasmmerge: %d initial pages asked, but the memory's maximum is %d", pages, max)
		}
	}
	if r.pos != len(body) {
		return nil, 0, 0, errors.New("wasmmerge: bytes after the memory section's one memory")
	}
	if initial >= pages {
		return body, initial, initial, nil
	}
	out := appendULEB([]byte{1, flags}, uint64(pages))
	if flags == 1 {
		out = appendULEB(out, uint64(max))
	}
	return out, initial, pages, nil
}
