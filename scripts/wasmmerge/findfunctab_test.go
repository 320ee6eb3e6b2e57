package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// serverOverlay is the -overlay flag of the server build (scripts/wasm-overlay -server).
func serverOverlay(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "run", "../wasm-overlay", "-dir", t.TempDir(), "-server").Output()
	if err != nil {
		t.Fatalf("go run ../wasm-overlay -server: %v", err)
	}
	flag := strings.TrimSpace(string(out))
	if flag == "" {
		t.Skip("the server overlay does not apply to this Go (scripts/wasm-overlay/server.go)")
	}
	return flag
}

// TestDropFindfunctab builds testdata/lines with the server's overlay and
// runs it merged, and merged with -drop-findfunctab: stack growth, the
// collector, a recovered panic, runtime.Caller and a traceback, which all
// find functions by PC, give the same output without the table, which is
// gone from the data.
func TestDropFindfunctab(t *testing.T) {
	flag := serverOverlay(t)
	outputs := map[bool]string{}
	stats := map[bool]Stats{}
	for _, drop := range []bool{false, true} {
		outputs[drop], stats[drop] = runMerged(t, "./testdata/lines", Options{Gap: 4096, DropFindfunctab: drop}, flag)
	}
	// 16 buckets of 20 bytes per function (the last one's first bucket only).
	if f := stats[true].Findfunc; f.Funcs < 1000 || f.Bytes != 320*(f.Funcs-1)+20 {
		t.Errorf("-drop-findfunctab: %+v: want over 1000 functions and 320 bytes of table each", f)
	}
	if kept, dropped := stats[false].DataAfter, stats[true].DataAfter; kept-dropped < stats[true].Findfunc.Bytes*3/4 {
		t.Errorf("-drop-findfunctab: data section %d bytes, %d without it: the table (%d bytes) is still written", kept, dropped, stats[true].Findfunc.Bytes)
	}
	const want = "caller main.go 45 true\nsum 8004000\nrecovered assignment to entry in nil map\nstack names main.main true\n"
	for drop, out := range outputs {
		if out != want {
			t.Errorf("-drop-findfunctab %v: printed\n%s\nwant\n%s", drop, out, want)
		}
	}
}

// TestDropFindfunctabRefuses: a module built without the server's overlay,
// whose runtime reads the table, is refused and its data left as it was.
func TestDropFindfunctabRefuses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm program")
	}
	prog := filepath.Join(t.TempDir(), "prog.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", prog, "./testdata/lines")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building: %v\n%s", err, out)
	}
	module, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	base, img, err := Image(module)
	if err != nil {
		t.Fatal(err)
	}
	before := string(img)
	if _, err := DropFindfunctab(base, img); err == nil || !strings.Contains(err.Error(), "reads the findfunctab") {
		t.Errorf("DropFindfunctab on Go's runtime: err %v, want one that says it reads the table", err)
	}
	if string(img) != before {
		t.Error("DropFindfunctab changed data it refused")
	}
	if _, _, err := Merge(module, Options{Gap: 4096, DropFindfunctab: true}); err == nil {
		t.Error("Merge with DropFindfunctab accepted a module whose runtime reads the table")
	}
}
