// Added to crypto/internal/fips140/aes by scripts/wasm-overlay's tests (go
// test -overlay ...): every computed table must be Go's literal, word for
// word. The literals are read from Go's own const.go on disk (the overlay
// changes what the compiler reads, not the file).

package aes

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

func TestTLSPlayComputedTables(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "const.go", nil, 0)
	if err != nil {
		t.Fatalf("reading Go's tables: %v", err)
	}
	want := map[string][]uint64{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			lit, ok := vs.Values[0].(*ast.CompositeLit)
			if len(vs.Names) != 1 || !ok {
				t.Fatalf("const.go: %s is not one literal", vs.Names[0].Name)
			}
			for _, e := range lit.Elts {
				v, err := strconv.ParseUint(e.(*ast.BasicLit).Value, 0, 32)
				if err != nil {
					t.Fatal(err)
				}
				want[vs.Names[0].Name] = append(want[vs.Names[0].Name], v)
			}
		}
	}
	words := func(a *[256]uint32) []uint64 {
		out := make([]uint64, len(a))
		for i, w := range a {
			out[i] = uint64(w)
		}
		return out
	}
	bytes := func(a []byte) []uint64 {
		out := make([]uint64, len(a))
		for i, b := range a {
			out[i] = uint64(b)
		}
		return out
	}
	got := map[string][]uint64{
		"powx": bytes(powx[:]), "sbox0": bytes(sbox0[:]), "sbox1": bytes(sbox1[:]),
		"te0": words(&te0), "te1": words(&te1), "te2": words(&te2), "te3": words(&te3),
		"td0": words(&td0), "td1": words(&td1), "td2": words(&td2), "td3": words(&td3),
	}
	if len(want) != len(got) {
		t.Fatalf("Go's const.go has %d tables, the overlay %d", len(want), len(got))
	}
	for name, w := range want {
		g := got[name]
		if len(g) != len(w) {
			t.Fatalf("%s: %d entries, Go's has %d", name, len(g), len(w))
		}
		for i := range w {
			if g[i] != w[i] {
				t.Fatalf("%s[%d] = %#x, Go's is %#x", name, i, g[i], w[i])
			}
		}
	}
}
