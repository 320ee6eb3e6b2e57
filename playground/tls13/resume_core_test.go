//go:build core

package tls13_test

import (
	"bytes"
	"strings"
	"testing"

	"tlsplayground/playground/tls13"
)

// TestCoreServerResumption: the page's core build (tag core) has no server
// resumption (tls13.serverResumption is nil, so the linker leaves acceptPSK,
// 0-RTT and ticket sealing out): a server with a ticket key fails at
// ClientHello and says where resumption is; one without completes its
// handshake as in every build.
func TestCoreServerResumption(t *testing.T) {
	s := setup(t, "ecdsa")
	cfg := serverConfig(t, s)
	cfg.TicketKey = bytes.Repeat([]byte{0x42}, 32)
	cli, srv := tls13.Client(clientConfig(t, s)), tls13.Server(cfg)
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	err := srv.Receive(wire(cli.TakeOutput()))
	if err == nil || !strings.Contains(err.Error(), "it is in the lab build") {
		t.Fatalf("a server with a ticket key in the core: %v; want the core's refusal", err)
	}

	cli, srv = tls13.Client(clientConfig(t, s)), tls13.Server(serverConfig(t, s))
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	pump(t, cli, srv)
	if !cli.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatalf("without a ticket key: client %v, server %v", cli.Err(), srv.Err())
	}
}
