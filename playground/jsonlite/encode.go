// Package jsonlite reads and writes the JSON of the wasm bridge's requests
// and smaller responses, the subset of encoding/json they use, byte for
// byte as encoding/json writes and reads it, without linking encoding/json
// into the page's engine (issue 9: it was about 30 KB brotli of the core,
// and its per-type encoders are built by reflection on first use anyway).
// The session export and setup's result, written on every session the page
// shows, keep their encoders written by hand with package jsonenc; Append
// uses those (a type's AppendJSON method) wherever it meets one.
//
// What it knows: structs with json tags (a name, "-", omitempty; embedded
// structs without a tag have their fields promoted), strings, booleans,
// integers, float64, pointers, slices ([]byte as base64), maps with string
// keys and interfaces holding any of those (maps and interfaces when
// writing only: no argument of the bridge has one), and the methods AppendJSON, MarshalJSON and MarshalText
// (UnmarshalJSON and UnmarshalText when reading). Anything else (a channel, a float32, a `,string` option) is an
// error that names the type, so that a response type the bridge gains
// fails its test rather than writing other bytes than encoding/json.
// The tests compare both ways against encoding/json over every field of
// every request and response type (jsonenctest.Filler).
package jsonlite

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"tlsplayground/playground/jsonenc"
)

// appender is a type with an encoder written with jsonenc.
type appender interface{ AppendJSON([]byte) []byte }

// marshaler and textMarshaler are encoding/json's Marshaler and
// encoding.TextMarshaler, by their methods.
type marshaler interface{ MarshalJSON() ([]byte, error) }
type textMarshaler interface{ MarshalText() ([]byte, error) }

// Marshal returns v as json.Marshal writes it.
func Marshal(v any) ([]byte, error) {
	return Append(nil, v)
}

// Append appends v as json.Marshal writes it.
func Append(b []byte, v any) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	return appendValue(b, reflect.ValueOf(v), 0)
}

// maxDepth bounds the nesting Append and Unmarshal follow (a cycle of
// pointers, or an argument of ten thousand brackets).
const maxDepth = 200

var (
	appenderType      = reflect.TypeFor[appender]()
	marshalerType     = reflect.TypeFor[marshaler]()
	textMarshalerType = reflect.TypeFor[textMarshaler]()
)

// method returns v, or a pointer to it, as the interface it implements
// (iface), or nil. A value that is not addressable is copied so that a
// method on the pointer can be called, which encoding/json does not do for
// MarshalJSON: the copy is made only for AppendJSON, whose types all have
// pointer methods and write what encoding/json writes for the value.
func method(v reflect.Value, iface reflect.Type) any {
	t := v.Type()
	if t.Implements(iface) {
		if t.Kind() == reflect.Pointer && v.IsNil() {
			return nil
		}
		return v.Interface()
	}
	if t.Kind() == reflect.Pointer || !reflect.PointerTo(t).Implements(iface) {
		return nil
	}
	if v.CanAddr() {
		return v.Addr().Interface()
	}
	if iface != appenderType {
		return nil
	}
	p := reflect.New(t)
	p.Elem().Set(v)
	return p.Interface()
}

// promoted reports whether a struct type t has an AppendJSON only by
// embedding a type that has one: that one writes the embedded value
// alone, while encoding/json writes every field of t.
func promoted(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous && (f.Type.Implements(appenderType) || reflect.PointerTo(f.Type).Implements(appenderType)) {
			return true
		}
	}
	return false
}

func appendValue(b []byte, v reflect.Value, depth int) ([]byte, error) {
	if depth > maxDepth {
		return b, fmt.Errorf("jsonlite: more than %d levels of nesting (a cycle?) at a %s", maxDepth, v.Type())
	}
	if m := method(v, appenderType); m != nil && !promoted(v.Type()) {
		return m.(appender).AppendJSON(b), nil
	}
	if m := method(v, marshalerType); m != nil {
		out, err := m.(marshaler).MarshalJSON()
		if err != nil {
			return b, fmt.Errorf("jsonlite: %s's MarshalJSON: %w", v.Type(), err)
		}
		if !Valid(out) {
			return b, fmt.Errorf("jsonlite: %s's MarshalJSON wrote no single JSON value", v.Type())
		}
		return appendCompact(b, out), nil
	}
	if m := method(v, textMarshalerType); m != nil {
		out, err := m.(textMarshaler).MarshalText()
		if err != nil {
			return b, fmt.Errorf("jsonlite: %s's MarshalText: %w", v.Type(), err)
		}
		return jsonenc.String(b, string(out)), nil
	}
	switch v.Kind() {
	case reflect.String:
		return jsonenc.String(b, v.String()), nil
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case reflect.Float64:
		f := v.Float()
		if f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308 {
			return b, fmt.Errorf("jsonlite: unsupported value: %v (JSON has no NaN or infinity)", f)
		}
		return jsonenc.FloatField(b, "", f), nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return appendValue(b, v.Elem(), depth+1)
	case reflect.Slice:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(v.Type().Elem()).Implements(marshalerType) &&
			!reflect.PointerTo(v.Type().Elem()).Implements(textMarshalerType) {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, v.Bytes())
			return append(b, '"'), nil
		}
		return appendList(b, v, depth)
	case reflect.Array:
		return appendList(b, v, depth)
	case reflect.Map:
		return appendMap(b, v, depth)
	case reflect.Struct:
		return appendStruct(b, v, depth)
	}
	return b, fmt.Errorf("jsonlite: cannot write a %s (a type encoding/json's subset here does not know)", v.Type())
}

func appendList(b []byte, v reflect.Value, depth int) ([]byte, error) {
	b = append(b, '[')
	for i := range v.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendValue(b, v.Index(i), depth+1); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

func appendMap(b []byte, v reflect.Value, depth int) ([]byte, error) {
	if v.Type().Key().Kind() != reflect.String {
		return b, fmt.Errorf("jsonlite: cannot write a %s: map keys must be strings here", v.Type())
	}
	if v.IsNil() {
		return append(b, "null"...), nil
	}
	// The keys in sorted order, as encoding/json writes them: a map of the
	// bridge has a few (session.Export's secrets).
	keys := make([]string, 0, v.Len())
	values := map[string]reflect.Value{}
	for it := v.MapRange(); it.Next(); {
		keys = append(keys, it.Key().String())
		values[it.Key().String()] = it.Value()
	}
	jsonenc.SortStrings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.String(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, values[k], depth+1); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func appendStruct(b []byte, v reflect.Value, depth int) ([]byte, error) {
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return b, err
	}
	b = append(b, '{')
	n := 0
	for _, f := range fields {
		fv, ok := fieldOf(v, f.index)
		if !ok || f.omitEmpty && isEmpty(fv) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = jsonenc.String(b, f.name)
		b = append(b, ':')
		if b, err = appendValue(b, fv, depth+1); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// fieldOf follows an index path through embedded structs; ok is false when
// it passes a nil embedded pointer (encoding/json then leaves the field out).
func fieldOf(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// isEmpty is omitempty's test, as encoding/json's.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// field is one JSON member of a struct type.
type field struct {
	name      string
	index     []int // through embedded structs
	omitEmpty bool
}

// fieldsOf lists t's JSON members in order: exported fields by their tag
// or Go name, the fields of an untagged embedded struct in its place. Two
// names that differ only in case are an error (encoding/json's rules for
// a name given twice are subtle, reading matches names without regard to
// case, and no type of the bridge needs either).
func fieldsOf(t reflect.Type) ([]field, error) {
	var out []field
	if err := addFields(&out, t, nil, 0); err != nil {
		return nil, err
	}
	for i := range out {
		for j := range i {
			if strings.EqualFold(out[i].name, out[j].name) {
				return nil, fmt.Errorf("jsonlite: %s has two fields named %q and %q", t, out[j].name, out[i].name)
			}
		}
	}
	return out, nil
}

func addFields(out *[]field, t reflect.Type, index []int, depth int) error {
	if depth > 8 {
		return fmt.Errorf("jsonlite: %s embeds structs too deeply", t)
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ix := append(slices.Clip(index), i)
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if err := addFields(out, ft, ix, depth+1); err != nil {
					return err
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := field{name: name, index: ix}
		for opts != "" {
			var o string
			o, opts, _ = strings.Cut(opts, ",")
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "":
			default:
				return fmt.Errorf("jsonlite: %s.%s: the json option %q is not known here", t, sf.Name, o)
			}
		}
		*out = append(*out, f)
	}
	return nil
}

// appendCompact appends a valid JSON text without its insignificant
// spaces and with '<', '>', '&', U+2028 and U+2029 in strings escaped, as
// encoding/json does with a MarshalJSON's output.
func appendCompact(b, src []byte) []byte {
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inString && c == '\\':
			b = append(b, c, src[i+1])
			i++
			continue
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			continue
		case inString && (c == '<' || c == '>' || c == '&'):
			b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			continue
		case inString && c == 0xe2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xa8:
			b = append(b, '\\', 'u', '2', '0', '2', "89"[src[i+2]&1])
			i += 2
			continue
		}
		b = append(b, c)
	}
	return b
}
