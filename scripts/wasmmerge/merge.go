package main

import (
	"bytes"
	"errors"
	"fmt"
)

// WebAssembly section ids (WebAssembly Core Specification 2.0, §5.5.2).
const (
	sectionCustom    = 0
	sectionImport    = 2
	sectionData      = 11
	sectionDataCount = 12
)

// Opcodes of a constant offset expression (§5.4.1, §5.4.6, §5.4.9).
const (
	opI32Const = 0x41
	opEnd      = 0x0b
)

// importMemory is the import kind of a memory (§5.5.5).
const importMemory = 0x02

// A section is one section of a module, as it appears in the binary.
type section struct {
	id   byte
	body []byte
}

// A segment is an active data segment of memory 0 with a constant offset:
// at instantiation, its bytes are written at offset (§4.5.4, step 15).
type segment struct {
	offset uint32
	data   []byte
}

// Options say how Merge rewrites the data.
type Options struct {
	// Gap is the longest run of zero bytes written inside a segment; longer
	// runs are left out (memory starts zeroed).
	Gap int
	// StripLines zeroes the Go runtime's file and line tables first (lines.go):
	// tracebacks then say "?:0" where they named a file and line.
	StripLines bool
	// StripNames zeroes the names of the functions only a printout reads
	// (names.go).
	StripNames bool
	// CompactNames moves the names that stay together (names.go), after
	// StripNames has zeroed those it could.
	CompactNames bool
	// DropFindfunctab zeroes the runtime's findfunctab, which the server
	// build's runtime does not read (findfunctab.go).
	DropFindfunctab bool
	// DropInlTrees zeroes the functions' inline trees, read only to show
	// inlined calls' frames (inltree.go).
	DropInlTrees bool
	// CompactPctab moves the pc-value tables together (pctab.go), after
	// StripLines has zeroed those it could.
	CompactPctab bool
	// MinMemoryPages raises the memory's initial size to this many 64 KiB
	// pages when it declares fewer (memory.go); 0 leaves it.
	MinMemoryPages uint32
}

// Stats says what Merge did.
type Stats struct {
	SegmentsBefore, SegmentsAfter int
	DataBefore, DataAfter         int // bytes of the data section's body
	SizeBefore, SizeAfter         int // bytes of the whole module
	Lines                         LineStats
	Names                         NameStats
	Findfunc                      FindfuncStats
	Inl                           InlStats
	NameTab                       CompactStats
	MemoryPagesBefore             uint32 // the memory's initial size, in 64 KiB pages
	MemoryPagesAfter              uint32
	Pctab                         CompactStats
}

// Merge returns module with its data segments rewritten into as few as keep
// the memory the same after instantiation: the bytes the segments leave in
// memory, simulated in order, are written again by segments that skip the runs
// of zero bytes longer than gap (memory starts zeroed, §4.5.3.8) and cover the
// shorter ones. Every other section is copied unchanged, except a name
// section's data segment names (subsection 9), which would name the old
// segments, and the data count section, which is rewritten with the new count.
//
// It refuses modules it cannot merge without changing their behaviour: an
// imported memory (whose initial bytes are not known), a passive segment or
// one for another memory (code may name segments by index), and an offset
// that is not a constant.
func Merge(module []byte, opt Options) ([]byte, Stats, error) {
	var st Stats
	if opt.Gap < 0 {
		return nil, st, fmt.Errorf("wasmmerge: gap %d is negative", opt.Gap)
	}
	sections, err := parseModule(module)
	if err != nil {
		return nil, st, err
	}
	st.SizeBefore = len(module)
	dataAt := -1
	for i, s := range sections {
		switch s.id {
		case sectionImport:
			mem, err := importsMemory(s.body)
			if err != nil {
				return nil, st, err
			}
			if mem {
				return nil, st, errors.New("wasmmerge: the module imports its memory, whose initial bytes are unknown: its segments cannot be merged")
			}
		case sectionData:
			dataAt = i
		case sectionMemory:
			if opt.MinMemoryPages > 0 {
				if sections[i].body, st.MemoryPagesBefore, st.MemoryPagesAfter, err = minMemoryPages(s.body, opt.MinMemoryPages); err != nil {
					return nil, st, err
				}
			}
		}
	}
	if opt.MinMemoryPages > 0 && st.MemoryPagesAfter == 0 {
		return nil, st, errors.New("wasmmerge: the module declares no memory of its own to resize")
	}
	if dataAt < 0 { // no data to merge
		if opt.MinMemoryPages == 0 {
			return module, st, nil
		}
		out := encodeModule(sections)
		st.SizeAfter = len(out)
		return out, st, nil
	}
	segs, err := parseData(sections[dataAt].body)
	if err != nil {
		return nil, st, err
	}
	st.SegmentsBefore = len(segs)
	st.DataBefore = len(sections[dataAt].body)

	base, image := simulate(segs)
	if opt.StripLines {
		if st.Lines, err = StripLines(base, image); err != nil {
			return nil, st, err
		}
	}
	if opt.StripNames {
		if st.Names, err = StripNames(base, image); err != nil {
			return nil, st, err
		}
	}
	if opt.DropFindfunctab {
		if st.Findfunc, err = DropFindfunctab(base, image); err != nil {
			return nil, st, err
		}
	}
	if opt.DropInlTrees {
		if st.Inl, err = DropInlTrees(base, image); err != nil {
			return nil, st, err
		}
	}
	if opt.CompactNames {
		if st.NameTab, err = CompactNames(base, image); err != nil {
			return nil, st, err
		}
	}
	if opt.CompactPctab {
		if st.Pctab, err = CompactPctab(base, image); err != nil {
			return nil, st, err
		}
	}
	merged := split(base, image, opt.Gap)
	st.SegmentsAfter = len(merged)
	sections[dataAt].body = encodeData(merged)
	st.DataAfter = len(sections[dataAt].body)

	for i := range sections {
		switch s := &sections[i]; {
		case s.id == sectionDataCount:
			s.body = appendULEB(nil, uint64(len(merged)))
		case s.id == sectionCustom:
			name, _, err := customName(s.body)
			if err != nil {
				return nil, st, err
			}
			if name == "name" {
				if s.body, err = dropNameSubsection(s.body, 9); err != nil {
					return nil, st, err
				}
			}
		}
	}
	out := encodeModule(sections)
	st.SizeAfter = len(out)
	return out, st, nil
}

// Image returns the bytes that the active data segments of module write into
// memory 0, simulated in order, from the lowest address any segment writes;
// bytes no segment writes are zero. It is what Merge must keep equal.
func Image(module []byte) (base uint32, image []byte, err error) {
	sections, err := parseModule(module)
	if err != nil {
		return 0, nil, err
	}
	for _, s := range sections {
		if s.id != sectionData {
			continue
		}
		segs, err := parseData(s.body)
		if err != nil {
			return 0, nil, err
		}
		base, image = simulate(segs)
		return base, image, nil
	}
	return 0, nil, nil
}

// simulate writes segs in order into a zeroed buffer starting at the lowest offset.
func simulate(segs []segment) (uint32, []byte) {
	if len(segs) == 0 {
		return 0, nil
	}
	lo, hi := uint64(segs[0].offset), uint64(0)
	for _, s := range segs {
		lo = min(lo, uint64(s.offset))
		hi = max(hi, uint64(s.offset)+uint64(len(s.data)))
	}
	image := make([]byte, hi-lo)
	for _, s := range segs {
		copy(image[uint64(s.offset)-lo:], s.data)
	}
	return uint32(lo), image
}

// split returns segments that write the non-zero bytes of image (the memory
// from base), covering zero runs of at most gap bytes between them.
func split(base uint32, image []byte, gap int) []segment {
	var out []segment
	i := 0
	for i < len(image) {
		// Skip zeros: memory is zero already.
		for i < len(image) && image[i] == 0 {
			i++
		}
		if i == len(image) {
			break
		}
		start, end := i, i
		for i < len(image) {
			if image[i] != 0 {
				i++
				end = i
				continue
			}
			z := i
			for i < len(image) && image[i] == 0 {
				i++
			}
			if i == len(image) || i-z > gap {
				break // a trailing or long zero run stays out
			}
		}
		out = append(out, segment{offset: base + uint32(start), data: image[start:end]})
	}
	return out
}

// parseModule splits a binary module into its sections (§5.5.16).
func parseModule(b []byte) ([]section, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) {
		return nil, errors.New("wasmmerge: not a WebAssembly module (no \\0asm magic)")
	}
	if !bytes.Equal(b[4:8], []byte{1, 0, 0, 0}) {
		return nil, fmt.Errorf("wasmmerge: binary format version %x, want 1", b[4:8])
	}
	r := reader{b: b, pos: 8}
	var out []section
	for r.pos < len(b) {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		body, err := r.bytes(int(size))
		if err != nil {
			return nil, fmt.Errorf("wasmmerge: section %d: %w", id, err)
		}
		out = append(out, section{id: id, body: body})
	}
	return out, nil
}

func encodeModule(sections []section) []byte {
	out := []byte("\x00asm\x01\x00\x00\x00")
	for _, s := range sections {
		out = append(out, s.id)
		out = appendULEB(out, uint64(len(s.body)))
		out = append(out, s.body...)
	}
	return out
}

// importsMemory reports whether an import section imports a memory (§5.5.5).
func importsMemory(body []byte) (bool, error) {
	r := reader{b: body}
	n, err := r.u32()
	if err != nil {
		return false, err
	}
	for range n {
		for range 2 { // module and field names
			l, err := r.u32()
			if err != nil {
				return false, err
			}
			if _, err := r.bytes(int(l)); err != nil {
				return false, err
			}
		}
		kind, err := r.byte()
		if err != nil {
			return false, err
		}
		switch kind {
		case 0x00: // function: type index
			_, err = r.u32()
		case 0x01: // table: reference type, limits
			if _, err = r.byte(); err == nil {
				err = r.limits()
			}
		case importMemory:
			return true, nil
		case 0x03: // global: value type, mutability
			_, err = r.bytes(2)
		default:
			return false, fmt.Errorf("wasmmerge: import of unknown kind 0x%02x", kind)
		}
		if err != nil {
			return false, err
		}
	}
	return false, nil
}

// parseData reads a data section (§5.5.14), accepting only what Merge can merge.
func parseData(body []byte) ([]segment, error) {
	r := reader{b: body}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	segs := make([]segment, 0, n)
	for i := range n {
		flags, err := r.u32()
		if err != nil {
			return nil, err
		}
		if flags != 0 {
			// 1 is passive, 2 active with an explicit memory index: code may refer to
			// the segment's index (memory.init, data.drop), which merging changes.
			return nil, fmt.Errorf("wasmmerge: data segment %d is not an active segment of memory 0 (flags %d): not merged", i, flags)
		}
		op, err := r.byte()
		if err != nil {
			return nil, err
		}
		if op != opI32Const {
			return nil, fmt.Errorf("wasmmerge: data segment %d: offset is not an i32.const (opcode 0x%02x): not merged", i, op)
		}
		off, err := r.s32()
		if err != nil {
			return nil, err
		}
		if end, err := r.byte(); err != nil || end != opEnd {
			return nil, fmt.Errorf("wasmmerge: data segment %d: offset expression is more than one i32.const", i)
		}
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		data, err := r.bytes(int(size))
		if err != nil {
			return nil, fmt.Errorf("wasmmerge: data segment %d: %w", i, err)
		}
		segs = append(segs, segment{offset: uint32(off), data: data})
	}
	if r.pos != len(body) {
		return nil, fmt.Errorf("wasmmerge: %d bytes after the last data segment", len(body)-r.pos)
	}
	return segs, nil
}

func encodeData(segs []segment) []byte {
	size := 5
	for _, s := range segs {
		size += 12 + len(s.data)
	}
	out := make([]byte, 0, size)
	out = appendULEB(out, uint64(len(segs)))
	for _, s := range segs {
		out = append(out, 0, opI32Const)
		out = appendSLEB(out, int64(int32(s.offset)))
		out = append(out, opEnd)
		out = appendULEB(out, uint64(len(s.data)))
		out = append(out, s.data...)
	}
	return out
}

// customName returns a custom section's name and the offset of its contents.
func customName(body []byte) (string, int, error) {
	r := reader{b: body}
	l, err := r.u32()
	if err != nil {
		return "", 0, err
	}
	name, err := r.bytes(int(l))
	if err != nil {
		return "", 0, err
	}
	return string(name), r.pos, nil
}

// dropNameSubsection removes subsection id from a "name" custom section
// (the extended name section's ids: 1 functions, 2 locals, 9 data segments).
func dropNameSubsection(body []byte, id byte) ([]byte, error) {
	_, at, err := customName(body)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), body[:at]...)
	r := reader{b: body, pos: at}
	for r.pos < len(body) {
		start := r.pos
		sub, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		if _, err := r.bytes(int(size)); err != nil {
			return nil, fmt.Errorf("wasmmerge: name subsection %d: %w", sub, err)
		}
		if sub != id {
			out = append(out, body[start:r.pos]...)
		}
	}
	return out, nil
}

// A reader decodes the binary format's integers (LEB128, §5.2.2).
type reader struct {
	b   []byte
	pos int
}

var errShort = errors.New("wasmmerge: unexpected end of the module (truncated?)")

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errShort
	}
	r.pos++
	return r.b[r.pos-1], nil
}

func (r *reader) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.pos {
		return nil, errShort
	}
	r.pos += n
	return r.b[r.pos-n : r.pos], nil
}

// limits skips a table's or memory's limits (§5.3.7).
func (r *reader) limits() error {
	flags, err := r.byte()
	if err != nil {
		return err
	}
	if _, err := r.u32(); err != nil {
		return err
	}
	if flags&1 != 0 {
		_, err = r.u32()
	}
	return err
}

func (r *reader) u32() (uint32, error) {
	var v uint64
	for shift := 0; shift < 35; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			if v > 0xffffffff {
				return 0, errors.New("wasmmerge: u32 out of range")
			}
			return uint32(v), nil
		}
	}
	return 0, errors.New("wasmmerge: u32 longer than 5 bytes")
}

func (r *reader) s32() (int32, error) {
	var v int64
	shift := 0
	for {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			break
		}
		if shift >= 35 {
			return 0, errors.New("wasmmerge: s32 longer than 5 bytes")
		}
	}
	if v < -1<<31 || v > 1<<31-1 {
		return 0, errors.New("wasmmerge: s32 out of range")
	}
	return int32(v), nil
}

func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			c |= 0x80
		}
		b = append(b, c)
		if v == 0 {
			return b
		}
	}
}

func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
