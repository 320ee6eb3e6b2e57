package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/trace"
)

func starter(t *testing.T) *StarterKeys {
	t.Helper()
	src, err := os.ReadFile("../../site/js/starter-keys.js")
	if err != nil {
		t.Fatal(err)
	}
	k, err := parseStarterKeys(string(src))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The recording is the page's first classic session, with the starter keys,
// labelled as recorded at the build date, and the same date gives the same bytes.
func TestRecordClassicWithStarterKeys(t *testing.T) {
	k := starter(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	first, err := record(k, at, "")
	if err != nil {
		t.Fatal(err)
	}
	if first.Mode != "classic" || first.Version != "TLS 1.2" || first.Error != nil || len(first.Steps) != 7 {
		t.Fatalf("want a complete classic TLS 1.2 session in 7 steps, got mode %q version %q error %v steps %d", first.Mode, first.Version, first.Error, len(first.Steps))
	}
	if !first.Recorded.At.Equal(at) || first.Recorded.Key.Source != "starter" || !strings.Contains(first.Recorded.Key.Text, "everyone has it") {
		t.Fatalf("recorded label: %+v", first.Recorded)
	}
	key, err := rsaKey("server", k.Server)
	if err != nil {
		t.Fatal(err)
	}
	if first.Setup.ServerKey.ModulusHex != trace.HexString(key.N.Bytes()) {
		t.Fatal("the setup's server key is not the starter server key")
	}
	if first.Setup.KeyBits != k.Bits || first.Setup.Leaf.Cert.NotBefore == "" {
		t.Fatalf("setup: %d bits (want %d), leaf %+v", first.Setup.KeyBits, k.Bits, first.Setup.Leaf.Cert)
	}
	a, _ := json.Marshal(first)
	again, err := record(k, at, "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Fatal("two recordings at the same date differ: the build is not reproducible")
	}
	// The page reads these members (the engine's newSession shape, plus the two).
	var m map[string]json.RawMessage
	if err := json.Unmarshal(a, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"version", "mode", "suite", "seed", "keylog", "steps", "messages", "records", "secrets", "keySchedule", "server", "recorded", "setup", "setupState"} {
		if _, ok := m[key]; !ok {
			t.Errorf("the recording has no %q", key)
		}
	}
}

func TestParseStarterKeysRefusesWhatIsMissing(t *testing.T) {
	if _, err := parseStarterKeys("export const STARTER_KEYS = { bits: 2048 };"); err == nil || !strings.Contains(err.Error(), "made") {
		t.Fatalf("no date: got %v", err)
	}
	if _, err := parseStarterKeys("  made: '2026-11-30T04:40:00Z',\n  ca: `x`,\n"); err == nil || !strings.Contains(err.Error(), "ca") {
		t.Fatalf("no PEM: got %v", err)
	}
}

func TestBuildDate(t *testing.T) {
	now := func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 600, time.UTC) }
	if d, _ := buildDate("", "", now); !d.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("default: %v", d)
	}
	if d, _ := buildDate("", "1796032800", now); d.Unix() != 1796032800 {
		t.Errorf("SOURCE_DATE_EPOCH: %v", d)
	}
	if d, _ := buildDate("2026-11-30T09:00:00+01:00", "1", now); d.Hour() != 8 || d.Location() != time.UTC {
		t.Errorf("flag: %v", d)
	}
	if _, err := buildDate("yesterday", "", now); err == nil {
		t.Error("a date that is not RFC 3339 is refused")
	}
}
