package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestOverlongInput: every length a user gives on the command line is
// checked before it reaches the engine (or the network), and refused with
// exit status 2 and a message that names the flag and the limit. A
// 70,000-byte --servername used to panic in cryptobyte (the server_name
// extension has a 2-byte length).
func TestOverlongInput(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	dir := t.TempDir()
	big := dir + "/big.pem"
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 1<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		// RFC 6066 §3: server_name holds a DNS host name, at most 253 characters (RFC 1035 §2.3.4).
		{"connect --servername of 70,000 bytes", []string{"connect", "127.0.0.1:1", "--servername", long(70000)}, "--servername is 70000 bytes: the limit is 253"},
		{"connect --servername of 254 bytes", []string{"connect", "127.0.0.1:1", "--servername", long(60) + "." + long(60) + "." + long(60) + "." + long(60) + "." + long(10)}, "--servername is 254 bytes: the limit is 253"},
		{"connect --servername with a 64-byte label", []string{"connect", "127.0.0.1:1", "--servername", long(64) + ".test"}, "a label of 64 characters: the limit is 63"},
		{"connect --servername with a space", []string{"connect", "127.0.0.1:1", "--servername", "a b.test"}, `contains ' '`},
		{"connect to a host of 300 bytes", []string{"connect", long(300) + ":443"}, "the host in HOST:PORT is 300 bytes: the limit is 253"},
		{"connect --suite naming a suite twice", []string{"connect", "127.0.0.1:1", "--suite", strings.Repeat("TLS_AES_128_GCM_SHA256,", 3000)}, "--suite is 3000 entries: the limit is 32"},
		{"connect --suite with a duplicate", []string{"connect", "127.0.0.1:1", "--suite", "TLS_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256"}, `--suite names "TLS_AES_128_GCM_SHA256" twice`},
		{"connect --request of 65,537 bytes", []string{"connect", "127.0.0.1:1", "--request", long(65537)}, "--request is 65537 bytes: the limit is 65536"},
		{"connect --cafile of 1 MiB + 1", []string{"connect", "127.0.0.1:1", "--cafile", big}, "is larger than 1048576 bytes"},
		{"connect --cafile /dev/zero", []string{"connect", "127.0.0.1:1", "--cafile", "/dev/zero"}, `--cafile "/dev/zero" is larger than 1048576 bytes`},
		{"serve --name of 300 bytes", []string{"serve", "127.0.0.1:0", "--name", long(300)}, "--name is 300 bytes: the limit is 253"},
		{"serve --cert of 1 MiB + 1", []string{"serve", "127.0.0.1:0", "--cert", big, "--keyfile", big}, "--cert " + `"` + big + `" is larger than 1048576 bytes`},
		{"serve --max-conns 0", []string{"serve", "127.0.0.1:0", "--max-conns", "0"}, "--max-conns 0: give at least 1"},
		{"serve --handshake-timeout 0", []string{"serve", "127.0.0.1:0", "--handshake-timeout", "0s"}, "--handshake-timeout 0s: give a positive duration"},
		{"handshake --seed of 65 bytes", []string{"handshake", "--seed", strings.Repeat("ab", 65)}, "--seed is 130 hex digits: the limit is 128"},
		{"handshake --message of 65,537 bytes", []string{"handshake", "--message", long(65537)}, "--message is 65537 bytes: the limit is 65536"},
		{"handshake --server-groups with a duplicate", []string{"handshake", "--mode", "tls13", "--server-groups", "x25519,x25519"}, `--server-groups names "x25519" twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.args[len(tc.args)-1] == "/dev/zero" {
				if _, err := os.Stat("/dev/zero"); err != nil {
					t.Skip("no /dev/zero")
				}
			}
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %.300q", code, errb.String())
			}
			if errs := errb.String(); !strings.HasPrefix(errs, "tlsplay: ") || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "\ntlsplay: hint: ") {
				t.Errorf("stderr %.300q, want %q and a hint", errs, tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %.200q, want nothing (refused before connecting)", out.String())
			}
		})
	}
}

// TestLongMessageSpansRecords: a message over 2^14 bytes is not refused but
// split into records of at most 2^14 bytes (RFC 8446 §5.1), and arrives
// whole.
func TestLongMessageSpansRecords(t *testing.T) {
	var out, errb bytes.Buffer
	msg := strings.Repeat("m", 40000)
	if code := run([]string{"handshake", "--mode", "tls13", "--key", "ecdsa", "--message", msg, "--seed", "01"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %.300s", code, errb.String())
	}
	if !strings.Contains(out.String(), "decrypted by the server as \""+msg[:100]) {
		t.Fatalf("the message did not arrive:\n%.2000s", out.String())
	}
}
