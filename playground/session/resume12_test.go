package session

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/kx"
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
	if err := s.client.Start(); err != nil {
		t.Fatal(err)
	}
	s.pump()
	if !s.Established() {
		t.Fatalf("first connection: %+v", s.err)
	}
	return s
}

func messageNames(e *Export) string {
	var out []string
	for _, m := range e.Messages {
		out = append(out, m.From+":"+m.Name)
	}
	return strings.Join(out, " ")
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
				r := second.Resumption12(first)
				wantBy := map[string]string{Resume12ByTicket: "ticket", Resume12BySessionID: "session ID"}[by]
				if !r.Resumed || r.By != wantBy || !r.SameMasterSecret || len(r.Skipped) == 0 || !strings.Contains(r.Note, "exactly as secret as the first") {
					t.Fatalf("resumption: %+v", r)
				}
				if by == Resume12ByTicket && (r.Ticket == "" || r.TicketKeyName == "" || !strings.Contains(r.LeakedTicketKey, "RFC 5077, Section 5.5")) {
					t.Fatalf("ticket resumption: %+v", r)
				}
				if by == Resume12BySessionID && (r.SessionID == "" || r.Ticket != "") {
					t.Fatalf("session-ID resumption: %+v", r)
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

	leak, err := EveTicketKey12(first, second, first.TicketKey12())
	if err != nil {
		t.Fatal(err)
	}
	if len(leak.Connections) != 2 {
		t.Fatalf("connections: %+v", leak)
	}
	got := strings.Join(append(append([]string{}, leak.Connections[0].Plaintexts...), leak.Connections[1].Plaintexts...), "|")
	want := "client: GET /secret|server: the first answer|client: GET /resumed|server: the resumed answer"
	if got != want {
		t.Fatalf("Eve read %q\nwant %q\nproblems %v %v", got, want, leak.Connections[0].Problems, leak.Connections[1].Problems)
	}
	if !strings.Contains(leak.From, "NewSessionTicket") || leak.MasterSecret == "" {
		t.Fatalf("leak: %+v", leak)
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
	if len(wrong.Connections) != 0 || !strings.Contains(wrong.Verdict, "does not open") {
		t.Fatalf("wrong key: %+v", wrong)
	}
}
