package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"reflect"
	"testing"

	"tlsplayground/playground/rng"
)

// TestKeyTypes issues a certificate for each server key type under the
// fixture's root (no RSA key is generated) and checks the key, the leaf's
// key usage, the PEM export, the decoded description and the chain.
func TestKeyTypes(t *testing.T) {
	s := testSetup(t)
	for _, tt := range []struct {
		keyType, describe string
		usage             x509.KeyUsage
		key               func(any) bool
	}{
		{KeyECDSA, "ECDSA P-256", x509.KeyUsageDigitalSignature, func(k any) bool {
			e, ok := k.(*ecdsa.PrivateKey)
			return ok && e.Curve == elliptic.P256()
		}},
		{KeyEd25519, "Ed25519", x509.KeyUsageDigitalSignature, func(k any) bool { _, ok := k.(ed25519.PrivateKey); return ok }},
	} {
		t.Run(tt.keyType, func(t *testing.T) {
			var stages []Stage
			o, err := NewSetup(Options{KeyType: tt.keyType, Rand: rng.New([]byte(tt.keyType)), Now: testNow, CAKey: s.CAKey,
				Progress: func(st Stage) { stages = append(stages, st) }})
			if err != nil {
				t.Fatal(err)
			}
			if o.KeyType != tt.keyType || o.Key != nil || !tt.key(o.Signer) {
				t.Fatalf("KeyType %q, Key %v, Signer %T", o.KeyType, o.Key, o.Signer)
			}
			if want := []Stage{StageServerKey, StageCACert, StageLeafCert}; !reflect.DeepEqual(stages, want) {
				t.Errorf("stages %v, want %v", stages, want)
			}
			if o.Leaf.KeyUsage != tt.usage {
				t.Errorf("leaf key usage = %v, want digitalSignature only", keyUsageNames(o.Leaf.KeyUsage))
			}
			if o.Leaf.SignatureAlgorithm != x509.SHA256WithRSA {
				t.Errorf("leaf signed with %v, want SHA256-RSA (the root is RSA)", o.Leaf.SignatureAlgorithm)
			}
			if !o.Leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(o.Signer.Public()) {
				t.Error("the leaf does not carry the server's public key")
			}
			if got := Describe(o.Leaf).PublicKey; got != tt.describe {
				t.Errorf("Describe: public key %q, want %q", got, tt.describe)
			}
			block, rest := pem.Decode(o.KeyPEM())
			if block == nil || block.Type != "PRIVATE KEY" || len(rest) != 0 {
				t.Fatal("KeyPEM is not one PRIVATE KEY block")
			}
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				t.Fatalf("KeyPEM: %v", err)
			}
			if !k.(interface{ Equal(crypto.PrivateKey) bool }).Equal(o.Signer) {
				t.Error("KeyPEM holds a different key")
			}
			r := Verify(o.Chain, o.Roots(), o.ServerName, testNow)
			if !r.OK {
				t.Fatalf("Verify: %v", r.Err)
			}
			wantChecks(t, r)

			// ECDSA and Ed25519 keys replay from the seed.
			again, err := NewSetup(Options{KeyType: tt.keyType, Rand: rng.New([]byte(tt.keyType)), Now: testNow, CAKey: s.CAKey})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.KeyPEM(), o.KeyPEM()) || !bytes.Equal(again.Leaf.Raw, o.Leaf.Raw) {
				t.Error("the same seed gave a different key or certificate")
			}
			// A given key is used as is.
			given, err := NewSetup(Options{Signer: o.Signer, Rand: rng.New([]byte("given")), Now: testNow, CAKey: s.CAKey})
			if err != nil {
				t.Fatal(err)
			}
			if given.KeyType != tt.keyType || !bytes.Equal(given.KeyPEM(), o.KeyPEM()) {
				t.Errorf("given key: type %q", given.KeyType)
			}
		})
	}
}

// TestKeyTypeRSA: the default key type is RSA, Signer and Key are the same
// key, and an RSA key given as Signer works like one given as Key.
func TestKeyTypeRSA(t *testing.T) {
	s := testSetup(t)
	if s.KeyType != KeyRSA || s.Signer != crypto.Signer(s.Key) {
		t.Fatalf("KeyType %q, Signer %T", s.KeyType, s.Signer)
	}
	o, err := NewSetup(Options{KeyType: KeyRSA, Signer: s.Key, CAKey: s.CAKey, Rand: rng.New([]byte("pki test")), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if o.Key != s.Key || !bytes.Equal(o.Leaf.Raw, s.Leaf.Raw) {
		t.Error("an RSA key given as Signer gave a different setup than as Key")
	}
}

func TestKeyTypeErrors(t *testing.T) {
	s := testSetup(t)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rng.New([]byte("p384")))
	if err != nil {
		t.Fatal(err)
	}
	_, ed, _ := ed25519.GenerateKey(rng.New([]byte("ed")))
	for _, tt := range []struct {
		opt  Options
		want string
	}{
		{Options{KeyType: "dsa"}, `pki: key type "dsa" is not offered: choose rsa, ecdsa, ed25519`},
		{Options{KeyType: "RSA"}, `pki: key type "RSA" is not offered: choose rsa, ecdsa, ed25519`},
		{Options{KeyType: KeyECDSA, KeyBits: 2048}, "pki: key size 2048 applies to RSA keys only: the ecdsa key type has a fixed size"},
		{Options{KeyType: KeyEd25519, Key: s.Key}, `pki: key type "ed25519" was asked for but the given key is rsa: set one or the other`},
		{Options{KeyType: KeyECDSA, Signer: ed}, `pki: key type "ecdsa" was asked for but the given key is ed25519: set one or the other`},
		{Options{Key: s.Key, Signer: ed}, "pki: both Key and Signer are set: give the server key once"},
		{Options{Signer: p384}, "pki: the given ECDSA key is on P-384: the playground uses P-256"},
		{Options{Signer: ed, KeyBits: 3072}, "pki: key size 3072 applies to RSA keys only: the ed25519 key type has a fixed size"},
		{Options{KeyType: KeyECDSA, CAKey: s.CAKey, Rand: bytes.NewReader(bytes.Repeat([]byte{1}, 2*serialBits/8+16))}, "pki: generating the server's ECDSA P-256 key: unexpected EOF"},
	} {
		_, err := NewSetup(tt.opt)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewSetup(KeyType %q) error = %v, want %q", tt.opt.KeyType, err, tt.want)
		}
	}
}
