package tls13_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/big"
	"net"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

var (
	webPKIOnce  sync.Once
	webPKISetup *pki.Setup
	webPKIErr   error
)

// webPKI is a setup as a public CA issues: root → intermediate → leaf
// (ECDSA P-256) with two embedded SCTs and a good OCSP response.
func webPKI(t testing.TB) *pki.Setup {
	t.Helper()
	ca := setup(t, "rsa").CAKey
	webPKIOnce.Do(func() {
		webPKISetup, webPKIErr = pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, CAKey: ca,
			Intermediate: true, CT: true, OCSP: true, Rand: rng.New([]byte("tls13 webpki"))})
	})
	if webPKIErr != nil {
		t.Fatal(webPKIErr)
	}
	return webPKISetup
}

// ocspFor mints an OCSP response of the variant for leaf, signed by the
// setup's intermediate.
func ocspFor(t testing.TB, s *pki.Setup, leaf *x509.Certificate, variant string) []byte {
	t.Helper()
	der, err := pki.NewOCSPResponse(leaf, s.Issuer(), s.IssuerKey(), variant, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func webPKIConfigs(t *testing.T, staple []byte) (cc, sc *tls13.Config) {
	s := webPKI(t)
	cc, sc = clientConfig(t, s), serverConfig(t, s)
	cc.WebPKI, cc.Trace = true, &trace.Recorder{}
	sc.OCSPStaple = staple
	return cc, sc
}

// run passes records both ways until the handshake ends, either way.
func run(cli, srv *tls13.Conn) {
	if cli.Start() != nil {
		return
	}
	for i := 0; i < 10; i++ {
		toSrv, toCli := wire(cli.TakeOutput()), wire(srv.TakeOutput())
		if len(toSrv) == 0 && len(toCli) == 0 {
			return
		}
		if len(toSrv) > 0 {
			srv.Receive(toSrv)
		}
		if len(toCli) > 0 {
			cli.Receive(toCli)
		}
	}
}

// webPKIChecks returns the checks the client traced at step 3, by label.
func webPKIChecks(rec *trace.Recorder) map[string]bool {
	out := map[string]bool{}
	for _, e := range rec.Events {
		if e.Step != tls13.StepVerify {
			continue
		}
		for _, v := range e.Values {
			if v.Kind == trace.KindCheck {
				out[v.Label] = *v.OK
			}
		}
	}
	return out
}

// certificateSent decrypts the server's flight and returns its Certificate.
func certificateSent(t *testing.T, srv *tls13.Conn, flight []record.Out) *handshake.Certificate13 {
	t.Helper()
	for _, m := range serverMessages(t, srv, flight) {
		if len(m) > 0 && m[0] == handshake.TypeCertificate {
			c, err := handshake.UnmarshalCertificate13(m)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	t.Fatal("no Certificate in the server's flight")
	return nil
}

// refusedWith checks that err is the alert want, sent (not received); the
// peer's side of each test shows it arrived.
func refusedWith(t *testing.T, err error, want alert.Alert) {
	t.Helper()
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Alert != want || ae.Received {
		t.Fatalf("got %v, want %s sent", err, want)
	}
}

// TestOCSPStapleGood: the client asks with status_request, the server
// staples a good response on the leaf's CertificateEntry (and nowhere
// else: no CertificateStatus message in TLS 1.3), the client checks it and
// the SCTs after path validation, traces every check, and the handshake
// completes.
func TestOCSPStapleGood(t *testing.T) {
	s := webPKI(t)
	cc, sc := webPKIConfigs(t, s.OCSPResponse)
	srec := &trace.Recorder{}
	sc.Trace = srec
	cli, srv := tls13.Client(cc), tls13.Server(sc)
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	hello := wire(cli.TakeOutput())
	if !bytes.Contains(hello, []byte{0, 5, 0, 5, 1, 0, 0, 0, 0}) {
		t.Fatal("the ClientHello carries no status_request for OCSP")
	}
	if err := srv.Receive(hello); err != nil {
		t.Fatal(err)
	}
	flight := srv.TakeOutput()
	cert := certificateSent(t, srv, flight)
	if len(cert.Entries) != 2 {
		t.Fatalf("%d certificates, want the leaf and the intermediate", len(cert.Entries))
	}
	d, ok := handshake.Find(cert.Entries[0].Extensions, handshake.ExtStatusRequest)
	if !ok {
		t.Fatal("no status_request on the leaf's CertificateEntry")
	}
	if got, err := pki.ParseCertificateStatus(d); err != nil || !bytes.Equal(got, s.OCSPResponse) {
		t.Fatalf("the leaf's status_request does not hold the staple: %v", err)
	}
	if len(cert.Entries[1].Extensions) != 0 {
		t.Fatal("the intermediate's entry carries extensions")
	}
	if err := cli.Receive(wire(flight)); err != nil {
		t.Fatal(err)
	}
	pump(t, cli, srv)
	if !cli.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatalf("handshake did not complete: client %v, server %v", cli.Err(), srv.Err())
	}
	if !bytes.Equal(cli.OCSPResponse(), s.OCSPResponse) {
		t.Fatal("the client did not keep the stapled response")
	}
	got := webPKIChecks(cc.Trace)
	for _, want := range []string{"OCSP response parses", "OCSP signature", "OCSP response is for this certificate", "OCSP response is current", "certificate status", "Certificate Transparency policy", "SCT 1", "SCT 2"} {
		if ok, seen := got[want]; !seen || !ok {
			t.Errorf("check %q: traced %v, passed %v (checks %v)", want, seen, ok, got)
		}
	}
	if !hasEvent(srec, "Sends its Certificate, encrypted, with the OCSP response stapled") {
		t.Error("the server's trace does not say it stapled")
	}
	described := 0
	for _, rec := range []*trace.Recorder{cc.Trace, srec} {
		for _, e := range rec.Events {
			for _, v := range e.Values {
				for _, it := range v.Items {
					if strings.HasPrefix(it, "status_request: asks the server to staple an OCSP response") {
						described++
					}
				}
			}
		}
	}
	if described != 2 {
		t.Errorf("%d ClientHello traces say what status_request asks, want the client's and the server's", described)
	}
}

// TestOCSPRefused: a revoked certificate ends the handshake with
// certificate_revoked; an expired response, or one about another
// certificate, with bad_certificate_status_response (RFC 6066, Section 8),
// before the client reads CertificateVerify; the failing check is in the
// trace, and the server receives the alert.
func TestOCSPRefused(t *testing.T) {
	s := webPKI(t)
	other := *s.Leaf
	other.SerialNumber = new(big.Int).Add(s.Leaf.SerialNumber, big.NewInt(1))
	for _, tc := range []struct {
		name   string
		staple []byte
		want   alert.Alert
		check  string
	}{
		{"revoked", ocspFor(t, s, s.Leaf, pki.OCSPRevoked), alert.CertificateRevoked, "certificate status"},
		{"expired", ocspFor(t, s, s.Leaf, pki.OCSPExpired), alert.BadCertificateStatusResponse, "OCSP response is current"},
		{"another certificate", ocspFor(t, s, &other, pki.OCSPGood), alert.BadCertificateStatusResponse, "OCSP response is for this certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := webPKIConfigs(t, tc.staple)
			cli, srv := tls13.Client(cc), tls13.Server(sc)
			run(cli, srv)
			refusedWith(t, cli.Err(), tc.want)
			var ae *alert.Error
			if !errors.As(srv.Err(), &ae) || !ae.Received || ae.Alert != tc.want {
				t.Errorf("server: %v, want %s received", srv.Err(), tc.want)
			}
			if ok, seen := webPKIChecks(cc.Trace)[tc.check]; !seen || ok {
				t.Errorf("check %q: traced %v, passed %v", tc.check, seen, ok)
			}
			if hasEvent(cc.Trace, "Checks CertificateVerify") {
				t.Error("the client read CertificateVerify after refusing the certificate")
			}
		})
	}
}

// TestOCSPNoStaple: a server with no staple puts no status_request on its
// certificate; the client notes the soft-fail and goes on.
func TestOCSPNoStaple(t *testing.T) {
	cc, sc := webPKIConfigs(t, nil)
	cli, srv := tls13.Client(cc), tls13.Server(sc)
	run(cli, srv)
	if !cli.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatalf("handshake did not complete: client %v, server %v", cli.Err(), srv.Err())
	}
	if cli.OCSPResponse() != nil {
		t.Fatal("a staple the server did not send")
	}
	found := false
	for _, e := range cc.Trace.Events {
		for _, v := range e.Values {
			if v.Label == "stapled OCSP response" && v.OK != nil && *v.OK && strings.Contains(v.Text, "soft-fail") {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("the client's trace does not note the soft-fail")
	}
}

// TestOCSPUnasked: a client without WebPKI sends no status_request (the
// RFC 8448 ClientHello stays exact), and a server with a staple then sends
// none.
func TestOCSPUnasked(t *testing.T) {
	s := webPKI(t)
	cc, sc := webPKIConfigs(t, s.OCSPResponse)
	cc.WebPKI = false
	cli, srv := tls13.Client(cc), tls13.Server(sc)
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	out := cli.TakeOutput()
	m, err := handshake.UnmarshalClientHello(out[0].Wire[5:])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := handshake.Find(m.Extensions, handshake.ExtStatusRequest); ok {
		t.Fatal("status_request without WebPKI")
	}
	if err := srv.Receive(wire(out)); err != nil {
		t.Fatal(err)
	}
	flight := srv.TakeOutput()
	if cert := certificateSent(t, srv, flight); len(cert.Entries[0].Extensions) != 0 {
		t.Fatal("the server stapled to a client that did not ask")
	}
	if err := cli.Receive(wire(flight)); err != nil {
		t.Fatal(err)
	}
	pump(t, cli, srv)
	if !cli.HandshakeComplete() || cli.OCSPResponse() != nil {
		t.Fatalf("complete %v, staple %d bytes", cli.HandshakeComplete(), len(cli.OCSPResponse()))
	}
}

// TestOCSPBadEntry: the client refuses a status_request it did not ask
// for (unsupported_extension, RFC 8446, Section 4.4.2) and a malformed
// one (decode_error).
func TestOCSPBadEntry(t *testing.T) {
	s := webPKI(t)
	good, _ := pki.MarshalCertificateStatus(s.OCSPResponse)
	for _, tc := range []struct {
		name   string
		webPKI bool
		data   []byte
		want   alert.Alert
	}{
		{"unasked", false, good, alert.UnsupportedExtension},
		{"malformed", true, good[:len(good)-1], alert.DecodeError},
		{"status_type 2", true, append([]byte{2}, good[1:]...), alert.DecodeError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := webPKIConfigs(t, nil)
			cc.WebPKI = tc.webPKI
			cli, srv := tls13.Client(cc), tls13.Server(sc)
			if err := cli.Start(); err != nil {
				t.Fatal(err)
			}
			if err := srv.Receive(wire(cli.TakeOutput())); err != nil {
				t.Fatal(err)
			}
			out := srv.TakeOutput()
			msgs := serverMessages(t, srv, out)
			for i, m := range msgs {
				if m[0] != handshake.TypeCertificate {
					continue
				}
				c, err := handshake.UnmarshalCertificate13(m)
				if err != nil {
					t.Fatal(err)
				}
				c.Entries[0].Extensions = []handshake.Extension{{Type: handshake.ExtStatusRequest, Data: tc.data}}
				msgs[i] = c.Marshal()
			}
			err := cli.Receive(cat(wire(out[:1]), resealFlight(t, srv, msgs)))
			checkAlert(t, cli, err, tc.want)
		})
	}
}

// TestOCSPCryptoTLS: crypto/tls's client, which always asks, gets the
// engine's staple in ConnectionState().OCSPResponse; the engine's client
// gets and checks the staple of a crypto/tls server (Certificate.OCSPStaple),
// and refuses a revoked one with certificate_revoked.
func TestOCSPCryptoTLS(t *testing.T) {
	s := webPKI(t)
	t.Run("engine-server", func(t *testing.T) {
		_, sc := webPKIConfigs(t, s.OCSPResponse)
		cc, scc := tcpPair(t)
		cli := tls.Client(cc, stdConfig(s))
		errc := make(chan error, 1)
		go func() { errc <- cli.Handshake() }()
		srv := tls13.Server(sc)
		if err := endpoint.Handshake(srv, scc); err != nil {
			t.Fatalf("engine server: %v (client: %v)", err, <-errc)
		}
		if err := <-errc; err != nil {
			t.Fatalf("crypto/tls client: %v", err)
		}
		if got := cli.ConnectionState().OCSPResponse; !bytes.Equal(got, s.OCSPResponse) {
			t.Fatalf("crypto/tls got an OCSP response of %d bytes, want the %d stapled", len(got), len(s.OCSPResponse))
		}
		cli.Close()
	})
	t.Run("engine-client", func(t *testing.T) {
		cc, _ := webPKIConfigs(t, nil)
		std := stdConfig(s)
		std.Certificates[0].OCSPStaple = s.OCSPResponse
		c := runAgainstStdServer(t, cc, std, false)
		if !bytes.Equal(c.OCSPResponse(), s.OCSPResponse) {
			t.Fatal("the engine client did not get crypto/tls's staple")
		}
		if ok, seen := webPKIChecks(cc.Trace)["certificate status"]; !seen || !ok {
			t.Fatal("the engine client did not check crypto/tls's staple")
		}
	})
	t.Run("engine-client/revoked", func(t *testing.T) {
		cc, _ := webPKIConfigs(t, nil)
		std := stdConfig(s)
		std.Certificates[0].OCSPStaple = ocspFor(t, s, s.Leaf, pki.OCSPRevoked)
		ccon, scon := tcpPair(t)
		errc := make(chan error, 1)
		go func() { errc <- tls.Server(scon, std).Handshake() }()
		c := tls13.Client(cc)
		refusedWith(t, endpoint.Handshake(c, ccon), alert.CertificateRevoked)
		if serr := <-errc; serr == nil || !strings.Contains(serr.Error(), "revoked") {
			t.Fatalf("crypto/tls server: %v, want the certificate_revoked alert", serr)
		}
	})
}

// TestOCSPOpenSSL: `openssl s_client -status` against the engine's server
// prints the stapled response; the engine's client gets and checks the
// staple of `openssl s_server -status_file`.
func TestOCSPOpenSSL(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	s := webPKI(t)
	dir := t.TempDir()
	ca, inter, resp := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "intermediate.pem"), filepath.Join(dir, "ocsp.der")
	for path, data := range map[string][]byte{ca: pki.CertPEM(s.CA.Raw), inter: pki.CertPEM(s.Intermediate.Raw), resp: s.OCSPResponse} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("s_client -status", func(t *testing.T) {
		_, sc := webPKIConfigs(t, s.OCSPResponse)
		srv := tls13.Server(sc)
		out := openSSLStatusClient(t, openssl, ca, s.ServerName, srv)
		for _, want := range []string{"OCSP Response Status: successful", "Cert Status: good", "Verify return code: 0 (ok)", "hello openssl"} {
			if !strings.Contains(out, want) {
				t.Errorf("s_client did not print %q:\n%s", want, out)
			}
		}
	})
	t.Run("s_server -status_file", func(t *testing.T) {
		cc, _ := webPKIConfigs(t, nil)
		c := tls13.Client(cc)
		interop.ClientVsOpenSSLServer(t, s, c, "-tls1_3", "-cert_chain", inter, "-status_file", resp)
		if !bytes.Equal(c.OCSPResponse(), s.OCSPResponse) {
			t.Fatal("the engine client did not get OpenSSL's staple")
		}
		if ok, seen := webPKIChecks(cc.Trace)["certificate status"]; !seen || !ok {
			t.Fatal("the engine client did not check OpenSSL's staple")
		}
	})
}

// openSSLStatusClient runs `openssl s_client -status` against srv: a line
// each way, then the server closes; it returns what s_client printed.
func openSSLStatusClient(t *testing.T, openssl, ca, name string, srv *tls13.Conn) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := osexec.CommandContext(ctx, openssl, "s_client", "-connect", l.Addr().String(), "-servername", name,
		"-CAfile", ca, "-verify_return_error", "-verify_hostname", name, "-tls1_3", "-status")
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
	if err := endpoint.Handshake(srv, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, out.String())
	}
	stdin.Write([]byte("hello engine\n"))
	var got []byte
	for !bytes.Contains(got, []byte("\n")) {
		d, err := endpoint.ReadApplicationData(srv, conn)
		if err != nil {
			t.Fatalf("read: %v (got %q)\n%s", err, got, out.String())
		}
		got = append(got, d...)
	}
	if string(got) != "hello engine\n" {
		t.Fatalf("engine got %q", got)
	}
	srv.Write([]byte("hello openssl\n"))
	srv.Close()
	endpoint.Flush(srv, conn)
	stdin.Close()
	cmd.Wait()
	return out.String()
}

// TestOCSPGnuTLS: gnutls-cli against the engine's server saves the staple
// it received (--save-ocsp) and verifies the chain; the engine's client
// gets and checks the staple of `gnutls-serv --ocsp-response`.
func TestOCSPGnuTLS(t *testing.T) {
	s := webPKI(t)
	dir := t.TempDir()
	ca, full, key, resp := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "full.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ocsp.der")
	for path, data := range map[string][]byte{ca: pki.CertPEM(s.CA.Raw), full: append(pki.CertPEM(s.Chain[0]), pki.CertPEM(s.Chain[1])...),
		key: s.KeyPEM(), resp: s.OCSPResponse} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const tls13Only = "NORMAL:-VERS-ALL:+VERS-TLS1.3"
	t.Run("gnutls-cli", func(t *testing.T) {
		bin := tooltest.Need(t, "gnutls-cli")
		_, sc := webPKIConfigs(t, s.OCSPResponse)
		srv := tls13.Server(sc)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		saved := filepath.Join(t.TempDir(), "saved.der")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		host, port, _ := net.SplitHostPort(l.Addr().String())
		cmd := osexec.CommandContext(ctx, bin, "--x509cafile", ca, "--verify-hostname", s.ServerName, "--sni-hostname", s.ServerName,
			"--save-ocsp", saved, "--priority", tls13Only, "-p", port, host)
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
		if err := endpoint.Handshake(srv, conn); err != nil {
			t.Fatalf("handshake: %v\n%s", err, out.String())
		}
		stdin.Write([]byte("hello engine\n"))
		if got, err := endpoint.ReadApplicationData(srv, conn); err != nil || !strings.HasPrefix(string(got), "hello engine") {
			t.Fatalf("engine got %q, %v\n%s", got, err, out.String())
		}
		srv.Close()
		endpoint.Flush(srv, conn)
		stdin.Close()
		cmd.Wait()
		got, err := os.ReadFile(saved)
		if err != nil || !bytes.Equal(got, s.OCSPResponse) {
			t.Fatalf("gnutls-cli saved %d bytes (%v), want the %d stapled\n%s", len(got), err, len(s.OCSPResponse), out.String())
		}
		if !strings.Contains(out.String(), "Status: The certificate is trusted") {
			t.Fatalf("gnutls-cli did not trust the chain:\n%s", out.String())
		}
	})
	t.Run("gnutls-serv", func(t *testing.T) {
		bin := tooltest.Need(t, "gnutls-serv")
		addr := interop.FreeAddr(t)
		_, port, _ := net.SplitHostPort(addr)
		log := interop.StartServer(t, bin, "--port", port, "--x509certfile", full, "--x509keyfile", key,
			"--ocsp-response", resp, "--echo", "--disable-client-cert", "--priority", tls13Only)
		conn := interop.DialServer(t, addr, "gnutls-serv", log)
		defer conn.Close()
		cc, _ := webPKIConfigs(t, nil)
		c := tls13.Client(cc)
		if err := endpoint.Handshake(c, conn); err != nil {
			t.Fatalf("handshake: %v\n%s", err, log.String())
		}
		if !bytes.Equal(c.OCSPResponse(), s.OCSPResponse) {
			t.Fatalf("the engine's client did not receive gnutls-serv's staple\n%s", log.String())
		}
		if ok, seen := webPKIChecks(cc.Trace)["certificate status"]; !seen || !ok {
			t.Fatal("the engine client did not check gnutls-serv's staple")
		}
		c.Write([]byte("hello gnutls\n"))
		if got, err := endpoint.ReadApplicationData(c, conn); err != nil || !strings.HasPrefix(string(got), "hello gnutls") {
			t.Fatalf("echo: %q, %v", got, err)
		}
		c.Close()
		endpoint.Flush(c, conn)
	})
}

// TestOCSPHelloRetry: after a HelloRetryRequest the second ClientHello
// asks for the staple again (only the key share changes, RFC 8446, Section
// 4.1.2), and the server staples.
func TestOCSPHelloRetry(t *testing.T) {
	s := webPKI(t)
	cc, sc := webPKIConfigs(t, s.OCSPResponse)
	cc.Groups, cc.KeyShares = []*kx.Group{kx.X25519, kx.P256}, []*kx.Group{kx.X25519}
	sc.Groups = []*kx.Group{kx.P256}
	cli, srv := tls13.Client(cc), tls13.Server(sc)
	run(cli, srv)
	if !cli.HandshakeComplete() || !srv.HandshakeComplete() || !cli.HelloRetry() {
		t.Fatalf("complete %v/%v, retry %v: %v %v", cli.HandshakeComplete(), srv.HandshakeComplete(), cli.HelloRetry(), cli.Err(), srv.Err())
	}
	if !bytes.Equal(cli.OCSPResponse(), s.OCSPResponse) {
		t.Fatal("no staple after the HelloRetryRequest")
	}
}
