package jsonlite

import (
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// unmarshaler and textUnmarshaler are encoding/json's Unmarshaler and
// encoding.TextUnmarshaler, by their methods.
type unmarshaler interface{ UnmarshalJSON([]byte) error }
type textUnmarshaler interface{ UnmarshalText([]byte) error }

var (
	unmarshalerType     = reflect.TypeFor[unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[textUnmarshaler]()
)

// Unmarshal reads one JSON value (RFC 8259) into *v, as json.Unmarshal
// does for the types Append writes, with two differences that only bad
// input sees: a member that names no field of a struct is an error (as a
// json.Decoder with DisallowUnknownFields), and the first value that does
// not fit its field ends the reading (encoding/json reads on and reports
// the first such error at the end). Member names match a field's exactly,
// or else without regard to case, as encoding/json matches them. Every
// error says where in data it is.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("jsonlite: Unmarshal needs a non-nil pointer, not %T", v)
	}
	d := decoder{data: data}
	d.space()
	if d.i == len(d.data) {
		return errors.New("the JSON text is empty")
	}
	if err := d.value(rv.Elem(), 0); err != nil {
		return err
	}
	d.space()
	if d.i < len(d.data) {
		return ErrMore
	}
	return nil
}

// ErrMore is Unmarshal's error for a text with more after its first
// value.
var ErrMore = errors.New("more than one JSON value")

// Valid reports whether data is one JSON value (RFC 8259), spaces around
// it allowed.
func Valid(data []byte) bool {
	d := decoder{data: data}
	d.space()
	if d.skip(0) != nil {
		return false
	}
	d.space()
	return d.i == len(d.data)
}

type decoder struct {
	data []byte
	i    int
}

// errorf returns an error at the decoder's offset.
func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: %s", d.i, fmt.Sprintf(format, args...))
}

// what names the byte at the decoder's offset for an error.
func (d *decoder) what() string {
	if d.i >= len(d.data) {
		return "the end of the text"
	}
	c := d.data[d.i]
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return strconv.QuoteRune(rune(c))
}

func (d *decoder) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// expect consumes c after any spaces.
func (d *decoder) expect(c byte, context string) error {
	d.space()
	if d.i < len(d.data) && d.data[d.i] == c {
		d.i++
		return nil
	}
	return d.errorf("%s: expected %q, found %s", context, c, d.what())
}

// opens steps over the '{' or '[' at d.i and the spaces after it, and
// reports whether closing follows at once (an empty object or list, which
// it steps over too).
func (d *decoder) opens(closing byte) (empty bool) {
	d.i++
	d.space()
	if d.i < len(d.data) && d.data[d.i] == closing {
		d.i++
		return true
	}
	return false
}

// skip reads past one value, checking its syntax; it returns the error
// the first bad byte makes.
func (d *decoder) skip(depth int) error {
	if depth > maxDepth {
		return d.errorf("more than %d levels of nesting", maxDepth)
	}
	d.space()
	if d.i >= len(d.data) {
		return d.errorf("expected a value, found the end of the text")
	}
	switch c := d.data[d.i]; {
	case c == '{':
		if d.opens('}') {
			return nil
		}
		for {
			d.space()
			if _, err := d.str(); err != nil {
				return err
			}
			if err := d.expect(':', "after a member's name"); err != nil {
				return err
			}
			if err := d.skip(depth + 1); err != nil {
				return err
			}
			if end, err := d.next('}', "in an object"); err != nil || end {
				return err
			}
		}
	case c == '[':
		if d.opens(']') {
			return nil
		}
		for {
			if err := d.skip(depth + 1); err != nil {
				return err
			}
			if end, err := d.next(']', "in a list"); err != nil || end {
				return err
			}
		}
	case c == '"':
		_, err := d.str()
		return err
	case c == 't' || c == 'f' || c == 'n':
		_, err := d.literal()
		return err
	default:
		_, err := d.number()
		return err
	}
}

// next reads the comma between members or elements, or the closing byte:
// end is true after the closing byte.
func (d *decoder) next(closing byte, context string) (end bool, err error) {
	d.space()
	if d.i < len(d.data) {
		switch d.data[d.i] {
		case ',':
			d.i++
			return false, nil
		case closing:
			d.i++
			return true, nil
		}
	}
	return false, d.errorf("%s: expected ',' or %q, found %s", context, closing, d.what())
}

// literal reads true, false or null.
func (d *decoder) literal() (string, error) {
	for _, l := range []string{"true", "false", "null"} {
		if strings.HasPrefix(string(d.data[d.i:min(len(d.data), d.i+len(l))]), l) {
			d.i += len(l)
			return l, nil
		}
	}
	return "", d.errorf("expected a value, found %s", d.what())
}

// number reads a number as RFC 8259, Section 6 spells it and returns its
// text.
func (d *decoder) number() (string, error) {
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.data) && d.data[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.data) && d.data[d.i] == '0':
		d.i++
	case digits() == 0:
		return "", d.errorf("expected a value, found %s", d.what())
	}
	if d.i < len(d.data) && d.data[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return "", d.errorf("in a number: expected a digit after '.', found %s", d.what())
		}
	}
	if d.i < len(d.data) && (d.data[d.i] == 'e' || d.data[d.i] == 'E') {
		d.i++
		if d.i < len(d.data) && (d.data[d.i] == '+' || d.data[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return "", d.errorf("in a number: expected a digit in the exponent, found %s", d.what())
		}
	}
	return string(d.data[start:d.i]), nil
}

// str reads a string and returns it unescaped. As encoding/json, it turns
// invalid UTF-8 and a lone surrogate escape into U+FFFD.
func (d *decoder) str() (string, error) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return "", d.errorf("expected a string, found %s", d.what())
	}
	d.i++
	var b []byte
	start := d.i
	for {
		if d.i >= len(d.data) {
			return "", d.errorf("a string does not end (no closing '\"')")
		}
		c := d.data[d.i]
		switch {
		case c == '"':
			s := string(append(b, d.data[start:d.i]...))
			d.i++
			return s, nil
		case c < 0x20:
			return "", d.errorf("a control byte 0x%02x in a string (escape it as \\u%04x)", c, c)
		case c == '\\':
			b = append(b, d.data[start:d.i]...)
			d.i++
			if d.i >= len(d.data) {
				return "", d.errorf("a string ends in the middle of an escape")
			}
			e := d.data[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, err := d.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if d.i+1 < len(d.data) && d.data[d.i] == '\\' && d.data[d.i+1] == 'u' {
						save := d.i
						d.i += 2
						if r2, err = d.hex4(); err != nil {
							return "", err
						}
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							r = dec
						} else {
							d.i, r = save, utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				d.i--
				return "", d.errorf("an unknown escape \\%c in a string", e)
			}
			start = d.i
		case c < utf8.RuneSelf:
			d.i++
		default:
			r, size := utf8.DecodeRune(d.data[d.i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, d.data[start:d.i]...)
				b = utf8.AppendRune(b, utf8.RuneError)
				d.i++
				start = d.i
				continue
			}
			d.i += size
		}
	}
}

// hex4 reads the four hex digits of a \u escape.
func (d *decoder) hex4() (rune, error) {
	if d.i+4 > len(d.data) {
		return 0, d.errorf("a \\u escape needs four hex digits")
	}
	n, err := strconv.ParseUint(string(d.data[d.i:d.i+4]), 16, 16)
	if err != nil || strings.ContainsAny(string(d.data[d.i:d.i+4]), "+-_") {
		return 0, d.errorf("a \\u escape needs four hex digits, not %q", d.data[d.i:d.i+4])
	}
	d.i += 4
	return rune(n), nil
}

// kindName names what a JSON value is in an error.
func (d *decoder) kindName() string {
	switch c := d.data[d.i]; c {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// typeName names a Go type in an error as the page would: a string, a
// number, a list, an object, true or false.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// value reads one value into v.
func (d *decoder) value(v reflect.Value, depth int) error {
	if depth > maxDepth {
		return d.errorf("more than %d levels of nesting", maxDepth)
	}
	d.space()
	if d.i >= len(d.data) {
		return d.errorf("expected a value, found the end of the text")
	}
	null := d.data[d.i] == 'n'
	// Through pointers, allocating as encoding/json does (a null sets the
	// first nil-able value to nil), to the first value with a method.
	for {
		if m := d.unmarshalMethod(v, null); m != nil {
			return d.callMethod(v, m)
		}
		if v.Kind() != reflect.Pointer {
			break
		}
		if null {
			if _, err := d.literal(); err != nil {
				return err
			}
			v.SetZero()
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	c := d.data[d.i]
	if null {
		if _, err := d.literal(); err != nil {
			return err
		}
		switch v.Kind() {
		case reflect.Interface, reflect.Map, reflect.Slice:
			v.SetZero()
		}
		return nil
	}
	mismatch := func() error {
		return d.errorf("expected %s, found %s", typeName(v.Type()), d.kindName())
	}
	switch c {
	case '{':
		switch v.Kind() {
		case reflect.Struct:
			return d.object(v, depth)
		case reflect.Map:
			return d.errorf("cannot read an object into a %s (maps are written here, not read: no argument of the bridge has one)", v.Type())
		}
		return mismatch()
	case '[':
		if v.Kind() != reflect.Slice {
			return mismatch()
		}
		return d.list(v, depth)
	case '"':
		switch {
		case v.Kind() == reflect.String:
			s, err := d.str()
			if err != nil {
				return err
			}
			v.SetString(s)
			return nil
		case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
			at := d.i
			s, err := d.str()
			if err != nil {
				return err
			}
			b, err := base64.StdEncoding.AppendDecode(make([]byte, 0, base64.StdEncoding.DecodedLen(len(s))), []byte(s)) // it skips \r and \n, as encoding/json's
			if err != nil {
				d.i = at
				return d.errorf("expected a base64 string: %v", err)
			}
			v.SetBytes(b)
			return nil
		}
		return mismatch()
	case 't', 'f':
		if v.Kind() != reflect.Bool {
			return mismatch()
		}
		l, err := d.literal()
		if err != nil {
			return err
		}
		v.SetBool(l == "true")
		return nil
	}
	at := d.i
	n, err := d.number()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, err := strconv.ParseInt(n, 10, 64)
		if err != nil || v.OverflowInt(x) {
			d.i = at
			return d.errorf("%s does not fit a %s (a whole number is needed)", n, v.Type())
		}
		v.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x, err := strconv.ParseUint(n, 10, 64)
		if err != nil || v.OverflowUint(x) {
			d.i = at
			return d.errorf("%s does not fit a %s (a whole number ≥ 0 is needed)", n, v.Type())
		}
		v.SetUint(x)
	case reflect.Float32, reflect.Float64:
		x, err := strconv.ParseFloat(n, v.Type().Bits())
		if err != nil {
			d.i = at
			return d.errorf("%s does not fit a %s", n, v.Type())
		}
		v.SetFloat(x)
	default:
		d.i = at
		return mismatch()
	}
	return nil
}

// unmarshalMethod returns v's UnmarshalJSON, or its UnmarshalText for a
// string, as encoding/json picks them: on the value's pointer, not on a
// nil pointer field (which is allocated first, unless the value is null).
func (d *decoder) unmarshalMethod(v reflect.Value, null bool) any {
	if v.Kind() == reflect.Pointer && (v.IsNil() || null) {
		return nil
	}
	if !v.CanAddr() && v.Kind() != reflect.Pointer {
		return nil
	}
	p := v
	if v.Kind() != reflect.Pointer {
		p = v.Addr()
	}
	if p.Type().Implements(unmarshalerType) {
		return p.Interface().(unmarshaler)
	}
	if !null && p.Type().Implements(textUnmarshalerType) {
		return p.Interface().(textUnmarshaler)
	}
	return nil
}

func (d *decoder) callMethod(v reflect.Value, m any) error {
	at := d.i
	if u, ok := m.(unmarshaler); ok {
		if err := d.skip(0); err != nil {
			return err
		}
		if err := u.UnmarshalJSON(d.data[at:d.i]); err != nil {
			d.i = at
			return d.errorf("%v", err)
		}
		return nil
	}
	if d.data[d.i] != '"' {
		return d.errorf("expected a string (a %s), found %s", v.Type(), d.kindName())
	}
	s, err := d.str()
	if err != nil {
		return err
	}
	if err := m.(textUnmarshaler).UnmarshalText([]byte(s)); err != nil {
		d.i = at
		return d.errorf("%v", err)
	}
	return nil
}

// object reads an object into a struct.
func (d *decoder) object(v reflect.Value, depth int) error {
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return err
	}
	if d.opens('}') {
		return nil
	}
	for {
		d.space()
		at := d.i
		name, err := d.str()
		if err != nil {
			return err
		}
		f := -1
		for i := range fields {
			if fields[i].name == name {
				f = i
				break
			}
		}
		for i := range fields {
			if f < 0 && strings.EqualFold(fields[i].name, name) {
				f = i
			}
		}
		if f < 0 {
			d.i = at
			return d.errorf("unknown field %q", name)
		}
		if err := d.expect(':', "after a member's name"); err != nil {
			return err
		}
		fv, err := fieldForSet(v, fields[f].index)
		if err != nil {
			d.i = at
			return d.errorf("%v", err)
		}
		if err := d.value(fv, depth+1); err != nil {
			return fmt.Errorf("%q: %w", name, err)
		}
		if end, err := d.next('}', "in an object"); err != nil || end {
			return err
		}
	}
}

// fieldForSet follows an index path, allocating embedded pointers.
func fieldForSet(v reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return v, fmt.Errorf("cannot set the embedded %s", v.Type())
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}

// list reads a list into a slice, replacing what it held.
func (d *decoder) list(v reflect.Value, depth int) error {
	v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	if d.opens(']') {
		return nil
	}
	for n := 0; ; n++ {
		v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
		if err := d.value(v.Index(n), depth+1); err != nil {
			return fmt.Errorf("[%d]: %w", n, err)
		}
		if end, err := d.next(']', "in a list"); err != nil || end {
			return err
		}
	}
}
