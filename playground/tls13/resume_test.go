//go:build !core

package tls13_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

var ticketKey = bytes.Repeat([]byte{0x42}, 32)

// resumeServer is an engine server that issues tickets under key.
func resumeServer(t *testing.T, key []byte, maxEarly uint32, cache *tls13.ReplayCache, name string) *tls13.Conn {
	cfg := serverConfig(t, setup(t, "ecdsa"))
	cfg.Rand = rng.New([]byte("server " + name + t.Name()))
	cfg.TicketKey, cfg.MaxEarlyData, cfg.AntiReplay = key, maxEarly, cache
	cfg.Trace = &trace.Recorder{}
	return tls13.Server(cfg)
}

// firstConnection runs a full handshake and returns the client's ticket.
func firstConnection(t *testing.T, maxEarly uint32) *tls13.Ticket {
	t.Helper()
	cfg := clientConfig(t, setup(t, "ecdsa"))
	cfg.AcceptTickets = true
	cli, srv := tls13.Client(cfg), resumeServer(t, ticketKey, maxEarly, nil, "first")
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	pump(t, cli, srv)
	if !cli.HandshakeComplete() || len(cli.Tickets()) != 1 {
		t.Fatalf("first connection: complete %v, %d tickets (%v)", cli.HandshakeComplete(), len(cli.Tickets()), cli.Err())
	}
	tk := cli.Tickets()[0]
	if tk.MaxEarlyData != maxEarly || len(tk.PSK) != tk.Suite.Hash.Size() {
		t.Fatalf("ticket: max early %d, psk %d bytes", tk.MaxEarlyData, len(tk.PSK))
	}
	return tk
}

func resumingClient(t *testing.T, tk *tls13.Ticket, pskOnly bool, early string) *tls13.Conn {
	cfg := clientConfig(t, setup(t, "ecdsa"))
	cfg.Rand = rng.New([]byte("second client " + t.Name()))
	cfg.Resume, cfg.PSKOnly, cfg.EarlyData = tk, pskOnly, []byte(early)
	cfg.Trace = &trace.Recorder{}
	return tls13.Client(cfg)
}

// TestResume: a second connection resumes with the ticket, psk_dhe_ke and
// psk_ke, skipping Certificate and CertificateVerify, and carries data.
func TestResume(t *testing.T) {
	for _, pskOnly := range []bool{false, true} {
		t.Run(map[bool]string{false: "psk_dhe_ke", true: "psk_ke"}[pskOnly], func(t *testing.T) {
			tk := firstConnection(t, 0)
			cli, srv := resumingClient(t, tk, pskOnly, ""), resumeServer(t, ticketKey, 0, nil, "second")
			if err := cli.Start(); err != nil {
				t.Fatal(err)
			}
			var sent []string
			for i := 0; i < 10; i++ {
				out := cli.TakeOutput()
				in := srv.TakeOutput()
				for _, o := range in {
					sent = append(sent, o.Name)
				}
				if len(out) == 0 && len(in) == 0 {
					break
				}
				if err := srv.Receive(wire(out)); err != nil {
					t.Fatalf("server: %v", err)
				}
				if err := cli.Receive(wire(in)); err != nil {
					t.Fatalf("client: %v", err)
				}
			}
			for _, c := range []*tls13.Conn{cli, srv} {
				resumed, dhe := c.ResumedWithPSK()
				if !c.HandshakeComplete() || !resumed || dhe == pskOnly {
					t.Fatalf("complete %v resumed %v dhe %v (%v)", c.HandshakeComplete(), resumed, dhe, c.Err())
				}
			}
			got := strings.Join(sent, ",")
			if strings.Contains(got, "Certificate") || !strings.Contains(got, "ServerHello,EncryptedExtensions,Finished") {
				t.Fatalf("server sent %s", got)
			}
			if (cli.Group() == nil) != pskOnly || (cli.KeyShare() == nil) != pskOnly {
				t.Fatalf("psk_ke %v but group %v", pskOnly, cli.Group())
			}
			if !strings.Contains(nodeIDs(cli.Schedule()), "binder_key") {
				t.Fatal("no binder_key in the key schedule")
			}
			if zero := bytes.Repeat([]byte{0}, 32); bytes.Equal(nodeValue(cli.Schedule(), "psk"), zero) {
				t.Fatal("the early secret came from zeros")
			}
			cli.Write([]byte("GET / resumed"))
			pump(t, cli, srv)
			if d := srv.TakeApplicationData(); len(d) != 1 || string(d[0]) != "GET / resumed" {
				t.Fatalf("server read %q", d)
			}
			// The resumed connection issues a fresh ticket too.
			if len(cli.Tickets()) != 1 {
				t.Fatalf("%d tickets on the resumed connection", len(cli.Tickets()))
			}
		})
	}
}

func nodeIDs(k *tls13.Schedule) string {
	var ids []string
	for _, n := range k.Nodes {
		ids = append(ids, n.ID)
	}
	return strings.Join(ids, " ")
}

func nodeValue(k *tls13.Schedule, id string) []byte {
	for _, n := range k.Nodes {
		if n.ID == id {
			return []byte(n.Hex())
		}
	}
	return nil
}

// TestResumeBinderMismatch: a ClientHello whose binder was changed is
// decrypt_error (RFC 8446, Section 4.2.11.2).
func TestResumeBinderMismatch(t *testing.T) {
	tk := firstConnection(t, 0)
	cli, srv := resumingClient(t, tk, false, ""), resumeServer(t, ticketKey, 0, nil, "second")
	cli.Start()
	hello := wire(cli.TakeOutput())
	hello[len(hello)-1] ^= 1 // the binder is the ClientHello's last byte
	err := srv.Receive(hello)
	checkAlert(t, srv, err, alert.DecryptError)
}

// TestResumeWrongTicketKey: a server with another ticket key cannot open
// the ticket and runs a full handshake, certificate and all.
func TestResumeWrongTicketKey(t *testing.T) {
	tk := firstConnection(t, 1024)
	for _, pskOnly := range []bool{false, true} {
		cli, srv := resumingClient(t, tk, pskOnly, "GET /early"), resumeServer(t, bytes.Repeat([]byte{7}, 32), 1024, tls13.NewReplayCache(), "other")
		if err := cli.Start(); err != nil {
			t.Fatal(err)
		}
		pump(t, cli, srv)
		resumed, _ := srv.ResumedWithPSK()
		if !cli.HandshakeComplete() || !srv.HandshakeComplete() || resumed || cli.PeerChain() == nil || srv.EarlyDataAccepted() || cli.EarlyDataAccepted() {
			t.Fatalf("psk_ke %v: complete %v/%v resumed %v chain %d early %v (%v %v)", pskOnly, cli.HandshakeComplete(), srv.HandshakeComplete(), resumed, len(cli.PeerChain()), srv.EarlyDataAccepted(), cli.Err(), srv.Err())
		}
	}
}

// earlyFlight starts a resuming client with 0-RTT data and returns its
// first flight: the ClientHello and the early data, as Eve records them.
func earlyFlight(t *testing.T, tk *tls13.Ticket) (*tls13.Conn, []byte) {
	cli := resumingClient(t, tk, false, "POST /pay?to=eve&amount=100")
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	return cli, wire(cli.TakeOutput())
}

// TestEarlyData: 0-RTT accepted, EndOfEarlyData, the key log has the
// early secret; and a replay of the same flight: accepted twice without
// anti-replay, refused (1-RTT goes on) with it.
func TestEarlyData(t *testing.T) {
	tk := firstConnection(t, 4096)
	t.Run("accepted", func(t *testing.T) {
		cli, flight := earlyFlight(t, tk)
		srv := resumeServer(t, ticketKey, 4096, tls13.NewReplayCache(), "second")
		if err := srv.Receive(flight); err != nil {
			t.Fatal(err)
		}
		pump(t, cli, srv)
		if !cli.HandshakeComplete() || !srv.EarlyDataAccepted() || !cli.EarlyDataAccepted() {
			t.Fatalf("complete %v early %v/%v (%v %v)", cli.HandshakeComplete(), srv.EarlyDataAccepted(), cli.EarlyDataAccepted(), cli.Err(), srv.Err())
		}
		if d := srv.EarlyData(); len(d) != 1 || string(d[0]) != "POST /pay?to=eve&amount=100" {
			t.Fatalf("early data %q", d)
		}
		if !strings.Contains(cli.KeyLog(), "CLIENT_EARLY_TRAFFIC_SECRET ") || !strings.Contains(srv.KeyLog(), "CLIENT_EARLY_TRAFFIC_SECRET ") {
			t.Fatal("no early secret in the key log")
		}
	})
	for _, anti := range []bool{true, false} {
		t.Run(map[bool]string{true: "replay/anti-replay", false: "replay/no-anti-replay"}[anti], func(t *testing.T) {
			cache := tls13.NewReplayCache()
			cli, flight := earlyFlight(t, tk)
			srv := resumeServer(t, ticketKey, 4096, cache, "second")
			srv.Receive(flight)
			pump(t, cli, srv)
			// Eve sends the recorded flight again to the same server.
			cfg := serverConfig(t, setup(t, "ecdsa"))
			cfg.TicketKey, cfg.MaxEarlyData, cfg.AntiReplay, cfg.NoAntiReplay = ticketKey, 4096, cache, !anti
			cfg.Trace = &trace.Recorder{}
			replay := tls13.Server(cfg)
			if err := replay.Receive(flight); err != nil {
				t.Fatalf("replayed flight: %v", err)
			}
			if anti == replay.EarlyDataAccepted() || len(replay.EarlyData()) == 0 == !anti {
				t.Fatalf("anti-replay %v: replayed early data accepted %v, %q", anti, replay.EarlyDataAccepted(), replay.EarlyData())
			}
			if len(replay.TakeOutput()) == 0 {
				t.Fatal("the server did not answer the replayed ClientHello (the 1-RTT handshake goes on)")
			}
			if anti && !hasEvent(cfg.Trace, "Refuses the client's 0-RTT data") {
				t.Fatal("the trace does not say why the replay was refused")
			}
		})
	}
}

// TestTicketExpired: a ticket past its lifetime is not offered.
func TestTicketExpired(t *testing.T) {
	tk := *firstConnection(t, 0)
	tk.Received = time.Now().Add(-8 * 24 * time.Hour)
	cli, srv := resumingClient(t, &tk, false, ""), resumeServer(t, ticketKey, 0, nil, "second")
	cli.Start()
	pump(t, cli, srv)
	if resumed, _ := srv.ResumedWithPSK(); resumed || !srv.HandshakeComplete() {
		t.Fatalf("resumed %v with an expired ticket", resumed)
	}
}

// TestResumeErasesPSK: once the handshake secret exists, both ends hold
// the PSK no more (zeros, and the erasure event says so); the client's
// ticket keeps its own copy, to resume again.
func TestResumeErasesPSK(t *testing.T) {
	tk := firstConnection(t, 0)
	cli, srv := resumingClient(t, tk, true, ""), resumeServer(t, ticketKey, 0, nil, "second")
	cli.Start()
	pump(t, cli, srv)
	for _, c := range []*tls13.Conn{cli, srv} {
		if p := c.PSKForTest(); len(p) == 0 || !allZero(p) {
			t.Fatalf("the connection still holds the PSK: %x", p)
		}
		found := false
		for _, e := range c.Erasures() {
			for _, w := range e.What {
				found = found || strings.Contains(w, "resumption PSK")
			}
		}
		if !found {
			t.Fatalf("no erasure event names the PSK: %+v", c.Erasures())
		}
	}
	if allZero(tk.PSK) {
		t.Fatal("the ticket's own PSK was erased")
	}
}

// TestResumeAfterHelloRetry: a server that wants another group answers the
// ticket offer with a HelloRetryRequest; the client drops the ticket (and
// its 0-RTT data, which the server skips) and a full handshake follows.
func TestResumeAfterHelloRetry(t *testing.T) {
	tk := firstConnection(t, 1024)
	cli := resumingClient(t, tk, false, "GET /early")
	cfg := serverConfig(t, setup(t, "ecdsa"))
	cfg.TicketKey, cfg.MaxEarlyData, cfg.AntiReplay = ticketKey, 1024, tls13.NewReplayCache()
	cfg.Groups = []*kx.Group{kx.P256} // the client's share is for the first of kx.All
	srv := tls13.Server(cfg)
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	pump(t, cli, srv)
	resumed, _ := srv.ResumedWithPSK()
	if !cli.HandshakeComplete() || !srv.HandshakeComplete() || !cli.HelloRetry() || resumed || cli.EarlyDataAccepted() || cli.PeerChain() == nil {
		t.Fatalf("complete %v/%v retry %v resumed %v early %v (%v %v)", cli.HandshakeComplete(), srv.HandshakeComplete(), cli.HelloRetry(), resumed, cli.EarlyDataAccepted(), cli.Err(), srv.Err())
	}
}
