package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// seg encodes one active segment of memory 0 at a constant offset.
func seg(offset int32, data []byte) []byte {
	b := []byte{0, opI32Const}
	b = appendSLEB(b, int64(offset))
	b = append(b, opEnd)
	b = appendULEB(b, uint64(len(data)))
	return append(b, data...)
}

func vec(items ...[]byte) []byte {
	b := appendULEB(nil, uint64(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func nameSection(subs ...[]byte) []byte {
	b := appendULEB(nil, 4)
	b = append(b, "name"...)
	for _, s := range subs {
		b = append(b, s...)
	}
	return b
}

func subsection(id byte, body []byte) []byte {
	return append(appendULEB([]byte{id}, uint64(len(body))), body...)
}

// handcrafted is a module with one page of memory, a data count section, and
// segments that the merge must get right: out of order, overlapping (the later
// write wins, including a write of zeros over data), short and long zero gaps,
// zeros at either end, and a name section naming functions and data segments.
func handcrafted(t *testing.T) []byte {
	t.Helper()
	long := make([]byte, 5000)
	segs := [][]byte{
		seg(3000, []byte{7, 7, 7}),
		seg(100, []byte{0, 0, 1, 2, 3, 0, 0}),  // leading and trailing zeros
		seg(110, []byte{4, 5}),                 // a 3-byte zero gap after the one above
		seg(101, []byte{9, 9}),                 // overlaps: 9s land on 101..102
		seg(200, []byte{1, 1, 1, 1}),           // 88 zeros after 112: a long gap for gap=16
		seg(202, []byte{0, 0}),                 // zeros written over data: 202..203 become 0
		seg(20000, append([]byte{8}, long...)), // a segment mostly of zeros
		seg(60000, []byte{0xff}),
	}
	funcNames := vec(append(appendULEB(nil, 0), append(appendULEB(nil, 1), 'f')...))
	dataNames := vec(append(appendULEB(nil, 0), append(appendULEB(nil, 1), 'd')...))
	return encodeModule([]section{
		{id: 5, body: vec([]byte{0x00, 0x01})}, // memory: min 1 page
		{id: sectionDataCount, body: appendULEB(nil, uint64(len(segs)))},
		{id: sectionData, body: vec(segs...)},
		{id: sectionCustom, body: nameSection(subsection(1, funcNames), subsection(9, dataNames))},
	})
}

// memory is the first n bytes of memory 0 after module's data segments are written.
func memory(t *testing.T, module []byte, n int) []byte {
	t.Helper()
	base, image, err := Image(module)
	if err != nil {
		t.Fatal(err)
	}
	mem := make([]byte, n)
	if int(base)+len(image) > n {
		t.Fatalf("segments write up to %d, beyond the %d bytes compared", int(base)+len(image), n)
	}
	copy(mem[base:], image)
	return mem
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

func TestMergeHandcrafted(t *testing.T) {
	in := handcrafted(t)
	want := memory(t, in, 65536)
	if want[101] != 9 || want[102] != 9 || want[104] != 3 || want[202] != 0 || want[201] != 1 {
		t.Fatalf("the test's expected image is wrong: %v", want[100:112])
	}
	for _, tc := range []struct {
		gap      int
		segments int
	}{
		// 101..104, 110..111 | 200..201 | 3000..3002 | 20000 | 60000
		{gap: 0, segments: 6},
		{gap: 5, segments: 5},     // 105..109 filled
		{gap: 100, segments: 4},   // 112..199 (88 zeros) filled too
		{gap: 17000, segments: 2}, // 3003..19999 filled; 39,999 zeros before 60000 stay out
		{gap: 40000, segments: 1},
	} {
		out, st, err := Merge(in, Options{Gap: tc.gap})
		if err != nil {
			t.Fatalf("gap %d: %v", tc.gap, err)
		}
		if got := memory(t, out, 65536); !bytes.Equal(got, want) {
			i := firstDiff(got, want)
			t.Errorf("gap %d: memory differs at %d: got %d, want %d", tc.gap, i, got[i], want[i])
		}
		if st.SegmentsBefore != 8 || st.SegmentsAfter != tc.segments {
			t.Errorf("gap %d: segments %d → %d, want 8 → %d", tc.gap, st.SegmentsBefore, st.SegmentsAfter, tc.segments)
		}
		checkSections(t, in, out)
		if st.SizeAfter != len(out) || st.SizeBefore != len(in) {
			t.Errorf("gap %d: stats say %d → %d bytes, module is %d → %d", tc.gap, st.SizeBefore, st.SizeAfter, len(in), len(out))
		}
		validate(t, out)
	}
}

// checkSections checks that out has in's sections in the same order, every one
// unchanged but the data section, the data count (the new count) and the name
// section (without data segment names).
func checkSections(t *testing.T, in, out []byte) {
	t.Helper()
	a, err := parseModule(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseModule(out)
	if err != nil {
		t.Fatalf("merged module does not parse: %v", err)
	}
	if len(a) != len(b) {
		t.Fatalf("merged module has %d sections, the original %d", len(b), len(a))
	}
	var segments int
	for _, s := range b {
		if s.id == sectionData {
			segs, err := parseData(s.body)
			if err != nil {
				t.Fatalf("merged data section: %v", err)
			}
			segments = len(segs)
			for i := 1; i < len(segs); i++ {
				if segs[i].offset < segs[i-1].offset+uint32(len(segs[i-1].data)) {
					t.Errorf("merged segments %d and %d overlap or are out of order", i-1, i)
				}
			}
		}
	}
	for i := range a {
		if a[i].id != b[i].id {
			t.Fatalf("section %d: id %d, was %d", i, b[i].id, a[i].id)
		}
		switch a[i].id {
		case sectionData:
		case sectionDataCount:
			r := reader{b: b[i].body}
			if n, err := r.u32(); err != nil || int(n) != segments {
				t.Errorf("data count %d (%v), the data section has %d segments", n, err, segments)
			}
		case sectionCustom:
			name, _, _ := customName(a[i].body)
			if name != "name" {
				if !bytes.Equal(a[i].body, b[i].body) {
					t.Errorf("custom section %q changed", name)
				}
				continue
			}
			want, err := dropNameSubsection(a[i].body, 9)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b[i].body, want) {
				t.Errorf("name section: want the original without subsection 9")
			}
		default:
			if !bytes.Equal(a[i].body, b[i].body) {
				t.Errorf("section %d (id %d) changed", i, a[i].id)
			}
		}
	}
}

// validate asks Node's WebAssembly.validate about module, when node is installed.
func validate(t *testing.T, module []byte) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Log("node not found: the engine's own validation is skipped")
		return
	}
	f := filepath.Join(t.TempDir(), "m.wasm")
	if err := os.WriteFile(f, module, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, "-e", `process.stdout.write(String(WebAssembly.validate(require("fs").readFileSync(process.argv[1]))))`, f).CombinedOutput()
	if err != nil || string(out) != "true" {
		t.Errorf("WebAssembly.validate: %s %v", out, err)
	}
}

func TestMergeRefuses(t *testing.T) {
	mem := section{id: 5, body: vec([]byte{0x00, 0x01})}
	for name, tc := range map[string]struct {
		sections []section
		want     string
	}{
		"imported memory": {[]section{
			{id: sectionImport, body: vec(append(append([]byte{2, 'g', 'o', 3, 'm', 'e', 'm'}, importMemory), 0x00, 0x01))},
			{id: sectionData, body: vec(seg(0, []byte{1}))},
		}, "imports its memory"},
		"passive segment": {[]section{mem, {id: sectionData, body: vec([]byte{1, 1, 42})}}, "not an active segment"},
		"global offset":   {[]section{mem, {id: sectionData, body: vec([]byte{0, 0x23, 0, opEnd, 1, 42})}}, "not an i32.const"},
		"truncated":       {[]section{mem, {id: sectionData, body: vec([]byte{0, opI32Const, 0, opEnd, 9, 42})}}, "unexpected end"},
	} {
		_, _, err := Merge(encodeModule(tc.sections), Options{Gap: 16})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, tc.want)
		}
	}
	if _, _, err := Merge([]byte("not wasm"), Options{Gap: 16}); err == nil {
		t.Error("Merge accepted a file that is not WebAssembly")
	}
}

func TestLEB(t *testing.T) {
	for _, v := range []int32{0, 1, 63, 64, -1, -64, -65, 127, 128, 1 << 20, 1<<31 - 1, -1 << 31} {
		r := reader{b: appendSLEB(nil, int64(v))}
		if got, err := r.s32(); err != nil || got != v || r.pos != len(r.b) {
			t.Errorf("s32 round trip of %d: %d, %v", v, got, err)
		}
	}
	for _, v := range []uint32{0, 127, 128, 1 << 28, 1<<32 - 1} {
		r := reader{b: appendULEB(nil, uint64(v))}
		if got, err := r.u32(); err != nil || got != v {
			t.Errorf("u32 round trip of %d: %d, %v", v, got, err)
		}
	}
}

// TestMergeEngine merges a real build of the engine (./wasm for js/wasm, as
// scripts/build.sh builds it): the memory after the data segments are written
// is the same byte for byte, every other section is unchanged, and the merged
// engine starts under Node (tlsPlaygroundReady) and completes a handshake.
func TestMergeEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the engine")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	original := filepath.Join(dir, "engine.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", original, "./wasm")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the engine: %v\n%s", err, out)
	}
	in, err := os.ReadFile(original)
	if err != nil {
		t.Fatal(err)
	}
	out, st, err := Merge(in, Options{Gap: 4096})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("data segments %d → %d, module %d → %d bytes", st.SegmentsBefore, st.SegmentsAfter, st.SizeBefore, st.SizeAfter)
	if st.SegmentsAfter >= st.SegmentsBefore/100 {
		t.Errorf("%d segments left of %d: the merge did not merge", st.SegmentsAfter, st.SegmentsBefore)
	}
	baseA, a, err := Image(in)
	if err != nil {
		t.Fatal(err)
	}
	baseB, b, err := Image(out)
	if err != nil {
		t.Fatal(err)
	}
	// The merged image may start later and end earlier (zeros need no writing): compare the
	// original's whole range, reading zeros outside the merged one.
	if baseB < baseA || int(baseB-baseA)+len(b) > len(a) {
		t.Fatalf("merged segments write [%d, %d), outside the original's [%d, %d)", baseB, int(baseB)+len(b), baseA, int(baseA)+len(a))
	}
	merged := make([]byte, len(a))
	copy(merged[baseB-baseA:], b)
	if i := firstDiff(a, merged); i >= 0 {
		t.Fatalf("memory differs at address %d: merged %d, original %d", int(baseA)+i, merged[i], a[i])
	}
	checkSections(t, in, out)

	// What build.sh ships: merged, its line tables zeroed. Only zeros differ.
	stripped, sst, err := Merge(in, Options{Gap: 4096, StripLines: true})
	if err != nil {
		t.Fatal(err)
	}
	baseS, s, err := Image(stripped)
	if err != nil {
		t.Fatal(err)
	}
	strippedMem := make([]byte, len(a))
	copy(strippedMem[baseS-baseA:], s)
	changed := 0
	for i := range a {
		if strippedMem[i] != a[i] {
			if strippedMem[i] != 0 {
				t.Fatalf("stripped memory at address %d is %d, original %d: -strip-lines may only write zeros", int(baseA)+i, strippedMem[i], a[i])
			}
			changed++
		}
	}
	if changed == 0 || sst.Lines.TableBytes < 100_000 {
		t.Errorf("-strip-lines changed %d bytes (tables %d bytes): want the engine's line tables (over 100 KB)", changed, sst.Lines.TableBytes)
	}
	checkSections(t, in, stripped)

	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: the merged engine is not run")
	}
	for name, module := range map[string][]byte{"merged": out, "stripped": stripped} {
		runEngine(t, node, filepath.Join(dir, name+".wasm"), module)
	}
}

// runEngine runs testdata/run.mjs on module: it must start and complete a TLS 1.3 handshake.
func runEngine(t *testing.T, node, path string, module []byte) {
	t.Helper()
	if err := os.WriteFile(path, module, 0o644); err != nil {
		t.Fatal(err)
	}
	run := exec.Command(node, "--stack-size=8192", filepath.Join("testdata", "run.mjs"), path)
	res, err := run.Output()
	if err != nil {
		stderr := ""
		if e, ok := err.(*exec.ExitError); ok {
			stderr = string(e.Stderr)
		}
		t.Fatalf("running %s under node: %v\n%s%s", path, err, res, stderr)
	}
	var got struct {
		Ready   bool   `json:"ready"`
		Version string `json:"version"`
		Steps   int    `json:"steps"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(res), &got); err != nil {
		t.Fatalf("run.mjs printed %q: %v", res, err)
	}
	if !got.Ready || got.Version != "TLS 1.3" || got.Steps == 0 {
		t.Errorf("%s: %+v, want ready and a TLS 1.3 session with steps", path, got)
	}
}
