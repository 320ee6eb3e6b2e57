//go:build !core

package interop_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
)

// resume12Cases are the TLS 1.2 resumptions against OpenSSL: by session
// ID (RFC 5246 §7.3; tickets off) and by ticket (RFC 5077), in the classic
// and ECDHE modes.
var resume12Cases = []struct {
	name  string
	suite *suites.Suite
	by    string // "session ID" or "ticket"
}{
	{"classic-session-id", suites.RSAWithAES128GCMSHA256, "session ID"},
	{"classic-ticket", suites.RSAWithAES128GCMSHA256, "ticket"},
	{"ecdhe-session-id", suites.ECDHERSAWithAES128GCMSHA256, "session ID"},
	{"ecdhe-ticket", suites.ECDHERSAWithAES256GCMSHA384, "ticket"},
}

var openSSLSuite = map[*suites.Suite]string{
	suites.RSAWithAES128GCMSHA256:      "AES128-GCM-SHA256",
	suites.ECDHERSAWithAES128GCMSHA256: "ECDHE-RSA-AES128-GCM-SHA256",
	suites.ECDHERSAWithAES256GCMSHA384: "ECDHE-RSA-AES256-GCM-SHA384",
}

func resumeSetup(t *testing.T) *pki.Setup {
	t.Helper()
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyRSA, Rand: rng.New([]byte("resume12 interop"))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestResume12OpenSSLClient: `openssl s_client -sess_out` makes a session
// with the engine's server, `-sess_in` resumes it against a second engine
// server sharing the first one's session cache or ticket key.
func TestResume12OpenSSLClient(t *testing.T) {
	s := resumeSetup(t)
	for _, tc := range resume12Cases {
		t.Run(tc.name, func(t *testing.T) {
			cache := tls12.NewSessionCache()
			key := bytes.Repeat([]byte{0x5a}, 32)
			cfg := func(seed string) *tls12.Config {
				c := &tls12.Config{Rand: rng.New([]byte(seed + t.Name())), Certificates: s.Chain, Key: s.Key, Suites: []*suites.Suite{tc.suite}}
				if tc.by == "ticket" {
					c.TicketKey = key
				} else {
					c.SessionCache = cache
				}
				return c
			}
			sessFile := filepath.Join(t.TempDir(), "session.pem")
			args := []string{"-tls1_2", "-cipher", openSSLSuite[tc.suite]}
			if tc.by == "session ID" {
				args = append(args, "-no_ticket")
			}
			srv1 := tls12.Server(cfg("1"))
			interop.OpenSSLClientVsServer(t, s, srv1, append(args, "-sess_out", sessFile)...)
			if srv1.Resumed() {
				t.Fatal("the first connection resumed")
			}
			if st, err := os.Stat(sessFile); err != nil || st.Size() == 0 {
				t.Fatalf("s_client wrote no session: %v", err)
			}
			if tc.by == "ticket" && len(srv1.Ticket()) == 0 {
				t.Fatal("the engine issued no ticket to s_client")
			}
			srv2 := tls12.Server(cfg("2"))
			interop.OpenSSLClientVsServer(t, s, srv2, append(args, "-sess_in", sessFile)...)
			if !srv2.Resumed() || srv2.ResumedBy() != tc.by {
				t.Fatalf("s_client -sess_in: resumed %v by %q, want by %s", srv2.Resumed(), srv2.ResumedBy(), tc.by)
			}
			if !bytes.Equal(srv2.Secrets().Master, srv1.Secrets().Master) {
				t.Fatal("the resumed connection has another master secret")
			}
		})
	}
}

// TestResume12OpenSSLServer: the engine's client connects twice to one
// `openssl s_server` (two accepts) and resumes the first session on the
// second connection, by ticket or (with -no_ticket) by session ID.
func TestResume12OpenSSLServer(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	s := resumeSetup(t)
	cert, key, _ := interop.WritePEMs(t, s)
	for _, tc := range resume12Cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			args := []string{"s_server", "-accept", addr, "-cert", cert, "-key", key, "-rev", "-naccept", "2", "-tls1_2", "-cipher", openSSLSuite[tc.suite]}
			if tc.by == "session ID" {
				args = append(args, "-no_ticket")
			}
			cmd := exec.CommandContext(ctx, openssl, args...)
			var log interop.LockedBuffer
			cmd.Stdout, cmd.Stderr = &log, &log
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer cancel()
			var sess *tls12.Session
			var first []byte
			for i, seed := range []string{"1", "2"} {
				conn, err := dialRetry(addr)
				if err != nil {
					t.Fatalf("s_server did not start: %v\n%s", err, log.String())
				}
				conn.SetDeadline(time.Now().Add(15 * time.Second))
				c := tls12.Client(&tls12.Config{Rand: rng.New([]byte(seed + t.Name())), ServerName: s.ServerName, Roots: s.Roots(),
					Suites: []*suites.Suite{tc.suite}, SessionTickets: tc.by == "ticket", Resume: sess})
				if err := endpoint.Handshake(c, conn); err != nil {
					t.Fatalf("connection %d: %v\n%s", i+1, err, log.String())
				}
				c.Write([]byte("hello openssl\n"))
				if got, err := readEngineLine(c, conn); err != nil || got != "lssnepo olleh\n" {
					t.Fatalf("got %q, %v", got, err)
				}
				if i == 1 && (!c.Resumed() || c.ResumedBy() != tc.by || !bytes.Equal(c.Secrets().Master, first)) {
					t.Fatalf("second connection: resumed %v by %q\n%s", c.Resumed(), c.ResumedBy(), log.String())
				}
				sess, first = c.Session(), c.Secrets().Master
				if tc.by == "ticket" && len(sess.Ticket) == 0 || tc.by == "session ID" && len(sess.ID) == 0 {
					t.Fatalf("s_server gave no %s: %+v", tc.by, sess)
				}
				c.Close()
				endpoint.Flush(c, conn)
				conn.Close()
			}
		})
	}
}

// TestResume12GnuTLSClient: `gnutls-cli --resume` connects, disconnects
// and connects again offering the session: by ticket, or by session ID
// with %NO_TICKETS. Each connection meets a new engine server sharing the
// first one's cache or ticket key.
func TestResume12GnuTLSClient(t *testing.T) {
	bin := tooltest.Need(t, "gnutls-cli")
	s := resumeSetup(t)
	_, _, ca := interop.WritePEMs(t, s)
	for _, tc := range resume12Cases {
		t.Run(tc.name, func(t *testing.T) {
			cache := tls12.NewSessionCache()
			key := bytes.Repeat([]byte{0x6b}, 32)
			prio := "NORMAL:-VERS-ALL:+VERS-TLS1.2"
			if tc.by == "session ID" {
				prio += ":%NO_TICKETS"
			}
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			host, port, _ := net.SplitHostPort(l.Addr().String())
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "--resume", "--x509cafile", ca, "--verify-hostname", s.ServerName, "--sni-hostname", s.ServerName,
				"--priority", prio, "-p", port, host)
			stdin, _ := cmd.StdinPipe()
			var log interop.LockedBuffer
			cmd.Stdout, cmd.Stderr = &log, &log
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { stdin.Close(); cancel(); cmd.Wait() }()
			l.(*net.TCPListener).SetDeadline(time.Now().Add(15 * time.Second))
			var masters [][]byte
			for i := 0; i < 2; i++ {
				conn, err := l.Accept()
				if err != nil {
					t.Fatalf("connection %d: %v\n%s", i+1, err, log.String())
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(15 * time.Second))
				cfg := &tls12.Config{Rand: rng.New([]byte(string(rune('1'+i)) + t.Name())), Certificates: s.Chain, Key: s.Key, Suites: []*suites.Suite{tc.suite}}
				if tc.by == "ticket" {
					cfg.TicketKey = key
				} else {
					cfg.SessionCache = cache
				}
				srv := tls12.Server(cfg)
				if err := endpoint.Handshake(srv, conn); err != nil {
					t.Fatalf("connection %d: %v\n%s", i+1, err, log.String())
				}
				masters = append(masters, srv.Secrets().Master)
				if i == 0 {
					if srv.Resumed() {
						t.Fatal("the first connection resumed")
					}
					// gnutls-cli closes the first connection itself.
					endpoint.ReadApplicationData(srv, conn)
					continue
				}
				if !srv.Resumed() || srv.ResumedBy() != tc.by {
					t.Fatalf("gnutls-cli --resume: resumed %v by %q, want %s\n%s", srv.Resumed(), srv.ResumedBy(), tc.by, log.String())
				}
				io.WriteString(stdin, "hello engine\n")
				if got, err := readEngineLine(srv, conn); err != nil || got != "hello engine\n" {
					t.Fatalf("engine got %q, %v\n%s", got, err, log.String())
				}
				srv.Close()
				endpoint.Flush(srv, conn)
			}
			if !bytes.Equal(masters[0], masters[1]) {
				t.Fatal("the resumed connection has another master secret")
			}
		})
	}
}

// TestResume12GnuTLSServer: the engine's client connects twice to one
// gnutls-serv and resumes the first session, by ticket or (tickets off)
// by session ID.
func TestResume12GnuTLSServer(t *testing.T) {
	bin := tooltest.Need(t, "gnutls-serv")
	s := resumeSetup(t)
	cert, key, _ := interop.WritePEMs(t, s)
	for _, tc := range resume12Cases {
		t.Run(tc.name, func(t *testing.T) {
			port := freePort(t)
			prio := "NORMAL:-VERS-ALL:+VERS-TLS1.2"
			if tc.by == "session ID" {
				prio += ":%NO_TICKETS"
			}
			log, err := startServer(t, bin, "--echo", "-p", port, "--x509certfile", cert, "--x509keyfile", key, "--disable-client-cert", "--priority", prio)
			if err != nil {
				t.Fatal(err)
			}
			var sess *tls12.Session
			var first []byte
			for i, seed := range []string{"1", "2"} {
				conn, err := dialRetry("127.0.0.1:" + port)
				if err != nil {
					t.Fatalf("gnutls-serv did not start: %v\n%s", err, log.String())
				}
				conn.SetDeadline(time.Now().Add(15 * time.Second))
				c := tls12.Client(&tls12.Config{Rand: rng.New([]byte(seed + t.Name())), ServerName: s.ServerName, Roots: s.Roots(),
					Suites: []*suites.Suite{tc.suite}, SessionTickets: tc.by == "ticket", Resume: sess})
				if err := endpoint.Handshake(c, conn); err != nil {
					t.Fatalf("connection %d: %v\n%s", i+1, err, log.String())
				}
				c.Write([]byte("hello gnutls\n"))
				if got, err := readEngineLine(c, conn); err != nil || got != "hello gnutls\n" {
					t.Fatalf("got %q, %v", got, err)
				}
				if i == 1 && (!c.Resumed() || c.ResumedBy() != tc.by || !bytes.Equal(c.Secrets().Master, first)) {
					t.Fatalf("second connection: resumed %v by %q\n%s", c.Resumed(), c.ResumedBy(), log.String())
				}
				sess, first = c.Session(), c.Secrets().Master
				c.Close()
				endpoint.Flush(c, conn)
				conn.Close()
			}
		})
	}
}
