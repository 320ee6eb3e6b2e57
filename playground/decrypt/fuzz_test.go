package decrypt_test

import (
	"encoding/binary"
	"testing"

	"tlsplayground/playground/decrypt"
)

// FuzzParseKeyLog: any text parses or is refused, never panics, and every
// entry kept has the sizes its label promises.
func FuzzParseKeyLog(f *testing.F) {
	f.Add([]byte("CLIENT_RANDOM " + cr + " " + s48 + "\n# c\r\nX_Y 00 01\n"))
	f.Add([]byte("SERVER_TRAFFIC_SECRET_12 " + cr + " " + s32))
	f.Fuzz(func(t *testing.T, b []byte) {
		kl, err := decrypt.ParseKeyLog(b)
		if err != nil {
			return
		}
		for _, e := range kl.Entries {
			if e.Label == decrypt.LabelClientRandom && (len(e.Random) != 32 || len(e.Secret) != 48) {
				t.Fatalf("line %d: CLIENT_RANDOM with %d and %d bytes", e.Line, len(e.Random), len(e.Secret))
			}
		}
	})
}

// FuzzConnection: records changed anyhow, with both captures' key logs,
// are read without a panic, one result per record. The input is records,
// each preceded by a byte whose low bit says it is the client's.
func FuzzConnection(f *testing.F) {
	kl := decrypt.KeyLog{}
	for _, name := range []string{"illustrated-tls12", "illustrated-tls13"} {
		recs, k := capture(f, name)
		kl = kl.Merge(k)
		var seed []byte
		for _, r := range recs {
			dir := byte(0)
			if r.FromClient {
				dir = 1
			}
			seed = append(append(seed, dir), r.Wire...)
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var recs []decrypt.Record
		for len(b) > 0 {
			fromClient := b[0]&1 == 1
			b = b[1:]
			n := len(b)
			if n >= 5 {
				n = min(n, 5+int(binary.BigEndian.Uint16(b[3:])))
			}
			recs = append(recs, decrypt.Record{FromClient: fromClient, Wire: b[:n]})
			b = b[n:]
		}
		res := decrypt.Connection(recs, kl)
		if len(res.Records) != len(recs) {
			t.Fatalf("%d results for %d records", len(res.Records), len(recs))
		}
	})
}
