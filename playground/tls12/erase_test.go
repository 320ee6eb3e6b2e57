package tls12_test

import (
	"bytes"
	"testing"

	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

// TestKeyErasure: right after the master secret is derived, each end has
// overwritten the pre-master secret (ECDHE: the shared secret) and its
// ephemeral private key with zeros in the memory the engine owns (the
// slices are taken just before the erasure and checked after the
// handshake), and dropped the key object; the trace says so in step 6,
// just after the master secret. The connection goes on with the key
// block, and the page's copies still hold the values until close.
func TestKeyErasure(t *testing.T) {
	cases := []struct {
		suite *suites.Suite
		group *kx.Group
	}{
		{suites.RSAWithAES128GCMSHA256, nil},
		{suites.ECDHERSAWithAES128GCMSHA256, kx.X25519},
		{suites.ECDHERSAWithChaCha20Poly1305SHA256, kx.P256},
	}
	for _, tc := range cases {
		name := tc.suite.Name
		if tc.group != nil {
			name += "/" + tc.group.Name
		}
		t.Run(name, func(t *testing.T) {
			s := keySetup(t, pki.KeyRSA)
			rec := &trace.Recorder{}
			cc, sc := clientConfig(s, t.Name()), serverConfig(s, t.Name())
			cc.Suites, sc.Suites, cc.Trace, sc.Trace = []*suites.Suite{tc.suite}, []*suites.Suite{tc.suite}, rec, rec
			if tc.group != nil {
				cc.Groups, sc.Groups = []*kx.Group{tc.group}, []*kx.Group{tc.group}
			}
			c, srv := tls12.Client(cc), tls12.Server(sc)
			type held struct {
				eph     *kx.Private
				private []byte
				pms     []byte
				nonZero bool
				events  int
			}
			var got [2]*held
			for i, end := range []*tls12.Conn{c, srv} {
				h := &held{}
				got[i] = h
				end.BeforeEraseForTest(func() {
					h.eph, h.pms = end.EphemeralForTest()
					h.nonZero = len(h.pms) > 0 && !allZero(h.pms)
					if h.eph != nil {
						h.private = h.eph.Secret
						h.nonZero = h.nonZero && !allZero(h.private)
					}
					h.events = len(rec.Events)
				})
			}
			converse(c, srv, nil)
			if !c.HandshakeComplete() || !srv.HandshakeComplete() {
				t.Fatalf("client %v, server %v", c.Err(), srv.Err())
			}
			for i, end := range []struct {
				c     *tls12.Conn
				actor string
			}{{c, trace.Client}, {srv, trace.Server}} {
				h := got[i]
				if !h.nonZero || (tc.group != nil) != (h.eph != nil) {
					t.Fatalf("%s: before the erasure: non-zero %v, ephemeral key %v", end.actor, h.nonZero, h.eph)
				}
				if !allZero(h.pms) || !allZero(h.private) {
					t.Errorf("%s: after the handshake the pre-master secret %x or the private key %x is not zero", end.actor, h.pms, h.private)
				}
				if h.eph != nil && !h.eph.Erased() {
					t.Errorf("%s: the key object was not dropped", end.actor)
				}
				ev, prev := rec.Events[h.events], rec.Events[h.events-1]
				want := "Erases the pre-master secret"
				if tc.group != nil {
					want = "Erases its ephemeral private key and the shared secret"
				}
				if ev.Step != tls12.StepEstablish || ev.Actor != end.actor || ev.Title != want ||
					prev.Actor != end.actor || !bytes.HasPrefix([]byte(prev.Title), []byte("Derives the master secret")) {
					t.Errorf("%s: erasure event %q (step %d) after %q", end.actor, ev.Title, ev.Step, prev.Title)
				}
				if er := end.c.Erasures(); len(er) != 1 || er[0].Step != tls12.StepEstablish {
					t.Errorf("%s: erasures %+v", end.actor, er)
				}
				if sec := end.c.Secrets(); allZero(sec.PreMaster) || !bytes.Equal(sec.PreMaster, c.Secrets().PreMaster) {
					t.Errorf("%s: the page's copy of the pre-master secret is lost", end.actor)
				}
			}
			exchange(t, c, srv)
		})
	}
}
