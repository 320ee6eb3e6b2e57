package trace

import (
	"bytes"
	"testing"
)

// TestKeep checks that Keep's copies are copies: the original may be
// erased, and appending to one copy leaves the copy made after it as it
// was, whether both share a chunk or not.
func TestKeep(t *testing.T) {
	if Keep(nil) != nil {
		t.Fatal("Keep(nil) is not nil")
	}
	if e := Keep([]byte{}); e == nil || len(e) != 0 {
		t.Fatalf("Keep of an empty string: %v", e)
	}
	for _, n := range []int{1, 32, keepMax, keepMax + 1, keepChunkSize} {
		secret := bytes.Repeat([]byte{0xaa}, n)
		a := Keep(secret)
		b := Keep(bytes.Repeat([]byte{0xbb}, n))
		clear(secret)
		a = append(a, 0xcc)
		if !bytes.Equal(a[:n], bytes.Repeat([]byte{0xaa}, n)) || a[n] != 0xcc {
			t.Errorf("%d bytes: the copy changed with its original", n)
		}
		if !bytes.Equal(b, bytes.Repeat([]byte{0xbb}, n)) {
			t.Errorf("%d bytes: appending to one copy wrote over the next", n)
		}
	}
}
