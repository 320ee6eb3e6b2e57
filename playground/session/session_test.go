package session

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
)

var cached *pki.Setup

func testSetup(t testing.TB) *pki.Setup {
	t.Helper()
	if cached == nil {
		s, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("session tests"))})
		if err != nil {
			t.Fatal(err)
		}
		cached = s
	}
	return cached
}

func TestClassicSession(t *testing.T) {
	s, err := New(testSetup(t), Options{Seed: []byte("fixed")})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Established() {
		t.Fatalf("not established: %+v", s.Export().Error)
	}
	ex, err := s.Send("client", "GET / HTTP/1.1")
	if err != nil || ex.Decrypted != "GET / HTTP/1.1" {
		t.Fatalf("client→server: %v %q", err, ex.Decrypted)
	}
	ex2, err := s.Send("server", "HTTP/1.1 200 OK")
	if err != nil || ex2.Decrypted != "HTTP/1.1 200 OK" {
		t.Fatalf("server→client: %v %q", err, ex2.Decrypted)
	}
	if ex.CiphertextHex == hex.EncodeToString([]byte(ex.Plaintext)) || len(ex.TagHex) != 32 || len(ex.NonceHex) != 24 {
		t.Fatalf("exchange details look wrong: %+v", ex)
	}
	s.Close()
	if _, err := s.Send("client", "late"); err == nil {
		t.Fatal("send after close succeeded")
	}
	e := s.Export()
	if e.Suite != suites.RSAWithAES256GCMSHA384.Name || !e.EMS || !e.Closed || e.Error != nil {
		t.Fatalf("export: suite %q ems %v closed %v err %+v", e.Suite, e.EMS, e.Closed, e.Error)
	}
	if !regexp.MustCompile(`^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$`).MatchString(e.Keylog) ||
		!strings.Contains(e.Keylog, e.Secrets["clientRandom"]) || !strings.Contains(e.Keylog, e.Secrets["masterSecret"]) {
		t.Fatalf("keylog %q", e.Keylog)
	}
	if strings.Trim(e.Secrets["masterSecret"], "0") == "" {
		t.Fatal("export lost the master secret when the keys were discarded")
	}
	// Wire order: CH, SH, Cert, SHD, CKE, CCS, Fin, CCS, Fin, data, data, alert, alert.
	var names []string
	for _, m := range e.Messages {
		names = append(names, m.From[:1]+":"+m.Name)
	}
	want := "c:ClientHello s:ServerHello s:Certificate s:ServerHelloDone c:ClientKeyExchange c:ChangeCipherSpec c:Finished s:ChangeCipherSpec s:Finished c:ApplicationData s:ApplicationData c:Alert s:Alert"
	if strings.Join(names, " ") != want {
		t.Fatalf("messages:\n got %s\nwant %s", strings.Join(names, " "), want)
	}
	if len(e.Records) != len(e.Messages) || !strings.HasPrefix(e.Records[0].Hex, "16030100") {
		t.Fatalf("records: %d, first %.10s", len(e.Records), e.Records[0].Hex)
	}
	for i, st := range e.Steps {
		if st.N != i+1 || len(st.Events) == 0 {
			t.Fatalf("step %d: n=%d, %d events", i+1, st.N, len(st.Events))
		}
	}
	// Both sides derived the same master secret and keys.
	derived := map[string]map[string]string{}
	for _, ev := range append(e.Steps[4].Events, e.Steps[5].Events...) {
		for _, v := range ev.Values {
			if v.Secret {
				if derived[v.Label] == nil {
					derived[v.Label] = map[string]string{}
				}
				derived[v.Label][ev.Actor] = v.Hex()
			}
		}
	}
	for _, label := range []string{"Pre-master secret", "Master secret", "client_write_key", "server_write_key", "client_write_IV", "server_write_IV"} {
		d := derived[label]
		if d["client"] == "" || d["client"] != d["server"] {
			t.Errorf("%s: client %s server %s", label, d["client"], d["server"])
		}
	}
	if _, err := json.Marshal(e); err != nil {
		t.Fatal(err)
	}
}

// TestReplay: the same seed gives the same bytes; another seed, new ones.
func TestReplay(t *testing.T) {
	run := func(seed string) *Export {
		s, err := New(testSetup(t), Options{Seed: []byte(seed)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send("client", "same message"); err != nil {
			t.Fatal(err)
		}
		return s.Export()
	}
	a, b, c := run("one"), run("one"), run("two")
	ja, _ := json.Marshal(a.Records)
	jb, _ := json.Marshal(b.Records)
	jc, _ := json.Marshal(c.Records)
	if !bytes.Equal(ja, jb) {
		t.Fatal("same seed, different records")
	}
	if bytes.Equal(ja, jc) || a.Secrets["clientRandom"] == c.Secrets["clientRandom"] || a.Secrets["masterSecret"] == c.Secrets["masterSecret"] {
		t.Fatal("different seeds, same session")
	}
	last := func(e *Export) string { return e.Records[len(e.Records)-1].Hex }
	if last(a) == last(c) {
		t.Fatal("the same message encrypted identically in two sessions")
	}
}

func TestNoCommonSuite(t *testing.T) {
	s, err := New(testSetup(t), Options{ClientSuites: []string{suites.RSAWithAES128GCMSHA256.Name}, ServerSuites: []string{suites.RSAWithAES256GCMSHA384.Name}})
	if err != nil {
		t.Fatal(err)
	}
	e := s.Export()
	if s.Established() || e.Error == nil || e.Error.Side != "server" || e.Error.Alert != "handshake_failure" {
		t.Fatalf("error = %+v", e.Error)
	}
	if _, err := s.Send("client", "x"); err == nil {
		t.Fatal("send without keys succeeded")
	}
}

func TestBadOptions(t *testing.T) {
	if _, err := New(testSetup(t), Options{ClientSuites: []string{"TLS_NULL_WITH_NULL_NULL"}}); err == nil || !strings.Contains(err.Error(), "TLS_NULL_WITH_NULL_NULL") {
		t.Fatalf("err = %v", err)
	}
	s, _ := New(testSetup(t), Options{})
	if _, err := s.Send("eve", "x"); err == nil || !strings.Contains(err.Error(), `"eve"`) {
		t.Fatalf("err = %v", err)
	}
}
