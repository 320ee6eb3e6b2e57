package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedCaptures finds ../shared/testdata/captures beside the repository.
func sharedCaptures(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for d := dir; filepath.Dir(d) != d; d = filepath.Dir(d) {
		p := filepath.Join(d, "..", "shared", "testdata", "captures")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	if os.Getenv("TLSPLAY_REQUIRE_TOOLS") == "1" {
		t.Fatal("../shared/testdata/captures is missing")
	}
	t.Skip("../shared/testdata/captures is missing")
	return ""
}

// TestExplainSharedCaptures: both real captures with their key logs:
// every record decrypted, both Finished verified, the application data
// ("ping", "pong") shown in the trees.
func TestExplainSharedCaptures(t *testing.T) {
	for _, tc := range []struct {
		name, version, records string
	}{
		{"illustrated-tls12", "TLS 1.2 · TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA · x25519 · server name example.ulfheim.net", "13 records, 5 encrypted, 5 of them decrypted"},
		{"illustrated-tls13", "TLS 1.3 · TLS_AES_256_GCM_SHA384 · x25519 · server name example.ulfheim.net", "13 records, 9 encrypted, 9 of them decrypted"},
	} {
		dir := filepath.Join(sharedCaptures(t), tc.name)
		file := filepath.Join(dir, "capture.pcap")
		code, out, errs := testCLI(t, "explain", file, "--keylog", filepath.Join(dir, "keylog.txt"))
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d, stderr %q", tc.name, code, errs)
		}
		for _, want := range []string{
			file + ": pcap, 22 packets, 1 TLS connection, ",
			"══ Connection 1: ", tc.version, tc.records,
			"✓ server Finished ", "✓ client Finished ",
			"── record 1 · client → server · ClientHello · ",
			`application data = "ping`, `application data = "pong`,
			"0000  handshake record",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q", tc.name, want)
			}
		}
		if strings.Contains(out, "not decrypted") || strings.Contains(out, "✗") || strings.Contains(out, "   ! ") {
			t.Errorf("%s: a record did not decrypt, a check failed or a problem was found:\n%s", tc.name, out)
		}
		// Without the key log the records stay encrypted, and it says so.
		code, out, _ = testCLI(t, "explain", file, "--summary")
		if code != 0 || !strings.Contains(out, "no key log: records stay encrypted (give --keylog FILE)") || strings.Contains(out, "✓") || strings.Contains(out, "0000  ") {
			t.Errorf("%s without key log: exit %d\n%s", tc.name, code, out)
		}
	}
}

// TestExplainOwnFiles: what the terminal edition writes, it explains with
// the key log inside: a --pcapng capture and a --json session export.
func TestExplainOwnFiles(t *testing.T) {
	dir := t.TempDir()
	capFile := filepath.Join(dir, "s.pcapng")
	if code, _, errs := testCLI(t, "handshake", "--mode", "tls13", "--key", "ecdsa", "--message", "explained", "--pcapng", capFile); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := testCLI(t, "explain", capFile)
	if code != 0 || !strings.Contains(out, "pcapng, 17 packets, 1 TLS connection, 5 key log lines (5 inside the file)") ||
		!strings.Contains(out, `application data = "explained"`) || !strings.Contains(out, "✓ client Finished") {
		t.Errorf("explain pcapng: exit %d %q\n%s", code, errs, out)
	}
	code, export, _ := testCLI(t, "handshake", "--json", "--message", "from the export")
	if code != 0 {
		t.Fatal("handshake --json failed")
	}
	exp := filepath.Join(dir, "session.json")
	os.WriteFile(exp, []byte(export), 0o644)
	code, out, errs = testCLI(t, "explain", exp)
	if code != 0 || !strings.Contains(out, "session export, 1 TLS connection, 1 key log line (1 inside the file)") ||
		!strings.Contains(out, "══ Connection 1: client → server") || !strings.Contains(out, `application data = "from the export"`) {
		t.Errorf("explain export: exit %d %q\n%s", code, errs, out)
	}
}

// TestExplainBadInput: each bad input says what is wrong.
func TestExplainBadInput(t *testing.T) {
	dir := t.TempDir()
	notCap := filepath.Join(dir, "notes.txt")
	os.WriteFile(notCap, []byte("just some notes\n"), 0o644)
	cut := filepath.Join(dir, "cut.pcapng")
	if code, _, _ := testCLI(t, "handshake", "--pcapng", cut); code != 0 {
		t.Fatal("handshake failed")
	}
	b, _ := os.ReadFile(cut)
	os.WriteFile(cut, b[:len(b)-300], 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"explain"}, 2, "explain takes one argument, got 0"},
		{[]string{"explain", filepath.Join(dir, "missing.pcap")}, 2, "no such file or directory"},
		{[]string{"explain", notCap}, 1, "notes.txt: not a capture file (first bytes 6a75737420736f6d)"},
		{[]string{"explain", notCap, "--keylog", filepath.Join(dir, "nokeys")}, 2, "--keylog: open "},
	} {
		code, _, errs := testCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, stderr %q, want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
	// A truncated capture is read up to the cut, and says so.
	code, out, errs := testCLI(t, "explain", cut, "--summary")
	if code != 0 || !strings.Contains(out, "the capture file is truncated") || !strings.Contains(out, "── record 1 · client → server · ClientHello") {
		t.Errorf("truncated: exit %d %q\n%s", code, errs, out)
	}
}
