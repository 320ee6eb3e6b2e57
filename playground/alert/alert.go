// Package alert names the TLS alerts (RFC 5246, Section 7.2; RFC 8446,
// Section 6) and carries them in errors, so that every failure in the engine
// says which alert it sends.
package alert

import (
	"errors"
	"strconv"
)

// Alert is an AlertDescription.
type Alert uint8

// Alert descriptions used by the engine (RFC 5246, Section 7.2; RFC 8446, Section 6).
const (
	CloseNotify                  Alert = 0
	UnexpectedMessage            Alert = 10
	BadRecordMAC                 Alert = 20
	RecordOverflow               Alert = 22
	HandshakeFailure             Alert = 40
	BadCertificate               Alert = 42
	UnsupportedCertificate       Alert = 43
	CertificateRevoked           Alert = 44
	CertificateExpired           Alert = 45
	CertificateUnknown           Alert = 46
	IllegalParameter             Alert = 47
	UnknownCA                    Alert = 48
	DecodeError                  Alert = 50
	DecryptError                 Alert = 51
	ProtocolVersion              Alert = 70
	InsufficientSecurity         Alert = 71
	InternalError                Alert = 80
	InappropriateFallback        Alert = 86  // RFC 7507, Section 2
	NoRenegotiation              Alert = 100 // a warning in TLS 1.2 (RFC 5246, Section 7.2.2)
	MissingExtension             Alert = 109
	UnsupportedExtension         Alert = 110
	UnrecognizedName             Alert = 112
	BadCertificateStatusResponse Alert = 113 // a stapled OCSP response that is not satisfactory (RFC 6066, Section 8; RFC 8446, Section 6.2)
	CertificateRequired          Alert = 116 // TLS 1.3: a server that requires a client certificate got none (RFC 8446, Section 4.4.2.4)
)

// Level is an AlertLevel: 1 is a warning, 2 is fatal.
type Level uint8

// Alert levels (RFC 5246, Section 7.2).
const (
	LevelWarning Level = 1
	LevelFatal   Level = 2
)

var names = map[Alert]string{
	CloseNotify:                  "close_notify",
	UnexpectedMessage:            "unexpected_message",
	BadRecordMAC:                 "bad_record_mac",
	RecordOverflow:               "record_overflow",
	HandshakeFailure:             "handshake_failure",
	BadCertificate:               "bad_certificate",
	UnsupportedCertificate:       "unsupported_certificate",
	CertificateRevoked:           "certificate_revoked",
	CertificateExpired:           "certificate_expired",
	CertificateUnknown:           "certificate_unknown",
	IllegalParameter:             "illegal_parameter",
	UnknownCA:                    "unknown_ca",
	DecodeError:                  "decode_error",
	DecryptError:                 "decrypt_error",
	ProtocolVersion:              "protocol_version",
	InsufficientSecurity:         "insufficient_security",
	InternalError:                "internal_error",
	InappropriateFallback:        "inappropriate_fallback",
	NoRenegotiation:              "no_renegotiation",
	MissingExtension:             "missing_extension",
	UnsupportedExtension:         "unsupported_extension",
	UnrecognizedName:             "unrecognized_name",
	BadCertificateStatusResponse: "bad_certificate_status_response",
	CertificateRequired:          "certificate_required",
}

// String returns the RFC name of the alert, such as "bad_record_mac".
func (a Alert) String() string {
	if n, ok := names[a]; ok {
		return n
	}
	return "alert(" + strconv.Itoa(int(a)) + ")"
}

// Error is a failure that sends (or, when Received is set, received) an alert.
type Error struct {
	Alert    Alert
	Msg      string // lower case, starts with "tls: "
	Received bool   // the peer sent this alert
	Err      error  // underlying cause, if any
	// Check is the id of the check that failed (checks.go), when the
	// sender knows it better than CheckOf can tell from the alert.
	Check string
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error that sends alert a.
func New(a Alert, msg string) *Error { return &Error{Alert: a, Msg: msg} }

// Wrap returns an error that sends alert a, caused by err.
func Wrap(a Alert, msg string, err error) *Error { return &Error{Alert: a, Msg: msg, Err: err} }

// Checked returns an error that sends alert a because check failed.
func Checked(a Alert, check, msg string, err error) *Error {
	return &Error{Alert: a, Msg: msg, Err: err, Check: check}
}

// Of returns the alert err carries, and false if it carries none.
func Of(err error) (Alert, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Alert, true
	}
	return 0, false
}

// Normalize returns err as an *Error; an error without an alert becomes
// internal_error (the engine failed, not the peer).
func Normalize(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Wrap(InternalError, "tls: internal error", err)
}
