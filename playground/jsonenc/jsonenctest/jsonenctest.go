// Package jsonenctest checks an encoder written by hand with package
// jsonenc against encoding/json: Same compares the two on a value, and
// Fill sets every exported field of a value by reflection (strings that
// need escaping, invalid UTF-8, nil and empty lists, maps and pointers,
// zeros), so that a field added to a type and forgotten in its AppendJSON
// fails a test. It is imported by tests only.
package jsonenctest

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/trace"
)

// Appender is a type with an encoder written with jsonenc.
type Appender interface {
	AppendJSON([]byte) []byte
}

// Same fails t unless v's AppendJSON writes exactly what json.Marshal
// writes for v, behind a prefix it must keep.
func Same(t testing.TB, name string, v Appender) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: json.Marshal: %v", name, err)
	}
	const prefix = `{"session":"x",`
	got := v.AppendJSON([]byte(prefix))
	if !bytes.HasPrefix(got, []byte(prefix)) {
		t.Fatalf("%s: AppendJSON overwrote the bytes before it", name)
	}
	got = got[len(prefix):]
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	t.Errorf("%s: AppendJSON and json.Marshal differ at byte %d of %d/%d:\n AppendJSON: …%s\n json:       …%s",
		name, i, len(got), len(want), got[from:min(len(got), i+80)], want[from:min(len(want), i+80)])
}

// Filler sets every exported field of a value.
type Filler struct {
	t    testing.TB
	rnd  *rand.Rand
	full bool // every field non-zero, every pointer set, every list with elements
	n    int  // makes each value distinct
	// depth counts the pointers and lists being filled: a recursive type
	// (a tree of fields) is left nil below maxFill of them.
	depth int
	// Known fills the types that write themselves (a MarshalJSON or a
	// MarshalText) and that the encoder under test knows: any other such
	// type fails the test, since AppendJSON cannot know how it looks.
	known map[reflect.Type]func(f *Filler, v reflect.Value, path string)
}

// NewFiller returns a filler for round n of a test: round 0 fills every
// field with a distinct non-zero value, every list with two elements and
// every pointer; the others draw, field by field, among those, empty
// lists and maps, nil ones and zeros. known fills the types with their
// own MarshalJSON or MarshalText that the encoder under test knows.
func NewFiller(t testing.TB, round int, known map[reflect.Type]func(f *Filler, v reflect.Value, path string)) *Filler {
	return &Filler{t: t, rnd: rand.New(rand.NewPCG(uint64(round), 9)), full: round == 0, known: known}
}

// Fill sets every exported field of *p.
func (f *Filler) Fill(p any, name string) {
	f.fill(reflect.ValueOf(p).Elem(), name)
}

// Shape is what a list, map or pointer holds this time: "full", "empty"
// or "nil".
func (f *Filler) Shape() string { return f.shape() }

// Next returns a number no other value of this filler had.
func (f *Filler) Next() int {
	f.n++
	return f.n
}

// tricky are strings encoding/json escapes: its HTML escapes, controls
// and their short forms, U+2028 and U+2029, invalid UTF-8 (a lone
// continuation byte, a truncated sequence, an encoded surrogate, an
// overlong form), multi-byte characters and DEL.
var tricky = []string{
	"plain", `"quoted" \back\slash/`, "<b>&amp;</b>", "\x00\x01\b\f\n\r\t\x1b\x1f\x7f",
	"é ü 日本 🔒", "line\u2028para\u2029end", "bad \xff\xfe x\x80", "cut \xe2\x80", "\xed\xa0\x80 surrogate", "\xc0\xaf overlong",
}

// maxFill bounds the pointers and lists filled inside one another.
const maxFill = 8

// shape picks what a list, map or pointer holds this time.
func (f *Filler) shape() string {
	if f.full {
		return "full"
	}
	return [...]string{"full", "full", "empty", "nil"}[f.rnd.IntN(4)]
}

func (f *Filler) str() string {
	f.n++
	if !f.full && f.rnd.IntN(5) == 0 {
		return ""
	}
	return fmt.Sprintf("%s#%d", tricky[f.n%len(tricky)], f.n)
}

func (f *Filler) fill(v reflect.Value, path string) {
	t := v.Type()
	if fill := f.known[t]; fill != nil {
		fill(f, v, path)
		return
	}
	// A type with its own MarshalJSON or MarshalText is written by it, not
	// field by field: AppendJSON knows only those in f.known.
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextMarshaler]()) {
		f.t.Fatalf("%s: %s has its own JSON or text form: teach AppendJSON (and this test) about it", path, t)
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(f.str())
	case reflect.Bool:
		v.SetBool(f.full || f.rnd.IntN(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		f.n++
		switch {
		case f.full:
			v.SetInt(int64(f.n))
		case f.rnd.IntN(3) == 0:
			v.SetInt(0)
		default:
			v.SetInt(int64(f.n) * [...]int64{1, -1, 1 << 40}[f.rnd.IntN(3)])
		}
	case reflect.Float64:
		// Both notations encoding/json writes, and the places it switches.
		fl := [...]float64{0, 1.5, -0.001, 1e-7, 1e-6, 123456.789, 1e20, 1e21, 2.5e-300}
		x := fl[f.Next()%len(fl)] * float64(f.n%7+1)
		if x == 0 && f.full {
			x = 2.25
		}
		v.SetFloat(x)
	case reflect.Uint64:
		f.n++
		v.SetUint(uint64(f.n) << 50)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		f.n++
		v.SetUint(uint64(f.n*97) & (1<<t.Bits() - 1))
	case reflect.Pointer:
		if f.shape() == "nil" || f.depth >= maxFill {
			return
		}
		f.depth++
		defer func() { f.depth-- }()
		p := reflect.New(t.Elem())
		f.fill(p.Elem(), path)
		v.Set(p)
	case reflect.Slice:
		if f.depth >= maxFill {
			return
		}
		f.depth++
		defer func() { f.depth-- }()
		switch f.shape() {
		case "nil":
			return
		case "empty":
			v.Set(reflect.MakeSlice(t, 0, 0))
		default:
			n := 1 + f.rnd.IntN(3)
			if f.full {
				n = 2
			}
			s := reflect.MakeSlice(t, n, n)
			for i := range n {
				f.fill(s.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
			v.Set(s)
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.String {
			f.t.Fatalf("%s: a %s: jsonenc writes only maps of strings to strings: teach it (and this test) this one", path, t)
		}
		switch f.shape() {
		case "nil":
			return
		case "empty":
			v.Set(reflect.MakeMap(t))
		default:
			m := reflect.MakeMap(t)
			// Keys in an order other than sorted, some needing escapes.
			for _, k := range []string{"zeta", "Alpha", "<key>", "a", "é", "a\u2028", "b\xff", ""} {
				m.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(f.str()))
			}
			v.Set(m)
		}
	case reflect.Struct:
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue // not in the JSON (Record's wire bytes)
			}
			f.fill(v.Field(i), path+"."+sf.Name)
		}
	default:
		f.t.Fatalf("%s: a %s (%s): teach AppendJSON and this test to write it", path, t, t.Kind())
	}
}

// Known fills the trace's two types that write themselves: a certificate
// (its fields are unexported: set as the page's JSON reads it) and a byte
// string (hex). Tests of the export and of the bridge's responses pass it
// to NewFiller.
var Known = map[reflect.Type]func(f *Filler, v reflect.Value, path string){
	reflect.TypeFor[trace.CertRef](): func(f *Filler, v reflect.Value, path string) {
		var info pki.CertInfo
		f.Fill(&info, path+".info")
		b, err := json.Marshal(info)
		if err == nil {
			err = v.Addr().Interface().(*trace.CertRef).UnmarshalJSON(b)
		}
		if err != nil {
			panic(err)
		}
	},
	reflect.TypeFor[trace.Bytes](): func(f *Filler, v reflect.Value, path string) {
		if s := f.Shape(); s != "nil" {
			b := make([]byte, 0, 8)
			if s == "full" {
				n := f.Next()
				b = append(b, byte(n), 0, 0xff, byte(n>>8))
			}
			v.SetBytes(b)
		}
	},
}
