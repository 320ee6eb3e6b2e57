//go:build !core

package main

import (
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// ecdsaAPI is an API with a quick setup (an ECDSA server key).
func ecdsaAPI(t *testing.T) *API {
	t.Helper()
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa","seed":"05"}`, nil); err != nil {
		t.Fatal(err)
	}
	return a
}

// analyzed calls analyze and decodes its answer.
func analyzed(t *testing.T, a *API, arg string) AnalyzeResponse {
	t.Helper()
	out, err := a.Analyze(arg)
	if err != nil {
		t.Fatalf("analyze(%.120s): %v", arg, err)
	}
	var r AnalyzeResponse
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// find returns the first field of kind in f, depth first.
func find(f *analyze.Field, kind string) *analyze.Field {
	if f == nil {
		return nil
	}
	if f.Kind == kind {
		return f
	}
	for _, c := range f.Children {
		if x := find(c, kind); x != nil {
			return x
		}
	}
	return nil
}

// TestAnalyze: every record of a session of each mode comes back as its
// tree, named by kind, covering the record's bytes; the records the key log
// opens carry their plaintext's tree; a TLS 1.2 GCM record names its
// explicit nonce; the records form and the current session agree.
func TestAnalyze(t *testing.T) {
	a := ecdsaAPI(t)
	for _, mode := range []string{"classic", "ecdhe", "tls13"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "classic" {
				if _, err := a.Setup(`{"keyBits":2048,"seed":"05"}`, nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := a.NewSession(`{"mode":"` + mode + `","seed":"0a0b"}`); err != nil {
				t.Fatal(err)
			}
			out, err := a.Send(`{"from":"client","text":"every byte"}`)
			if err != nil {
				t.Fatal(err)
			}
			var ex session.Exchange
			if err := json.Unmarshal([]byte(out), &ex); err != nil {
				t.Fatal(err)
			}
			e := a.sess.Export()
			first := analyzed(t, a, `{"record":0}`)
			if first.Records != len(e.Records) || first.From != "client" || first.WireHex != e.Records[0].Hex || first.Decrypted {
				t.Fatalf("record 0: %d records, from %s, decrypted %v", first.Records, first.From, first.Decrypted)
			}
			if r := find(first.Tree.Wire, "client_hello.random"); r == nil || r.Length != 32 || r.Name == "" || r.RFC == "" {
				t.Fatalf("the ClientHello's random: %+v", r)
			}
			app := analyzed(t, a, `{"record":`+itoa(ex.Record)+`}`)
			if !app.Decrypted || app.Tree.Plain == nil || app.DecryptError != "" {
				t.Fatalf("the application data record: decrypted %v (%s)", app.Decrypted, app.DecryptError)
			}
			if !strings.Contains(app.PlainHex, trace.HexString([]byte("every byte"))) {
				t.Errorf("the plaintext %s does not hold the message", app.PlainHex)
			}
			nonce := find(app.Tree.Wire, "aead.explicit_nonce")
			if (mode != "tls13") != (nonce != nil) {
				t.Errorf("explicit nonce in %s: %+v", mode, nonce)
			}
			if nonce != nil && (nonce.Offset != 5 || nonce.Length != 8 || nonce.Name == "" || nonce.RFC == "") {
				t.Errorf("explicit nonce: %+v", nonce)
			}
			// The same records given by the page, without the key log: the same wire tree, nothing decrypted.
			recs, _ := json.Marshal(e.Records)
			given := analyzed(t, a, `{"source":"records","record":`+itoa(ex.Record)+`,"records":`+string(recs)+`}`)
			if given.Decrypted || given.Tree.Plain != nil {
				t.Errorf("decrypted without a key log")
			}
			w1, _ := json.Marshal(app.Tree.Wire)
			w2, _ := json.Marshal(given.Tree.Wire)
			if string(w1) != string(w2) {
				t.Errorf("the records form gives another wire tree")
			}
			withKeys := analyzed(t, a, `{"source":"records","record":`+itoa(ex.Record)+`,"records":`+string(recs)+`,"keylog":`+quote(e.Keylog)+`}`)
			if !withKeys.Decrypted {
				t.Errorf("the records form with the key log: not decrypted: %s", withKeys.DecryptError)
			}
			if mode != "tls13" {
				return
			}
			// After a KeyUpdate each way, the key log (first traffic secrets only) still opens every record.
			for _, side := range []string{"client", "server"} {
				if _, err := a.KeyUpdate(`{"from":"` + side + `"}`); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := a.Send(`{"from":"server","text":"after two updates"}`); err != nil {
				t.Fatal(err)
			}
			n := len(a.sess.Export().Records)
			for i := ex.Record; i < n; i++ {
				if r := analyzed(t, a, `{"record":`+itoa(i)+`}`); !r.Decrypted {
					t.Errorf("record %d after KeyUpdate: not decrypted: %s", i, r.DecryptError)
				}
			}
			last := analyzed(t, a, `{"record":`+itoa(n-1)+`}`)
			if !strings.Contains(last.PlainHex, trace.HexString([]byte("after two updates"))) {
				t.Errorf("the last record's plaintext: %s", last.PlainHex)
			}
		})
	}
}

// TestAnalyzeBadInput: each wrong argument is refused, saying what is wrong.
func TestAnalyzeBadInput(t *testing.T) {
	a := &API{}
	for _, c := range []struct{ arg, want string }{
		{`{"record":0}`, "analyze: no session: call newSession first"},
		{`{"source":"mitm-left"}`, "analyze: no interception yet: call mitm first"},
		{`{"source":"import"}`, "analyze: no capture imported"},
		{`{"source":"elsewhere"}`, `analyze: source "elsewhere": session, mitm-left, mitm-right, import or records`},
		{`{"records":[]}`, `analyze: records and keylog go with source "records" only`},
		{`{"source":"records","records":[{"from":"client","hex":"zz"}]}`, "analyze: record 0 is not hex"},
		{`{"source":"records","records":[{"from":"eve","hex":"16"}]}`, `analyze: record 0 is from "eve": it must be "client" or "server"`},
		{`{"source":"records","records":[]}`, "analyze: record 0: the connection has 0 records"},
		{`{"record":"1"}`, "analyze: bad argument"},
		{`{"rec":1}`, "unknown field"},
	} {
		if _, err := a.Analyze(c.arg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("analyze(%s) = %v, want %q", c.arg, err, c.want)
		}
	}
	a = ecdsaAPI(t)
	if _, err := a.NewSession(`{"mode":"tls13"}`); err != nil {
		t.Fatal(err)
	}
	n := len(a.sess.Export().Records)
	for _, rec := range []int{-1, n} {
		if _, err := a.Analyze(`{"record":` + itoa(rec) + `}`); err == nil || !strings.Contains(err.Error(), "the connection has "+itoa(n)+" records") {
			t.Errorf("record %d: %v", rec, err)
		}
	}
	// A key log that does not parse: the records are still analysed, and say why they stayed closed.
	recs, _ := json.Marshal(a.sess.Export().Records)
	r := analyzed(t, a, `{"source":"records","record":`+itoa(n-1)+`,"records":`+string(recs)+`,"keylog":"CLIENT_RANDOM zz"}`)
	if r.Decrypted || !strings.Contains(r.DecryptError, "the key log does not parse") {
		t.Errorf("a bad key log: decrypted %v, %q", r.Decrypted, r.DecryptError)
	}
}

// TestAnalyzeCache: the same connection is analysed once; more than
// keptAnalyses connections push out the oldest.
func TestAnalyzeCache(t *testing.T) {
	a := ecdsaAPI(t)
	if _, err := a.NewSession(`{"mode":"tls13","seed":"01"}`); err != nil {
		t.Fatal(err)
	}
	analyzed(t, a, `{"record":0}`)
	analyzed(t, a, `{"record":1}`)
	if n := len(a.wire().analyses); n != 1 {
		t.Fatalf("%d analyses for one session", n)
	}
	for i := range keptAnalyses + 2 {
		if _, err := a.NewSession(`{"mode":"tls13","seed":"` + itoa(10+i) + `"}`); err != nil {
			t.Fatal(err)
		}
		analyzed(t, a, `{"record":0}`)
	}
	if n := len(a.wire().analyses); n != keptAnalyses {
		t.Fatalf("%d analyses kept, want %d", n, keptAnalyses)
	}
}

// TestDescribeCertificates: the chain's certificates as crypto/x509 reads
// them, fingerprints included; what is not a certificate is refused.
func TestDescribeCertificates(t *testing.T) {
	a := ecdsaAPI(t)
	pemText := string(pki.CertPEM(a.setup.Leaf.Raw)) + string(pki.CertPEM(a.setup.CA.Raw))
	out, err := a.DescribeCertificates(`{"pem":` + quote(pemText) + `}`)
	if err != nil {
		t.Fatal(err)
	}
	var certs []pki.CertInfo
	if err := json.Unmarshal([]byte(out), &certs); err != nil || len(certs) != 2 {
		t.Fatalf("%v: %d certificates", err, len(certs))
	}
	sum := sha256.Sum256(a.setup.CA.Raw)
	if certs[1].SHA256 != trace.HexString(sum[:]) || !certs[1].IsCA || certs[0].Subject != "CN=playground.test" {
		t.Errorf("certificates: %+v", certs)
	}
	if out, err := a.DescribeCertificates(`{"pem":"no certificate here"}`); err != nil || out != "[]" {
		t.Errorf("no PEM: %q %v", out, err)
	}
	bad := "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
	if _, err := a.DescribeCertificates(`{"pem":` + quote(bad) + `}`); err == nil || !strings.Contains(err.Error(), "PEM block 1 is not a certificate crypto/x509 can read") {
		t.Errorf("a broken certificate: %v", err)
	}
	if _, err := a.DescribeCertificates(`{"pem":"` + strings.Repeat("A", 1<<20+1) + `"}`); err == nil || !strings.Contains(err.Error(), "the limit is 1048576") {
		t.Errorf("too long: %v", err)
	}
}

// TestBrowserHello: Chromium's bundled hello beside the engine's, fresh or
// the session's own.
func TestBrowserHello(t *testing.T) {
	a := ecdsaAPI(t)
	if _, err := a.BrowserHello(`{"session":true}`); err == nil || !strings.Contains(err.Error(), "browserHello: no session") {
		t.Errorf("session without one: %v", err)
	}
	out, err := a.BrowserHello(`{}`)
	if err != nil || !strings.Contains(out, "Chromium") {
		t.Fatalf("fresh: %v %.200s", err, out)
	}
	if _, err := a.NewSession(`{"mode":"tls13"}`); err != nil {
		t.Fatal(err)
	}
	if out, err = a.BrowserHello(`{"session":true}`); err != nil || !strings.Contains(out, "Chromium") {
		t.Fatalf("the session's: %v %.200s", err, out)
	}
	if _, err := a.BrowserHello(`{"connection":0}`); err == nil || !strings.Contains(err.Error(), "no capture imported") {
		t.Errorf("an import that is not there: %v", err)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestSessionCapture: the session, and Mallory's two connections, as
// pcapng files with their key logs, named by mode and seed.
func TestSessionCapture(t *testing.T) {
	a := ecdsaAPI(t)
	for _, c := range []struct{ arg, want string }{
		{`{}`, "sessionCapture: no session: call newSession first"},
		{`{"source":"mitm"}`, "sessionCapture: no interception yet: call mitm first"},
		{`{"source":"disk"}`, `sessionCapture: source "disk": session or mitm`},
		{`{"source":1}`, "sessionCapture: bad argument"},
	} {
		if _, err := a.SessionCapture(c.arg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("sessionCapture(%s) = %v, want %q", c.arg, err, c.want)
		}
	}
	if _, err := a.NewSession(`{"mode":"tls13","seed":"00112233445566778899aabbccddeeff0011"}`); err != nil {
		t.Fatal(err)
	}
	c, err := a.SessionCapture(`{}`)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.PCAPNG[:4]) != "\x0a\x0d\x0d\x0a" || c.Streams != 1 || c.Name != "tls-playground-tls13-0011223344556677" {
		t.Errorf("capture: % x…, %d streams, %q", c.PCAPNG[:4], c.Streams, c.Name)
	}
	if !strings.Contains(c.Keylog, "CLIENT_TRAFFIC_SECRET_0 ") || !strings.Contains(string(c.PCAPNG), "CLIENT_TRAFFIC_SECRET_0 ") {
		t.Errorf("the key log is not in the capture: %q", c.Keylog)
	}
	if _, err := a.MITM(`{"mode":"ecdhe","trustMallory":true}`); err != nil {
		t.Fatal(err)
	}
	m, err := a.SessionCapture(`{"source":"mitm"}`)
	if err != nil {
		t.Fatal(err)
	}
	if m.Streams != 2 || !strings.HasPrefix(m.Name, "tls-playground-mallory-ecdhe") || strings.Count(m.Keylog, "CLIENT_RANDOM ") != 2 {
		t.Errorf("Mallory's capture: %d streams, %q, key log %q", m.Streams, m.Name, m.Keylog)
	}
}

// capturesDir holds the real captures the team shares (The Illustrated
// TLS 1.2 and TLS 1.3 connections, with their key logs).
const capturesDir = "../../shared/testdata/captures"

func readCapture(t *testing.T, name, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(capturesDir, name, file))
	if err != nil {
		t.Skipf("the shared captures are not here: %v", err)
	}
	return b
}

// TestImportCapture: a real capture with its key log: its connection is
// summarised, every record's tree is there when asked for, every encrypted
// record decrypted; the browser's side of the hello comparison can be its
// ClientHello; a new import replaces the old; bad files say what is wrong.
func TestImportCapture(t *testing.T) {
	a := &API{}
	for _, name := range []string{"illustrated-tls12", "illustrated-tls13"} {
		var calls int
		out, err := a.ImportCapture(`{"name":"capture.pcap"}`, readCapture(t, name, "capture.pcap"), readCapture(t, name, "keylog.txt"), func(done, total int) { calls++ })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var sum struct {
			ImportID    int `json:"importId"`
			Connections []struct {
				Decrypted bool `json:"decrypted"`
				Records   []struct {
					Encrypted bool `json:"encrypted"`
				} `json:"records"`
			} `json:"connections"`
		}
		if err := json.Unmarshal([]byte(out), &sum); err != nil || len(sum.Connections) != 1 || !sum.Connections[0].Decrypted || calls == 0 {
			t.Fatalf("%s: %v, %.300s (progress called %d times)", name, err, out, calls)
		}
		if want := map[string]int{"illustrated-tls12": 1, "illustrated-tls13": 2}[name]; sum.ImportID != want {
			t.Errorf("%s: import id %d, want %d", name, sum.ImportID, want)
		}
		recs := sum.Connections[0].Records
		for i := len(recs) - 1; i >= 0; i-- { // backwards: the analyzer starts over, and must give the same
			r := analyzed(t, a, `{"source":"import","connection":0,"record":`+itoa(i)+`}`)
			if r.Records != len(recs) || r.Tree == nil || r.Tree.Wire == nil || r.Tree.Wire.Length*2 != len(r.WireHex) {
				t.Fatalf("%s record %d: %+v", name, i, r)
			}
			if recs[i].Encrypted && (!r.Decrypted || r.Tree.Plain == nil || r.PlainHex == "") {
				t.Errorf("%s record %d: encrypted, not decrypted: %s", name, i, r.DecryptError)
			}
		}
		if out, err := a.BrowserHello(`{"connection":0}`); err != nil || !strings.Contains(out, "The imported capture") {
			t.Errorf("%s: browserHello with the imported hello: %v %.200s", name, err, out)
		}
	}
	for _, c := range []struct{ arg, want string }{
		{`{"source":"import","connection":1}`, "analyze: connection 1 does not exist: the capture has 1 TLS connections"},
		{`{"source":"import","connection":0,"record":500}`, "analyze: record 500: the connection has"},
	} {
		if _, err := a.Analyze(c.arg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("analyze(%s) = %v, want %q", c.arg, err, c.want)
		}
	}
	if _, err := a.BrowserHello(`{"connection":3}`); err == nil || !strings.Contains(err.Error(), "browserHello: connection 3 does not exist") {
		t.Errorf("browserHello of a connection that is not there: %v", err)
	}
	if _, err := a.ImportCapture(`{"name":"notes.txt"}`, []byte("these are my notes, not a capture"), nil, nil); err == nil || !strings.HasPrefix(err.Error(), "importCapture: notes.txt: ") {
		t.Errorf("not a capture: %v", err)
	}
	if _, err := a.ImportCapture(`{"name":"x"}`, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("an empty file: %v", err)
	}
	if _, err := a.ImportCapture(`{"file":"x"}`, []byte{1}, nil, nil); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("an unknown field: %v", err)
	}
}
