package decrypt_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/internal/tooltest"
)

// opensslServer runs `openssl s_server` on a free port, behind a recording
// proxy, and returns the proxy's address and a function that returns the
// records of each connection the proxy carried so far.
func opensslServer(t *testing.T, openssl, dir string, args ...string) (string, func() [][]decrypt.Record) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // s_server takes the port
	cmd := exec.Command(openssl, append([]string{"s_server", "-accept", "127.0.0.1:" + strconv.Itoa(port), "-cert", filepath.Join(dir, "cert.pem"),
		"-key", filepath.Join(dir, "key.pem"), "-keylogfile", filepath.Join(dir, "server.keylog")}, args...)...)
	stdin, _ := cmd.StdinPipe() // held open: s_server quits on end of input
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	target := "127.0.0.1:" + strconv.Itoa(port)
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", target)
		if err == nil {
			c.Close() // s_server reads nothing from it and goes on
			break
		}
		if i == 100 {
			t.Fatalf("s_server did not start: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	proxy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	var mu sync.Mutex
	var logs []*interop.Recorder
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := proxy.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			log := &interop.Recorder{}
			mu.Lock()
			logs = append(logs, log)
			mu.Unlock()
			wg.Add(2)
			pipe := func(dst, src net.Conn, fromClient bool) {
				defer wg.Done()
				io.Copy(log.Conn(dst, fromClient), src)
				if tc, ok := dst.(*net.TCPConn); ok {
					tc.CloseWrite()
				}
			}
			go pipe(s, c, true)
			go pipe(c, s, false)
		}
	}()
	return proxy.Addr().String(), func() [][]decrypt.Record {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		out := make([][]decrypt.Record, len(logs))
		for i, l := range logs {
			out[i] = l.Records()
		}
		return out
	}
}

// opensslClient runs `openssl s_client` against addr: it sends "hello\n",
// waits half a second (for the session ticket) and ends its input.
func opensslClient(t *testing.T, openssl, addr, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(openssl, append([]string{"s_client", "-connect", addr, "-keylogfile", filepath.Join(dir, "client.keylog")}, args...)...)
	r, w := io.Pipe()
	cmd.Stdin = r
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write([]byte("hello\n"))
		time.Sleep(500 * time.Millisecond)
		w.Close()
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("s_client did not finish: %s", out.String())
	}
	return out.String()
}

func opensslDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	c := interop.SelfSigned(t, "decrypt.test")
	der, err := x509.MarshalECPrivateKey(c.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, "early.txt"), []byte("GET /early HTTP/1.1\r\n\r\n"), 0o600)
	return dir
}

func clientKeyLog(t *testing.T, dir string) decrypt.KeyLog {
	t.Helper()
	return readKeyLog(t, filepath.Join(dir, "client.keylog"))
}

// TestOpenSSLEncryptThenMAC: OpenSSL negotiates encrypt_then_mac (RFC 7366)
// with CBC suites unless told not to; both layouts decrypt and verify.
func TestOpenSSLEncryptThenMAC(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	dir := opensslDir(t)
	addr, conns := opensslServer(t, openssl, dir)
	cases := []struct {
		args []string
		etm  bool
	}{
		{[]string{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"}, true},
		{[]string{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA384"}, true},
		{[]string{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"}, true},
		{[]string{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA", "-no_etm"}, false},
	}
	for _, c := range cases {
		opensslClient(t, openssl, addr, dir, c.args...)
	}
	kl := clientKeyLog(t, dir)
	got := conns()
	if len(got) != len(cases) {
		t.Fatalf("%d connections, want %d", len(got), len(cases))
	}
	for i, c := range cases {
		name := strings.Join(c.args, " ")
		res := decrypt.Connection(got[i], kl)
		checkAll(t, name, res)
		if res.EncryptThenMAC != c.etm {
			t.Errorf("%s: encrypt_then_mac %v, want %v", name, res.EncryptThenMAC, c.etm)
		}
		if cl, _ := appData(res); string(cl) != "hello\n" {
			t.Errorf("%s: the client sent %q", name, cl)
		}
	}
}

// TestOpenSSLEarlyData: 0-RTT data (RFC 8446, Section 4.2.10), accepted
// and rejected. A rejected record still opens under the logged
// CLIENT_EARLY_TRAFFIC_SECRET; without that line it is reported, the
// handshake that follows decrypts as the server skipped it.
func TestOpenSSLEarlyData(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	dir := opensslDir(t)
	sess := filepath.Join(dir, "session.pem")
	addr, conns := opensslServer(t, openssl, dir, "-early_data")
	opensslClient(t, openssl, addr, dir, "-sess_out", sess)
	out := opensslClient(t, openssl, addr, dir, "-sess_in", sess, "-early_data", filepath.Join(dir, "early.txt"))
	if !strings.Contains(out, "Early data was accepted") {
		t.Fatalf("s_client: %s", out)
	}
	// Another server (its own ticket key): the ticket does not resume, so
	// the early data is rejected and skipped.
	addr2, conns2 := opensslServer(t, openssl, dir, "-early_data")
	out = opensslClient(t, openssl, addr2, dir, "-sess_in", sess, "-early_data", filepath.Join(dir, "early.txt"))
	if !strings.Contains(out, "Early data was rejected") {
		t.Fatalf("s_client: %s", out)
	}
	kl := clientKeyLog(t, dir)
	accepted, rejected := conns()[1], conns2()[0]

	res := decrypt.Connection(accepted, kl)
	checkAll(t, "early data accepted", res)
	if !res.EarlyData || !res.EarlyAccepted {
		t.Errorf("accepted: early data %v, accepted %v", res.EarlyData, res.EarlyAccepted)
	}
	if c, _ := appData(res); !strings.HasPrefix(string(c), "GET /early HTTP/1.1\r\n\r\n") {
		t.Errorf("accepted: the client sent %q", c)
	}
	var names []string
	for _, r := range res.Records {
		names = append(names, r.Messages...)
	}
	if !strings.Contains(strings.Join(names, " "), "EndOfEarlyData") {
		t.Errorf("accepted: no EndOfEarlyData among %q", names)
	}

	res = decrypt.Connection(rejected, kl)
	checkAll(t, "early data rejected", res)
	if !res.EarlyData || res.EarlyAccepted {
		t.Errorf("rejected: early data %v, accepted %v", res.EarlyData, res.EarlyAccepted)
	}
	skipped := 0
	for _, r := range res.Records {
		if strings.Contains(r.Note, "rejected") && r.Key == "client_early_traffic_secret" && strings.HasPrefix(string(r.Content), "GET /early") {
			skipped++
		}
	}
	if skipped != 1 {
		t.Errorf("rejected: %d records read as rejected early data, want 1", skipped)
	}

	// Without the early secret: the record is reported, the rest decrypts.
	var without decrypt.KeyLog
	for _, e := range kl.Entries {
		if e.Label != decrypt.LabelClientEarlyTraffic {
			without.Entries = append(without.Entries, e)
		}
	}
	res = decrypt.Connection(rejected, without)
	n := 0
	for i, r := range res.Records {
		switch {
		case r.Err == "":
		case strings.Contains(r.Err, "0-RTT early data, and the key log has no CLIENT_EARLY_TRAFFIC_SECRET"):
			n++
		default:
			t.Errorf("rejected, no early secret: record %d: %s", i, r.Err)
		}
	}
	if n != 1 || len(res.Problems) != 0 || len(res.Finished) != 2 || !res.Finished[0].OK || !res.Finished[1].OK {
		t.Errorf("rejected, no early secret: %d records unread, problems %q, Finished %+v", n, res.Problems, res.Finished)
	}
}
