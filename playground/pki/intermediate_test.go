package pki

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"slices"
	"testing"

	"tlsplayground/playground/rng"
)

// TestNewSetupIntermediate: with Options.Intermediate the root signs an
// intermediate, the intermediate signs the leaf, the server sends both, and
// a client that trusts the root alone accepts the chain (root → intermediate
// → leaf, as a public CA issues).
func TestNewSetupIntermediate(t *testing.T) {
	base := testSetup(t)
	opt := Options{Rand: rng.New([]byte("intermediate")), Now: testNow, CAKey: base.CAKey, Key: base.Key, Intermediate: true}
	s, err := NewSetup(opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Intermediate == nil || s.IntermediateKey == nil {
		t.Fatal("no intermediate")
	}
	if len(s.Chain) != 2 || !bytes.Equal(s.Chain[0], s.Leaf.Raw) || !bytes.Equal(s.Chain[1], s.Intermediate.Raw) {
		t.Fatalf("chain of %d: want the leaf then the intermediate", len(s.Chain))
	}
	if s.Issuer() != s.Intermediate || s.IssuerKey() != s.IntermediateKey {
		t.Error("Issuer is not the intermediate")
	}
	if _, ok := s.IntermediateKey.(*ecdsa.PrivateKey); !ok {
		t.Errorf("intermediate key is a %T", s.IntermediateKey)
	}
	if err := s.Leaf.CheckSignatureFrom(s.Intermediate); err != nil {
		t.Errorf("leaf not signed by the intermediate: %v", err)
	}
	if err := s.Leaf.CheckSignatureFrom(s.CA); err == nil {
		t.Error("leaf verifies with the root's key")
	}
	if !s.Intermediate.IsCA || s.Intermediate.MaxPathLen != 0 || !s.Intermediate.MaxPathLenZero {
		t.Errorf("intermediate: CA %v pathlen %d zero %v", s.Intermediate.IsCA, s.Intermediate.MaxPathLen, s.Intermediate.MaxPathLenZero)
	}
	if s.CA.MaxPathLen != 1 {
		t.Errorf("root pathlen %d, want 1", s.CA.MaxPathLen)
	}
	if s.Intermediate.NotAfter.After(s.CA.NotAfter) || s.Leaf.NotAfter.After(s.Intermediate.NotAfter) {
		t.Error("a certificate outlives its issuer")
	}
	r := Verify(s.Chain, s.Roots(), s.ServerName, testNow)
	if !r.OK || len(r.Chain) != 3 {
		t.Fatalf("Verify: %v, path of %d", r.Err, len(r.Chain))
	}
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
		if !c.OK {
			t.Errorf("check %q fails: %s", c.Name, c.Detail)
		}
	}
	want := []string{"signature on leaf", "signature on intermediate 1", "validity of leaf", "validity of intermediate 1", "validity of root",
		"host name", "trusted root", "basic constraints", "extended key usage", "key usage"}
	if !slices.Equal(names, want) {
		t.Errorf("checks %q, want %q", names, want)
	}
	// The leaf alone no longer verifies: the intermediate is needed.
	if r := Verify(s.Chain[:1], s.Roots(), s.ServerName, testNow); r.OK {
		t.Error("the leaf alone verifies")
	}
	// The same Rand and keys give the same certificates.
	opt.Rand = rng.New([]byte("intermediate"))
	again, err := NewSetup(opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Chain {
		if !bytes.Equal(s.Chain[i], again.Chain[i]) {
			t.Errorf("certificate %d differs between two runs from one seed", i)
		}
	}
	if !bytes.Equal(s.CA.Raw, again.CA.Raw) {
		t.Error("root differs between two runs from one seed")
	}
}

// TestNewSetupNoIntermediate: without the option the root signs the leaf,
// the root's path length is 0 and Issuer is the root.
func TestNewSetupNoIntermediate(t *testing.T) {
	s := testSetup(t)
	if s.Intermediate != nil || s.Issuer() != s.CA || len(s.Chain) != 1 {
		t.Fatalf("intermediate %v, chain of %d", s.Intermediate, len(s.Chain))
	}
	if !s.CA.MaxPathLenZero || s.Leaf.SignatureAlgorithm != x509.SHA256WithRSA {
		t.Errorf("root pathlen zero %v, leaf signed %v", s.CA.MaxPathLenZero, s.Leaf.SignatureAlgorithm)
	}
}
