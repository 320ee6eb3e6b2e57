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
	outputs := map[bool]string{}
	for _, strip := range []bool{false, true} {
		out, st := runMerged(t, "./testdata/lines", Options{Gap: 4096, StripLines: strip})
		if strip && (st.Lines.Funcs < 1000 || st.Lines.TableBytes == 0 || st.Lines.FileBytes == 0) {
			t.Errorf("-strip-lines: %+v: want over 1000 functions and their tables zeroed", st.Lines)
		}
		outputs[strip] = out
	}
	const rest = "sum 8004000\nrecovered assignment to entry in nil map\nstack names main.main true\n"
	if want := "caller main.go 45 true\n" + rest; outputs[false] != want {
		t.Errorf("merged: printed\n%s\nwant\n%s", outputs[false], want)
	}
	if want := "caller ? 0 true\n" + rest; outputs[true] != want {
		t.Errorf("stripped: printed\n%s\nwant\n%s", outputs[true], want)
	}
}

// runMerged builds the program pkg for js/wasm (with the go build flags
// given), merges it with opt and runs it under Node: its output (stdout and
// stderr, whatever its exit status) and what Merge did.
func runMerged(t *testing.T, pkg string, opt Options, flags ...string) (string, Stats) {
	t.Helper()
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
	prog := filepath.Join(dir, "prog.wasm")
	build := exec.Command("go", append(append([]string{"build", "-trimpath", "-ldflags=-s -w"}, flags...), "-o", prog, pkg)...)
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", pkg, err, out)
	}
	in, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	module, st, err := Merge(in, opt)
	if err != nil {
		t.Fatalf("%+v: %v", opt, err)
	}
	path := filepath.Join(dir, "out.wasm")
	if err := os.WriteFile(path, module, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(node, runner, path).CombinedOutput()
	return string(out), st
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

// TestStripNames builds testdata/names for js/wasm and runs it under Node
// merged with -strip-lines, and with -strip-lines and -strip-names: what
// reads a function's name (runtime.panicwrap, reflect's panics and
// MakeFunc stubs, runtime.NumGoroutine) answers the same; only the name
// runtime.FuncForPC gives a program function changes, to "".
func TestStripNames(t *testing.T) {
	outputs := map[bool]string{}
	for _, strip := range []bool{false, true} {
		out, st := runMerged(t, "./testdata/names", Options{Gap: 4096, StripLines: true, StripNames: strip})
		if strip && (st.Names.Zeroed < 100 || st.Names.Kept < 100 || st.Names.Bytes == 0) {
			t.Errorf("-strip-names: %+v: want at least 100 names zeroed and 100 kept", st.Names)
		}
		outputs[strip] = out
	}
	// The nil pointer's panic is the wrapper's own dereference or
	// runtime.panicwrap's message, as the compiler wrote the wrapper: the
	// same before and after.
	first := func(out string) string {
		i := strings.Index(out, "name: ")
		if i < 0 {
			return out
		}
		return out[:i]
	}
	if f := first(outputs[false]); !strings.HasPrefix(f, "panicwrap: ") || !strings.Contains(f, "nil") ||
		!strings.Contains(f, "\nreflect: reflect: call of reflect.Value.Int on zero Value\n"+
			"reflect: reflect: reflect.Value.SetInt using value obtained using unexported field\nmakefunc: x 7\ngoroutines: 2\n") {
		t.Errorf("merged: printed\n%s", outputs[false])
	}
	if first(outputs[true]) != first(outputs[false]) {
		t.Errorf("-strip-names changed what the program printed:\n%s\nwas\n%s", first(outputs[true]), first(outputs[false]))
	}
	const last = "\nfatal error: all goroutines are asleep - deadlock!\n"
	for strip, name := range map[bool]string{false: "main.main", true: ""} {
		if out := outputs[strip]; !strings.Contains(out, "\nname: "+name+last) {
			t.Errorf("-strip-names %v: printed\n%s\nwant the name %q, then the deadlock", strip, out, name)
		}
	}
}
