package tls12_test

import (
	"crypto/tls"
	"strings"
	"testing"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

// serverNegotiation returns a value of the server's "Chooses the cipher
// suite" event.
func serverNegotiation(rec *trace.Recorder, label string) trace.Value {
	for _, ev := range rec.Events {
		if ev.Actor == trace.Server && ev.Title == "Chooses the cipher suite" {
			for _, v := range ev.Values {
				if v.Label == label {
					return v
				}
			}
		}
	}
	return trace.Value{}
}

// TestSuiteOrder: the server's own order picks its first preference the
// client also offers (RSA key transport last, whatever the client's
// order); the client's order picks the client's first choice the server
// can use; the trace says which rule picked it.
func TestSuiteOrder(t *testing.T) {
	s := keySetup(t, pki.KeyRSA)
	offer := []*suites.Suite{suites.RSAWithAES128GCMSHA256, suites.ECDHERSAWithAES128GCMSHA256, suites.ECDHERSAWithChaCha20Poly1305SHA256, suites.ECDHERSAWithAES256GCMSHA384}
	for _, c := range []struct {
		order suites.Order
		want  *suites.Suite
		rule  string
	}{
		{"", suites.ECDHERSAWithAES256GCMSHA384, "the server's order"},
		{suites.ClientOrder, suites.RSAWithAES128GCMSHA256, "the client's order"},
	} {
		rec := &trace.Recorder{}
		cc, sc := clientConfig(s, "order"), serverConfig(s, "order")
		cc.Suites, sc.SuiteOrder, sc.Trace = offer, c.order, rec
		cli, srv := tls12.Client(cc), tls12.Server(sc)
		converse(cli, srv, nil)
		if !cli.HandshakeComplete() || srv.Suite() != c.want || cli.Suite() != c.want {
			t.Fatalf("order %q: picked %v (client %v, server %v), want %s", c.order, srv.Suite(), cli.Err(), srv.Err(), c.want.Name)
		}
		if rule := serverNegotiation(rec, "Rule").Text; !strings.HasPrefix(rule, c.rule) {
			t.Fatalf("order %q: rule %q", c.order, rule)
		}
		if why := serverNegotiation(rec, "Chosen").Note; strings.Contains(why, "strongest") {
			t.Fatalf("reason %q", why)
		}
	}
}

// TestSuiteOrderCryptoTLSClient: crypto/tls's client offers its own order
// (it ignores the order of Config.CipherSuites); an engine server that
// honours the client's order picks the first of them it can use.
func TestSuiteOrderCryptoTLSClient(t *testing.T) {
	s := keySetup(t, pki.KeyRSA)
	rec := &trace.Recorder{}
	cfg := serverConfig(s, "crypto/tls order")
	cfg.SuiteOrder, cfg.Trace = suites.ClientOrder, rec
	std := &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, RootCAs: s.Roots(), ServerName: s.ServerName}
	srv, _ := stdClientVsEngineServer(t, std, cfg)
	offered := serverNegotiation(rec, "Client offers").Items
	var first *suites.Suite
	for _, name := range offered {
		if x, err := suites.ByName(name); err == nil && x.KeyExchange != suites.ECDHEECDSA {
			first = x // the first the RSA-keyed server can use
			break
		}
	}
	if first == nil || srv.Suite() != first {
		t.Fatalf("crypto/tls offered %v; the server picked %v", offered, srv.Suite())
	}
	t.Logf("crypto/tls offered %v; picked %s", offered, first.Name)
}
