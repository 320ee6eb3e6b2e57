package analyze_test

import (
	"bytes"
	"testing"
	. "tlsplayground/playground/analyze"

	"tlsplayground/playground/session"
)

// reframe puts the plaintext handshake bytes of records into new records
// of at most size bytes each (RFC 8446, Section 5.1 allows any split), and
// stops at the first record that is not a plaintext handshake record.
func reframe(recs []Record, size int) []Record {
	var out []Record
	var pending []byte
	var from bool
	flush := func() {
		for len(pending) > 0 {
			n := min(size, len(pending))
			w := []byte{22, 3, 3, byte(n >> 8), byte(n)}
			out = append(out, Record{FromClient: from, Wire: append(w, pending[:n]...)})
			pending = pending[n:]
		}
	}
	for _, r := range recs {
		if r.Wire[0] != 22 {
			break
		}
		if r.FromClient != from {
			flush()
			from = r.FromClient
		}
		pending = append(pending, r.Wire[5:]...)
	}
	flush()
	return out
}

// TestSplitAndCoalesced: handshake messages cut into records of every size
// from 1 byte up, and all in one record: each record's tree stands alone
// and covers its bytes once; cut fields are marked Continued; the fields
// of the messages are the same however they are framed (unless a message
// spans so many records that its middle ones get one leaf each).
func TestSplitAndCoalesced(t *testing.T) {
	for _, mode := range []string{session.ModeClassic, session.ModeECDHE, session.ModeTLS13} {
		recs := sessionRecords(t, sessionCase{name: mode, opt: session.Options{Mode: mode, Seed: []byte("split")}})
		whole := kindCounts(t, recs)
		for _, size := range []int{1, 3, 7, 100, 1000, 1 << 14} {
			framed := reframe(recs, size)
			a := New()
			continued := 0
			for i, r := range framed {
				tr := a.Record(r)
				what := mode + " size " + itoa(size) + " record " + itoa(i)
				CheckTree(t, what, tr.Wire, len(r.Wire), false)
				if !bytes.Equal(Leaves(tr.Wire, r.Wire), r.Wire) {
					t.Fatalf("%s: leaves do not re-encode", what)
				}
				walkFields(tr.Wire, func(f *Field) {
					if f.Continued {
						continued++
					}
				})
				if t.Failed() {
					t.Log(Dump(t, tr))
					t.FailNow()
				}
			}
			if size < 100 && continued == 0 {
				t.Errorf("%s size %d: no field marked continued", mode, size)
			}
			if size >= 1<<14 && continued != 0 && mode != session.ModeTLS13 {
				t.Errorf("%s size %d: %d fields continued in whole flights", mode, size, continued)
			}
			// Every leaf kind of the original framing is found again, as long
			// as no message spans more than maxParses records (then the
			// middle records show one fragment leaf each).
			got := kindCounts(t, framed)
			if size < 100 {
				if got["handshake.fragment"] == 0 && size == 1 {
					t.Errorf("%s size %d: no fragment leaves", mode, size)
				}
				continue
			}
			for k := range whole {
				if k == "record" || k == "record.type" || k == "record.version" || k == "record.length" {
					continue
				}
				if got[k] == 0 {
					t.Errorf("%s size %d: %s is gone", mode, size, k)
				}
			}
		}
	}
}

func walkFields(f *Field, fn func(*Field)) {
	fn(f)
	for _, c := range f.Children {
		walkFields(c, fn)
	}
}

// kindCounts analyses the plaintext handshake records of recs and counts
// the kinds of their fields.
func kindCounts(t *testing.T, recs []Record) map[string]int {
	seen := map[string]int{}
	a := New()
	for _, r := range recs {
		if r.Wire[0] != 22 {
			break
		}
		KindsSeen(a.Record(r).Wire, seen)
	}
	return seen
}
