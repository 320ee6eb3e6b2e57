package analyze

import (
	"strings"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
)

// extension is what the analyser knows of one extension type: its machine
// id (the Kind is "ext."+id) and how to read its data.
type extension struct {
	code  uint16
	id    string
	parse func(a *Analyzer, c *cur)
}

// Extension types the handshake package does not name (IANA TLS
// ExtensionType Values).
const (
	extCompressCertificate  uint16 = 27     // RFC 8879
	extDelegatedCredentials uint16 = 34     // RFC 9345
	extALPSOld              uint16 = 17513  // draft-vvv-tls-alps, Chromium's first code point
	extALPS                 uint16 = 17613  // draft-vvv-tls-alps, the current one
	extECH                  uint16 = 0xfe0d // draft-ietf-tls-esni
	extECHOuterExtensions   uint16 = 0xfd00 // draft-ietf-tls-esni, inside the encrypted ClientHelloInner only
	extTrustAnchors         uint16 = 0xca34 // draft-ietf-tls-trust-anchor-ids, Chromium's experimental code point
)

var extTable = []extension{
	{handshake.ExtServerName, "server_name", (*Analyzer).extServerName},
	{handshake.ExtStatusRequest, "status_request", (*Analyzer).extStatusRequest},
	{handshake.ExtSupportedGroups, "supported_groups", func(a *Analyzer, c *cur) {
		list(c, "ext.supported_groups.named_group_list", "ext.supported_groups.group", 2, 2, groupName)
	}},
	{handshake.ExtECPointFormats, "ec_point_formats", func(a *Analyzer, c *cur) {
		list(c, "ext.ec_point_formats.list", "ext.ec_point_formats.format", 1, 1, pointFormatName)
	}},
	{handshake.ExtSignatureAlgorithms, "signature_algorithms", func(a *Analyzer, c *cur) {
		list(c, "ext.signature_algorithms.list", "ext.signature_algorithms.scheme", 2, 2, schemeName)
	}},
	{handshake.ExtSignatureAlgorithmsCert, "signature_algorithms_cert", func(a *Analyzer, c *cur) {
		list(c, "ext.signature_algorithms.list", "ext.signature_algorithms.scheme", 2, 2, schemeName)
	}},
	{handshake.ExtALPN, "alpn", func(a *Analyzer, c *cur) { protocolList(c, "ext.alpn.protocol_name_list") }},
	{handshake.ExtSCT, "signed_certificate_timestamp", (*Analyzer).extSCT},
	{handshake.ExtPadding, "padding", func(a *Analyzer, c *cur) { zeros(c, "ext.padding.zeros") }},
	{handshake.ExtEncryptThenMAC, "encrypt_then_mac", nil},
	{handshake.ExtExtendedMasterSecret, "extended_master_secret", nil},
	{extCompressCertificate, "compress_certificate", func(a *Analyzer, c *cur) {
		list(c, "ext.compress_certificate.algorithms", "ext.compress_certificate.algorithm", 1, 2, certCompressionName)
	}},
	{handshake.ExtRecordSizeLimit, "record_size_limit", (*Analyzer).extRecordSizeLimit},
	{extDelegatedCredentials, "delegated_credentials", (*Analyzer).extDelegatedCredentials},
	{handshake.ExtSessionTicket, "session_ticket", func(a *Analyzer, c *cur) { bytesRest(c, "ext.session_ticket.ticket") }},
	{handshake.ExtPreSharedKey, "pre_shared_key", (*Analyzer).extPreSharedKey},
	{handshake.ExtEarlyData, "early_data", (*Analyzer).extEarlyData},
	{handshake.ExtSupportedVersions, "supported_versions", (*Analyzer).extSupportedVersions},
	{handshake.ExtCookie, "cookie", func(a *Analyzer, c *cur) { opaque(c, "ext.cookie.cookie", 2) }},
	{handshake.ExtPSKModes, "psk_key_exchange_modes", func(a *Analyzer, c *cur) {
		list(c, "ext.psk_key_exchange_modes.ke_modes", "ext.psk_key_exchange_modes.mode", 1, 1, pskModeName)
	}},
	{handshake.ExtCertificateAuthorities, "certificate_authorities", func(a *Analyzer, c *cur) { distinguishedNames(c, "ext.certificate_authorities.authorities") }},
	{handshake.ExtOIDFilters, "oid_filters", func(a *Analyzer, c *cur) { bytesRest(c, "ext.oid_filters.filters") }},
	{handshake.ExtPostHandshakeAuth, "post_handshake_auth", nil},
	{handshake.ExtKeyShare, "key_share", (*Analyzer).extKeyShare},
	{handshake.ExtRenegotiationInfo, "renegotiation_info", func(a *Analyzer, c *cur) { opaque(c, "ext.renegotiation_info.renegotiated_connection", 1) }},
	{extALPSOld, "application_settings", (*Analyzer).extALPS},
	{extALPS, "application_settings", (*Analyzer).extALPS},
	{extECH, "encrypted_client_hello", (*Analyzer).extECH},
	{extTrustAnchors, "trust_anchors", (*Analyzer).extTrustAnchors},
	{extECHOuterExtensions, "ech_outer_extensions", func(a *Analyzer, c *cur) {
		list(c, "ext.ech_outer_extensions.list", "ext.ech_outer_extensions.type", 1, 2, extName)
	}},
}

// extName names an extension type.
func extName(t int) string {
	if isGREASE(t) {
		return "GREASE"
	}
	n := handshake.ExtensionName(uint16(t))
	if strings.HasPrefix(n, "extension(") {
		return "unknown extension " + hex4(t)
	}
	return n
}

// extensions reads an extensions block (RFC 8446, Section 4.2).
func (a *Analyzer) extensions(c *cur, k string) {
	in, _ := c.vec(k, 2)
	for in.more() {
		a.extension(in)
	}
	in.done()
}

// extension reads one Extension: type, length, data.
func (a *Analyzer) extension(c *cur) {
	buf, o := c.p.buf, c.off
	if o+4 > c.end {
		c.malformedRest("an extension: a 2-byte type and a 2-byte length")
		return
	}
	typ, n := -1, -1
	if o+2 <= len(buf) {
		typ = int(u16(buf[o:]))
	}
	if o+4 <= len(buf) {
		n = int(u16(buf[o+2:]))
	}
	var ext extension
	known := false
	for _, e := range extTable {
		if int(e.code) == typ {
			ext, known = e, true
			break
		}
	}
	kind := "ext." + ext.id
	switch {
	case typ < 0: // the type continues in the next record
		kind, known = "ext", true
	case isGREASE(typ):
		kind, known = "ext.grease", true
	case !known:
		kind = "ext.unknown"
	}
	declared := 4 + max(n, 0)
	over := o+declared > c.end
	e := c.open(kind, min(declared, c.end-o))
	name := extName(typ)
	if typ < 0 {
		name = "extension"
	}
	e.f.Name = name
	e.f.Unknown = !known
	if tf, _ := e.take("ext.type", 2); tf != nil && typ >= 0 {
		tf.Value = name + " (" + itoa(typ) + ")"
		if !known {
			tf.Unknown = true
		}
	}
	lf, _, ok := e.num("ext.length", 2)
	if !ok {
		return
	}
	lf.Value = bytesN(n)
	if over {
		lf.Value += " (too long: only " + itoa(e.end-e.off) + " bytes follow)"
		e.malformedRest(itoa(n) + " bytes of extension data as the length says")
		c.bad = true
		return
	}
	switch {
	case !known:
		e.unknownRest("ext.unknown.data")
	case kind == "ext.grease":
		bytesRest(e, "ext.grease.data")
	case ext.parse != nil:
		ext.parse(a, e)
	}
	e.done()
}

// bytesRest covers the rest with one opaque leaf.
func bytesRest(c *cur, k string) {
	if f, b := c.takeRest(k); f != nil {
		f.Value = hexOf(f, b)
	}
}

// zeros covers padding.
func zeros(c *cur, k string) {
	if f, b := c.takeRest(k); f != nil {
		f.Value = bytesN(f.Length)
		for _, x := range b {
			if x != 0 {
				f.Value += " (not all zero)"
				break
			}
		}
	}
}

// protocolList reads a ProtocolNameList (RFC 7301, Section 3.1).
func protocolList(c *cur, k string) {
	in, _ := c.vec(k, 2)
	for in.more() {
		p, _ := in.vec("ext.alpn.protocol_name", 1)
		if f, b := p.takeRest("ext.alpn.protocol_name.data"); f != nil && b != nil {
			f.Value = quote(b)
			if len(b) == 2 && isGREASE(int(u16(b))) {
				greased(p.f)
			}
		}
		p.done()
	}
	in.done()
}

func (a *Analyzer) extServerName(c *cur) {
	if c.end == c.off {
		return // the server's acknowledgement is empty (RFC 6066, Section 3)
	}
	in, _ := c.vec("ext.server_name.server_name_list", 2)
	for in.more() {
		if f, v, ok := in.num("ext.server_name.name_type", 1); ok {
			f.Value = "host_name (0)"
			if v != 0 {
				f.Value = itoa(v)
			}
		}
		h, _ := in.vec("ext.server_name.host_name", 2)
		if f, b := h.takeRest("ext.server_name.host_name.data"); f != nil && b != nil {
			f.Value = quote(b)
		}
		h.done()
	}
	in.done()
}

// extStatusRequest reads a CertificateStatusRequest (RFC 6066, Section 8)
// or, in a TLS 1.3 CertificateEntry, the OCSP response (RFC 8446, Section
// 4.4.2.1).
func (a *Analyzer) extStatusRequest(c *cur) {
	if c.end == c.off {
		return
	}
	f, v, ok := c.num("ext.status_request.status_type", 1)
	if !ok {
		return
	}
	f.Value = "ocsp (1)"
	if v != 1 {
		f.Value = itoa(v)
		c.unknownRest("ext.status_request.unknown")
		return
	}
	if c.p.msgType == handshake.TypeCertificate {
		opaque(c, "ext.status_request.ocsp_response", 3)
		return
	}
	opaque(c, "ext.status_request.responder_id_list", 2)
	opaque(c, "ext.status_request.request_extensions", 2)
}

// extSCT: empty in a ClientHello, a SignedCertificateTimestampList from
// the server (RFC 6962, Section 3.3).
func (a *Analyzer) extSCT(c *cur) {
	if c.end == c.off {
		return
	}
	in, _ := c.vec("ext.signed_certificate_timestamp.list", 2)
	for in.more() {
		opaque(in, "ext.signed_certificate_timestamp.sct", 2)
	}
	in.done()
}

func (a *Analyzer) extRecordSizeLimit(c *cur) {
	if f, v, ok := c.num("ext.record_size_limit.limit", 2); ok {
		f.Value = bytesN(v)
	}
}

// extDelegatedCredentials: the schemes a client accepts (RFC 9345,
// Section 4.1.1); in a CertificateEntry, the credential itself.
func (a *Analyzer) extDelegatedCredentials(c *cur) {
	if c.p.msgType == handshake.TypeCertificate {
		bytesRest(c, "ext.delegated_credentials.credential")
		return
	}
	list(c, "ext.signature_algorithms.list", "ext.signature_algorithms.scheme", 2, 2, schemeName)
}

// extPreSharedKey: the offered identities and binders, or the server's
// choice (RFC 8446, Section 4.2.11).
func (a *Analyzer) extPreSharedKey(c *cur) {
	if c.p.msgType != handshake.TypeClientHello {
		if f, v, ok := c.num("ext.pre_shared_key.selected_identity", 2); ok {
			f.Value = "identity " + itoa(v)
		}
		return
	}
	ids, _ := c.vec("ext.pre_shared_key.identities", 2)
	for ids.more() {
		id := ids.open("ext.pre_shared_key.identity", identityLen(ids))
		opaque(id, "ext.pre_shared_key.identity.identity", 2)
		if f, v, ok := id.num("ext.pre_shared_key.obfuscated_ticket_age", 4); ok {
			f.Value = itoa(v)
		}
		id.done()
	}
	ids.done()
	bs, _ := c.vec("ext.pre_shared_key.binders", 2)
	for bs.more() {
		opaque(bs, "ext.pre_shared_key.binder", 1)
	}
	bs.done()
}

func identityLen(c *cur) int {
	b, o := c.p.buf, c.off
	if o+2 > len(b) {
		return 2
	}
	return 2 + int(u16(b[o:])) + 4
}

// extEarlyData: empty, or in a NewSessionTicket the most 0-RTT data the
// server accepts (RFC 8446, Section 4.2.10).
func (a *Analyzer) extEarlyData(c *cur) {
	if c.p.msgType == handshake.TypeNewSessionTicket {
		if f, v, ok := c.num("ext.early_data.max_early_data_size", 4); ok {
			f.Value = bytesN(v)
		}
	}
}

// extSupportedVersions: the client's list, or the server's choice (RFC
// 8446, Section 4.2.1).
func (a *Analyzer) extSupportedVersions(c *cur) {
	if c.p.msgType == handshake.TypeClientHello {
		in, _ := c.vec("ext.supported_versions.versions", 1)
		for in.more() {
			version(in, "ext.supported_versions.version")
		}
		in.done()
		return
	}
	version(c, "ext.supported_versions.selected_version")
}

// extKeyShare: the client's shares, the server's one, or in a
// HelloRetryRequest the group the server wants (RFC 8446, Section 4.2.8).
func (a *Analyzer) extKeyShare(c *cur) {
	switch c.p.msgType {
	case handshake.TypeClientHello:
		in, _ := c.vec("ext.key_share.client_shares", 2)
		for in.more() {
			keyShareEntry(in, true)
		}
		in.done()
	case typeHelloRetry:
		if f, v, ok := c.num("ext.key_share.selected_group", 2); ok {
			f.Value = groupName(v)
		}
	default:
		keyShareEntry(c, false)
	}
}

// keyShareEntry reads one KeyShareEntry: group and key_exchange.
func keyShareEntry(c *cur, client bool) {
	n := 4
	if b, o := c.p.buf, c.off; o+4 <= len(b) {
		n += int(u16(b[o+2:]))
	}
	e := c.open("ext.key_share.entry", n)
	gf, g, ok := e.num("ext.key_share.group", 2)
	if ok {
		gf.Value = groupName(g)
		e.f.Name = "key share: " + kx.NameOf(uint16(g))
		if isGREASE(g) {
			greased(gf)
			e.f.Name = "key share: GREASE"
		}
	}
	in, _ := e.vec("ext.key_share.key_exchange", 2)
	keyExchange(in, g, client)
	in.done()
	e.done()
}

// extALPS: the protocols a client will send settings for, or the
// server's settings (draft-vvv-tls-alps, Section 3).
func (a *Analyzer) extALPS(c *cur) {
	if c.p.msgType == handshake.TypeClientHello {
		protocolList(c, "ext.application_settings.supported_protocols")
		return
	}
	bytesRest(c, "ext.application_settings.settings")
}

// extECH reads an ECHClientHello (draft-ietf-tls-esni, Section 5): an
// outer one (cipher suite, config id, enc, payload) or an inner marker; a
// HelloRetryRequest carries an 8-byte confirmation, EncryptedExtensions
// the retry configs.
func (a *Analyzer) extECH(c *cur) {
	switch c.p.msgType {
	case handshake.TypeClientHello:
	case typeHelloRetry:
		bytesRest(c, "ext.encrypted_client_hello.confirmation")
		return
	default:
		bytesRest(c, "ext.encrypted_client_hello.retry_configs")
		return
	}
	f, v, ok := c.num("ext.encrypted_client_hello.type", 1)
	if !ok {
		return
	}
	switch v {
	case 0:
		f.Value = "outer (0)"
	case 1:
		f.Value = "inner (1)"
		return
	default:
		f.Value = itoa(v)
		f.Unknown = true
		c.unknownRest("ext.encrypted_client_hello.unknown")
		return
	}
	if f, v, ok := c.num("ext.encrypted_client_hello.kdf_id", 2); ok {
		f.Value = hpkeName(v, hpkeKDFs)
	}
	if f, v, ok := c.num("ext.encrypted_client_hello.aead_id", 2); ok {
		f.Value = hpkeName(v, hpkeAEADs)
	}
	if f, v, ok := c.num("ext.encrypted_client_hello.config_id", 1); ok {
		f.Value = itoa(v)
	}
	opaque(c, "ext.encrypted_client_hello.enc", 2)
	opaque(c, "ext.encrypted_client_hello.payload", 2)
}

// HPKE identifiers (RFC 9180, Section 7).
var (
	hpkeKDFs  = []code{{1, "HKDF-SHA256"}, {2, "HKDF-SHA384"}, {3, "HKDF-SHA512"}}
	hpkeAEADs = []code{{1, "AES-128-GCM"}, {2, "AES-256-GCM"}, {3, "ChaCha20Poly1305"}}
)

func hpkeName(v int, names []code) string {
	if n, ok := nameOf(names, v); ok {
		return n + " (" + itoa(v) + ")"
	}
	return itoa(v)
}

func pointFormatName(v int) string {
	switch v {
	case 0:
		return "uncompressed (0)"
	case 1:
		return "ansiX962_compressed_prime (1)"
	case 2:
		return "ansiX962_compressed_char2 (2)"
	}
	return itoa(v)
}

func pskModeName(v int) string {
	switch v {
	case 0:
		return "psk_ke (0)"
	case 1:
		return "psk_dhe_ke (1)"
	}
	return itoa(v)
}

// quote shows text bytes as a quoted string.
func quote(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, x := range b {
		if x >= 0x20 && x < 0x7f && x != '"' && x != '\\' {
			s.WriteByte(x)
		} else {
			s.WriteString("\\x")
			s.WriteString(hexValue([]byte{x}))
		}
	}
	s.WriteByte('"')
	return s.String()
}

// extTrustAnchors reads a TrustAnchorIDList: the roots a client trusts,
// each a relative OID (draft-ietf-tls-trust-anchor-ids, Section 4.1); a
// server's acknowledgement is empty.
func (a *Analyzer) extTrustAnchors(c *cur) {
	if c.end == c.off {
		return
	}
	in, _ := c.vec("ext.trust_anchors.list", 2)
	for in.more() {
		id, _ := in.vec("ext.trust_anchors.id", 1)
		if f, b := id.takeRest("ext.trust_anchors.id.data"); f != nil && b != nil {
			f.Value = relativeOID(b)
		}
		id.done()
	}
	in.done()
}
