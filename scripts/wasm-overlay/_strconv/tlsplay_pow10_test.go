// Added to internal/strconv by scripts/wasm-overlay's tests (go test -overlay
// ...): the computed table must be Go's literal, entry for entry. The literal
// is read from Go's own pow10tab.go on disk (the overlay changes what the
// compiler reads, not the file).

package strconv_test

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

func TestTLSPlayComputedPow10(t *testing.T) {
	src, err := os.ReadFile("pow10tab.go")
	if err != nil {
		t.Fatalf("reading Go's table: %v", err)
	}
	rows := regexp.MustCompile(`\{(0x[0-9a-f]+), (0x[0-9a-f]+)\}, // 1e(-?\d+) `).FindAllStringSubmatch(string(src), -1)
	if len(rows) != pow10Max-pow10Min+1 {
		t.Fatalf("Go's pow10tab.go has %d entries, want %d", len(rows), pow10Max-pow10Min+1)
	}
	for _, r := range rows {
		hi, _ := strconv.ParseUint(r[1], 0, 64)
		lo, _ := strconv.ParseUint(r[2], 0, 64)
		e, _ := strconv.Atoi(r[3])
		got, _, ok := pow10(e)
		if !ok || got.Hi != hi || got.Lo != lo {
			t.Fatalf("1e%d: %#016x %#016x, Go's %#016x %#016x", e, got.Hi, got.Lo, hi, lo)
		}
	}
}
