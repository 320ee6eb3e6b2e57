package decrypt_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"testing"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/internal/interop"
)

// TestGoTLS reads connections crypto/tls made: suites the engine does not
// speak (CBC with SHA-256 and SHA-384 MACs), client certificates in the
// transcript, HelloRetryRequest, and resumed sessions (TLS 1.2 abbreviated:
// the server's Finished first; TLS 1.3 with a PSK).
func TestGoTLS(t *testing.T) {
	cert := interop.SelfSigned(t, "decrypt.test")
	pool := x509.NewCertPool()
	leaf, _ := x509.ParseCertificate(cert.Certificate[0])
	pool.AddCert(leaf)
	base := func() (*tls.Config, *tls.Config) {
		return &tls.Config{ServerName: "decrypt.test", RootCAs: pool},
			&tls.Config{Certificates: []tls.Certificate{cert}}
	}
	type run struct {
		name  string
		setup func(c, s *tls.Config)
		check func(t *testing.T, res *decrypt.Result)
	}
	tls12 := func(id uint16) func(c, s *tls.Config) {
		return func(c, s *tls.Config) {
			c.MaxVersion, c.CipherSuites, s.CipherSuites = tls.VersionTLS12, []uint16{id}, []uint16{id}
		}
	}
	runs := []run{
		{"tls12 ECDHE_ECDSA_AES_128_CBC_SHA", tls12(tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA), nil},
		{"tls12 ECDHE_ECDSA_AES_256_CBC_SHA", tls12(tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA), nil},
		{"tls12 ECDHE_ECDSA_AES_128_CBC_SHA256", tls12(tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256), nil},
		{"tls12 ECDHE_ECDSA_AES_256_GCM_SHA384", tls12(tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384), nil},
		{"tls12 ECDHE_ECDSA_CHACHA20_POLY1305", tls12(tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256), nil},
		{"tls12 client certificate", func(c, s *tls.Config) {
			c.MaxVersion, c.Certificates, s.ClientAuth = tls.VersionTLS12, []tls.Certificate{cert}, tls.RequireAnyClientCert
		}, nil},
		{"tls13 client certificate", func(c, s *tls.Config) {
			c.Certificates, s.ClientAuth = []tls.Certificate{cert}, tls.RequireAnyClientCert
		}, nil},
		{"tls13 HelloRetryRequest", func(c, s *tls.Config) {
			c.CurvePreferences, s.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256}, []tls.CurveID{tls.CurveP256}
		}, func(t *testing.T, res *decrypt.Result) {
			if !res.HelloRetry {
				t.Error("no HelloRetryRequest")
			}
		}},
	}
	for _, r := range runs {
		c, s := base()
		r.setup(c, s)
		recs, kl := interop.GoTLS(t, c, s)
		res := readGo(t, r.name, recs, kl)
		if r.check != nil {
			r.check(t, res)
		}
	}

	// Resumption: the second connection resumes the first's session.
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		c, s := base()
		c.MaxVersion, c.ClientSessionCache = v, tls.NewLRUClientSessionCache(4)
		_, first := interop.GoTLS(t, c, s)
		recs, kl := interop.GoTLS(t, c, s)
		if len(kl) == 0 && v == tls.VersionTLS12 {
			// crypto/tls logs no line for a resumed TLS 1.2 session (a
			// browser does); its master secret is the first session's.
			ms := strings.Fields(string(first))[2]
			kl = []byte("CLIENT_RANDOM " + hex.EncodeToString(recs[0].Wire[11:43]) + " " + ms + "\n")
		}
		res := readGo(t, "resumed", recs, kl)
		var names []string
		for _, r := range res.Records {
			names = append(names, r.Messages...)
		}
		if strings.Contains(strings.Join(names, " "), "Certificate") {
			t.Errorf("version %04x: the second connection did not resume: %q", v, names)
		}
	}
}

func readGo(t *testing.T, name string, recs []decrypt.Record, keylog []byte) *decrypt.Result {
	t.Helper()
	kl, err := decrypt.ParseKeyLog(keylog)
	if err != nil {
		t.Fatal(err)
	}
	res := decrypt.Connection(recs, kl)
	checkAll(t, name, res)
	c, s := appData(res)
	if string(c) != "ping" || string(s) != "pong" {
		t.Errorf("%s: application data %q / %q", name, c, s)
	}
	return res
}

// TestTLS11: a version this reader does not decrypt is said, and its
// records after ChangeCipherSpec are marked encrypted and not read.
func TestTLS11(t *testing.T) {
	cert := interop.SelfSigned(t, "decrypt.test")
	c := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11}
	s := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS11}
	recs, keylog := interop.GoTLS(t, c, s)
	kl, err := decrypt.ParseKeyLog(keylog)
	if err != nil {
		t.Fatal(err)
	}
	res := decrypt.Connection(recs, kl)
	if !hasProblem(res, "the server chose TLS 1.1: this reader decrypts TLS 1.2 and TLS 1.3 only") {
		t.Errorf("problems %q", res.Problems)
	}
	enc := 0
	for i, r := range res.Records {
		if r.Encrypted {
			enc++
			if r.Err != "not decrypted: TLS 1.1 is not read here" || r.Plaintext != nil {
				t.Errorf("record %d: %q %x", i, r.Err, r.Plaintext)
			}
		}
	}
	if enc < 4 { // both Finished, ping, pong
		t.Errorf("%d records marked encrypted", enc)
	}
}
