package handshake

import "golang.org/x/crypto/cryptobyte"

// StatusTypeOCSP is CertificateStatusType ocsp (RFC 6066, Section 8).
const StatusTypeOCSP = 1

// StatusRequestOCSP is a client's status_request extension: status_type
// ocsp, an empty responder_id_list (any responder the server knows) and
// empty request_extensions (RFC 6066, Section 8), as browsers send it.
var StatusRequestOCSP = []byte{StatusTypeOCSP, 0, 0, 0, 0}

// AsksOCSPStatus reports whether a ClientHello's extensions ask for a
// stapled OCSP response (status_request of type ocsp, RFC 6066, Section
// 8). A malformed one is taken as not asking, as other servers do: the
// extension only asks for something extra.
func AsksOCSPStatus(exts []Extension) bool {
	d, ok := Find(exts, ExtStatusRequest)
	if !ok {
		return false
	}
	s := cryptobyte.String(d)
	var typ uint8
	var ids, reqExts cryptobyte.String
	return s.ReadUint8(&typ) && typ == StatusTypeOCSP &&
		s.ReadUint16LengthPrefixed(&ids) && s.ReadUint16LengthPrefixed(&reqExts) && s.Empty()
}
