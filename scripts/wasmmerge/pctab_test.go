package main

import (
	"strings"
	"testing"
)

// TestCompactPctab builds testdata/lines and testdata/names for js/wasm and
// runs them merged with and without -compact-pctab: the same output, with
// the line tables (runtime.Caller's file and line read through the moved
// pcfile and pcln tables) and after -strip-lines (stack growth, the
// collector, panics and tracebacks read pcsp and pcdata where they moved),
// and the tables that stay take less than half of pctab.
func TestCompactPctab(t *testing.T) {
	for _, c := range []struct {
		pkg  string
		opt  Options
		want string // a line of the output
	}{
		{"./testdata/lines", Options{Gap: 4096}, "caller main.go 45 true\n"},
		{"./testdata/lines", Options{Gap: 4096, StripLines: true}, "caller ? 0 true\n"},
		{"./testdata/names", Options{Gap: 4096, StripLines: true, StripNames: true}, "makefunc: x 7\n"},
	} {
		plain, _ := runMerged(t, c.pkg, c.opt)
		compact := c.opt
		compact.CompactPctab = true
		out, st := runMerged(t, c.pkg, compact)
		if out != plain || !strings.Contains(out, c.want) {
			t.Errorf("%s %+v: printed\n%s\nwithout -compact-pctab\n%s\nwant a line %q", c.pkg, c.opt, out, plain, c.want)
		}
		if st.Pctab.Tables < 1000 || st.Pctab.BytesAfter >= st.Pctab.BytesBefore {
			t.Errorf("%s %+v: %+v: want over 1000 tables in less than pctab", c.pkg, c.opt, st.Pctab)
		}
		if c.opt.StripLines && st.Pctab.BytesAfter > st.Pctab.BytesBefore/2 {
			t.Errorf("%s %+v: %+v: after -strip-lines the tables that stay should take less than half of pctab", c.pkg, c.opt, st.Pctab)
		}
	}
}
