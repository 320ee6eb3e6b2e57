package session

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/pcap"
	"tlsplayground/playground/suites"
)

// TestTsharkDecryptsExport is the external judge of the export: its records,
// written as a capture, decrypt in tshark with its key log line.
func TestTsharkDecryptsExport(t *testing.T) {
	tshark := tooltest.Need(t, "tshark")
	type run struct {
		mode, suite string
		ems         bool
	}
	var runs []run
	for _, suite := range suites.Classic {
		runs = append(runs, run{ModeClassic, suite.Name, true}, run{ModeClassic, suite.Name, false})
	}
	for _, suite := range []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"} {
		runs = append(runs, run{ModeECDHE, suite, true})
	}
	for _, suite := range suites.TLS13 {
		runs = append(runs, run{ModeTLS13, suite.Name, false})
	}
	for _, r := range runs {
		suite, ems := r.suite, r.ems
		{
			s, err := New(testSetup(t), Options{Mode: r.mode, ClientSuites: []string{suite}, DisableEMS: !ems})
			if err != nil {
				t.Fatal(err)
			}
			up, down := "GET /secret HTTP/1.1 from the client", "HTTP/1.1 200 OK from the server"
			if _, err := s.Send("client", up); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send("server", down); err != nil {
				t.Fatal(err)
			}
			if r.mode == ModeTLS13 {
				// After a KeyUpdate the capture needs the next traffic
				// secret, which tshark derives itself.
				if err := s.KeyUpdate("client"); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Send("client", "after the key update"); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			e := s.Export()
			var pkts []pcap.Packet
			for _, r := range e.Records {
				b, _ := hex.DecodeString(r.Hex)
				pkts = append(pkts, pcap.Packet{FromClient: r.From == "client", Payload: b})
			}
			dir := t.TempDir()
			capFile, keylog := filepath.Join(dir, "session.pcap"), filepath.Join(dir, "keylog.txt")
			os.WriteFile(capFile, pcap.Write(pkts, time.Unix(1700000000, 0)), 0o644)
			os.WriteFile(keylog, []byte(e.Keylog), 0o644)
			out, err := exec.Command(tshark, "-n", "-r", capFile, "-o", "tls.keylog_file:"+keylog, "-q", "-z", "follow,tls,ascii,0").CombinedOutput()
			if err != nil {
				t.Fatalf("tshark: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), up) || !strings.Contains(string(out), down) || (r.mode == ModeTLS13 && !strings.Contains(string(out), "after the key update")) {
				t.Fatalf("%s %s ems=%v: tshark did not decrypt both messages:\n%s", r.mode, suite, ems, out)
			}
			// Without the key log, the plaintext is not in the capture.
			out, _ = exec.Command(tshark, "-n", "-r", capFile, "-q", "-z", "follow,tls,ascii,0").CombinedOutput()
			if strings.Contains(string(out), up) {
				t.Fatal("plaintext visible without the key log")
			}
		}
	}
}
