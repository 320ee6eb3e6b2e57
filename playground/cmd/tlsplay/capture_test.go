package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/pcap"
	"tlsplayground/playground/session"
)

// tsharkFollow returns tshark's decrypted view of TLS stream 0 of a
// capture, given no key log option: only the file's own key log can open it.
func tsharkFollow(t *testing.T, path string) string {
	t.Helper()
	tshark := tooltest.Need(t, "tshark")
	out, err := exec.Command(tshark, "-n", "-r", path, "-q", "-z", "follow,tls,ascii,0").CombinedOutput()
	if err != nil {
		t.Fatalf("tshark: %v\n%s", err, out)
	}
	return string(out)
}

// readCapture reads a --pcapng file back.
func readCapture(t *testing.T, path string) (*pcap.File, []pcap.Stream) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := pcap.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := pcap.Streams(f)
	if err != nil {
		t.Fatal(err)
	}
	return f, ss
}

// TestHandshakePCAPNG: tlsplay handshake --pcapng writes a file that
// tshark opens decrypted, showing the message typed on the command line.
func TestHandshakePCAPNG(t *testing.T) {
	for _, mode := range session.Modes() {
		path := filepath.Join(t.TempDir(), mode+".pcapng")
		msg := "typed in the terminal, " + mode
		code, out, errs := testCLI(t, "handshake", "--mode", mode, "--key", keyFor(mode), "--message", msg, "--pcapng", path)
		if code != 0 || errs != "" || !strings.Contains(out, "Capture written to "+path+", the key log inside") {
			t.Fatalf("%s: exit %d, stderr %q", mode, code, errs)
		}
		f, ss := readCapture(t, path)
		if len(ss) != 1 || !strings.Contains(out, f.KeyLog) || f.KeyLog == "" {
			t.Fatalf("%s: %d streams, key log %q", mode, len(ss), f.KeyLog)
		}
		if got := tsharkFollow(t, path); strings.Count(got, msg) != 2 {
			t.Errorf("%s: tshark does not show the message both ways:\n%s", mode, got)
		}
	}
	// With --json the file is written and standard output stays the export.
	path := filepath.Join(t.TempDir(), "json.pcapng")
	if code, out, _ := testCLI(t, "handshake", "--json", "--pcapng", path); code != 0 || !strings.HasPrefix(out, "{") || strings.Contains(out, "Capture written") {
		t.Fatalf("--json --pcapng: exit %d\n%.200s", code, out)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// TestHandshakeBytes: --bytes prints every record through the analyzer,
// the encrypted ones decrypted.
func TestHandshakeBytes(t *testing.T) {
	for _, mode := range session.Modes() {
		code, out, errs := testCLI(t, "handshake", "--mode", mode, "--key", keyFor(mode), "--message", "ping", "--bytes")
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d, stderr %q", mode, code, errs)
		}
		for _, want := range []string{
			"Every record, byte by byte",
			"── record 1 · client → server · ClientHello · ",
			"0000    content type = handshake  [16]",
			"client random = ",
			"decrypted:",
			`application data = "ping"`,
			"alert description = close_notify (0)",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: --bytes output lacks %q", mode, want)
			}
		}
		if strings.Contains(out, "not decrypted") {
			t.Errorf("%s: a record was not decrypted with the session's own key log", mode)
		}
	}
	if code, _, errs := testCLI(t, "handshake", "--json", "--bytes"); code != 2 || !strings.Contains(errs, "--json and --bytes") {
		t.Errorf("--json --bytes: exit %d, %q", code, errs)
	}
}

// TestPCAPNGBadPath: a file that cannot be written is a usage error before
// anything runs.
func TestPCAPNGBadPath(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "no such dir", "x.pcapng")
	for _, args := range [][]string{
		{"handshake", "--pcapng", bad},
		{"connect", "127.0.0.1:1", "--pcapng", bad},
		{"serve", "127.0.0.1:0", "--pcapng", bad},
	} {
		code, out, errs := testCLI(t, args...)
		if code != 2 || !strings.Contains(errs, "tlsplay: --pcapng: cannot write the capture: open "+bad) || !strings.Contains(errs, "hint: give a path") || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", args[0], code, out, errs)
		}
	}
}

// TestServeConnectPCAPNG: serve and connect each write the connection
// they made over TCP; tshark shows the request and the answer decrypted
// in both files, and the endpoints are the sockets' own.
func TestServeConnectPCAPNG(t *testing.T) {
	for _, mode := range allModes {
		dir := t.TempDir()
		sfile, cfile := filepath.Join(dir, "serve.pcapng"), filepath.Join(dir, "connect.pcapng")
		var sout, serr syncBuffer
		done := make(chan int)
		go func() {
			done <- run([]string{"serve", "127.0.0.1:0", "--once", "--mode", mode, "--pcapng", sfile}, &sout, &serr)
		}()
		addr := sout.waitFor(t, listening)[1]
		ca := sout.waitFor(t, caFile)[1]
		var out, errb bytes.Buffer
		req := `GET /typed-in-the-terminal HTTP/1.0\r\nHost: playground.test\r\n\r\n`
		if code := run([]string{"connect", addr, "--mode", mode, "--servername", "playground.test", "--cafile", ca, "--request", req, "--pcapng", cfile}, &out, &errb); code != 0 {
			t.Fatalf("%s: connect: exit %d, %s", mode, code, errb.String())
		}
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("%s: serve: exit %d, %s", mode, code, serr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve --once did not exit")
		}
		if !strings.Contains(out.String(), "Capture written to "+cfile) || !strings.Contains(sout.String(), "Each connection is added to "+sfile) {
			t.Errorf("%s: the outputs do not name the capture files", mode)
		}
		for _, file := range []string{sfile, cfile} {
			_, ss := readCapture(t, file)
			if len(ss) != 1 || ss[0].Server.String() != addr {
				t.Fatalf("%s %s: %d streams, server %v, want %s", mode, file, len(ss), ss[0].Server, addr)
			}
			got := tsharkFollow(t, file)
			for _, want := range []string{"GET /typed-in-the-terminal HTTP/1.0", helloBody} {
				if !strings.Contains(got, want) {
					t.Errorf("%s %s: tshark does not show %q:\n%s", mode, filepath.Base(file), want, got)
				}
			}
		}
	}
}
