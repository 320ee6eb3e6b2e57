package session

import (
	"encoding/json"
	"testing"
	"time"

	"tlsplayground/playground/pki"
)

// goldenMore are sessions beside TestGolden's (RSA, each mode's default
// group) whose exports must not change either: ECDSA, the hybrid group,
// and ECDHE with an ECDSA certificate. They pin the export byte for byte
// through the engine's work on its own speed (issue 9).
var goldenMore = []struct {
	name, mode, group string
	keyType           string
}{
	{"tls13-ecdsa-x25519", ModeTLS13, "x25519", pki.KeyECDSA},
	{"tls13-ecdsa-mlkem", ModeTLS13, "X25519MLKEM768", pki.KeyECDSA},
	{"ecdhe-ecdsa-x25519", ModeECDHE, "x25519", pki.KeyECDSA},
}

// TestGoldenMore compares each export with testdata/golden/<name>.json
// (regenerate with go test ./playground/session -run GoldenMore -update).
func TestGoldenMore(t *testing.T) {
	for _, c := range goldenMore {
		t.Run(c.name, func(t *testing.T) {
			s, err := New(fixedSetupOCSP(t, c.keyType, false), Options{Mode: c.mode, Group: c.group, Seed: []byte("golden " + c.name), Now: func() time.Time { return corpusNow }})
			if err != nil {
				t.Fatal(err)
			}
			if !s.Established() {
				t.Fatalf("%+v", s.Export().Error)
			}
			if _, err := s.Send("client", "GET / HTTP/1.1"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send("server", "HTTP/1.1 200 OK"); err != nil {
				t.Fatal(err)
			}
			s.Close()
			got, err := json.MarshalIndent(s.Export(), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			matchGolden(t, c.name, got)
		})
	}
}
