// Package interop runs the engine's endpoints against independent TLS
// stacks (OpenSSL's s_server and s_client) over 127.0.0.1, for the tests
// of tls12 and tls13. Every helper fails the test it is given.
package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
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
	"tlsplayground/playground/pki"
)

// TCPPair returns the two ends of a fresh TCP connection on 127.0.0.1 with
// a 20-second deadline, closed when the test ends.
func TCPPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		ch <- c
	}()
	client, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-ch
	if server == nil {
		t.Fatal("accept failed")
	}
	deadline := time.Now().Add(20 * time.Second)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// WritePEMs writes the server certificate, its key and the CA as PEM files.
func WritePEMs(t testing.TB, s *pki.Setup) (cert, key, ca string) {
	dir := t.TempDir()
	cert, key, ca = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	for path, data := range map[string][]byte{cert: pki.CertPEM(s.Chain[0]), key: s.KeyPEM(), ca: pki.CertPEM(s.CA.Raw)} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return
}

// LockedBuffer collects a process's output while the test reads it.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// readLine reads application data until a newline.
func readLine(t testing.TB, ep endpoint.Endpoint, conn net.Conn, log *LockedBuffer) string {
	t.Helper()
	var got []byte
	for !bytes.Contains(got, []byte("\n")) {
		d, err := endpoint.ReadApplicationData(ep, conn)
		if err != nil {
			t.Fatalf("read: %v (got %q)\n%s", err, got, log.String())
		}
		got = append(got, d...)
	}
	return string(got)
}

// ClientVsOpenSSLServer runs the engine client c against `openssl s_server
// -rev` (which answers each line reversed) with the setup's certificate and
// key and the extra args (the version flag among them); a line goes each
// way, then the client closes.
func ClientVsOpenSSLServer(t testing.TB, s *pki.Setup, c endpoint.Endpoint, args ...string) {
	t.Helper()
	cert, key, _ := WritePEMs(t, s)
	ClientVsOpenSSLServerFiles(t, cert, key, c, args...)
}

// ClientVsOpenSSLServerFiles is ClientVsOpenSSLServer with the certificate
// and key given as PEM files, for keys the pki package does not make (an
// RSASSA-PSS key made by openssl itself).
func ClientVsOpenSSLServerFiles(t testing.TB, cert, key string, c endpoint.Endpoint, args ...string) {
	t.Helper()
	openssl := tooltest.Need(t, "openssl")
	addr := FreeAddr(t)
	log := StartServer(t, openssl, append([]string{"s_server", "-accept", addr, "-cert", cert, "-key", key,
		"-rev", "-naccept", "1"}, args...)...)
	conn := DialServer(t, addr, "s_server", log)
	defer conn.Close()
	if err := endpoint.Handshake(c, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, log.String())
	}
	c.Write([]byte("hello openssl\n"))
	if got := readLine(t, c, conn, log); got != "lssnepo olleh\n" {
		t.Fatalf("got %q", got)
	}
	c.Close()
	endpoint.Flush(c, conn)
}

// FreeAddr returns a local address that nothing listens on, for a peer's
// server to listen on.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// StartServer starts a peer's server (the command name with args) and
// returns what it prints; it is stopped when the test ends, or after 20 s.
func StartServer(t testing.TB, name string, args ...string) *LockedBuffer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	cmd := exec.CommandContext(ctx, name, args...)
	log := new(LockedBuffer)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	return log
}

// DialServer dials addr until the peer's server (who, printing to log)
// listens there, for up to 5 s, and gives the connection a 15 s deadline.
func DialServer(t testing.TB, addr, who string, log *LockedBuffer) net.Conn {
	t.Helper()
	var conn net.Conn
	var err error
	for i := 0; i < 250; i++ {
		if conn, err = net.Dial("tcp", addr); err == nil {
			conn.SetDeadline(time.Now().Add(15 * time.Second))
			return conn
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not start: %v\n%s", who, err, log.String())
	return nil
}

// OpenSSLClientVsServer runs `openssl s_client` with the extra args,
// verifying the chain against the CA and the host name, against the engine
// server srv; a line goes each way, then the server closes.
func OpenSSLClientVsServer(t testing.TB, s *pki.Setup, srv endpoint.Endpoint, args ...string) {
	t.Helper()
	openssl := tooltest.Need(t, "openssl")
	_, _, ca := WritePEMs(t, s)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, openssl, append([]string{"s_client", "-connect", l.Addr().String(), "-servername", s.ServerName,
		"-CAfile", ca, "-verify_return_error", "-verify_hostname", s.ServerName, "-quiet"}, args...)...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr LockedBuffer
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
	if err := endpoint.Handshake(srv, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, stderr.String())
	}
	io.WriteString(stdin, "hello engine\n")
	if got := readLine(t, srv, conn, &stderr); got != "hello engine\n" {
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
}

// RSAPSSCertificate has openssl make an RSASSA-PSS key (restricted to
// keygenMD when set) and base's CA sign a certificate for it; it returns
// the certificate and key files.
func RSAPSSCertificate(t testing.TB, base *pki.Setup, keygenMD string) (cert, key string) {
	t.Helper()
	openssl := tooltest.Need(t, "openssl")
	dir := t.TempDir()
	caCert, caKey := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca.key")
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	csr, ext := filepath.Join(dir, "cert.csr"), filepath.Join(dir, "ext")
	caDER, err := x509.MarshalPKCS8PrivateKey(base.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	for path, data := range map[string][]byte{
		caCert: pki.CertPEM(base.CA.Raw),
		caKey:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: caDER}),
		ext:    []byte("subjectAltName=DNS:" + base.ServerName + "\nextendedKeyUsage=serverAuth\n"),
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	genpkey := []string{"genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key}
	if keygenMD != "" {
		genpkey = append(genpkey, "-pkeyopt", "rsa_pss_keygen_md:"+keygenMD, "-pkeyopt", "rsa_pss_keygen_mgf1_md:"+keygenMD)
	}
	for _, args := range [][]string{
		genpkey,
		{"req", "-new", "-key", key, "-subj", "/CN=" + base.ServerName, "-out", csr},
		{"x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey, "-set_serial", "7", "-days", "2", "-extfile", ext, "-out", cert},
	} {
		if out, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", args[0], err, out)
		}
	}
	return cert, key
}
