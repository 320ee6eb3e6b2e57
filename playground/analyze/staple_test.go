package analyze

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
)

// TestCertificateStatus: the engine's TLS 1.2 ends with OCSP stapling
// (RFC 6066, Section 8): every byte of the server's CertificateStatus is
// read, as status_type ocsp and the OCSP response, which is the staple.
func TestCertificateStatus(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, Intermediate: true, CT: true, OCSP: true,
		Rand: rng.New([]byte("analyze staple"))})
	if err != nil {
		t.Fatal(err)
	}
	staple, err := pki.NewOCSPResponse(s.Leaf, s.Issuer(), s.IssuerKey(), pki.OCSPGood, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := tls12.Client(&tls12.Config{Rand: rng.New([]byte("c")), ServerName: s.ServerName, Roots: s.Roots(), WebPKI: true,
		Suites: []*suites.Suite{suites.ECDHEECDSAWithAES128GCMSHA256}})
	srv := tls12.Server(&tls12.Config{Rand: rng.New([]byte("s")), Certificates: s.Chain, Signer: s.Signer, OCSPStaple: staple})
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	a := New()
	seen := map[string]int{}
	var statusValue string
	for moved := true; moved; {
		moved = false
		for _, e := range []struct {
			client   bool
			from, to *tls12.Conn
		}{{true, c, srv}, {false, srv, c}} {
			for _, o := range e.from.TakeOutput() {
				moved = true
				if !o.Encrypted {
					tr := a.Record(Record{FromClient: e.client, Wire: o.Wire})
					checkTree(t, o.Name, tr.Wire, len(o.Wire), false)
					if !bytes.Equal(leaves(tr.Wire, o.Wire), o.Wire) {
						t.Errorf("%s: the leaves are not the record", o.Name)
					}
					kindsSeen(tr.Wire, seen)
					if o.Name == "CertificateStatus" {
						statusValue = hexOfField(t, tr.Wire, o.Wire, "certificate_status.ocsp_response.data")
					}
				}
				if err := e.to.Receive(o.Wire); err != nil {
					t.Fatalf("%s: %v", o.Name, err)
				}
			}
		}
	}
	if !c.HandshakeComplete() {
		t.Fatal("handshake did not complete")
	}
	for _, k := range []string{"handshake.certificate_status", "certificate_status.status_type", "certificate_status.ocsp_response"} {
		if seen[k] != 1 {
			t.Errorf("kind %s seen %d times, want once", k, seen[k])
		}
	}
	if statusValue != string(staple) {
		t.Error("the OCSP response field is not the staple's bytes")
	}
	if v := ocspSummary(staple); !strings.HasPrefix(v, "good, serial ") || !strings.Contains(v, "next update") {
		t.Errorf("the OCSP response reads %q", v)
	}
	revoked, err := pki.NewOCSPResponse(s.Leaf, s.Issuer(), s.IssuerKey(), pki.OCSPRevoked, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if v := ocspSummary(revoked); !strings.HasPrefix(v, "revoked since ") {
		t.Errorf("the revoked OCSP response reads %q", v)
	}
}

// hexOfField returns the bytes of the first field of kind k.
func hexOfField(t *testing.T, f *Field, b []byte, k string) string {
	if f.Kind == k {
		return string(b[f.Offset : f.Offset+f.Length])
	}
	for _, c := range f.Children {
		if s := hexOfField(t, c, b, k); s != "" {
			return s
		}
	}
	return ""
}
