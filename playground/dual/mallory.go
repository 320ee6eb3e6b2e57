package dual

import (
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
)

// StripTLS13 is Mallory's downgrade attempt: it removes TLS 1.3 from a
// ClientHello record (supported_versions, key_share and the TLS 1.3
// suites) so that the server sees a TLS 1.2-only client. Other records
// pass unchanged.
func StripTLS13(w []byte) []byte {
	rec, n, err := record.Parse(w)
	if err != nil || n == 0 || rec.Type != record.TypeHandshake || len(rec.Payload) == 0 || rec.Payload[0] != handshake.TypeClientHello {
		return w
	}
	m, err := handshake.UnmarshalClientHello(rec.Payload)
	if err != nil {
		return w
	}
	var kept []handshake.Extension
	for _, e := range m.Extensions {
		if e.Type != handshake.ExtSupportedVersions && e.Type != handshake.ExtKeyShare {
			kept = append(kept, e)
		}
	}
	m.Extensions = kept
	var cs []uint16
	for _, id := range m.CipherSuites {
		if id>>8 != 0x13 {
			cs = append(cs, id)
		}
	}
	m.CipherSuites = cs
	rec.Payload = m.Marshal()
	return rec.Marshal()
}
