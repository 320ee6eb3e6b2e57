package scenario

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"tlsplayground/playground/glossary"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// testNow is the clock of every run: the certificates are minted around it.
var testNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

var (
	keysOnce sync.Once
	keys     *pki.Setup
	keysErr  error
)

// testOptions returns run options with one pair of RSA-2048 keys shared by
// every run, generated once.
func testOptions(t *testing.T, id, mode string) Options {
	t.Helper()
	keysOnce.Do(func() {
		keys, keysErr = pki.NewSetup(pki.Options{Rand: rng.New([]byte("scenario keys")), Now: testNow})
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return Options{Mode: mode, Seed: []byte(id + " " + mode),
		PKI: pki.Options{Rand: rng.New([]byte(id)), Now: testNow, CAKey: keys.CAKey, Key: keys.Key}}
}

// want is, per scenario, written independently of the catalogue: the side
// that refuses, the alert it sends, and the exact error (crypto/x509's,
// apart from the times in the validity errors).
var want = map[string]struct{ side, alert, err string }{
	"valid":                {},
	"expired":              {"client", "bad_certificate", "x509: certificate has expired or is not yet valid: current time 2026-03-14T15:09:26Z is after 2026-03-04T15:09:26Z"},
	"not-yet-valid":        {"client", "bad_certificate", "x509: certificate has expired or is not yet valid: current time 2026-03-14T15:09:26Z is before 2026-03-16T15:09:26Z"},
	"wrong-host":           {"client", "bad_certificate", "x509: certificate is valid for other.test, not playground.test"},
	"self-signed":          {"client", "bad_certificate", "x509: certificate signed by unknown authority"},
	"untrusted-root":       {"client", "bad_certificate", "x509: certificate signed by unknown authority"},
	"missing-intermediate": {"client", "bad_certificate", "x509: certificate signed by unknown authority"},
	"tampered-signature":   {"client", "bad_certificate", `x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "TLS Playground Root CA")`},
	"intermediate-not-ca":  {"client", "bad_certificate", `x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "TLS Playground Intermediate CA")`},
	"no-server-auth":       {"client", "bad_certificate", "x509: certificate specifies an incompatible key usage"},
	"rsa-1024":             {"client", "bad_certificate", `pki: the leaf certificate "CN=playground.test" has an RSA-1024 key: this client refuses RSA keys shorter than 2048 bits, the minimum for public certificates since 2014`},
	"sha1":                 {"client", "bad_certificate", `x509: certificate signed by unknown authority (possibly because of "x509: cannot verify signature: insecure algorithm SHA1-RSA" while trying to verify candidate authority certificate "TLS Playground Root CA")`},
	"no-common-suite":      {"server", "handshake_failure", "tls: no cipher suite in common: the client offers none that the server enables"},
	// Beside the handshake: the client's WebPKI checks refuse what the
	// server would send (the handshake itself completes).
	"revoked":      {"client", "certificate_revoked", `pki: the certificate for "playground.test" was revoked at 2026-03-12T15:09:26Z (keyCompromise), says the OCSP response its issuer signed`},
	"ocsp-expired": {"client", "bad_certificate_status_response", "pki: the stapled OCSP response is out of date: nextUpdate 2026-03-12T15:09:26Z passed 48h0m0s before the client's clock 2026-03-14T15:09:26Z"},
	"no-sct":       {"client", "bad_certificate", `pki: the certificate for "playground.test" is not publicly logged: no SCT: at least 2 valid SCTs from logs of different operators are required`},
}

// TestScenarios runs every scenario in every mode it offers, and checks the
// side that refused, the alert it sent and the exact error.
func TestScenarios(t *testing.T) {
	start := time.Now()
	if len(want) != len(All()) {
		t.Errorf("%d expectations for %d scenarios", len(want), len(All()))
	}
	for _, sc := range All() {
		w, ok := want[sc.ID]
		if !ok {
			t.Errorf("no expectation for %q", sc.ID)
			continue
		}
		if sc.Side != w.side || sc.Alert != w.alert || !strings.Contains(w.err, sc.Error) {
			t.Errorf("%s: the catalogue says side %q, alert %q, error %q; want %q, %q, a substring of %q", sc.ID, sc.Side, sc.Alert, sc.Error, w.side, w.alert, w.err)
		}
		for _, mode := range sc.Modes {
			t.Run(sc.ID+"/"+mode, func(t *testing.T) {
				r, err := sc.Run(testOptions(t, sc.ID, mode))
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				e := r.Session
				if r.ID != sc.ID || r.Mode != mode || e.Mode != mode {
					t.Errorf("result for %q in %q, session in %q", r.ID, r.Mode, e.Mode)
				}
				if w.side == "" {
					if !r.Established || e.Error != nil {
						t.Fatalf("the control failed: %+v", e.Error)
					}
					if !r.Verification.OK || r.Verification.Error != "" || len(r.Chain) != 2 {
						t.Errorf("verification %+v, chain of %d", r.Verification, len(r.Chain))
					}
					if r.Revocation == nil || !r.Revocation.OK || r.Transparency == nil || !r.Transparency.OK {
						t.Errorf("WebPKI checks of the control: revocation %+v, transparency %+v", r.Revocation, r.Transparency)
					}
					return
				}
				if r.Established || e.Error == nil {
					t.Fatal("the handshake completed")
				}
				t.Logf("%s %s: %s", e.Error.Side, e.Error.Alert, e.Error.Message)
				if e.Error.Side != w.side || e.Error.Alert != w.alert {
					t.Errorf("side %q alert %q, want %q %q", e.Error.Side, e.Error.Alert, w.side, w.alert)
				}
				if !strings.Contains(e.Error.Message, w.err) {
					t.Errorf("message\n%s\ndoes not contain\n%s", e.Error.Message, w.err)
				}
				if sc.StoppedBy == byRevocation || sc.StoppedBy == byCT {
					// Past path validation, the client refuses in its
					// WebPKI checks: the stapled OCSP response, the SCTs.
					if want := "tls: the server's certificate passed path validation but not the WebPKI checks: "; !strings.HasPrefix(e.Error.Message, want) {
						t.Errorf("message\n got %s\nwant it to start with %s", e.Error.Message, want)
					}
					checkWebPKI(t, sc, r, w.alert, w.err)
				} else if sc.Category == Certificate {
					// The client refuses in its step 3 with exactly the
					// verdict of pki.Verify on what it received.
					if want := "tls: the server's certificate is not trusted: " + w.err; e.Error.Message != want {
						t.Errorf("message\n got %s\nwant %s", e.Error.Message, want)
					}
					if r.Verification == nil || r.Verification.OK || r.Verification.Error != w.err {
						t.Errorf("verification %+v", r.Verification)
					}
					if !rejectedInStep3(e) {
						t.Error("no \"Rejects the certificate\" event in step 3")
					}
				}
			})
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the scenarios took %v, over the 10 s budget", d)
	}
}

// checkWebPKI checks a WebPKI scenario: the chain verifies, the handshake
// does not complete, and exactly one of the client's WebPKI checks (the
// stapled OCSP response, the SCTs) refuses, with the alert and error wanted.
func checkWebPKI(t *testing.T, sc Scenario, r *Result, alert, err string) {
	t.Helper()
	if r.Established {
		t.Fatal("the handshake completed")
	}
	if r.Verification == nil || !r.Verification.OK {
		t.Fatalf("the chain does not verify: %+v", r.Verification)
	}
	if r.Revocation == nil || r.Transparency == nil {
		t.Fatal("the WebPKI checks did not run")
	}
	refusing := r.Revocation
	other := r.Transparency
	if sc.StoppedBy == byCT {
		refusing, other = other, refusing
	}
	if refusing.OK || refusing.Alert != alert || !strings.HasPrefix(refusing.Error, err) || !strings.Contains(refusing.Error, sc.Error) {
		t.Errorf("refusing check: ok %v alert %q error\n%s\nwant alert %q, error starting\n%s", refusing.OK, refusing.Alert, refusing.Error, alert, err)
	}
	if !other.OK || other.Error != "" {
		t.Errorf("the other WebPKI check fails too: %+v", other)
	}
}

// TestWebPKIJSON: the JSON the page reads for a WebPKI scenario.
func TestWebPKIJSON(t *testing.T) {
	sc, _ := Lookup("revoked")
	r, err := sc.Run(testOptions(t, sc.ID, ""))
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(struct {
		Scenario Scenario `json:"scenario"`
		Result   *Result  `json:"result"`
	}{sc, r})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"established":false`, `"revocation":{"ok":false,"error":"pki: the certificate for`,
		`"alert":"certificate_revoked","checks":[{"name":"OCSP response parses","ok":true`, `"transparency":{"ok":true,"error":"","checks":[{"name":"SCT 1","ok":true`} {
		if !strings.Contains(string(j), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// rejectedInStep3 reports whether the client's trace says it rejected the
// certificate, with the checks, in step 3.
func rejectedInStep3(e *session.Export) bool {
	for _, ev := range e.Steps[2].Events {
		if ev.Actor == trace.Client && ev.Title == "Rejects the certificate" && len(ev.Values) > 1 {
			return true
		}
	}
	return false
}

// TestNoCommonSuiteLists checks that the export shows both lists where the
// server refused: the client's offer and the server's own.
func TestNoCommonSuiteLists(t *testing.T) {
	sc, err := Lookup("no-common-suite")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range sc.Modes {
		r, err := sc.Run(testOptions(t, sc.ID, mode))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.ClientSuites) == 0 || len(r.ServerSuites) == 0 {
			t.Fatalf("%s: lists %q and %q", mode, r.ClientSuites, r.ServerSuites)
		}
		for _, c := range r.ClientSuites {
			if slices.Contains(r.ServerSuites, c) {
				t.Errorf("%s: %s is in both lists", mode, c)
			}
		}
		got := map[string][]string{}
		for _, st := range r.Session.Steps {
			for _, ev := range st.Events {
				if ev.Actor != trace.Server {
					continue
				}
				for _, v := range ev.Values {
					if v.Label == "Client offers" || v.Label == "Server enables" {
						got[v.Label] = v.Items
					}
				}
			}
		}
		if !slices.Equal(got["Client offers"], r.ClientSuites) || !slices.Equal(got["Server enables"], r.ServerSuites) {
			t.Errorf("%s: the server's trace shows %q and %q, want %q and %q", mode, got["Client offers"], got["Server enables"], r.ClientSuites, r.ServerSuites)
		}
		if r.Verification != nil || len(r.Session.Records) != 2 {
			t.Errorf("%s: verification %+v, %d records (want the ClientHello and the alert)", mode, r.Verification, len(r.Session.Records))
		}
	}
}

// TestCatalogue checks what the page relies on: IDs usable in a URL
// fragment, every text present, and the JSON shape.
func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range All() {
		if sc.ID == "" || url.PathEscape(sc.ID) != sc.ID || url.QueryEscape(sc.ID) != sc.ID || strings.ToLower(sc.ID) != sc.ID {
			t.Errorf("ID %q is not URL-safe", sc.ID)
		}
		if seen[sc.ID] {
			t.Errorf("ID %q twice", sc.ID)
		}
		seen[sc.ID] = true
		if sc.Title == "" || sc.Defect == "" || sc.Why == "" || sc.Browser.Chrome == "" || sc.Browser.Firefox == "" || len(sc.Modes) == 0 {
			t.Errorf("%s: a text is missing: %+v", sc.ID, sc)
		}
		if sc.Side != "" && (sc.Alert == "" || sc.Error == "" || sc.StoppedBy == "") {
			t.Errorf("%s: a failure without its alert, error or check", sc.ID)
		}
		if n := strings.Count(sc.Why, ". ") + 1; n > 3 {
			t.Errorf("%s: why has %d sentences, keep it to three", sc.ID, n)
		}
		got, err := Lookup(sc.ID)
		if err != nil || got.ID != sc.ID {
			t.Errorf("Lookup(%q): %v", sc.ID, err)
		}
	}
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "choose valid, expired") {
		t.Errorf("Lookup(nope): %v", err)
	}
	for _, id := range pki.ScenarioKinds() {
		if !seen[id] {
			t.Errorf("certificate scenario %q is not in the catalogue", id)
		}
	}
	if IDs()[0] != "valid" {
		t.Error("the control is not first")
	}

	// The modes: a scenario refuses one it does not run in.
	sc, _ := Lookup("expired")
	if _, err := sc.Run(Options{Mode: "ssl3"}); err == nil {
		t.Error("mode ssl3 was accepted")
	}
	// The JSON the page reads.
	r, err := sc.Run(testOptions(t, sc.ID, ""))
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(struct {
		Scenario Scenario `json:"scenario"`
		Result   *Result  `json:"result"`
	}{sc, r})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"id":"expired"`, `"alert":"bad_certificate"`, `"chrome":"NET::ERR_CERT_DATE_INVALID"`, `"mode":"tls13"`,
		`"verification":{"ok":false,"error":"x509: certificate has expired`, `"trustStore":[{`, `"chain":[{`, `"session":{`} {
		if !strings.Contains(string(j), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// TestAllCopies checks that All hands out copies the caller may change.
func TestAllCopies(t *testing.T) {
	a := All()
	a[0].Modes[0] = "changed"
	a[0].ID = "changed"
	if b := All(); b[0].ID != "valid" || b[0].Modes[0] != session.ModeTLS13 {
		t.Error("All shares its catalogue")
	}
}

// TestUntrustedRootOnceTrusted: adding the chain's own root to the client's
// trust store (Mallory's story) lets the same chain through.
func TestUntrustedRootOnceTrusted(t *testing.T) {
	opt := testOptions(t, "untrusted-root", session.ModeTLS13)
	setup, err := pki.NewScenarioSetup(pki.ScenarioUntrustedRoot, opt.PKI)
	if err != nil {
		t.Fatal(err)
	}
	roots := setup.Roots()
	roots.AddCert(setup.CA)
	s, err := session.New(setup, session.Options{Mode: session.ModeTLS13, ClientRoots: roots, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Established() {
		t.Fatalf("not established: %+v", s.Export().Error)
	}
}

// TestKeyTypes runs the control and one failure with ECDSA and Ed25519
// server keys, in the modes that can use them.
func TestKeyTypes(t *testing.T) {
	for _, kt := range []string{pki.KeyECDSA, pki.KeyEd25519} {
		for _, id := range []string{"valid", "self-signed"} {
			sc, _ := Lookup(id)
			for _, mode := range []string{session.ModeTLS13, session.ModeECDHE} {
				if kt == pki.KeyEd25519 && mode == session.ModeECDHE {
					continue // no ECDHE suite signs with Ed25519 here
				}
				opt := testOptions(t, id, mode)
				opt.PKI.Key, opt.PKI.KeyType = nil, kt
				r, err := sc.Run(opt)
				if err != nil {
					t.Fatalf("%s %s %s: %v", kt, id, mode, err)
				}
				if r.Established != (id == "valid") {
					t.Errorf("%s %s %s: established %v (%+v)", kt, id, mode, r.Established, r.Session.Error)
				}
			}
			if _, err := sc.Run(Options{Mode: session.ModeClassic, PKI: pki.Options{KeyType: kt, CAKey: keys.CAKey}}); err == nil {
				t.Errorf("%s %s: classic mode ran without an RSA key", kt, id)
			}
		}
	}
}

// TestScenariosCite: every scenario names the RFC sections its check rests
// on, written as the page links them.
func TestScenariosCite(t *testing.T) {
	for _, s := range All() {
		if err := glossary.CheckCitations(s.RFC); err != nil {
			t.Errorf("scenario %q: %v", s.ID, err)
		}
	}
}
