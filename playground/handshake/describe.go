package handshake

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/cryptobyte"
)

// ServerNameExtension returns server_name extension data for one host name
// (RFC 6066, Section 3).
func ServerNameExtension(name string) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(0) // host_name
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(name)) })
	})
	return b.BytesOrPanic()
}

// ParseServerName returns the host_name in server_name extension data.
func ParseServerName(data []byte) (string, bool) {
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

// Namer names code points of one kind (suites, groups, schemes); it lets
// DescribeExtensions speak without importing those packages.
type Namer func(uint16) string

// Describers names the lists inside extensions; a nil entry prints hex.
type Describers struct {
	Group, Scheme, Version Namer
}

// DescribeExtensions gives one line per extension: its name and, for the
// ones a learner cares about, what it says.
func DescribeExtensions(exts []Extension, d Describers) []string {
	out := make([]string, 0, len(exts))
	var b strings.Builder // each line written in one buffer (issue 9)
	name := func(v uint16, n Namer) {
		if n != nil {
			b.WriteString(n(v))
		} else {
			fmt.Fprintf(&b, "0x%04x", v)
		}
	}
	names := func(vals []uint16, n Namer) {
		for i, v := range vals {
			if i > 0 {
				b.WriteString(", ")
			}
			name(v, n)
		}
	}
	size := func(n int) {
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" bytes)")
	}
	for _, e := range exts {
		b.Reset()
		b.Grow(96)
		b.WriteString(ExtensionName(e.Type))
		switch e.Type {
		case ExtServerName:
			if n, ok := ParseServerName(e.Data); ok {
				b.WriteString(": ")
				b.WriteString(n)
			}
		case ExtExtendedMasterSecret:
			b.WriteString(": bind the master secret to the whole handshake (RFC 7627)")
		case ExtRenegotiationInfo:
			b.WriteString(": secure renegotiation (RFC 5746)")
		case ExtECPointFormats:
			if f, ok := ParsePointFormats(e.Data); ok && len(f) == 1 && f[0] == PointFormatUncompressed {
				b.WriteString(": uncompressed points only")
			} else {
				size(len(e.Data))
			}
		case ExtSignatureAlgorithms:
			if v, ok := ParseUint16List(e.Data, 2); ok {
				b.WriteString(": ")
				names(v, d.Scheme)
			}
		case ExtSupportedGroups:
			if v, ok := ParseUint16List(e.Data, 2); ok {
				b.WriteString(": ")
				names(v, d.Group)
			}
		case ExtSupportedVersions:
			if v, ok := ParseUint16List(e.Data, 1); ok {
				b.WriteString(": ")
				names(v, d.Version)
			} else if len(e.Data) == 2 {
				b.WriteString(": ")
				name(uint16(e.Data[0])<<8|uint16(e.Data[1]), d.Version)
			}
		case ExtKeyShare:
			if ks, ok := ParseClientKeyShares(e.Data); ok {
				b.WriteString(": ")
				for i, k := range ks {
					if i > 0 {
						b.WriteString(", ")
					}
					name(k.Group, d.Group)
					size(len(k.Data))
				}
			} else if k, ok := ParseServerKeyShare(e.Data); ok {
				b.WriteString(": ")
				name(k.Group, d.Group)
				size(len(k.Data))
			} else if len(e.Data) == 2 {
				b.WriteString(": the server asks for ")
				name(uint16(e.Data[0])<<8|uint16(e.Data[1]), d.Group)
			}
		default:
			size(len(e.Data))
		}
		out = append(out, b.String())
	}
	return out
}

// VersionName names a protocol version.
func VersionName(v uint16) string {
	switch v {
	case 0x0304:
		return "TLS 1.3"
	case 0x0303:
		return "TLS 1.2"
	case 0x0302:
		return "TLS 1.1"
	case 0x0301:
		return "TLS 1.0"
	}
	if v&0x0f0f == 0x0a0a {
		return fmt.Sprintf("GREASE 0x%04x", v)
	}
	return fmt.Sprintf("0x%04x", v)
}

// RecordName names what a record carries, for the sequence diagram: the
// handshake message that starts in it (or "continuation" when the record
// holds only the rest of an earlier one), or the content type.
func RecordName(contentType uint8, payload []byte, continuation bool) string {
	switch contentType {
	case 20:
		return "ChangeCipherSpec"
	case 21:
		return "Alert"
	case 23:
		return "ApplicationData"
	case 22:
		if continuation || len(payload) == 0 {
			return "HandshakeContinuation"
		}
		if payload[0] == TypeServerHello && len(payload) >= 38 && string(payload[6:38]) == string(HelloRetryRandom) {
			return "HelloRetryRequest"
		}
		return TypeName(payload[0])
	}
	return fmt.Sprintf("content_type(%d)", contentType)
}
