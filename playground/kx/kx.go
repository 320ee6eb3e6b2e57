// Package kx is the ephemeral key exchange: the named groups X25519,
// secp256r1 and the post-quantum hybrid X25519MLKEM768, as TLS 1.3 key
// shares (RFC 8446, Section 4.2.8) and TLS 1.2 ECDHE (RFC 8422).
//
// Key erasure: the connections call Private.Erase as soon as the shared
// secret has been turned into the next secret of the key schedule. Erase
// overwrites with zeros the private-key bytes this package holds and drops
// its crypto/ecdh and crypto/mlkem key objects. Those two packages keep
// their own copies of the private key inside the key objects, which Go gives
// no way to zero: once dropped they wait for the garbage collector, which
// may also have copied memory while it was live. What the page shows of a
// key (the trace) is a separate teaching copy, which a real implementation
// would not keep.
package kx

import (
	"bytes"
	"crypto/ecdh"
	"crypto/mlkem"
	"crypto/mlkem/mlkemtest"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// Group is a named group (IANA TLS Supported Groups).
type Group struct {
	ID   uint16
	Name string
	// KEM groups (X25519MLKEM768) have a server share that depends on the
	// client's: an encapsulation, not a second public key.
	KEM bool
	// Note says what the group is, for the page.
	Note string
}

// The groups the engine implements.
var (
	X25519         = &Group{0x001d, "x25519", false, "Diffie-Hellman on Curve25519 (RFC 7748): 32-byte keys"}
	P256           = &Group{0x0017, "secp256r1", false, "Diffie-Hellman on NIST P-256: 65-byte uncompressed points"}
	X25519MLKEM768 = &Group{0x11ec, "X25519MLKEM768", true, "hybrid: ML-KEM-768 (post-quantum, FIPS 203) then X25519, in that order on the wire; an attacker must break both"}
)

// All lists the groups in the engine's order of preference.
var All = []*Group{X25519MLKEM768, X25519, P256}

// ByID returns the group with the code point, or nil.
func ByID(id uint16) *Group {
	for _, g := range All {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// ByName returns the group with the name (case-insensitive).
func ByName(name string) (*Group, error) {
	for _, g := range All {
		if strings.EqualFold(g.Name, name) {
			return g, nil
		}
	}
	return nil, fmt.Errorf("unknown group %q: choose one of x25519, secp256r1, X25519MLKEM768", name)
}

// NameOf names a group code point, known to the engine or not.
func NameOf(id uint16) string {
	if g := ByID(id); g != nil {
		return g.Name
	}
	switch id {
	case 0x0018:
		return "secp384r1"
	case 0x0019:
		return "secp521r1"
	case 0x001e:
		return "x448"
	case 0x6399:
		return "X25519Kyber768Draft00"
	}
	return fmt.Sprintf("0x%04x", id)
}

const (
	mlkemEKLen = mlkem.EncapsulationKeySize768
	mlkemCTLen = mlkem.CiphertextSize768
)

// Private is one side's ephemeral key for a group.
type Private struct {
	Group  *Group
	Public []byte // the key share as sent
	// Secret is the private part (the X25519 scalar, the P-256 scalar, or
	// the ML-KEM seed followed by the X25519 scalar; for a server's hybrid
	// share, the encapsulation randomness followed by the X25519 scalar).
	// Erase overwrites it with zeros.
	Secret []byte
	ec     *ecdh.PrivateKey
	dk     *mlkem.DecapsulationKey768
}

// Erase overwrites the private-key bytes with zeros and drops the
// crypto/ecdh and crypto/mlkem key objects, after which Shared fails. The
// copies those packages made inside the key objects cannot be zeroed from
// here; they are left to the garbage collector.
func (p *Private) Erase() {
	if p == nil {
		return
	}
	clear(p.Secret)
	p.ec, p.dk = nil, nil
}

// Erased reports whether Erase ran: the key objects are gone and the
// private bytes are zeros.
func (p *Private) Erased() bool {
	if p.ec != nil || p.dk != nil {
		return false
	}
	for _, b := range p.Secret {
		if b != 0 {
			return false
		}
	}
	return true
}

// joinErase returns a then b in a fresh slice and overwrites a and b with
// zeros, so that only the result holds the secret.
func joinErase(a, b []byte) []byte {
	out := make([]byte, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	clear(a)
	clear(b)
	return out
}

func (g *Group) curve() ecdh.Curve {
	if g == P256 {
		return ecdh.P256()
	}
	return ecdh.X25519()
}

// newEC makes an ECDH key from rand, deterministically for a seeded rand.
func newEC(c ecdh.Curve, rand io.Reader, n int) (*ecdh.PrivateKey, []byte, error) {
	for i := 0; i < 100; i++ {
		b := make([]byte, n)
		if _, err := io.ReadFull(rand, b); err != nil {
			return nil, nil, err
		}
		k, err := c.NewPrivateKey(b)
		if err == nil {
			return k, b, nil
		}
	}
	return nil, nil, errors.New("kx: no valid scalar after 100 tries")
}

// Generate makes a fresh key (the client's share, or a TLS 1.2 server's).
func (g *Group) Generate(rand io.Reader) (*Private, error) {
	p := &Private{Group: g}
	var err error
	switch g {
	case X25519, P256:
		p.ec, p.Secret, err = newEC(g.curve(), rand, 32)
		if err != nil {
			return nil, err
		}
		p.Public = p.ec.PublicKey().Bytes()
	case X25519MLKEM768:
		seed := make([]byte, mlkem.SeedSize)
		if _, err := io.ReadFull(rand, seed); err != nil {
			return nil, err
		}
		if p.dk, err = mlkem.NewDecapsulationKey768(seed); err != nil {
			return nil, err
		}
		var x []byte
		if p.ec, x, err = newEC(ecdh.X25519(), rand, 32); err != nil {
			return nil, err
		}
		p.Secret = joinErase(seed, x)
		ek := p.dk.EncapsulationKey()
		enc := ek.Bytes()
		remember(enc, ek)
		p.Public = append(slices.Clip(enc), p.ec.PublicKey().Bytes()...)
	default:
		return nil, fmt.Errorf("kx: group %s is not implemented", g.Name)
	}
	return p, nil
}

// made holds the ML-KEM encapsulation keys this process made last, with
// their encoding. The page's engine plays both ends, so a server is most
// often handed a key its own client just made: it takes that key as it is
// rather than decoding it and expanding its matrix again (FIPS 203,
// Algorithm 13). mlkemtest.Encapsulate768, which the server needs for a
// seeded session to replay, decodes the key it is given once more by
// itself; the server would pay for two decodings where crypto/tls pays for
// one. The keys are public.
var made struct {
	sync.Mutex
	enc  [4][]byte
	keys [4]*mlkem.EncapsulationKey768
	next int
}

func remember(enc []byte, ek *mlkem.EncapsulationKey768) {
	made.Lock()
	made.enc[made.next], made.keys[made.next] = enc, ek
	made.next = (made.next + 1) % len(made.keys)
	made.Unlock()
}

// encapsulationKey decodes a client's ML-KEM-768 key, or returns the same
// key made in this process.
func encapsulationKey(enc []byte) (*mlkem.EncapsulationKey768, error) {
	made.Lock()
	for i, e := range made.enc {
		if bytes.Equal(e, enc) {
			ek := made.keys[i]
			made.Unlock()
			return ek, nil
		}
	}
	made.Unlock()
	return mlkem.NewEncapsulationKey768(enc)
}

// ecShared runs ECDH and refuses an all-zero result (RFC 8446, Section 7.4.2).
func ecShared(k *ecdh.PrivateKey, peer []byte) ([]byte, error) {
	pub, err := k.Curve().NewPublicKey(peer)
	if err != nil {
		return nil, fmt.Errorf("the peer's key share is not a valid point: %w", err)
	}
	s, err := k.ECDH(pub)
	if err != nil {
		return nil, fmt.Errorf("the key exchange failed (a low-order point gives an all-zero secret): %w", err)
	}
	return s, nil
}

// Shared completes the exchange with the peer's share: ECDH for the plain
// groups; for the hybrid, ML-KEM decapsulation of the server's ciphertext
// and X25519. The hybrid secret is the ML-KEM secret then the X25519 one
// (draft-ietf-tls-ecdhe-mlkem, Section 3).
func (p *Private) Shared(peer []byte) ([]byte, error) {
	if p.ec == nil {
		return nil, errors.New("kx: the ephemeral private key was already erased")
	}
	if !p.Group.KEM {
		return ecShared(p.ec, peer)
	}
	if len(peer) != mlkemCTLen+32 {
		return nil, fmt.Errorf("the server's %s share is %d bytes, want %d", p.Group.Name, len(peer), mlkemCTLen+32)
	}
	k1, err := p.dk.Decapsulate(peer[:mlkemCTLen])
	if err != nil {
		return nil, err
	}
	k2, err := ecShared(p.ec, peer[mlkemCTLen:])
	if err != nil {
		clear(k1)
		return nil, err
	}
	return joinErase(k1, k2), nil
}

// Respond is the server side of TLS 1.3 key exchange: from the client's
// share it makes the server's share and the shared secret. For ECDH groups
// that is a fresh key pair; for the hybrid, an ML-KEM encapsulation to the
// client's key plus a fresh X25519 key.
func (g *Group) Respond(rand io.Reader, clientShare []byte) (mine *Private, shared []byte, err error) {
	if !g.KEM {
		if mine, err = g.Generate(rand); err != nil {
			return nil, nil, err
		}
		shared, err = mine.Shared(clientShare)
		return mine, shared, err
	}
	if len(clientShare) != mlkemEKLen+32 {
		return nil, nil, fmt.Errorf("the client's %s share is %d bytes, want %d", g.Name, len(clientShare), mlkemEKLen+32)
	}
	ek, err := encapsulationKey(clientShare[:mlkemEKLen])
	if err != nil {
		return nil, nil, fmt.Errorf("the client's ML-KEM key is invalid: %w", err)
	}
	m := make([]byte, 32)
	if _, err := io.ReadFull(rand, m); err != nil {
		return nil, nil, err
	}
	// mlkemtest takes the encapsulation's randomness from us, so that a
	// seeded session replays; the bytes come from the session's reader.
	k1, ct, err := mlkemtest.Encapsulate768(ek, m)
	if err != nil {
		clear(m)
		return nil, nil, err
	}
	ec, x, err := newEC(ecdh.X25519(), rand, 32)
	if err != nil {
		clear(m)
		clear(k1)
		return nil, nil, err
	}
	k2, err := ecShared(ec, clientShare[mlkemEKLen:])
	if err != nil {
		clear(m)
		clear(x)
		clear(k1)
		return nil, nil, err
	}
	mine = &Private{Group: g, Public: append(ct, ec.PublicKey().Bytes()...), Secret: joinErase(m, x), ec: ec}
	return mine, joinErase(k1, k2), nil
}
