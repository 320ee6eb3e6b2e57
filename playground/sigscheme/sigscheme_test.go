package sigscheme

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"
)

func TestSignVerify(t *testing.T) {
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edk, _ := ed25519.GenerateKey(rand.Reader)
	ek384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ek521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	keys := []crypto.Signer{rk, ek, edk, ek384, ek521}
	msg := []byte("the transcript")
	for _, s := range All {
		for _, k := range keys {
			if !s.Fits(k.Public()) {
				if _, err := s.Sign(rand.Reader, k, msg); err == nil {
					t.Fatalf("%s signed with a key it does not fit", s.Name)
				}
				continue
			}
			sig, err := s.Sign(rand.Reader, k, msg)
			if err != nil {
				t.Fatal(s.Name, err)
			}
			if err := s.Verify(k.Public(), msg, sig); err != nil {
				t.Fatal(s.Name, err)
			}
			sig[len(sig)/2] ^= 1
			if err := s.Verify(k.Public(), msg, sig); err == nil {
				t.Fatalf("%s: changed signature verifies", s.Name)
			}
		}
	}
	if s, err := Choose(All, []uint16{0x0804, 0x0403}, ek.Public(), true); err != nil || s != ECDSAP256SHA256 {
		t.Fatalf("choose: %v %v", s, err)
	}
	if _, err := Choose(All, []uint16{0x0401}, rk.Public(), true); err == nil {
		t.Fatal("TLS 1.3 accepted rsa_pkcs1")
	}
}

// TestECDSACurve: each ECDSA scheme names its curve (RFC 8446, Section
// 4.2.3), and the others none.
func TestECDSACurve(t *testing.T) {
	want := map[string]string{"ecdsa_secp256r1_sha256": "P-256", "ecdsa_secp384r1_sha384": "P-384", "ecdsa_secp521r1_sha512": "P-521"}
	for _, s := range All {
		c := s.ECDSACurve()
		switch {
		case want[s.Name] == "" && c != nil:
			t.Errorf("%s: ECDSACurve() = %s, want none", s.Name, c.Params().Name)
		case want[s.Name] != "" && (c == nil || c.Params().Name != want[s.Name]):
			t.Errorf("%s: ECDSACurve() = %v, want %s", s.Name, c, want[s.Name])
		}
	}
}
