package sigscheme

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// RSAPSSPublicKey is an RSA key whose certificate names it id-RSASSA-PSS
// (RFC 4055, Section 1.2) rather than rsaEncryption: it may make PSS
// signatures only, which TLS 1.3 calls rsa_pss_pss_* (RFC 8446, Section
// 4.2.3). crypto/x509 parses such a certificate but leaves its PublicKey
// nil; CertificateKey reads it.
type RSAPSSPublicKey struct {
	*rsa.PublicKey
	// Hash is the hash the key's parameters restrict it to, or 0 when the
	// certificate carries no parameters (any hash).
	Hash crypto.Hash
}

// Object identifiers of RFC 4055 and RFC 8017.
var (
	oidRSASSAPSS = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidSHA1      = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

// CertificateKey returns the public key of cert as the schemes see it:
// crypto/x509's, or an *RSAPSSPublicKey for an RSASSA-PSS key, which
// crypto/x509 does not parse.
func CertificateKey(cert *x509.Certificate) (crypto.PublicKey, error) {
	if cert.PublicKey != nil {
		return cert.PublicKey, nil
	}
	spki := cryptobyte.String(cert.RawSubjectPublicKeyInfo)
	var inner, alg cryptobyte.String
	var bits []byte
	var oid asn1.ObjectIdentifier
	if !spki.ReadASN1(&inner, cbasn1.SEQUENCE) || !inner.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) || !inner.ReadASN1BitStringAsBytes(&bits) {
		return nil, errors.New("sigscheme: the certificate's subjectPublicKeyInfo does not parse")
	}
	if !oid.Equal(oidRSASSAPSS) {
		return nil, fmt.Errorf("sigscheme: the certificate's key algorithm %s is not one TLS can use", oid)
	}
	k, err := x509.ParsePKCS1PublicKey(bits)
	if err != nil {
		return nil, fmt.Errorf("sigscheme: the certificate's RSASSA-PSS key does not parse: %w", err)
	}
	h, err := pssParamsHash(alg)
	if err != nil {
		return nil, err
	}
	return &RSAPSSPublicKey{PublicKey: k, Hash: h}, nil
}

// pssParamsHash reads the hashAlgorithm of RSASSA-PSS-params (RFC 4055,
// Section 3.1), when there are parameters: absent parameters leave the key
// unrestricted; present ones without a hash mean SHA-1, which no TLS 1.3
// scheme uses.
func pssParamsHash(params cryptobyte.String) (crypto.Hash, error) {
	if params.Empty() || params.PeekASN1Tag(cbasn1.NULL) {
		return 0, nil
	}
	var seq, hashAlg, algSeq cryptobyte.String
	var hasHash bool
	if !params.ReadASN1(&seq, cbasn1.SEQUENCE) ||
		!seq.ReadOptionalASN1(&hashAlg, &hasHash, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return 0, errors.New("sigscheme: the certificate's RSASSA-PSS parameters do not parse")
	}
	if !hasHash {
		return crypto.SHA1, nil
	}
	var oid asn1.ObjectIdentifier
	if !hashAlg.ReadASN1(&algSeq, cbasn1.SEQUENCE) || !algSeq.ReadASN1ObjectIdentifier(&oid) {
		return 0, errors.New("sigscheme: the certificate's RSASSA-PSS hash algorithm does not parse")
	}
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, nil
	case oid.Equal(oidSHA384):
		return crypto.SHA384, nil
	case oid.Equal(oidSHA512):
		return crypto.SHA512, nil
	case oid.Equal(oidSHA1):
		return crypto.SHA1, nil
	}
	return 0, fmt.Errorf("sigscheme: the certificate's RSASSA-PSS key is restricted to hash %s, which TLS does not use", oid)
}
