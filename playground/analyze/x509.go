package analyze

import (
	"strconv"
	"strings"
)

// This file walks DER (ITU-T X.690) down to every tag, length and value,
// naming the parts of an X.509 certificate (RFC 5280, Section 4.1).

// derHeader reads the tag and length at o: the header size and the
// content length. ok is false when the header is not all known yet or is
// not DER this walker reads (a multi-byte tag, a length over 4 bytes).
func derHeader(b []byte, o int) (hdr, n int, ok, bad bool) {
	if o+2 > len(b) {
		return 0, 0, false, false
	}
	if b[o]&0x1f == 0x1f {
		return 0, 0, false, true
	}
	l := int(b[o+1])
	if l < 0x80 {
		return 2, l, true, false
	}
	k := l & 0x7f
	if k == 0 || k > 4 {
		return 0, 0, false, true
	}
	if o+2+k > len(b) {
		return 0, 0, false, false
	}
	n = 0
	for _, x := range b[o+2 : o+2+k] {
		n = n<<8 | int(x)
	}
	return 2 + k, n, true, false
}

// tlv reads one TLV at the cursor as a container of kind k (a universal
// kind from the tag when k is empty): its tag and length leaves, then its
// value read by fn, or for a constructed value without fn its TLVs, or one
// value leaf. It returns the value's cursor (done already) and the tag.
func tlv(c *cur, k string, fn func(v *cur)) (*Field, byte) {
	if !c.more() {
		return nil, 0
	}
	b, o := c.p.buf, c.off
	hdr, n, ok, bad := derHeader(b, o)
	if bad {
		c.malformedRest("a DER tag and length (X.690, Section 8.1)")
		return nil, 0
	}
	if !ok { // header cut by the end of the data: show what is known
		t := c.open(or(k, "asn1.tlv"), c.end-c.off)
		t.take("asn1.tag", 1)
		t.takeRest("asn1.length")
		return nil, 0
	}
	tag := b[o]
	if k == "" {
		k = universalKind(tag)
	}
	if o+hdr+n > c.end {
		c.malformedRest("a DER value of " + itoa(n) + " bytes, but only " + itoa(c.end-o-hdr) + " are left")
		return nil, 0
	}
	t := c.open(k, hdr+n)
	if t.f.Name == "" || strings.HasPrefix(k, "asn1.context") {
		t.f.Name = tagName(tag)
	}
	tf, _ := t.take("asn1.tag", 1)
	tf.Value = tagName(tag)
	lf, _ := t.take("asn1.length", hdr-1)
	lf.Value = bytesN(n)
	switch {
	case n == 0:
	case fn != nil:
		fn(t)
	case tag&0x20 != 0:
		for t.more() {
			tlv(t, "", nil)
		}
	default:
		primitive(t, tag)
	}
	t.done()
	return t.f, tag
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// primitive reads a primitive value as one leaf with its decoded value.
func primitive(c *cur, tag byte) {
	f, b := c.takeRest(c.f.Kind + ".value")
	if f == nil {
		return
	}
	if b == nil {
		f.Value = bytesN(f.Length)
		return
	}
	f.Value = derValue(tag, b)
	if c.f.Value == "" {
		c.f.Value = f.Value
	}
}

// derValue decodes a primitive value for people.
func derValue(tag byte, b []byte) string {
	switch tag {
	case 0x01:
		if len(b) == 1 && b[0] != 0 {
			return "true"
		}
		return "false"
	case 0x02:
		if len(b) <= 6 {
			v := 0
			for _, x := range b {
				v = v<<8 | int(x)
			}
			if b[0]&0x80 != 0 {
				v -= 1 << (8 * len(b))
			}
			return strconv.Itoa(v)
		}
		bits := 8 * len(b)
		if b[0] == 0 {
			bits -= 8
		}
		if len(b) > 32 {
			return strconv.Itoa(bits) + "-bit number"
		}
		return hexValue(b)
	case 0x06:
		oid := oidString(b)
		if n, ok := valueOf(oidNames, oid); ok {
			return n + " (" + oid + ")"
		}
		return oid
	case 0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1e:
		return quote(b)
	case 0x17, 0x18:
		return derTime(tag, b)
	case 0x05:
		return "NULL"
	}
	if tag&0xe0 == 0x80 && printable(b) {
		return quote(b) // a context-specific string: a DNS name or URI in subjectAltName, AIA, CRL points
	}
	return hexValue(b)
}

// oidString decodes an OBJECT IDENTIFIER to dotted form (X.690, Section
// 8.19).
func oidString(b []byte) string {
	var s strings.Builder
	v, first := 0, true
	for _, x := range b {
		v = v<<7 | int(x&0x7f)
		if x&0x80 != 0 {
			if v > 1<<40 {
				return "invalid OID"
			}
			continue
		}
		if first {
			a := min(v/40, 2)
			s.WriteString(strconv.Itoa(a) + "." + strconv.Itoa(v-40*a))
			first = false
		} else {
			s.WriteString("." + strconv.Itoa(v))
		}
		v = 0
	}
	return s.String()
}

// relativeOID decodes a RELATIVE-OID (X.690, Section 8.20): arcs only.
func relativeOID(b []byte) string {
	var s strings.Builder
	v := 0
	for _, x := range b {
		v = v<<7 | int(x&0x7f)
		if x&0x80 != 0 {
			if v > 1<<40 {
				return hexValue(b)
			}
			continue
		}
		if s.Len() > 0 {
			s.WriteByte('.')
		}
		s.WriteString(strconv.Itoa(v))
		v = 0
	}
	return s.String()
}

// derTime shows a UTCTime or GeneralizedTime (RFC 5280, Section 4.1.2.5).
func derTime(tag byte, b []byte) string {
	s := string(b)
	if tag == 0x17 && len(s) == 13 {
		century := "20"
		if s[0] >= '5' {
			century = "19"
		}
		s = century + s
	}
	if len(s) == 15 && s[14] == 'Z' {
		return s[0:4] + "-" + s[4:6] + "-" + s[6:8] + " " + s[8:10] + ":" + s[10:12] + ":" + s[12:14] + " UTC"
	}
	return quote(b)
}

// universalKind is the kind of a TLV known only by its tag.
func universalKind(tag byte) string {
	if tag&0xc0 == 0x80 {
		return "asn1.context"
	}
	switch tag {
	case 0x01:
		return "asn1.boolean"
	case 0x02:
		return "asn1.integer"
	case 0x03:
		return "asn1.bit_string"
	case 0x04:
		return "asn1.octet_string"
	case 0x05:
		return "asn1.null"
	case 0x06:
		return "asn1.oid"
	case 0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1e:
		return "asn1.string"
	case 0x17, 0x18:
		return "asn1.time"
	case 0x30:
		return "asn1.sequence"
	case 0x31:
		return "asn1.set"
	}
	return "asn1.other"
}

var tagNames = []code{
	{0x01, "BOOLEAN"}, {0x02, "INTEGER"}, {0x03, "BIT STRING"}, {0x04, "OCTET STRING"}, {0x05, "NULL"},
	{0x06, "OBJECT IDENTIFIER"}, {0x0c, "UTF8String"}, {0x13, "PrintableString"}, {0x14, "TeletexString"},
	{0x16, "IA5String"}, {0x17, "UTCTime"}, {0x18, "GeneralizedTime"}, {0x1a, "VisibleString"},
	{0x1e, "BMPString"}, {0x30, "SEQUENCE"}, {0x31, "SET"},
}

// tagName names a DER tag.
func tagName(tag byte) string {
	if n, ok := nameOf(tagNames, int(tag)); ok {
		return n + " (" + hexValue([]byte{tag}) + ")"
	}
	if tag&0xc0 == 0x80 {
		s := "[" + strconv.Itoa(int(tag&0x1f)) + "]"
		if tag&0x20 != 0 {
			return s + " (context-specific, constructed)"
		}
		return s + " (context-specific)"
	}
	return "tag " + hexValue([]byte{tag})
}

// certificateDER reads a Certificate (RFC 5280, Section 4.1).
func certificateDER(c *cur) {
	tlv(c, "asn1.certificate", func(v *cur) {
		tlv(v, "asn1.tbs_certificate", tbsCertificate)
		alg, _ := tlv(v, "asn1.signature_algorithm", algorithmIdentifier)
		ecdsa := alg != nil && strings.HasPrefix(alg.Value, "ecdsa")
		tlv(v, "asn1.signature_value", func(s *cur) {
			if f, v, ok := s.num("asn1.bit_string.unused_bits", 1); ok {
				f.Value = itoa(v)
			}
			if ecdsa && ecdsaSignature(s) {
				return
			}
			bytesRest(s, "asn1.signature_value.value")
		})
	})
	c.done()
}

// tbsCertificate reads the signed part of a certificate.
func tbsCertificate(c *cur) {
	if c.more() && c.p.buf[c.off] == 0xa0 {
		tlv(c, "asn1.version", nil)
		if f := c.last(); len(f.Children) == 3 {
			if v := f.Children[2]; v.Value == "2" {
				f.Value = "v3 (2)"
			} else if v.Value != "" {
				f.Value = "v" + v.Value
			}
		}
	}
	tlv(c, "asn1.serial_number", nil)
	tlv(c, "asn1.signature", algorithmIdentifier)
	tlv(c, "asn1.issuer", name)
	tlv(c, "asn1.validity", func(v *cur) {
		tlv(v, "asn1.not_before", nil)
		tlv(v, "asn1.not_after", nil)
	})
	tlv(c, "asn1.subject", name)
	tlv(c, "asn1.spki", spki)
	for c.more() {
		switch c.p.buf[c.off] {
		case 0xa1:
			tlv(c, "asn1.issuer_unique_id", nil)
		case 0xa2:
			tlv(c, "asn1.subject_unique_id", nil)
		case 0xa3:
			tlv(c, "asn1.extensions", func(v *cur) {
				tlv(v, "asn1.extension_list", func(l *cur) {
					for l.more() {
						tlv(l, "asn1.extension", certExtension)
					}
				})
			})
		default:
			tlv(c, "", nil)
		}
	}
}

// algorithmIdentifier reads an AlgorithmIdentifier and names it.
func algorithmIdentifier(c *cur) {
	f, _ := tlv(c, "asn1.algorithm", nil)
	for c.more() {
		tlv(c, "asn1.parameters", nil)
	}
	if f != nil {
		c.f.Value = f.Value
	}
}

// name reads a Name (RFC 5280, Section 4.1.2.4): a sequence of sets of
// attribute type and value; its value is the usual one-line form.
func name(c *cur) {
	var parts []string
	for c.more() {
		rdn, _ := tlv(c, "asn1.rdn", func(s *cur) {
			for s.more() {
				tlv(s, "asn1.attribute", func(a *cur) {
					t, _ := tlv(a, "asn1.attribute_type", nil)
					v, _ := tlv(a, "asn1.attribute_value", nil)
					if t != nil && v != nil {
						a.f.Value = shortAttr(t.Value) + "=" + strings.Trim(v.Value, "\"")
						parts = append(parts, a.f.Value)
					}
				})
			}
		})
		if rdn != nil && len(rdn.Children) > 2 {
			rdn.Value = rdn.Children[2].Value
		}
	}
	c.f.Value = strings.Join(parts, ", ")
}

// shortAttr turns "commonName (2.5.4.3)" into "CN".
func shortAttr(v string) string {
	if i := strings.Index(v, " ("); i > 0 {
		if s, ok := valueOf(attrShort, v[:i]); ok {
			return s
		}
		return v[:i]
	}
	return v
}

var attrShort = []pair{{"commonName", "CN"}, {"countryName", "C"}, {"organizationName", "O"},
	{"organizationalUnitName", "OU"}, {"localityName", "L"}, {"stateOrProvinceName", "ST"}}

// spki reads a SubjectPublicKeyInfo: the key's algorithm and its bits.
func spki(c *cur) {
	alg, _ := tlv(c, "asn1.spki.algorithm", algorithmIdentifier)
	rsa := alg != nil && strings.HasPrefix(alg.Value, "rsaEncryption")
	tlv(c, "asn1.spki.public_key", func(v *cur) {
		f, _, ok := v.num("asn1.bit_string.unused_bits", 1)
		if !ok {
			return
		}
		f.Value = itoa(int(c.p.buf[f.Offset]))
		if rsa {
			tlv(v, "asn1.rsa_public_key", func(k *cur) {
				tlv(k, "asn1.rsa.modulus", nil)
				tlv(k, "asn1.rsa.public_exponent", nil)
			})
			return
		}
		n := v.end - v.off
		if n > 1 && n%2 == 1 && v.p.buf[v.off] == 4 {
			for _, p := range []struct {
				k string
				n int
			}{{"ec_point.form", 1}, {"ec_point.x", n / 2}, {"ec_point.y", n / 2}} {
				if f, b := v.take(p.k, p.n); f != nil {
					f.Value = hexOf(f, b)
				}
			}
			return
		}
		bytesRest(v, "asn1.spki.key_bits")
	})
	if alg != nil {
		c.f.Value = alg.Value
	}
}

// bitString reads a BIT STRING: the unused-bits count, then the bits.
func bitString(c *cur) {
	if f, v, ok := c.num("asn1.bit_string.unused_bits", 1); ok {
		f.Value = itoa(v)
	}
	if f, b := c.takeRest(c.f.Kind + ".value"); f != nil {
		f.Value = hexOf(f, b)
	}
}

// ecdsaSignature reads an ECDSA signature, the DER of r and s (RFC 5480,
// Section 2.2; RFC 8446, Section 4.2.3), when the rest of c is one.
func ecdsaSignature(c *cur) bool {
	if !c.more() || c.p.buf[c.off] != 0x30 || !derComplete(c.p.buf, c.off, c.end) {
		return false
	}
	tlv(c, "asn1.ecdsa_signature", func(v *cur) {
		tlv(v, "asn1.ecdsa.r", nil)
		tlv(v, "asn1.ecdsa.s", nil)
	})
	return true
}

// certExtension reads one certificate Extension (RFC 5280, Section 4.1):
// its id, whether it is critical, and its value, itself DER.
func certExtension(c *cur) {
	id, _ := tlv(c, "asn1.extension.id", nil)
	if id != nil {
		c.f.Name = "extension: " + strings.SplitN(id.Value, " (", 2)[0]
	}
	if c.more() && c.p.buf[c.off] == 0x01 {
		tlv(c, "asn1.extension.critical", nil)
	}
	tlv(c, "asn1.extension.value", func(v *cur) {
		if derComplete(v.p.buf, v.off, v.end) {
			for v.more() {
				tlv(v, "", nil)
			}
			return
		}
		bytesRest(v, "asn1.extension.value.value")
	})
}

// derComplete reports whether [o, end) is known and is a run of whole TLVs.
func derComplete(b []byte, o, end int) bool {
	if end > len(b) {
		return false
	}
	for o < end {
		hdr, n, ok, _ := derHeader(b, o)
		if !ok || o+hdr+n > end {
			return false
		}
		if b[o]&0x20 != 0 && !derComplete(b, o+hdr, o+hdr+n) {
			return false
		}
		o += hdr + n
	}
	return true
}

// distinguishedNames reads a list of DER Names behind 2-byte lengths
// (RFC 8446, Section 4.2.4; RFC 5246, Section 7.4.4).
func distinguishedNames(c *cur, k string) {
	in, _ := c.vec(k, 2)
	for in.more() {
		dn, _ := in.vec("distinguished_name", 2)
		tlv(dn, "asn1.name", name)
		dn.done()
	}
	in.done()
}

// oidNames names the object identifiers a certificate usually holds.
var oidNames = []pair{
	{"2.5.4.3", "commonName"}, {"2.5.4.5", "serialNumber"}, {"2.5.4.6", "countryName"}, {"2.5.4.7", "localityName"},
	{"2.5.4.8", "stateOrProvinceName"}, {"2.5.4.10", "organizationName"}, {"2.5.4.11", "organizationalUnitName"},
	{"1.2.840.113549.1.9.1", "emailAddress"},
	{"1.2.840.113549.1.1.1", "rsaEncryption"},
	{"1.2.840.113549.1.1.5", "sha1WithRSAEncryption"},
	{"1.2.840.113549.1.1.10", "RSASSA-PSS"},
	{"1.2.840.113549.1.1.11", "sha256WithRSAEncryption"},
	{"1.2.840.113549.1.1.12", "sha384WithRSAEncryption"},
	{"1.2.840.113549.1.1.13", "sha512WithRSAEncryption"},
	{"1.2.840.10045.2.1", "ecPublicKey"},
	{"1.2.840.10045.3.1.7", "prime256v1 (P-256)"},
	{"1.3.132.0.34", "secp384r1 (P-384)"},
	{"1.3.132.0.35", "secp521r1 (P-521)"},
	{"1.2.840.10045.4.3.2", "ecdsa-with-SHA256"},
	{"1.2.840.10045.4.3.3", "ecdsa-with-SHA384"},
	{"1.2.840.10045.4.3.4", "ecdsa-with-SHA512"},
	{"1.3.101.112", "Ed25519"},
	{"2.16.840.1.101.3.4.2.1", "sha256"}, {"2.16.840.1.101.3.4.2.2", "sha384"}, {"2.16.840.1.101.3.4.2.3", "sha512"},
	{"1.2.840.113549.1.1.8", "mgf1"},
	{"2.5.29.14", "subjectKeyIdentifier"}, {"2.5.29.15", "keyUsage"}, {"2.5.29.17", "subjectAltName"},
	{"2.5.29.19", "basicConstraints"}, {"2.5.29.31", "cRLDistributionPoints"}, {"2.5.29.32", "certificatePolicies"},
	{"2.5.29.35", "authorityKeyIdentifier"}, {"2.5.29.37", "extKeyUsage"},
	{"1.3.6.1.5.5.7.1.1", "authorityInfoAccess"},
	{"1.3.6.1.5.5.7.3.1", "serverAuth"},
	{"1.3.6.1.5.5.7.3.2", "clientAuth"},
	{"1.3.6.1.5.5.7.48.1", "ocsp"},
	{"1.3.6.1.5.5.7.48.2", "caIssuers"},
	{"1.3.6.1.4.1.11129.2.4.2", "signedCertificateTimestampList"},
	{"2.23.140.1.2.1", "domain-validated"},
}

func printable(b []byte) bool {
	for _, x := range b {
		if x < 0x20 || x >= 0x7f {
			return false
		}
	}
	return len(b) > 0
}
