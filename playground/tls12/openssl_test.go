package tls12_test

import (
	"fmt"
	"testing"

	"tlsplayground/playground/internal/interop"
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

// engineClientVsOpenSSL runs the engine's client against s_server -rev.
func engineClientVsOpenSSL(t *testing.T, s *pki.Setup, cfg *tls12.Config, args ...string) *tls12.Conn {
	t.Helper()
	c := tls12.Client(cfg)
	interop.ClientVsOpenSSLServer(t, s, c, append([]string{"-tls1_2"}, args...)...)
	return c
}

// openSSLClientVsEngineServer runs s_client against the engine's server.
func openSSLClientVsEngineServer(t *testing.T, s *pki.Setup, cfg *tls12.Config, args ...string) *tls12.Conn {
	t.Helper()
	srv := tls12.Server(cfg)
	interop.OpenSSLClientVsServer(t, s, srv, append([]string{"-tls1_2"}, args...)...)
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
