package analyze

import (
	"bytes"
	"slices"
	"strings"

	"golang.org/x/crypto/ocsp"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
)

// learn takes what the analyser needs from a complete message: the
// version, the suite and the options the ServerHello settles.
func (a *Analyzer) learn(fromClient bool, typ uint8, raw []byte) {
	if fromClient && typ == handshake.TypeClientHello {
		if ch, err := handshake.UnmarshalClientHello(raw); err == nil {
			v, _ := handshake.Find(ch.Extensions, handshake.ExtSupportedVersions)
			vs, _ := handshake.ParseUint16List(v, 1)
			a.offered13 = slices.Contains(vs, suites.VersionTLS13)
		}
		return
	}
	if fromClient || typ != handshake.TypeServerHello {
		return
	}
	sh, err := handshake.UnmarshalServerHello(raw)
	if err != nil {
		return
	}
	a.version = sh.Version
	if v, ok := handshake.Find(sh.Extensions, handshake.ExtSupportedVersions); ok && len(v) == 2 {
		a.version = u16(v)
	}
	a.suiteID = sh.CipherSuite
	_, a.etm = handshake.Find(sh.Extensions, handshake.ExtEncryptThenMAC)
	name := suites.NameOf(sh.CipherSuite)
	a.kxRSA = strings.HasPrefix(name, "TLS_RSA_")
	a.kxDHE = strings.HasPrefix(name, "TLS_DHE_")
}

// version reads a 2-byte ProtocolVersion.
func version(c *cur, k string) (int, bool) {
	f, v, ok := c.num(k, 2)
	if ok {
		f.Value = handshake.VersionName(uint16(v))
		if isGREASE(v) {
			greased(f)
		}
	}
	return v, ok
}

// opaque reads a length-prefixed opaque vector: a container with its
// length and one data leaf.
func opaque(c *cur, k string, lenBytes int) (*Field, []byte) {
	in, _ := c.vec(k, lenBytes)
	f, b := in.takeRest(k + ".data")
	if f != nil {
		f.Value = hexOf(f, b)
	}
	in.done()
	return f, b
}

// list reads a length-prefixed list of n-byte code points, each named by
// name; GREASE values are marked as such.
func list(c *cur, k, item string, lenBytes, n int, name func(int) string) {
	in, _ := c.vec(k, lenBytes)
	for in.more() {
		f, v, ok := in.num(item, n)
		if !ok {
			break
		}
		f.Value = name(v)
		if (n == 2 && isGREASE(v)) || (n == 1 && item == "ext.psk_key_exchange_modes.mode" && v%0x1f == 0x0b) {
			greased(f) // RFC 8701, Section 2: 0x?A?A, and 0x0B + 0x1F·k for the 1-byte PSK modes
		}
	}
	in.done()
}

// greased marks a field as a GREASE value (RFC 8701).
func greased(f *Field) {
	f.Kind += ".grease"
	f.Name, f.Explain, f.RFC = "", "", ""
	describe(f)
	if !strings.HasPrefix(f.Value, "GREASE") {
		f.Value = "GREASE " + f.Value
	}
}

func suiteName(v int) string { return withCode(suites.NameOf(uint16(v)), v) }

func groupName(v int) string  { return withCode(kx.NameOf(uint16(v)), v) }
func schemeName(v int) string { return withCode(sigscheme.NameOf(uint16(v)), v) }

func withCode(name string, v int) string {
	if isGREASE(v) || name == hex4(v) {
		return hex4(v)
	}
	return name + " (" + hex4(v) + ")"
}

func (a *Analyzer) clientHello(c *cur) {
	version(c, "client_hello.legacy_version")
	random(c, "client_hello.random")
	opaque(c, "client_hello.legacy_session_id", 1)
	list(c, "client_hello.cipher_suites", "client_hello.cipher_suite", 2, 2, suiteName)
	list(c, "client_hello.legacy_compression_methods", "client_hello.compression_method", 1, 1, compressionName)
	if c.more() {
		a.extensions(c, "client_hello.extensions")
	}
}

func (a *Analyzer) serverHello(c *cur) {
	version(c, "server_hello.legacy_version")
	f, b := c.take("server_hello.random", 32)
	if f != nil {
		f.Value = hexOf(f, b)
		switch {
		case bytes.Equal(b, handshake.HelloRetryRandom):
			c.f.Kind, c.f.Name, c.f.Explain, c.f.RFC = "handshake.hello_retry_request", "HelloRetryRequest", "", ""
			describe(c.f)
			f.Value = "SHA-256(\"HelloRetryRequest\"): this ServerHello is a HelloRetryRequest"
			c.p.msgType = typeHelloRetry
		case b != nil && bytes.Equal(b[24:], handshake.DowngradeTLS12):
			f.Value += " (ends in DOWNGRD\\x01: a TLS 1.3 server negotiating TLS 1.2)"
		}
	}
	opaque(c, "server_hello.legacy_session_id_echo", 1)
	if f, v, ok := c.num("server_hello.cipher_suite", 2); ok {
		f.Value = suiteName(v)
	}
	if f, v, ok := c.num("server_hello.compression_method", 1); ok {
		f.Value = compressionName(v)
	}
	if c.more() {
		a.extensions(c, "server_hello.extensions")
	}
}

// typeHelloRetry is a pseudo message type for the extensions of a
// HelloRetryRequest, whose key_share differs from a ServerHello's.
const typeHelloRetry uint8 = 0xf2

func random(c *cur, k string) {
	if f, b := c.take(k, 32); f != nil {
		f.Value = hexOf(f, b)
	}
}

func compressionName(v int) string {
	if v == 0 {
		return "null (0)"
	}
	if v == 1 {
		return "DEFLATE (1)"
	}
	return itoa(v)
}

func (a *Analyzer) newSessionTicket13(c *cur) {
	if f, v, ok := c.num("new_session_ticket.ticket_lifetime", 4); ok {
		f.Value = itoa(v) + " seconds"
	}
	if f, b := c.take("new_session_ticket.ticket_age_add", 4); f != nil {
		f.Value = hexOf(f, b)
	}
	opaque(c, "new_session_ticket.ticket_nonce", 1)
	opaque(c, "new_session_ticket.ticket", 2)
	a.extensions(c, "new_session_ticket.extensions")
}

func (a *Analyzer) newSessionTicket12(c *cur) {
	if f, v, ok := c.num("new_session_ticket.ticket_lifetime_hint", 4); ok {
		f.Value = itoa(v) + " seconds"
	}
	opaque(c, "new_session_ticket.ticket", 2)
}

func (a *Analyzer) certificate13(c *cur) {
	opaque(c, "certificate.request_context", 1)
	in, _ := c.vec("certificate.certificate_list", 3)
	for i := 0; in.more(); i++ {
		e := in.open("certificate.entry", entryLen(in))
		e.f.Name = "certificate entry " + itoa(i+1)
		a.certData(e, i)
		a.extensions(e, "certificate.entry.extensions")
		e.done()
	}
	in.done()
}

// entryLen is the size of a TLS 1.3 CertificateEntry at the cursor, as far
// as it is known (RFC 8446, Section 4.4.2).
func entryLen(c *cur) int {
	b, o := c.p.buf, c.off
	if o+3 > len(b) {
		return 3
	}
	n := 3 + (int(b[o])<<16 | int(b[o+1])<<8 | int(b[o+2]))
	if o+n+2 > len(b) {
		return n + 2
	}
	return n + 2 + int(u16(b[o+n:]))
}

func certName(i int) string {
	if i == 0 {
		return "certificate 1 (the leaf: the server's own)"
	}
	return "certificate " + itoa(i+1) + " (an issuer)"
}

func (a *Analyzer) certificate12(c *cur) {
	in, _ := c.vec("certificate.certificate_list", 3)
	for i := 0; in.more(); i++ {
		a.certData(in, i)
	}
	in.done()
}

// certData reads one ASN.1 certificate behind a 3-byte length.
func (a *Analyzer) certData(c *cur, i int) {
	in, _ := c.vec("certificate.cert_data", 3)
	in.f.Name = certName(i)
	certificateDER(in)
	in.done()
}

// certificateStatus reads a TLS 1.2 CertificateStatus: status_type, then
// the OCSP response behind a 3-byte length (RFC 6066, Section 8).
func certificateStatus(c *cur) {
	f, v, ok := c.num("certificate_status.status_type", 1)
	if !ok {
		return
	}
	f.Value = "ocsp (1)"
	if v != 1 {
		f.Value, f.Unknown = itoa(v), true
		c.unknownRest("handshake.unknown.body")
		return
	}
	if f, b := opaque(c, "certificate_status.ocsp_response", 3); f != nil && b != nil {
		f.Value = ocspSummary(b)
	}
}

// ocspSummary says what an OCSP response says (RFC 6960, Section 4.2.1):
// the status and its validity interval, without checking its signature
// (the client does, against the certificate's issuer).
func ocspSummary(b []byte) string {
	r, err := ocsp.ParseResponse(b, nil)
	if err != nil {
		return hexValue(b) + " (not a successful BasicOCSPResponse)"
	}
	const day = "2006-01-02 15:04 UTC"
	s := "unknown"
	switch r.Status {
	case ocsp.Good:
		s = "good"
	case ocsp.Revoked:
		s = "revoked since " + r.RevokedAt.UTC().Format(day)
	}
	s += ", serial " + r.SerialNumber.Text(16) + ", this update " + r.ThisUpdate.UTC().Format(day)
	if !r.NextUpdate.IsZero() {
		s += ", next update " + r.NextUpdate.UTC().Format(day)
	}
	return s + " (" + bytesN(len(b)) + ")"
}

func (a *Analyzer) compressedCertificate(c *cur) {
	if f, v, ok := c.num("compressed_certificate.algorithm", 2); ok {
		f.Value = certCompressionName(v)
	}
	if f, v, ok := c.num("compressed_certificate.uncompressed_length", 3); ok {
		f.Value = bytesN(v)
	}
	opaque(c, "compressed_certificate.compressed_certificate_message", 3)
}

func certCompressionName(v int) string {
	switch v {
	case 1:
		return "zlib (1)"
	case 2:
		return "brotli (2)"
	case 3:
		return "zstd (3)"
	}
	return itoa(v)
}

// serverKeyExchange reads ServerECDHParams and their signature (RFC 8422,
// Section 5.4).
func (a *Analyzer) serverKeyExchange(c *cur) {
	if a.kxDHE {
		// ServerDHParams: finite-field Diffie-Hellman (RFC 5246, Section 7.4.3).
		p := c.open("server_key_exchange.params", dhParamsLen(c))
		opaque(p, "server_key_exchange.dh_p", 2)
		opaque(p, "server_key_exchange.dh_g", 2)
		opaque(p, "server_key_exchange.dh_ys", 2)
		p.done()
		a.signature(c, "server_key_exchange")
		return
	}
	p := c.open("server_key_exchange.params", ecParamsLen(c))
	f, v, ok := p.num("server_key_exchange.curve_type", 1)
	if !ok {
		return
	}
	if v != 3 {
		f.Value = itoa(v) + " (not named_curve)"
		f.Unknown = true
		p.unknownRest("server_key_exchange.unknown_params")
		c.unknownRest("server_key_exchange.unknown_params")
		return
	}
	f.Value = "named_curve (3)"
	gf, group, ok := p.num("server_key_exchange.named_curve", 2)
	if ok {
		gf.Value = groupName(group)
		a.group = group // the ClientKeyExchange's point is in it too
	}
	in, _ := p.vec("server_key_exchange.public", 1)
	keyExchange(in, group, false)
	in.done()
	p.done()
	a.signature(c, "server_key_exchange")
}

// dhParamsLen is the size of ServerDHParams at the cursor, as far as known.
func dhParamsLen(c *cur) int {
	b, o := c.p.buf, c.off
	for i := 0; i < 3; i++ {
		if o+2 > len(b) {
			return c.end - c.off
		}
		o += 2 + int(u16(b[o:]))
	}
	return o - c.off
}

func ecParamsLen(c *cur) int {
	b, o := c.p.buf, c.off
	if o+4 > len(b) || b[o] != 3 {
		return c.end - c.off
	}
	return 4 + int(b[o+3])
}

// signature reads a DigitallySigned: scheme and signature (RFC 5246,
// Section 4.7; RFC 8446, Section 4.4.3).
func (a *Analyzer) signature(c *cur, k string) {
	f, v, ok := c.num(k+".algorithm", 2)
	if ok {
		f.Value = schemeName(v)
	}
	in, _ := c.vec(k+".signature", 2)
	if !(ok && v&0xff == 0x03 && v>>8 >= 4 && v>>8 <= 6 && ecdsaSignature(in)) { // ecdsa_secp*_sha*
		bytesRest(in, k+".signature.data")
	}
	in.done()
}

func (a *Analyzer) certificateRequest13(c *cur) {
	opaque(c, "certificate_request.certificate_request_context", 1)
	a.extensions(c, "certificate_request.extensions")
}

func (a *Analyzer) certificateRequest12(c *cur) {
	list(c, "certificate_request.certificate_types", "certificate_request.certificate_type", 1, 1, certTypeName)
	list(c, "certificate_request.supported_signature_algorithms", "certificate_request.signature_algorithm", 2, 2, schemeName)
	distinguishedNames(c, "certificate_request.certificate_authorities")
}

func certTypeName(v int) string {
	switch v {
	case 1:
		return "rsa_sign (1)"
	case 2:
		return "dss_sign (2)"
	case 64:
		return "ecdsa_sign (64)"
	}
	return itoa(v)
}

// clientKeyExchange reads the encrypted pre-master secret (RSA, RFC 5246,
// Section 7.4.7.1) or the client's ECDH point (RFC 8422, Section 5.7).
func (a *Analyzer) clientKeyExchange(c *cur) {
	rsa := a.kxRSA
	if a.suiteID == 0 { // suite unknown: tell by the layout
		b := c.p.buf[c.off:min(c.end, len(c.p.buf))]
		rsa = len(b) >= 2 && int(u16(b))+2 == c.end-c.off
	}
	if a.kxDHE {
		opaque(c, "client_key_exchange.dh_yc", 2)
		return
	}
	if rsa {
		opaque(c, "client_key_exchange.encrypted_pre_master_secret", 2)
		return
	}
	in, _ := c.vec("client_key_exchange.ecdh_yc", 1)
	keyExchange(in, a.group, true)
	in.done()
}

// keyExchange reads a key share's key_exchange bytes (RFC 8446, Section
// 4.2.8.2; draft-ietf-tls-ecdhe-mlkem for the hybrid) or an ECDHE point.
func keyExchange(c *cur, group int, client bool) {
	n := c.end - c.off
	switch {
	case group == int(kx.X25519MLKEM768.ID) && client && n == 1184+32:
		c.take("key_share.mlkem768_encapsulation_key", 1184)
		c.take("key_share.x25519", 32)
	case group == int(kx.X25519MLKEM768.ID) && !client && n == 1088+32:
		c.take("key_share.mlkem768_ciphertext", 1088)
		c.take("key_share.x25519", 32)
	case group == 0x001d && n == 32:
		c.take("key_share.x25519", 32)
	case n > 1 && n%2 == 1 && c.off < len(c.p.buf) && c.p.buf[c.off] == 4:
		// An uncompressed point (SEC 1, Section 2.3.3): 04, X, Y.
		c.take("ec_point.form", 1)
		c.take("ec_point.x", n/2)
		c.take("ec_point.y", n/2)
	default:
		if f, b := c.takeRest("key_share.key_exchange.data"); f != nil {
			f.Value = hexOf(f, b)
		}
		return
	}
	for _, f := range c.f.Children {
		if f.Value == "" && f.Kind != c.f.Kind+".length" {
			f.Value = bytesValue(c.p.buf, f)
		}
	}
}

// bytesValue is the hex of a field when it is short and known.
func bytesValue(buf []byte, f *Field) string {
	if f.Offset+f.Length > len(buf) {
		return bytesN(f.Length)
	}
	return hexValue(buf[f.Offset : f.Offset+f.Length])
}

// hexOf is the value of a byte-string field: its hex when short and
// known, its size otherwise.
func hexOf(f *Field, b []byte) string {
	if b == nil {
		return bytesN(f.Length)
	}
	return hexValue(b)
}

// hexValue shows short byte strings in hex and long ones by their size.
func hexValue(b []byte) string {
	if len(b) > 48 {
		return bytesN(len(b))
	}
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, x := range b {
		out[2*i], out[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(out)
}
