package pki

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/cryptotest"
	"time"

	"tlsplayground/playground/rng"
)

// testNow is the injected clock of every setup in these tests.
var testNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

var (
	fixtureOnce sync.Once
	fixture     *Setup
	fixtureErr  error
)

// testSetup returns one RSA-2048 setup shared by the tests, issued at testNow
// from a seeded stream.
func testSetup(t *testing.T) *Setup {
	t.Helper()
	fixtureOnce.Do(func() {
		fixture, fixtureErr = NewSetup(Options{Rand: rng.New([]byte("pki test")), Now: testNow})
	})
	if fixtureErr != nil {
		t.Fatalf("NewSetup: %v", fixtureErr)
	}
	return fixture
}

// otherSetup returns a setup with a different CA (the fixture's keys in
// swapped roles, so no key is generated) under the same names.
func otherSetup(t *testing.T) *Setup {
	t.Helper()
	s := testSetup(t)
	o, err := NewSetup(Options{Rand: rng.New([]byte("other CA")), Now: testNow, CAKey: s.Key, Key: s.CAKey})
	if err != nil {
		t.Fatalf("NewSetup: %v", err)
	}
	return o
}

func TestNewSetup(t *testing.T) {
	s := testSetup(t)
	t.Logf("RSA-2048 setup generated in %v", s.GeneratedIn)
	checkSetup(t, s, DefaultServerName, 2048, 2048)
}

func TestNewSetup3072(t *testing.T) {
	if testing.Short() {
		t.Skip("RSA-3072 key generation is slow; skipped with -short")
	}
	s, err := NewSetup(Options{ServerName: "www.example.test", KeyBits: 3072, Rand: rng.New([]byte("3072")), Now: testNow})
	if err != nil {
		t.Fatalf("NewSetup: %v", err)
	}
	t.Logf("RSA-3072 setup generated in %v", s.GeneratedIn)
	checkSetup(t, s, "www.example.test", 3072, 2048)
}

func checkSetup(t *testing.T, s *Setup, name string, bits, caBits int) {
	t.Helper()
	if s.ServerName != name {
		t.Errorf("ServerName = %q, want %q", s.ServerName, name)
	}
	if got := s.Key.N.BitLen(); got != bits {
		t.Errorf("server key is RSA-%d, want RSA-%d", got, bits)
	}
	if got := s.CAKey.N.BitLen(); got != caBits {
		t.Errorf("CA key is RSA-%d, want RSA-%d", got, caBits)
	}

	ca := s.CA
	if ca.Subject.CommonName != CACommonName || !reflect.DeepEqual(ca.Subject.Organization, []string{CAOrganization}) {
		t.Errorf("CA subject = %q", ca.Subject)
	}
	if ca.Issuer.String() != ca.Subject.String() {
		t.Errorf("CA issuer %q is not its subject %q", ca.Issuer, ca.Subject)
	}
	if !ca.BasicConstraintsValid || !ca.IsCA || ca.MaxPathLen != 0 || !ca.MaxPathLenZero {
		t.Errorf("CA basic constraints: valid %v, cA %v, pathLen %d (zero %v)", ca.BasicConstraintsValid, ca.IsCA, ca.MaxPathLen, ca.MaxPathLenZero)
	}
	if ca.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("CA key usage = %v", keyUsageNames(ca.KeyUsage))
	}
	if err := ca.CheckSignatureFrom(ca); err != nil {
		t.Errorf("CA is not self-signed: %v", err)
	}

	leaf := s.Leaf
	if leaf.Subject.CommonName != name || !reflect.DeepEqual(leaf.DNSNames, []string{name}) {
		t.Errorf("leaf CN %q, DNS names %q, want %q", leaf.Subject.CommonName, leaf.DNSNames, name)
	}
	if leaf.IsCA {
		t.Error("leaf is a CA")
	}
	if leaf.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment {
		t.Errorf("leaf key usage = %v", keyUsageNames(leaf.KeyUsage))
	}
	if !reflect.DeepEqual(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
		t.Errorf("leaf extended key usage = %v", extKeyUsageNames(leaf))
	}
	if leaf.SignatureAlgorithm != x509.SHA256WithRSA || ca.SignatureAlgorithm != x509.SHA256WithRSA {
		t.Errorf("signature algorithms: leaf %v, CA %v; want SHA256-RSA", leaf.SignatureAlgorithm, ca.SignatureAlgorithm)
	}
	if err := leaf.CheckSignatureFrom(ca); err != nil {
		t.Errorf("leaf is not signed by the CA: %v", err)
	}
	if !s.Key.PublicKey.Equal(leaf.PublicKey) || !s.CAKey.PublicKey.Equal(ca.PublicKey) {
		t.Error("certificates do not carry the setup's public keys")
	}

	for _, c := range []*x509.Certificate{ca, leaf} {
		if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() > serialBits {
			t.Errorf("serial %x is not a positive %d-bit number", c.SerialNumber, serialBits)
		}
		if want := testNow.Add(-time.Hour); !c.NotBefore.Equal(want) {
			t.Errorf("%s notBefore = %v, want %v", c.Subject.CommonName, c.NotBefore, want)
		}
	}
	if ca.SerialNumber.Cmp(leaf.SerialNumber) == 0 {
		t.Error("CA and leaf have the same serial number")
	}
	if want := testNow.AddDate(10, 0, 0); !ca.NotAfter.Equal(want) {
		t.Errorf("CA notAfter = %v, want %v", ca.NotAfter, want)
	}
	if want := testNow.Add(90 * 24 * time.Hour); !leaf.NotAfter.Equal(want) {
		t.Errorf("leaf notAfter = %v, want %v", leaf.NotAfter, want)
	}

	if len(s.Chain) != 1 || !bytes.Equal(s.Chain[0], leaf.Raw) {
		t.Errorf("Chain has %d certificates, want just the leaf", len(s.Chain))
	}
	if s.GeneratedIn <= 0 {
		t.Errorf("GeneratedIn = %v", s.GeneratedIn)
	}

	block, rest := pem.Decode(s.KeyPEM())
	if block == nil || block.Type != "PRIVATE KEY" || len(rest) != 0 {
		t.Fatalf("KeyPEM is not one PRIVATE KEY block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("KeyPEM: %v", err)
	}
	if rk, ok := k.(*rsa.PrivateKey); !ok || !rk.Equal(s.Key) {
		t.Error("KeyPEM holds a different key")
	}
	block, _ = pem.Decode(CertPEM(leaf.Raw))
	if block == nil || block.Type != "CERTIFICATE" || !bytes.Equal(block.Bytes, leaf.Raw) {
		t.Error("CertPEM does not round-trip the leaf")
	}
}

func TestNewSetupInjected(t *testing.T) {
	s := testSetup(t)
	var stages []Stage
	r := &countingReader{r: rng.New([]byte("count"))}
	_, err := NewSetup(Options{Rand: r, Now: testNow, CAKey: s.CAKey, Key: s.Key, Progress: func(st Stage) { stages = append(stages, st) }})
	if err != nil {
		t.Fatal(err)
	}
	// Two 128-bit serials, and nothing else: PKCS #1 v1.5 signatures do not
	// use randomness.
	if r.n != 2*serialBits/8 {
		t.Errorf("read %d bytes from Rand, want %d", r.n, 2*serialBits/8)
	}
	if want := []Stage{StageCACert, StageLeafCert}; !reflect.DeepEqual(stages, want) {
		t.Errorf("with given keys, stages %v, want %v", stages, want)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestNewSetupErrors(t *testing.T) {
	s := testSetup(t)
	for _, tt := range []struct {
		opt  Options
		want string
	}{
		{Options{KeyBits: 1000}, "pki: key size 1000 is not offered: choose 2048, 3072 or 4096"},
		{Options{KeyBits: 1024}, "pki: key size 1024 is not offered: choose 2048, 3072 or 4096"},
		{Options{CAKeyBits: 8192}, "pki: CA key size 8192 is not offered: choose 2048, 3072 or 4096"},
		{Options{KeyBits: 3072, Key: s.Key}, "pki: key size 3072 was asked for but the given key is RSA-2048: set one or the other"},
		{Options{ServerName: "10.0.0.1"}, `pki: server name "10.0.0.1" is an IP address: give a DNS name such as "playground.test"`},
		{Options{ServerName: "bad name"}, `pki: server name "bad name" contains ' ': a DNS name has letters, digits, '-' and '.' only`},
		{Options{Rand: bytes.NewReader(nil), CAKey: s.CAKey, Key: s.Key}, "pki: reading a serial number from the random source: EOF"},
	} {
		_, err := NewSetup(tt.opt)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewSetup(%+v) error = %v, want %q", tt.opt, err, tt.want)
		}
	}
}

// TestDeterministic checks what replays from a seed. crypto/rsa.GenerateKey
// reads one extra byte from a caller's reader with probability 1/2
// (randutil.MaybeReadByte), so keys generated from rng.New(seed) are one of
// two; with the keys given, the certificates depend on Rand and Now only.
func TestDeterministic(t *testing.T) {
	s := testSetup(t)
	gen := func(seed string) *Setup {
		t.Helper()
		o, err := NewSetup(Options{Rand: rng.New([]byte(seed)), Now: testNow, CAKey: s.CAKey, Key: s.Key})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	a, b, c := gen("seed"), gen("seed"), gen("another seed")
	if !bytes.Equal(a.CA.Raw, b.CA.Raw) || !bytes.Equal(a.Leaf.Raw, b.Leaf.Raw) {
		t.Error("same seed and keys gave different certificates")
	}
	if a.CA.SerialNumber.Cmp(c.CA.SerialNumber) == 0 || a.Leaf.SerialNumber.Cmp(c.Leaf.SerialNumber) == 0 {
		t.Error("different seeds gave the same serial numbers")
	}

	// The serials are drawn before key generation, so they do not depend on
	// how many bytes GenerateKey read: the fixture (keys generated from the
	// "pki test" stream) has the serials of its seed.
	d, err := NewSetup(Options{Rand: rng.New([]byte("pki test")), Now: testNow, CAKey: s.CAKey, Key: s.Key})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.CA.Raw, s.CA.Raw) || !bytes.Equal(d.Leaf.Raw, s.Leaf.Raw) {
		t.Error("regenerating the fixture's certificates from its seed and keys gave different DER")
	}
}

// TestDeterministicGlobalRandom checks that NewSetup adds no randomness or
// clock reading of its own: when Go's key generation is reproducible, so is
// the whole setup, keys included. That takes testing/cryptotest (tests only)
// and cryptocustomrand=0 for this test: under the module's
// cryptocustomrand=1, cryptotest's reader is a custom reader and gets
// MaybeReadByte like any other.
func TestDeterministicGlobalRandom(t *testing.T) {
	gen := func() *Setup {
		t.Helper()
		t.Setenv("GODEBUG", "cryptocustomrand=0")
		cryptotest.SetGlobalRandom(t, 42)
		s, err := NewSetup(Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := gen(), gen()
	if !a.CAKey.Equal(b.CAKey) || !a.Key.Equal(b.Key) {
		t.Error("same global seed gave different keys")
	}
	if !bytes.Equal(a.CA.Raw, b.CA.Raw) || !bytes.Equal(a.Leaf.Raw, b.Leaf.Raw) {
		t.Error("same global seed gave different certificates")
	}
}

// checkNames is the order of the checks for a one-certificate chain.
var checkNames = []string{
	"signature on leaf",
	"validity of leaf",
	"validity of root",
	"host name",
	"trusted root",
	"basic constraints",
	"extended key usage",
	"key usage",
}

// wantChecks fails t unless r's checks have the names of checkNames and
// exactly the named ones fail.
func wantChecks(t *testing.T, r VerifyResult, failing ...string) {
	t.Helper()
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
		want := !contains(failing, c.Name)
		if c.OK != want {
			t.Errorf("check %q: ok %v, want %v (%s)", c.Name, c.OK, want, c.Detail)
		}
		if c.Detail == "" {
			t.Errorf("check %q has no detail", c.Name)
		}
	}
	if !reflect.DeepEqual(names, checkNames) {
		t.Errorf("checks %q, want %q", names, checkNames)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestVerify(t *testing.T) {
	s := testSetup(t)
	r := Verify(s.Chain, s.Roots(), s.ServerName, testNow)
	if !r.OK || r.Err != nil {
		t.Fatalf("Verify: ok %v, err %v", r.OK, r.Err)
	}
	if len(r.Chain) != 2 || !r.Chain[0].Equal(s.Leaf) || !r.Chain[1].Equal(s.CA) {
		t.Errorf("verified chain has %d certificates, want leaf and root", len(r.Chain))
	}
	wantChecks(t, r)
	for _, c := range r.Checks {
		t.Logf("%-20s %v  %s", c.Name, c.OK, c.Detail)
	}

	// A server that also sends the root: still fine, the path is the same.
	r = Verify([][]byte{s.Leaf.Raw, s.CA.Raw}, s.Roots(), s.ServerName, testNow)
	if !r.OK {
		t.Errorf("with the root sent too: %v", r.Err)
	}
	wantChecks(t, r)

	// Host names are case-insensitive (RFC 4343).
	if r := Verify(s.Chain, s.Roots(), strings.ToUpper(s.ServerName), testNow); !r.OK {
		t.Errorf("upper-case name: %v", r.Err)
	}
}

func TestVerifyWrongName(t *testing.T) {
	s := testSetup(t)
	r := Verify(s.Chain, s.Roots(), "evil.test", testNow)
	var herr x509.HostnameError
	if r.OK || !errors.As(r.Err, &herr) {
		t.Fatalf("Verify: ok %v, err %v; want a HostnameError", r.OK, r.Err)
	}
	if want := "x509: certificate is valid for playground.test, not evil.test"; r.Err.Error() != want {
		t.Errorf("err = %q, want %q", r.Err, want)
	}
	if r.Chain != nil {
		t.Error("a rejected chain is returned")
	}
	wantChecks(t, r, "host name")
}

func TestVerifyNoName(t *testing.T) {
	s := testSetup(t)
	r := Verify(s.Chain, s.Roots(), "", testNow)
	if r.OK || r.Err == nil || !strings.HasPrefix(r.Err.Error(), "pki: no server name") {
		t.Fatalf("Verify: ok %v, err %v; want no server name", r.OK, r.Err)
	}
	wantChecks(t, r, "host name")
}

func TestVerifyOtherCA(t *testing.T) {
	s, o := testSetup(t), otherSetup(t)
	r := Verify(s.Chain, o.Roots(), s.ServerName, testNow)
	var uerr x509.UnknownAuthorityError
	if r.OK || !errors.As(r.Err, &uerr) {
		t.Fatalf("Verify: ok %v, err %v; want an UnknownAuthorityError", r.OK, r.Err)
	}
	for _, c := range r.Checks {
		t.Logf("%-20s %v  %s", c.Name, c.OK, c.Detail)
	}
	// No path: the checks cover the leaf alone.
	want := []string{"signature on leaf", "validity of leaf", "host name", "trusted root", "basic constraints", "extended key usage", "key usage"}
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
		if c.OK != !(c.Name == "signature on leaf" || c.Name == "trusted root") {
			t.Errorf("check %q: ok %v (%s)", c.Name, c.OK, c.Detail)
		}
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("checks %q, want %q", names, want)
	}

	// Nil roots: an empty trust store, never the system's.
	if r := Verify(s.Chain, nil, s.ServerName, testNow); r.OK || !errors.As(r.Err, &uerr) {
		t.Errorf("nil roots: ok %v, err %v", r.OK, r.Err)
	}
}

// TestVerifyPathLength issues an intermediate under the root, whose path
// length constraint is 0 (RFC 5280, Section 4.2.1.9): the chain is refused.
func TestVerifyPathLength(t *testing.T) {
	s := testSetup(t)
	issue := func(template, parent *x509.Certificate, pub *rsa.PublicKey, priv *rsa.PrivateKey) *x509.Certificate {
		t.Helper()
		der, err := x509.CreateCertificate(rng.New([]byte(template.Subject.CommonName)), template, parent, pub, priv)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	inter := issue(&x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Intermediate"},
		NotBefore: s.Leaf.NotBefore, NotAfter: s.Leaf.NotAfter,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}, s.CA, &s.Key.PublicKey, s.CAKey)
	leaf := issue(&x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: s.ServerName}, DNSNames: []string{s.ServerName},
		NotBefore: s.Leaf.NotBefore, NotAfter: s.Leaf.NotAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, inter, &s.CAKey.PublicKey, s.Key)

	r := Verify([][]byte{leaf.Raw, inter.Raw}, s.Roots(), s.ServerName, testNow)
	if r.OK || r.Err == nil || !strings.Contains(r.Err.Error(), "too many intermediates") {
		t.Fatalf("Verify: ok %v, err %v; want too many intermediates", r.OK, r.Err)
	}
	for _, c := range r.Checks {
		failing := c.Name == "signature on intermediate 1" || c.Name == "trusted root" || c.Name == "basic constraints"
		if c.OK == failing {
			t.Errorf("check %q: ok %v (%s)", c.Name, c.OK, c.Detail)
		}
	}
	for _, c := range r.Checks {
		t.Logf("%-28s %v  %s", c.Name, c.OK, c.Detail)
	}
	if n := len(r.Checks); n != 9 {
		t.Errorf("%d checks, want 9: %+v", n, r.Checks)
	}
}

func TestVerifyTime(t *testing.T) {
	s := testSetup(t)
	after := s.Leaf.NotAfter.Add(time.Second)
	r := Verify(s.Chain, s.Roots(), s.ServerName, after)
	var ierr x509.CertificateInvalidError
	if r.OK || !errors.As(r.Err, &ierr) || ierr.Reason != x509.Expired {
		t.Fatalf("after notAfter: ok %v, err %v; want expired", r.OK, r.Err)
	}
	wantChecks(t, r, "validity of leaf")

	// At notAfter itself the certificate is still valid (RFC 5280, Section
	// 4.1.2.5: the period includes both ends).
	if r := Verify(s.Chain, s.Roots(), s.ServerName, s.Leaf.NotAfter); !r.OK {
		t.Errorf("at notAfter: %v", r.Err)
	}

	before := s.Leaf.NotBefore.Add(-time.Second)
	r = Verify(s.Chain, s.Roots(), s.ServerName, before)
	if r.OK || !errors.As(r.Err, &ierr) || ierr.Reason != x509.Expired {
		t.Fatalf("before notBefore: ok %v, err %v; want not yet valid", r.OK, r.Err)
	}
	wantChecks(t, r, "validity of leaf", "validity of root")
}

func TestVerifyBadInput(t *testing.T) {
	s := testSetup(t)
	r := Verify(nil, s.Roots(), s.ServerName, testNow)
	if r.OK || r.Err == nil {
		t.Error("an empty chain verified")
	}
	r = Verify([][]byte{s.Leaf.Raw, []byte("not DER")}, s.Roots(), s.ServerName, testNow)
	if r.OK || r.Err == nil || !strings.HasPrefix(r.Err.Error(), "pki: certificate 2 of 2 (intermediate 1) does not parse: x509: ") {
		t.Errorf("garbage intermediate: ok %v, err %v", r.OK, r.Err)
	}
	if len(r.Checks) != 1 || r.Checks[0].OK {
		t.Errorf("garbage intermediate: checks %+v", r.Checks)
	}
	truncated := s.Leaf.Raw[:len(s.Leaf.Raw)-1]
	if r := Verify([][]byte{truncated}, s.Roots(), s.ServerName, testNow); r.OK || !strings.Contains(fmtErr(r.Err), "certificate 1 of 1 (leaf)") {
		t.Errorf("truncated leaf: ok %v, err %v", r.OK, r.Err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestDescribe(t *testing.T) {
	s := testSetup(t)
	leaf := Describe(s.Leaf)
	sum := sha256.Sum256(s.Leaf.Raw)
	want := CertInfo{
		Subject:            "CN=playground.test",
		Issuer:             "CN=TLS Playground Root CA,O=TLS Playground",
		Serial:             hex.EncodeToString(s.Leaf.SerialNumber.Bytes()),
		NotBefore:          "2026-03-14T14:09:26Z",
		NotAfter:           "2026-06-12T15:09:26Z",
		DNSNames:           []string{"playground.test"},
		IsCA:               false,
		KeyUsage:           []string{"digitalSignature", "keyEncipherment"},
		ExtKeyUsage:        []string{"serverAuth"},
		PublicKey:          "RSA-2048",
		SignatureAlgorithm: "SHA256-RSA",
		DERHex:             hex.EncodeToString(s.Leaf.Raw),
		SHA256:             hex.EncodeToString(sum[:]),
	}
	if !reflect.DeepEqual(leaf, want) {
		t.Errorf("Describe(leaf) =\n%+v\nwant\n%+v", leaf, want)
	}
	if len(leaf.Serial) != 32 && len(leaf.Serial) != 30 { // a leading zero byte is dropped
		t.Errorf("serial %s is not 128 bits of hex", leaf.Serial)
	}

	ca := Describe(s.CA)
	if ca.Subject != "CN=TLS Playground Root CA,O=TLS Playground" || ca.Issuer != ca.Subject || !ca.IsCA ||
		!reflect.DeepEqual(ca.KeyUsage, []string{"certSign", "crlSign"}) || ca.NotAfter != "2036-03-14T15:09:26Z" {
		t.Errorf("Describe(CA) = %+v", ca)
	}

	// JSON: the field names the page uses, and [] rather than null.
	j, err := json.Marshal(ca)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	wantKeys := []string{"derHex", "dnsNames", "extKeyUsage", "isCA", "issuer", "keyUsage", "notAfter", "notBefore", "publicKey", "serial", "sha256", "signatureAlgorithm", "subject"}
	if !sameSet(keys, wantKeys) {
		t.Errorf("JSON keys %q, want %q", keys, wantKeys)
	}
	if !bytes.Contains(j, []byte(`"dnsNames":[]`)) || !bytes.Contains(j, []byte(`"extKeyUsage":[]`)) {
		t.Errorf("empty lists are not [] in %s", j)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}
