package limits

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckServerName(t *testing.T) {
	for _, c := range []struct {
		name string
		want string // "" for accepted
	}{
		{"example.com", ""},
		{"example.com.", ""},
		{"a-b_c.example", ""},
		{"127.0.0.1", ""},
		{"::1", ""},
		{strings.Repeat("a", 63) + ".test", ""},
		{strings.Repeat("a.", 126) + "a", ""}, // 253 characters
		{strings.Repeat("a.", 126) + "ab", "--servername is 254 bytes: the limit is 253"},
		{strings.Repeat("a", 70000), "--servername is 70000 bytes: the limit is 253"},
		{strings.Repeat("a", 64) + ".test", "label of 64 characters: the limit is 63"},
		{"", "is empty"},
		{"a..b", "empty label"},
		{"a b", `contains ' '`},
		{"bücher.example", `contains 'ü'`},
		{"a\x00b", `contains '\x00'`},
	} {
		err := CheckServerName("--servername", c.name)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%.40q: %v, want %q", c.name, err, c.want)
		}
	}
	var le *Error
	if err := CheckServerName("serverName", strings.Repeat("x", 300)); !errors.As(err, &le) || le.Limit != ServerName || le.Arg != "serverName" {
		t.Fatalf("not a limits.Error naming the argument: %#v", err)
	}
}

func TestParseSeed(t *testing.T) {
	if s, err := ParseSeed("--seed", strings.Repeat("ab", Seed)); err != nil || len(s) != Seed {
		t.Fatalf("64-byte seed: %v", err)
	}
	if _, err := ParseSeed("--seed", strings.Repeat("ab", Seed+1)); err == nil || !strings.Contains(err.Error(), "--seed is 130 hex digits: the limit is 128") {
		t.Fatalf("65-byte seed: %v", err)
	}
	if _, err := ParseSeed("setup: seed", strings.Repeat("ab", 500000)); err == nil || !strings.HasPrefix(err.Error(), "setup: seed is 1000000 hex digits") {
		t.Fatalf("1 MB seed: %v", err)
	}
	if _, err := ParseSeed("--seed", "xyz"); err == nil || !strings.Contains(err.Error(), "--seed: seed \"xyz\" is not hex") {
		t.Fatalf("bad hex: %v", err)
	}
}

func TestCheckList(t *testing.T) {
	if err := CheckList("--suite", []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := CheckList("--suite", []string{"a", "b", "a"}); err == nil || !strings.Contains(err.Error(), `--suite names "a" twice`) {
		t.Fatalf("duplicate: %v", err)
	}
	many := make([]string, List+1)
	for i := range many {
		many[i] = strings.Repeat("x", i+1)
	}
	if err := CheckList("clientSuites", many); err == nil || !strings.Contains(err.Error(), "clientSuites is 33 entries: the limit is 32") {
		t.Fatalf("too many: %v", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.pem")
	os.WriteFile(small, []byte("0123456789"), 0o600)
	if b, err := ReadFile("--cafile", small, 10); err != nil || len(b) != 10 {
		t.Fatalf("at the limit: %v", err)
	}
	if _, err := ReadFile("--cafile", small, 9); err == nil || !strings.Contains(err.Error(), "larger than 9 bytes") {
		t.Fatalf("over the limit: %v", err)
	}
	// A device that never ends is refused after limit+1 bytes.
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := ReadFile("--cafile", "/dev/zero", PEM); err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes") {
			t.Fatalf("/dev/zero: %v", err)
		}
	}
	if _, err := ReadFile("--cafile", filepath.Join(dir, "none"), 10); !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "--cafile: open ") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestSize(t *testing.T) {
	if err := Size("send: text", Message, Message, ""); err != nil {
		t.Fatal(err)
	}
	err := Size("send: text", Message+1, Message, "the engine splits a message into records of at most 16384 bytes")
	if err == nil || err.Error() != "send: text is 65537 bytes: the limit is 65536 (the engine splits a message into records of at most 16384 bytes)" {
		t.Fatalf("%v", err)
	}
}
