package tls13_test

import (
	"bytes"
	"testing"

	"tlsplayground/playground/kx"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// held is what one end of a connection held of the key exchange just
// before it erased it: the very slices, so that the test sees whether the
// engine's own memory was overwritten, not a copy.
type held struct {
	keys                           []*kx.Private
	secrets                        [][]byte // each key's private bytes, the shared secret, early, handshake
	shared                         []byte
	events                         int // trace events before the erasure
	takenBeforeErase, wasNonZeroed bool
}

func watch(c *tls13.Conn, rec *trace.Recorder) *held {
	h := &held{}
	c.BeforeEraseForTest(func() {
		keys, shared, early, hs := c.EphemeralForTest()
		h.keys, h.shared, h.events, h.takenBeforeErase = keys, shared, len(rec.Events), true
		for _, k := range keys {
			h.secrets = append(h.secrets, k.Secret)
		}
		h.secrets = append(h.secrets, shared, early, hs)
		h.wasNonZeroed = true
		for _, s := range h.secrets {
			if len(s) == 0 || allZero(s) {
				h.wasNonZeroed = false
			}
		}
	})
	return h
}

func allZero(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }

// TestKeyErasure: right after the handshake secret is derived, both ends
// have overwritten their ephemeral private keys, the shared secret, the
// early secret and the handshake secret with zeros, in the memory the
// engine owns, and dropped the key objects, for every group, with and
// without a HelloRetryRequest; the trace says so in step 5, just after
// the handshake keys are derived, while the handshake continues and the
// page's copies (the key share view, the key schedule) still hold the
// values.
func TestKeyErasure(t *testing.T) {
	s := setup(t, "ecdsa")
	for _, g := range kx.All {
		for _, retry := range []bool{false, true} {
			name := g.Name
			if retry {
				name += "/HelloRetryRequest"
			}
			t.Run(name, func(t *testing.T) {
				rec := &trace.Recorder{}
				cc, sc := clientConfig(t, s), serverConfig(t, s)
				cc.Trace, sc.Trace = rec, rec
				cc.Groups, sc.Groups = []*kx.Group{g}, []*kx.Group{g}
				if retry {
					other := kx.X25519
					if g == kx.X25519 {
						other = kx.P256
					}
					cc.Groups, cc.KeyShares = []*kx.Group{other, g}, []*kx.Group{other}
				}
				cli, srv := tls13.Client(cc), tls13.Server(sc)
				hc, hs := watch(cli, rec), watch(srv, rec)
				if err := cli.Start(); err != nil {
					t.Fatal(err)
				}
				pump(t, cli, srv)
				if !cli.HandshakeComplete() || !srv.HandshakeComplete() || cli.Group() != g || cli.HelloRetry() != retry {
					t.Fatalf("handshake: client %v, server %v, group %v, retry %v", cli.Err(), srv.Err(), cli.Group(), cli.HelloRetry())
				}
				for _, end := range []struct {
					name  string
					c     *tls13.Conn
					h     *held
					actor string
				}{{"client", cli, hc, trace.Client}, {"server", srv, hs, trace.Server}} {
					h := end.h
					if !h.takenBeforeErase || !h.wasNonZeroed || len(h.keys) != 1 {
						t.Fatalf("%s: the erasure hook saw %d keys, non-zero before: %v", end.name, len(h.keys), h.wasNonZeroed)
					}
					for i, sec := range h.secrets {
						if !allZero(sec) {
							t.Errorf("%s: secret %d (%d bytes) is not zero after the handshake: %x", end.name, i, len(sec), sec)
						}
					}
					for _, k := range h.keys {
						if !k.Erased() {
							t.Errorf("%s: the %s key object was not dropped", end.name, k.Group.Name)
						}
						if _, err := k.Shared(make([]byte, 32)); err == nil {
							t.Errorf("%s: an erased key still computes a shared secret", end.name)
						}
					}
					// The erasure is in step 5, right after the handshake keys.
					ev := rec.Events[h.events]
					prev := rec.Events[h.events-1]
					if ev.Step != tls13.StepKeyExchange || ev.Actor != end.actor || ev.Title != "Erases its ephemeral private key and the shared secret" ||
						prev.Actor != end.actor || prev.Step != tls13.StepKeyExchange || !bytes.HasPrefix([]byte(prev.Title), []byte("Derives the handshake keys")) {
						t.Errorf("%s: erasure event %+v after %q", end.name, ev, prev.Title)
					}
					er := end.c.Erasures()
					if len(er) != 1 || er[0].Step != tls13.StepKeyExchange || len(er[0].What) != 4 {
						t.Errorf("%s: erasures %+v", end.name, er)
					}
					// The page's teaching copies are intact.
					ks := end.c.KeyShare()
					if allZero(ks.Shared) || allZero(ks.MyPrivate) || !bytes.Equal(ks.Shared, cli.KeyShare().Shared) {
						t.Errorf("%s: the page's copy of the key exchange was lost", end.name)
					}
					// The key schedule's teaching copies are raw values (the
					// nodes' hex is drawn from them), intact though the
					// stages' own secrets are zeros.
					sch := end.c.Schedule()
					for i, id := range []string{"early", "handshake"} {
						v, engine := sch.Value(id), h.secrets[len(h.secrets)-2+i]
						if len(v) != len(engine) || allZero(v) || &v[0] == &engine[0] {
							t.Errorf("%s: the teaching copy of %s is %x: not a separate, intact copy", end.name, id, v)
						}
					}
					for _, n := range sch.Nodes {
						if n.Hex() != trace.HexString(sch.Value(n.ID)) {
							t.Errorf("%s: node %s shows %s, its value is %x", end.name, n.ID, n.Hex(), sch.Value(n.ID))
						}
					}
				}
				if retry {
					// The client's unused first share was erased at the retry.
					found := false
					for _, ev := range rec.Events {
						found = found || ev.Title == "Erases the key shares the server did not take"
					}
					if !found {
						t.Error("no erasure of the unused key share after HelloRetryRequest")
					}
				}
				// The connection still works on the traffic keys.
				if _, err := cli.Write([]byte("ping")); err != nil {
					t.Fatal(err)
				}
				pump(t, cli, srv)
				if got := srv.TakeApplicationData(); len(got) != 1 || string(got[0]) != "ping" {
					t.Fatalf("after the erasure the server read %q", got)
				}
			})
		}
	}
}
