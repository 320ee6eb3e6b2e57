// Extensions the TLS 1.2 engine sends and reads, and how the trace
// describes them (RFC 5246, Section 7.4.1.4; RFC 8422, Section 5.1; RFC
// 6066, Section 3).

package tls12

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
)

// offersECDHE reports whether a suite list has an ECDHE suite, which needs
// supported_groups and ec_point_formats in the ClientHello.
func offersECDHE(list []*suites.Suite) bool {
	for _, s := range list {
		if s.ForwardSecret() {
			return true
		}
	}
	return false
}

// marshalUint16s writes a list of code points with a two-byte length, as in
// supported_groups and signature_algorithms.
func marshalUint16s(vals []uint16) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, v := range vals {
			b.AddUint16(v)
		}
	})
	return b.BytesOrPanic()
}

// parseUint16s reads such a list; it must be whole, even and non-empty.
func parseUint16s(data []byte) ([]uint16, bool) {
	s := cryptobyte.String(data)
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || !s.Empty() || len(list) == 0 || len(list)%2 != 0 {
		return nil, false
	}
	var out []uint16
	for !list.Empty() {
		var v uint16
		list.ReadUint16(&v)
		out = append(out, v)
	}
	return out, true
}

// parsePointFormats reads ec_point_formats (RFC 8422, Section 5.1.2).
func parsePointFormats(data []byte) ([]uint8, bool) {
	s := cryptobyte.String(data)
	var list cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&list) || !s.Empty() || len(list) == 0 {
		return nil, false
	}
	return append([]uint8{}, list...), true
}

func groupNames(gs []*kx.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

func namesOf(ids []uint16, name func(uint16) string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = name(id)
	}
	return strings.Join(parts, ", ")
}

func serverNameExtension(name string) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(0) // host_name
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(name)) })
	})
	return b.BytesOrPanic()
}

// parseServerName returns the host_name in an SNI extension.
func parseServerName(data []byte) (string, bool) {
	s := cryptobyte.String(data)
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || !s.Empty() || list.Empty() {
		return "", false
	}
	for !list.Empty() {
		var typ uint8
		var name cryptobyte.String
		if !list.ReadUint8(&typ) || !list.ReadUint16LengthPrefixed(&name) {
			return "", false
		}
		if typ == 0 {
			return string(name), true
		}
	}
	return "", true
}

func describeExtensions(exts []handshake.Extension) []string {
	out := make([]string, 0, len(exts))
	for _, e := range exts {
		d := handshake.ExtensionName(e.Type)
		switch e.Type {
		case handshake.ExtServerName:
			if n, ok := parseServerName(e.Data); ok {
				d += ": " + n
			}
		case handshake.ExtExtendedMasterSecret:
			d += ": bind the master secret to the whole handshake (RFC 7627)"
		case handshake.ExtRenegotiationInfo:
			d += ": secure renegotiation (RFC 5746)"
		case handshake.ExtSignatureAlgorithms:
			if ids, ok := parseUint16s(e.Data); ok {
				d += ": " + namesOf(ids, sigscheme.NameOf)
			}
		case handshake.ExtSupportedGroups:
			if ids, ok := parseUint16s(e.Data); ok {
				d += ": " + namesOf(ids, kx.NameOf)
			}
		case handshake.ExtECPointFormats:
			if f, ok := parsePointFormats(e.Data); ok && len(f) == 1 && f[0] == handshake.PointFormatUncompressed {
				d += ": uncompressed points only"
			} else {
				d += fmt.Sprintf(" (%d bytes)", len(e.Data))
			}
		default:
			d += fmt.Sprintf(" (%d bytes)", len(e.Data))
		}
		out = append(out, d)
	}
	return out
}
