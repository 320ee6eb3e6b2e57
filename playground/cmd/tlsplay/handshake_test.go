package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// testNow is the clock of the tests that compare outputs.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var (
	setupsMu sync.Mutex
	setups   = map[string]*pki.Setup{}
)

// cachedSetup makes one setup per set of options for the whole test binary
// (RSA key generation is the slow part) and hands it out again for the same
// options, so that a replay can use the very keys the command used.
func cachedSetup(opt pki.Options) (*pki.Setup, error) {
	setupsMu.Lock()
	defer setupsMu.Unlock()
	key := fmt.Sprintf("%s/%d/%s/%d", opt.KeyType, opt.KeyBits, opt.ServerName, opt.Now.Unix())
	if opt.Now.IsZero() {
		key = fmt.Sprintf("%s/%d/%s/now", opt.KeyType, opt.KeyBits, opt.ServerName) // valid on the real clock
	}
	if s, ok := setups[key]; ok {
		return s, nil
	}
	s, err := pki.NewSetup(opt)
	if err != nil {
		return nil, err
	}
	setups[key] = s
	return s, nil
}

// testCLI runs the command line with a fixed clock and cached setups.
func testCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{now: func() time.Time { return testNow }, newSetup: cachedSetup, stdout: &out, stderr: &errb}
	code = c.run(args)
	return code, out.String(), errb.String()
}

// keyFor is a server key every mode can use.
func keyFor(mode string) string {
	if mode == session.ModeClassic {
		return pki.KeyRSA
	}
	return pki.KeyECDSA
}

func TestHandshakePrintsSevenSteps(t *testing.T) {
	for _, mode := range session.Modes() {
		t.Run(mode, func(t *testing.T) {
			code, out, errs := testCLI(t, "handshake", "--mode", mode, "--key", keyFor(mode), "--message", "ping")
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			for n := 1; n <= 7; n++ {
				if !strings.Contains(out, fmt.Sprintf("── Step %d of 7 · ", n)) {
					t.Errorf("step %d missing from the output", n)
				}
			}
			for _, want := range []string{
				"Articles say", "Really", "client · ", "server · ",
				"✓ host name", "Leaf certificate: CN=playground.test", "(32 bytes)",
				`client → server: "ping"`, `decrypted by the client as "ping"`,
				"Key log (NSS format",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q", want)
				}
			}
			if strings.Contains(out, "✗") {
				t.Errorf("a check failed:\n%s", out)
			}
		})
	}
}

// replay runs a session the way the handshake command does, through the
// session package, and returns its export as the page's file.
func replay(t *testing.T, mode string, seed []byte, message string) []byte {
	t.Helper()
	setup, err := cachedSetup(pki.Options{KeyType: keyFor(mode), KeyBits: map[bool]int{true: 2048}[keyFor(mode) == pki.KeyRSA], Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.New(setup, session.Options{Mode: mode, Seed: seed, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{trace.Client, trace.Server} {
		if _, err := s.Send(from, message); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// The page writes JSON.stringify(session, null, 2) + "\n".
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.Export()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestHandshakeJSONIsTheSessionExport(t *testing.T) {
	seed := []byte{0x5e, 0xed, 0x01}
	for _, mode := range session.Modes() {
		t.Run(mode, func(t *testing.T) {
			code, out, errs := testCLI(t, "handshake", "--json", "--mode", mode, "--key", keyFor(mode), "--seed", "5eed01", "--message", "ping")
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			d := json.NewDecoder(strings.NewReader(out))
			d.DisallowUnknownFields()
			var e session.Export
			if err := d.Decode(&e); err != nil {
				t.Fatalf("stdout is not a session export: %v\n%s", err, out)
			}
			if rest, _ := io.ReadAll(d.Buffered()); strings.TrimSpace(string(rest)) != "" {
				t.Fatalf("stdout has more than the export: %q", rest)
			}
			if e.Mode != mode || e.Seed != "5eed01" || !e.Closed || e.Error != nil || len(e.Steps) != 7 || e.Keylog == "" {
				t.Fatalf("export: mode %q seed %q closed %v error %v steps %d", e.Mode, e.Seed, e.Closed, e.Error, len(e.Steps))
			}
			if want := replay(t, mode, seed, "ping"); out != string(want) {
				t.Errorf("the export differs from a replay with the same seed and keys")
			}
			if _, again, _ := testCLI(t, "handshake", "--json", "--mode", mode, "--key", keyFor(mode), "--seed", "5eed01", "--message", "ping"); again != out {
				t.Errorf("two runs with the same seed and keys differ")
			}
		})
	}
}

// TestHandshakeFailure: a client that offers only ECDHE_RSA and a server
// with an Ed25519 key share no suite; the steps are still printed (the
// export still written) and one line says which side gave up.
func TestHandshakeFailure(t *testing.T) {
	if !slices.Contains(session.Modes(), session.ModeECDHE) {
		t.Skip("the session has no ecdhe mode")
	}
	for _, asJSON := range []bool{false, true} {
		args := []string{"handshake", "--mode", "ecdhe", "--key", "ed25519", "--suite", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
		if asJSON {
			args = append(args, "--json")
		}
		code, out, errs := testCLI(t, args...)
		if code != 1 || !regexp.MustCompile(`^tlsplay: handshake failed: the server gave up: no cipher suite in common.* \(alert handshake_failure sent\)\n$`).MatchString(errs) {
			t.Fatalf("json %v: exit %d, stderr %q", asJSON, code, errs)
		}
		if asJSON {
			var e session.Export
			if err := json.Unmarshal([]byte(out), &e); err != nil || e.Error == nil || e.Error.Alert != "handshake_failure" {
				t.Errorf("export: %v, error %+v", err, e.Error)
			}
		} else if !strings.Contains(out, "── Step 4 of 7") || !strings.Contains(out, "✗ ") {
			t.Errorf("the failed check is not shown:\n%s", out)
		}
	}
}

// TestHandshakeSuiteOrder: --suite-order picks whose order of preference the
// server follows (RFC 8446 §4.1.1 and RFC 5246 §7.4.1.3 leave it to the server).
func TestHandshakeSuiteOrder(t *testing.T) {
	// The client puts AES-128-GCM first; the engine's server prefers ChaCha20-Poly1305 to it.
	offer := "TLS_AES_128_GCM_SHA256,TLS_CHACHA20_POLY1305_SHA256"
	suite := map[string]string{}
	for _, order := range []string{"server", "client"} {
		code, out, errs := testCLI(t, "handshake", "--json", "--mode", "tls13", "--key", pki.KeyECDSA, "--suite", offer, "--suite-order", order)
		if code != 0 {
			t.Fatalf("--suite-order %s: exit %d, stderr %q", order, code, errs)
		}
		var e session.Export
		if err := json.Unmarshal([]byte(out), &e); err != nil {
			t.Fatal(err)
		}
		suite[order] = e.Suite
	}
	if suite["client"] != "TLS_AES_128_GCM_SHA256" {
		t.Errorf("--suite-order client chose %s, not the client's first choice", suite["client"])
	}
	if suite["server"] != "TLS_CHACHA20_POLY1305_SHA256" {
		t.Errorf("--suite-order server chose %s, not the server's first preference the client offers", suite["server"])
	}
	if code, _, errs := testCLI(t, "handshake", "--suite-order", "strongest"); code != 2 || !strings.Contains(errs, "choose --suite-order server or client") {
		t.Errorf("--suite-order strongest: exit %d, stderr %q", code, errs)
	}
}
