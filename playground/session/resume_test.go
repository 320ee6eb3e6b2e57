//go:build !core

package session

import (
	"encoding/hex"
	"strings"
	"testing"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/pki"
)

func firstTLS13(t *testing.T) *Session {
	t.Helper()
	s, err := New(setupOf(t, pki.KeyECDSA), Options{Mode: ModeTLS13, Group: "x25519", Seed: []byte("resume")})
	if err != nil || !s.Established() {
		t.Fatalf("first connection: %v %+v", err, s.Export().Error)
	}
	return s
}

func namesOf13(ms []Message) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.From+":"+m.Name)
	}
	return strings.Join(out, " ")
}

// TestResumeTLS13: the second connection resumes with the first's ticket,
// skips the server's Certificate and CertificateVerify, and says what a
// leak of the ticket key exposes.
func TestResumeTLS13(t *testing.T) {
	for _, pskOnly := range []bool{false, true} {
		first := firstTLS13(t)
		r, err := first.Resume(ResumeOptions{PSKOnly: pskOnly})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Established() {
			t.Fatalf("resumed: %+v", r.Export().Error)
		}
		if ex, err := r.Send("client", "GET /account"); err != nil || ex.Decrypted != "GET /account" {
			t.Fatalf("send: %v %+v", err, ex)
		}
		re, err := r.ResumptionExport()
		if err != nil {
			t.Fatal(err)
		}
		res := re.Resumption
		wantMode := map[bool]string{false: "psk_dhe_ke", true: "psk_ke"}[pskOnly]
		if !res.Resumed || res.Mode != wantMode || res.Second.CertificateSent || !res.First.CertificateSent {
			t.Fatalf("resumption: %+v", res)
		}
		if strings.Join(res.Skipped, ",") != "Certificate,CertificateVerify" {
			t.Fatalf("skipped %v (first %s; second %s)", res.Skipped, namesOf13(res.First.Messages), namesOf13(res.Second.Messages))
		}
		if re.ForwardSecrecy == pskOnly || (pskOnly && re.ForwardSecrecyReason != FSPSKOnly) {
			t.Fatalf("psk_ke %v: forward secrecy %v %s", pskOnly, re.ForwardSecrecy, re.ForwardSecrecyReason)
		}
		if !strings.Contains(re.Keylog, "CLIENT_HANDSHAKE_TRAFFIC_SECRET") {
			t.Fatal("no key log")
		}
		// Eve with the leaked ticket key.
		ev, err := r.EveTicketKey()
		if err != nil {
			t.Fatal(err)
		}
		if ev.First.OK {
			t.Fatal("Eve decrypted the first connection")
		}
		var got []string
		for _, p := range ev.Second.Plaintexts {
			got = append(got, p.Text)
		}
		if pskOnly != strings.Contains(strings.Join(got, "|"), "GET /account") || ev.Second.OK != pskOnly {
			t.Fatalf("psk_ke %v: Eve read %q (%s)", pskOnly, got, ev.Second.Verdict)
		}
	}
}

// TestResumeEarlyDataReplay: 0-RTT accepted once; a replay of the
// recorded flight is refused with anti-replay and accepted again without;
// Eve with the ticket key reads the 0-RTT request even with psk_dhe_ke.
func TestResumeEarlyDataReplay(t *testing.T) {
	for _, noAnti := range []bool{false, true} {
		first := firstTLS13(t)
		r, err := first.Resume(ResumeOptions{EarlyData: "POST /transfer amount=100", NoAntiReplay: noAnti})
		if err != nil || !r.Established() {
			t.Fatalf("%v %+v", err, r.Export().Error)
		}
		rep, err := r.ReplayEarlyData()
		if err != nil {
			t.Fatal(err)
		}
		if rep.Accepted != noAnti || !rep.Answered || (noAnti && rep.Data != "POST /transfer amount=100") {
			t.Fatalf("no anti-replay %v: replay %+v", noAnti, rep)
		}
		re, _ := r.ResumptionExport()
		ed := re.Resumption.EarlyData
		if !ed.Accepted || ed.Data != "POST /transfer amount=100" || ed.Replays != 1 || (ed.ReplaysAccepted == 1) != noAnti || re.Resumption.Second.RoundTrips != 0 {
			t.Fatalf("early data: %+v (round trips %d)", ed, re.Resumption.Second.RoundTrips)
		}
		ev, _ := r.EveTicketKey()
		if len(ev.Second.Plaintexts) != 1 || ev.Second.Plaintexts[0].Text != "POST /transfer amount=100" || ev.Second.Plaintexts[0].Type != "0-RTT early data" {
			t.Fatalf("Eve: %+v %s", ev.Second.Plaintexts, ev.Second.Verdict)
		}
	}
}

// TestResumeTLS12Options: psk_ke and 0-RTT are TLS 1.3 only.
func TestResumeTLS12Options(t *testing.T) {
	s, err := New(setupOf(t, pki.KeyECDSA), Options{Mode: ModeECDHE, Seed: []byte("resume")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resume(ResumeOptions{PSKOnly: true}); err == nil || !strings.Contains(err.Error(), "TLS 1.3") {
		t.Fatalf("psk_ke on TLS 1.2: %v", err)
	}
}

// TestResumedKeyLogDecrypts: the resumed connection's key log (with
// CLIENT_EARLY_TRAFFIC_SECRET) opens every record of its recording, the
// 0-RTT request included, as Wireshark would.
func TestResumedKeyLogDecrypts(t *testing.T) {
	first := firstTLS13(t)
	r, err := first.Resume(ResumeOptions{EarlyData: "GET /early"})
	if err != nil || !r.Established() {
		t.Fatalf("%v %+v", err, r.Export().Error)
	}
	r.Send("client", "GET /late")
	e := r.Export()
	if !strings.Contains(e.Keylog, "CLIENT_EARLY_TRAFFIC_SECRET ") {
		t.Fatalf("key log:\n%s", e.Keylog)
	}
	kl, err := decrypt.ParseKeyLog([]byte(e.Keylog))
	if err != nil {
		t.Fatal(err)
	}
	var recs []decrypt.Record
	for _, rec := range e.Records {
		b, _ := hex.DecodeString(rec.Hex)
		recs = append(recs, decrypt.Record{FromClient: rec.From == "client", Wire: b})
	}
	res := decrypt.Connection(recs, kl)
	var got []string
	for i, rr := range res.Records {
		if rr.Encrypted && rr.Err != "" {
			t.Errorf("record %d (%s) not decrypted: %s", i, e.Messages[i].Name, rr.Err)
		}
		if rr.ContentType == 23 {
			got = append(got, string(rr.Content))
		}
	}
	if strings.Join(got, "|") != "GET /early|GET /late" || !res.EarlyAccepted {
		t.Fatalf("application data %q, early accepted %v, problems %v", got, res.EarlyAccepted, res.Problems)
	}
}
