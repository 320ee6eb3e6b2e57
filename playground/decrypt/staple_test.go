package decrypt_test

import (
	"bytes"
	"testing"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

// TestStapled: a handshake whose server staples an OCSP response opens
// with the client's key log. TLS 1.2 sends it as a CertificateStatus message
// of its own, in the clear (RFC 6066, Section 8); TLS 1.3 inside the
// Certificate message (RFC 8446, Section 4.4.2.1). The staple is found in
// that message, and both Finished checks, whose transcript covers it, pass.
func TestStapled(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, Rand: rng.New([]byte("decrypt staple")), Intermediate: true, CT: true, OCSP: true})
	if err != nil {
		t.Fatal(err)
	}
	type stapler interface {
		endpoint.Endpoint
		OCSPResponse() []byte
	}
	for _, v := range []struct {
		name, message string
		client        stapler
		server        endpoint.Endpoint
	}{
		{"TLS 1.2", "CertificateStatus",
			tls12.Client(&tls12.Config{Rand: rng.New([]byte("c")), ServerName: s.ServerName, Roots: s.Roots(), WebPKI: true}),
			tls12.Server(&tls12.Config{Rand: rng.New([]byte("s")), Certificates: s.Chain, Signer: s.Signer, OCSPStaple: s.OCSPResponse})},
		{"TLS 1.3", "Certificate",
			tls13.Client(&tls13.Config{Rand: rng.New([]byte("c")), ServerName: s.ServerName, Roots: s.Roots(), WebPKI: true}),
			tls13.Server(&tls13.Config{Rand: rng.New([]byte("s")), Certificates: s.Chain, Signer: s.Signer, OCSPStaple: s.OCSPResponse})},
	} {
		t.Run(v.name, func(t *testing.T) {
			c, srv := v.client, v.server
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
					if m == v.message && !rr.FromClient && bytes.Contains(rr.Content, s.OCSPResponse) {
						found = true
					}
				}
			}
			if !found {
				t.Fatalf("no server record holds a %s with the staple", v.message)
			}
			if len(r.Finished) != 2 {
				t.Fatalf("%d Finished checks, want 2", len(r.Finished))
			}
			for _, f := range r.Finished {
				if !f.OK {
					t.Fatalf("%s Finished does not match over the stapled transcript", f.Side)
				}
			}
		})
	}
}
