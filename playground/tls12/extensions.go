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

// supportedGroups returns the client's supported_groups: its ECDHE groups
// and, with the default groups and an ECDHE_ECDSA suite offered, then the
// curves of the ECDSA certificates it verifies (P-384, P-521) that are not
// among them. The extension names the curves a client supports for ECDSA
// certificates too (RFC 8422, Section 5.1.1), and servers refuse a
// certificate whose curve is not listed; c.certOnly keeps those the client
// listed for certificates only.
func (c *Conn) supportedGroups(offer []*suites.Suite) []uint16 {
	var ids []uint16
	for _, g := range c.cfg.groups() {
		ids = append(ids, g.ID)
	}
	c.certOnly = nil
	if len(c.cfg.Groups) != 0 {
		return ids
	}
	for _, s := range offer {
		if s.KeyExchange != suites.ECDHEECDSA {
			continue
		}
		for _, id := range certCurveIDs {
			if !containsUint16(ids, id) {
				c.certOnly = append(c.certOnly, id)
			}
		}
		break
	}
	return append(ids, c.certOnly...)
}

func namesList(ids []uint16) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = kx.NameOf(id)
	}
	return out
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
// status_request, which the shared describer shows by its size, says what
// it asks or announces (RFC 6066, Section 8).
func describeExtensions(exts []handshake.Extension) []string {
	out := handshake.DescribeExtensions(exts, describers)
	for i, e := range exts {
		if e.Type != handshake.ExtStatusRequest || i >= len(out) {
			continue
		}
		if len(e.Data) == 0 {
			out[i] = "status_request: a CertificateStatus with a stapled OCSP response follows the Certificate (RFC 6066, Section 8)"
		} else {
			out[i] = "status_request: asks the server to staple an OCSP response (RFC 6066, Section 8)"
		}
	}
	return out
}
