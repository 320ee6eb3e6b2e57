package analyze

import (
	"encoding/hex"
	"strings"
	"testing"
)

// checkTree asserts the "every byte used" invariant: each container's
// children cover it exactly, in order, and the root covers all n bytes, so
// the leaves concatenated are the input. It also checks that every field
// has a kind from the table, a name, and (unless allowed) is not unknown or
// malformed.
func checkTree(t *testing.T, what string, root *Field, n int, allowUnknown bool) {
	t.Helper()
	if root == nil {
		t.Fatalf("%s: no tree", what)
	}
	if root.Offset != 0 || root.Length != n {
		t.Errorf("%s: root covers [%d, %d), want [0, %d)", what, root.Offset, root.Offset+root.Length, n)
	}
	var walk func(f *Field, path string)
	walk = func(f *Field, path string) {
		path += "/" + f.Kind
		if f.Name == "" {
			t.Errorf("%s: %s at %d has no name", what, path, f.Offset)
		}
		if _, _, ok := lookup(f.Kind); !ok {
			t.Errorf("%s: kind %q is not in the table", what, f.Kind)
		}
		if !allowUnknown && (f.Unknown || f.Kind == "malformed") {
			t.Errorf("%s: %s at %d: %s = %s (%s)", what, path, f.Offset, f.Name, f.Value, f.Explain)
		}
		if f.Length <= 0 && !(f == root && n == 0) {
			t.Errorf("%s: %s at %d has length %d", what, path, f.Offset, f.Length)
		}
		if len(f.Children) == 0 {
			return
		}
		at := f.Offset
		for _, c := range f.Children {
			if c.Offset != at {
				t.Errorf("%s: %s: child %s starts at %d, want %d", what, path, c.Kind, c.Offset, at)
			}
			at = c.Offset + c.Length
			walk(c, path)
		}
		if at != f.Offset+f.Length {
			t.Errorf("%s: %s: children end at %d, the field at %d", what, path, at, f.Offset+f.Length)
		}
	}
	walk(root, "")
}

// leaves returns the leaf bytes concatenated.
func leaves(f *Field, b []byte) []byte {
	if len(f.Children) == 0 {
		return b[f.Offset : f.Offset+f.Length]
	}
	var out []byte
	for _, c := range f.Children {
		out = append(out, leaves(c, b)...)
	}
	return out
}

// kindsSeen collects every kind in a tree.
func kindsSeen(f *Field, seen map[string]int) {
	if f == nil {
		return
	}
	seen[f.Kind]++
	for _, c := range f.Children {
		kindsSeen(c, seen)
	}
}

func dump(t *testing.T, tr *Tree) string {
	var s strings.Builder
	Fprint(&s, tr)
	return s.String()
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKindsTable: the table is sorted and each kind is there once (lookup
// searches it by halves), and every entry has a name, an explanation and
// a section.
func TestKindsTable(t *testing.T) {
	for i, in := range kinds {
		if i > 0 && kinds[i-1].kind >= in.kind {
			t.Errorf("kinds: %q after %q: keep the table sorted, each kind once", in.kind, kinds[i-1].kind)
		}
		if in.name == "" || in.explain == "" || (in.rfc == "" && in.kind != "malformed") {
			t.Errorf("kinds: %q lacks a name, explanation or section", in.kind)
		}
		if got, _, ok := lookup(in.kind); !ok || got.kind != in.kind {
			t.Errorf("lookup(%q) = %q, %v", in.kind, got.kind, ok)
		}
	}
	if _, _, ok := lookup("no.such.kind"); ok {
		t.Error("lookup found a kind that is not in the table")
	}
}
