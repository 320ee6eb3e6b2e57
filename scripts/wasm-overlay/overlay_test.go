package main

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The P-256 tests below run in every build: natively with Go's assembly, and,
// from TestOverlay, natively with -tags purego and the overlay (the generic
// code the wasm modules run, with the computed table). In wasm:
//
//	flag="$(go run ./scripts/wasm-overlay -dir /tmp/ov)"
//	GOOS=js GOARCH=wasm go test "$flag" -exec="$PWD/scripts/go_js_wasm_exec" ./scripts/wasm-overlay

// generatorBytes is P-256's base point G, uncompressed (SEC 1, section 2.3.3).
func generatorBytes() []byte {
	c := elliptic.P256().Params()
	return append(append([]byte{4}, c.Gx.FillBytes(make([]byte, 32))...), c.Gy.FillBytes(make([]byte, 32))...)
}

// TestP256BaseMultMatchesMult: k·G from the base-point table (PublicKey)
// equals k·G by the generic scalar multiplication (ECDH with G as the peer),
// for random and edge scalars.
func TestP256BaseMultMatchesMult(t *testing.T) {
	g, err := ecdh.P256().NewPublicKey(generatorBytes())
	if err != nil {
		t.Fatal(err)
	}
	n := elliptic.P256().Params().N
	scalars := [][]byte{}
	for _, k := range []*big.Int{big.NewInt(1), big.NewInt(2), big.NewInt(63), big.NewInt(64), big.NewInt(65),
		new(big.Int).Lsh(big.NewInt(1), 252), new(big.Int).Sub(n, big.NewInt(1)), new(big.Int).Sub(n, big.NewInt(2))} {
		scalars = append(scalars, k.FillBytes(make([]byte, 32)))
	}
	for i := 0; i < 200; i++ {
		k, err := ecdh.P256().GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		scalars = append(scalars, k.Bytes())
	}
	for _, s := range scalars {
		priv, err := ecdh.P256().NewPrivateKey(s)
		if err != nil {
			t.Fatalf("scalar %x: %v", s, err)
		}
		x, err := priv.ECDH(g) // the x coordinate of s·G, by ScalarMult
		if err != nil {
			t.Fatal(err)
		}
		pub := priv.PublicKey().Bytes() // s·G, by ScalarBaseMult
		if !bytes.Equal(pub[1:33], x) {
			t.Fatalf("scalar %x: ScalarBaseMult gives x %x, ScalarMult %x", s, pub[1:33], x)
		}
		// And the y coordinate, through crypto/elliptic's two paths.
		bx, by := elliptic.P256().ScalarBaseMult(s)
		mx, my := elliptic.P256().ScalarMult(elliptic.P256().Params().Gx, elliptic.P256().Params().Gy, s)
		if bx.Cmp(mx) != 0 || by.Cmp(my) != 0 || !bytes.Equal(by.FillBytes(make([]byte, 32)), pub[33:]) {
			t.Fatalf("scalar %x: elliptic's ScalarBaseMult and ScalarMult differ", s)
		}
	}
}

func TestP256ECDSASignVerify(t *testing.T) {
	for i := 0; i < 50; i++ {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		digest := sha256.Sum256([]byte{byte(i)})
		sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		if !ecdsa.VerifyASN1(&key.PublicKey, digest[:], sig) {
			t.Fatalf("key %d: a fresh signature does not verify", i)
		}
		digest[0] ^= 1
		if ecdsa.VerifyASN1(&key.PublicKey, digest[:], sig) {
			t.Fatalf("key %d: a signature verifies for another digest", i)
		}
	}
}

// wycheproof reads one file of Project Wycheproof's vectors from ../shared.
func wycheproof(t *testing.T, name string, v any) {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "testdata", "wycheproof", name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("Wycheproof vectors not found (%v): they live in ../shared/testdata beside the checkout", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestP256WycheproofECDH(t *testing.T) {
	var f struct {
		TestGroups []struct {
			Tests []struct {
				TcID                    int `json:"tcId"`
				Public, Private, Shared string
				Result                  string
			}
		}
	}
	wycheproof(t, "ecdh_secp256r1_ecpoint_test.json", &f)
	count := 0
	for _, g := range f.TestGroups {
		for _, tc := range g.Tests {
			count++
			priv, err := ecdh.P256().NewPrivateKey(leftPad(unhex(t, tc.Private), 32))
			if err != nil {
				t.Fatalf("tcId %d: private key: %v", tc.TcID, err)
			}
			var shared []byte
			pub, err := ecdh.P256().NewPublicKey(unhex(t, tc.Public))
			if err == nil {
				shared, err = priv.ECDH(pub)
			}
			switch tc.Result {
			case "valid":
				if err != nil || !bytes.Equal(shared, unhex(t, tc.Shared)) {
					t.Errorf("tcId %d (valid): shared %x, error %v", tc.TcID, shared, err)
				}
			case "invalid":
				if err == nil {
					t.Errorf("tcId %d (invalid): accepted", tc.TcID)
				}
			default: // acceptable: either, but a result must be right
				if err == nil && !bytes.Equal(shared, unhex(t, tc.Shared)) {
					t.Errorf("tcId %d (acceptable): wrong shared secret", tc.TcID)
				}
			}
		}
	}
	if count < 300 {
		t.Fatalf("only %d vectors read", count)
	}
}

// leftPad strips Wycheproof's sign byte or pads a short scalar to n bytes.
func leftPad(b []byte, n int) []byte {
	for len(b) > n && b[0] == 0 {
		b = b[1:]
	}
	return append(make([]byte, n-len(b)), b...)
}

func TestP256WycheproofECDSA(t *testing.T) {
	var f struct {
		TestGroups []struct {
			PublicKeyDer string
			Sha          string
			Tests        []struct {
				TcID             int `json:"tcId"`
				Msg, Sig, Result string
			}
		}
	}
	wycheproof(t, "ecdsa_secp256r1_sha256_test.json", &f)
	count := 0
	for _, g := range f.TestGroups {
		if g.Sha != "SHA-256" {
			t.Fatalf("group hash %q", g.Sha)
		}
		k, err := x509.ParsePKIXPublicKey(unhex(t, g.PublicKeyDer))
		if err != nil {
			t.Fatalf("group key: %v", err)
		}
		pub := k.(*ecdsa.PublicKey)
		for _, tc := range g.Tests {
			count++
			digest := sha256.Sum256(unhex(t, tc.Msg))
			ok := ecdsa.VerifyASN1(pub, digest[:], unhex(t, tc.Sig))
			if ok != (tc.Result == "valid") {
				t.Errorf("tcId %d (%s): VerifyASN1 says %v", tc.TcID, tc.Result, ok)
			}
		}
	}
	if count < 400 {
		t.Fatalf("only %d vectors read", count)
	}
}

// TestOverlay writes the overlay and runs, natively with -tags purego (the
// generic P-256 and AES code, as in wasm) and the overlay: the computed tables
// against Go's literals, Go's own tests of crypto/ecdh, crypto/ecdsa,
// crypto/elliptic, crypto/internal/fips140/ecdsa, crypto/x509 (the files the
// core splits, as every other build has them), AES
// (crypto/internal/fips140/aes, crypto/aes), crypto/cipher (GCM),
// internal/strconv and strconv, and this package's P-256 tests; then with
// -tags core,purego, the core's cuts (core_test.go), the P-256 tests again,
// net's protocol lookup, internal/godebug's settings, and RSA, Ed25519,
// HMAC and SHA-256 (whose FIPS self-tests the core leaves out).
func TestOverlay(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("runs go test in a child process: native only")
	}
	if testing.Short() {
		t.Skip("builds the standard library with -tags purego (-short)")
	}
	flagValue, err := write(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	if flagValue == "" {
		t.Fatal("Go's files are not the ones the overlay was written for: move it (see main.go)")
	}
	for _, args := range [][]string{
		{"-tags", "purego", "-run", "TestTLSPlayComputed", "crypto/internal/fips140/nistec", "crypto/internal/fips140/aes", "internal/strconv"},
		{"-tags", "purego", "-skip", "TestP256PrecomputedTable", "crypto/ecdh", "crypto/ecdsa", "crypto/elliptic", "crypto/internal/fips140/ecdsa", "crypto/internal/fips140/aes", "crypto/aes", "crypto/cipher", "crypto/x509", "internal/strconv", "strconv"},
		{"-tags", "purego", "-run", "TestP256", "."},
		// The core (core.go): P-224, P-384 and P-521 refused, P-256 whole.
		{"-tags", "core,purego", "-run", "TestCore|TestP256", "."},
		{"-tags", "core,purego", "-run", "TestLookupProtocol", "net"},
		{"-tags", "core,purego", "-skip", "Bisect", "internal/godebug"},                                                         // the core has no bisect matcher
		{"-tags", "core,purego", "crypto/internal/fips140/rsa", "crypto/rsa", "crypto/ed25519", "crypto/hmac", "crypto/sha256"}, // empty self-tests
	} {
		cmd := exec.Command("go", append([]string{"test", "-count=1", flagValue}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil || bytes.Contains(out, []byte("no tests to run")) {
			t.Fatalf("go test %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestOverlayGuards: when one of Go's files is not the one an overlay was
// written for (the core's, or the server's runtime files), that overlay is not
// written and its flag is empty.
func TestOverlayGuards(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("runs the go command: native only")
	}
	for _, c := range []struct {
		file   string            // a file of Go's the overlay replaces
		hashes map[string]string // the sha256 the overlay expects of each
		write  func(dir string) (string, error)
		json   string // the overlay file write writes
	}{
		{"crypto/internal/fips140/aes/const.go", written, func(dir string) (string, error) { return write(dir, false) }, "overlay.json"},
		{"runtime/mem_sbrk.go", serverWritten, writeServer, "overlay-server.json"},
	} {
		saved := c.hashes[c.file]
		c.hashes[c.file] = strings.Repeat("0", 64)
		dir := t.TempDir()
		flagValue, err := c.write(dir)
		c.hashes[c.file] = saved
		if err != nil || flagValue != "" {
			t.Errorf("%s with a wrong hash of %s: %q, %v; want no overlay", c.json, c.file, flagValue, err)
		}
		if _, err := os.Stat(filepath.Join(dir, c.json)); err == nil {
			t.Errorf("%s written despite a wrong hash of %s", c.json, c.file)
		}
	}
}
