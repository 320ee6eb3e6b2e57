package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/ocsp"

	"tlsplayground/playground/alert"
)

// Stapled OCSP (RFC 6960). Instead of the client asking the CA whether a
// certificate was revoked (which tells the CA which site the client visits,
// and fails open when the responder is slow), the server fetches a response
// signed by its CA and sends it in the handshake: in TLS 1.3 in the
// status_request extension of the leaf's CertificateEntry (RFC 8446, Section
// 4.4.2.1), in TLS 1.2 in a CertificateStatus message (RFC 6066, Section 8).

// OCSP response variants NewOCSPResponse mints.
const (
	OCSPGood    = "good"    // status good, valid now
	OCSPRevoked = "revoked" // status revoked (keyCompromise), valid now
	OCSPExpired = "expired" // status good, but its nextUpdate has passed
)

// Times of the responses, around now. The CA/Browser Forum's Baseline
// Requirements (Section 4.9.10) ask for a validity interval of at most ten
// days for a subscriber certificate's response.
const (
	ocspBackdate   = time.Hour          // thisUpdate is this long before now
	ocspValidity   = 7 * 24 * time.Hour // nextUpdate - thisUpdate
	ocspExpiredAgo = 2 * 24 * time.Hour // the expired response's nextUpdate is this long before now
	revokedAgo     = 2 * 24 * time.Hour // when the revoked leaf was revoked
)

// AlertBadCertificateStatusResponse is what a client sends when the
// stapled OCSP response is not satisfactory (RFC 6066, Section 8).
const AlertBadCertificateStatusResponse = alert.BadCertificateStatusResponse

// NewOCSPResponse mints the OCSP response that leaf's issuer signs for it
// (RFC 6960, Section 4.2.1: a BasicOCSPResponse, signed directly by the CA
// that issued the certificate, Section 2.6), with the given variant
// (OCSPGood, OCSPRevoked or OCSPExpired) relative to now. An ECDSA issuer
// key signs deterministically (RFC 6979).
//
// golang.org/x/crypto/ocsp sets producedAt from the real clock, to the
// minute: it is the one field not derived from now, and the checks do not
// use it.
func NewOCSPResponse(leaf, issuer *x509.Certificate, issuerKey crypto.Signer, variant string, now time.Time) ([]byte, error) {
	now = now.UTC().Truncate(time.Second)
	t := ocsp.Response{
		Status:       ocsp.Good,
		SerialNumber: leaf.SerialNumber,
		ThisUpdate:   now.Add(-ocspBackdate),
		NextUpdate:   now.Add(-ocspBackdate + ocspValidity),
	}
	switch variant {
	case OCSPGood:
	case OCSPRevoked:
		t.Status = ocsp.Revoked
		t.RevokedAt = now.Add(-revokedAgo)
		t.RevocationReason = ocsp.KeyCompromise
	case OCSPExpired:
		t.NextUpdate = now.Add(-ocspExpiredAgo)
		t.ThisUpdate = t.NextUpdate.Add(-ocspValidity)
	default:
		return nil, fmt.Errorf("pki: OCSP response variant %q does not exist: choose %s, %s or %s", variant, OCSPGood, OCSPRevoked, OCSPExpired)
	}
	if k, ok := issuerKey.(*ecdsa.PrivateKey); ok {
		issuerKey = rfc6979{k}
	}
	der, err := ocsp.CreateResponse(issuer, issuer, t, issuerKey)
	if err != nil {
		return nil, fmt.Errorf("pki: signing the %s OCSP response for %q: %w", variant, leaf.Subject.CommonName, err)
	}
	return der, nil
}

// OCSPResult is a client's check of a stapled OCSP response.
type OCSPResult struct {
	// OK reports whether the client goes on: the response is sound and
	// says good, or the server stapled nothing (the client then has no
	// revocation information from the handshake: soft-fail).
	OK bool
	// Err is why not, and Alert the alert the client sends: certificate_revoked
	// for a sound response that says revoked, bad_certificate_status_response
	// for one that is not satisfactory (RFC 6066, Section 8).
	Err   error
	Alert alert.Alert
	// Status is "good", "revoked" or "unknown" when the response parsed,
	// else "".
	Status string
	// Stapled reports whether there was a response at all.
	Stapled bool
	// Checks are the individual checks, in order: parse, signature,
	// certificate, freshness, status.
	Checks []Check
}

// CheckOCSP checks a stapled OCSP response for leaf, issued by issuer, at
// now, as a TLS client does (RFC 6960, Section 3.2): the response parses
// (Section 4.2.1), is signed by the issuer (Sections 2.6, 4.2.2.2), is
// about this certificate (CertID: the issuer's name and key hashes and the
// serial number, Section 4.1.1), is fresh (thisUpdate not in the future,
// nextUpdate not passed, Sections 2.4 and 4.2.2.1), and says good
// (Section 2.2). An empty resp means the server stapled nothing.
//
// RFC 6066, Section 8 asks a client that receives an unsatisfactory
// response to abort with bad_certificate_status_response; this client
// does. A sound response that says revoked aborts with certificate_revoked.
func CheckOCSP(resp []byte, leaf, issuer *x509.Certificate, now time.Time) OCSPResult {
	if len(resp) == 0 {
		return OCSPResult{OK: true, Checks: []Check{{Name: "stapled OCSP response", OK: true,
			Detail: "none: the server stapled no OCSP response, so the handshake carries no revocation information; browsers then rely on their own lists (Chrome's CRLSets, Firefox's CRLite) and go on if those are silent (soft-fail)"}}}
	}
	r := OCSPResult{Stapled: true}
	fail := func(err error) OCSPResult {
		r.Err, r.Alert = err, AlertBadCertificateStatusResponse
		return r
	}
	parsed, err := ocsp.ParseResponse(resp, nil)
	if err != nil {
		r.Checks = append(r.Checks, Check{Name: "OCSP response parses", Detail: fmt.Sprintf("%d bytes that are no successful BasicOCSPResponse (RFC 6960 §4.2.1): %v", len(resp), err)})
		return fail(fmt.Errorf("pki: the stapled OCSP response does not parse: %w", err))
	}
	r.Checks = append(r.Checks, Check{Name: "OCSP response parses", OK: true, Detail: fmt.Sprintf(
		"%d bytes: a successful BasicOCSPResponse (RFC 6960 §4.2.1) signed with %s", len(resp), parsed.SignatureAlgorithm)})

	sig := signatureOfResponse(parsed, issuer)
	r.Checks = append(r.Checks, sig)
	match, matchErr := certIDCheck(parsed, leaf, issuer)
	r.Checks = append(r.Checks, match)
	fresh := freshnessCheck(parsed, now)
	r.Checks = append(r.Checks, fresh)

	switch parsed.Status {
	case ocsp.Good:
		r.Status = OCSPGood
	case ocsp.Revoked:
		r.Status = OCSPRevoked
	default:
		r.Status = "unknown"
	}
	status := Check{Name: "certificate status"}
	switch r.Status {
	case OCSPGood:
		status.OK = true
		status.Detail = "good: the CA has not revoked this certificate (RFC 6960 §2.2)"
	case OCSPRevoked:
		status.Detail = fmt.Sprintf("revoked at %s, reason %s (RFC 6960 §2.2; reasons RFC 5280 §5.3.1): the CA says the certificate must no longer be trusted",
			parsed.RevokedAt.UTC().Format(time.RFC3339), revocationReason(parsed.RevocationReason))
	default:
		status.Detail = "unknown: the responder does not know this certificate (RFC 6960 §2.2)"
	}
	r.Checks = append(r.Checks, status)

	switch {
	case !sig.OK:
		return fail(errors.New("pki: the stapled OCSP response is not signed by the certificate's issuer: " + sig.Detail))
	case matchErr != nil:
		return fail(matchErr)
	case r.Status == OCSPRevoked:
		// A sound response that says revoked is final, whatever its age.
		r.Err, r.Alert = fmt.Errorf("pki: the certificate for %q was revoked at %s (%s), says the OCSP response its issuer signed",
			leaf.Subject.CommonName, parsed.RevokedAt.UTC().Format(time.RFC3339), revocationReason(parsed.RevocationReason)), alert.CertificateRevoked
		return r
	case !fresh.OK:
		return fail(errors.New("pki: the stapled OCSP response is out of date: " + fresh.Detail))
	case r.Status != OCSPGood:
		return fail(errors.New("pki: the stapled OCSP response says the certificate's status is unknown"))
	}
	r.OK = true
	return r
}

func signatureOfResponse(r *ocsp.Response, issuer *x509.Certificate) Check {
	ch := Check{Name: "OCSP signature"}
	if r.Certificate != nil {
		// A delegated responder (RFC 6960, Section 4.2.2.2): its
		// certificate is issued by the CA and carries id-kp-OCSPSigning.
		// ParseResponse has checked the response's signature with it.
		if err := r.Certificate.CheckSignatureFrom(issuer); err != nil {
			ch.Detail = fmt.Sprintf("signed by the responder %q, whose certificate is not issued by %q: %v", r.Certificate.Subject, issuer.Subject, err)
			return ch
		}
		if !hasEKU(r.Certificate, x509.ExtKeyUsageOCSPSigning) {
			ch.Detail = fmt.Sprintf("signed by the responder %q, whose certificate lacks id-kp-OCSPSigning (RFC 6960 §4.2.2.2)", r.Certificate.Subject)
			return ch
		}
		ch.OK = true
		ch.Detail = fmt.Sprintf("signed by %q, a responder %q delegated (RFC 6960 §4.2.2.2)", r.Certificate.Subject, issuer.Subject)
		return ch
	}
	if err := r.CheckSignatureFrom(issuer); err != nil {
		ch.Detail = fmt.Sprintf("the %s signature does not verify with the %s key of %q, the certificate's issuer: %v", r.SignatureAlgorithm, publicKeyName(issuer), issuer.Subject.String(), err)
		return ch
	}
	ch.OK = true
	ch.Detail = fmt.Sprintf("the %s signature verifies with the %s key of %q, the CA that issued the certificate (RFC 6960 §2.6, §4.2.2.2)", r.SignatureAlgorithm, publicKeyName(issuer), issuer.Subject.String())
	return ch
}

// certIDCheck compares the response's CertID (RFC 6960, Section 4.1.1)
// with leaf and issuer: the hashes of the issuer's name and public key, and
// the serial number. ocsp.Response exposes only the serial, so the hashes
// are read from the signed response data.
func certIDCheck(r *ocsp.Response, leaf, issuer *x509.Certificate) (Check, error) {
	ch := Check{Name: "OCSP response is for this certificate"}
	nameHash, keyHash, err := certIDHashes(r.TBSResponseData)
	if err != nil {
		ch.Detail = "the CertID does not parse: " + err.Error()
		return ch, errors.New("pki: the stapled OCSP response's CertID does not parse: " + err.Error())
	}
	var spki struct {
		Algorithm asn1.RawValue
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(issuer.RawSubjectPublicKeyInfo, &spki); err != nil {
		ch.Detail = "the issuer's public key does not parse: " + err.Error()
		return ch, errors.New("pki: " + ch.Detail)
	}
	h := r.IssuerHash.New()
	h.Write(issuer.RawSubject)
	wantName := h.Sum(nil)
	h.Reset()
	h.Write(spki.PublicKey.RightAlign())
	wantKey := h.Sum(nil)
	switch {
	case r.SerialNumber == nil || r.SerialNumber.Cmp(leaf.SerialNumber) != 0:
		ch.Detail = fmt.Sprintf("the response is about serial number %X, the certificate's is %X: a response for another certificate", r.SerialNumber, leaf.SerialNumber)
	case !bytes.Equal(nameHash, wantName) || !bytes.Equal(keyHash, wantKey):
		ch.Detail = fmt.Sprintf("the serial number matches, but the %s hashes of the issuer's name and key are not those of %q: a certificate of another CA", r.IssuerHash, issuer.Subject.String())
	default:
		ch.OK = true
		ch.Detail = fmt.Sprintf("CertID (RFC 6960 §4.1.1): serial number %X and the %s hashes of the issuer's name and public key match", leaf.SerialNumber, r.IssuerHash)
		return ch, nil
	}
	return ch, errors.New("pki: the stapled OCSP response is not about this certificate: " + ch.Detail)
}

// certIDHashes reads issuerNameHash and issuerKeyHash of the first
// SingleResponse of a ResponseData (RFC 6960, Section 4.2.1).
func certIDHashes(tbs []byte) (nameHash, keyHash []byte, err error) {
	in := cryptobyte.String(tbs)
	var data, responderID, responses, single, certID cryptobyte.String
	var idTag cbasn1.Tag
	if !in.ReadASN1(&data, cbasn1.SEQUENCE) ||
		!data.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) || // version
		!data.ReadAnyASN1(&responderID, &idTag) || // byName [1] or byKey [2]
		idTag != cbasn1.Tag(1).Constructed().ContextSpecific() && idTag != cbasn1.Tag(2).Constructed().ContextSpecific() ||
		!data.SkipASN1(cbasn1.GeneralizedTime) || // producedAt
		!data.ReadASN1(&responses, cbasn1.SEQUENCE) ||
		!responses.ReadASN1(&single, cbasn1.SEQUENCE) ||
		!single.ReadASN1(&certID, cbasn1.SEQUENCE) ||
		!certID.SkipASN1(cbasn1.SEQUENCE) || // hashAlgorithm
		!certID.ReadASN1Bytes(&nameHash, cbasn1.OCTET_STRING) ||
		!certID.ReadASN1Bytes(&keyHash, cbasn1.OCTET_STRING) {
		return nil, nil, errors.New("malformed ResponseData")
	}
	return nameHash, keyHash, nil
}

// freshnessCheck: thisUpdate is not in the future and nextUpdate has not
// passed (RFC 6960, Sections 2.4 and 4.2.2.1: a client SHOULD refuse a
// response whose nextUpdate is earlier than its clock).
func freshnessCheck(r *ocsp.Response, now time.Time) Check {
	ch := Check{Name: "OCSP response is current"}
	at := now.UTC().Format(time.RFC3339)
	this := r.ThisUpdate.UTC().Format(time.RFC3339)
	switch {
	case now.Before(r.ThisUpdate):
		ch.Detail = fmt.Sprintf("thisUpdate %s is after the client's clock %s: a response from the future", this, at)
	case r.NextUpdate.IsZero():
		ch.OK = true
		ch.Detail = fmt.Sprintf("thisUpdate %s, no nextUpdate: newer information is always available (RFC 6960 §2.4)", this)
	case !now.Before(r.NextUpdate):
		ch.Detail = fmt.Sprintf("nextUpdate %s passed %s before the client's clock %s (thisUpdate %s): the CA may have revoked the certificate since, and a stale response cannot say so (RFC 6960 §4.2.2.1)",
			r.NextUpdate.UTC().Format(time.RFC3339), now.Sub(r.NextUpdate).Round(time.Second), at, this)
	default:
		ch.OK = true
		ch.Detail = fmt.Sprintf("thisUpdate %s, nextUpdate %s: current at %s (RFC 6960 §4.2.2.1)", this, r.NextUpdate.UTC().Format(time.RFC3339), at)
	}
	return ch
}

// revocationReason names a CRLReason (RFC 5280, Section 5.3.1).
func revocationReason(code int) string {
	names := map[int]string{
		ocsp.Unspecified: "unspecified", ocsp.KeyCompromise: "keyCompromise", ocsp.CACompromise: "cACompromise",
		ocsp.AffiliationChanged: "affiliationChanged", ocsp.Superseded: "superseded", ocsp.CessationOfOperation: "cessationOfOperation",
		ocsp.CertificateHold: "certificateHold", ocsp.RemoveFromCRL: "removeFromCRL", ocsp.PrivilegeWithdrawn: "privilegeWithdrawn",
		ocsp.AACompromise: "aACompromise",
	}
	if n, ok := names[code]; ok {
		return n
	}
	return fmt.Sprintf("reason %d", code)
}
