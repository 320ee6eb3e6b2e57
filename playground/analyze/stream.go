package analyze

import (
	"tlsplayground/playground/handshake"
)

// stream is one direction's handshake byte stream (RFC 8446, Section 5.1:
// messages may be split across records or share one). buf starts at the
// first message not yet complete.
type stream struct {
	buf    []byte
	lost   bool // a handshake record could not be read: resynchronise on the next
	parses int  // how often the message at the start of buf was parsed incomplete
}

// Bounds on reassembly, so a crafted capture cannot make the analyser
// quadratic: a message longer than maxMessage is not reassembled, and one
// still incomplete after maxParses records is parsed again only when its
// last record arrives (the records between show its bytes as one leaf).
const (
	maxMessage = 1 << 17 // a long certificate chain is 20-30 KB
	maxParses  = 32
)

// unbounded is the end of the stream cursor: messages declare their own
// lengths, and may run past the bytes known so far.
const unbounded = int(^uint(0) >> 2)

// handshakeContent appends one record's handshake bytes to the stream and
// returns the fields that fall in them, with offsets relative to content.
// Each message is parsed from its start, so a field cut by the record's
// edge appears clipped and marked Continued; a message completed by this
// record is learnt from (version, suite) once.
func (a *Analyzer) handshakeContent(s *stream, fromClient bool, content []byte) []*Field {
	if s.lost {
		s.buf, s.lost = nil, false
	}
	rs := len(s.buf)
	s.buf = append(s.buf, content...)
	re := len(s.buf)
	if rs > 0 && s.parses >= maxParses && len(s.buf) >= 4 && 4+msgLen(s.buf) > re {
		// Deep inside a long message: its bytes, without re-parsing it.
		return []*Field{{Length: len(content), Kind: "handshake.fragment", Name: "part of a handshake message",
			Value: bytesN(len(content)), Continued: true,
			Explain: "the middle of a long handshake message; its fields are shown in the record that completes it", RFC: "RFC 8446 §5.1"}}
	}
	root := &Field{Name: "handshake messages"}
	p := &parser{buf: s.buf, a: a, fromClient: fromClient}
	c := &cur{p: p, f: root, end: unbounded}
	keep := re // start of the first incomplete message
	for c.more() {
		start := c.off
		typ, end := a.message(c)
		if end > re {
			keep = start
			break
		}
		a.learn(fromClient, typ, s.buf[start:end])
		c.off = end
	}
	if keep == 0 {
		s.parses++
	} else {
		s.parses = 0
	}
	var out []*Field
	for _, f := range root.Children {
		if g := clip(f, rs, re); g != nil {
			shift(g, -rs)
			out = append(out, g)
		}
	}
	s.buf = append([]byte(nil), s.buf[keep:]...)
	if len(s.buf) >= 4 && msgLen(s.buf) > maxMessage {
		s.buf, s.lost = nil, true // too long to reassemble: resynchronise after it
	}
	return out
}

// msgLen is the body length in a handshake header.
func msgLen(b []byte) int { return int(b[1])<<16 | int(b[2])<<8 | int(b[3]) }

// clip returns the part of f inside [lo, hi), or nil when there is none.
func clip(f *Field, lo, hi int) *Field {
	s, e := f.Offset, f.Offset+f.Length
	if e <= lo || s >= hi {
		return nil
	}
	g := *f
	g.Children = nil
	if s < lo || e > hi {
		g.Continued = true
		s, e = max(s, lo), min(e, hi)
		g.Offset, g.Length = s, e-s
	}
	for _, ch := range f.Children {
		if x := clip(ch, lo, hi); x != nil {
			g.Children = append(g.Children, x)
		}
	}
	return &g
}

// msgKinds are the machine ids of the handshake messages; their names come
// from handshake.TypeName.
var msgKinds = []code{
	{int(handshake.TypeHelloRequest), "hello_request"},
	{int(handshake.TypeClientHello), "client_hello"},
	{int(handshake.TypeServerHello), "server_hello"},
	{int(handshake.TypeNewSessionTicket), "new_session_ticket"},
	{int(handshake.TypeEndOfEarlyData), "end_of_early_data"},
	{int(handshake.TypeEncryptedExtensions), "encrypted_extensions"},
	{int(handshake.TypeCertificate), "certificate"},
	{int(handshake.TypeServerKeyExchange), "server_key_exchange"},
	{int(handshake.TypeCertificateRequest), "certificate_request"},
	{int(handshake.TypeServerHelloDone), "server_hello_done"},
	{int(handshake.TypeCertificateVerify), "certificate_verify"},
	{int(handshake.TypeClientKeyExchange), "client_key_exchange"},
	{int(handshake.TypeFinished), "finished"},
	{int(handshake.TypeCertificateStatus), "certificate_status"},
	{int(handshake.TypeKeyUpdate), "key_update"},
	{int(handshake.TypeCompressedCertificate), "compressed_certificate"},
	{int(handshake.TypeMessageHash), "message_hash"},
}

// message parses one handshake message at the cursor (RFC 8446, Section
// 4) and returns its type and where it ends (past the bytes known, when it
// is not complete yet).
func (a *Analyzer) message(c *cur) (uint8, int) {
	buf, start := c.p.buf, c.off
	typ := buf[start]
	kind, known := nameOf(msgKinds, int(typ))
	if !known {
		kind = "unknown"
	}
	n := -1
	if start+4 <= len(buf) {
		n = msgLen(buf[start:])
	}
	m := c.open("handshake."+kind, 4+max(n, 0))
	name := handshake.TypeName(typ)
	m.f.Name = name
	if tf, _ := m.take("handshake.type", 1); tf != nil {
		tf.Value = name + " (" + itoa(int(typ)) + ")"
		if !known {
			tf.Unknown, m.f.Unknown = true, true
			m.f.Name = "unknown handshake message " + itoa(int(typ))
		}
	}
	lf, _, ok := m.num("handshake.length", 3)
	if !ok {
		return typ, unbounded
	}
	lf.Value = bytesN(n)
	m.p.msgType = typ
	if !known {
		m.unknownRest("handshake.unknown.body")
	} else if parse := a.body(typ); parse != nil {
		parse(m)
	}
	m.done()
	if !a.tls13() {
		version12(m.f)
	}
	return typ, start + 4 + n
}

// body returns the parser of a message body, given what the connection
// has negotiated.
func (a *Analyzer) body(typ uint8) func(*cur) {
	tls13 := a.tls13()
	switch typ {
	case handshake.TypeClientHello:
		return a.clientHello
	case handshake.TypeServerHello:
		return a.serverHello
	case handshake.TypeNewSessionTicket:
		if tls13 {
			return a.newSessionTicket13
		}
		return a.newSessionTicket12
	case handshake.TypeEncryptedExtensions:
		return func(c *cur) { a.extensions(c, "encrypted_extensions.extensions") }
	case handshake.TypeCertificate:
		if tls13 {
			return a.certificate13
		}
		return a.certificate12
	case handshake.TypeCompressedCertificate:
		return a.compressedCertificate
	case handshake.TypeServerKeyExchange:
		return a.serverKeyExchange
	case handshake.TypeCertificateRequest:
		if tls13 {
			return a.certificateRequest13
		}
		return a.certificateRequest12
	case handshake.TypeCertificateVerify:
		return func(c *cur) { a.signature(c, "certificate_verify") }
	case handshake.TypeClientKeyExchange:
		return a.clientKeyExchange
	case handshake.TypeCertificateStatus:
		return certificateStatus
	case handshake.TypeFinished:
		return func(c *cur) {
			if f, b := c.takeRest("finished.verify_data"); f != nil {
				f.Value = hexOf(f, b)
			}
		}
	case handshake.TypeKeyUpdate:
		return func(c *cur) {
			if f, v, ok := c.num("key_update.request_update", 1); ok {
				f.Value = keyUpdateRequest(v)
			}
		}
	case handshake.TypeMessageHash:
		return func(c *cur) {
			if f, b := c.takeRest("message_hash.hash"); f != nil {
				f.Value = hexOf(f, b)
			}
		}
	}
	return nil // HelloRequest, ServerHelloDone, EndOfEarlyData: empty bodies
}

func keyUpdateRequest(v int) string {
	switch v {
	case 0:
		return "update_not_requested (0)"
	case 1:
		return "update_requested (1)"
	}
	return itoa(v) + " (not a KeyUpdateRequest value)"
}

// version12 gives TLS 1.2 sections to the fields whose layout is TLS 1.2's.
func version12(f *Field) {
	if r, ok := valueOf(rfc12, f.Kind); ok {
		f.RFC = r
	}
	for _, c := range f.Children {
		version12(c)
	}
}
