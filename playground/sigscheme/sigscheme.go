// Package sigscheme is the one place that knows each signature scheme
// (RFC 8446, Section 4.2.3): which key it needs, how it hashes and pads,
// and how to sign and verify with it.
package sigscheme

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	_ "crypto/sha256"
	_ "crypto/sha512"
	"errors"
	"fmt"
	"io"
)

// Scheme is a SignatureScheme.
type Scheme struct {
	ID   uint16
	Name string
	Hash crypto.Hash // 0 for Ed25519 (it hashes internally)
	kind string      // "pss" (rsaEncryption key), "pss-pss" (RSASSA-PSS key), "pkcs1", "ecdsa", "ed25519"
	// TLS13 reports whether TLS 1.3 allows it in CertificateVerify
	// (RSA PKCS#1 v1.5 is only for certificates and TLS 1.2).
	TLS13 bool
}

// The schemes the engine can verify, and sign with when it holds the key
// (RFC 8446, Section 4.2.3). rsa_pss_rsae_* sign with an RSA key whose
// certificate says rsaEncryption, rsa_pss_pss_* with one whose certificate
// says RSASSA-PSS (RFC 4055); an ECDSA scheme fixes the curve; rsa_pkcs1_*
// appear in TLS 1.3 only in certificates, never in CertificateVerify.
var (
	RSAPSSRSAESHA256 = &Scheme{0x0804, "rsa_pss_rsae_sha256", crypto.SHA256, "pss", true}
	RSAPSSRSAESHA384 = &Scheme{0x0805, "rsa_pss_rsae_sha384", crypto.SHA384, "pss", true}
	RSAPSSRSAESHA512 = &Scheme{0x0806, "rsa_pss_rsae_sha512", crypto.SHA512, "pss", true}
	RSAPSSPSSSHA256  = &Scheme{0x0809, "rsa_pss_pss_sha256", crypto.SHA256, "pss-pss", true}
	RSAPSSPSSSHA384  = &Scheme{0x080a, "rsa_pss_pss_sha384", crypto.SHA384, "pss-pss", true}
	RSAPSSPSSSHA512  = &Scheme{0x080b, "rsa_pss_pss_sha512", crypto.SHA512, "pss-pss", true}
	RSAPKCS1SHA256   = &Scheme{0x0401, "rsa_pkcs1_sha256", crypto.SHA256, "pkcs1", false}
	RSAPKCS1SHA384   = &Scheme{0x0501, "rsa_pkcs1_sha384", crypto.SHA384, "pkcs1", false}
	RSAPKCS1SHA512   = &Scheme{0x0601, "rsa_pkcs1_sha512", crypto.SHA512, "pkcs1", false}
	ECDSAP256SHA256  = &Scheme{0x0403, "ecdsa_secp256r1_sha256", crypto.SHA256, "ecdsa", true}
	ECDSAP384SHA384  = &Scheme{0x0503, "ecdsa_secp384r1_sha384", crypto.SHA384, "ecdsa", true}
	ECDSAP521SHA512  = &Scheme{0x0603, "ecdsa_secp521r1_sha512", crypto.SHA512, "ecdsa", true}
	Ed25519          = &Scheme{0x0807, "ed25519", 0, "ed25519", true}
)

// All lists the schemes in the engine's order of preference: what a
// client offers in signature_algorithms and what a server picks from. The
// schemes of the first engine (Ed25519, P-256, PSS and PKCS#1 with SHA-256
// and SHA-384) keep their order, so a server with one of those keys signs as
// before.
var All = []*Scheme{
	Ed25519, ECDSAP256SHA256, RSAPSSRSAESHA256, RSAPSSRSAESHA384, RSAPKCS1SHA256, RSAPKCS1SHA384,
	ECDSAP384SHA384, ECDSAP521SHA512, RSAPSSRSAESHA512, RSAPSSPSSSHA256, RSAPSSPSSSHA384, RSAPSSPSSSHA512, RSAPKCS1SHA512,
}

// ByID returns the scheme with the code point, or nil.
func ByID(id uint16) *Scheme {
	for _, s := range All {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// NameOf names a code point, known to the engine or not.
func NameOf(id uint16) string {
	if s := ByID(id); s != nil {
		return s.Name
	}
	names := map[uint16]string{0x0808: "ed448", 0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1",
		0x081a: "ecdsa_brainpoolP256r1tls13_sha256", 0x081b: "ecdsa_brainpoolP384r1tls13_sha384", 0x081c: "ecdsa_brainpoolP512r1tls13_sha512",
		// draft-ietf-tls-mldsa: post-quantum signatures, which Chromium 156 offers.
		0x0904: "mldsa44", 0x0905: "mldsa65", 0x0906: "mldsa87"}
	if n, ok := names[id]; ok {
		return n
	}
	return fmt.Sprintf("0x%04x", id)
}

// ECDSACurve returns the ECDSA curve the scheme fixes (nil for the others),
// looked up when asked, so that no curve is set up at package init
// (crypto/elliptic builds all four curves on the first call of any of them).
func (s *Scheme) ECDSACurve() elliptic.Curve {
	switch s.ID {
	case 0x0403:
		return elliptic.P256()
	case 0x0503:
		return elliptic.P384()
	case 0x0603:
		return elliptic.P521()
	}
	return nil
}

// Fits reports whether the scheme can be used with public key pub.
func (s *Scheme) Fits(pub crypto.PublicKey) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return s.kind == "pss" || s.kind == "pkcs1"
	case *RSAPSSPublicKey:
		// RFC 4055, Section 3.1: parameters in the key restrict the hash.
		return s.kind == "pss-pss" && (k.Hash == 0 || k.Hash == s.Hash)
	case *ecdsa.PublicKey:
		return s.kind == "ecdsa" && k.Curve == s.ECDSACurve()
	case ed25519.PublicKey:
		return s.kind == "ed25519"
	}
	return false
}

// Choose picks the first scheme in mine that the peer offers and that fits
// key; tls13 keeps only schemes TLS 1.3 allows.
func Choose(mine []*Scheme, peerOffers []uint16, pub crypto.PublicKey, tls13 bool) (*Scheme, error) {
	for _, s := range mine {
		if tls13 && !s.TLS13 || !s.Fits(pub) {
			continue
		}
		for _, id := range peerOffers {
			if id == s.ID {
				return s, nil
			}
		}
	}
	return nil, errors.New("no signature scheme that the peer accepts fits the certificate's key")
}

// Digest hashes msg as the scheme signs it (nil for Ed25519, which signs msg).
func (s *Scheme) Digest(msg []byte) []byte {
	if s.Hash == 0 {
		return nil
	}
	h := s.Hash.New()
	h.Write(msg)
	return h.Sum(nil)
}

// Sign signs msg with key. ECDSA signatures are deterministic (RFC 6979)
// and Ed25519's always are, so a seeded session replays; RSA-PSS takes its
// salt from rand.
func (s *Scheme) Sign(rand io.Reader, key crypto.Signer, msg []byte) ([]byte, error) {
	if !s.Fits(key.Public()) {
		return nil, fmt.Errorf("%s cannot sign with a %T key", s.Name, key.Public())
	}
	switch s.kind {
	case "pss":
		return key.Sign(rand, s.Digest(msg), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: s.Hash})
	case "pkcs1":
		return key.Sign(nil, s.Digest(msg), s.Hash)
	case "ecdsa":
		return key.Sign(nil, s.Digest(msg), s.Hash) // nil rand: RFC 6979, as before
	case "ed25519":
		return key.Sign(nil, msg, crypto.Hash(0))
	}
	return nil, errors.New("unknown scheme")
}

// Verify checks sig over msg with pub.
func (s *Scheme) Verify(pub crypto.PublicKey, msg, sig []byte) error {
	if !s.Fits(pub) {
		return fmt.Errorf("%s does not fit the certificate's %T key", s.Name, pub)
	}
	switch s.kind {
	case "pss":
		return rsa.VerifyPSS(pub.(*rsa.PublicKey), s.Hash, s.Digest(msg), sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "pss-pss":
		return rsa.VerifyPSS(pub.(*RSAPSSPublicKey).PublicKey, s.Hash, s.Digest(msg), sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "pkcs1":
		return rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), s.Hash, s.Digest(msg), sig)
	case "ecdsa":
		if !ecdsa.VerifyASN1(pub.(*ecdsa.PublicKey), s.Digest(msg), sig) {
			return errors.New("ecdsa: signature does not verify")
		}
		return nil
	case "ed25519":
		if !ed25519.Verify(pub.(ed25519.PublicKey), msg, sig) {
			return errors.New("ed25519: signature does not verify")
		}
		return nil
	}
	return errors.New("unknown scheme")
}
