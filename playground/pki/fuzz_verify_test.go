package pki

import (
	"crypto/x509"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/rng"
)

// encodeChain is a certificate_list as TLS 1.2 sends it in Certificate
// (RFC 5246, Section 7.4.2): each DER certificate with a 3-byte length.
func encodeChain(chain [][]byte) []byte {
	var b cryptobyte.Builder
	for _, der := range chain {
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(der) })
	}
	return b.BytesOrPanic()
}

// decodeChain splits a certificate_list; what does not parse ends it.
func decodeChain(list []byte) [][]byte {
	s := cryptobyte.String(list)
	var out [][]byte
	for !s.Empty() {
		var der cryptobyte.String
		if !s.ReadUint24LengthPrefixed(&der) {
			break
		}
		out = append(out, der)
	}
	return out
}

// FuzzVerify: the chain a server sends, its certificates as the client
// receives them (the certificate_list, testdata/fuzz/FuzzVerify holds the
// chains of two real captures, the f.Add calls the engine's own chain and
// every certificate scenario), checked against the engine's root for a
// fuzzed name and time. Verify never panics, and its verdict and checks
// agree: a refused chain has an error and at least one failing check; an
// accepted one has no error, a path from the leaf to a root in the store,
// and every check passed.
func FuzzVerify(f *testing.F) {
	s, err := NewSetup(Options{Rand: rng.New([]byte("fuzz verify")), Now: testNow})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(encodeChain(s.Chain), s.ServerName, int16(0))
	f.Add(encodeChain(append(s.Chain, s.CA.Raw)), s.ServerName, int16(24*100))
	for _, kind := range ScenarioKinds() {
		sc, err := NewScenarioSetup(kind, Options{Rand: rng.New([]byte("fuzz " + kind)), Now: testNow, CAKey: s.CAKey, Key: s.Key})
		if err != nil {
			f.Fatalf("%s: %v", kind, err)
		}
		f.Add(encodeChain(sc.Chain), sc.ServerName, int16(1))
	}
	roots := x509.NewCertPool()
	roots.AddCert(s.CA)
	f.Fuzz(func(t *testing.T, list []byte, name string, hours int16) {
		chain := decodeChain(list)
		r := Verify(chain, roots, name, testNow.Add(time.Duration(hours)*time.Hour))
		r.Alert()
		failing := 0
		for _, c := range r.Checks {
			if !c.OK {
				failing++
			}
		}
		if r.OK {
			if r.Err != nil || len(r.Chain) < 2 || failing != 0 {
				t.Fatalf("accepted with error %v, path of %d, %d failing checks", r.Err, len(r.Chain), failing)
			}
			if !r.Chain[len(r.Chain)-1].Equal(s.CA) {
				t.Fatal("accepted a path that does not end at the root")
			}
			return
		}
		if r.Err == nil || failing == 0 {
			t.Fatalf("refused with error %v and %d failing checks of %d", r.Err, failing, len(r.Checks))
		}
	})
}
