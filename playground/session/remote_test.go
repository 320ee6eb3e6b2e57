package session

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
)

// TestRemote runs the remote client against the HTTP handler, as the page
// does against its in-page server or a Worker.
func TestRemote(t *testing.T) {
	setup := testSetup(t)
	var chain []byte
	for _, der := range setup.Chain {
		chain = append(chain, pki.CertPEM(der)...)
	}
	id, err := httpserver.IdentityFromPEM(chain, setup.KeyPEM(), strings.Repeat("11", 32))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpserver.New(id, httpserver.Options{}))
	defer srv.Close()
	ctx := context.Background()
	for _, mode := range []string{ModeClassic, ModeECDHE, ModeTLS13} {
		t.Run(mode, func(t *testing.T) {
			r, err := NewRemote(RemoteOptions{Mode: mode, ServerName: setup.ServerName, TrustPEM: string(pki.CertPEM(setup.CA.Raw))})
			if err != nil {
				t.Fatal(err)
			}
			hc := &httpserver.Client{BaseURL: srv.URL, Mode: mode, Trace: true}
			exchange := func() {
				t.Helper()
				out := r.Flight()
				if len(out) == 0 {
					return
				}
				n := len(hc.ServerEvents)
				in, err := hc.Post(ctx, out)
				if err != nil {
					t.Fatal(err)
				}
				if err := r.Deliver(in, hc.ServerEvents[n:]); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < 4; i++ {
				exchange()
			}
			if !r.Established() {
				t.Fatalf("not established: %+v", r.Export().Error)
			}
			// Over HTTP the server's randomness is in the token: no
			// forward secrecy, whatever the key exchange.
			if e := r.Export(); e.ForwardSecrecy || e.KeyState != KeysOpen ||
				(mode == ModeClassic) != (e.ForwardSecrecyReason == FSRSAKeyTransport) || (mode != ModeClassic) != (e.ForwardSecrecyReason == FSTokenKey) || e.ForwardSecrecyNote == "" {
				t.Fatalf("%s over HTTP: forward secrecy %v (%s), keys %s", mode, e.ForwardSecrecy, e.ForwardSecrecyReason, e.KeyState)
			}
			if err := r.Write("hello over HTTP"); err != nil {
				t.Fatal(err)
			}
			exchange()
			if got := r.Received(); got != "server received 15 bytes: hello over HTTP" {
				t.Fatalf("reply %q", got)
			}
			r.Close()
			exchange()
			e := r.Export()
			if e.Error != nil || !e.Closed || e.Suite == "" || e.Keylog == "" || e.KeyState != KeysDiscarded {
				t.Fatalf("export: err %+v closed %v suite %q", e.Error, e.Closed, e.Suite)
			}
			var server, client int
			for _, st := range e.Steps {
				for _, ev := range st.Events {
					if ev.Actor == "server" {
						server++
					} else {
						client++
					}
				}
			}
			if server == 0 || client == 0 {
				t.Fatalf("events: %d server, %d client", server, client)
			}
			names := map[string]bool{}
			for _, m := range e.Messages {
				names[m.From+":"+m.Name] = true
			}
			for _, want := range []string{"client:ClientHello", "server:ServerHello", "server:Certificate", "server:Finished", "client:Finished", "server:ApplicationData", "server:Alert"} {
				if !names[want] {
					t.Fatalf("no %s in %v", want, names)
				}
			}
		})
	}
	if _, err := NewRemote(RemoteOptions{ServerName: "x", TrustPEM: "nothing"}); err == nil || !strings.Contains(err.Error(), "root CA") {
		t.Fatalf("empty trust store: %v", err)
	}
}
