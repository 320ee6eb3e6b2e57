//go:build core

package tls12_test

import (
	"bytes"
	"strings"
	"testing"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/tls12"
)

// TestCoreServerResumption: the page's core build (tag core) has no server
// resumption (tls12.serverResumption is nil, so the linker leaves
// resume.go's server side out): a server configured with a ticket key or a
// session cache fails at ClientHello and says where resumption is; one
// without them completes its handshake as in every build.
func TestCoreServerResumption(t *testing.T) {
	if tls12.HasServerResumptionForTest() {
		t.Fatal("a core build has the server's resumption")
	}
	s := keySetup(t, pki.KeyRSA)
	for _, tc := range []struct {
		name string
		set  func(*tls12.Config)
		ok   bool
	}{
		{"ticket key", func(c *tls12.Config) { c.TicketKey = bytes.Repeat([]byte{0x42}, 32) }, false},
		{"session cache", func(c *tls12.Config) { c.SessionCache = tls12.NewSessionCache() }, false},
		{"neither", func(*tls12.Config) {}, true},
	} {
		sc, cc := serverConfig(s, tc.name), clientConfig(s, tc.name)
		tc.set(sc)
		cc.SessionTickets = true
		c, srv := tls12.Client(cc), tls12.Server(sc)
		converse(c, srv, nil)
		if tc.ok {
			if !c.HandshakeComplete() || !srv.HandshakeComplete() {
				t.Fatalf("%s: client %v, server %v", tc.name, c.Err(), srv.Err())
			}
			continue
		}
		if srv.HandshakeComplete() || srv.Err() == nil || !strings.Contains(srv.Err().Error(), "resumption is in the lab build") {
			t.Fatalf("%s: server complete %v, error %v; want the core's refusal", tc.name, srv.HandshakeComplete(), srv.Err())
		}
	}
}
