package tls12_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

// This file runs the engine's TLS 1.2 client against what a real client
// meets (issue 10): servers that ask for a client certificate, and servers
// that can sign their key exchange only one way.

// authModes are the key exchanges a CertificateRequest is tried with.
var authModes = []struct {
	name    string
	suite   *suites.Suite
	keyType string
}{
	{"classic", suites.RSAWithAES128GCMSHA256, pki.KeyRSA},
	{"ecdhe_rsa", suites.ECDHERSAWithAES128GCMSHA256, pki.KeyRSA},
	{"ecdhe_ecdsa", suites.ECDHEECDSAWithAES128GCMSHA256, pki.KeyECDSA},
}

// authConfig is a client held to one suite, with a trace.
func authConfig(t *testing.T, s *pki.Setup, suite *suites.Suite) *tls12.Config {
	return &tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots(),
		Suites: []*suites.Suite{suite}, Trace: &trace.Recorder{}}
}

// checkCertRequestTrace: the client recorded the request and its empty
// answer, and no CertificateVerify.
func checkCertRequestTrace(t *testing.T, r *trace.Recorder) {
	t.Helper()
	var got []string
	for _, ev := range r.Events {
		if ev.Actor == trace.Client {
			got = append(got, ev.Title)
		}
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"Receives CertificateRequest", "Sends an empty Certificate"} {
		if !strings.Contains(all, want) {
			t.Errorf("the client's trace has no %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "CertificateVerify") {
		t.Error("the client's trace mentions a CertificateVerify")
	}
}

// TestCertificateRequestCryptoTLS: crypto/tls asks for an optional client
// certificate (RequestClientCert, VerifyClientCertIfGiven) in each key
// exchange; the engine's client answers with an empty Certificate and no
// CertificateVerify (RFC 5246, Section 7.4.6), and the server goes on.
func TestCertificateRequestCryptoTLS(t *testing.T) {
	auths := map[tls.ClientAuthType]string{tls.RequestClientCert: "RequestClientCert", tls.VerifyClientCertIfGiven: "VerifyClientCertIfGiven"}
	for _, m := range authModes {
		for _, auth := range []tls.ClientAuthType{tls.RequestClientCert, tls.VerifyClientCertIfGiven} {
			t.Run(m.name+"/"+auths[auth], func(t *testing.T) {
				s := keySetup(t, m.keyType)
				std := stdConfig(s, m.suite)
				std.ClientAuth, std.ClientCAs = auth, s.Roots()
				cfg := authConfig(t, s, m.suite)
				c, st := engineClientVsStd(t, cfg, std)
				if c.Suite() != m.suite || len(st.PeerCertificates) != 0 {
					t.Fatalf("%s, %d client certificates", c.Suite().Name, len(st.PeerCertificates))
				}
				checkCertRequestTrace(t, cfg.Trace)
			})
		}
	}
}

// TestCertificateRequiredCryptoTLS: a server that requires a certificate
// refuses the empty one; in TLS 1.2 crypto/tls says handshake_failure, and
// the engine's client reports the alert it received.
func TestCertificateRequiredCryptoTLS(t *testing.T) {
	s := setup(t)
	std := stdConfig(s, suites.ECDHERSAWithAES128GCMSHA256)
	std.ClientAuth = tls.RequireAnyClientCert
	cc, sc := tcpPair(t)
	go tls.Server(sc, std).Handshake()
	c := tls12.Client(authConfig(t, s, suites.ECDHERSAWithAES128GCMSHA256))
	err := endpoint.Handshake(c, cc)
	if ae := alert.Normalize(err); err == nil || !ae.Received || ae.Alert != alert.HandshakeFailure {
		t.Fatalf("got %v, want the server's handshake_failure", err)
	}
}

// TestCertificateRequestOpenSSL: s_server -verify 1 asks for an optional
// certificate, in the classic and the ECDHE handshakes.
func TestCertificateRequestOpenSSL(t *testing.T) {
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			s := keySetup(t, m.keyType)
			cfg := authConfig(t, s, m.suite)
			c := engineClientVsOpenSSL(t, s, cfg, "-verify", "1", "-cipher", openSSLName[m.suite])
			if c.Suite() != m.suite {
				t.Fatalf("negotiated %s", c.Suite().Name)
			}
			checkCertRequestTrace(t, cfg.Trace)
		})
	}
}

// issueSetup copies base with a server certificate for key, signed by
// base's CA: for keys pki does not make (ECDSA on P-384 and P-521).
func issueSetup(t *testing.T, base *pki.Setup, key crypto.Signer) *pki.Setup {
	t.Helper()
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: base.ServerName},
		DNSNames:     []string{base.ServerName},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rng.New([]byte("issue")), tmpl, base.CA, key.Public(), base.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	s := *base
	s.Signer, s.Key, s.Leaf, s.Chain, s.KeyType = key, nil, leaf, [][]byte{der}, pki.KeyECDSA
	return &s
}

// curveSetup is an ECDSA certificate on curve from the RSA setup's CA.
func curveSetup(t *testing.T, curve elliptic.Curve) *pki.Setup {
	t.Helper()
	key, err := ecdsa.GenerateKey(curve, rng.New([]byte(curve.Params().Name)))
	if err != nil {
		t.Fatal(err)
	}
	return issueSetup(t, setup(t), key)
}

// schemeCase is a server that can sign only with std; the engine's client,
// with its defaults, must verify scheme.
type schemeCase struct {
	key    string // "rsa", "p256", "p384", "p521", "ed25519"
	std    tls.SignatureScheme
	scheme *sigscheme.Scheme
}

func (sc schemeCase) name() string {
	n := sc.scheme.Name
	if curve := map[string]string{"p256": "secp256r1", "p384": "secp384r1", "p521": "secp521r1"}[sc.key]; curve != "" && !strings.Contains(n, curve) {
		n += " with a " + sc.key + " key" // TLS 1.2: the ECDSA scheme names the hash, not the curve
	}
	return n
}

func (sc schemeCase) setup(t *testing.T) (*pki.Setup, *suites.Suite) {
	switch sc.key {
	case "rsa":
		return setup(t), suites.ECDHERSAWithAES128GCMSHA256
	case "p256":
		return keySetup(t, pki.KeyECDSA), suites.ECDHEECDSAWithAES128GCMSHA256
	case "p384":
		return curveSetup(t, elliptic.P384()), suites.ECDHEECDSAWithAES256GCMSHA384
	case "p521":
		return curveSetup(t, elliptic.P521()), suites.ECDHEECDSAWithAES256GCMSHA384
	}
	return keySetup(t, pki.KeyEd25519), suites.ECDHEECDSAWithChaCha20Poly1305SHA256
}

var schemeCases = []schemeCase{
	{"rsa", tls.PKCS1WithSHA256, sigscheme.RSAPKCS1SHA256},
	{"rsa", tls.PKCS1WithSHA384, sigscheme.RSAPKCS1SHA384},
	{"rsa", tls.PKCS1WithSHA512, sigscheme.RSAPKCS1SHA512},
	{"rsa", tls.PSSWithSHA256, sigscheme.RSAPSSRSAESHA256},
	{"rsa", tls.PSSWithSHA384, sigscheme.RSAPSSRSAESHA384},
	{"rsa", tls.PSSWithSHA512, sigscheme.RSAPSSRSAESHA512},
	{"p256", tls.ECDSAWithP256AndSHA256, sigscheme.ECDSAP256SHA256},
	{"p384", tls.ECDSAWithP384AndSHA384, sigscheme.ECDSAP384SHA384},
	{"p521", tls.ECDSAWithP521AndSHA512, sigscheme.ECDSAP521SHA512},
	{"p384", tls.ECDSAWithP256AndSHA256, sigscheme.ECDSAP256SHA256},
	{"p256", tls.ECDSAWithP384AndSHA384, sigscheme.ECDSAP384SHA384},
	{"ed25519", tls.Ed25519, sigscheme.Ed25519},
}

// TestSignatureSchemesCryptoTLS: crypto/tls servers whose certificate may
// sign their ServerKeyExchange with one scheme only; the engine's client,
// with its defaults, verifies each (RFC 5246, Section 7.4.3; RFC 8446,
// Section 4.2.3).
func TestSignatureSchemesCryptoTLS(t *testing.T) {
	for _, sc := range schemeCases {
		t.Run(sc.name(), func(t *testing.T) {
			s, suite := sc.setup(t)
			std := stdConfig(s, suite)
			std.Certificates[0].SupportedSignatureAlgorithms = []tls.SignatureScheme{sc.std}
			c, _ := engineClientVsStd(t, &tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots()}, std)
			if k := c.ECDHE(); c.Suite() != suite || k == nil || k.Scheme != sc.scheme || !k.SignatureOK {
				t.Fatalf("%s, key exchange %+v", c.Suite().Name, k)
			}
		})
	}
}

// TestSignatureSchemesOpenSSL: s_server held by -sigalgs to one scheme,
// with RSA, P-384, P-521 and RSASSA-PSS (RFC 4055) certificates.
func TestSignatureSchemesOpenSSL(t *testing.T) {
	for _, sc := range []schemeCase{
		{"rsa", 0, sigscheme.RSAPKCS1SHA512},
		{"rsa", 0, sigscheme.RSAPSSRSAESHA512},
		{"p384", 0, sigscheme.ECDSAP384SHA384},
		{"p521", 0, sigscheme.ECDSAP521SHA512},
	} {
		t.Run(sc.name(), func(t *testing.T) {
			s, suite := sc.setup(t)
			c := engineClientVsOpenSSL(t, s, &tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots()},
				"-cipher", openSSLName[suite], "-sigalgs", sc.scheme.Name)
			if k := c.ECDHE(); k == nil || k.Scheme != sc.scheme || !k.SignatureOK {
				t.Fatalf("key exchange %+v", k)
			}
		})
	}
	for _, tc := range []struct {
		keygenMD, sigalgs string
		scheme            *sigscheme.Scheme
	}{
		{"", "rsa_pss_pss_sha256", sigscheme.RSAPSSPSSSHA256},
		{"", "rsa_pss_pss_sha512", sigscheme.RSAPSSPSSSHA512},
		{"sha384", "rsa_pss_pss_sha384:rsa_pss_pss_sha256:rsa_pss_pss_sha512", sigscheme.RSAPSSPSSSHA384},
	} {
		name := "rsa-pss key/" + tc.scheme.Name
		if tc.keygenMD != "" {
			name += "/key restricted to " + tc.keygenMD
		}
		t.Run(name, func(t *testing.T) {
			s := setup(t)
			cert, key := interop.RSAPSSCertificate(t, s, tc.keygenMD)
			c := tls12.Client(&tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots()})
			interop.ClientVsOpenSSLServerFiles(t, cert, key, c, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-sigalgs", tc.sigalgs)
			if k := c.ECDHE(); k == nil || k.Scheme != tc.scheme || !k.SignatureOK {
				t.Fatalf("key exchange %+v", k)
			}
		})
	}
}

// TestRSAPSSKeyRefusedForKeyTransport: an RSASSA-PSS certificate key may
// sign but not decrypt (RFC 4055, Section 1.2): offered for RSA key
// transport, it is unsupported_certificate.
func TestRSAPSSKeyRefusedForKeyTransport(t *testing.T) {
	s := setup(t)
	certFile, _ := interop.RSAPSSCertificate(t, s, "")
	p, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(p)
	cc := clientConfig(s, t.Name())
	cc.Suites = []*suites.Suite{suites.RSAWithAES128GCMSHA256}
	c, srv := tls12.Client(cc), tls12.Server(serverConfig(s, t.Name()))
	converse(c, srv, onRecord(trace.Server, "Certificate", func([]byte) []byte {
		return (&handshake.Certificate{Certificates: [][]byte{block.Bytes}}).Marshal()
	}))
	wantAlert(t, "client", c.Err(), alert.UnsupportedCertificate)
	if !strings.Contains(c.Err().Error(), "needs an RSA certificate key; the server's is RSASSA-PSS-2048") {
		t.Errorf("client error %q", c.Err())
	}
}

// waitFor polls log until it holds want, for up to 10 seconds.
func waitFor(t *testing.T, log *interop.LockedBuffer, want string) {
	t.Helper()
	for i := 0; i < 500 && !strings.Contains(log.String(), want); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(log.String(), want) {
		t.Fatalf("openssl never printed %q:\n%s", want, log.String())
	}
}

// openSSL starts openssl with args, its standard input a pipe and its
// output collected; it is killed when the test ends.
func openSSL(t *testing.T, args ...string) (io.WriteCloser, *interop.LockedBuffer) {
	t.Helper()
	bin := tooltest.Need(t, "openssl")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	cmd := exec.CommandContext(ctx, bin, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	log := &interop.LockedBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	return stdin, log
}

// hasTitle reports whether an event of actor has a title containing s.
func hasTitle(r *trace.Recorder, actor, s string) bool {
	for _, ev := range r.Events {
		if ev.Actor == actor && strings.Contains(ev.Title, s) {
			return true
		}
	}
	return false
}

// TestHelloRequestOpenSSL: s_server's "r" command sends a HelloRequest
// after the handshake. The engine's client answers with a no_renegotiation
// warning (RFC 5746, Section 4.2) and keeps the connection; OpenSSL, which
// asked, then chooses to end it with handshake_failure (its
// ssl3_read_bytes treats a refused renegotiation it requested as fatal).
// The data sent before arrives.
func TestHelloRequestOpenSSL(t *testing.T) {
	s := setup(t)
	cert, key, _ := interop.WritePEMs(t, s)
	addr := interop.FreeAddr(t)
	stdin, log := openSSL(t, "s_server", "-accept", addr, "-cert", cert, "-key", key, "-naccept", "1", "-tls1_2")
	conn := interop.DialServer(t, addr, "s_server", log)
	defer conn.Close()
	cfg := &tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots(), Trace: &trace.Recorder{}}
	c := tls12.Client(cfg)
	if err := endpoint.Handshake(c, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, log.String())
	}
	c.Write([]byte("before the HelloRequest\n"))
	endpoint.Flush(c, conn)
	waitFor(t, log, "before the HelloRequest")
	io.WriteString(stdin, "r\n")
	_, err := endpoint.ReadApplicationData(c, conn)
	if ae := alert.Normalize(err); err == nil || !ae.Received || ae.Alert != alert.HandshakeFailure {
		t.Fatalf("got %v, want OpenSSL's handshake_failure after the warning\n%s", err, log.String())
	}
	if !hasTitle(cfg.Trace, trace.Client, "Receives HelloRequest and declines to renegotiate") {
		t.Error("the client's trace does not show the HelloRequest and its answer")
	}
	waitFor(t, log, "no renegotiation")
}

// TestRenegotiationOpenSSLClient: s_client's "R" command sends a new
// ClientHello on the established connection. The engine's server answers
// with a no_renegotiation warning (RFC 5746, Section 4.4) and keeps the
// connection; OpenSSL, which asked, ends it with handshake_failure.
func TestRenegotiationOpenSSLClient(t *testing.T) {
	s := setup(t)
	_, _, ca := interop.WritePEMs(t, s)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	stdin, log := openSSL(t, "s_client", "-connect", l.Addr().String(), "-servername", s.ServerName, "-CAfile", ca, "-verify_return_error", "-tls1_2")
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	cfg := serverConfig(s, t.Name())
	cfg.Trace = &trace.Recorder{}
	srv := tls12.Server(cfg)
	if err := endpoint.Handshake(srv, conn); err != nil {
		t.Fatalf("handshake: %v\n%s", err, log.String())
	}
	io.WriteString(stdin, "before the ClientHello\n")
	if got, err := endpoint.ReadApplicationData(srv, conn); err != nil || string(got) != "before the ClientHello\n" {
		t.Fatalf("got %q, %v", got, err)
	}
	io.WriteString(stdin, "R\n")
	_, err = endpoint.ReadApplicationData(srv, conn)
	if ae := alert.Normalize(err); err == nil || !ae.Received || ae.Alert != alert.HandshakeFailure {
		t.Fatalf("got %v, want OpenSSL's handshake_failure after the warning\n%s", err, log.String())
	}
	if !hasTitle(cfg.Trace, trace.Server, "declines to renegotiate") {
		t.Error("the server's trace does not show the refusal")
	}
	waitFor(t, log, "RENEGOTIATING")
	waitFor(t, log, "no renegotiation")
}
