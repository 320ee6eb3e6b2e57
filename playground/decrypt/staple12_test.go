package decrypt_test

import (
	"bytes"
	"testing"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
)

// TestStapledTLS12: a TLS 1.2 handshake whose server sends a
// CertificateStatus (RFC 6066, Section 8) opens with the client's key log;
// the CertificateStatus is read as its own message, in the clear, holding
// the staple, and the Finished checks, whose transcript covers it, pass.
func TestStapledTLS12(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, Rand: rng.New([]byte("decrypt staple12")), Intermediate: true, CT: true, OCSP: true})
	if err != nil {
		t.Fatal(err)
	}
	c := tls12.Client(&tls12.Config{Rand: rng.New([]byte("c")), ServerName: s.ServerName, Roots: s.Roots(), WebPKI: true})
	srv := tls12.Server(&tls12.Config{Rand: rng.New([]byte("s")), Certificates: s.Chain, Signer: s.Signer, OCSPStaple: s.OCSPResponse})
	var recs []decrypt.Record
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		for _, o := range c.TakeOutput() {
			recs = append(recs, decrypt.Record{FromClient: true, Wire: o.Wire})
			srv.Receive(o.Wire)
		}
		for _, o := range srv.TakeOutput() {
			recs = append(recs, decrypt.Record{Wire: o.Wire})
			c.Receive(o.Wire)
		}
	}
	if !c.HandshakeComplete() || !bytes.Equal(c.OCSPResponse(), s.OCSPResponse) {
		t.Fatalf("handshake %v, staple %d bytes: %v", c.HandshakeComplete(), len(c.OCSPResponse()), c.Err())
	}
	kl, err := decrypt.ParseKeyLog([]byte(c.KeyLog()))
	if err != nil {
		t.Fatal(err)
	}
	r := decrypt.Connection(recs, kl)
	if len(r.Problems) > 0 {
		t.Fatalf("problems: %v", r.Problems)
	}
	found := false
	for _, rr := range r.Records {
		for _, m := range rr.Messages {
			if m == "CertificateStatus" && !rr.FromClient && bytes.Contains(rr.Content, s.OCSPResponse) {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("no server record holds a CertificateStatus with the staple")
	}
	if len(r.Finished) != 2 {
		t.Fatalf("%d Finished checks, want 2", len(r.Finished))
	}
	for _, f := range r.Finished {
		if !f.OK {
			t.Fatalf("%s Finished does not match over the stapled transcript", f.Side)
		}
	}
}
