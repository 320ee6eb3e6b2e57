//go:build !core

package tls13_test

import (
	"context"
	"crypto/tls"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// TestResumeInteropStdClient: crypto/tls's client keeps the engine
// server's ticket in its ClientSessionCache and resumes with it.
func TestResumeInteropStdClient(t *testing.T) {
	s := setup(t, "ecdsa")
	std := stdConfig(s)
	std.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	for i, want := range []bool{false, true} {
		cfg := serverConfig(t, s)
		cfg.TicketKey = ticketKey
		cfg.Trace = &trace.Recorder{}
		srv := runAgainstStdClient(t, cfg, std)
		if resumed, dhe := srv.ResumedWithPSK(); resumed != want || (resumed && !dhe) {
			t.Fatalf("connection %d: engine server resumed %v (psk_dhe_ke %v), want %v", i+1, resumed, dhe, want)
		}
		if want && hasEvent(cfg.Trace, "Sends its Certificate") {
			t.Fatal("the resumed connection sent a Certificate")
		}
	}
}

// TestResumeInteropStdServer: the engine client resumes against a
// crypto/tls server with the ticket it sent (psk_dhe_ke; crypto/tls
// accepts no psk_ke and answers that with a full handshake).
func TestResumeInteropStdServer(t *testing.T) {
	s := setup(t, "ecdsa")
	std := stdConfig(s)
	std.SessionTicketKey = [32]byte{1, 2, 3}
	cfg := clientConfig(t, s)
	cfg.AcceptTickets = true
	first := runAgainstStdServer(t, cfg, std, false)
	if len(first.Tickets()) == 0 {
		t.Fatal("no ticket from crypto/tls")
	}
	for _, pskOnly := range []bool{false, true} {
		cfg := clientConfig(t, s)
		cfg.Resume, cfg.PSKOnly = first.Tickets()[0], pskOnly
		c := runAgainstStdServer(t, cfg, std, false)
		if resumed, _ := c.ResumedWithPSK(); resumed == pskOnly {
			t.Fatalf("psk_ke %v: resumed %v", pskOnly, resumed)
		}
	}
}

// TestResumeInteropOpenSSLClient: `openssl s_client -sess_out`, then
// `-sess_in` with and without `-early_data`, against the engine server.
func TestResumeInteropOpenSSLClient(t *testing.T) {
	s := setup(t, "ecdsa")
	dir := t.TempDir()
	sess, early := filepath.Join(dir, "sess.pem"), filepath.Join(dir, "early.txt")
	os.WriteFile(early, []byte("GET /early\n"), 0o600)
	cache := tls13.NewReplayCache()
	run := func(args ...string) *tls13.Conn {
		cfg := serverConfig(t, s)
		cfg.TicketKey, cfg.MaxEarlyData, cfg.AntiReplay = ticketKey, 16384, cache
		srv := tls13.Server(cfg)
		interop.OpenSSLClientVsServer(t, s, srv, append([]string{"-tls1_3"}, args...)...)
		return srv
	}
	first := run("-sess_out", sess)
	if r, _ := first.ResumedWithPSK(); r {
		t.Fatal("the first connection resumed")
	}
	second := run("-sess_in", sess)
	if r, dhe := second.ResumedWithPSK(); !r || !dhe {
		t.Fatalf("s_client -sess_in: resumed %v psk_dhe_ke %v", r, dhe)
	}
	third := run("-sess_in", sess, "-early_data", early)
	if r, _ := third.ResumedWithPSK(); !r || !third.EarlyDataAccepted() {
		t.Fatalf("s_client -early_data: resumed %v early %v", r, third.EarlyDataAccepted())
	}
	if d := third.EarlyData(); len(d) == 0 || string(d[0]) != "GET /early\n" {
		t.Fatalf("early data %q", d)
	}
}

// TestResumeInteropOpenSSLServer: the engine client resumes against
// `openssl s_server -early_data`, and its 0-RTT data is accepted.
func TestResumeInteropOpenSSLServer(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	s := setup(t, "ecdsa")
	cert, key, _ := interop.WritePEMs(t, s)
	addr := interop.FreeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var log interop.LockedBuffer
	cmd := exec(ctx, openssl, "s_server", "-accept", addr, "-cert", cert, "-key", key, "-tls1_3", "-naccept", "2", "-early_data")
	cmd.Stdout, cmd.Stderr = &log, &log
	stdin, _ := cmd.StdinPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cancel()
	connect := func(cfg *tls13.Config) *tls13.Conn {
		conn := interop.DialServer(t, addr, "s_server", &log)
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		c := tls13.Client(cfg)
		if err := endpoint.Handshake(c, conn); err != nil {
			t.Fatalf("handshake: %v\n%s", err, log.String())
		}
		c.Write([]byte("hello openssl\n"))
		endpoint.Flush(c, conn)
		// s_server sends what it reads on its standard input.
		stdin.Write([]byte("hello engine\n"))
		var got []byte
		for !strings.Contains(string(got), "\n") {
			d, err := endpoint.ReadApplicationData(c, conn)
			if err != nil {
				t.Fatalf("read: %v\n%s", err, log.String())
			}
			got = append(got, d...)
		}
		c.Close()
		endpoint.Flush(c, conn)
		return c
	}
	cfg0 := clientConfig(t, s)
	cfg0.AcceptTickets, cfg0.Groups = true, []*kx.Group{kx.X25519} // OpenSSL 3.0 has no ML-KEM
	first := connect(cfg0)
	if len(first.Tickets()) == 0 || first.Tickets()[0].MaxEarlyData == 0 {
		t.Fatalf("tickets from s_server -early_data: %d", len(first.Tickets()))
	}
	cfg := clientConfig(t, s)
	cfg.Resume, cfg.EarlyData, cfg.Groups = first.Tickets()[0], []byte("early hello\n"), cfg0.Groups
	cfg.Trace = &trace.Recorder{}
	second := connect(cfg)
	if r, _ := second.ResumedWithPSK(); !r || !second.EarlyDataAccepted() {
		for _, e := range cfg.Trace.Events {
			t.Log(e.Title)
		}
		t.Fatalf("resumed %v early data accepted %v (%d tickets)\n%s", r, second.EarlyDataAccepted(), len(first.Tickets()), log.String())
	}
	cancel()
	cmd.Wait()
	if !strings.Contains(log.String(), "early hello") {
		t.Fatalf("s_server did not print the early data:\n%s", log.String())
	}
}

func exec(ctx context.Context, name string, args ...string) *osexec.Cmd {
	return osexec.CommandContext(ctx, name, args...)
}
