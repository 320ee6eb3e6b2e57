package analyze_test

import (
	"bytes"
	"testing"
	"time"
	. "tlsplayground/playground/analyze"

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
		CheckTree(t, w, tr.Wire, len(r.Wire), true)
		if tr.Plain != nil {
			CheckTree(t, w+" plaintext", tr.Plain, len(r.Plaintext), true)
		}
		if t.Failed() {
			t.Log(Dump(t, tr))
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
		step := max(1, len(w)/40) // about forty positions per record
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
	SetVersion(a, 0x0304)
	for _, pt := range [][]byte{{}, {0, 0, 0}, {23}, {0xff, 0xee, 21}, {22}, {1, 0, 0, 9, 22}} {
		wire := []byte{23, 3, 3, 0, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}
		tr := a.Record(Record{Wire: wire, Plaintext: pt})
		CheckTree(t, "wire", tr.Wire, len(wire), true)
		if tr.Plain == nil {
			t.Fatalf("no plaintext tree for %x", pt)
		}
		if len(pt) > 0 {
			CheckTree(t, "plaintext", tr.Plain, len(pt), true)
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
			SetVersion(a, 0x0304)
		}
		for _, from := range []bool{true, false} {
			tr := a.Record(Record{FromClient: from, Wire: wire, Plaintext: plain})
			if len(wire) > 0 {
				CheckTree(t, "wire", tr.Wire, len(wire), true)
			}
			if tr.Plain != nil && len(plain) > 0 {
				CheckTree(t, "plaintext", tr.Plain, len(plain), true)
			}
		}
	})
}

// TestLongMessages: a message too long to reassemble, and a long one cut
// into many small records, are analysed in bounded work and still use
// every byte of every record.
func TestLongMessages(t *testing.T) {
	// A ClientHello whose cipher suite list holds 30000 entries: every
	// record reparsed would be quadratic.
	n := 60000
	body := []byte{3, 3}
	body = append(body, make([]byte, 32)...)
	body = append(body, 0, byte(n>>8), byte(n))
	for i := 0; i < n/2; i++ {
		body = append(body, 0x13, 0x01)
	}
	body = append(body, 1, 0)
	ch := append([]byte{1, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
	var recs []Record
	for off := 0; off < len(ch); off += 50 {
		part := ch[off:min(off+50, len(ch))]
		recs = append(recs, Record{FromClient: true, Wire: append([]byte{22, 3, 1, 0, byte(len(part))}, part...)})
	}
	start := time.Now()
	analyseAll(t, "long ClientHello", recs)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("%d records of one message took %v", len(recs), d)
	}
	// The last record completes the message: its fields are all there.
	a := New()
	var last *Tree
	for _, r := range recs {
		last = a.Record(r)
	}
	seen := map[string]int{}
	KindsSeen(last.Wire, seen)
	if seen["client_hello.cipher_suite"] == 0 || seen["handshake.fragment"] != 0 {
		t.Errorf("the last record: %v", seen)
	}
	// A header that claims 16 MiB: not reassembled; the records after it
	// are read afresh.
	huge := []byte{22, 3, 1, 0, 8, 11, 0xff, 0xff, 0xff, 1, 2, 3, 4}
	analyseAll(t, "huge", []Record{{FromClient: false, Wire: huge}, {FromClient: false, Wire: []byte{22, 3, 3, 0, 4, 14, 0, 0, 0}}})
	a = New()
	a.Record(Record{Wire: huge})
	if tr := a.Record(Record{Wire: []byte{22, 3, 3, 0, 4, 14, 0, 0, 0}}); tr.Wire.Children[3].Kind != "handshake.server_hello_done" {
		t.Errorf("after an over-long message: %s", Dump(t, tr))
	}
}
