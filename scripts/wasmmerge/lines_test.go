package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStripLines builds testdata/lines for js/wasm and runs it under Node
// merged and merged with -strip-lines: runtime.Caller loses its file and line
// (and only that), while stack growth, the collector, a recovered panic and a
// traceback, which read the tables that stay, give the same output.
func TestStripLines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm program")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	runner := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec_node.js")
	dir := t.TempDir()
	prog := filepath.Join(dir, "lines.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", prog, "./testdata/lines")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building testdata/lines: %v\n%s", err, out)
	}
	in, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[bool]string{}
	for _, strip := range []bool{false, true} {
		module, st, err := Merge(in, Options{Gap: 4096, StripLines: strip})
		if err != nil {
			t.Fatalf("strip %v: %v", strip, err)
		}
		if strip && (st.Lines.Funcs < 1000 || st.Lines.TableBytes == 0 || st.Lines.FileBytes == 0) {
			t.Errorf("-strip-lines: %+v: want over 1000 functions and their tables zeroed", st.Lines)
		}
		path := filepath.Join(dir, "out.wasm")
		if err := os.WriteFile(path, module, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(node, runner, path).CombinedOutput()
		if err != nil {
			t.Fatalf("strip %v: running under node: %v\n%s", strip, err, out)
		}
		outputs[strip] = string(out)
	}
	const rest = "sum 8004000\nrecovered assignment to entry in nil map\nstack names main.main true\n"
	if want := "caller main.go 45 true\n" + rest; outputs[false] != want {
		t.Errorf("merged: printed\n%s\nwant\n%s", outputs[false], want)
	}
	if want := "caller ? 0 true\n" + rest; outputs[true] != want {
		t.Errorf("stripped: printed\n%s\nwant\n%s", outputs[true], want)
	}
}

// TestStripLinesRefuses: a module without a Go pclntab is refused and left as it was.
func TestStripLinesRefuses(t *testing.T) {
	img := make([]byte, 4096)
	copy(img[100:], "not a pclntab")
	before := string(img)
	if _, err := StripLines(1024, img); err == nil || !strings.Contains(err.Error(), "pclntab header") {
		t.Errorf("StripLines on data without a pclntab: err %v, want one naming the pclntab header", err)
	}
	if string(img) != before {
		t.Error("StripLines changed data it refused")
	}
}
