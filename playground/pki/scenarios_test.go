package pki

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"tlsplayground/playground/rng"
)

// scenarioSetup mints kind at testNow with the fixture's keys.
func scenarioSetup(t *testing.T, kind string) *Setup {
	t.Helper()
	f := testSetup(t)
	s, err := NewScenarioSetup(kind, Options{Rand: rng.New([]byte("scenario " + kind)), Now: testNow, CAKey: f.CAKey, Key: f.Key})
	if err != nil {
		t.Fatalf("NewScenarioSetup(%q): %v", kind, err)
	}
	return s
}

// TestScenarioVerify checks each certificate scenario against Verify: the
// exact error crypto/x509 (or the key strength policy) returns, its type,
// and the checks that fail.
func TestScenarioVerify(t *testing.T) {
	tests := []struct {
		kind    string
		err     string // the whole error, or, ending in "…", its prefix
		is      func(error) bool
		failing []string
	}{
		{ScenarioValid, "", nil, nil},
		{ScenarioExpired, "x509: certificate has expired or is not yet valid: current time 2026-03-14T15:09:26Z is after 2026-03-04T15:09:26Z",
			reason(x509.Expired), []string{"validity of leaf"}},
		{ScenarioNotYetValid, "x509: certificate has expired or is not yet valid: current time 2026-03-14T15:09:26Z is before 2026-03-16T15:09:26Z",
			reason(x509.Expired), []string{"validity of leaf"}},
		{ScenarioWrongHost, "x509: certificate is valid for other.test, not playground.test",
			func(err error) bool { var e x509.HostnameError; return errors.As(err, &e) }, []string{"host name"}},
		{ScenarioSelfSigned, "x509: certificate signed by unknown authority",
			unknownAuthority, []string{"trusted root"}},
		{ScenarioUntrustedRoot, "x509: certificate signed by unknown authority",
			unknownAuthority, []string{"signature on leaf", "trusted root"}},
		{ScenarioMissingIntermediate, "x509: certificate signed by unknown authority",
			unknownAuthority, []string{"signature on leaf", "trusted root"}},
		{ScenarioTamperedSignature, `x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "TLS Playground Root CA")`,
			unknownAuthority, []string{"signature on leaf", "trusted root"}},
		{ScenarioIntermediateNotCA, `x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "TLS Playground Intermediate CA")`,
			unknownAuthority, []string{"signature on leaf", "signature on intermediate 1", "trusted root", "basic constraints"}},
		{ScenarioNoServerAuth, "x509: certificate specifies an incompatible key usage",
			reason(x509.IncompatibleUsage), []string{"extended key usage"}},
		{ScenarioRSA1024, `pki: the leaf certificate "CN=playground.test" has an RSA-1024 key: this client refuses RSA keys shorter than 2048 bits, the minimum for public certificates since 2014`,
			func(err error) bool {
				var e *WeakKeyError
				return errors.As(err, &e) && e.Bits == 1024 && e.Role == "leaf"
			}, []string{"key strength"}},
		{ScenarioSHA1, `x509: certificate signed by unknown authority (possibly because of "x509: cannot verify signature: insecure algorithm SHA1-RSA" while trying to verify candidate authority certificate "TLS Playground Root CA")`,
			unknownAuthority, []string{"signature on leaf", "trusted root"}},
		// The chain of each WebPKI scenario is valid: its defect is in the
		// stapled response or the SCTs (ocsp_test.go, ct_test.go).
		{ScenarioRevoked, "", nil, nil},
		{ScenarioOCSPExpired, "", nil, nil},
		{ScenarioNoSCT, "", nil, nil},
	}
	if len(tests) != len(ScenarioKinds()) {
		t.Fatalf("%d cases for %d scenarios", len(tests), len(ScenarioKinds()))
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			s := scenarioSetup(t, tc.kind)
			r := Verify(s.Chain, s.Roots(), s.ServerName, testNow)
			for _, c := range r.Checks {
				t.Logf("%-28s %-5v %s", c.Name, c.OK, c.Detail)
			}
			if tc.err == "" {
				if !r.OK || r.Err != nil {
					t.Fatalf("Verify: ok %v, err %v; want a valid chain", r.OK, r.Err)
				}
				if n := len(r.Chain); n != 3 {
					t.Errorf("verified path has %d certificates, want leaf, intermediate and root", n)
				}
			} else {
				if r.OK || r.Err == nil {
					t.Fatalf("Verify accepted the %s chain", tc.kind)
				}
				if got := r.Err.Error(); got != tc.err {
					t.Errorf("error\n got %s\nwant %s", got, tc.err)
				}
				if !tc.is(r.Err) {
					t.Errorf("error %v (%T) is not of the expected type", r.Err, r.Err)
				}
			}
			var failing []string
			for _, c := range r.Checks {
				if !c.OK {
					failing = append(failing, c.Name)
				}
			}
			if strings.Join(failing, ", ") != strings.Join(tc.failing, ", ") {
				t.Errorf("failing checks %q, want %q", failing, tc.failing)
			}
		})
	}
}

func reason(want x509.InvalidReason) func(error) bool {
	return func(err error) bool {
		var e x509.CertificateInvalidError
		return errors.As(err, &e) && e.Reason == want
	}
}

func unknownAuthority(err error) bool {
	var e x509.UnknownAuthorityError
	return errors.As(err, &e)
}

// TestScenarioShapes checks what each scenario mints beyond its verdict:
// what the server sends, whom the client trusts, and the one defect.
func TestScenarioShapes(t *testing.T) {
	f := testSetup(t)
	for _, kind := range ScenarioKinds() {
		s := scenarioSetup(t, kind)
		if !bytes.Equal(s.Chain[0], s.Leaf.Raw) {
			t.Errorf("%s: the chain does not start with the leaf", kind)
		}
		wantChain := 1
		switch kind {
		case ScenarioValid, ScenarioIntermediateNotCA, ScenarioRevoked, ScenarioOCSPExpired, ScenarioNoSCT:
			wantChain = 2
		}
		if len(s.Chain) != wantChain {
			t.Errorf("%s: the server sends %d certificates, want %d", kind, len(s.Chain), wantChain)
		}
		if !s.CAKey.Equal(f.CAKey) {
			t.Errorf("%s: the given CA key was not used", kind)
		}
		if kind != ScenarioRSA1024 && !s.Key.Equal(f.Key) {
			t.Errorf("%s: the given server key was not used", kind)
		}
		if (s.TrustedRoots != nil) != (kind == ScenarioUntrustedRoot) {
			t.Errorf("%s: TrustedRoots %v", kind, s.TrustedRoots)
		}
	}

	s := scenarioSetup(t, ScenarioUntrustedRoot)
	if s.CA.Subject.CommonName != UntrustedCommonName || s.TrustedRoots[0].Subject.CommonName != CACommonName {
		t.Errorf("untrusted root: the chain's root is %q and the client trusts %q", s.CA.Subject, s.TrustedRoots[0].Subject)
	}
	// The trust store is the one the client gets: the chain's own root added
	// to it (Mallory's story) makes it verify.
	roots := s.Roots()
	roots.AddCert(s.CA)
	if r := Verify(s.Chain, roots, s.ServerName, testNow); !r.OK {
		t.Errorf("untrusted root, once trusted: %v", r.Err)
	}

	s = scenarioSetup(t, ScenarioTamperedSignature)
	if err := s.Leaf.CheckSignatureFrom(s.CA); err == nil {
		t.Error("the tampered signature still verifies")
	}
	// Flipping the one byte back restores a certificate the root signed.
	sig := s.Leaf.Signature
	restored := bytes.Clone(s.Leaf.Raw)
	restored[len(restored)-len(sig)+len(sig)/2] ^= 0xff
	if c, err := x509.ParseCertificate(restored); err != nil || c.CheckSignatureFrom(s.CA) != nil {
		t.Errorf("the tampered certificate differs from a signed one by more than one byte (%v)", err)
	}

	s = scenarioSetup(t, ScenarioSHA1)
	if s.Leaf.SignatureAlgorithm != x509.SHA1WithRSA {
		t.Errorf("sha1: the leaf is signed with %v", s.Leaf.SignatureAlgorithm)
	}
	s = scenarioSetup(t, ScenarioRSA1024)
	if k, ok := s.Signer.Public().(*rsa.PublicKey); !ok || k.N.BitLen() != 1024 || s.Key == nil {
		t.Errorf("rsa-1024: the server key is %T", s.Signer)
	}
	s = scenarioSetup(t, ScenarioIntermediateNotCA)
	inter, err := x509.ParseCertificate(s.Chain[1])
	if err != nil {
		t.Fatal(err)
	}
	if !inter.BasicConstraintsValid || inter.IsCA || inter.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Errorf("intermediate-not-ca: basicConstraints valid %v, CA %v, key usage %v", inter.BasicConstraintsValid, inter.IsCA, inter.KeyUsage)
	}
	s = scenarioSetup(t, ScenarioSelfSigned)
	if err := s.Leaf.CheckSignature(s.Leaf.SignatureAlgorithm, s.Leaf.RawTBSCertificate, s.Leaf.Signature); err != nil || s.Leaf.Subject.String() != s.Leaf.Issuer.String() {
		t.Errorf("self-signed: issuer %q, own signature: %v", s.Leaf.Issuer, err)
	}
}

// TestScenarioOptions checks the options NewScenarioSetup shares with
// NewSetup, and its own refusals.
func TestScenarioOptions(t *testing.T) {
	f := testSetup(t)
	if _, err := NewScenarioSetup("nope", Options{}); err == nil || !strings.Contains(err.Error(), `"nope" does not exist: choose valid, expired`) {
		t.Errorf("unknown scenario: %v", err)
	}
	if _, err := NewScenarioSetup(ScenarioExpired, Options{ServerName: "10.0.0.1", CAKey: f.CAKey, Key: f.Key}); err == nil {
		t.Error("an IP address was accepted as the server name")
	}
	// ECDSA server keys, and the wrong host's fallback name.
	s, err := NewScenarioSetup(ScenarioWrongHost, Options{ServerName: WrongHostName, KeyType: KeyECDSA, Rand: rng.New([]byte("ecdsa")), Now: testNow, CAKey: f.CAKey})
	if err != nil {
		t.Fatal(err)
	}
	if s.Key != nil || s.KeyType != KeyECDSA || s.Leaf.DNSNames[0] != AnotherHostName {
		t.Errorf("ecdsa wrong host: key %T, names %q", s.Signer, s.Leaf.DNSNames)
	}
	if r := Verify(s.Chain, s.Roots(), WrongHostName, testNow); r.OK || !strings.Contains(r.Err.Error(), "valid for another.test, not other.test") {
		t.Errorf("ecdsa wrong host: %v", r.Err)
	}
	// RSA-1024 ignores the given server key and type.
	s, err = NewScenarioSetup(ScenarioRSA1024, Options{KeyType: KeyEd25519, Rand: rng.New([]byte("weak")), Now: testNow, CAKey: f.CAKey})
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyType != KeyRSA || s.Key.N.BitLen() != 1024 {
		t.Errorf("rsa-1024 with KeyType ed25519: %s key", s.KeyType)
	}
	// Same keys, Rand and Now: the same certificates.
	a, b := scenarioSetup(t, ScenarioValid), scenarioSetup(t, ScenarioValid)
	if !bytes.Equal(a.Leaf.Raw, b.Leaf.Raw) || !bytes.Equal(a.Chain[1], b.Chain[1]) || !bytes.Equal(a.CA.Raw, b.CA.Raw) {
		t.Error("the same seed gave different certificates")
	}
}
