// Added to crypto/internal/fips140/nistec by scripts/wasm-overlay's tests
// (go test -tags purego -overlay ...): the computed base-point table must be
// Go's literal, byte for byte. The literal is read from Go's own
// p256_table.go on disk (the overlay changes what the compiler reads, not the
// file).

//go:build (!amd64 && !arm64 && !ppc64le && !s390x) || purego

package nistec

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestTLSPlayComputedTable(t *testing.T) {
	src, err := os.ReadFile("p256_table.go")
	if err != nil {
		t.Fatalf("reading Go's table: %v", err)
	}
	open := bytes.IndexByte(src, '{')
	end := bytes.LastIndexByte(src, '}')
	if open < 0 || end < open {
		t.Fatal("p256_table.go has no byte literal")
	}
	var want []byte
	for _, f := range strings.Split(string(src[open+1:end]), ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(f), 0, 8)
		if err != nil {
			t.Fatalf("p256_table.go: %q: %v", f, err)
		}
		want = append(want, byte(v))
	}
	if len(want) != 43*32*64 {
		t.Fatalf("Go's table has %d bytes, want %d", len(want), 43*32*64)
	}

	for _, b := range (*[43 * 32 * 64]byte)(unsafe.Pointer(p256GeneratorTables)) {
		if b != 0 {
			t.Fatal("the table is filled before the first ScalarBaseMult")
		}
	}
	if _, err := NewP256Point().ScalarBaseMult(make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	got := (*[43 * 32 * 64]byte)(unsafe.Pointer(p256GeneratorTables))[:]
	if !bytes.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("first difference at byte %d (table %d, entry %d)", i, i/(32*64), i/64%32)
			}
		}
	}
}
