// Package prf is the TLS 1.2 key schedule: the PRF (RFC 5246, Section 5),
// the master secret (Section 8.1), the extended master secret (RFC 7627,
// Section 4), the key block (Section 6.3) and Finished (Section 7.4.9).
package prf

import (
	"crypto"
	"crypto/hmac"
	_ "crypto/sha256" // registers SHA-256
	_ "crypto/sha512" // registers SHA-384
)

// Labels used with the PRF.
const (
	LabelMasterSecret         = "master secret"
	LabelExtendedMasterSecret = "extended master secret"
	LabelKeyExpansion         = "key expansion"
	LabelClientFinished       = "client finished"
	LabelServerFinished       = "server finished"
)

// MasterSecretLen and FinishedLen are fixed by RFC 5246.
const (
	MasterSecretLen = 48
	FinishedLen     = 12
)

// PRF implements PRF(secret, label, seed) = P_hash(secret, label + seed)
// from RFC 5246, Section 5, returning n bytes.
func PRF(h crypto.Hash, secret []byte, label string, seed []byte, n int) []byte {
	ls := make([]byte, 0, len(label)+len(seed))
	ls = append(append(ls, label...), seed...)
	return pHash(h, secret, ls, n)
}

// pHash is P_hash: HMAC(secret, A(i) + seed) concatenated, A(0) = seed,
// A(i) = HMAC(secret, A(i-1)).
func pHash(h crypto.Hash, secret, seed []byte, n int) []byte {
	out := make([]byte, 0, n+h.Size())
	mac := hmac.New(h.New, secret)
	mac.Write(seed)
	a := mac.Sum(nil)
	for len(out) < n {
		mac.Reset()
		mac.Write(a)
		mac.Write(seed)
		out = mac.Sum(out)
		mac.Reset()
		mac.Write(a)
		a = mac.Sum(a[:0])
	}
	return out[:n]
}

// MasterSecret derives the master secret from the pre-master secret and
// both randoms (RFC 5246, Section 8.1).
func MasterSecret(h crypto.Hash, preMaster, clientRandom, serverRandom []byte) []byte {
	seed := append(append([]byte{}, clientRandom...), serverRandom...)
	return PRF(h, preMaster, LabelMasterSecret, seed, MasterSecretLen)
}

// ExtendedMasterSecret derives the master secret from the pre-master secret
// and the session hash, the hash of every handshake message up to and
// including ClientKeyExchange (RFC 7627, Section 4).
func ExtendedMasterSecret(h crypto.Hash, preMaster, sessionHash []byte) []byte {
	return PRF(h, preMaster, LabelExtendedMasterSecret, sessionHash, MasterSecretLen)
}

// Keys is the key block cut into its parts (RFC 5246, Section 6.3). AEAD
// suites have no MAC keys; the IVs are the implicit nonce parts (RFC 5288).
type Keys struct {
	Block                          []byte
	ClientWriteKey, ServerWriteKey []byte
	ClientWriteIV, ServerWriteIV   []byte
}

// KeyBlock expands the master secret into write keys and IVs. Note the seed
// order: server random first.
func KeyBlock(h crypto.Hash, master, clientRandom, serverRandom []byte, keyLen, ivLen int) Keys {
	seed := append(append([]byte{}, serverRandom...), clientRandom...)
	b := PRF(h, master, LabelKeyExpansion, seed, 2*keyLen+2*ivLen)
	return Keys{
		Block:          b,
		ClientWriteKey: b[:keyLen:keyLen],
		ServerWriteKey: b[keyLen : 2*keyLen : 2*keyLen],
		ClientWriteIV:  b[2*keyLen : 2*keyLen+ivLen : 2*keyLen+ivLen],
		ServerWriteIV:  b[2*keyLen+ivLen:],
	}
}

// Finished computes verify_data = PRF(master, label, Hash(handshake
// messages))[0..11] (RFC 5246, Section 7.4.9).
func Finished(h crypto.Hash, master []byte, label string, transcriptHash []byte) []byte {
	return PRF(h, master, label, transcriptHash, FinishedLen)
}
