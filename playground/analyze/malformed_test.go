package analyze

import (
	"bytes"
	"testing"

	"tlsplayground/playground/session"
)

// analyseAll runs recs through a fresh analyzer and checks every tree,
// allowing unknown and malformed fields. It fails (rather than crashes) on
// a panic.
func analyseAll(t *testing.T, what string, recs []Record) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("%s: panic: %v", what, p)
		}
	}()
	a := New()
	for i, r := range recs {
		tr := a.Record(r)
		w := what + " record " + itoa(i)
		checkTree(t, w, tr.Wire, len(r.Wire), true)
		if tr.Plain != nil {
			checkTree(t, w+" plaintext", tr.Plain, len(r.Plaintext), true)
		}
		if t.Failed() {
			t.Log(dump(t, tr))
			t.FailNow()
		}
	}
}

// TestMalformed: records cut short, with a byte changed anywhere, or with
// a length made too long or too short never panic, and every tree still
// covers its bytes once; what does not parse is one "malformed" leaf.
func TestMalformed(t *testing.T) {
	var recs []Record
	for _, mode := range []string{session.ModeClassic, session.ModeECDHE, session.ModeTLS13} {
		rs := sessionRecords(t, sessionCase{name: mode, opt: session.Options{Mode: mode, Seed: []byte("malformed")}})
		recs = append(recs, rs[:min(len(rs), 4)]...)
	}
	for i, r := range recs {
		base := append([]Record(nil), recs[:i]...)
		w := r.Wire
		step := max(1, len(w)/97) // about a hundred positions per record
		for cut := 0; cut < len(w); cut += step {
			analyseAll(t, "cut", append(base, Record{FromClient: r.FromClient, Wire: w[:cut]}))
		}
		for pos := 0; pos < len(w); pos += step {
			for _, x := range []byte{0x00, 0xff, w[pos] ^ 0x01, w[pos] + 1} {
				m := bytes.Clone(w)
				m[pos] = x
				analyseAll(t, "changed", append(base, Record{FromClient: r.FromClient, Wire: m}))
			}
		}
	}
	// Trailing bytes after the last message, and a message longer than the
	// record that never completes.
	ch := recs[0].Wire
	extra := append(bytes.Clone(ch), 0xde, 0xad)
	extra[3], extra[4] = byte((len(extra)-5)>>8), byte(len(extra)-5)
	analyseAll(t, "trailing", []Record{{FromClient: true, Wire: extra}})
	// A plaintext that says nothing useful.
	a := New()
	a.version = 0x0304
	for _, pt := range [][]byte{{}, {0, 0, 0}, {23}, {0xff, 0xee, 21}, {22}, {1, 0, 0, 9, 22}} {
		wire := []byte{23, 3, 3, 0, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}
		tr := a.Record(Record{Wire: wire, Plaintext: pt})
		checkTree(t, "wire", tr.Wire, len(wire), true)
		if tr.Plain == nil {
			t.Fatalf("no plaintext tree for %x", pt)
		}
		if len(pt) > 0 {
			checkTree(t, "plaintext", tr.Plain, len(pt), true)
		}
	}
}

// FuzzRecord: any bytes, as any record of a connection, analyse without a
// panic into trees that use every byte once.
func FuzzRecord(f *testing.F) {
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0}, []byte(nil), false)
	f.Add([]byte{23, 3, 3, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, []byte{2, 0, 0, 1, 22, 0}, true)
	f.Fuzz(func(t *testing.T, wire, plain []byte, tls13 bool) {
		a := New()
		if tls13 {
			a.version = 0x0304
		}
		for _, from := range []bool{true, false} {
			tr := a.Record(Record{FromClient: from, Wire: wire, Plaintext: plain})
			if len(wire) > 0 {
				checkTree(t, "wire", tr.Wire, len(wire), true)
			}
			if tr.Plain != nil && len(plain) > 0 {
				checkTree(t, "plaintext", tr.Plain, len(plain), true)
			}
		}
	})
}
