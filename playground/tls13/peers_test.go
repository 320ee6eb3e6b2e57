package tls13_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// This file runs the engine client against servers that ask for a client
// certificate and servers restricted to one signature scheme, crypto/tls and
// OpenSSL: what a real client meets (issue 10).

// TestCertificateRequest: a server asks for a client certificate; the
// engine client, which has none, answers with an empty Certificate and no
// CertificateVerify (RFC 8446, Section 4.4.2), and the server goes on.
func TestCertificateRequest(t *testing.T) {
	s := setup(t, "rsa")
	for _, auth := range []tls.ClientAuthType{tls.RequestClientCert, tls.VerifyClientCertIfGiven} {
		t.Run("crypto/tls/"+auth.String(), func(t *testing.T) {
			cfg := clientConfig(t, s)
			cfg.Trace = &trace.Recorder{}
			std := stdConfig(s)
			std.ClientAuth, std.ClientCAs = auth, s.Roots()
			runAgainstStdServer(t, cfg, std, true)
			checkCertRequestTrace(t, cfg.Trace)
		})
	}
	t.Run("openssl/-verify 1", func(t *testing.T) {
		cfg := clientConfig(t, s)
		cfg.Trace = &trace.Recorder{}
		interop.ClientVsOpenSSLServer(t, s, tls13.Client(cfg), "-tls1_3", "-verify", "1")
		checkCertRequestTrace(t, cfg.Trace)
	})
	t.Run("crypto/tls/RequireAnyClientCert", func(t *testing.T) {
		// A server that requires a certificate refuses the empty one with
		// certificate_required (RFC 8446, Section 4.4.2.4) after the
		// client's Finished: the client reports the alert it received.
		cc, sc := tcpPair(t)
		std := stdConfig(s)
		std.ClientAuth = tls.RequireAnyClientCert
		go tls.Server(sc, std).Handshake()
		c := tls13.Client(clientConfig(t, s))
		err := endpoint.Handshake(c, cc)
		if err == nil {
			_, err = endpoint.ReadApplicationData(c, cc)
		}
		var ae *alert.Error
		if !errors.As(err, &ae) || !ae.Received || ae.Alert != alert.CertificateRequired {
			t.Fatalf("got %v, want the server's certificate_required", err)
		}
	})
}

func checkCertRequestTrace(t *testing.T, r *trace.Recorder) {
	t.Helper()
	if !hasEvent(r, "Receives CertificateRequest") || !hasEvent(r, "Sends an empty Certificate") {
		t.Fatal("the trace does not show the CertificateRequest and the empty Certificate")
	}
}

// TestVerifiedSignatureSchemes: servers that can sign only one way, each
// scheme a real client verifies in TLS 1.3 (RFC 8446, Section 4.2.3).
func TestVerifiedSignatureSchemes(t *testing.T) {
	rsaSetup, ecSetup, edSetup := setup(t, "rsa"), setup(t, "ecdsa"), setup(t, "ed25519")
	// The CA signs these two with rsa_pkcs1_sha384 and rsa_pkcs1_sha512:
	// PKCS#1 v1.5 in certificates, which TLS 1.3 allows.
	p384, p521 := ecdsaSetup(t, elliptic.P384(), x509.SHA384WithRSA), ecdsaSetup(t, elliptic.P521(), x509.SHA512WithRSA)
	cases := []struct {
		s      *pki.Setup
		std    tls.SignatureScheme
		scheme *sigscheme.Scheme
	}{
		{rsaSetup, tls.PSSWithSHA256, sigscheme.RSAPSSRSAESHA256},
		{rsaSetup, tls.PSSWithSHA384, sigscheme.RSAPSSRSAESHA384},
		{rsaSetup, tls.PSSWithSHA512, sigscheme.RSAPSSRSAESHA512},
		{ecSetup, tls.ECDSAWithP256AndSHA256, sigscheme.ECDSAP256SHA256},
		{p384, tls.ECDSAWithP384AndSHA384, sigscheme.ECDSAP384SHA384},
		{p521, tls.ECDSAWithP521AndSHA512, sigscheme.ECDSAP521SHA512},
		{edSetup, tls.Ed25519, sigscheme.Ed25519},
	}
	for _, c := range cases {
		t.Run("crypto/tls/"+c.scheme.Name, func(t *testing.T) {
			std := stdConfig(c.s)
			std.Certificates[0].SupportedSignatureAlgorithms = []tls.SignatureScheme{c.std}
			cfg := clientConfig(t, c.s)
			if cl := runAgainstStdServer(t, cfg, std, false); cl.Scheme() != c.scheme {
				t.Fatalf("signed with %v", cl.Scheme())
			}
		})
	}
	for _, c := range []struct {
		s      *pki.Setup
		scheme *sigscheme.Scheme
	}{
		{rsaSetup, sigscheme.RSAPSSRSAESHA512}, {p384, sigscheme.ECDSAP384SHA384}, {p521, sigscheme.ECDSAP521SHA512},
	} {
		t.Run("openssl/-sigalgs "+c.scheme.Name, func(t *testing.T) {
			cl := tls13.Client(clientConfig(t, c.s))
			interop.ClientVsOpenSSLServer(t, c.s, cl, "-tls1_3", "-sigalgs", c.scheme.Name)
			if cl.Scheme() != c.scheme {
				t.Fatalf("signed with %v", cl.Scheme())
			}
		})
	}
	// A certificate with an RSASSA-PSS key (RFC 4055), made by openssl:
	// unrestricted, then restricted to SHA-384 by its parameters.
	for _, c := range []struct {
		keygenMD string
		sigalgs  string
		scheme   *sigscheme.Scheme
	}{
		{"", "rsa_pss_pss_sha256", sigscheme.RSAPSSPSSSHA256},
		{"", "rsa_pss_pss_sha512", sigscheme.RSAPSSPSSSHA512},
		{"sha384", "rsa_pss_pss_sha384:rsa_pss_pss_sha256:rsa_pss_pss_sha512", sigscheme.RSAPSSPSSSHA384},
	} {
		name := c.scheme.Name
		if c.keygenMD != "" {
			name += "/key restricted to " + c.keygenMD
		}
		t.Run("openssl/rsa-pss key/"+name, func(t *testing.T) {
			cert, key := interop.RSAPSSCertificate(t, rsaSetup, c.keygenMD)
			cfg := clientConfig(t, rsaSetup)
			cfg.Trace = &trace.Recorder{}
			cl := tls13.Client(cfg)
			interop.ClientVsOpenSSLServerFiles(t, cert, key, cl, "-tls1_3", "-sigalgs", c.sigalgs)
			if cl.Scheme() != c.scheme {
				t.Fatalf("signed with %v", cl.Scheme())
			}
			if !hasValue(cfg.Trace, "Server public key", "RSA-PSS-2048") {
				t.Fatal("the trace does not name the RSA-PSS key")
			}
		})
	}
}

// ecdsaSetup is the "rsa" setup's CA issuing a server certificate for a
// new ECDSA key on curve, signing it with sigAlg.
func ecdsaSetup(t *testing.T, curve elliptic.Curve, sigAlg x509.SignatureAlgorithm) *pki.Setup {
	t.Helper()
	key, err := ecdsa.GenerateKey(curve, rng.New([]byte(curve.Params().Name)))
	if err != nil {
		t.Fatal(err)
	}
	return issue(t, setup(t, "rsa"), key, sigAlg)
}

// issue copies base with a server certificate for key, signed by base's
// CA with sigAlg.
func issue(t *testing.T, base *pki.Setup, key crypto.Signer, sigAlg x509.SignatureAlgorithm) *pki.Setup {
	t.Helper()
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: base.ServerName},
		DNSNames:     []string{base.ServerName},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:           x509.KeyUsageDigitalSignature,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		SignatureAlgorithm: sigAlg,
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

// hasValue reports whether an event of r has a value labelled label whose
// text is text.
func hasValue(r *trace.Recorder, label, text string) bool {
	for _, e := range r.Events {
		for _, v := range e.Values {
			if v.Label == label && v.Text == text {
				return true
			}
		}
	}
	return false
}
