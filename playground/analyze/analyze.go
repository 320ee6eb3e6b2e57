// Package analyze turns TLS records, and with keys their decrypted
// contents, into a tree of annotated fields: every byte gets a name, its
// decoded value, a one-line explanation and the RFC section that defines it.
//
// The leaves of a tree cover the bytes analysed exactly once, in order, so
// concatenating them gives the input back ("every byte used"). Handshake
// messages are parsed from each direction's handshake byte stream and
// projected onto each record, so a message split across records, or several
// messages in one record, still give each record a tree of its own.
//
// Each field's Kind is a stable machine id (the table in kinds.go lists
// them all): "record" and "record.*" for the header; "handshake.<message>"
// (handshake.client_hello, handshake.hello_retry_request, ...) with
// "handshake.type" and "handshake.length", then "<message>.<field>"
// (client_hello.random); "ext.<extension>" (ext.key_share, ext.grease,
// ext.unknown) with "ext.type", "ext.length" and "ext.<extension>.<field>";
// "key_share.*" and "ec_point.*" for public keys; "asn1.*" for DER
// (asn1.tbs_certificate, asn1.spki, asn1.tag, asn1.length); "aead.*",
// "cbc.*", "tls13.encrypted_record" and "inner.*" for protection; "alert",
// "alert.*", "ccs.value", "app_data"; "malformed" for bytes that do not
// parse. A kind ending in ".length" is a vector's length prefix, ".data"
// or ".value" its contents, ".grease" a GREASE value (RFC 8701) in that
// slot.
package analyze

import (
	"strings"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
)

// Field is one annotated run of bytes. Offsets are relative to the bytes
// analysed (a record's wire bytes, or its decrypted plaintext).
type Field struct {
	Offset   int      `json:"offset"`
	Length   int      `json:"length"`
	Name     string   `json:"name"`
	Kind     string   `json:"kind"` // stable machine id, such as "ext.key_share"
	Value    string   `json:"value,omitempty"`
	Explain  string   `json:"explain,omitempty"`
	RFC      string   `json:"rfc,omitempty"`
	Unknown  bool     `json:"unknown,omitempty"`
	Children []*Field `json:"children,omitempty"`
	// Continued marks a field cut by a record boundary: the part in this
	// record is shown, the rest is in the record before or after.
	Continued bool `json:"continued,omitempty"`
}

// Record is one record as it crossed the wire, with its decrypted fragment
// when there are keys: TLS 1.3, the whole TLSInnerPlaintext (content, type
// byte, padding); TLS 1.2 CBC, content, MAC, padding and padding_length;
// TLS 1.2 AEAD, the content. Plaintext is nil for records that were not
// encrypted or could not be decrypted.
type Record struct {
	FromClient bool
	Wire       []byte
	Plaintext  []byte
}

// Tree is the analysis of one record: its wire bytes and, when the record
// was decrypted, its plaintext.
type Tree struct {
	Wire  *Field `json:"wire"`
	Plain *Field `json:"plain,omitempty"`

	wire, plain []byte
}

// Analyzer follows one connection: it learns the version and the cipher
// suite from the hellos and reassembles each direction's handshake
// messages. Feed it every record of the connection in order.
type Analyzer struct {
	version   uint16       // negotiated; 0 until the ServerHello
	suiteID   uint16       // negotiated cipher suite
	etm       bool         // encrypt_then_mac negotiated (RFC 7366)
	offered13 bool         // the ClientHello offers TLS 1.3
	kxRSA     bool         // TLS 1.2 RSA key transport
	kxDHE     bool         // TLS 1.2 finite-field DHE (captures of other peers)
	group     int          // TLS 1.2: the curve of the ServerKeyExchange, which the ClientKeyExchange uses too
	dir       [2]direction // 0: server to client, 1: client to server
}

// direction is one side's sending state.
type direction struct {
	encrypted bool // TLS 1.2: a ChangeCipherSpec went this way
	stream    stream
}

// New returns an analyzer for one connection.
func New() *Analyzer { return &Analyzer{} }

func side(fromClient bool) int {
	if fromClient {
		return 1
	}
	return 0
}

// Record analyses the next record of the connection.
func (a *Analyzer) Record(r Record) *Tree {
	t := &Tree{wire: r.Wire, plain: r.Plaintext}
	d := &a.dir[side(r.FromClient)]
	root := &Field{Length: len(r.Wire), Kind: "record"}
	describe(root)
	t.Wire = root
	p := &parser{buf: r.Wire, a: a}
	c := &cur{p: p, f: root, end: len(r.Wire)}
	typF, typB := c.take("record.type", 1)
	if typB == nil {
		root.Name = "truncated record"
		c.malformedRest("a 5-byte record header")
		return t
	}
	typ := typB[0]
	typF.Value = record.TypeName(typ)
	if typ < record.TypeChangeCipherSpec || typ > record.TypeApplicationData {
		typF.Unknown = true
		typF.Value = unknownContentType(typ)
	}
	if _, b := c.take("record.version", 2); b != nil {
		c.last().Value = handshake.VersionName(u16(b))
	}
	lenF, lenB := c.take("record.length", 2)
	if lenB == nil {
		root.Name = "truncated record"
		c.malformedRest("a 5-byte record header")
		return t
	}
	n := int(u16(lenB))
	lenF.Value = bytesN(n)
	if n != len(r.Wire)-record.HeaderLen {
		c.malformedRest("a fragment of " + itoa(n) + " bytes, as the length says; there are " + itoa(len(r.Wire)-record.HeaderLen))
		root.Name = "malformed record"
		return t
	}
	frag := r.Wire[record.HeaderLen:]
	encrypted := a.isEncrypted(d, typ)
	root.Name = record.TypeName(typ) + " record"
	if encrypted {
		root.Name = "encrypted record"
		if a.tls13() {
			root.Name = "encrypted record (TLS 1.3)"
		}
		if p := suites.ProtectionOf(a.suiteID); p != nil {
			root.Value = p.Cipher
		}
		a.encryptedFragment(c, len(frag))
		if r.Plaintext != nil {
			t.Plain = a.plaintext(r.FromClient, typ, r.Plaintext)
		} else if typ == record.TypeHandshake || a.tls13() {
			// Handshake bytes we cannot read: the stream loses its place.
			d.stream.lost = true
		}
		return t
	}
	if typF.Unknown {
		root.Unknown = true
		root.Name = "record of unknown type " + itoa(int(typ))
	}
	a.content(c, r.FromClient, typ)
	root.Value = summary(root)
	if typ == record.TypeChangeCipherSpec && !a.tls13() {
		d.encrypted = true
	}
	return t
}

// isEncrypted says whether a record of outer type typ is protected: in TLS
// 1.3 every application_data record after the hellos (RFC 8446, Section
// 5.2); in TLS 1.2 everything after the sender's ChangeCipherSpec. Before
// the ServerHello an application_data record can only be 0-RTT data,
// encrypted (RFC 8446, Section 4.2.10).
func (a *Analyzer) isEncrypted(d *direction, typ uint8) bool {
	if a.tls13() || (a.version == 0 && typ == record.TypeApplicationData) {
		return typ == record.TypeApplicationData
	}
	return d.encrypted
}

// tls13 reports TLS 1.3: negotiated, or offered by the client before the
// ServerHello says (its 0-RTT records are TLS 1.3 records).
func (a *Analyzer) tls13() bool {
	return a.version == suites.VersionTLS13 || (a.version == 0 && a.offered13)
}

// plaintext analyses a decrypted fragment.
func (a *Analyzer) plaintext(fromClient bool, outer uint8, pt []byte) *Field {
	root := &Field{Length: len(pt), Kind: "plaintext"}
	describe(root)
	if !a.tls13() {
		root.RFC = "RFC 5246 §6.2.3"
	}
	p := &parser{buf: pt, a: a}
	c := &cur{p: p, f: root, end: len(pt)}
	if a.tls13() {
		// TLSInnerPlaintext: content, the real type, zeros (RFC 8446, Section 5.2).
		i := len(pt) - 1
		for i >= 0 && pt[i] == 0 {
			i--
		}
		if i < 0 {
			root.Name = "decrypted fragment without a content type"
			c.malformedRest("a non-zero content type byte after the content (TLSInnerPlaintext)")
			return root
		}
		typ := pt[i]
		root.Name = "TLSInnerPlaintext (" + record.TypeName(typ) + ")"
		root.Kind = "inner_plaintext"
		if i > 0 {
			inner := c.open("inner.content", i)
			inner.f.Name = record.TypeName(typ) + " content"
			a.content(inner, fromClient, typ)
			inner.done()
			root.Value = summary(inner.f)
		}
		f, _ := c.take("inner.type", 1)
		f.Value = record.TypeName(typ)
		if typ < record.TypeChangeCipherSpec || typ > record.TypeApplicationData {
			f.Unknown = true
			f.Value = unknownContentType(typ)
		}
		if pad := len(pt) - i - 1; pad > 0 {
			c.take("inner.padding", pad)
			c.last().Value = itoa(pad) + " zero bytes"
		}
		return root
	}
	if cbc := a.cbc(); cbc != nil {
		// GenericBlockCipher after decryption (RFC 5246, Section 6.2.3.2):
		// content, MAC, padding, padding_length; with encrypt_then_mac the
		// MAC sits outside the encryption (RFC 7366).
		macLen := cbc.macLen
		if a.etm {
			macLen = 0
		}
		padLen := -1
		if len(pt) > 0 {
			padLen = int(pt[len(pt)-1])
		}
		contentLen := len(pt) - 1 - padLen - macLen
		if padLen < 0 || contentLen < 0 {
			c.malformedRest("content, a " + itoa(macLen) + "-byte MAC, padding and a padding_length byte (RFC 5246, Section 6.2.3.2)")
			return root
		}
		if contentLen > 0 {
			inner := c.open("cbc.content", contentLen)
			inner.f.Name = record.TypeName(outer) + " content"
			a.content(inner, fromClient, outer)
			inner.done()
			root.Value = summary(inner.f)
		}
		if macLen > 0 {
			c.take("cbc.mac", macLen)
			c.last().Value = cbc.mac
		}
		if padLen > 0 {
			f, b := c.take("cbc.padding", padLen)
			f.Value = bytesN(padLen) + " of value " + itoa(padLen)
			for _, x := range b {
				if int(x) != padLen {
					f.Value += " (not all " + itoa(padLen) + ": bad padding, which a receiver must treat like a bad MAC)"
					break
				}
			}
		}
		c.take("cbc.padding_length", 1)
		c.last().Value = itoa(padLen)
		return root
	}
	if len(pt) > 0 {
		inner := c.open("aead.content", len(pt))
		inner.f.Name = record.TypeName(outer) + " content"
		a.content(inner, fromClient, outer)
		inner.done()
		root.Value = summary(inner.f)
	}
	return root
}

// content analyses a record's content of type typ at the cursor: handshake
// bytes through the direction's stream, the rest directly.
func (a *Analyzer) content(c *cur, fromClient bool, typ uint8) {
	n := c.end - c.off
	switch typ {
	case record.TypeHandshake:
		d := &a.dir[side(fromClient)]
		fields := a.handshakeContent(&d.stream, fromClient, c.p.buf[c.off:c.end])
		for _, f := range fields {
			shift(f, c.off)
			c.f.Children = append(c.f.Children, f)
		}
		c.off = c.end
	case record.TypeChangeCipherSpec:
		f, b := c.take("ccs.value", 1)
		if b != nil {
			f.Value = itoa(int(b[0]))
			if b[0] != 1 {
				f.Value += " (should be 1)"
			}
		}
	case record.TypeAlert:
		for c.more() { // usually one alert; TLS 1.2 allows several in a record
			al := c.open("alert", 2)
			if lf, b := al.take("alert.level", 1); b != nil {
				lf.Value = alertLevel(b[0])
			}
			if df, b := al.take("alert.description", 1); b != nil {
				df.Value = alertName(b[0])
			}
			al.done()
		}
	case record.TypeApplicationData:
		if n > 0 {
			f, b := c.take("app_data", n)
			f.Value = appDataPreview(b)
		}
	default:
		if n > 0 {
			f, _ := c.take("unknown.content", n)
			f.Unknown = true
		}
	}
	c.done()
}

// encryptedFragment lays out a protected fragment (RFC 5246, Sections
// 6.2.3.2-3; RFC 8446, Section 5.2).
func (a *Analyzer) encryptedFragment(c *cur, n int) {
	if a.tls13() {
		if n < record.TagLen {
			c.malformedRest("at least a 16-byte AEAD tag (RFC 8446, Section 5.2)")
			return
		}
		if n > record.TagLen {
			c.take("tls13.encrypted_record", n-record.TagLen)
		}
		c.take("aead.tag", record.TagLen)
		return
	}
	if cbc := a.cbc(); cbc != nil {
		mac := 0
		if a.etm {
			mac = cbc.macLen
		}
		if n < cbc.ivLen+mac {
			c.malformedRest("a " + itoa(cbc.ivLen) + "-byte IV and the encrypted blocks (RFC 5246, Section 6.2.3.2)")
			return
		}
		c.take("cbc.iv", cbc.ivLen)
		if n-cbc.ivLen-mac > 0 {
			c.take("cbc.ciphertext", n-cbc.ivLen-mac)
		}
		if mac > 0 {
			c.take("cbc.etm_mac", mac)
			c.last().Value = cbc.mac
		}
		return
	}
	explicit := record.ExplicitNonceLen
	if p := suites.ProtectionOf(a.suiteID); p != nil && p.Mode == suites.ChaCha20Poly1305 {
		explicit = 0 // RFC 7905, Section 2: the nonce is the sequence number
	}
	if n < explicit+record.TagLen {
		c.malformedRest("an explicit nonce and a 16-byte AEAD tag (RFC 5246, Section 6.2.3.3)")
		return
	}
	if explicit > 0 {
		c.take("aead.explicit_nonce", explicit)
	}
	if n-explicit-record.TagLen > 0 {
		c.take("aead.ciphertext", n-explicit-record.TagLen)
	}
	c.take("aead.tag", record.TagLen)
}

// summary says in a few words what a record's content holds: its handshake
// messages, its alert, or nothing.
func summary(f *Field) string {
	var parts []string
	for _, c := range f.Children {
		switch {
		case strings.HasPrefix(c.Kind, "handshake.") && c.Kind != "handshake.fragment":
			n := c.Name
			if c.Continued {
				n += " (part)"
			}
			parts = append(parts, n)
		case c.Kind == "handshake.fragment":
			parts = append(parts, "part of a handshake message")
		case c.Kind == "alert" && len(c.Children) == 2:
			level, _, _ := strings.Cut(c.Children[0].Value, " (")
			parts = append(parts, level+" alert "+c.Children[1].Value)
		}
	}
	return strings.Join(parts, ", ")
}
