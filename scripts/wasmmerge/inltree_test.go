package main

import (
	"strings"
	"testing"
)

// TestDropInlTrees builds testdata/inline, testdata/lines and testdata/names
// for js/wasm and runs them merged with and without -drop-inltree: only
// runtime.Callers' frames of an inlined call go (main.leaf, inlined into
// main.main); stack growth, the collector, a recovered panic, reflect's and
// panicwrap's messages and a traceback give the same output, and the trees
// are gone from the data (the funcdata after them moved down).
func TestDropInlTrees(t *testing.T) {
	for _, c := range []struct {
		pkg        string
		opt        Options
		kept, gone string // the output with the trees; the part that changes without them
		dropped    string
	}{
		{"./testdata/inline", Options{Gap: 4096, StripLines: true}, "frames: main.leaf main.main\ndeep: 4501500\n", "frames: main.leaf main.main\n", "frames: main.main\n"},
		{"./testdata/lines", Options{Gap: 4096, StripLines: true}, "caller ? 0 true\nsum 8004000\nrecovered assignment to entry in nil map\nstack names main.main true\n", "", ""},
		{"./testdata/names", Options{Gap: 4096, StripLines: true, StripNames: true}, "makefunc: x 7\n", "", ""},
	} {
		kept, _ := runMerged(t, c.pkg, c.opt)
		drop := c.opt
		drop.DropInlTrees, drop.CompactPctab = true, true
		dropped, st := runMerged(t, c.pkg, drop)
		if !strings.Contains(kept, c.kept) {
			t.Errorf("%s: printed\n%s\nwant\n%s", c.pkg, kept, c.kept)
		}
		// The names program ends in a deadlock's traceback, whose inlined frames go.
		if i := strings.Index(kept, "\nname: "); i >= 0 {
			kept, dropped = kept[:i], dropped[:min(i, len(dropped))]
		}
		if want := strings.Replace(kept, c.gone, c.dropped, 1); dropped != want {
			t.Errorf("%s -drop-inltree: printed\n%s\nwant\n%s", c.pkg, dropped, want)
		}
		if st.Inl.Funcs < 100 || st.Inl.Bytes < 16*st.Inl.Funcs {
			t.Errorf("%s -drop-inltree: %+v: want over 100 functions' trees", c.pkg, st.Inl)
		}
		plain := c.opt
		plain.CompactPctab = true
		_, pst := runMerged(t, c.pkg, plain)
		if pst.DataAfter-st.DataAfter < st.Inl.Bytes*3/4 {
			t.Errorf("%s -drop-inltree: data section %d bytes, %d without the trees: the trees (%d bytes) are still written", c.pkg, pst.DataAfter, st.DataAfter, st.Inl.Bytes)
		}
	}
}

// TestCompactNames builds testdata/names for js/wasm and runs it merged
// with -strip-names, with and without -compact-names, with the inline
// trees (whose calls' names move too) and without: the same output, a
// deadlock's traceback naming the runtime's functions included, and the
// names that stay take less than a third of funcnametab.
func TestCompactNames(t *testing.T) {
	for _, drop := range []bool{false, true} {
		opt := Options{Gap: 4096, StripLines: true, StripNames: true, DropInlTrees: drop}
		plain, _ := runMerged(t, "./testdata/names", opt)
		opt.CompactNames = true
		out, st := runMerged(t, "./testdata/names", opt)
		if out != plain || !strings.Contains(out, "\ngoroutine 1 [chan receive]:\nruntime.gopark(") {
			t.Errorf("-drop-inltree %v -compact-names: printed\n%s\nwithout -compact-names\n%s", drop, out, plain)
		}
		if st.NameTab.Tables < 100 || st.NameTab.BytesAfter > st.NameTab.BytesBefore/2 {
			t.Errorf("-drop-inltree %v -compact-names: %+v: want over 100 names in less than half of funcnametab", drop, st.NameTab)
		}
	}
}
