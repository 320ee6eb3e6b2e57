package tls12_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
)

// openSSLName is OpenSSL's name for a suite.
var openSSLName = map[*suites.Suite]string{
	suites.RSAWithAES128GCMSHA256:               "AES128-GCM-SHA256",
	suites.RSAWithAES256GCMSHA384:               "AES256-GCM-SHA384",
	suites.ECDHERSAWithAES128GCMSHA256:          "ECDHE-RSA-AES128-GCM-SHA256",
	suites.ECDHERSAWithAES256GCMSHA384:          "ECDHE-RSA-AES256-GCM-SHA384",
	suites.ECDHERSAWithChaCha20Poly1305SHA256:   "ECDHE-RSA-CHACHA20-POLY1305",
	suites.ECDHEECDSAWithAES128GCMSHA256:        "ECDHE-ECDSA-AES128-GCM-SHA256",
	suites.ECDHEECDSAWithAES256GCMSHA384:        "ECDHE-ECDSA-AES256-GCM-SHA384",
	suites.ECDHEECDSAWithChaCha20Poly1305SHA256: "ECDHE-ECDSA-CHACHA20-POLY1305",
}

// openSSLGroup is OpenSSL's name for a group (-groups).
var openSSLGroup = map[*kx.Group]string{kx.X25519: "X25519", kx.P256: "P-256"}

func writePEMs(t *testing.T, s *pki.Setup) (cert, key, ca string) {
	dir := t.TempDir()
	cert, key, ca = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	os.WriteFile(cert, pki.CertPEM(s.Chain[0]), 0o600)
	os.WriteFile(key, s.KeyPEM(), 0o600)
	os.WriteFile(ca, pki.CertPEM(s.CA.Raw), 0o600)
	return
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// engineClientVsOpenSSL runs the engine's client against `openssl s_server
// -rev` (which answers each line reversed), started with the setup's
// certificate and key and the extra args; a line goes each way, then the
// client closes.
func engineClientVsOpenSSL(t *testing.T, s *pki.Setup, cfg *tls12.Config, args ...string) *tls12.Conn {
	t.Helper()
	openssl := tooltest.Need(t, "openssl")
	cert, key, _ := writePEMs(t, s)
	addr := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, openssl, append([]string{"s_server", "-accept", addr, "-cert", cert, "-key", key,
		"-tls1_2", "-rev", "-naccept", "1"}, args...)...)
	var log lockedBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cancel()
	var conn net.Conn
	var err error
	for i := 0; i < 100; i++ {
		if conn, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("s_server did not start: %v\n%s", err, log.String())
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	c := tls12.Client(cfg)
	if err := endpoint.Handshake(c, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, log.String())
	}
	c.Write([]byte("hello openssl\n"))
	var got []byte
	for !bytes.Contains(got, []byte("\n")) {
		d, err := endpoint.ReadApplicationData(c, conn)
		if err != nil {
			t.Fatalf("read: %v (got %q)\n%s", err, got, log.String())
		}
		got = append(got, d...)
	}
	if string(got) != "lssnepo olleh\n" {
		t.Fatalf("got %q", got)
	}
	c.Close()
	endpoint.Flush(c, conn)
	return c
}

// openSSLClientVsEngineServer runs `openssl s_client` with the extra args,
// verifying the engine's chain against the CA and the host name, against
// the engine's server; a line goes each way, then the server closes.
func openSSLClientVsEngineServer(t *testing.T, s *pki.Setup, cfg *tls12.Config, args ...string) *tls12.Conn {
	t.Helper()
	openssl := tooltest.Need(t, "openssl")
	_, _, ca := writePEMs(t, s)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, openssl, append([]string{"s_client", "-connect", l.Addr().String(), "-servername", s.ServerName,
		"-CAfile", ca, "-verify_return_error", "-verify_hostname", s.ServerName, "-tls1_2", "-quiet"}, args...)...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	srv := tls12.Server(cfg)
	if err := endpoint.Handshake(srv, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, stderr.String())
	}
	io.WriteString(stdin, "hello engine\n")
	var got []byte
	for !bytes.Contains(got, []byte("\n")) {
		d, err := endpoint.ReadApplicationData(srv, conn)
		if err != nil {
			t.Fatalf("read: %v\n%s", err, stderr.String())
		}
		got = append(got, d...)
	}
	if string(got) != "hello engine\n" {
		t.Fatalf("engine got %q", got)
	}
	srv.Write([]byte("hello openssl\n"))
	endpoint.Flush(srv, conn)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "hello openssl\n" {
		t.Fatalf("openssl got %q, %v\n%s", line, err, stderr.String())
	}
	srv.Close()
	endpoint.Flush(srv, conn)
	stdin.Close()
	if strings.Contains(stderr.String(), "verify error") {
		t.Fatalf("openssl reported: %s", stderr.String())
	}
	return srv
}

// TestEngineClientAgainstOpenSSL: the classic handshake against s_server.
func TestEngineClientAgainstOpenSSL(t *testing.T) {
	s := setup(t)
	for _, suite := range suites.Classic {
		for _, ems := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/ems=%v", suite.Name, ems), func(t *testing.T) {
				c := engineClientVsOpenSSL(t, s, &tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots(), Suites: []*suites.Suite{suite}, DisableEMS: !ems},
					"-cipher", openSSLName[suite])
				if c.Suite() != suite || c.EMS() != ems {
					t.Fatalf("%s, ems = %v", c.Suite().Name, c.EMS())
				}
			})
		}
	}
}

// TestOpenSSLClientAgainstEngineServer: s_client, classic handshake.
func TestOpenSSLClientAgainstEngineServer(t *testing.T) {
	s := setup(t)
	for _, suite := range suites.Classic {
		for _, ems := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/ems=%v", suite.Name, ems), func(t *testing.T) {
				srv := openSSLClientVsEngineServer(t, s, &tls12.Config{Rand: rng.New([]byte(t.Name())), Certificates: s.Chain, Key: s.Key, Suites: []*suites.Suite{suite}, DisableEMS: !ems},
					"-cipher", openSSLName[suite])
				if srv.Suite() != suite || srv.EMS() != ems {
					t.Fatalf("%s, ems = %v", srv.Suite().Name, srv.EMS())
				}
			})
		}
	}
}

// opensslECDHECase is one ECDHE run against OpenSSL.
type opensslECDHECase struct {
	suite   *suites.Suite
	group   *kx.Group
	keyType string
	scheme  *sigscheme.Scheme // nil: any that fits
	args    []string          // more OpenSSL arguments
}

// opensslECDHECases covers each ECDHE suite once, alternating the groups
// so that each group meets both key types, plus rsa_pkcs1_sha256 (allowed
// in TLS 1.2) and an Ed25519 certificate.
func opensslECDHECases() []opensslECDHECase {
	var cases []opensslECDHECase
	for i, suite := range suites.ECDHE {
		cases = append(cases, opensslECDHECase{suite: suite, group: []*kx.Group{kx.X25519, kx.P256}[i%2], keyType: keyTypeFor(suite)})
	}
	return append(cases,
		opensslECDHECase{suites.ECDHERSAWithAES128GCMSHA256, kx.X25519, pki.KeyRSA, sigscheme.RSAPKCS1SHA256, []string{"-sigalgs", "RSA+SHA256"}},
		opensslECDHECase{suites.ECDHEECDSAWithChaCha20Poly1305SHA256, kx.P256, pki.KeyEd25519, sigscheme.Ed25519, nil})
}

func (tc opensslECDHECase) name() string {
	n := tc.suite.Name + "/" + tc.group.Name + "/" + tc.keyType
	if tc.scheme != nil {
		n += "/" + tc.scheme.Name
	}
	return n
}

func (tc opensslECDHECase) check(t *testing.T, c *tls12.Conn) {
	t.Helper()
	k := c.ECDHE()
	if c.Suite() != tc.suite || k == nil || k.Group != tc.group || !c.EMS() {
		t.Fatalf("negotiated %s, key exchange %+v, ems %v", c.Suite().Name, k, c.EMS())
	}
	if tc.scheme != nil && k.Scheme != tc.scheme {
		t.Fatalf("signed with %s, want %s", k.Scheme.Name, tc.scheme.Name)
	}
}

// TestECDHEEngineClientAgainstOpenSSL: the engine's client, with its
// defaults, against s_server held to one suite and one group.
func TestECDHEEngineClientAgainstOpenSSL(t *testing.T) {
	for _, tc := range opensslECDHECases() {
		t.Run(tc.name(), func(t *testing.T) {
			s := keySetup(t, tc.keyType)
			c := engineClientVsOpenSSL(t, s, &tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots()},
				append([]string{"-cipher", openSSLName[tc.suite], "-groups", openSSLGroup[tc.group]}, tc.args...)...)
			tc.check(t, c)
			if !c.ECDHE().SignatureOK {
				t.Fatal("the ServerKeyExchange signature was not verified")
			}
		})
	}
}

// TestECDHEOpenSSLClientAgainstEngineServer: s_client held to one suite
// and one group against the engine's server with its defaults.
func TestECDHEOpenSSLClientAgainstEngineServer(t *testing.T) {
	for _, tc := range opensslECDHECases() {
		t.Run(tc.name(), func(t *testing.T) {
			s := keySetup(t, tc.keyType)
			groups := openSSLGroup[tc.group]
			if tc.keyType == pki.KeyECDSA && tc.group != kx.P256 {
				// RFC 8422, Section 5.1: the certificate's curve must be
				// offered too (OpenSSL aborts otherwise); the engine's
				// server still prefers x25519.
				groups += ":P-256"
			}
			srv := openSSLClientVsEngineServer(t, s, &tls12.Config{Rand: rng.New([]byte(t.Name())), Certificates: s.Chain, Signer: s.Signer},
				append([]string{"-cipher", openSSLName[tc.suite], "-groups", groups}, tc.args...)...)
			tc.check(t, srv)
		})
	}
}
