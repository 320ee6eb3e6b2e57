package analyze

import (
	"strconv"
)

// parser holds the bytes known so far. Offsets index buf; a field may
// extend past len(buf) when the rest of its message has not arrived yet.
type parser struct {
	buf []byte
	a   *Analyzer
	// fromClient and msgType describe the message being parsed, for the
	// extensions whose layout depends on where they appear.
	fromClient bool
	msgType    uint8
}

// cur reads fields from [off, end) and appends them to f. Reading past end
// is malformed input: the rest of the vector becomes one "malformed" leaf.
// Reading past the bytes known so far is a cut: the field is laid out with
// its declared size and no value, and reading stops.
type cur struct {
	p   *parser
	f   *Field
	off int
	end int
	bad bool
}

// more reports whether fields remain to be read.
func (c *cur) more() bool {
	return !c.bad && c.off < c.end && c.off < len(c.p.buf)
}

// last returns the field appended last (the one just taken).
func (c *cur) last() *Field { return c.f.Children[len(c.f.Children)-1] }

func (c *cur) add(f *Field) *Field {
	describe(f)
	c.f.Children = append(c.f.Children, f)
	return f
}

// take appends a leaf of kind k and n bytes. It returns the leaf, and its
// bytes, which are nil when they are not all known yet. It returns a nil
// leaf when there is nothing to read: the vector is exhausted or malformed
// (a "malformed" leaf then covers its rest) or the data stops before.
func (c *cur) take(k string, n int) (*Field, []byte) {
	if c.bad || c.off >= len(c.p.buf) || n <= 0 {
		return nil, nil
	}
	if c.off+n > c.end {
		c.malformedRest(strconv.Itoa(n) + " bytes for " + describeName(k) + ", but only " + strconv.Itoa(c.end-c.off) + " are left in " + c.f.Name)
		return nil, nil
	}
	f := c.add(&Field{Offset: c.off, Length: n, Kind: k})
	c.off += n
	if c.off > len(c.p.buf) {
		return f, nil
	}
	return f, c.p.buf[c.off-n : c.off]
}

// takeRest appends one leaf of kind k over the rest of the vector.
func (c *cur) takeRest(k string) (*Field, []byte) {
	return c.take(k, c.end-c.off)
}

// num reads an n-byte big-endian integer field.
func (c *cur) num(k string, n int) (*Field, int, bool) {
	f, b := c.take(k, n)
	if b == nil {
		return f, 0, false
	}
	v := 0
	for _, x := range b {
		v = v<<8 | int(x)
	}
	return f, v, true
}

// open appends a container of kind k over the next n bytes and returns a
// cursor over its contents. When n overruns the vector, the container ends
// with the vector and the overrun is reported inside it.
func (c *cur) open(k string, n int) *cur {
	if c.bad || c.off >= len(c.p.buf) {
		return &cur{p: c.p, f: &Field{}, bad: true}
	}
	end, over := c.off+n, false
	if end > c.end {
		end, over = c.end, true
	}
	f := c.add(&Field{Offset: c.off, Length: end - c.off, Kind: k})
	in := &cur{p: c.p, f: f, off: c.off, end: end}
	c.off = end
	if over {
		in.malformedRest(strconv.Itoa(n) + " bytes for " + f.Name + ", but only " + strconv.Itoa(end-in.off) + " are left")
		c.bad = true
	}
	return in
}

// vec appends a container of kind k for a vector with an lenBytes-byte
// length prefix (RFC 8446, Section 3.4): the length is its first leaf. It
// returns the cursor over the vector's contents and its length.
func (c *cur) vec(k string, lenBytes int) (*cur, int) {
	if c.bad || c.off >= len(c.p.buf) {
		return &cur{p: c.p, f: &Field{}, bad: true}, 0
	}
	start := c.off
	if start+lenBytes > c.end {
		c.malformedRest("a " + strconv.Itoa(lenBytes) + "-byte length for " + describeName(k) + ", but only " + strconv.Itoa(c.end-c.off) + " bytes are left")
		return &cur{p: c.p, f: &Field{}, bad: true}, 0
	}
	f := c.add(&Field{Offset: start, Length: lenBytes, Kind: k})
	in := &cur{p: c.p, f: f, off: start, end: start + lenBytes}
	lf, n, ok := in.num(k+".length", lenBytes)
	if !ok {
		c.off = start + lenBytes
		c.bad = true // the length is not known yet: nothing after it is
		return &cur{p: c.p, f: f, bad: true}, 0
	}
	lf.Value = bytesN(n)
	end, over := start+lenBytes+n, false
	if end > c.end {
		end, over = c.end, true
	}
	f.Length = end - start
	in.end = end
	c.off = end
	if over {
		lf.Value += " (too long: only " + strconv.Itoa(end-in.off) + " bytes follow)"
		in.malformedRest(strconv.Itoa(n) + " bytes of " + f.Name + " as the length says, but only " + strconv.Itoa(end-in.off) + " follow")
		c.bad = true
	}
	return in, n
}

// done closes a vector: bytes left unread become one malformed leaf.
func (c *cur) done() {
	if c.bad || c.off >= c.end || c.off >= len(c.p.buf) {
		return
	}
	c.malformedRest("nothing more in " + c.f.Name + " (" + strconv.Itoa(c.end-c.off) + " bytes left over)")
}

// malformedRest covers the rest of the vector with one leaf saying what
// was expected there, and stops reading it.
func (c *cur) malformedRest(expected string) {
	if c.bad {
		return
	}
	c.bad = true
	if c.off >= c.end {
		return
	}
	c.f.Children = append(c.f.Children, &Field{
		Offset: c.off, Length: c.end - c.off, Kind: "malformed", Name: "malformed",
		Value:   bytesN(c.end - c.off),
		Explain: "these bytes do not parse: expected " + expected,
	})
	c.off = c.end
}

// unknownRest covers the rest of the vector with one unknown leaf.
func (c *cur) unknownRest(k string) {
	if f, _ := c.takeRest(k); f != nil {
		f.Unknown = true
	}
}

// shift moves a tree by d bytes.
func shift(f *Field, d int) {
	f.Offset += d
	for _, ch := range f.Children {
		shift(ch, d)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func u16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func hex4(v int) string {
	const digits = "0123456789abcdef"
	return "0x" + string([]byte{digits[v>>12&15], digits[v>>8&15], digits[v>>4&15], digits[v&15]})
}

// isGREASE reports a GREASE value (RFC 8701, Section 2): 0x?a?a with both
// bytes equal.
func isGREASE(v int) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

// bytesN says "1 byte" or "n bytes".
func bytesN(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}

// code and pair are table rows: static data, with no code to build them
// (the page's engine ships this package).
type code struct {
	v int
	s string
}

type pair struct{ k, v string }

// nameOf looks v up in a table of codes.
func nameOf(t []code, v int) (string, bool) {
	for _, c := range t {
		if c.v == v {
			return c.s, true
		}
	}
	return "", false
}

// valueOf looks k up in a table of pairs.
func valueOf(t []pair, k string) (string, bool) {
	for _, p := range t {
		if p.k == k {
			return p.v, true
		}
	}
	return "", false
}
