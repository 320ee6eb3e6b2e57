package capture_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tlsplayground/playground/capture"
	"tlsplayground/playground/internal/tooltest"
)

// syncBuffer collects a child's output, read while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startLogged(t *testing.T, cmd *exec.Cmd) *syncBuffer {
	t.Helper()
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return out
}

// waitFor polls a child's output for a pattern.
func waitFor(t *testing.T, what string, out *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	for i := 0; i < 600; i++ {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not start within 30 s: %s", what, out.String())
	return nil
}

// TestChromiumCapture: headless Chromium fetches a page from tlsplay serve
// while dumpcap records the loopback interface and Chromium writes its key
// log (SSLKEYLOGFILE). The capture opens: every record of every connection
// decrypts, both Finished messages verify, the analyzer covers every byte
// of a real browser's handshake (GREASE, ECH GREASE, a hybrid key share),
// and the engine's answer is in the server's application data. The same
// capture with the key log injected into it (editcap --inject-secrets)
// opens with no key log file.
func TestChromiumCapture(t *testing.T) {
	chromium := tooltest.Need(t, "chromium")
	dumpcap := tooltest.Need(t, "dumpcap")
	editcap := tooltest.Need(t, "editcap")
	dir := t.TempDir()
	bin := filepath.Join(dir, "tlsplay")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "./playground/cmd/tlsplay")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, mode := range []string{"tls13", "ecdhe"} {
		srv := exec.Command(bin, "serve", "127.0.0.1:0", "--mode", mode, "--name", "tls.test")
		srvOut := startLogged(t, srv)
		port := waitFor(t, "tlsplay serve", srvOut, regexp.MustCompile(`Listening on 127\.0\.0\.1:(\d+)`))[1]

		pcapFile, keylog := filepath.Join(dir, mode+".pcapng"), filepath.Join(dir, mode+".keylog")
		dc := exec.Command(dumpcap, "-i", "lo", "-f", "tcp port "+port, "-w", pcapFile)
		dcOut := startLogged(t, dc)
		waitFor(t, "dumpcap", dcOut, regexp.MustCompile(`File: `))

		ch := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--ignore-certificate-errors", "--host-resolver-rules=MAP tls.test 127.0.0.1", "--user-data-dir="+filepath.Join(dir, "profile-"+mode),
			"--dump-dom", "https://tls.test:"+port+"/")
		ch.Env = append(os.Environ(), "SSLKEYLOGFILE="+keylog)
		page, err := ch.Output()
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		dc.Process.Signal(syscall.SIGINT)
		dc.Wait()
		srv.Process.Signal(syscall.SIGINT)
		srv.Wait()
		if !strings.Contains(string(page), "hello from the TLS Playground engine") {
			t.Fatalf("%s: Chromium did not get the page: %.500s\n--- tlsplay serve:\n%s", mode, page, srvOut.String())
		}

		file, err := os.ReadFile(pcapFile)
		if err != nil {
			t.Fatal(err)
		}
		kl, err := os.ReadFile(keylog)
		if err != nil {
			t.Fatal(err)
		}
		res, err := capture.Open(file, kl, nil)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		answered := false
		for i, c := range res.Connections {
			what := mode + " connection " + c.Client
			checkConnection(t, what, c)
			for j, r := range c.Records {
				tr := mustTree(t, res, i, j)
				covers(t, what+" wire", tr.Wire, r.Wire)
				if r.Plaintext != nil {
					covers(t, what+" plaintext", tr.Plain, r.Plaintext)
				}
			}
			for _, r := range c.Decrypt.Records {
				if !r.FromClient && r.ContentType == 23 && bytes.Contains(r.Content, []byte("hello from the TLS Playground engine")) {
					answered = true
				}
			}
			want := map[string]string{"tls13": "TLS 1.3", "ecdhe": "TLS 1.2"}[mode]
			if c.Decrypt.VersionName() != want || c.Decrypt.SNI != "tls.test" {
				t.Errorf("%s: %s, SNI %q", what, c.Decrypt.VersionName(), c.Decrypt.SNI)
			}
		}
		if len(res.Connections) == 0 || !answered {
			t.Errorf("%s: %d connections; the engine's answer decrypted: %v", mode, len(res.Connections), answered)
		}
		t.Logf("%s: %d bytes, %d frames, %d TLS connections, %d key log lines", mode, len(file), res.Frames, len(res.Connections), res.KeyLogLines)

		withSecrets := filepath.Join(dir, mode+"-dsb.pcapng")
		if out, err := exec.Command(editcap, "--inject-secrets", "tls,"+keylog, pcapFile, withSecrets).CombinedOutput(); err != nil {
			t.Fatalf("editcap: %v\n%s", err, out)
		}
		file, err = os.ReadFile(withSecrets)
		if err != nil {
			t.Fatal(err)
		}
		res2, err := capture.Open(file, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res2.Embedded != res.KeyLogLines || len(res2.Connections) != len(res.Connections) {
			t.Errorf("%s with the key log inside: %d embedded lines (want %d), %d connections", mode, res2.Embedded, res.KeyLogLines, len(res2.Connections))
		}
		for _, c := range res2.Connections {
			checkConnection(t, mode+" (key log inside) "+c.Client, c)
		}
	}
}
