package pki

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/rng"
)

var (
	webOnce  sync.Once
	webSetup *Setup
	webErr   error
)

// publicSetup is NewSetup as a public CA issues: from an intermediate, with
// SCTs from both logs and a good OCSP response to staple.
func publicSetup(t *testing.T) *Setup {
	t.Helper()
	webOnce.Do(func() {
		f := testSetup(t)
		webSetup, webErr = NewSetup(Options{Rand: rng.New([]byte("webpki")), Now: testNow, CAKey: f.CAKey, Key: f.Key,
			Intermediate: true, CT: true, OCSP: true})
	})
	if webErr != nil {
		t.Fatal(webErr)
	}
	return webSetup
}

func failingChecks(checks []Check) []string {
	var out []string
	for _, c := range checks {
		if !c.OK {
			out = append(out, c.Name)
		}
		if c.Detail == "" {
			out = append(out, c.Name+" (no detail)")
		}
	}
	return out
}

var ocspCheckNames = []string{"OCSP response parses", "OCSP signature", "OCSP response is for this certificate", "OCSP response is current", "certificate status"}

func checkNamesOf(checks []Check) string {
	var n []string
	for _, c := range checks {
		n = append(n, c.Name)
	}
	return strings.Join(n, ", ")
}

// TestOCSPGood: the issuer's good response is accepted, every check passes.
func TestOCSPGood(t *testing.T) {
	s := publicSetup(t)
	if len(s.OCSPResponse) == 0 {
		t.Fatal("no OCSP response")
	}
	r := CheckOCSP(s.OCSPResponse, s.Leaf, s.Issuer(), testNow)
	for _, c := range r.Checks {
		t.Logf("%-40s %-5v %s", c.Name, c.OK, c.Detail)
	}
	if !r.OK || r.Err != nil || r.Status != OCSPGood || !r.Stapled {
		t.Fatalf("ok %v, err %v, status %q", r.OK, r.Err, r.Status)
	}
	if f := failingChecks(r.Checks); f != nil {
		t.Errorf("failing %q", f)
	}
	if got := checkNamesOf(r.Checks); got != strings.Join(ocspCheckNames, ", ") {
		t.Errorf("checks %s", got)
	}
	// ocsp's own parser agrees: signed by the intermediate, about the leaf.
	p, err := ocsp.ParseResponseForCert(s.OCSPResponse, s.Leaf, s.Intermediate)
	if err != nil || p.Status != ocsp.Good {
		t.Errorf("ocsp.ParseResponseForCert: %v", err)
	}
	if _, err := ocsp.ParseResponseForCert(s.OCSPResponse, s.Leaf, s.CA); err == nil {
		t.Error("the response verifies with the root's key")
	}
}

// TestOCSPVariants: revoked and expired responses, and every way a staple
// can be unsatisfactory, each fail exactly their check with the right alert.
func TestOCSPVariants(t *testing.T) {
	s := publicSetup(t)
	mint := func(variant string) []byte {
		der, err := NewOCSPResponse(s.Leaf, s.Intermediate, s.IntermediateKey, variant, testNow)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	tampered := bytes.Clone(s.OCSPResponse)
	tampered[len(tampered)-5] ^= 0x01 // inside the signature, the last field
	other := otherSetup(t)
	tests := []struct {
		name    string
		resp    []byte
		leaf    *x509.Certificate
		issuer  *x509.Certificate
		alert   alert.Alert
		status  string
		failing []string
		err     string
	}{
		{"revoked", mint(OCSPRevoked), s.Leaf, s.Intermediate, alert.CertificateRevoked, OCSPRevoked, []string{"certificate status"},
			`pki: the certificate for "playground.test" was revoked at 2026-03-12T15:09:26Z (keyCompromise), says the OCSP response its issuer signed`},
		{"expired", mint(OCSPExpired), s.Leaf, s.Intermediate, AlertBadCertificateStatusResponse, OCSPGood, []string{"OCSP response is current"},
			"pki: the stapled OCSP response is out of date: nextUpdate 2026-03-12T15:09:26Z passed 48h0m0s before"},
		{"another certificate", s.OCSPResponse, other.Leaf, s.Intermediate, AlertBadCertificateStatusResponse, OCSPGood, []string{"OCSP response is for this certificate"},
			"pki: the stapled OCSP response is not about this certificate: the response is about serial number"},
		{"the root as issuer", s.OCSPResponse, s.Leaf, s.CA, AlertBadCertificateStatusResponse, OCSPGood, []string{"OCSP signature", "OCSP response is for this certificate"},
			"pki: the stapled OCSP response is not signed by the certificate's issuer"},
		{"tampered signature", tampered, s.Leaf, s.Intermediate, AlertBadCertificateStatusResponse, OCSPGood, []string{"OCSP signature"},
			"pki: the stapled OCSP response is not signed by the certificate's issuer"},
		{"garbage", []byte("not an OCSP response"), s.Leaf, s.Intermediate, AlertBadCertificateStatusResponse, "", []string{"OCSP response parses"},
			"pki: the stapled OCSP response does not parse"},
		{"tryLater", ocsp.TryLaterErrorResponse, s.Leaf, s.Intermediate, AlertBadCertificateStatusResponse, "", []string{"OCSP response parses"},
			"pki: the stapled OCSP response does not parse"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckOCSP(tc.resp, tc.leaf, tc.issuer, testNow)
			for _, c := range r.Checks {
				t.Logf("%-40s %-5v %s", c.Name, c.OK, c.Detail)
			}
			if r.OK || r.Err == nil {
				t.Fatal("accepted")
			}
			if r.Alert != tc.alert || r.Status != tc.status {
				t.Errorf("alert %v status %q, want %v %q", r.Alert, r.Status, tc.alert, tc.status)
			}
			if !strings.HasPrefix(r.Err.Error(), tc.err) {
				t.Errorf("error\n got %v\nwant %s…", r.Err, tc.err)
			}
			if got := failingChecks(r.Checks); strings.Join(got, ", ") != strings.Join(tc.failing, ", ") {
				t.Errorf("failing %q, want %q", got, tc.failing)
			}
		})
	}
}

// TestOCSPForeignCertID: a response signed by the right issuer for the
// right serial number, but naming another CA in its CertID, is refused.
func TestOCSPForeignCertID(t *testing.T) {
	s := publicSetup(t)
	other := otherSetup(t)
	// CreateResponse hashes the first certificate's name and key into the
	// CertID and signs with the key given: the intermediate's.
	der, err := ocsp.CreateResponse(other.CA, s.Intermediate, ocsp.Response{Status: ocsp.Good, SerialNumber: s.Leaf.SerialNumber,
		ThisUpdate: testNow.Add(-time.Hour), NextUpdate: testNow.Add(time.Hour)}, s.IntermediateKey)
	if err != nil {
		t.Fatal(err)
	}
	r := CheckOCSP(der, s.Leaf, s.Intermediate, testNow)
	if r.OK || r.Alert != AlertBadCertificateStatusResponse {
		t.Fatalf("ok %v alert %v", r.OK, r.Alert)
	}
	if got := failingChecks(r.Checks); strings.Join(got, ",") != "OCSP response is for this certificate" {
		t.Errorf("failing %q", got)
	}
	if !strings.Contains(r.Err.Error(), "hashes of the issuer's name and key") {
		t.Errorf("error %v", r.Err)
	}
}

// TestOCSPNone: no staple is no refusal (soft-fail), and says so.
func TestOCSPNone(t *testing.T) {
	s := publicSetup(t)
	r := CheckOCSP(nil, s.Leaf, s.Issuer(), testNow)
	if !r.OK || r.Stapled || len(r.Checks) != 1 || !strings.Contains(r.Checks[0].Detail, "soft-fail") {
		t.Errorf("%+v", r)
	}
	if _, err := NewOCSPResponse(s.Leaf, s.Intermediate, s.IntermediateKey, "stale", testNow); err == nil {
		t.Error("an unknown variant was minted")
	}
}

// TestSCTs: both logs' SCTs verify over the precertificate entry and
// satisfy the policy; the leaf still passes path validation.
func TestSCTs(t *testing.T) {
	s := publicSetup(t)
	scts, err := EmbeddedSCTs(s.Leaf)
	if err != nil || len(scts) != 2 {
		t.Fatalf("%d SCTs, %v", len(scts), err)
	}
	for i, l := range CTLogs() {
		if scts[i].LogID != l.ID || !scts[i].Timestamp.Equal(s.Leaf.NotBefore) {
			t.Errorf("SCT %d: log %X at %v", i+1, scts[i].LogID[:4], scts[i].Timestamp)
		}
	}
	r := CheckSCTs(s.Leaf, s.Issuer(), nil, false, testNow)
	for _, c := range r.Checks {
		t.Logf("%-32s %-5v %s", c.Name, c.OK, c.Detail)
	}
	if !r.OK || r.Err != nil || r.Valid != 2 || r.Exempt {
		t.Fatalf("%+v", r)
	}
	if got := checkNamesOf(r.Checks); got != "SCT 1, SCT 2, Certificate Transparency policy" {
		t.Errorf("checks %s", got)
	}
	if v := Verify(s.Chain, s.Roots(), s.ServerName, testNow); !v.OK {
		t.Errorf("the leaf with SCTs does not verify: %v", v.Err)
	}
	// The removed extension gives back the TBSCertificate the logs signed:
	// without it, no SCT would verify. Removing one that is absent fails.
	if _, err := removeExtension(s.Intermediate.RawTBSCertificate, oidSCTList); err == nil {
		t.Error("removed an SCT list the intermediate does not have")
	}
}

// TestSCTFailures: no SCTs, too few known logs, SCTs moved to another
// certificate, a clock before the timestamps; and the local-root exemption.
func TestSCTFailures(t *testing.T) {
	s := publicSetup(t)
	bare := testSetup(t) // issued without SCTs
	// Another certificate carrying s.Leaf's SCT list: the signatures were
	// made over s.Leaf's precertificate, not this one.
	var list pkix.Extension
	for _, e := range s.Leaf.Extensions {
		if e.Id.Equal(oidSCTList) {
			list = e
		}
	}
	tmpl := *s.Leaf
	tmpl.ExtraExtensions = []pkix.Extension{list}
	tmpl.Extensions = nil
	tmpl.DNSNames = []string{"mallory.test"}
	der, err := x509.CreateCertificate(rng.New([]byte("moved")), &tmpl, s.Intermediate, s.Leaf.PublicKey, rfc6979{s.IntermediateKey.(*ecdsa.PrivateKey)})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		leaf    *x509.Certificate
		known   []*CTLog
		now     time.Time
		valid   int
		failing []string
	}{
		{"no SCTs", bare.Leaf, nil, testNow, 0, []string{"Certificate Transparency policy"}},
		{"one known log", s.Leaf, CTLogs()[:1], testNow, 1, []string{"SCT 2", "Certificate Transparency policy"}},
		{"SCTs of another certificate", moved, nil, testNow, 0, []string{"SCT 1", "SCT 2", "Certificate Transparency policy"}},
		{"clock before the SCTs", s.Leaf, nil, s.Leaf.NotBefore.Add(-time.Second), 0, []string{"SCT 1", "SCT 2", "Certificate Transparency policy"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckSCTs(tc.leaf, s.Intermediate, tc.known, false, tc.now)
			for _, c := range r.Checks {
				t.Logf("%-32s %-5v %s", c.Name, c.OK, c.Detail)
			}
			if r.OK || r.Err == nil || r.Valid != tc.valid {
				t.Fatalf("ok %v err %v valid %d", r.OK, r.Err, r.Valid)
			}
			if got := failingChecks(r.Checks); strings.Join(got, ", ") != strings.Join(tc.failing, ", ") {
				t.Errorf("failing %q, want %q", got, tc.failing)
			}
			// A root the user added is exempt, whatever the SCTs.
			ex := CheckSCTs(tc.leaf, s.Intermediate, tc.known, true, tc.now)
			if !ex.OK || !ex.Exempt || ex.Err != nil || !strings.Contains(ex.Checks[len(ex.Checks)-1].Detail, "added to this client's trust store") {
				t.Errorf("local root: %+v", ex)
			}
		})
	}
}

// TestWebPKIOpenSSL: OpenSSL, an independent parser, reads the SCT list
// (both logs' IDs and timestamps) and the OCSP response (good, the serial).
func TestWebPKIOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl")
	}
	s := publicSetup(t)
	dir := t.TempDir()
	cert, resp := filepath.Join(dir, "leaf.pem"), filepath.Join(dir, "ocsp.der")
	if err := os.WriteFile(cert, CertPEM(s.Leaf.Raw), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(resp, s.OCSPResponse, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("openssl", "x509", "-in", cert, "-noout", "-text").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl x509: %v\n%s", err, out)
	}
	text := string(out)
	if !strings.Contains(text, "CT Precertificate SCTs") || strings.Count(text, "Signed Certificate Timestamp:") != 2 {
		t.Errorf("openssl does not read two SCTs:\n%s", text)
	}
	for _, l := range CTLogs() {
		if id := colonHex(l.ID[:16]); !strings.Contains(text, id) {
			t.Errorf("log ID %s not in openssl's output", id)
		}
	}
	out, err = exec.Command("openssl", "ocsp", "-respin", resp, "-resp_text", "-noverify").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl ocsp: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Cert Status: good") || !strings.Contains(string(out), "Response Status: successful") {
		t.Errorf("openssl ocsp:\n%s", out)
	}
}

func colonHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	var sb strings.Builder
	for i, x := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteByte(digits[x>>4])
		sb.WriteByte(digits[x&15])
	}
	return sb.String()
}

// TestCertificateStatus: the CertificateStatus encoding round-trips and
// refuses what RFC 6066 §8 does not define.
func TestCertificateStatus(t *testing.T) {
	s := publicSetup(t)
	b, err := MarshalCertificateStatus(s.OCSPResponse)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 1 || len(b) != 4+len(s.OCSPResponse) || int(b[1])<<16|int(b[2])<<8|int(b[3]) != len(s.OCSPResponse) {
		t.Errorf("header % x for %d bytes", b[:4], len(s.OCSPResponse))
	}
	got, err := ParseCertificateStatus(b)
	if err != nil || !bytes.Equal(got, s.OCSPResponse) {
		t.Errorf("round trip: %v", err)
	}
	bad := bytes.Clone(b)
	bad[0] = 2 // ocsp_multi is RFC 6961's, not offered here
	for name, data := range map[string][]byte{"status_type 2": bad, "short": b[:len(b)-1], "trailing": append(bytes.Clone(b), 0), "empty": {1, 0, 0, 0}} {
		if _, err := ParseCertificateStatus(data); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	if _, err := MarshalCertificateStatus(nil); err == nil {
		t.Error("stapled nothing")
	}
}

// TestCheckWebPKI: the combined check a TLS client runs after Verify, on
// the verified path: the public setup passes; a revoked staple refuses
// first, with certificate_revoked; a leaf without SCTs with bad_certificate,
// unless its root was added locally.
func TestCheckWebPKI(t *testing.T) {
	s := publicSetup(t)
	v := Verify(s.Chain, s.Roots(), s.ServerName, testNow)
	if !v.OK {
		t.Fatal(v.Err)
	}
	r := CheckWebPKI(v.Chain, s.OCSPResponse, false, testNow)
	if !r.OK || r.Err != nil || len(r.Checks) != len(ocspCheckNames)+3 {
		t.Fatalf("ok %v err %v, %d checks", r.OK, r.Err, len(r.Checks))
	}
	revoked, err := NewOCSPResponse(s.Leaf, s.Intermediate, s.IntermediateKey, OCSPRevoked, testNow)
	if err != nil {
		t.Fatal(err)
	}
	bare := testSetup(t) // root → leaf, no SCTs, no staple
	bv := Verify(bare.Chain, bare.Roots(), bare.ServerName, testNow)
	for _, tc := range []struct {
		name   string
		path   []*x509.Certificate
		staple []byte
		local  bool
		ok     bool
		alert  alert.Alert
	}{
		{"revoked", v.Chain, revoked, false, false, alert.CertificateRevoked},
		{"no SCTs", bv.Chain, nil, false, false, alert.BadCertificate},
		{"no SCTs, local root", bv.Chain, nil, true, true, 0},
		{"no path", v.Chain[:1], nil, false, false, alert.BadCertificate},
	} {
		r := CheckWebPKI(tc.path, tc.staple, tc.local, testNow)
		if r.OK != tc.ok || (!tc.ok && (r.Alert != tc.alert || r.Err == nil)) {
			t.Errorf("%s: ok %v alert %v err %v", tc.name, r.OK, r.Alert, r.Err)
		}
	}
}
