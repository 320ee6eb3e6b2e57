package tls13_test

import (
	"strings"
	"testing"

	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// negotiationValue returns the text of a value of the server's negotiation
// event, or the items of a list.
func negotiationValue(rec *trace.Recorder, label string) trace.Value {
	for _, ev := range rec.Events {
		if ev.Actor != trace.Server || ev.Step != tls13.StepNegotiate {
			continue
		}
		for _, v := range ev.Values {
			if v.Label == label {
				return v
			}
		}
	}
	return trace.Value{}
}

// TestSuiteOrder: the server's own order picks its first preference the
// client also offers; the client's order picks the client's first choice
// the server supports; the trace says which rule picked it.
func TestSuiteOrder(t *testing.T) {
	s := setup(t, "ecdsa")
	offer := []*suites.Suite{suites.ChaCha20Poly1305SHA256, suites.AES128GCMSHA256, suites.AES256GCMSHA384}
	for _, c := range []struct {
		order suites.Order
		want  *suites.Suite
		rule  string
	}{
		{"", suites.AES256GCMSHA384, "the server's order"},
		{suites.ServerOrder, suites.AES256GCMSHA384, "the server's order"},
		{suites.ClientOrder, suites.ChaCha20Poly1305SHA256, "the client's order"},
	} {
		rec := &trace.Recorder{}
		cc, sc := clientConfig(t, s), serverConfig(t, s)
		cc.Suites, sc.SuiteOrder, sc.Trace = offer, c.order, rec
		cli, srv := tls13.Client(cc), tls13.Server(sc)
		if err := cli.Start(); err != nil {
			t.Fatal(err)
		}
		pump(t, cli, srv)
		if !cli.HandshakeComplete() || srv.Suite() != c.want || cli.Suite() != c.want {
			t.Fatalf("order %q: picked %v, want %s", c.order, srv.Suite(), c.want.Name)
		}
		if rule := negotiationValue(rec, "Suite rule").Text; !strings.HasPrefix(rule, c.rule) {
			t.Fatalf("order %q: rule %q", c.order, rule)
		}
	}
}

// TestSuiteOrderCryptoTLSClient: crypto/tls's client offers its own order
// (AES-GCM first when the processor has AES instructions); an engine
// server that honours the client's order picks that order's first suite,
// and the handshake completes.
func TestSuiteOrderCryptoTLSClient(t *testing.T) {
	s := setup(t, "ecdsa")
	rec := &trace.Recorder{}
	cfg := serverConfig(t, s)
	cfg.SuiteOrder, cfg.Trace = suites.ClientOrder, rec
	srv := runAgainstStdClient(t, cfg, stdConfig(s))
	offered := negotiationValue(rec, "Client offers suites").Items
	var first *suites.Suite
	for _, name := range offered {
		if x, err := suites.ByName(name); err == nil {
			first = x
			break
		}
	}
	if first == nil || srv.Suite() != first {
		t.Fatalf("crypto/tls offered %v; the server picked %v", offered, srv.Suite())
	}
	t.Logf("crypto/tls offered %v; picked %s", offered, first.Name)
}
