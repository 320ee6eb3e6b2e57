package session

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/pcap"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
)

// tsharkFollow writes a capture and returns what tshark prints when it
// follows TLS stream n, given no key log option: only the file's own
// Decryption Secrets Block can decrypt it.
func tsharkFollow(t *testing.T, file []byte, n string) string {
	t.Helper()
	tshark := tooltest.Need(t, "tshark")
	path := filepath.Join(t.TempDir(), "session.pcapng")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tshark, "-n", "-r", path, "-q", "-z", "follow,tls,ascii,"+n).CombinedOutput()
	if err != nil {
		t.Fatalf("tshark: %v\n%s", err, out)
	}
	return string(out)
}

// checkStream reads a session's capture back: the key log inside is the
// session's, and the stream's bytes are its records.
func checkStream(t *testing.T, file []byte, e *Export, keylog string, n int) {
	t.Helper()
	f, err := pcap.Read(file)
	if err != nil {
		t.Fatal(err)
	}
	if f.KeyLog != keylog || keylog == "" {
		t.Fatalf("key log in the file %q, want %q", f.KeyLog, keylog)
	}
	ss, err := pcap.Streams(f)
	if err != nil {
		t.Fatal(err)
	}
	var want, got []byte
	for _, r := range e.Records {
		b, _ := hex.DecodeString(r.Hex)
		want = append(want, b...)
	}
	for _, g := range ss[n].Segments {
		got = append(got, g.Data...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("stream %d: %d bytes, the session's records %d", n, len(got), len(want))
	}
}

// TestPCAPNGOpensDecrypted: each mode's capture shows the typed messages
// in tshark with nothing but the file, after a KeyUpdate too.
func TestPCAPNGOpensDecrypted(t *testing.T) {
	for _, mode := range []string{ModeClassic, ModeECDHE, ModeTLS13} {
		s, err := New(testSetup(t), Options{Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		up, down, later := "typed by the test in "+mode, "answered by the server", "after the key update"
		if _, err := s.Send("client", up); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send("server", down); err != nil {
			t.Fatal(err)
		}
		if mode == ModeTLS13 {
			if err := s.KeyUpdate("client"); err != nil {
				t.Fatal(err)
			}
			if err := s.KeyUpdate("server"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send("client", later); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send("server", later+" (server)"); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		file := s.PCAPNG()
		e := s.Export()
		checkStream(t, file, e, e.Keylog, 0)
		out := tsharkFollow(t, file, "0")
		for _, m := range []string{up, down} {
			if !strings.Contains(out, m) {
				t.Errorf("%s: tshark does not show %q:\n%s", mode, m, out)
			}
		}
		if mode == ModeTLS13 && (!strings.Contains(out, later) || !strings.Contains(out, later+" (server)")) {
			t.Errorf("tls13: tshark does not show the messages after the key updates:\n%s", out)
		}
	}
}

// TestMITMPCAPNG: the attack lab's capture holds two streams, each
// decrypted by its own key log: the client's message as typed in the
// first, as Mallory rewrote it in the second.
func TestMITMPCAPNG(t *testing.T) {
	mallory, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("mallory"))})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{ModeClassic, ModeTLS13} {
		m, err := NewMITM(testSetup(t), mallory, true, Options{Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		m.Rewrite = UpperRewrite
		if _, err := m.Send("client", "pay 100 to Bob"); err != nil {
			t.Fatal(err)
		}
		file := m.PCAPNG()
		f, err := pcap.Read(file)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := pcap.Streams(f)
		if err != nil || len(ss) != 2 || ss[0].Client == ss[1].Client {
			t.Fatalf("%s: %d streams, %v", mode, len(ss), err)
		}
		checkStream(t, file, m.Left.Export(), m.Left.KeyLog()+m.Right.KeyLog(), 0)
		checkStream(t, file, m.Right.Export(), m.Left.KeyLog()+m.Right.KeyLog(), 1)
		if out := tsharkFollow(t, file, "0"); !strings.Contains(out, "pay 100 to Bob") {
			t.Errorf("%s: the client's stream does not show its message:\n%s", mode, out)
		}
		if out := tsharkFollow(t, file, "1"); !strings.Contains(out, "pay 10000 to Bob") {
			t.Errorf("%s: Mallory's stream does not show her rewrite:\n%s", mode, out)
		}
	}
	// A client that refuses Mallory: one stream, the failed handshake.
	m, err := NewMITM(testSetup(t), mallory, false, Options{Mode: ModeTLS13})
	if err != nil {
		t.Fatal(err)
	}
	f, err := pcap.Read(m.PCAPNG())
	if err != nil {
		t.Fatal(err)
	}
	if ss, err := pcap.Streams(f); err != nil || len(ss) != 1 {
		t.Fatalf("refused: %d streams, %v", len(ss), err)
	}
}
