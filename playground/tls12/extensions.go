// Extensions the TLS 1.2 engine sends and reads, and how the trace
// describes them (RFC 5246, Section 7.4.1.4; RFC 8422, Section 5.1; RFC
// 6066, Section 3).

package tls12

import (
	"strings"

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

// describers name the code points inside extensions for the trace.
var describers = handshake.Describers{Group: kx.NameOf, Scheme: sigscheme.NameOf, Version: handshake.VersionName}

// describeExtensions gives one line per extension, as the trace shows them.
func describeExtensions(exts []handshake.Extension) []string {
	return handshake.DescribeExtensions(exts, describers)
}
