package session

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"tlsplayground/playground/jsonenc/jsonenctest"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/trace"
)

// sameJSON fails unless v's AppendJSON writes what json.Marshal writes.
func sameJSON(t *testing.T, name string, v jsonenctest.Appender) {
	t.Helper()
	jsonenctest.Same(t, name, v)
}

// TestExportJSONSessions compares AppendJSON with json.Marshal on the
// exports of real sessions: the golden ones at each point of their life,
// every mode with every key type, a HelloRetryRequest, failures (a
// tampered Finished, every certificate scenario), resumption (the first
// connection, the resumed one, 0-RTT replayed), the downgrade and the
// interception.
func TestExportJSONSessions(t *testing.T) {
	now := func() time.Time { return corpusNow }
	base := fixedSetupOCSP(t, pki.KeyRSA, false)
	for _, mode := range Modes() {
		s, err := New(base, Options{Mode: mode, Seed: []byte("golden " + mode), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, mode+" handshake", s.Export())
		s.Send("client", "GET / HTTP/1.1 <&> \u2028 \xff")
		if mode == ModeTLS13 {
			s.KeyUpdate("client")
		}
		s.Send("server", "HTTP/1.1 200 OK")
		sameJSON(t, mode+" talked", s.Export())
		s.Close()
		sameJSON(t, mode+" closed", s.Export())
	}
	for _, c := range goldenMore {
		s, err := New(fixedSetupOCSP(t, c.keyType, false), Options{Mode: c.mode, Group: c.group, Seed: []byte("golden " + c.name), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, c.name, s.Export())
	}
	keyed := map[string]*pki.Setup{}
	for _, kt := range pki.KeyTypes() {
		keyed[kt] = fixedSetup(t, kt) // with a stapled OCSP response
	}
	run := func(name string, setup *pki.Setup, opt Options) *Session {
		t.Helper()
		opt.Seed, opt.Now = []byte(name), now
		s, err := New(setup, opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameJSON(t, name, s.Export())
		return s
	}
	for _, mode := range Modes() {
		for _, kt := range pki.KeyTypes() {
			if mode == ModeTLS13 || kt != pki.KeyEd25519 && (mode != ModeClassic || kt == pki.KeyRSA) {
				run(mode+"-"+kt, keyed[kt], Options{Mode: mode})
			}
		}
		run(mode+"-tamper-finished", base, Options{Mode: mode, Deliver: flipLast(trace.Client, 7)})
		for _, kind := range pki.ScenarioKinds() {
			sc, err := pki.NewScenarioSetup(kind, pki.Options{Rand: rng.New([]byte("scenario " + kind)), Now: corpusNow, CAKey: base.CAKey, Key: base.Key})
			if err != nil {
				t.Fatal(err)
			}
			run(mode+"-scenario-"+kind, sc, Options{Mode: mode})
		}
	}
	run("classic-noems", base, Options{DisableEMS: true})
	run("tls13-hrr", base, Options{Mode: ModeTLS13, ServerGroups: []string{"secp256r1"}})
	run("tls13-mlkem", base, Options{Mode: ModeTLS13, Group: "X25519MLKEM768"})
	run("classic-nosuite", base, Options{ClientSuites: []string{"TLS_RSA_WITH_AES_128_GCM_SHA256"}, ServerSuites: []string{"TLS_RSA_WITH_AES_256_GCM_SHA384"}})
	for _, mode := range resumableModes() {
		for _, ro := range []ResumeOptions{{}, {PSKOnly: true}, {EarlyData: "early"}} {
			if mode != ModeTLS13 && (ro.PSKOnly || ro.EarlyData != "") {
				continue
			}
			name := fmt.Sprintf("%s-resume-%+v", mode, ro)
			first, err := NewResumable(base, Options{Mode: mode, Seed: []byte("resume " + mode), Now: now})
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, name+" first", first.Export())
			second, err := first.Resume(ro)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			re, err := second.ResumptionExport()
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, name+" resumed", re.Export)
			if ro.EarlyData != "" {
				if _, err := second.ReplayEarlyData(); err != nil {
					t.Fatal(err)
				}
				sameJSON(t, name+" replayed", second.Export())
			}
		}
	}
	for _, strip := range []bool{false, true} {
		d, err := NewDowngrade(base, strip, Options{Seed: []byte("downgrade"), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, fmt.Sprintf("downgrade strip=%v", strip), d.Export())
	}
	for _, trust := range []bool{false, true} {
		mal, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("mallory")), Now: corpusNow, CAKey: base.Key, Key: base.CAKey})
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewMITM(base, mal, trust, Options{Seed: []byte("mitm"), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		me := m.Export()
		sameJSON(t, fmt.Sprintf("mitm trust=%v left", trust), me.Left)
		if me.Right != nil {
			sameJSON(t, fmt.Sprintf("mitm trust=%v right", trust), me.Right)
		}
	}
}

// TestExportJSONCorpus compares AppendJSON with json.Marshal on every
// event, error and key-schedule node of the trace contract's corpus: every
// mode and attack the page shows, a changed byte in every record.
func TestExportJSONCorpus(t *testing.T) {
	for _, c := range contractCorpus(t) {
		for i := range c.events {
			sameJSON(t, fmt.Sprintf("%s event %d", c.name, i), &c.events[i])
		}
		for i := range c.nodes {
			sameJSON(t, fmt.Sprintf("%s node %d", c.name, i), &c.nodes[i])
		}
		if c.err != nil {
			sameJSON(t, c.name+" error", c.err)
		}
	}
}

// TestExportJSONGoldenFiles reads each golden export back and writes it
// again both ways (certificates read from JSON, not decoded).
func TestExportJSONGoldenFiles(t *testing.T) {
	for _, path := range goldenExportFiles(t) {
		var e Export
		if err := json.Unmarshal(readFile(t, path), &e); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		sameJSON(t, filepath.Base(path), &e)
	}
}

func goldenExportFiles(t testing.TB) []string {
	paths, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range paths {
		if filepath.Base(p) != "catalogue.json" {
			out = append(out, p)
		}
	}
	if len(out) < 6 {
		t.Fatalf("only %d golden exports in testdata/golden", len(out))
	}
	return out
}

func readFile(t testing.TB, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExportJSONEveryField fills every field of every type the export
// holds, by reflection, and compares AppendJSON with json.Marshal: a field
// added to one of those types and forgotten in its AppendJSON (or written
// under another name, or with another omitempty) fails here. Each round
// draws, field by field, a value that needs escaping, invalid UTF-8, an
// empty or a nil slice, map or pointer, or a zero; one round fills them
// all with a distinct non-zero value.
func TestExportJSONEveryField(t *testing.T) {
	for round := range 200 {
		var e Export
		jsonenctest.NewFiller(t, round, knownJSON).Fill(&e, "Export")
		sameJSON(t, fmt.Sprintf("round %d", round), &e)
		if t.Failed() {
			t.FailNow()
		}
	}
	var zero Export
	sameJSON(t, "the zero export", &zero)
}

// knownJSON fills the trace's types that write themselves.
var knownJSON = jsonenctest.Known

// FuzzExportJSON reads an export from JSON, starting from the golden
// ones, and compares AppendJSON with json.Marshal on it. Only its seeds
// run in go test; go test -fuzz FuzzExportJSON ./playground/session runs
// it for real.
func FuzzExportJSON(f *testing.F) {
	for _, path := range goldenExportFiles(f) {
		f.Add(readFile(f, path))
	}
	f.Add([]byte(`{"error":{"message":"<\u2028\ud800>"},"secrets":{"b":"\u0000","a":"\u00e9"},"steps":[{"rfc":[],"events":[{"values":[{"ok":false,"items":["x"],"hex":"00ff"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Export
		if json.Unmarshal(data, &e) != nil {
			return
		}
		sameJSON(t, "fuzzed", &e)
	})
}

// BenchmarkExportJSON splits what the page's export costs after a
// handshake: the handshake alone, then with Export built, then written by
// json.Marshal (how it was written), or by AppendJSON (how wasm writes it
// now); "describe" is the export and its certificates decoded (which
// either encoder does first, once per certificate). Under cpubench-style
// runs (instructions of 2N runs minus N), subtract one from the next.
func BenchmarkExportJSON(b *testing.B) {
	for _, c := range benchCases {
		for _, phase := range []string{"handshake", "export", "describe", "marshal", "append"} {
			b.Run(c.name+"/"+phase, func(b *testing.B) {
				setup := benchSetup(b, c.keyType)
				size := 0
				for b.Loop() {
					s := engineHandshake(b, setup, c)
					if phase == "handshake" {
						continue
					}
					e := s.Export()
					switch phase {
					case "describe":
						describeCerts(e)
					case "marshal":
						out, err := json.Marshal(e)
						if err != nil {
							b.Fatal(err)
						}
						size = len(out)
					case "append":
						size = len(e.AppendJSON(exportBuffer(size)))
					}
				}
				if size > 0 {
					b.ReportMetric(float64(size), "bytes/export")
				}
			})
		}
	}
}

// BenchmarkExportEncode writes one session's export again and again, by
// json.Marshal and by AppendJSON into a buffer of the last export's size
// (as wasm's exportOf does): the encoders alone, without the handshake's
// noise.
func BenchmarkExportEncode(b *testing.B) {
	for _, c := range benchCases {
		e := engineHandshake(b, benchSetup(b, c.keyType), c).Export()
		b.Run(c.name+"/marshal", func(b *testing.B) {
			for b.Loop() {
				if _, err := json.Marshal(e); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/append", func(b *testing.B) {
			size := 0
			for b.Loop() {
				size = len(e.AppendJSON(exportBuffer(size)))
			}
		})
	}
}

// BenchmarkExportEncodeRatio writes one session's export by json.Marshal
// and by AppendJSON in turns, a batch of each per iteration, and reports
// the median of their times and of the ratio AppendJSON/json.Marshal:
// what load on the machine disturbs least (under Node, where no CPU time
// can be read).
func BenchmarkExportEncodeRatio(b *testing.B) {
	const batch = 5
	for _, c := range benchCases {
		e := engineHandshake(b, benchSetup(b, c.keyType), c).Export()
		b.Run(c.name, func(b *testing.B) {
			size := 0
			marshal := func() {
				for range batch {
					if _, err := json.Marshal(e); err != nil {
						b.Fatal(err)
					}
				}
			}
			appendJSON := func() {
				for range batch {
					size = len(e.AppendJSON(exportBuffer(size)))
				}
			}
			var ratios, ms, as []float64
			inTurns(b, marshal, appendJSON, func(m, a time.Duration) {
				ratios = append(ratios, float64(a)/float64(m))
				ms = append(ms, float64(m.Microseconds())/batch)
				as = append(as, float64(a.Microseconds())/batch)
			})
			for _, l := range [][]float64{ratios, ms, as} {
				slices.Sort(l)
			}
			b.ReportMetric(ratios[len(ratios)/2], "append/marshal")
			b.ReportMetric(ms[len(ms)/2], "µs-marshal")
			b.ReportMetric(as[len(as)/2], "µs-append")
		})
	}
}

// describeCerts decodes the certificates e's events show (CertRef.Info),
// as either encoder does when it writes them.
func describeCerts(e *Export) {
	for _, st := range e.Steps {
		for _, ev := range st.Events {
			for _, v := range ev.Values {
				if v.Cert != nil {
					v.Cert.Info()
				}
			}
		}
	}
}

// exportBuffer is the buffer wasm's exportOf writes an export into: the
// last export's size and a little more (wasm/export_json.go, exportBuffer),
// so that it does not grow when the next export is a few bytes longer.
func exportBuffer(last int) []byte { return make([]byte, 0, last+last/8+1024) }
