package tls13_test

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
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls13"
)

var openSSLGroup = map[*kx.Group]string{kx.X25519: "X25519", kx.P256: "P-256"}

func writePEMs(t *testing.T, s *pki.Setup) (cert, key, ca string) {
	dir := t.TempDir()
	cert, key, ca = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	os.WriteFile(cert, pki.CertPEM(s.Chain[0]), 0o600)
	os.WriteFile(key, s.KeyPEM(), 0o600)
	os.WriteFile(ca, pki.CertPEM(s.CA.Raw), 0o600)
	return
}

// TestOpenSSL: the engine's client against `openssl s_server -rev` and
// `openssl s_client` against the engine's server, for each suite over
// X25519 and P-256 (OpenSSL 3.0 has no ML-KEM).
func TestOpenSSL(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	for _, keyType := range keyTypes {
		s := setup(t, keyType)
		cert, key, ca := writePEMs(t, s)
		for _, suite := range suites.TLS13 {
			for _, g := range []*kx.Group{kx.X25519, kx.P256} {
				name := fmt.Sprintf("%s/%s/%s", keyType, suite.Name, g.Name)
				t.Run("engine-client/"+name, func(t *testing.T) {
					l, err := net.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					addr := l.Addr().String()
					l.Close()
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					defer cancel()
					cmd := exec.CommandContext(ctx, openssl, "s_server", "-accept", addr, "-cert", cert, "-key", key,
						"-tls1_3", "-ciphersuites", suite.Name, "-groups", openSSLGroup[g], "-rev", "-naccept", "1")
					var log bytes.Buffer
					cmd.Stdout, cmd.Stderr = &log, &log
					if err := cmd.Start(); err != nil {
						t.Fatal(err)
					}
					defer cmd.Wait()
					defer cancel()
					var conn net.Conn
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
					cfg := clientConfig(t, s)
					cfg.Suites, cfg.Groups = []*suites.Suite{suite}, []*kx.Group{g}
					c := tls13.Client(cfg)
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
				})
				t.Run("engine-server/"+name, func(t *testing.T) {
					l, err := net.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					defer l.Close()
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					defer cancel()
					cmd := exec.CommandContext(ctx, openssl, "s_client", "-connect", l.Addr().String(), "-servername", s.ServerName,
						"-CAfile", ca, "-verify_return_error", "-verify_hostname", s.ServerName,
						"-tls1_3", "-ciphersuites", suite.Name, "-groups", openSSLGroup[g], "-quiet")
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
					cfg := serverConfig(t, s)
					cfg.Suites, cfg.Groups = []*suites.Suite{suite}, []*kx.Group{g}
					srv := tls13.Server(cfg)
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
					if srv.Group() != g || srv.Suite() != suite {
						t.Fatalf("negotiated %s %s", srv.Suite().Name, srv.Group().Name)
					}
					srv.Close()
					endpoint.Flush(srv, conn)
					stdin.Close()
				})
			}
		}
	}
}
