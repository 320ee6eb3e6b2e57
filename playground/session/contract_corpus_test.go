package session

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/trace"
)

// corpusNow is the clock of the contract corpus and the golden exports.
var corpusNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixedKeys are the root's and the server's RSA keys of the corpus and the
// golden exports (testdata/golden/keys.pem): RSA key generation is not
// reproducible from a seed (package pki), so these are generated once.
func fixedKeys(t testing.TB) (ca, server *rsa.PrivateKey) {
	t.Helper()
	b, err := os.ReadFile("testdata/golden/keys.pem")
	if err != nil {
		t.Fatal(err)
	}
	var keys []*rsa.PrivateKey
	for {
		var blk *pem.Block
		if blk, b = pem.Decode(b); blk == nil {
			break
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(*rsa.PrivateKey))
	}
	if len(keys) != 2 {
		t.Fatalf("testdata/golden/keys.pem holds %d keys, want 2", len(keys))
	}
	return keys[0], keys[1]
}

var fixedSetups = map[string]*pki.Setup{}

// fixedSetup is a setup for keyType with the fixed keys, at corpusNow, as
// the page makes them: an intermediate, SCTs and a stapled OCSP response.
func fixedSetup(t testing.TB, keyType string) *pki.Setup { return fixedSetupOCSP(t, keyType, true) }

// fixedSetupOCSP is fixedSetup, with or without the OCSP response: the
// golden exports go without, because golang.org/x/crypto/ocsp stamps
// producedAt with the real clock (CreateResponse), so the staple, and every
// secret that hashes it, would change every minute.
func fixedSetupOCSP(t testing.TB, keyType string, ocsp bool) *pki.Setup {
	t.Helper()
	key := fmt.Sprint(keyType, ocsp)
	if s := fixedSetups[key]; s != nil {
		return s
	}
	ca, rsaKey := fixedKeys(t)
	opt := pki.Options{Rand: rng.New([]byte("golden " + keyType)), Now: corpusNow, KeyType: keyType, CAKey: ca, OCSP: ocsp, CT: true, Intermediate: true}
	if keyType == pki.KeyRSA {
		opt.Key = rsaKey
	}
	s, err := pki.NewSetup(opt)
	if err != nil {
		t.Fatal(err)
	}
	fixedSetups[key] = s
	return s
}

// corpusEvents are the events of one run of the corpus, named for failures.
type corpusEvents struct {
	name   string
	events []trace.Event
	err    *ErrorInfo
	nodes  []trace.KSNode
}

// contractCorpus runs every mode and the attacks the page shows, and
// returns what each traced: the input of the trace contract's tests.
func contractCorpus(t *testing.T) []corpusEvents {
	t.Helper()
	base := fixedSetup(t, pki.KeyRSA)
	var out []corpusEvents
	addExport := func(name string, e *Export) {
		var evs []trace.Event
		for _, st := range e.Steps {
			evs = append(evs, st.Events...)
		}
		out = append(out, corpusEvents{name: name, events: evs, err: e.Error, nodes: e.KeySchedule.Nodes})
	}
	run := func(name string, setup *pki.Setup, opt Options, more func(*Session)) *Session {
		if opt.Seed == nil {
			opt.Seed = []byte(name)
		}
		opt.Now = func() time.Time { return corpusNow }
		s, err := New(setup, opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if more != nil {
			more(s)
		}
		addExport(name, s.Export())
		return s
	}
	talk := func(s *Session) {
		if s.Established() {
			s.Send("client", "hello")
			s.Send("server", "hi")
		}
		s.Close()
	}
	keyed := map[string]*pki.Setup{}
	for _, kt := range pki.KeyTypes() {
		keyed[kt] = fixedSetup(t, kt)
	}
	run("classic", base, Options{}, talk)
	run("classic-noems", base, Options{DisableEMS: true}, talk)
	cke, _ := recordOf(t, base, "ClientKeyExchange")
	run("classic-oracle", base, Options{PaddingOracle: true, Deliver: flip(cke, 20)}, nil)
	for _, kt := range pki.KeyTypes() {
		if kt != pki.KeyEd25519 {
			run("ecdhe-"+kt, keyed[kt], Options{Mode: ModeECDHE}, talk)
		}
		run("tls13-"+kt, keyed[kt], Options{Mode: ModeTLS13}, func(s *Session) {
			s.KeyUpdate("client")
			talk(s)
		})
	}
	run("ecdhe-p256", base, Options{Mode: ModeECDHE, Group: "secp256r1"}, talk)
	run("tls13-hrr", base, Options{Mode: ModeTLS13, ServerGroups: []string{"secp256r1"}}, talk)
	run("tls13-x25519", base, Options{Mode: ModeTLS13, Group: "x25519"}, talk)
	run("classic-nosuite", base, Options{ClientSuites: []string{"TLS_RSA_WITH_AES_128_GCM_SHA256"}, ServerSuites: []string{"TLS_RSA_WITH_AES_256_GCM_SHA384"}}, nil)
	for _, mode := range Modes() {
		run(mode+"-tamper-finished", base, Options{Mode: mode, Deliver: flipLast(trace.Client, 7)}, nil)
		for _, kind := range pki.ScenarioKinds() {
			sc, err := pki.NewScenarioSetup(kind, pki.Options{Rand: rng.New([]byte("scenario " + kind)), Now: corpusNow, CAKey: base.CAKey, Key: base.Key})
			if err != nil {
				t.Fatal(err)
			}
			run(mode+"-scenario-"+kind, sc, Options{Mode: mode}, nil)
		}
	}
	// A changed byte here and there in every record of every mode: the
	// failures the tamper lab shows (each check, each alert).
	s0, _ := New(base, Options{Seed: []byte("tamper"), Now: func() time.Time { return corpusNow }})
	ch, _ := hex.DecodeString(s0.Export().Records[0].Hex)
	run("classic-noems-tamper-hello", base, Options{DisableEMS: true, Deliver: flip(0, bytes.Index(ch, []byte(base.ServerName)))}, nil)
	for _, mode := range Modes() {
		for _, opt := range []Options{{Mode: mode}, {Mode: mode, DisableEMS: mode != ModeTLS13}} {
			opt.Seed = []byte("tamper " + mode)
			clean, _ := New(base, Options{Mode: mode, Seed: opt.Seed, DisableEMS: opt.DisableEMS, Now: func() time.Time { return corpusNow }})
			clean.Send("client", "hello")
			for idx, r := range clean.Export().Records {
				n := len(r.Hex) / 2
				for _, pos := range []int{0, 3, 5, 6, 9, 11, 40, 43, n / 2, n - 40, n - 1} {
					if pos < 0 || pos >= n || idx <= 1 && (pos == 1 || pos == 2) {
						continue
					}
					o := opt
					o.Deliver = flip(idx, pos)
					run(fmt.Sprintf("%s-ems%v-tamper-%d-%d", mode, !o.DisableEMS, idx, pos), base, o, func(s *Session) { s.Send("client", "hello") })
				}
			}
		}
	}
	for _, strip := range []bool{false, true} {
		d, err := NewDowngrade(base, strip, Options{Seed: []byte("downgrade"), Now: func() time.Time { return corpusNow }})
		if err != nil {
			t.Fatal(err)
		}
		addExport("downgrade", d.Export())
	}
	for _, trust := range []bool{false, true} {
		mal, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("mallory")), Now: corpusNow, CAKey: base.Key, Key: base.CAKey})
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewMITM(base, mal, trust, Options{Seed: []byte("mitm"), Now: func() time.Time { return corpusNow }})
		if err != nil {
			t.Fatal(err)
		}
		if trust {
			m.Send("client", "Transfer 100")
		}
		me := m.Export()
		addExport("mitm-left", me.Left)
		if me.Right != nil {
			addExport("mitm-right", me.Right)
		}
		out = append(out, corpusEvents{name: "mitm-mallory", events: me.Mallory})
	}
	for _, mode := range resumableModes() {
		for _, ro := range []ResumeOptions{{}, {PSKOnly: true}, {EarlyData: "early"}} {
			if mode != ModeTLS13 && (ro.PSKOnly || ro.EarlyData != "") {
				continue
			}
			first, err := NewResumable(base, Options{Mode: mode, Seed: []byte("resume " + mode), Now: func() time.Time { return corpusNow }})
			if err != nil {
				t.Fatal(err)
			}
			addExport(mode+"-first", first.Export())
			second, err := first.Resume(ro)
			if err != nil {
				t.Fatalf("%s resume: %v", mode, err)
			}
			re, err := second.ResumptionExport()
			if err != nil {
				t.Fatal(err)
			}
			addExport(mode+"-resumed", re.Export)
			if ro.EarlyData != "" {
				if _, err := second.ReplayEarlyData(); err != nil {
					t.Fatal(err)
				}
				addExport(mode+"-replayed", second.Export())
			}
		}
	}
	return out
}

// recordOf returns the index of the first record carrying message name in
// a classic session with setup.
func recordOf(t *testing.T, setup *pki.Setup, name string) (int, *Export) {
	s, err := New(setup, Options{Seed: []byte("record of"), Now: func() time.Time { return corpusNow }})
	if err != nil {
		t.Fatal(err)
	}
	e := s.Export()
	for _, m := range e.Messages {
		if m.Name == name {
			return m.Record, e
		}
	}
	t.Fatalf("no %s in %s", name, messageNames(e))
	return 0, nil
}

// flipLast returns a Deliver hook that flips the last byte of record idx.
func flipLast(from string, idx int) func(string, int, []byte) []byte {
	return func(f string, i int, wire []byte) []byte {
		if i == idx && len(wire) > 0 {
			wire[len(wire)-1] ^= 0x01
		}
		return wire
	}
}

// messageNames lists an export's messages, "client:ClientHello …".
func messageNames(e *Export) string {
	var out []string
	for _, m := range e.Messages {
		out = append(out, m.From+":"+m.Name)
	}
	return strings.Join(out, " ")
}
