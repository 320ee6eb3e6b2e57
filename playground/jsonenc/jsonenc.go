// Package jsonenc appends JSON values to a byte slice, byte for byte as
// encoding/json's Marshal writes them (HTML-safe escaping included), with
// no reflection. The session export is written with it on every session
// the page shows (session.Export.AppendJSON): encoding/json spent as long
// formatting an export as the engine spent on the handshake, most of it
// walking the types by reflection.
//
// Each exported type keeps its struct tags as the source of truth for its
// JSON names; its AppendJSON method writes the same names, and a test
// proves they agree with encoding/json on every field
// (playground/session's export_json_test.go).
package jsonenc

import (
	"encoding/hex"
	"math"
	"strconv"
	"unicode/utf8"
)

// plain marks the bytes a string copies as they are: printable ASCII
// other than '"', '\\' and the three that encoding/json escapes to keep
// its output safe inside HTML ('<', '>', '&'). DEL (0x7f) is plain there
// too. Every other byte (controls, and the first byte of a multi-byte
// UTF-8 sequence) takes String's slow path.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	t['"'], t['\\'], t['<'], t['>'], t['&'] = false, false, false, false, false
	return t
}()

const hexDigits = "0123456789abcdef"

// ones and tops are a byte's lowest and highest bit in each byte of a
// word (String's scan, 8 bytes at a time).
const ones, tops = 0x0101010101010101, 0x8080808080808080

// String appends s as a JSON string, escaped as encoding/json escapes it
// with HTML escaping on: '"' and '\\' with a backslash; \b, \f, \n, \r
// and \t in short form; the other controls and '<', '>', '&' as \u00XX;
// U+2028 and U+2029 as \u2028 and \u2029 (they end a line in JavaScript);
// each byte of invalid UTF-8 as \ufffd.
func String(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; ; {
		// Skip plain bytes 8 at a time, then one at a time. With ones =
		// 0x0101…01, (v - ones) &^ v has the top bit of some byte set if
		// and only if v has a zero byte (exact for the word; which byte it
		// marks may be wrong past the first, which does not matter here);
		// (x - 0x20*ones) &^ x likewise finds a byte below 0x20, and x's
		// own top bits a byte of 0x80 or more. The five ASCII bytes to
		// escape are the zero bytes of three words: x|0x04 ^ 0x26 ('"'
		// 0x22, '&' 0x26), x|0x02 ^ 0x3e ('<' 0x3c, '>' 0x3e) and x ^ 0x5c
		// ('\\'). Most of an export's text is plain, and scanning it was
		// most of the encoder's time; written out here, not called: the
		// page's engine is built without inlining (scripts/wasm-gcflags).
		for i+8 <= len(s) {
			w := s[i : i+8]
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			q := (x | 0x04*ones) ^ 0x26*ones
			a := (x | 0x02*ones) ^ 0x3e*ones
			e := x ^ 0x5c*ones
			if ((q-ones)&^q|(a-ones)&^a|(e-ones)&^e|(x-0x20*ones)&^x|x)&tops != 0 {
				break
			}
			i += 8
		}
		for i < len(s) && plain[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Hex appends raw as a JSON string of lower-case hex digits, as
// encoding/json writes a trace.Bytes (its MarshalText) and the same form
// as trace.HexString: hex digits need no escaping.
func Hex(b []byte, raw []byte) []byte {
	b = append(b, '"')
	b = hex.AppendEncode(b, raw)
	return append(b, '"')
}

// Strings appends a list of strings: null for a nil slice, as
// encoding/json writes it, [] for an empty one.
func Strings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = String(b, s)
	}
	return append(b, ']')
}

// StringMap appends m as an object with its keys in sorted order, as
// encoding/json writes a map: null for a nil map.
func StringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	var buf [32]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	SortStrings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = String(b, k)
		b = append(b, ':')
		b = String(b, m[k])
	}
	return append(b, '}')
}

// SortStrings sorts a short list of strings (an object's keys) in place,
// by insertion: the page's engine then carries no copy of the slices
// package's generic sort for strings (about 17 KB of wasm) for the few
// keys of a map.
func SortStrings(list []string) {
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j] < list[j-1]; j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

// ListField appends key and then the start of a list: null for a nil
// one, as encoding/json writes it, or its opening bracket. The caller
// appends each element after Next and ends the list with EndList:
//
//	b = jsonenc.ListField(b, `,"steps":`, e.Steps == nil)
//	for i := range e.Steps {
//		b = e.Steps[i].AppendJSON(jsonenc.Next(b, i))
//	}
//	b = jsonenc.EndList(b, e.Steps == nil)
//
// (A generic function taking the element's method made a copy of itself
// per element type, each with a long name, in the page's engine.)
func ListField(b []byte, key string, isNil bool) []byte {
	b = append(b, key...)
	if isNil {
		return append(b, "null"...)
	}
	return append(b, '[')
}

// Next appends the comma before element i of a list (none before the
// first).
func Next(b []byte, i int) []byte {
	if i > 0 {
		return append(b, ',')
	}
	return b
}

// EndList appends the closing bracket of a list ListField started (none
// after null).
func EndList(b []byte, isNil bool) []byte {
	if isNil {
		return b
	}
	return append(b, ']')
}

// The …Field functions append a key (written out with its quotes, colon
// and any comma before it, such as `,"mode":`) and then the value: one
// call per field keeps the encoders' code small in the page's engine,
// where no call is inlined.

// StringField appends key and then s as String does.
func StringField(b []byte, key, s string) []byte { return String(append(b, key...), s) }

// IntField appends key and then n.
func IntField(b []byte, key string, n int) []byte {
	return strconv.AppendInt(append(b, key...), int64(n), 10)
}

// BoolField appends key and then true or false.
func BoolField(b []byte, key string, v bool) []byte {
	return strconv.AppendBool(append(b, key...), v)
}

// StringsField appends key and then list as Strings does.
func StringsField(b []byte, key string, list []string) []byte {
	return Strings(append(b, key...), list)
}

// HexField appends key and then raw as Hex does.
func HexField(b []byte, key string, raw []byte) []byte { return Hex(append(b, key...), raw) }

// FloatField appends key and then f as encoding/json writes a float64:
// the shortest decimal that reads back as f, in exponent form (with no
// leading zero in the exponent) below 1e-6 and from 1e21 on. encoding/json
// refuses NaN and the infinities; FloatField writes null for them.
func FloatField(b []byte, key string, f float64) []byte {
	b = append(b, key...)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-07 -> e-7
		b = b[:n-1]
	}
	return b
}
