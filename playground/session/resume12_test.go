//go:build !core

package session

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/eve"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pcap"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

// newResumable12 makes a TLS 1.2 session the way New does, with
// resumption on (resumable12 before the client starts): what New does
// with Options.Resumable.
func newResumable12(t *testing.T, setup *pki.Setup, mode, seed string) *Session {
	t.Helper()
	s := &Session{setup: setup, seed: []byte(seed), rec: &trace.Recorder{}, mode: mode, roots: setup.Roots()}
	list := suites.Classic
	if mode == ModeECDHE {
		list = suites.ECDHE
	}
	s.client12, _ = newClient(clientParams{mode: mode, rand: rng.New([]byte("client " + seed)), now: time.Now, suites: list, group: kx.X25519,
		serverName: setup.ServerName, roots: s.roots, rec: s.rec})
	server := tls12.Server(&tls12.Config{Rand: rng.New([]byte("server " + seed)), Time: time.Now, Suites: list,
		Certificates: setup.Chain, Signer: setup.Signer, Trace: s.rec})
	s.client, s.server = s.client12, server
	if mode == ModeECDHE {
		s.server12 = server
	}
	resumable12(s)
	s.watchDiscard() // as New does
	if err := s.client.Start(); err != nil {
		t.Fatal(err)
	}
	s.pump()
	if !s.Established() {
		t.Fatalf("first connection: %+v", s.err)
	}
	return s
}

var wantSkipped = map[string]string{ModeClassic: "Certificate ServerHelloDone ClientKeyExchange", ModeECDHE: "Certificate ServerKeyExchange ServerHelloDone ClientKeyExchange"}

// keylogMaster is the master secret of a CLIENT_RANDOM key log line.
func keylogMaster(line string) string {
	f := strings.Fields(line)
	if len(f) != 3 {
		return ""
	}
	return f[2]
}

// TestResume12: Session.Resume runs the abbreviated handshake by ticket
// and by session ID, in the classic and ECDHE modes; data flows; the
// resumption object says what was skipped and that the master secret is
// the first's.
func TestResume12(t *testing.T) {
	setup := setupOf(t, pki.KeyRSA)
	for _, mode := range []string{ModeClassic, ModeECDHE} {
		for _, by := range []string{Resume12ByTicket, Resume12BySessionID} {
			t.Run(mode+"/"+by, func(t *testing.T) {
				first := newResumable12(t, setup, mode, "resume12 "+t.Name())
				if names := messageNames(first.Export()); !strings.Contains(names, "server:NewSessionTicket") {
					t.Fatalf("first connection without a ticket: %s", names)
				}
				first.Close()
				var second *Session
				var err error
				if by == Resume12ByTicket {
					second, err = first.Resume(ResumeOptions{})
				} else {
					second, err = resumeTLS12By(first, ResumeOptions{}, by)
				}
				if err != nil {
					t.Fatal(err)
				}
				if !second.Established() {
					t.Fatalf("resumed: %+v", second.err)
				}
				if ex, err := second.Send("client", "GET /again"); err != nil || ex.Decrypted != "GET /again" {
					t.Fatalf("send: %v", err)
				}
				e := second.Export()
				want := "client:ClientHello server:ServerHello server:NewSessionTicket server:ChangeCipherSpec server:Finished client:ChangeCipherSpec client:Finished"
				if got := messageNames(e); !strings.HasPrefix(got, want) {
					t.Fatalf("messages:\n%s\nwant\n%s", got, want)
				}
				if e.KeyShare != nil && e.KeyShare.ClientPublic != "" {
					t.Fatal("a key exchange in the abbreviated handshake")
				}
				re, err := resumptionExport12(second)
				if err != nil {
					t.Fatal(err)
				}
				r := re.Resumption
				wantMode := map[string]string{Resume12ByTicket: ModeResumedTicket, Resume12BySessionID: ModeResumedSessionID}[by]
				if !r.Resumed || r.Mode != wantMode || strings.Join(r.Skipped, " ") != wantSkipped[mode] {
					t.Fatalf("resumption: %+v", r)
				}
				if re.ForwardSecrecy || re.ForwardSecrecyReason != FSTicket12 || !strings.Contains(re.ForwardSecrecyNote, "exactly as secret as the first") || re.RoundTrips != 1 {
					t.Fatalf("export: fs %v %q %q, %d round trips", re.ForwardSecrecy, re.ForwardSecrecyReason, re.ForwardSecrecyNote, re.RoundTrips)
				}
				if r.First.ForwardSecrecy || r.Second.ForwardSecrecy || r.Second.CertificateSent || !r.First.CertificateSent || r.First.RoundTrips != 2 || r.Second.RoundTrips != 1 {
					t.Fatalf("connections: %+v / %+v", r.First, r.Second)
				}
				if len(r.IfTicketKeyLeaks) != 2 || r.IfTicketKeyLeaks[0].Safe || r.IfTicketKeyLeaks[1].Safe || r.TicketKeyHex == "" {
					t.Fatalf("leak items: %+v", r.IfTicketKeyLeaks)
				}
				if (by == Resume12ByTicket) != (r.Ticket != "") {
					t.Fatalf("ticket %q when resuming by %s", r.Ticket, by)
				}
				// The key schedule starts from the resumed master secret.
				seen := map[string]bool{}
				for _, n := range re.KeySchedule.Nodes {
					if n.ID == "pms" || n.ID == "session_hash" || seen[n.ID] {
						t.Fatalf("key schedule node %q in a resumed connection", n.ID)
					}
					for _, p := range n.From {
						if !seen[p] {
							t.Fatalf("node %q comes before its parent %q", n.ID, p)
						}
					}
					seen[n.ID] = true
				}
				if !seen["master"] || !seen["key_block"] {
					t.Fatalf("key schedule: %+v", re.KeySchedule.Nodes)
				}
				// The first connection got a ticket: not forward secret against the ticket key.
				fe := first.Export()
				first.adjust12(fe)
				wantFS := map[string]string{ModeClassic: FSRSAKeyTransport, ModeECDHE: FSTicket12}[mode]
				if fe.ForwardSecrecy || fe.ForwardSecrecyReason != wantFS {
					t.Fatalf("first connection: fs %v %q", fe.ForwardSecrecy, fe.ForwardSecrecyReason)
				}
				// The session's first and second master secrets are one.
				if first.view.secrets == nil || trace.HexString(second.client12.Secrets().Master) != keylogMaster(first.Export().Keylog) {
					t.Fatal("the resumed master secret is not the first's")
				}
			})
		}
	}
}

// TestResume12NothingToResume: a session made without resumption (New's
// default) says why it cannot be resumed; TLS 1.3 features are refused.
func TestResume12NothingToResume(t *testing.T) {
	s, err := New(setupOf(t, pki.KeyRSA), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resume(ResumeOptions{}); err == nil || !strings.Contains(err.Error(), "left nothing to resume") {
		t.Fatalf("resume: %v", err)
	}
	first := newResumable12(t, setupOf(t, pki.KeyRSA), ModeClassic, "nothing")
	if _, err := first.Resume(ResumeOptions{EarlyData: "GET /"}); err == nil || !strings.Contains(err.Error(), "TLS 1.3") {
		t.Fatalf("0-RTT in TLS 1.2: %v", err)
	}
	if _, err := resumeTLS12By(first, ResumeOptions{}, "psk"); err == nil {
		t.Fatal("resume by psk accepted")
	}
}

// TestEveTicketKey12: with the leaked ticket key Eve opens the ticket
// recorded in the first connection and decrypts both connections' data:
// the first one's later data and the resumed one's.
func TestEveTicketKey12(t *testing.T) {
	setup := setupOf(t, pki.KeyRSA)
	first := newResumable12(t, setup, ModeECDHE, "eve ticket")
	for _, m := range [][2]string{{"client", "GET /secret"}, {"server", "the first answer"}} {
		if _, err := first.Send(m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	first.Close()
	second, err := first.Resume(ResumeOptions{})
	if err != nil || !second.Established() {
		t.Fatalf("resume: %v %+v", err, second.err)
	}
	for _, m := range [][2]string{{"client", "GET /resumed"}, {"server", "the resumed answer"}} {
		if _, err := second.Send(m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	second.Close()

	leak, err := eveTicketKey12(second)
	if err != nil {
		t.Fatal(err)
	}
	texts := func(r []eve.Plaintext) string {
		var out []string
		for _, p := range r {
			out = append(out, p.From+": "+p.Text)
		}
		return strings.Join(out, "|")
	}
	if got := texts(leak.First.Plaintexts); got != "client: GET /secret|server: the first answer" || !leak.First.OK {
		t.Fatalf("Eve read of the first connection: %q (%s)", got, leak.First.Verdict)
	}
	if got := texts(leak.Second.Plaintexts); got != "client: GET /resumed|server: the resumed answer" || !leak.Second.OK {
		t.Fatalf("Eve read of the resumed connection: %q (%s)", got, leak.Second.Verdict)
	}
	if leak.First.Leaked != LeakedTicketKey || len(leak.First.Steps) != 2 {
		t.Fatalf("steps: %+v", leak.First.Steps)
	}
	// The ticket in the resumed ClientHello serves as well.
	if tk, from := recordedTicket(second.records, false); tk == nil || !strings.Contains(from, "ClientHello") {
		t.Fatal("no ticket in the resumed ClientHello")
	}

	// Another key opens nothing and reads nothing.
	wrong, err := EveTicketKey12(first, second, bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if wrong.First.OK || wrong.Second.OK || len(wrong.Second.Plaintexts) != 0 || !strings.Contains(wrong.First.Verdict, "does not open") {
		t.Fatalf("wrong key: %+v", wrong.First)
	}
	// A first connection that got no ticket: nothing for the ticket key.
	plain, _ := New(setup, Options{Mode: ModeECDHE})
	none, err := EveTicketKey12(plain, nil, first.TicketKey12())
	if err != nil || none.First.OK || !strings.Contains(none.First.Verdict, "no ticket") {
		t.Fatalf("no ticket: %+v, %v", none.First, err)
	}
}

// TestTsharkDecryptsResumed12: the resumed connection's records, written
// as a capture, decrypt in tshark with its key log line: the new client
// random beside the first connection's master secret.
func TestTsharkDecryptsResumed12(t *testing.T) {
	tshark := tooltest.Need(t, "tshark")
	for _, mode := range []string{ModeClassic, ModeECDHE} {
		first := newResumable12(t, setupOf(t, pki.KeyRSA), mode, "tshark "+mode)
		first.Close()
		second, err := first.Resume(ResumeOptions{})
		if err != nil || !second.Established() {
			t.Fatalf("resume: %v", err)
		}
		up := "GET /resumed HTTP/1.1 from the client"
		if _, err := second.Send("client", up); err != nil {
			t.Fatal(err)
		}
		second.Close()
		e := second.Export()
		if keylogMaster(e.Keylog) != keylogMaster(first.Export().Keylog) {
			t.Fatalf("key logs: %q / %q", e.Keylog, first.Export().Keylog)
		}
		var pkts []pcap.Packet
		for _, r := range e.Records {
			b, _ := hex.DecodeString(r.Hex)
			pkts = append(pkts, pcap.Packet{FromClient: r.From == "client", Payload: b})
		}
		dir := t.TempDir()
		capFile, keylog := filepath.Join(dir, "resumed.pcap"), filepath.Join(dir, "keylog.txt")
		os.WriteFile(capFile, pcap.Write(pkts, time.Unix(1700000000, 0)), 0o644)
		os.WriteFile(keylog, []byte(e.Keylog), 0o644)
		out, err := exec.Command(tshark, "-n", "-r", capFile, "-o", "tls.keylog_file:"+keylog, "-q", "-z", "follow,tls,ascii,0").CombinedOutput()
		if err != nil {
			t.Fatalf("tshark: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), up) {
			t.Fatalf("%s: tshark did not decrypt the resumed connection:\n%s", mode, out)
		}
	}
}

// TestNewResumable: NewResumable makes the session New would make, plus
// the session ID and the ticket, with the same randoms; Resume then works;
// in TLS 1.3 it is New.
func TestNewResumable(t *testing.T) {
	setup := setupOf(t, pki.KeyRSA)
	for _, mode := range []string{ModeClassic, ModeECDHE, ModeTLS13} {
		seed := []byte("new resumable " + mode)
		var delivered int
		opt := Options{Mode: mode, Seed: seed, Deliver: func(from string, i int, w []byte) []byte { delivered++; return w }}
		s, err := NewResumable(setup, opt)
		if err != nil || !s.Established() {
			t.Fatalf("%s: %v", mode, err)
		}
		opt.Deliver = nil
		plain, _ := New(setup, opt)
		e, pe := s.Export(), plain.Export()
		if e.Secrets["clientRandom"] != pe.Secrets["clientRandom"] || e.Secrets["serverRandom"] != pe.Secrets["serverRandom"] || e.Suite != pe.Suite {
			t.Fatalf("%s: not the session New makes: %s/%s", mode, e.Suite, pe.Suite)
		}
		if delivered != len(e.Records) {
			t.Fatalf("%s: Deliver saw %d records, the session has %d", mode, delivered, len(e.Records))
		}
		if mode == ModeTLS13 {
			continue
		}
		if !strings.Contains(messageNames(e), "server:NewSessionTicket") || s.client12.Session().ID == nil {
			t.Fatalf("%s: no ticket or session ID: %s", mode, messageNames(e))
		}
		if _, err := s.Send("client", "first"); err != nil {
			t.Fatal(err)
		}
		r, err := s.Resume(ResumeOptions{})
		if err != nil || !r.client12.Resumed() {
			t.Fatalf("%s: resume: %v", mode, err)
		}
		re, err := resumptionExport12(r)
		if err != nil || !re.Resumption.Resumed {
			t.Fatalf("%s: resumption export: %v", mode, err)
		}
		if _, err := r.Send("client", "second"); err != nil {
			t.Fatal(err)
		}
		if et, err := eveTicketKey12(r); err != nil || !et.First.OK || !et.Second.OK {
			t.Fatalf("%s: Eve: %v", mode, err)
		}
	}
}
