package analyze_test

import (
	"bytes"
	"testing"
	. "tlsplayground/playground/analyze"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
)

var cachedSetup *pki.Setup

func testSetup(t testing.TB) *pki.Setup {
	t.Helper()
	if cachedSetup == nil {
		s, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("analyze tests"))})
		if err != nil {
			t.Fatal(err)
		}
		cachedSetup = s
	}
	return cachedSetup
}

// sessionCase is one engine session to analyse.
type sessionCase struct {
	name string
	opt  session.Options
	// then runs after the handshake: messages, KeyUpdate, close.
	then func(t *testing.T, s *session.Session)
}

func talk(t *testing.T, s *session.Session) {
	if _, err := s.Send("client", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send("server", "HTTP/1.1 200 OK\r\n\r\nhello"); err != nil {
		t.Fatal(err)
	}
}

func sessionCases() []sessionCase {
	var cs []sessionCase
	seed := []byte("analyze")
	cs = append(cs, sessionCase{"classic", session.Options{Mode: session.ModeClassic, Seed: seed}, talk})
	for _, suite := range []string{"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384"} {
		cs = append(cs, sessionCase{"classic/" + suite, session.Options{Mode: session.ModeClassic, Seed: seed, ClientSuites: []string{suite}}, talk})
	}
	for _, suite := range []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"} {
		for _, g := range []string{"x25519", "secp256r1"} {
			cs = append(cs, sessionCase{"ecdhe/" + suite + "/" + g, session.Options{Mode: session.ModeECDHE, Seed: seed, Group: g, ClientSuites: []string{suite}}, talk})
		}
	}
	for _, suite := range []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"} {
		for _, g := range []string{"X25519MLKEM768", "x25519", "secp256r1"} {
			cs = append(cs, sessionCase{"tls13/" + suite + "/" + g, session.Options{Mode: session.ModeTLS13, Seed: seed, Group: g, ClientSuites: []string{suite}}, talk})
		}
	}
	cs = append(cs, sessionCase{"tls13/hrr", session.Options{Mode: session.ModeTLS13, Seed: seed, Group: "x25519", ServerGroups: []string{"secp256r1"}}, talk})
	cs = append(cs, sessionCase{"tls13/keyupdate", session.Options{Mode: session.ModeTLS13, Seed: seed}, func(t *testing.T, s *session.Session) {
		talk(t, s)
		if err := s.KeyUpdate("client"); err != nil {
			t.Fatal(err)
		}
		talk(t, s)
		s.Close()
	}})
	cs = append(cs, sessionCase{"classic/close", session.Options{Mode: session.ModeClassic, Seed: seed, DisableEMS: true}, func(t *testing.T, s *session.Session) {
		talk(t, s)
		s.Close()
	}})
	cs = append(cs, sessionCase{"ecdhe/no-common-suite", session.Options{Mode: session.ModeECDHE, Seed: seed,
		ClientSuites: []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, ServerSuites: []string{"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}}, nil})
	return cs
}

// sessionRecords runs a session and returns its records.
func sessionRecords(t *testing.T, c sessionCase) []Record {
	t.Helper()
	s, err := session.New(testSetup(t), c.opt)
	if err != nil {
		t.Fatal(err)
	}
	if c.then != nil {
		c.then(t, s)
	}
	var out []Record
	for _, r := range s.Export().Records {
		out = append(out, Record{FromClient: r.From == "client", Wire: MustHex(t, r.Hex)})
	}
	return out
}

// TestSessionsEveryByte: every record of every mode, suite and group the
// engine runs is covered leaf by leaf, with nothing unknown.
func TestSessionsEveryByte(t *testing.T) {
	seen := map[string]int{}
	for _, c := range sessionCases() {
		t.Run(c.name, func(t *testing.T) {
			recs := sessionRecords(t, c)
			if len(recs) < 2 {
				t.Fatalf("only %d records", len(recs))
			}
			a := New()
			for i, r := range recs {
				tr := a.Record(r)
				what := c.name + " record " + itoa(i)
				CheckTree(t, what, tr.Wire, len(r.Wire), false)
				if got := Leaves(tr.Wire, r.Wire); !bytes.Equal(got, r.Wire) {
					t.Errorf("%s: leaves do not re-encode the record", what)
				}
				KindsSeen(tr.Wire, seen)
				if t.Failed() {
					t.Log(Dump(t, tr))
					t.FailNow()
				}
			}
		})
	}
}

// exportRecords converts an export's records.
func exportRecords(t *testing.T, e *session.Export) []Record {
	var out []Record
	for _, r := range e.Records {
		out = append(out, Record{FromClient: r.From == "client", Wire: MustHex(t, r.Hex)})
	}
	return out
}

// TestAttackSessionsEveryByte: the attack lab's sessions (the downgrade
// with and without Mallory, both of Mallory's connections in the
// man-in-the-middle, the padding oracle) are covered too.
func TestAttackSessionsEveryByte(t *testing.T) {
	check := func(name string, recs []Record) {
		t.Helper()
		if len(recs) == 0 {
			t.Fatalf("%s: no records", name)
		}
		a := New()
		for i, r := range recs {
			tr := a.Record(r)
			CheckTree(t, name+" record "+itoa(i), tr.Wire, len(r.Wire), false)
			if t.Failed() {
				t.Log(Dump(t, tr))
				t.FailNow()
			}
		}
	}
	for _, strip := range []bool{false, true} {
		s, err := session.NewDowngrade(testSetup(t), strip, session.Options{Seed: []byte("downgrade")})
		if err != nil {
			t.Fatal(err)
		}
		check("downgrade", exportRecords(t, s.Export()))
	}
	mallory, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("analyze mallory"))})
	if err != nil {
		t.Fatal(err)
	}
	for _, trust := range []bool{false, true} {
		for _, mode := range []string{session.ModeClassic, session.ModeTLS13} {
			m, err := session.NewMITM(testSetup(t), mallory, trust, session.Options{Mode: mode, Seed: []byte("mitm")})
			if err != nil {
				t.Fatal(err)
			}
			if trust {
				if _, err := m.Send("client", "hello through Mallory"); err != nil {
					t.Fatal(err)
				}
			}
			e := m.Export()
			check("mitm left "+mode, exportRecords(t, e.Left))
			if e.Right != nil {
				check("mitm right "+mode, exportRecords(t, e.Right))
			}
		}
	}
	s, err := session.New(testSetup(t), session.Options{Mode: session.ModeClassic, PaddingOracle: true, Seed: []byte("oracle")})
	if err != nil {
		t.Fatal(err)
	}
	check("padding oracle", exportRecords(t, s.Export()))
}
