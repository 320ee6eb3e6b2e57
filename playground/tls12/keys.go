package tls12

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"strconv"

	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// keyFits reports whether a certificate key can serve the suite: RSA key
// transport and ECDHE_RSA need RSA; ECDHE_ECDSA needs ECDSA (on P-256,
// P-384 or P-521) or EdDSA (RFC 8422, Section 2).
func keyFits(s *suites.Suite, pub crypto.PublicKey) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return s.KeyExchange == suites.RSA || s.KeyExchange == suites.ECDHERSA
	case *sigscheme.RSAPSSPublicKey:
		// It signs (rsa_pss_pss_*, RFC 8446, Section 4.2.3) but may not
		// decrypt: ECDHE_RSA, never RSA key transport.
		return s.KeyExchange == suites.ECDHERSA
	case *ecdsa.PublicKey:
		_, ok := ecdsaCurveID(k.Curve)
		return s.KeyExchange == suites.ECDHEECDSA && ok
	case ed25519.PublicKey:
		return s.KeyExchange == suites.ECDHEECDSA
	}
	return false
}

func keyNeeded(s *suites.Suite) string {
	if s.KeyExchange == suites.ECDHEECDSA {
		return "an ECDSA (P-256, P-384, P-521) or Ed25519"
	}
	return "an RSA"
}

// ecdsaCurveID returns the supported_groups code point (RFC 8422, Section
// 5.1.1) of the curve of an ECDSA certificate key, and whether the engine
// takes keys on it. It compares with crypto/elliptic's curves when asked,
// so that none is set up at package init.
func ecdsaCurveID(c elliptic.Curve) (uint16, bool) {
	switch c {
	case elliptic.P256():
		return 0x0017, true
	case elliptic.P384():
		return 0x0018, true
	case elliptic.P521():
		return 0x0019, true
	}
	return 0, false
}

// curveID is ecdsaCurveID's code point, 0 for a curve the engine does not
// take.
func curveID(c elliptic.Curve) uint16 {
	id, _ := ecdsaCurveID(c)
	return id
}

// certCurveIDs lists ecdsaCurveID's code points in order.
var certCurveIDs = []uint16{0x0017, 0x0018, 0x0019}

// fits12 reports whether the scheme can sign with pub in TLS 1.2. There an
// ECDSA scheme names only the hash: "the old semantics did not constrain
// the signing curve" (RFC 8446, Section 4.2.3), so ecdsa_secp256r1_sha256
// is SHA-256 with ECDSA on whatever curve the key is.
func fits12(s *sigscheme.Scheme, pub crypto.PublicKey) bool {
	if k, ok := pub.(*ecdsa.PublicKey); ok && s.ECDSACurve() != nil {
		_, known := ecdsaCurveID(k.Curve)
		return known
	}
	return s.Fits(pub)
}

// verify12 checks a TLS 1.2 signature with the semantics of fits12: "MUST
// be prepared to accept a signature that uses any curve that they
// advertise in the supported_groups extension" (RFC 8446, Section 4.2.3).
func verify12(s *sigscheme.Scheme, pub crypto.PublicKey, msg, sig []byte) error {
	if k, ok := pub.(*ecdsa.PublicKey); ok && s.ECDSACurve() != nil {
		if !ecdsa.VerifyASN1(k, s.Digest(msg), sig) {
			return errors.New("ecdsa: signature does not verify")
		}
		return nil
	}
	return s.Verify(pub, msg, sig)
}

// publicKeyName names a public key: "RSA-2048", "ECDSA P-256", "Ed25519".
func publicKeyName(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case *sigscheme.RSAPSSPublicKey:
		return fmt.Sprintf("RSASSA-PSS-%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

// appendPublicKeyValues appends a public key as the trace shows it to vals.
func appendPublicKeyValues(vals []trace.Value, label string, pub crypto.PublicKey) []trace.Value {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return append(vals,
			trace.Hex(label+": modulus n", k.N.Bytes(), strconv.Itoa(k.N.BitLen())+"-bit RSA modulus"),
			trace.Text(label+": exponent e", strconv.Itoa(k.E), ""))
	case *sigscheme.RSAPSSPublicKey:
		return append(vals,
			trace.Hex(label+": modulus n", k.N.Bytes(), strconv.Itoa(k.N.BitLen())+"-bit RSA modulus of an RSASSA-PSS key (RFC 4055): it may only make PSS signatures"),
			trace.Text(label+": exponent e", strconv.Itoa(k.E), ""))
	case *ecdsa.PublicKey:
		if b, err := k.Bytes(); err == nil {
			return append(vals, trace.Hex(label, b, "ECDSA "+k.Curve.Params().Name+" point: 04 + x + y (uncompressed); it can sign and verify, not encrypt"))
		}
	case ed25519.PublicKey:
		return append(vals, trace.Hex(label, k, "Ed25519 public key (RFC 8032): 32 bytes; it can sign and verify, not encrypt"))
	}
	return append(vals, trace.Text(label, publicKeyName(pub), ""))
}

// kxName and kxNote say what a suite's key exchange is.
func kxName(s *suites.Suite) string {
	switch s.KeyExchange {
	case suites.ECDHERSA:
		return "ECDHE, signed with RSA"
	case suites.ECDHEECDSA:
		return "ECDHE, signed with ECDSA or EdDSA"
	}
	return "RSA key transport"
}

func kxNote(s *suites.Suite) string {
	if s.ForwardSecret() {
		return "each side makes an ephemeral key pair and sends its public half; the server signs its own with the certificate's key; the shared secret never travels, and erasing the ephemeral keys gives forward secrecy"
	}
	return "the client will encrypt the pre-master secret with the server's RSA public key: whoever gets that key later can decrypt a recording of this session"
}
