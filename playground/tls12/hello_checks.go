// The checks a TLS 1.2 server makes on the extensions of a ClientHello
// before it negotiates anything, and the ones both sides share.

package tls12

import (
	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
)

// Signaling cipher suite values: not suites, flags in the suite list.
const (
	scsvRenegotiation uint16 = 0x00ff // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746, Section 3.3)
	scsvFallback      uint16 = 0x5600 // TLS_FALLBACK_SCSV (RFC 7507, Section 2)
)

// checkClientExtensions refuses what a ClientHello must not carry on a new
// connection:
//   - a malformed server_name (RFC 6066, Section 3): decode_error;
//   - an extended_master_secret with data (RFC 7627, Section 5.1): decode_error;
//   - a renegotiation_info that is malformed (decode_error) or not empty
//     (RFC 5746, Section 3.6: handshake_failure);
//   - TLS_FALLBACK_SCSV from a client offering less than TLS 1.3 to a server
//     that also speaks TLS 1.3 (RFC 7507, Section 3): inappropriate_fallback.
func (c *Conn) checkClientExtensions(m *handshake.ClientHello) error {
	if d, ok := handshake.Find(m.Extensions, handshake.ExtServerName); ok {
		if _, ok := handshake.ParseServerName(d); !ok {
			return alert.New(alert.DecodeError, "tls: malformed server_name extension (RFC 6066, Section 3)")
		}
	}
	if d, ok := handshake.Find(m.Extensions, handshake.ExtExtendedMasterSecret); ok && len(d) != 0 {
		return alert.New(alert.DecodeError, "tls: client's extended_master_secret extension is not empty (RFC 7627, Section 5.1)")
	}
	if d, ok := handshake.Find(m.Extensions, handshake.ExtRenegotiationInfo); ok {
		if err := checkRenegotiationInfo(d, "client"); err != nil {
			return err
		}
	}
	if c.cfg.DowngradeSentinel && containsUint16(m.CipherSuites, scsvFallback) && !offersVersion(m, versionTLS13) {
		return alert.New(alert.InappropriateFallback, "tls: the client retried with a lower version (TLS_FALLBACK_SCSV) but this server speaks TLS 1.3 too: an attacker may have broken the first attempt (RFC 7507, Section 3)")
	}
	return nil
}

// versionTLS13 is TLS 1.3's version number, for the fallback check.
const versionTLS13 uint16 = 0x0304

// offersVersion reports whether a ClientHello offers version v, in
// supported_versions or, without it, as its highest version.
func offersVersion(m *handshake.ClientHello, v uint16) bool {
	if d, ok := handshake.Find(m.Extensions, handshake.ExtSupportedVersions); ok {
		vs, _ := handshake.ParseUint16List(d, 1)
		return containsUint16(vs, v)
	}
	return m.Version >= v && v >= record.VersionTLS12
}

// checkRenegotiationInfo checks a renegotiation_info on a new connection:
// its renegotiated_connection must be empty, one zero length byte (RFC
// 5746, Sections 3.4 and 3.6). Malformed is decode_error; not empty is
// handshake_failure.
func checkRenegotiationInfo(d []byte, who string) error {
	if len(d) == 0 || int(d[0]) != len(d)-1 {
		return alert.New(alert.DecodeError, "tls: malformed renegotiation_info extension from the "+who)
	}
	if d[0] != 0 {
		return alert.New(alert.HandshakeFailure, "tls: the "+who+"'s renegotiation_info is not empty on a new connection (RFC 5746, Section 3.6)")
	}
	return nil
}
