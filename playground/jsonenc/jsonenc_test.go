package jsonenc

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// strs are strings encoding/json escapes one way or another.
var strs = []string{
	"", "plain", `"q" \b/`, "<a href='x'>&amp;</a>", "\x00\x01\b\f\n\r\t\x0b\x1b\x1f\x7f",
	"é ü 日本 🔒", "\u2028\u2029", "x\u2028", "\xff", "a\xfeb", "cut \xe2\x80", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80",
	"\ufffd", "end\\",
}

// marshal is what encoding/json writes for v.
func marshal(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestString(t *testing.T) {
	for _, s := range strs {
		if got, want := String([]byte("x"), s), append([]byte("x"), marshal(t, s)...); !bytes.Equal(got, want) {
			t.Errorf("String(%q) = %s, json.Marshal writes %s", s, got[1:], want[1:])
		}
	}
}

// TestEveryByte writes every byte value alone and at every place of the
// first 8-byte words of plain text, and after a multi-byte character.
func TestEveryByte(t *testing.T) {
	for c := range 256 {
		list := []string{string([]byte{byte(c)}), "é" + string([]byte{byte(c)}) + "é"}
		for at := range 18 {
			s := []byte("abcdefghijklmnopqrstuvwxyz")
			s[at] = byte(c)
			list = append(list, string(s[:at+1]), string(s))
		}
		for _, s := range list {
			if got, want := String(nil, s), marshal(t, s); !bytes.Equal(got, want) {
				t.Errorf("String(%q) = %s, json.Marshal writes %s", s, got, want)
			}
		}
	}
}

func TestLists(t *testing.T) {
	for _, list := range [][]string{nil, {}, {""}, strs} {
		if got, want := Strings(nil, list), marshal(t, list); !bytes.Equal(got, want) {
			t.Errorf("Strings(%q) = %s, json.Marshal writes %s", list, got, want)
		}
	}
	for _, m := range []map[string]string{nil, {}, {"b": "1", "a": "<", "": "", "é": "\xff", "\u2028": "x", "B": "y"}} {
		if got, want := StringMap(nil, m), marshal(t, m); !bytes.Equal(got, want) {
			t.Errorf("StringMap(%q) = %s, json.Marshal writes %s", m, got, want)
		}
	}
	for _, raw := range [][]byte{nil, {}, {0, 1, 0xab, 0xff}} {
		want := marshal(t, hex.EncodeToString(raw))
		if got := Hex(nil, raw); !bytes.Equal(got, want) {
			t.Errorf("Hex(%x) = %s, want %s", raw, got, want)
		}
	}
	for _, n := range []int{0, 1, -1, 1 << 40, -1 << 62} {
		if got, want := IntField([]byte("{"), `"n":`, n), marshal(t, map[string]int{"n": n}); !bytes.Equal(append(got, '}'), want) {
			t.Errorf("IntField(%d) = %s}, json.Marshal writes %s", n, got, want)
		}
	}
	for _, v := range []bool{false, true} {
		if got, want := BoolField([]byte("{"), `"v":`, v), marshal(t, map[string]bool{"v": v}); !bytes.Equal(append(got, '}'), want) {
			t.Errorf("BoolField(%v) = %s}, json.Marshal writes %s", v, got, want)
		}
	}
	type item struct{ N int }
	for _, list := range [][]item{nil, {}, {{1}, {2}, {3}}} {
		got := ListField([]byte("{"), `"list":`, list == nil)
		for i := range list {
			got = IntField(Next(got, i), `{"N":`, list[i].N)
			got = append(got, '}')
		}
		got = append(EndList(got, list == nil), '}')
		if want := marshal(t, struct {
			List []item `json:"list"`
		}{list}); !bytes.Equal(got, want) {
			t.Errorf("a list of %v: %s, json.Marshal writes %s", list, got, want)
		}
	}
}

func TestFloatField(t *testing.T) {
	fs := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1.5, 123456.789, 1e20, 1e21, 1.5e21, 1e-6, 9.99e-7, 1e-7, 2.5e-300, 5e-324,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1e100, -1e-10, 0.000001234, 12.345e-8}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		fs = append(fs, math.Float64frombits(rnd.Uint64()), rnd.Float64()*math.Pow(10, float64(rnd.IntN(60)-30)))
	}
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		got := append(FloatField([]byte("{"), `"f":`, f), '}')
		if want := marshal(t, map[string]float64{"f": f}); !bytes.Equal(got, want) {
			t.Errorf("FloatField(%v) = %s, json.Marshal writes %s", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := FloatField(nil, "", f); string(got) != "null" {
			t.Errorf("FloatField(%v) = %s, want null", f, got)
		}
	}
}

// FuzzString compares String with json.Marshal on any string (only the
// seeds run in go test).
func FuzzString(f *testing.F) {
	for _, s := range strs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := String(nil, s), marshal(t, s); !bytes.Equal(got, want) {
			t.Errorf("String(%q) = %s, json.Marshal writes %s", s, got, want)
		}
	})
}
