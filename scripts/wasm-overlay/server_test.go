package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// runServerProg builds testdata/server for js/wasm with the go build flags
// given and runs it under Node: what it printed.
func runServerProg(t *testing.T, flags ...string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found")
	}
	goroot, err := gorootDir()
	if err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(t.TempDir(), "prog.wasm")
	build := exec.Command("go", append(append([]string{"build", "-trimpath"}, flags...), "-o", prog, "./testdata/server")...)
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building testdata/server %v: %v\n%s", flags, err, out)
	}
	out, err := exec.Command(node, filepath.Join(goroot, "lib", "wasm", "wasm_exec_node.js"), prog).CombinedOutput()
	if err != nil {
		t.Fatalf("running testdata/server %v: %v\n%s", flags, err, out)
	}
	return string(out)
}

// TestServerOverlay: testdata/server prints the same with the server
// build's runtime (findfunc by function index, the gap below the first
// arena not cleared) as with Go's: function names by PC, stack growth and
// the collector over deep stacks, a recovered panic's traceback, and large
// blocks that come zeroed however often they are taken and freed.
func TestServerOverlay(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("runs the go command: native only")
	}
	if testing.Short() {
		t.Skip("builds wasm programs (-short)")
	}
	flagValue, err := writeServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if flagValue == "" {
		t.Fatal("Go's runtime files are not the ones the server overlay was written for: move it (see server.go)")
	}
	const want = "callers: main.callers < main.inner < main.outer < main.main\n" +
		"funcforpc: main.main\n" +
		"stacks: 18006000\n" +
		"recovered: assignment to entry in nil map true\n" +
		"memory: 3 blocks kept, 0 taken dirty\n"
	for _, flags := range [][]string{nil, {flagValue}} {
		if got := runServerProg(t, flags...); got != want {
			t.Errorf("testdata/server %v printed\n%s\nwant\n%s", flags, got, want)
		}
	}
}

// TestServerEditsRefuse: an edit whose text is not in Go's file (another
// Go) fails and names the file.
func TestServerEditsRefuse(t *testing.T) {
	for name := range serverEdits {
		if _, err := editServer(name, []byte("package runtime\n")); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("editServer(%s) of a file without the text: err %v, want one naming the file", name, err)
		}
	}
}
