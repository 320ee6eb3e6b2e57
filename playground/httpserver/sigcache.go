package httpserver

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"io"
	"sync"
)

// A TLS 1.3 or ECDHE connection is rebuilt on its second flight by
// replaying the client's bytes into a server seeded the same way, so the
// server signs again exactly what it signed on the first flight (the
// CertificateVerify content, RFC 8446, Section 4.4.3; the ServerKeyExchange
// params, RFC 5246, Section 7.4.3) with the same salt: the same signature,
// bit for bit, at the price of an RSA private-key operation (most of a
// flight's CPU under wasm). One instance of the server now answers many
// requests (wasm/server), so it keeps its last signatures and gives a
// repeated one back instead of computing it again. A flight that reaches
// another instance (another isolate, a restarted one) signs, as before:
// the answer is the same either way.

// sigCacheSize bounds the signatures kept: about 300 bytes each for
// RSA-2048. Only a connection's second flight, within seconds of its first,
// asks again, so a few hundred cover many connections in flight.
const sigCacheSize = 256

// cachingSigner is a crypto.Signer that remembers its last sigCacheSize
// signatures, keyed by everything the signature is a function of: the
// digest, the scheme (PSS or not, the hash) and, for RSA-PSS, the salt,
// which it reads from rand itself (exactly the bytes rsa.SignPSS would
// read: the rand stream after the signature is the same whether it hits or
// not). Other signatures are cached only when rand is nil, which makes them
// deterministic (RSA PKCS #1 v1.5, ECDSA per RFC 6979, Ed25519), as
// sigscheme signs them; with a rand it signs every time.
type cachingSigner struct {
	key crypto.Signer

	mu     sync.Mutex
	sigs   map[string][]byte
	order  []string // oldest first
	hits   int
	misses int
}

func newCachingSigner(key crypto.Signer) *cachingSigner {
	return &cachingSigner{key: key, sigs: make(map[string][]byte, sigCacheSize)}
}

// Public is the key's public half.
func (c *cachingSigner) Public() crypto.PublicKey { return c.key.Public() }

// Sign signs digest with the key, or returns the signature it made of the
// same digest, scheme and salt before.
func (c *cachingSigner) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	kind := byte('d') // deterministic: no rand
	var salt []byte
	if pss, ok := opts.(*rsa.PSSOptions); ok {
		n := pss.SaltLength
		if n == rsa.PSSSaltLengthEqualsHash {
			n = pss.HashFunc().Size()
		}
		if rand == nil || n < 0 { // PSSSaltLengthAuto: the salt's length depends on the key
			return c.key.Sign(rand, digest, opts)
		}
		salt = make([]byte, n)
		if _, err := io.ReadFull(rand, salt); err != nil {
			return nil, err
		}
		rand = bytes.NewReader(salt)
		kind = 'p'
	} else if rand != nil {
		return c.key.Sign(rand, digest, opts)
	}
	key := make([]byte, 0, 2+len(digest)+len(salt))
	key = append(key, kind, byte(opts.HashFunc()))
	key = append(append(key, digest...), salt...)

	c.mu.Lock()
	sig, ok := c.sigs[string(key)]
	if ok {
		c.hits++
	} else {
		c.misses++
	}
	c.mu.Unlock()
	if ok {
		return bytes.Clone(sig), nil
	}
	sig, err := c.key.Sign(rand, digest, opts)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if _, dup := c.sigs[string(key)]; !dup {
		if len(c.order) >= sigCacheSize {
			delete(c.sigs, c.order[0])
			c.order = c.order[1:]
		}
		c.sigs[string(key)] = bytes.Clone(sig)
		c.order = append(c.order, string(key))
	}
	c.mu.Unlock()
	return sig, nil
}

// stats are the hits and misses so far (for tests).
func (c *cachingSigner) stats() (hits, misses, kept int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses, len(c.sigs)
}
