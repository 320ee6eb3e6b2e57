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
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
)

// openSSLName is OpenSSL's name for a suite.
var openSSLName = map[*suites.Suite]string{
	suites.RSAWithAES128GCMSHA256: "AES128-GCM-SHA256",
	suites.RSAWithAES256GCMSHA384: "AES256-GCM-SHA384",
}

func writePEMs(t *testing.T, s *pki.Setup) (cert, key, ca string) {
	dir := t.TempDir()
	cert, key, ca = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	os.WriteFile(cert, pki.CertPEM(s.Chain[0]), 0o600)
	os.WriteFile(key, s.KeyPEM(), 0o600)
	os.WriteFile(ca, pki.CertPEM(s.CA.Raw), 0o600)
	return
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestEngineClientAgainstOpenSSL: the engine's client talks to
// `openssl s_server -rev`, which answers each line reversed.
func TestEngineClientAgainstOpenSSL(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	s := setup(t)
	cert, key, _ := writePEMs(t, s)
	for _, suite := range suites.Classic {
		for _, ems := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/ems=%v", suite.Name, ems), func(t *testing.T) {
				addr := freePort(t)
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, openssl, "s_server", "-accept", addr, "-cert", cert, "-key", key,
					"-tls1_2", "-cipher", openSSLName[suite], "-rev", "-naccept", "1")
				var log bytes.Buffer
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
					time.Sleep(50 * time.Millisecond)
				}
				if err != nil {
					t.Fatalf("s_server did not start: %v\n%s", err, log.String())
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(15 * time.Second))
				c := tls12.Client(&tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots(), Suites: []*suites.Suite{suite}, DisableEMS: !ems})
				if err := endpoint.Handshake(c, conn); err != nil {
					t.Fatalf("handshake: %v\n%s", err, log.String())
				}
				if c.EMS() != ems {
					t.Fatalf("ems = %v", c.EMS())
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
			})
		}
	}
}

// TestOpenSSLClientAgainstEngineServer: `openssl s_client` verifies the
// engine's chain against the CA and exchanges a line each way.
func TestOpenSSLClientAgainstEngineServer(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	s := setup(t)
	_, _, ca := writePEMs(t, s)
	for _, suite := range suites.Classic {
		for _, ems := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/ems=%v", suite.Name, ems), func(t *testing.T) {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, openssl, "s_client", "-connect", l.Addr().String(), "-servername", s.ServerName,
					"-CAfile", ca, "-verify_return_error", "-verify_hostname", s.ServerName, "-tls1_2", "-cipher", openSSLName[suite], "-quiet")
				stdin, _ := cmd.StdinPipe()
				stdout, _ := cmd.StdoutPipe()
				var stderr bytes.Buffer
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
				srv := tls12.Server(&tls12.Config{Rand: rng.New([]byte(t.Name())), Certificates: s.Chain, Key: s.Key, Suites: []*suites.Suite{suite}, DisableEMS: !ems})
				if err := endpoint.Handshake(srv, conn); err != nil {
					t.Fatalf("handshake: %v\n%s", err, stderr.String())
				}
				if srv.EMS() != ems {
					t.Fatalf("ems = %v", srv.EMS())
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
			})
		}
	}
}
