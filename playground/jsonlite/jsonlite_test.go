package jsonlite_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"tlsplayground/playground/jsonenc/jsonenctest"
	"tlsplayground/playground/jsonlite"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/trace"
)

// inner is embedded in shapes (its fields are promoted, as encoding/json
// promotes them).
type inner struct {
	Promoted string `json:"promoted"`
	Also     int
}

// Shapes holds every kind the package writes and reads.
type shapes struct {
	inner
	S     string        `json:"s"`
	Empty string        `json:"empty,omitempty"`
	B     bool          `json:"b"`
	I     int           `json:"i,omitempty"`
	I64   int64         `json:"i64"`
	U8    uint8         `json:"u8"`
	U16   uint16        `json:"u16"`
	U64   uint64        `json:"u64"`
	F     float64       `json:"f"`
	P     *int          `json:"p"`
	PB    *bool         `json:"pb,omitempty"`
	L     []string      `json:"l"`
	LO    []string      `json:"lo,omitempty"`
	Raw   []byte        `json:"raw"`
	Lists [][]byte      `json:"lists"`
	Sub   *inner        `json:"sub,omitempty"`
	Hex   trace.Bytes   `json:"hex,omitempty"`
	Event *trace.Event  `json:"event"`
	Evs   []trace.Event `json:"evs"`
	Cert  pki.CertInfo  `json:"cert"`
	Skip  string        `json:"-"`
	NoTag string
	quiet string
}

// same fails t unless jsonlite and encoding/json write the same bytes for
// v, and read them back into equal values.
func same(t *testing.T, name string, v any) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: json.Marshal: %v", name, err)
	}
	got, err := jsonlite.Marshal(v)
	if err != nil {
		t.Fatalf("%s: jsonlite.Marshal: %v", name, err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: jsonlite and encoding/json differ at byte %d:\n jsonlite: …%.160s\n json:     …%.160s", name, i, got[max(0, i-40):], want[max(0, i-40):])
	}
	back := reflect.New(reflect.TypeOf(v).Elem())
	jback := reflect.New(reflect.TypeOf(v).Elem())
	if err := jsonlite.Unmarshal(want, back.Interface()); err != nil {
		t.Fatalf("%s: jsonlite.Unmarshal: %v", name, err)
	}
	if err := json.Unmarshal(want, jback.Interface()); err != nil {
		t.Fatalf("%s: json.Unmarshal: %v", name, err)
	}
	if !reflect.DeepEqual(back.Interface(), jback.Interface()) {
		t.Fatalf("%s: read back, jsonlite and encoding/json differ:\n%+v\n%+v", name, back.Elem(), jback.Elem())
	}
}

// TestSameAsEncodingJSON: every field filled by reflection (strings that
// need escaping, invalid UTF-8, nil and empty lists, maps and pointers,
// zeros), written and read both ways.
func TestSameAsEncodingJSON(t *testing.T) {
	for round := range 300 {
		var v shapes
		jsonenctest.NewFiller(t, round, jsonenctest.Known).Fill(&v, "shapes")
		v.quiet = "not written"
		same(t, fmt.Sprintf("round %d", round), &v)
	}
	var zero shapes
	same(t, "zero", &zero)
	same(t, "a list of values", &[]shapes{{}, {S: "<&>"}})
	maps := struct {
		M map[string]string `json:"m"`
		N map[string]int    `json:"n,omitempty"`
		E map[string]int    `json:"e"`
		O map[string]string `json:"o,omitempty"`
	}{M: map[string]string{"zeta": "<&>", "Alpha": "x", "a\u2028": "", "b\xff": "y", "": "e", "é": "é"}, N: map[string]int{"b": 1, "a": 2}, E: map[string]int{}}
	want, _ := json.Marshal(maps)
	if got, err := jsonlite.Marshal(maps); err != nil || !bytes.Equal(got, want) {
		t.Errorf("maps: %s, %v; encoding/json writes %s", got, err, want)
	}
	anyValues := map[string]any{"n": 1.5, "s": "x", "l": []any{true, nil, "y"}, "o": map[string]any{}}
	want, _ = json.Marshal(anyValues)
	if got, err := jsonlite.Marshal(anyValues); err != nil || !bytes.Equal(got, want) {
		t.Errorf("values in an any: %s, %v; encoding/json writes %s", got, err, want)
	}
	for _, f := range []float64{0, 1, -1, 0.1, 1e-7, 1e21, 123456789.125, 5e-324, 1.7976931348623157e308} {
		same(t, fmt.Sprint(f), &f)
	}
}

// TestUnmarshalAsEncodingJSON: texts written by hand (spaces, escapes,
// surrogates, case-insensitive names, null) read as encoding/json reads
// them.
func TestUnmarshalAsEncodingJSON(t *testing.T) {
	for _, text := range []string{
		`{}`, ` { "s" : "a\"b\\c\/d\b\f\n\r\t\u00e9\u2028" } `,
		`{"s":"\ud83d\udd12 \ud800 x \udc00 \ud800\u0041 \ud800\ud800"}`,
		"{\"s\":\"bad \xff utf-8 \xed\xa0\x80\"}",
		`{"S":"upper","PROMOTED":"p","also":3}`,
		`{"p":null,"l":null,"raw":null,"sub":null,"event":null,"s":null,"b":null,"i":null}`,
		`{"p":7,"pb":false,"l":[],"raw":"","sub":{"promoted":"deep"}}`,
		`{"raw":[0,1,2,255]}`, `{"raw":"AAEC/w==","lists":["","AA=="],"u8":255,"u16":65535,"u64":18446744073709551615,"i64":-9223372036854775808}`,
		`{"f":-0,"i":-0}`, `{"f":1E+2}`, `{"f":1.5e-3}`,
		`{"s":"first","s":"second"}`, `{"l":["a"],"l":["b","c"]}`,
		`{"hex":"00ff10"}`, `{"event":{"kind":"k","values":[{"hex":"ab","cert":{"subject":"x"},"ok":true}]}}`,
	} {
		var got, want shapes
		errGot := jsonlite.Unmarshal([]byte(text), &got)
		errWant := json.Unmarshal([]byte(text), &want)
		if errGot != nil || errWant != nil {
			t.Errorf("%s: jsonlite: %v; encoding/json: %v", text, errGot, errWant)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read differently:\n jsonlite %+v\n json     %+v", text, got, want)
		}
	}
}

// TestUnmarshalBadInput: every bad text is refused with an error that says
// where and what, and never panics.
func TestUnmarshalBadInput(t *testing.T) {
	for text, want := range map[string]string{
		``:                            "empty",
		`   `:                         "empty",
		`{`:                           "expected a string, found the end",
		`{"s"`:                        `expected ':'`,
		`{"s":`:                       "expected a value, found the end",
		`{"s":"x"`:                    `expected ',' or '}'`,
		`{"s":"x",}`:                  "expected a string, found '}'",
		`{"s":"x" "b":true}`:          `expected ',' or '}'`,
		`{"nope":1}`:                  `unknown field "nope"`,
		`{"s":1}`:                     "expected a string, found a number",
		`{"b":"true"}`:                "expected true or false, found a string",
		`{"i":1.5}`:                   "1.5 does not fit a int",
		`{"i":1e3}`:                   "does not fit a int",
		`{"u8":256}`:                  "256 does not fit a uint8",
		`{"u16":-1}`:                  "does not fit a uint16",
		`{"i64":9223372036854775808}`: "does not fit a int64",
		`{"f":1e400}`:                 "does not fit a float64",
		`{"f":01}`:                    `expected ',' or '}'`,
		`{"f":-}`:                     "expected a value",
		`{"f":1.}`:                    "expected a digit after '.'",
		`{"f":1e}`:                    "expected a digit in the exponent",
		`{"f":.5}`:                    "expected a value, found '.'",
		`{"f":+1}`:                    "expected a value, found '+'",
		`{"f":NaN}`:                   "expected a value, found 'N'",
		`{"b":tru}`:                   "expected a value, found 't'",
		`{"b":nul}`:                   "expected a value, found 'n'",
		`{"l":"x"}`:                   "expected a list, found a string",
		`{"l":[1]}`:                   "[0]: at byte 6: expected a string, found a number",
		`{"l":["a",]}`:                "expected a value, found ']'",
		`{"l":["a"`:                   `expected ',' or ']'`,
		`{"l":{}}`:                    "expected a list, found an object",
		`{"raw":"***"}`:               "expected a base64 string",
		`{"raw":{}}`:                  "expected a base64 string, found an object",
		`{"hex":"0g"}`:                "invalid byte",
		`{"hex":12}`:                  "expected a string (a trace.Bytes), found a number",
		`{"s":"a` + "\x01" + `"}`:     "a control byte 0x01 in a string",
		`{"s":"\x"}`:                  `an unknown escape \x`,
		`{"s":"\u12"}`:                "four hex digits",
		`{"s":"\u+123"}`:              "four hex digits",
		`{"s":"abc`:                   "a string does not end",
		`{"s":"\`:                     "ends in the middle of an escape",
		`{} {}`:                       "more than one JSON value",
		`{}x`:                         "more than one JSON value",
		`[]`:                          "expected an object, found a list",
		`"x"`:                         "expected an object, found a string",
		`{"event":{"values":[{"cert":{"subject":1}}]}}`: `"event": "values": [0]: "cert": at byte`,
	} {
		var v shapes
		err := jsonlite.Unmarshal([]byte(text), &v)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.60q: %v, want an error with %q", text, err, want)
		}
		if json.Unmarshal([]byte(text), new(shapes)) == nil && !strings.Contains(text, "nope") && text != `{"l":["a"]` {
			t.Errorf("%.60q: encoding/json reads it: jsonlite should too", text)
		}
	}
}

// deep nests lists in lists.
type deep []deep

// TestDeep: nesting beyond maxDepth is refused, not followed.
func TestDeep(t *testing.T) {
	var v deep
	if err := jsonlite.Unmarshal([]byte(strings.Repeat("[", 300)), &v); err == nil || !strings.Contains(err.Error(), "levels of nesting") {
		t.Errorf("300 brackets: %v", err)
	}
	deep := []byte(strings.Repeat("[", 150) + strings.Repeat("]", 150))
	if err := jsonlite.Unmarshal(deep, &v); err != nil {
		t.Errorf("150 levels: %v", err)
	}
	if !jsonlite.Valid(deep) || jsonlite.Valid(deep[1:]) || jsonlite.Valid([]byte("[1,]")) {
		t.Error("Valid")
	}
}

// TestUnmarshalRefusesAny: reading into an interface or a map is not done
// here (no argument of the bridge has one): an error, not a guess.
func TestUnmarshalRefusesAny(t *testing.T) {
	var m map[string]string
	if err := jsonlite.Unmarshal([]byte(`{"a":"b"}`), &m); err == nil || !strings.Contains(err.Error(), "cannot read an object into a map[string]string") {
		t.Errorf("into a map: %v", err)
	}
	var v struct {
		X any `json:"x"`
	}
	if err := jsonlite.Unmarshal([]byte(`{"x":1}`), &v); err == nil || !strings.Contains(err.Error(), `"x": at byte 5: expected interface {}, found a number`) {
		t.Errorf("into an any: %v", err)
	}
}

// TestMarshalRefuses: what the package does not know is an error, not
// other bytes than encoding/json's.
func TestMarshalRefuses(t *testing.T) {
	type twice struct {
		A string `json:"x"`
		B string `json:"X"`
	}
	for name, v := range map[string]any{
		"a channel":  make(chan int),
		"a float32":  float32(1),
		"NaN":        0 * func() float64 { var z float64; return 1 / z }(),
		"an int map": map[int]string{1: "x"},
		"a string field": struct {
			N int `json:"n,string"`
		}{},
		"x and X": twice{},
	} {
		if b, err := jsonlite.Marshal(v); err == nil {
			t.Errorf("%s: wrote %s", name, b)
		}
	}
}

// TestMutations: texts made by changing, removing or inserting bytes of
// valid ones are read by jsonlite exactly when encoding/json (with unknown
// fields refused) reads them, into the same value. (FuzzUnmarshal does the
// same with the fuzzer's inputs.)
func TestMutations(t *testing.T) {
	var v shapes
	jsonenctest.NewFiller(t, 0, jsonenctest.Known).Fill(&v, "shapes")
	seed, err := json.Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(`{}[]":,\ 0123456789.-+eEtrufalsn` + "\x00\x7f\xff\xe2")
	for range 3000 {
		b := bytes.Clone(seed)
		for range 1 + rnd.IntN(3) {
			i := rnd.IntN(len(b))
			switch rnd.IntN(3) {
			case 0:
				b[i] = alphabet[rnd.IntN(len(alphabet))]
			case 1:
				b = append(b[:i], b[i+1:]...)
			default:
				b = append(b[:i], append([]byte{alphabet[rnd.IntN(len(alphabet))]}, b[i:]...)...)
			}
		}
		agree(t, b)
	}
}

// agree fails t unless jsonlite and a strict encoding/json agree on b.
func agree(t *testing.T, b []byte) {
	t.Helper()
	var got, want shapes
	errGot := jsonlite.Unmarshal(b, &got)
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	errWant := d.Decode(&want)
	if errWant == nil && d.InputOffset() < int64(len(bytes.TrimRight(b, " \t\r\n"))) {
		errWant = fmt.Errorf("more than one value")
	}
	switch {
	case (errGot == nil) != (errWant == nil):
		t.Fatalf("%q: jsonlite: %v; encoding/json: %v", b, errGot, errWant)
	case errGot == nil && !reflect.DeepEqual(got, want):
		t.Fatalf("%q: read differently:\n jsonlite %+v\n json     %+v", b, got, want)
	}
}

// FuzzUnmarshal: jsonlite reads what a strict encoding/json reads, into
// the same value, and refuses the rest. Only its seeds run in go test;
// go test -fuzz FuzzUnmarshal ./playground/jsonlite runs it for real.
func FuzzUnmarshal(f *testing.F) {
	var v shapes
	jsonenctest.NewFiller(f, 0, jsonenctest.Known).Fill(&v, "shapes")
	seed, _ := json.Marshal(&v)
	f.Add(seed)
	f.Add([]byte(`{"s":"\ud800\u0041","l":[],"m":{"a":"b"},"f":-1.5e-7}`))
	f.Fuzz(func(t *testing.T, b []byte) { agree(t, b) })
}

// embedsAppender has AppendJSON only through the embedded trace.Event:
// encoding/json writes every field, and so must Append.
type embedsAppender struct {
	*trace.Event
	More string `json:"more"`
}

func TestPromotedAppendJSON(t *testing.T) {
	same(t, "embedded", &embedsAppender{Event: &trace.Event{Kind: "k"}, More: "m"})
	same(t, "embedded nil", &embedsAppender{More: "m"})
}
