// Package rng provides the randomness the engine is given: either the
// operating system's (crypto/rand) or a deterministic stream derived from a
// seed, so that a session can be replayed byte for byte.
package rng

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20"
)

// SeedSize is the size of a seed in bytes.
const SeedSize = 32

// Seeded is a deterministic random stream: the ChaCha20 keystream under
// SHA-256(seed) with an all-zero nonce. It is only as secret as its seed.
type Seeded struct {
	seed   []byte
	cipher *chacha20.Cipher
}

// New returns a deterministic stream for seed (any length; it is hashed).
func New(seed []byte) *Seeded {
	key := sha256.Sum256(seed)
	c, err := chacha20.NewUnauthenticatedCipher(key[:], make([]byte, chacha20.NonceSize))
	if err != nil {
		panic("rng: " + err.Error()) // unreachable: key and nonce sizes are fixed
	}
	return &Seeded{seed: append([]byte(nil), seed...), cipher: c}
}

// NewSeed returns a fresh random seed from crypto/rand.
func NewSeed() []byte {
	s := make([]byte, SeedSize)
	if _, err := io.ReadFull(rand.Reader, s); err != nil {
		panic("rng: crypto/rand failed: " + err.Error())
	}
	return s
}

// ParseSeed decodes a hex seed as given by a user or a shared link.
func ParseSeed(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("seed %q is not hex: %w", s, err)
	}
	if len(b) == 0 {
		return nil, errors.New("seed is empty: give at least one byte of hex or leave it out for a random one")
	}
	return b, nil
}

// Seed returns the seed the stream was created from.
func (s *Seeded) Seed() []byte { return append([]byte(nil), s.seed...) }

// Read fills p with the next bytes of the stream. It never fails.
func (s *Seeded) Read(p []byte) (int, error) {
	clear(p)
	s.cipher.XORKeyStream(p, p)
	return len(p), nil
}
