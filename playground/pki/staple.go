package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/alert"
)

// statusTypeOCSP is CertificateStatusType ocsp (RFC 6066, Section 8).
const statusTypeOCSP = 1

// MarshalCertificateStatus encodes an OCSP response as a CertificateStatus
// (RFC 6066, Section 8: status_type ocsp(1), then the DER response behind
// a 24-bit length). It is the body of the TLS 1.2 CertificateStatus
// handshake message (type 22, after Certificate) and, in TLS 1.3, the data
// of the status_request extension in the leaf's CertificateEntry (RFC
// 8446, Section 4.4.2.1). A server sends it only to a client whose
// ClientHello carried status_request.
func MarshalCertificateStatus(resp []byte) ([]byte, error) {
	if len(resp) == 0 {
		return nil, errors.New("pki: no OCSP response to staple: a CertificateStatus holds one of at least one byte")
	}
	var b cryptobyte.Builder
	b.AddUint8(statusTypeOCSP)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(resp) })
	return b.Bytes()
}

// ParseCertificateStatus returns the OCSP response a CertificateStatus
// carries (RFC 6066, Section 8).
func ParseCertificateStatus(data []byte) ([]byte, error) {
	in := cryptobyte.String(data)
	var typ uint8
	var resp cryptobyte.String
	if !in.ReadUint8(&typ) || !in.ReadUint24LengthPrefixed(&resp) || !in.Empty() || len(resp) == 0 {
		return nil, errors.New("pki: the CertificateStatus does not parse: want status_type, then an OCSP response behind a 24-bit length (RFC 6066, Section 8)")
	}
	if typ != statusTypeOCSP {
		return nil, fmt.Errorf("pki: the CertificateStatus has status_type %d: only ocsp (1) exists (RFC 6066, Section 8)", typ)
	}
	return []byte(resp), nil
}

// WebPKIResult is CheckWebPKI's verdict: the stapled OCSP response's and
// the SCTs'.
type WebPKIResult struct {
	OK    bool
	Err   error       // the first refusal: revocation, then transparency
	Alert alert.Alert // the alert to send when !OK
	OCSP  OCSPResult
	CT    CTResult
	// Checks are OCSP's checks, then CT's.
	Checks []Check
}

// CheckWebPKI runs a client's checks beyond path validation on a chain
// Verify accepted: path is VerifyResult.Chain (leaf, its issuer, …, root),
// staple the OCSP response the server stapled (nil: none), localRoot
// whether the root was added to the trust store by the user or an
// administrator (Mallory's root: exempt from Certificate Transparency).
// A revoked or unsatisfactory staple refuses first (certificate_revoked,
// bad_certificate_status_response), then too few SCTs (bad_certificate,
// as crypto/tls sends for every refused chain).
func CheckWebPKI(path []*x509.Certificate, staple []byte, localRoot bool, now time.Time) WebPKIResult {
	if len(path) < 2 {
		err := errors.New("pki: the WebPKI checks need a verified path of the leaf and its issuer at least")
		return WebPKIResult{Err: err, Alert: alert.BadCertificate, Checks: []Check{{Name: "verified path", Detail: err.Error()}}}
	}
	leaf, issuer := path[0], path[1]
	r := WebPKIResult{OCSP: CheckOCSP(staple, leaf, issuer, now), CT: CheckSCTs(leaf, issuer, nil, localRoot, now)}
	r.Checks = append(append(r.Checks, r.OCSP.Checks...), r.CT.Checks...)
	switch {
	case !r.OCSP.OK:
		r.Err, r.Alert = r.OCSP.Err, r.OCSP.Alert
	case !r.CT.OK:
		r.Err, r.Alert = r.CT.Err, alert.BadCertificate
	default:
		r.OK = true
	}
	return r
}
