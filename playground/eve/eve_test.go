package eve_test

import (
	"strings"
	"testing"

	"tlsplayground/playground/eve"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
)

func recordSession(t *testing.T, s *pki.Setup, opt session.Options) []eve.Record {
	sess, err := session.New(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ from, text string }{{"client", "GET /account HTTP/1.1"}, {"server", "balance: 1,000,000"}} {
		if _, err := sess.Send(m.from, m.text); err != nil {
			t.Fatal(err)
		}
	}
	sess.Close()
	var out []eve.Record
	for _, r := range sess.Export().Records {
		out = append(out, eve.Record{From: r.From, Hex: r.Hex})
	}
	return out
}

func TestEveDecryptsClassic(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("eve"))})
	if err != nil {
		t.Fatal(err)
	}
	for _, ems := range []bool{true, false} {
		recs := recordSession(t, s, session.Options{DisableEMS: !ems})
		res := eve.Decrypt(recs, s.Signer)
		if !res.OK {
			t.Fatalf("ems=%v: %s", ems, res.Verdict)
		}
		var all string
		for _, p := range res.Plaintexts {
			all += p.Text + "\n"
		}
		if !strings.Contains(all, "GET /account HTTP/1.1") || !strings.Contains(all, "balance: 1,000,000") || !strings.Contains(all, "close_notify") {
			t.Fatalf("plaintexts:\n%s", all)
		}
	}
	// Another server's key does not open it.
	other, _ := pki.NewSetup(pki.Options{})
	if res := eve.Decrypt(recordSession(t, s, session.Options{}), other.Signer); res.OK || !strings.Contains(res.Verdict, "another server") {
		t.Fatalf("wrong key: %s", res.Verdict)
	}
}

func TestEveFailsWithForwardSecrecy(t *testing.T) {
	s, _ := pki.NewSetup(pki.Options{Rand: rng.New([]byte("eve"))})
	for _, mode := range []string{session.ModeECDHE, session.ModeTLS13} {
		res := eve.Decrypt(recordSession(t, s, session.Options{Mode: mode}), s.Signer)
		if res.OK || !strings.Contains(res.Verdict, "cannot decrypt") || len(res.Plaintexts) != 0 {
			t.Fatalf("%s: %+v", mode, res)
		}
	}
}
