package httpserver

import (
	"crypto"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"sync"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"tlsplayground/playground/pki"
)

// An RSA private key is parsed when a flight first needs it, not when the
// identity is read. Parsing one is crypto/rsa's precomputation and checks
// (Montgomery moduli for n, p, q, p-1 and q-1): about as long as signing
// with it, milliseconds under wasm. An instance that has served only
// GET /tls/info, preflights and refused requests never parsed it; after the
// first flight it stays parsed for the instance's life (on Cloudflare one
// instance serves an isolate's requests). The identity still checks at once that the key is the leaf's,
// from the public half in the key's encoding.

// lazyKey is an RSA key's PEM, parsed once on first use.
type lazyKey struct {
	pem    []byte
	once   sync.Once
	signer crypto.Signer
	err    error
}

func (k *lazyKey) get() (crypto.Signer, error) {
	k.once.Do(func() {
		k.signer, k.err = pki.ParseKeyPEM(k.pem)
		if k.err != nil {
			k.err = errors.New("httpserver: the private key: " + k.err.Error())
		}
	})
	return k.signer, k.err
}

// key returns the identity's private key, parsing it on first use.
func (id *Identity) key() (crypto.Signer, error) {
	if id.Signer != nil || id.lazy == nil {
		return id.Signer, nil
	}
	return id.lazy.get()
}

// signer returns what the server signs with: the identity's private key
// behind the cache of its last signatures (sigcache.go), made on first use.
func (id *Identity) signer() (crypto.Signer, error) {
	key, err := id.key()
	if err != nil || key == nil {
		return key, err
	}
	id.sigsOnce.Do(func() { id.sigs = newCachingSigner(key) })
	if id.sigs.key != key { // Signer replaced after the first flight
		return key, nil
	}
	return id.sigs, nil
}

// public is the identity's public key, without parsing a lazy private key.
func (id *Identity) public() crypto.PublicKey {
	if id.Signer != nil {
		return id.Signer.Public()
	}
	return id.pub
}

func isRSA(id *Identity) bool {
	_, ok := id.public().(*rsa.PublicKey)
	return ok
}

// oidRSA is rsaEncryption (RFC 8017, Appendix A.1).
var oidRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}

// rsaPublicInPEM finds the private key in a PEM (the first block of a
// type pki.ParseKeyPEM reads) and, when it is an RSA key, returns its
// public half (n, e) as encoded, without parsing the rest. ok is false for
// any other key, or one that does not read: pki.ParseKeyPEM then parses
// it and says what is wrong.
func rsaPublicInPEM(data []byte) (pub *rsa.PublicKey, ok bool) {
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return nil, false
		}
		switch b.Type {
		case "RSA PRIVATE KEY":
			return rsaPublicPKCS1(b.Bytes)
		case "PRIVATE KEY":
			return rsaPublicPKCS8(b.Bytes)
		case "EC PRIVATE KEY":
			return nil, false
		}
	}
}

// rsaPublicPKCS8 reads a PKCS #8 PrivateKeyInfo (RFC 5208, Section 5)
// holding an RSA key.
func rsaPublicPKCS8(der []byte) (*rsa.PublicKey, bool) {
	in := cryptobyte.String(der)
	var info, alg cryptobyte.String
	var version int
	var oid asn1.ObjectIdentifier
	var key []byte
	if !in.ReadASN1(&info, cbasn1.SEQUENCE) || !info.ReadASN1Integer(&version) ||
		!info.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) || !oid.Equal(oidRSA) ||
		!info.ReadASN1Bytes(&key, cbasn1.OCTET_STRING) {
		return nil, false
	}
	return rsaPublicPKCS1(key)
}

// rsaPublicPKCS1 reads the version, n and e of a PKCS #1 RSAPrivateKey
// (RFC 8017, Appendix A.1.2).
func rsaPublicPKCS1(der []byte) (*rsa.PublicKey, bool) {
	in := cryptobyte.String(der)
	var key cryptobyte.String
	var version, e int
	n := new(big.Int)
	if !in.ReadASN1(&key, cbasn1.SEQUENCE) || !key.ReadASN1Integer(&version) ||
		!key.ReadASN1Integer(n) || !key.ReadASN1Integer(&e) || n.Sign() <= 0 || e <= 0 {
		return nil, false
	}
	return &rsa.PublicKey{N: n, E: e}, true
}
