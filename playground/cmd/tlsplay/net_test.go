package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
)

// syncBuffer is a stdout that a test reads while the command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until re matches the output and returns its submatches.
func (s *syncBuffer) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(s.String()); m != nil {
			return m
		}
	}
	t.Fatalf("no %v in the output:\n%s", re, s.String())
	return nil
}

const httpRequest = `GET / HTTP/1.0\r\nHost: playground.test\r\n\r\n`

var (
	listening = regexp.MustCompile(`Listening on (127\.0\.0\.1:\d+)`)
	caFile    = regexp.MustCompile(`The root CA certificate is in (\S+) `)
)

// TestServeConnect runs tlsplay serve and tlsplay connect against each
// other on 127.0.0.1, in each mode.
func TestServeConnect(t *testing.T) {
	for _, mode := range allModes {
		t.Run(mode, func(t *testing.T) {
			var sout, serr syncBuffer
			done := make(chan int)
			go func() { done <- run([]string{"serve", "127.0.0.1:0", "--once", "--mode", mode}, &sout, &serr) }()
			addr := sout.waitFor(t, listening)[1]
			ca := sout.waitFor(t, caFile)[1]

			var out, errb bytes.Buffer
			code := run([]string{"connect", addr, "--mode", mode, "--servername", "playground.test", "--cafile", ca, "--request", httpRequest}, &out, &errb)
			if code != 0 {
				t.Fatalf("connect: exit %d, stderr %q\n%s", code, errb.String(), out.String())
			}
			for _, want := range []string{"[step 1] client · ", "[step 3] client · ", "✓ verified for \"playground.test\"", "Established: ", "HTTP/1.1 200 OK", helloBody, "Key log"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("connect output lacks %q", want)
				}
			}
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("serve: exit %d, stderr %q", code, serr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("serve --once did not exit after its connection")
			}
			for _, want := range []string{"#1 connection from", "#1 [step 1] server · ", "#1 established: ", "#1 request (", "#1 closed"} {
				if !strings.Contains(sout.String(), want) {
					t.Errorf("serve output lacks %q", want)
				}
			}
			if _, err := os.Stat(ca); !os.IsNotExist(err) {
				t.Errorf("the CA file %s outlived the server: %v", ca, err)
			}
		})
	}
}

// goServer serves one connection with crypto/tls and answers a request.
func goServer(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil || strings.TrimSpace(line) == "" {
				break
			}
		}
		c.Write([]byte("HTTP/1.0 200 OK\r\nServer: crypto/tls\r\n\r\nhello from crypto/tls\n"))
	}()
	return ln.Addr().String()
}

// writeCA writes a setup's root to a file.
func writeCA(t *testing.T, s *pki.Setup) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pki.CertPEM(s.CA.Raw), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func goConfig(t *testing.T, mode string) (*tls.Config, *pki.Setup) {
	t.Helper()
	s, err := cachedSetup(pki.Options{KeyType: pki.KeyRSA, KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: s.Chain, PrivateKey: s.Signer}}}
	switch mode {
	case session.ModeTLS13:
		cfg.MinVersion = tls.VersionTLS13
	case session.ModeECDHE:
		cfg.MaxVersion = tls.VersionTLS12
	case session.ModeClassic:
		// RSA key transport is off by default since Go 1.22; naming the suite turns it on.
		cfg.MaxVersion = tls.VersionTLS12
		cfg.CipherSuites = []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384}
	}
	return cfg, s
}

// TestConnectToCryptoTLS: the engine's client against Go's crypto/tls
// server, trusting a CA file.
func TestConnectToCryptoTLS(t *testing.T) {
	for _, mode := range allModes {
		t.Run(mode, func(t *testing.T) {
			cfg, s := goConfig(t, mode)
			addr := goServer(t, cfg)
			var out, errb bytes.Buffer
			code := run([]string{"connect", addr, "--mode", mode, "--servername", "playground.test", "--cafile", writeCA(t, s), "--request", httpRequest}, &out, &errb)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q\n%s", code, errb.String(), out.String())
			}
			for _, want := range []string{"✓ verified for \"playground.test\"", "HTTP/1.0 200 OK", "hello from crypto/tls", "Key log"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

// oneLineErr checks that stderr is exactly one line matching re.
func oneLineErr(t *testing.T, code int, stderr string, re string) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !regexp.MustCompile(`^` + re + `\n$`).MatchString(stderr) {
		t.Errorf("stderr %q, want one line matching %s", stderr, re)
	}
}

func TestConnectRejectsCertificate(t *testing.T) {
	cfg, _ := goConfig(t, session.ModeTLS13)
	other, err := pki.NewSetup(pki.Options{KeyType: pki.KeyEd25519})
	if err != nil {
		t.Fatal(err)
	}
	addr := goServer(t, cfg)
	var out, errb bytes.Buffer
	code := run([]string{"connect", addr, "--servername", "playground.test", "--cafile", writeCA(t, other)}, &out, &errb)
	oneLineErr(t, code, errb.String(), `tlsplay: 127\.0\.0\.1:\d+: certificate rejected: x509: certificate signed by unknown authority.* \(alert bad_certificate sent\)`)
	if !strings.Contains(out.String(), "✗ not trusted") {
		t.Errorf("the chain's verdict is missing:\n%s", out.String())
	}
}

func TestConnectRejectsWrongName(t *testing.T) {
	cfg, s := goConfig(t, session.ModeTLS13)
	addr := goServer(t, cfg)
	var out, errb bytes.Buffer
	code := run([]string{"connect", addr, "--servername", "wrong.test", "--cafile", writeCA(t, s)}, &out, &errb)
	oneLineErr(t, code, errb.String(), `tlsplay: 127\.0\.0\.1:\d+: certificate rejected: x509: certificate is valid for playground\.test, not wrong\.test \(alert bad_certificate sent\)`)
}

func TestConnectPeerAlert(t *testing.T) {
	cfg, s := goConfig(t, session.ModeTLS13)
	cfg.CurvePreferences = []tls.CurveID{tls.CurveP384} // a group the engine does not offer
	addr := goServer(t, cfg)
	var out, errb bytes.Buffer
	code := run([]string{"connect", addr, "--mode", "tls13", "--servername", "playground.test", "--cafile", writeCA(t, s)}, &out, &errb)
	oneLineErr(t, code, errb.String(), `tlsplay: 127\.0\.0\.1:\d+: the server sent a fatal handshake_failure alert: it refused the handshake`)
}

func TestConnectClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out, errb bytes.Buffer
	code := run([]string{"connect", addr}, &out, &errb)
	oneLineErr(t, code, errb.String(), `tlsplay: 127\.0\.0\.1:\d+: cannot connect: connection refused`)
}

func TestServeGivenCertificate(t *testing.T) {
	s, err := cachedSetup(pki.Options{KeyType: pki.KeyECDSA})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pki.CertPEM(s.Chain[0]), 0o600)
	os.WriteFile(key, s.KeyPEM(), 0o600)

	var sout, serr syncBuffer
	done := make(chan int)
	go func() {
		done <- run([]string{"serve", "127.0.0.1:0", "--once", "--cert", cert, "--keyfile", key}, &sout, &serr)
	}()
	addr := sout.waitFor(t, listening)[1]
	var out, errb bytes.Buffer
	if code := run([]string{"connect", addr, "--servername", "playground.test", "--cafile", writeCA(t, s), "--request", httpRequest}, &out, &errb); code != 0 {
		t.Fatalf("connect: exit %d, stderr %q", code, errb.String())
	}
	if code := <-done; code != 0 {
		t.Fatalf("serve: exit %d, stderr %q", code, serr.String())
	}
	if strings.Contains(sout.String(), "root CA certificate") {
		t.Errorf("serve wrote a CA for a given certificate:\n%s", sout.String())
	}
}

func TestServeClientRejects(t *testing.T) {
	var sout, serr syncBuffer
	done := make(chan int)
	go func() { done <- run([]string{"serve", "127.0.0.1:0", "--once", "--key", "ecdsa"}, &sout, &serr) }()
	addr := sout.waitFor(t, listening)[1]
	var out, errb bytes.Buffer
	other, _ := cachedSetup(pki.Options{KeyType: pki.KeyRSA, KeyBits: 2048})
	if code := run([]string{"connect", addr, "--servername", "playground.test", "--cafile", writeCA(t, other)}, &out, &errb); code != 1 {
		t.Fatalf("connect with the wrong CA: exit %d", code)
	}
	code := <-done
	oneLineErr(t, code, serr.String(), `tlsplay: 127\.0\.0\.1:\d+: the client sent a fatal bad_certificate alert: it refused the handshake`)
	if !strings.Contains(sout.String(), "#1 hint: the client does not accept the certificate") {
		t.Errorf("serve gives no hint:\n%s", sout.String())
	}
}
