// Command wasm-overlay writes the `go build -overlay` file of the playground's
// wasm modules and prints the flag that applies it:
//
//	flag="$(go run ./scripts/wasm-overlay -dir DIR)"   # "-overlay=DIR/overlay.json", or nothing
//
// The overlay swaps tables of Go's standard library that no compressor can
// shrink for code that computes them:
//
//   - the P-256 base-point table (crypto/internal/fips140/nistec/p256_table.go,
//     88,064 bytes of precomputed points, about 83 KB of the core engine's
//     brotli) for _nistec/p256_table.go, which computes the same table on the
//     first P-256 ScalarBaseMult. For that first call to happen, Go's p256.go
//     is copied into DIR with one line added at the top of ScalarBaseMult
//     (p256GeneratorTablesReady()).
//   - AES's tables (crypto/internal/fips140/aes/const.go: the S-boxes and the
//     eight 1 KB round tables of the generic cipher) for _aes/const.go, which
//     computes them as the package is initialised.
//   - the powers of ten of float parsing and formatting
//     (internal/strconv/pow10tab.go, 696 128-bit mantissas) for
//     _strconv/pow10tab.go, which computes them as the package is initialised.
//
// and, for the core engine alone (-tags core), cuts what the first view
// never runs out of Go's standard library: P-224, P-384 and P-521 from
// crypto/ecdsa, crypto/ecdh and crypto/elliptic (about 60 KB of the core's
// brotli), the system roots' file reading from crypto/x509 (about 9 KB).
// Each such file of Go's is split in a copy for every other build and an
// edited one for the core (core.go says how and why).
//
// It is written for one version of those files (their SHA-256 below). If one
// of Go's files differs (another Go release), it says so on stderr, prints
// nothing, and the build goes on without the overlay: the modules then carry
// Go's tables (about 110 KB more brotli) and the core Go's files as they
// are (about 70 KB more), and nothing else changes. To move to a new Go: check that
// p256.go still aliases p256GeneratorTables into p256PrecomputedEmbed, that
// ScalarBaseMult reads only p256GeneratorTables, that const.go and
// pow10tab.go still declare only these tables, and that core.go's edits
// still apply (they fail loudly when they do not), then update the hashes and
// run this package's tests.
//
// -tests adds _nistec/tlsplay_table_test.go, _aes/tlsplay_const_test.go and
// _strconv/tlsplay_pow10_test.go to their packages (the computed tables
// against Go's literals), for `go test -tags purego` natively.
//
// Go's FIPS 140-3 mode is not affected: it cannot be enabled on js/wasm at all
// (GODEBUG=fips140=on makes crypto/internal/fips140/check's init panic with
// "FIPS 140-3 mode is not supported" there, overlay or not), so the module's
// integrity check never runs in these builds; the playground never sets it.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// The files the overlay was written for (Go 1.26.8), under GOROOT/src.
var written = map[string]string{
	"crypto/internal/fips140/nistec/p256.go":       "aefa1a76543721e8e4d0b38cb07dfc71bfda7b005500864c7a69457fe216d660",
	"crypto/internal/fips140/nistec/p256_table.go": "ba494ee6fc933a189b5dad8cff8d86b8b19786cfdb27929453a4c851cfdc802b",
	"crypto/internal/fips140/aes/const.go":         "1e425707426f310a093c92512a88c134f508801dae0326b1deea4c7e135fdf38",
	"internal/strconv/pow10tab.go":                 "1c4356efc589a293b12b6af86f0fca7a88d139d01876ba98306cc1aae2e19ab4",
	// The core's split files (core.go).
	"crypto/ecdsa/ecdsa.go":                  "61d06e6707ef461f7e77fcff654430dea46970edd446ac49dc3692dd5b43ac55",
	"crypto/ecdh/nist.go":                    "1c4f8e4e6d809ab78d22a2255b237cfddb2e957b57c07927ef7fb414ff622953",
	"crypto/elliptic/nistec.go":              "19452fe2c70d7b0136868829fc6466fe6ee8394c996d78bc1e7a4d27964a594b",
	"crypto/internal/fips140/ecdsa/ecdsa.go": "a8cada6e2681439e415b81b698f94aa499d1ba7157fc4fb9e34881ba9d082ec3",
	"crypto/x509/root_unix.go":               "421c066f193250dc1adaf13fce4779fc3dc576e20faa86e43bc22af6c9536a14",
	"net/lookup_unix.go":                     "7fc0ecb91aa268d3dbd6dad3b6b806d92223e11782d6fc1b4dcc4f5f9a4b788e",
	"internal/godebug/godebug.go":            "cd492e76ae63872ac4310fc09b2e097229588dbf114d14d713be3f027b0233c8",
	"crypto/internal/fips140/cast.go":        "ed3b9fddc7581352d4fd67dae28569a33f965778330c9def418df7efc7f11e55",
}

// ours is what replaces each file (a file of this folder; p256.go is edited
// instead), and testFiles what -tests adds.
var (
	ours = map[string]string{
		"crypto/internal/fips140/nistec/p256_table.go": "_nistec/p256_table.go",
		"crypto/internal/fips140/aes/const.go":         "_aes/const.go",
		"internal/strconv/pow10tab.go":                 "_strconv/pow10tab.go",
	}
	testFiles = map[string]string{
		"crypto/internal/fips140/nistec/tlsplay_table_test.go": "_nistec/tlsplay_table_test.go",
		"crypto/internal/fips140/aes/tlsplay_const_test.go":    "_aes/tlsplay_const_test.go",
		"internal/strconv/tlsplay_pow10_test.go":               "_strconv/tlsplay_pow10_test.go",
	}
)

const p256Go = "crypto/internal/fips140/nistec/p256.go"

// scalarBaseMult is the line of p256.go after which the table is made ready.
const scalarBaseMult = "func (p *P256Point) ScalarBaseMult(scalar []byte) (*P256Point, error) {\n"

func main() {
	dir := flag.String("dir", "", "the folder to write overlay.json and the edited p256.go into (made if missing)")
	tests := flag.Bool("tests", false, "add _nistec/tlsplay_table_test.go to the package (for go test)")
	server := flag.Bool("server", false, "write the server build's overlay instead, overlay-server.json (server.go)")
	flag.Parse()
	if *dir == "" || flag.NArg() != 0 || (*server && *tests) {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/wasm-overlay -dir DIR [-tests | -server]")
		os.Exit(2)
	}
	var flagValue string
	var err error
	if *server {
		flagValue, err = writeServer(*dir)
	} else {
		flagValue, err = write(*dir, *tests)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "wasm-overlay: %v\n", err)
		os.Exit(1)
	}
	if flagValue == "" {
		return
	}
	fmt.Println(flagValue)
}

// write writes the overlay into dir and returns the -overlay flag, or "" (and
// a warning on stderr) when Go's files are not the ones it was written for.
func write(dir string, tests bool) (string, error) {
	goroot, err := gorootDir()
	if err != nil {
		return "", err
	}
	src := filepath.Join(goroot, "src")
	files := map[string][]byte{}
	for name, want := range written {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
		if err != nil {
			return "", fmt.Errorf("reading Go's %s: %v", name, err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want {
			warn(fmt.Sprintf("Go's %s (%s) is not the file the overlay was written for (Go 1.26.8, sha256 %s…, this one %s…)",
				name, runtime.Version(), want[:12], hex.EncodeToString(sum[:])[:12]))
			return "", nil
		}
		files[name] = b
	}
	p256 := files[p256Go]
	if bytes.Count(p256, []byte(scalarBaseMult)) != 1 {
		warn("Go's p256.go has no single ScalarBaseMult line to add the table's first use to")
		return "", nil
	}
	edited := bytes.Replace(p256, []byte(scalarBaseMult),
		[]byte(scalarBaseMult+"\tp256GeneratorTablesReady() // scripts/wasm-overlay: the table is computed on first use\n"), 1)

	here, err := selfDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	editedPath := filepath.Join(dir, "p256.go")
	if err := os.WriteFile(editedPath, edited, 0o644); err != nil {
		return "", err
	}
	replace := map[string]string{filepath.Join(src, filepath.FromSlash(p256Go)): editedPath}
	add := func(files map[string]string) {
		for goPath, mine := range files {
			replace[filepath.Join(src, filepath.FromSlash(goPath))] = filepath.Join(here, filepath.FromSlash(mine))
		}
	}
	add(ours)
	if tests {
		add(testFiles)
	}
	// The core's files (core.go): Go's file for every other build, an edited
	// copy beside it for -tags core, and ours that the copies call.
	for _, split := range coreSplits {
		edited, err := split.edit(files[split.file])
		if err != nil {
			return "", fmt.Errorf("editing Go's %s for the core: %v", split.file, err)
		}
		flat := strings.ReplaceAll(split.file, "/", "_")
		all, core := filepath.Join(dir, "core", flat), filepath.Join(dir, "core", "tlsplay_core_"+flat)
		if err := os.MkdirAll(filepath.Dir(all), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(all, constrained("!core", "scripts/wasm-overlay: Go's "+split.file+" as it is, in every build but the core (core.go)", files[split.file]), 0o644); err != nil {
			return "", err
		}
		if err := os.WriteFile(core, constrained("core", "scripts/wasm-overlay: Go's "+split.file+" edited for the core (core.go)", edited), 0o644); err != nil {
			return "", err
		}
		goFile := filepath.Join(src, filepath.FromSlash(split.file))
		replace[goFile] = all
		replace[filepath.Join(filepath.Dir(goFile), "tlsplay_core_"+filepath.Base(goFile))] = core
	}
	add(coreFiles)
	return writeOverlay(dir, "overlay.json", replace)
}

// writeOverlay writes go build's -overlay file (replace: Go's file → ours) as
// dir/name and returns the flag that names it.
func writeOverlay(dir, name string, replace map[string]string) (string, error) {
	out, err := json.MarshalIndent(map[string]any{"Replace": replace}, "", "  ")
	if err != nil {
		return "", err
	}
	jsonPath := filepath.Join(dir, name)
	if err := os.WriteFile(jsonPath, append(out, '\n'), 0o644); err != nil {
		return "", err
	}
	return "-overlay=" + jsonPath, nil
}

// warnAbout prints, framed so that it stands out in a build's output, why an
// overlay is left out and what the build is without it (without; file: the
// source that says how to move the overlay to this Go).
func warnAbout(why, without, file string) {
	bar := strings.Repeat("!", 78)
	fmt.Fprintf(os.Stderr, "%s\nwasm-overlay: WARNING: %s.\nwasm-overlay: %s.\nwasm-overlay: see scripts/wasm-overlay/%s to move the overlay to this Go.\n%s\n", bar, why, without, file, bar)
}

func warn(why string) {
	warnAbout(why, "building WITHOUT the overlay: the modules carry Go's P-256, AES and powers-of-ten tables (about 110 KB more brotli), and the core Go's ecdsa, ecdh, elliptic and x509 as they are (about 70 KB more)", "main.go")
}

// gorootDir is the GOROOT of the go command on PATH (the one that builds).
func gorootDir() (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %v", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// selfDir is this package's folder: scripts/wasm-overlay of the module the
// go command is run in (build.sh and the tests run it from the checkout).
func selfDir() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the playground's module (go env GOMOD is empty): run from the checkout")
	}
	here := filepath.Join(filepath.Dir(mod), "scripts", "wasm-overlay")
	if _, err := os.Stat(filepath.Join(here, "_nistec", "p256_table.go")); err != nil {
		return "", fmt.Errorf("the overlay's table file: %v", err)
	}
	return here, nil
}
