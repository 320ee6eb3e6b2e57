package sigscheme

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// pssSPKI builds a subjectPublicKeyInfo naming pub id-RSASSA-PSS, with the
// given DER parameters (nil for none).
func pssSPKI(pub *rsa.PublicKey, params []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidRSASSAPSS)
			b.AddBytes(params)
		})
		b.AddASN1BitString(x509.MarshalPKCS1PublicKey(pub))
	})
	return b.BytesOrPanic()
}

// pssParams is RSASSA-PSS-params with only hashAlgorithm set, or an empty
// SEQUENCE (all defaults: SHA-1) when oid is nil.
func pssParams(oid asn1.ObjectIdentifier) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if oid == nil {
			return
		}
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oid) })
		})
	})
	return b.BytesOrPanic()
}

// TestCertificateKeyRSAPSS: an RSASSA-PSS key fits rsa_pss_pss_* only, and
// only the hash its parameters name (RFC 4055, Section 3.1; RFC 8446,
// Section 4.2.3).
func TestCertificateKeyRSAPSS(t *testing.T) {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, c := range []struct {
		name   string
		params []byte
		hash   crypto.Hash
		fits   []*Scheme
	}{
		{"no parameters", nil, 0, []*Scheme{RSAPSSPSSSHA256, RSAPSSPSSSHA384, RSAPSSPSSSHA512}},
		{"NULL parameters", []byte{5, 0}, 0, []*Scheme{RSAPSSPSSSHA256, RSAPSSPSSSHA384, RSAPSSPSSSHA512}},
		{"SHA-384", pssParams(oidSHA384), crypto.SHA384, []*Scheme{RSAPSSPSSSHA384}},
		{"default SHA-1", pssParams(nil), crypto.SHA1, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			pub, err := CertificateKey(&x509.Certificate{RawSubjectPublicKeyInfo: pssSPKI(&k.PublicKey, c.params)})
			if err != nil {
				t.Fatal(err)
			}
			pk, ok := pub.(*RSAPSSPublicKey)
			if !ok || pk.Hash != c.hash || pk.N.Cmp(k.N) != 0 {
				t.Fatalf("got %T %+v", pub, pub)
			}
			for _, s := range All {
				want := false
				for _, f := range c.fits {
					want = want || f == s
				}
				if s.Fits(pub) != want {
					t.Fatalf("%s fits: %v, want %v", s.Name, !want, want)
				}
			}
			sig, _ := rsa.SignPSS(rand.Reader, k, crypto.SHA256, RSAPSSPSSSHA256.Digest([]byte("m")), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			if err := RSAPSSPSSSHA256.Verify(pub, []byte("m"), sig); (err == nil) != RSAPSSPSSSHA256.Fits(pub) {
				t.Fatalf("verify: %v", err)
			}
		})
	}
	if _, err := CertificateKey(&x509.Certificate{RawSubjectPublicKeyInfo: []byte{0x30, 0}}); err == nil {
		t.Fatal("an empty subjectPublicKeyInfo parsed")
	}
}
