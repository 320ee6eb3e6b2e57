package tls12_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

var ecdsaSuite = suites.ECDHEECDSAWithAES128GCMSHA256

// stapleServer is the engine's server for the WebPKI setup, stapling resp.
func stapleServer(s *pki.Setup, resp []byte) *tls12.Config {
	cfg := serverConfig(s, "interop ocsp")
	cfg.OCSPStaple = resp
	return cfg
}

// webPKIClient is the engine's client with the WebPKI checks.
func webPKIClient(s *pki.Setup, rec *trace.Recorder) *tls12.Config {
	cfg := clientConfig(s, "interop ocsp")
	cfg.WebPKI, cfg.Suites, cfg.Trace = true, []*suites.Suite{ecdsaSuite}, rec
	return cfg
}

// TestOCSPCryptoTLSClient: crypto/tls's client asks for the status and
// gets the engine server's staple (ConnectionState.OCSPResponse).
func TestOCSPCryptoTLSClient(t *testing.T) {
	s := webPKI(t)
	resp := staple(t, s, pki.OCSPGood)
	_, st := stdClientVsEngineServer(t, stdConfig(s, ecdsaSuite), stapleServer(s, resp))
	if !bytes.Equal(st.OCSPResponse, resp) {
		t.Fatalf("crypto/tls got a %d-byte OCSP response, want the %d-byte staple", len(st.OCSPResponse), len(resp))
	}
}

// TestOCSPCryptoTLSServer: crypto/tls's server staples
// Certificate.OCSPStaple for the engine's client, which checks it; a
// revoked one is refused with certificate_revoked.
func TestOCSPCryptoTLSServer(t *testing.T) {
	s := webPKI(t)
	resp := staple(t, s, pki.OCSPGood)
	std := stdConfig(s, ecdsaSuite)
	std.Certificates[0].OCSPStaple = resp
	rec := &trace.Recorder{}
	c, _ := engineClientVsStd(t, webPKIClient(s, rec), std)
	if !bytes.Equal(c.OCSPResponse(), resp) {
		t.Fatal("the engine's client did not receive crypto/tls's staple")
	}
	if ok, seen := checksIn(rec)["certificate status"]; !ok || !seen {
		t.Fatal("the client did not check the staple's certificate status")
	}

	std = stdConfig(s, ecdsaSuite)
	std.Certificates[0].OCSPStaple = staple(t, s, pki.OCSPRevoked)
	cc, sc := tcpPair(t)
	errc := make(chan error, 1)
	go func() { errc <- tls.Server(sc, std).Handshake() }()
	err := endpoint.Handshake(tls12.Client(webPKIClient(s, nil)), cc)
	wantAlert(t, "engine client", err, alert.CertificateRevoked)
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("crypto/tls server: %v, want the certificate_revoked alert", err)
	}
}

// writeChainFiles writes the leaf, its key, the intermediate and the root
// as PEM files, and the staple as DER.
func writeChainFiles(t *testing.T, s *pki.Setup, resp []byte) (cert, key, chain, ca, der string) {
	t.Helper()
	cert, key, ca = interop.WritePEMs(t, s)
	dir := t.TempDir()
	chain, der = filepath.Join(dir, "chain.pem"), filepath.Join(dir, "ocsp.der")
	if err := os.WriteFile(chain, pki.CertPEM(s.Chain[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(der, resp, 0o600); err != nil {
		t.Fatal(err)
	}
	return
}

// TestOCSPOpenSSLClient: `openssl s_client -status` against the engine's
// server prints the stapled response as successful and good.
func TestOCSPOpenSSLClient(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	s := webPKI(t)
	_, _, _, ca, _ := writeChainFiles(t, s, nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, openssl, "s_client", "-connect", l.Addr().String(), "-servername", s.ServerName,
		"-CAfile", ca, "-verify_return_error", "-status", "-tls1_2")
	stdin, _ := cmd.StdinPipe()
	var out interop.LockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	srv := tls12.Server(stapleServer(s, staple(t, s, pki.OCSPGood)))
	if err := endpoint.Handshake(srv, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, out.String())
	}
	srv.Write([]byte("hello openssl\n"))
	srv.Close()
	endpoint.Flush(srv, conn)
	stdin.Close()
	cmd.Wait()
	got := out.String()
	for _, want := range []string{"OCSP Response Status: successful", "Cert Status: good", "hello openssl", "Verify return code: 0 (ok)"} {
		if !strings.Contains(got, want) {
			t.Errorf("s_client's output lacks %q:\n%s", want, got)
		}
	}
}

// TestOCSPOpenSSLServer: the engine's client against `openssl s_server
// -status_file`: it gets the staple and checks it.
func TestOCSPOpenSSLServer(t *testing.T) {
	s := webPKI(t)
	resp := staple(t, s, pki.OCSPGood)
	cert, key, chain, _, der := writeChainFiles(t, s, resp)
	rec := &trace.Recorder{}
	c := tls12.Client(webPKIClient(s, rec))
	interop.ClientVsOpenSSLServerFiles(t, cert, key, c, "-tls1_2", "-cert_chain", chain, "-status_file", der)
	if !bytes.Equal(c.OCSPResponse(), resp) {
		t.Fatal("the engine's client did not receive s_server's staple")
	}
	if ok, seen := checksIn(rec)["certificate status"]; !ok || !seen {
		t.Fatal("the client did not check the staple's certificate status")
	}
}

// TestOCSPGnuTLSServer: the engine's client against `gnutls-serv
// --ocsp-response`: it gets the staple and checks it.
func TestOCSPGnuTLSServer(t *testing.T) {
	bin := tooltest.Need(t, "gnutls-serv")
	s := webPKI(t)
	resp := staple(t, s, pki.OCSPGood)
	_, key, _, _, der := writeChainFiles(t, s, resp)
	full := filepath.Join(t.TempDir(), "full.pem")
	if err := os.WriteFile(full, append(pki.CertPEM(s.Chain[0]), pki.CertPEM(s.Chain[1])...), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := interop.FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	log := interop.StartServer(t, bin, "--port", port, "--x509certfile", full, "--x509keyfile", key,
		"--ocsp-response", der, "--echo", "--disable-client-cert", "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2")
	conn := interop.DialServer(t, addr, "gnutls-serv", log)
	defer conn.Close()
	rec := &trace.Recorder{}
	c := tls12.Client(webPKIClient(s, rec))
	if err := endpoint.Handshake(c, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, log.String())
	}
	if !bytes.Equal(c.OCSPResponse(), resp) {
		t.Fatalf("the engine's client did not receive gnutls-serv's staple\n%s", log.String())
	}
	c.Write([]byte("hello gnutls\n"))
	got, err := endpoint.ReadApplicationData(c, conn)
	if err != nil || !strings.HasPrefix(string(got), "hello gnutls") {
		t.Fatalf("echo: %q, %v", got, err)
	}
	c.Close()
	endpoint.Flush(c, conn)
}
