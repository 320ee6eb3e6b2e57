package alert

import (
	"crypto/x509"
	"errors"
	"strings"
)

// A check is what a receiver verifies whose failure ends the connection:
// the AEAD tag of a record, the Finished MAC, a signature, the certificate's
// path to a trusted root. An alert names what the peer is told (often the
// same alert for several checks: bad_certificate for any refused chain);
// the check says which verification failed, as a stable id the page and the
// terminal edition key on, with the teaching explanation beside it.

// Check ids (Error.Check, the session's ErrorInfo.Check). Stable: programs
// key on them; the label and text may be reworded.
const (
	CheckBadRecordMAC      = "record.bad_record_mac"      // the AEAD tag of a record did not verify
	CheckRecordOverflow    = "record.overflow"            // a record longer than the protocol allows
	CheckUnexpected        = "record.unexpected"          // a content type or message out of place
	CheckIncomplete        = "record.incomplete"          // a length promises bytes that never came (no alert)
	CheckStalled           = "handshake.stalled"          // each side waits for the other (no alert)
	CheckDecode            = "decode.malformed"           // lengths and fields do not add up
	CheckFinished          = "finished.mismatch"          // the Finished MAC differs
	CheckSignature         = "signature.invalid"          // ServerKeyExchange or CertificateVerify does not verify
	CheckHandshakeMAC      = "handshake.mac_or_signature" // decrypt_error without a more precise reason
	CheckPaddingOracle     = "rsa.padding_oracle"         // the deliberately leaky server's PKCS#1 padding report
	CheckNoCommonSuite     = "negotiation.no_common_suite"
	CheckRenegotiationInfo = "negotiation.renegotiation_info"
	CheckNegotiation       = "negotiation.failed"
	CheckForbiddenValue    = "parameter.forbidden"
	CheckDowngrade         = "downgrade.sentinel"
	CheckVersion           = "version.unsupported"
	CheckUntrustedRoot     = "cert.untrusted_root" // no path from the chain to a root in the trust store
	CheckExpired           = "cert.expired"        // outside notBefore … notAfter
	CheckNameMismatch      = "cert.name_mismatch"  // not valid for the server name
	CheckKeyUsage          = "cert.key_usage"      // not valid for server authentication
	CheckWeakKey           = "cert.weak_key"
	CheckCertificate       = "cert.rejected" // a refused chain without a more precise reason
	CheckRevoked           = "cert.revoked"
	CheckStatusResponse    = "cert.status_response" // the stapled OCSP response is not satisfactory
	CheckNotLogged         = "cert.not_logged"      // Certificate Transparency: not enough SCTs
	CheckInternal          = "internal.error"
	CheckTransport         = "transport.failed" // the HTTP exchange that carries the records failed: no TLS check
	CheckOther             = "other"            // an alert no check here describes
)

// CheckInfo is one check: its id, what a person calls it, the explanation
// the page and tlsplay show, and the alert the engine sends for it.
type CheckInfo struct {
	ID    string `json:"id"`
	Alert string `json:"alert"` // the alert's RFC name; "" when none is sent
	Label string `json:"label"`
	Text  string `json:"text"`
}

// Checks is the catalogue of checks, each with its teaching explanation.
var Checks = []CheckInfo{
	{CheckBadRecordMAC, "bad_record_mac", "the AEAD tag check (record protection)",
		"Every encrypted record carries an authentication tag computed with the sender’s write key over the ciphertext and the additional data (TLS 1.3: the record header; TLS 1.2: sequence number, type, version and the plaintext’s length). A changed byte — or keys that differ because something earlier in the handshake was changed — makes the tag check fail, and the receiver throws the whole record away without decrypting it."},
	{CheckRecordOverflow, "record_overflow", "the record length limit",
		"A record may carry at most 2^14 bytes of plaintext (RFC 8446, Section 5.1; RFC 5246, Section 6.2.1), and its ciphertext a little more. A longer one is refused before anything in it is used."},
	{CheckUnexpected, "unexpected_message", "the record layer: what may arrive now",
		"The bytes no longer form the record or message the receiver expects at this point: an unknown content type, or a message out of order."},
	{CheckIncomplete, "", "none yet: the receiver waits for more bytes",
		"A length field now promises more bytes than were sent, so the receiver keeps what it has and waits for the rest. Nothing is processed, nothing is released, and no alert is sent: a real connection would sit there until a timeout closed it."},
	{CheckStalled, "", "none: each side waits for the other",
		"Neither side has anything to send and neither has finished: the handshake stopped without an error. A real connection would sit there until a timeout closed it."},
	{CheckDecode, "decode_error", "parsing: lengths and fields",
		"Every field of a message has a length, and the lengths must add up to exactly the bytes received. A changed length no longer matches, so the message is refused before anything in it is used."},
	{CheckFinished, "decrypt_error", "the Finished check (a MAC of the whole handshake)",
		"Finished carries a MAC of every handshake message, keyed by the master secret. The keys still agree here, but the two sides saw different handshake bytes, so the MACs differ."},
	{CheckSignature, "decrypt_error", "a signature check with the certificate’s key",
		"The server signs its key exchange (ServerKeyExchange in TLS 1.2, CertificateVerify in TLS 1.3) with its certificate’s key. A changed byte in what was signed, or in the signature, and it no longer verifies."},
	{CheckHandshakeMAC, "decrypt_error", "a MAC or signature over the handshake",
		"The Finished message is a MAC of the whole handshake under the master secret; ServerKeyExchange (TLS 1.2) and CertificateVerify (TLS 1.3) are signatures with the certificate’s key. When the two sides saw different handshake bytes, or a signed value was changed, this check fails."},
	{CheckPaddingOracle, "decrypt_error", "the PKCS#1 v1.5 padding of the decrypted pre-master secret",
		"Not a MAC or a signature: this server reports, with an alert of its own, that the RSA-decrypted block does not start with 00 02 — exactly the one bit Bleichenbacher’s attack needs. The real server never reveals it."},
	{CheckNoCommonSuite, "handshake_failure", "cipher suite negotiation",
		"The server picks one of the suites the client offers that it also enables itself. There is none, so it refuses the ClientHello before sending anything else."},
	{CheckRenegotiationInfo, "handshake_failure", "secure renegotiation (RFC 5746)",
		"On a new connection the renegotiation_info extension must be empty; the changed byte made it claim an earlier connection that does not exist."},
	{CheckNegotiation, "handshake_failure", "negotiation",
		"No acceptable set of parameters: nothing in common, or an extension that must be empty is not."},
	{CheckForbiddenValue, "illegal_parameter", "a field holds a forbidden value",
		"The message parses, but a field holds a value the protocol forbids here — a version, a point format, a downgrade sentinel."},
	{CheckDowngrade, "illegal_parameter", "the downgrade sentinel in ServerHello.random (RFC 8446, Section 4.1.3)",
		"A server that speaks TLS 1.3 but negotiates TLS 1.2 ends its random with “DOWNGRD” and 01. The random is signed, so nobody on the way can remove it, and a client that offered TLS 1.3 aborts when it sees it."},
	{CheckVersion, "protocol_version", "version negotiation",
		"The version field now names a protocol version this side does not speak."},
	{CheckUntrustedRoot, "bad_certificate", "certificate verification (crypto/x509): no path to a trusted root",
		"crypto/x509 looks for an issuer whose key verifies the certificate’s signature, and a path from it to a root in the client’s trust store. A certificate signed by a stranger and a genuine one whose signature was changed look the same: no trusted key verifies them. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
	{CheckExpired, "bad_certificate", "certificate verification: the validity period",
		"The client’s clock is outside the certificate’s notBefore … notAfter window. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
	{CheckNameMismatch, "bad_certificate", "certificate verification: the server name",
		"The certificate is valid for other names than the one the client asked for (its subjectAltName entries, RFC 6125). Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
	{CheckKeyUsage, "bad_certificate", "certificate verification: what the certificate may be used for",
		"A certificate’s extended key usage lists what its key may do; a server certificate must allow server authentication. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
	{CheckWeakKey, "bad_certificate", "certificate verification: the strength of the key",
		"The certificate’s key is too short to be trusted: public certificates need RSA keys of 2048 bits at least. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
	{CheckCertificate, "bad_certificate", "certificate verification (crypto/x509)",
		"The chain is refused; crypto/x509’s exact reason is above: an unknown issuer, a signature that no trusted key verifies (a changed byte looks just like a stranger’s certificate), dates, the name, the key usage or a weak key. Like crypto/tls, the client sends bad_certificate whatever the reason: the peer only learns that its certificate was refused."},
	{CheckRevoked, "certificate_revoked", "revocation: the stapled OCSP response",
		"The chain verifies, but the OCSP response the certificate’s issuer signed, stapled by the server, says the certificate was revoked."},
	{CheckStatusResponse, "bad_certificate_status_response", "revocation: the stapled OCSP response is not satisfactory",
		"The stapled OCSP response must be signed by the certificate’s issuer, be about this certificate and be current; a stale response cannot say whether the certificate was revoked since."},
	{CheckNotLogged, "bad_certificate", "Certificate Transparency: proof that the certificate was logged",
		"Browsers require SCTs from public logs of different operators for a public certificate: without them the certificate may never have been logged, and its owner could not have seen it."},
	{CheckTransport, "", "none: the connection that carries the records failed",
		"The HTTP request that carries the TLS records did not get an answer the client could use, so no TLS check was reached."},
	{CheckInternal, "internal_error", "the engine itself",
		"The engine failed, not the peer: no check of the protocol was involved."},
}

// alertChecks is the check of an alert that carries no more precise reason.
var alertChecks = map[Alert]string{
	BadRecordMAC:                 CheckBadRecordMAC,
	RecordOverflow:               CheckRecordOverflow,
	UnexpectedMessage:            CheckUnexpected,
	DecodeError:                  CheckDecode,
	DecryptError:                 CheckHandshakeMAC,
	HandshakeFailure:             CheckNegotiation,
	IllegalParameter:             CheckForbiddenValue,
	ProtocolVersion:              CheckVersion,
	UnknownCA:                    CheckUntrustedRoot,
	BadCertificate:               CheckCertificate,
	CertificateExpired:           CheckExpired,
	CertificateRevoked:           CheckRevoked,
	BadCertificateStatusResponse: CheckStatusResponse,
	InternalError:                CheckInternal,
}

// messageChecks refine an alert by the engine's own message, until every
// site that sends it sets Error.Check itself. The one place in the
// playground where a program reads its own English (a test pins each row
// with a real failure; the page never does).
var messageChecks = []struct {
	alert Alert
	has   string
	check string
}{
	{HandshakeFailure, "no cipher suite in common", CheckNoCommonSuite},
	{HandshakeFailure, "renegotiation_info", CheckRenegotiationInfo},
	{DecryptError, "PKCS#1 padding", CheckPaddingOracle},
	{DecryptError, "Finished", CheckFinished},
	{DecryptError, "signature", CheckSignature},
	{IllegalParameter, "downgrade detected", CheckDowngrade},
	{BadCertificate, "RSA keys shorter than", CheckWeakKey},
	{BadCertificate, "not publicly logged", CheckNotLogged},
}

// CheckOf returns the check whose failure err reports: Error.Check when the
// sender set it, then what crypto/x509's typed errors say, then the
// alert's own check. "" for an error without an alert.
func CheckOf(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return ""
	}
	if e.Check != "" {
		return e.Check
	}
	if e.Alert == BadCertificate || e.Alert == UnknownCA || e.Alert == CertificateExpired {
		var unknown x509.UnknownAuthorityError
		var host x509.HostnameError
		var invalid x509.CertificateInvalidError
		switch {
		case errors.As(err, &unknown):
			return CheckUntrustedRoot
		case errors.As(err, &host):
			return CheckNameMismatch
		case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
			return CheckExpired
		case errors.As(err, &invalid) && invalid.Reason == x509.IncompatibleUsage:
			return CheckKeyUsage
		}
	}
	msg := err.Error()
	for _, m := range messageChecks {
		if m.alert == e.Alert && strings.Contains(msg, m.has) {
			return m.check
		}
	}
	return AlertCheck(e.Alert)
}

// AlertCheck returns the check an alert stands for when nothing more
// precise is known (an alert received from a peer over the network).
func AlertCheck(a Alert) string {
	if c, ok := alertChecks[a]; ok {
		return c
	}
	return CheckOther
}

// ByName returns the alert with RFC name name.
func ByName(name string) (Alert, bool) {
	for a, n := range names {
		if n == name {
			return a, true
		}
	}
	return 0, false
}

// All returns every alert the engine names, by code.
func All() []Alert {
	out := make([]Alert, 0, len(names))
	for a := range names {
		out = append(out, a)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
