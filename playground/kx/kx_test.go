package kx

import (
	"bytes"
	"testing"

	"tlsplayground/playground/rng"
)

func TestAgreement(t *testing.T) {
	for _, g := range All {
		c, err := g.Generate(rng.New([]byte("client " + g.Name)))
		if err != nil {
			t.Fatal(err)
		}
		s, shared, err := g.Respond(rng.New([]byte("server "+g.Name)), c.Public)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Shared(s.Public)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, shared) || len(shared) == 0 {
			t.Fatalf("%s: the two sides disagree", g.Name)
		}
		// Replays from the same seeds.
		c2, _ := g.Generate(rng.New([]byte("client " + g.Name)))
		s2, shared2, _ := g.Respond(rng.New([]byte("server "+g.Name)), c2.Public)
		if !bytes.Equal(c2.Public, c.Public) || !bytes.Equal(s2.Public, s.Public) || !bytes.Equal(shared2, shared) {
			t.Fatalf("%s: not deterministic under a seed", g.Name)
		}
		// A corrupted share is refused, not panicked on.
		if _, err := c.Shared(s.Public[:len(s.Public)-1]); err == nil {
			t.Fatalf("%s: short share accepted", g.Name)
		}
	}
	// X25519's all-zero secret (a low-order point) must abort (RFC 8446, Section 7.4.2).
	c, _ := X25519.Generate(rng.New([]byte("z")))
	if _, err := c.Shared(make([]byte, 32)); err == nil {
		t.Fatal("all-zero x25519 share accepted")
	}
}

// TestErase: Erase zeroes the private bytes in place (the slice the
// caller holds) and drops the key objects; an erased key computes nothing.
// The shared secret of each side is fresh memory of the caller's.
func TestErase(t *testing.T) {
	for _, g := range All {
		r := rng.New([]byte("erase " + g.Name))
		c, err := g.Generate(r)
		if err != nil {
			t.Fatal(err)
		}
		s, shared, err := g.Respond(r, c.Public)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := c.Shared(s.Public)
		if err != nil || !bytes.Equal(cs, shared) {
			t.Fatalf("%s: agreement: %v", g.Name, err)
		}
		for _, p := range []*Private{c, s} {
			held := p.Secret
			if len(bytes.Trim(held, "\x00")) == 0 || p.Erased() {
				t.Fatalf("%s: zero or erased before Erase", g.Name)
			}
			p.Erase()
			if len(bytes.Trim(held, "\x00")) != 0 || !p.Erased() {
				t.Fatalf("%s: %x survived Erase", g.Name, held)
			}
		}
		if _, err := c.Shared(s.Public); err == nil {
			t.Fatalf("%s: an erased key computed a shared secret", g.Name)
		}
	}
}
