package main

import (
	"bytes"
	"strings"
	"testing"
)

// memoryOf returns the initial pages a module's memory section declares.
func memoryOf(t *testing.T, module []byte) uint32 {
	t.Helper()
	sections, err := parseModule(module)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sections {
		if s.id == sectionMemory {
			_, before, _, err := minMemoryPages(s.body, 0)
			if err != nil {
				t.Fatal(err)
			}
			return before
		}
	}
	t.Fatal("no memory section")
	return 0
}

// TestMinMemoryPages: a Go program merged with -min-memory-pages declares
// that much initial memory and prints the same as without it (its runtime
// uses the memory it finds before growing it); a module that already
// declares more keeps its size.
func TestMinMemoryPages(t *testing.T) {
	plain, st0 := runMerged(t, "./testdata/lines", Options{Gap: 4096})
	more, st := runMerged(t, "./testdata/lines", Options{Gap: 4096, MinMemoryPages: 512})
	if plain != more {
		t.Errorf("with 512 initial pages it printed\n%s\nwithout\n%s", more, plain)
	}
	if st0.MemoryPagesAfter != 0 || st.MemoryPagesBefore == 0 || st.MemoryPagesBefore >= 512 || st.MemoryPagesAfter != 512 {
		t.Errorf("stats: without %+v, with %d -> %d pages; want the linker's size -> 512", st0.MemoryPagesAfter, st.MemoryPagesBefore, st.MemoryPagesAfter)
	}
}

// TestMinMemoryPagesLimits: the memory section's forms, by hand.
func TestMinMemoryPagesLimits(t *testing.T) {
	for _, c := range []struct {
		name        string
		body        []byte
		pages       uint32
		want        []byte
		before, now uint32
		err         string
	}{
		{"raised", []byte{1, 0, 79}, 128, []byte{1, 0, 0x80, 0x01}, 79, 128, ""},
		{"kept when larger", []byte{1, 0, 0x80, 0x02}, 128, []byte{1, 0, 0x80, 0x02}, 256, 256, ""},
		{"with a maximum", []byte{1, 1, 2, 0x80, 0x02}, 200, []byte{1, 1, 0xc8, 0x01, 0x80, 0x02}, 2, 200, ""},
		{"over the maximum", []byte{1, 1, 2, 100}, 200, nil, 0, 0, "maximum is 100"},
		{"shared", []byte{1, 3, 2, 100}, 50, nil, 0, 0, "shared or 64-bit"},
		{"two memories", []byte{2, 0, 1, 0, 1}, 50, nil, 0, 0, "declares 2 memories"},
		{"truncated", []byte{1, 0}, 50, nil, 0, 0, "unexpected end"},
	} {
		got, before, now, err := minMemoryPages(c.body, c.pages)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want one saying %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, c.want) || before != c.before || now != c.now {
			t.Errorf("%s: % x, %d -> %d, %v; want % x, %d -> %d", c.name, got, before, now, err, c.want, c.before, c.now)
		}
	}
	// A module without a memory of its own is refused.
	noMemory := []byte("\x00asm\x01\x00\x00\x00")
	if _, _, err := Merge(noMemory, Options{MinMemoryPages: 10}); err == nil || !strings.Contains(err.Error(), "no memory") {
		t.Errorf("a module without memory: %v", err)
	}
	// One with a memory and no data is resized.
	memOnly := []byte("\x00asm\x01\x00\x00\x00\x05\x03\x01\x00\x02")
	out, st, err := Merge(memOnly, Options{MinMemoryPages: 10})
	if err != nil || memoryOf(t, out) != 10 || st.MemoryPagesBefore != 2 {
		t.Errorf("a memory without data: %v, %+v", err, st)
	}
}
