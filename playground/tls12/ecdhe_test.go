package tls12_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

var (
	keySetupsMu sync.Mutex
	keySetups   = map[string]*pki.Setup{}
)

// keySetup returns a setup whose server key has the given type; ECDSA and
// Ed25519 leaves are issued by the RSA setup's root, so no other RSA key is
// generated.
func keySetup(t testing.TB, keyType string) *pki.Setup {
	t.Helper()
	if keyType == pki.KeyRSA {
		return setup(t)
	}
	keySetupsMu.Lock()
	defer keySetupsMu.Unlock()
	if s, ok := keySetups[keyType]; ok {
		return s
	}
	s, err := pki.NewSetup(pki.Options{KeyType: keyType, CAKey: setup(t).CAKey, Rand: rng.New([]byte("tls12 " + keyType))})
	if err != nil {
		t.Fatal(err)
	}
	keySetups[keyType] = s
	return s
}

// keyTypeFor is the certificate key a suite needs.
func keyTypeFor(s *suites.Suite) string {
	if s.KeyExchange == suites.ECDHEECDSA {
		return pki.KeyECDSA
	}
	return pki.KeyRSA
}

func serverConfig(s *pki.Setup, seed string) *tls12.Config {
	return &tls12.Config{Rand: rng.New([]byte("server " + seed)), Certificates: s.Chain, Signer: s.Signer}
}

func clientConfig(s *pki.Setup, seed string) *tls12.Config {
	return &tls12.Config{Rand: rng.New([]byte("client " + seed)), ServerName: s.ServerName, Roots: s.Roots()}
}

// converse runs both ends in memory until neither has anything to send.
// tamper, when set, sees each record (by its name and sender) before the
// peer does and returns what is delivered.
func converse(c, srv *tls12.Conn, tamper func(from, name string, wire []byte) []byte) {
	if err := c.Start(); err != nil {
		return
	}
	ends := []struct {
		name     string
		from, to *tls12.Conn
	}{{trace.Client, c, srv}, {trace.Server, srv, c}}
	for moved := true; moved; {
		moved = false
		for _, e := range ends {
			for _, o := range e.from.TakeOutput() {
				moved = true
				w := o.Wire
				if tamper != nil {
					w = tamper(e.name, o.Name, append([]byte(nil), w...))
				}
				if e.to.Err() == nil {
					e.to.Receive(w)
				}
			}
		}
	}
}

// exchange sends a message each way over an established pair.
func exchange(t *testing.T, c, srv *tls12.Conn) {
	t.Helper()
	for _, d := range []struct {
		from, to *tls12.Conn
		msg      string
	}{{c, srv, "hello server"}, {srv, c, "hello client"}} {
		if _, err := d.from.Write([]byte(d.msg)); err != nil {
			t.Fatal(err)
		}
		for _, o := range d.from.TakeOutput() {
			if err := d.to.Receive(o.Wire); err != nil {
				t.Fatal(err)
			}
		}
		got := d.to.TakeApplicationData()
		if len(got) != 1 || string(got[0]) != d.msg {
			t.Fatalf("got %q, want %q", got, d.msg)
		}
	}
}

func wantAlert(t *testing.T, who string, err error, want alert.Alert) {
	t.Helper()
	a, ok := alert.Of(err)
	if !ok || a != want {
		t.Fatalf("%s: error %v, want the alert %s", who, err, want)
	}
	if !strings.HasPrefix(err.Error(), "tls: ") {
		t.Errorf("%s: error %q does not start with \"tls: \"", who, err)
	}
}

// TestECDHEInProcess runs every ECDHE suite over both groups between the
// engine's own ends, with each certificate key the suite can use, and
// checks the key exchange both sides saw and what the trace shows of it.
func TestECDHEInProcess(t *testing.T) {
	for _, suite := range suites.ECDHE {
		keyTypes := []string{keyTypeFor(suite)}
		if suite.KeyExchange == suites.ECDHEECDSA {
			keyTypes = append(keyTypes, pki.KeyEd25519) // RFC 8422, Section 2: EdDSA serves ECDHE_ECDSA
		}
		for _, kt := range keyTypes {
			for _, g := range []*kx.Group{kx.X25519, kx.P256} {
				t.Run(suite.Name+"/"+g.Name+"/"+kt, func(t *testing.T) {
					s := keySetup(t, kt)
					rec := &trace.Recorder{}
					cc, sc := clientConfig(s, t.Name()), serverConfig(s, t.Name())
					cc.Suites, cc.Trace = []*suites.Suite{suite}, rec
					sc.Groups, sc.Trace = []*kx.Group{g}, rec
					c, srv := tls12.Client(cc), tls12.Server(sc)
					converse(c, srv, nil)
					if c.Err() != nil || srv.Err() != nil || !c.HandshakeComplete() || !srv.HandshakeComplete() {
						t.Fatalf("client: %v; server: %v", c.Err(), srv.Err())
					}
					if c.Suite() != suite || srv.Suite() != suite {
						t.Fatalf("suites %v / %v", c.Suite().Name, srv.Suite().Name)
					}
					ck, sk := c.ECDHE(), srv.ECDHE()
					if ck == nil || sk == nil || ck.Group != g || sk.Group != g {
						t.Fatalf("ECDHE views %+v / %+v", ck, sk)
					}
					if !bytes.Equal(ck.Shared, sk.Shared) || len(ck.Shared) != 32 || !bytes.Equal(ck.Shared, c.Secrets().PreMaster) {
						t.Fatal("the shared secrets differ, or are not the pre-master secret")
					}
					if !bytes.Equal(ck.ClientPublic, sk.ClientPublic) || !bytes.Equal(ck.ServerPublic, sk.ServerPublic) || bytes.Equal(ck.Private, sk.Private) {
						t.Fatal("the public keys differ between the two views")
					}
					if !ck.SignatureOK || ck.Scheme != sk.Scheme || !ck.Scheme.Fits(s.Leaf.PublicKey) {
						t.Fatalf("signature ok %v, schemes %v / %v", ck.SignatureOK, ck.Scheme.Name, sk.Scheme.Name)
					}
					if !bytes.Equal(c.Secrets().Master, srv.Secrets().Master) {
						t.Fatal("master secrets differ")
					}
					exchange(t, c, srv)
					checkKeyExchangeTrace(t, rec)

					// Closing both ends erases the shared secret and the
					// ephemeral private keys.
					c.Close()
					for _, o := range c.TakeOutput() {
						srv.Receive(o.Wire)
					}
					srv.Close()
					for _, o := range srv.TakeOutput() {
						c.Receive(o.Wire)
					}
					for _, k := range []*tls12.ECDHE{c.ECDHE(), srv.ECDHE()} {
						if !allZero(k.Private) || !allZero(k.Shared) {
							t.Fatal("an ephemeral private key or the shared secret survived the close")
						}
					}
				})
			}
		}
	}
}

func allZero(b []byte) bool {
	return len(bytes.Trim(b, "\x00")) == 0
}

// checkKeyExchangeTrace checks step 5: both ephemeral public keys, both
// private keys and both shared secrets (secret), the group, the signature
// scheme, the signature and its check.
func checkKeyExchangeTrace(t *testing.T, rec *trace.Recorder) {
	t.Helper()
	type want struct {
		actor, label, kind string
		secret             bool
	}
	wants := []want{
		{trace.Server, "Group", trace.KindText, false},
		{trace.Server, "Server ephemeral private key", trace.KindHex, true},
		{trace.Server, "Server ephemeral public key", trace.KindHex, false},
		{trace.Server, "Signature scheme", trace.KindText, false},
		{trace.Server, "Signature", trace.KindHex, false},
		{trace.Client, "Server ephemeral public key", trace.KindHex, false},
		{trace.Client, "Signature", trace.KindCheck, false},
		{trace.Client, "Client ephemeral private key", trace.KindHex, true},
		{trace.Client, "Client ephemeral public key", trace.KindHex, false},
		{trace.Client, "Shared secret", trace.KindHex, true},
		{trace.Server, "Client ephemeral public key", trace.KindHex, false},
		{trace.Server, "Shared secret", trace.KindHex, true},
	}
	shared := map[string]string{}
	for _, w := range wants {
		found := false
		for _, ev := range rec.Events {
			if ev.Step != tls12.StepKeyExchange || ev.Actor != w.actor {
				continue
			}
			for _, v := range ev.Values {
				if v.Label == w.label && v.Kind == w.kind && v.Secret == w.secret {
					found = true
					if v.Kind == trace.KindCheck && (v.OK == nil || !*v.OK) {
						t.Errorf("%s: check %q failed", w.actor, w.label)
					}
					if w.label == "Shared secret" {
						shared[w.actor] = v.Hex()
					}
				}
			}
		}
		if !found {
			t.Errorf("step 5 has no %s value %q (%s, secret %v)", w.actor, w.label, w.kind, w.secret)
		}
	}
	if shared[trace.Client] == "" || shared[trace.Client] != shared[trace.Server] {
		t.Error("the trace shows different shared secrets on the two sides")
	}
}

// TestECDHEDefaults: with no suite list, the client offers ECDHE and RSA
// key transport with x25519 and secp256r1 and never X25519MLKEM768, and the
// server picks the strongest suite its key can serve.
func TestECDHEDefaults(t *testing.T) {
	for _, tt := range []struct {
		keyType string
		want    *suites.Suite
	}{
		{pki.KeyRSA, suites.ECDHERSAWithAES256GCMSHA384},
		{pki.KeyECDSA, suites.ECDHEECDSAWithAES256GCMSHA384},
		{pki.KeyEd25519, suites.ECDHEECDSAWithAES256GCMSHA384},
	} {
		s := keySetup(t, tt.keyType)
		cc := clientConfig(s, "defaults")
		cc.Groups = []*kx.Group{kx.X25519MLKEM768, kx.X25519, kx.P256}
		c, srv := tls12.Client(cc), tls12.Server(serverConfig(s, "defaults"))
		var hello []byte
		converse(c, srv, func(from, name string, w []byte) []byte {
			if name == "ClientHello" {
				hello = w
			}
			return w
		})
		if c.Err() != nil || srv.Err() != nil {
			t.Fatalf("%s: client %v, server %v", tt.keyType, c.Err(), srv.Err())
		}
		if c.Suite() != tt.want || srv.ECDHE().Group != kx.X25519 {
			t.Errorf("%s key: negotiated %s over %s, want %s over x25519", tt.keyType, c.Suite().Name, srv.ECDHE().Group.Name, tt.want.Name)
		}
		ch, err := handshake.UnmarshalClientHello(hello[record.HeaderLen:])
		if err != nil {
			t.Fatal(err)
		}
		groups, _ := handshake.Find(ch.Extensions, handshake.ExtSupportedGroups)
		if !bytes.Equal(groups, []byte{0, 4, 0x00, 0x1d, 0x00, 0x17}) {
			t.Errorf("supported_groups = %x, want x25519 and secp256r1 only", groups)
		}
		if pf, _ := handshake.Find(ch.Extensions, handshake.ExtECPointFormats); !bytes.Equal(pf, []byte{1, 0}) {
			t.Errorf("ec_point_formats = %x, want uncompressed", pf)
		}
		if len(ch.CipherSuites) != len(suites.ECDHE)+len(suites.Classic) {
			t.Errorf("the default client offers %d suites", len(ch.CipherSuites))
		}
	}

	// A classic-only client sends neither supported_groups nor
	// ec_point_formats, and an RSA server still serves it.
	s := setup(t)
	cc := clientConfig(s, "classic")
	cc.Suites = suites.Classic
	c, srv := tls12.Client(cc), tls12.Server(serverConfig(s, "classic"))
	converse(c, srv, func(from, name string, w []byte) []byte {
		if name == "ClientHello" {
			if bytes.Contains(w, []byte{0x00, 0x0a, 0x00}) && bytes.Contains(w, []byte{0x00, 0x0b, 0x00, 0x02, 0x01, 0x00}) {
				t.Error("a classic ClientHello carries ECDHE extensions")
			}
		}
		return w
	})
	if c.Err() != nil || c.Suite() != suites.RSAWithAES256GCMSHA384 || c.ECDHE() != nil {
		t.Fatalf("classic: %v, %v", c.Err(), c.Suite())
	}
}

// TestECDHEServerKeyTypes: the server keeps to the suites its key can serve.
func TestECDHEServerKeyTypes(t *testing.T) {
	for _, tt := range []struct {
		name    string
		keyType string
		offer   []*suites.Suite
		want    *suites.Suite // nil: handshake_failure
		msg     string
	}{
		{"ecdsa key, classic client", pki.KeyECDSA, suites.Classic, nil, "RSA key transport needs an RSA key; this server's is ECDSA P-256"},
		{"ecdsa key, ECDHE_RSA client", pki.KeyECDSA, []*suites.Suite{suites.ECDHERSAWithAES128GCMSHA256}, nil, "needs an RSA certificate key; this server's is ECDSA P-256"},
		{"rsa key, ECDHE_ECDSA client", pki.KeyRSA, []*suites.Suite{suites.ECDHEECDSAWithAES128GCMSHA256}, nil, "needs an ECDSA (P-256, P-384, P-521) or Ed25519 certificate key; this server's is RSA-2048"},
		{"rsa key, ECDSA first", pki.KeyRSA, []*suites.Suite{suites.ECDHEECDSAWithAES256GCMSHA384, suites.RSAWithAES128GCMSHA256, suites.ECDHERSAWithChaCha20Poly1305SHA256}, suites.ECDHERSAWithChaCha20Poly1305SHA256, ""},
		{"ed25519 key, ChaCha", pki.KeyEd25519, []*suites.Suite{suites.ECDHEECDSAWithChaCha20Poly1305SHA256}, suites.ECDHEECDSAWithChaCha20Poly1305SHA256, ""},
		{"ecdsa key, client without secp256r1", pki.KeyECDSA, suites.ECDHE, nil, "the certificate's ECDSA key is on secp256r1, which the client's supported_groups (x25519) leaves out"},
		{"ed25519 key, client without secp256r1", pki.KeyEd25519, suites.ECDHE, suites.ECDHEECDSAWithAES256GCMSHA384, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := keySetup(t, tt.keyType)
			cc := clientConfig(s, tt.name)
			cc.Suites = tt.offer
			if strings.Contains(tt.name, "without secp256r1") {
				cc.Groups = []*kx.Group{kx.X25519}
			}
			c, srv := tls12.Client(cc), tls12.Server(serverConfig(s, tt.name))
			converse(c, srv, nil)
			if tt.want != nil {
				if c.Err() != nil || c.Suite() != tt.want {
					t.Fatalf("%v, %v", c.Err(), c.Suite())
				}
				return
			}
			wantAlert(t, "server", srv.Err(), alert.HandshakeFailure)
			if !strings.Contains(srv.Err().Error(), tt.msg) {
				t.Errorf("server error %q does not say %q", srv.Err(), tt.msg)
			}
		})
	}
}

// TestECDHENoSharedGroup: a client that offers only groups the server lacks
// gets handshake_failure, and the error names both lists.
func TestECDHENoSharedGroup(t *testing.T) {
	s := setup(t)
	cc := clientConfig(s, "groups")
	cc.Suites, cc.Groups = suites.ECDHE, []*kx.Group{kx.P256}
	sc := serverConfig(s, "groups")
	sc.Groups = []*kx.Group{kx.X25519}
	c, srv := tls12.Client(cc), tls12.Server(sc)
	converse(c, srv, nil)
	wantAlert(t, "server", srv.Err(), alert.HandshakeFailure)
	if want := "no group in common: the client offers secp256r1, the server x25519"; !strings.Contains(srv.Err().Error(), want) {
		t.Errorf("server error %q does not say %q", srv.Err(), want)
	}
	if a, _ := alert.Of(c.Err()); a != alert.HandshakeFailure {
		t.Errorf("client: %v", c.Err())
	}

	// A server configured with only the TLS 1.3 hybrid has no 1.2 group.
	sc = serverConfig(s, "hybrid")
	sc.Groups = []*kx.Group{kx.X25519MLKEM768}
	cc = clientConfig(s, "hybrid")
	cc.Suites = suites.ECDHE
	c, srv = tls12.Client(cc), tls12.Server(sc)
	converse(c, srv, nil)
	wantAlert(t, "server", srv.Err(), alert.HandshakeFailure)
	if want := "X25519MLKEM768 exists only in TLS 1.3"; !strings.Contains(srv.Err().Error(), want) {
		t.Errorf("server error %q does not say %q", srv.Err(), want)
	}

	// A client with only the hybrid cannot offer ECDHE at all.
	cc = clientConfig(s, "hybrid client")
	cc.Suites, cc.Groups = suites.ECDHE, []*kx.Group{kx.X25519MLKEM768}
	c = tls12.Client(cc)
	if err := c.Start(); err == nil || !strings.Contains(err.Error(), "X25519MLKEM768 exists only in TLS 1.3") {
		t.Errorf("Start: %v", err)
	}
}

// TestECDHESchemes: the server signs with the first scheme of its own list
// that the client offers; a client offering only rsa_pkcs1 gets PKCS #1
// v1.5 (allowed in TLS 1.2); a client whose schemes fit no key fails.
func TestECDHESchemes(t *testing.T) {
	s := setup(t)
	for _, tt := range []struct {
		client []*sigscheme.Scheme
		want   *sigscheme.Scheme
	}{
		{nil, sigscheme.RSAPSSRSAESHA256},
		{[]*sigscheme.Scheme{sigscheme.RSAPKCS1SHA384, sigscheme.RSAPKCS1SHA256}, sigscheme.RSAPKCS1SHA256},
		{[]*sigscheme.Scheme{sigscheme.RSAPSSRSAESHA384}, sigscheme.RSAPSSRSAESHA384},
		{[]*sigscheme.Scheme{sigscheme.ECDSAP256SHA256, sigscheme.Ed25519}, nil},
	} {
		cc := clientConfig(s, "schemes")
		cc.Suites, cc.SignatureSchemes = []*suites.Suite{suites.ECDHERSAWithAES128GCMSHA256}, tt.client
		c, srv := tls12.Client(cc), tls12.Server(serverConfig(s, "schemes"))
		converse(c, srv, nil)
		if tt.want == nil {
			wantAlert(t, "server", srv.Err(), alert.HandshakeFailure)
			if !strings.Contains(srv.Err().Error(), "no signature scheme the client accepts (ecdsa_secp256r1_sha256, ed25519) fits the server's RSA-2048 key") {
				t.Errorf("server error %q", srv.Err())
			}
			continue
		}
		if c.Err() != nil || c.ECDHE().Scheme != tt.want {
			t.Errorf("client offers %v: %v, scheme %v", tt.client, c.Err(), c.ECDHE())
		}
	}
}

// TestECDHETamper changes the ServerKeyExchange: a byte of the signature,
// of the public key or of the group gives decrypt_error (the signature
// covers them all); an unknown group or a scheme the client did not offer
// gives illegal_parameter; a bad point from the client gives
// illegal_parameter at the server.
func TestECDHETamper(t *testing.T) {
	for _, tt := range []struct {
		name   string
		group  *kx.Group
		key    string
		record string
		// change edits the message body (after the 4-byte handshake header).
		change func(body []byte)
		side   string
		want   alert.Alert
		msg    string
	}{
		{"signature byte", kx.X25519, pki.KeyRSA, "ServerKeyExchange", func(b []byte) { b[len(b)-1] ^= 1 }, "client", alert.DecryptError, "ServerKeyExchange signature does not verify"},
		{"ecdsa signature byte", kx.P256, pki.KeyECDSA, "ServerKeyExchange", func(b []byte) { b[len(b)-5] ^= 0x10 }, "client", alert.DecryptError, "ServerKeyExchange signature does not verify"},
		{"public key byte", kx.X25519, pki.KeyRSA, "ServerKeyExchange", func(b []byte) { b[4+10] ^= 1 }, "client", alert.DecryptError, "ServerKeyExchange signature does not verify"},
		{"P-256 point byte", kx.P256, pki.KeyECDSA, "ServerKeyExchange", func(b []byte) { b[4+30] ^= 1 }, "client", alert.DecryptError, "ServerKeyExchange signature does not verify"},
		{"group not offered", kx.X25519, pki.KeyRSA, "ServerKeyExchange", func(b []byte) { b[2] = 0x18 }, "client", alert.IllegalParameter, "server chose the group secp384r1, which the client did not offer"},
		{"explicit curve", kx.X25519, pki.KeyRSA, "ServerKeyExchange", func(b []byte) { b[0] = 1 }, "client", alert.IllegalParameter, "only named curves"},
		{"scheme not offered", kx.X25519, pki.KeyRSA, "ServerKeyExchange", func(b []byte) { b[4+32], b[4+32+1] = 0x02, 0x01 }, "client", alert.IllegalParameter, "rsa_pkcs1_sha1, which the client did not offer"},
		{"client P-256 point off the curve", kx.P256, pki.KeyRSA, "ClientKeyExchange", func(b []byte) { b[40] ^= 1 }, "server", alert.IllegalParameter, "the client's ephemeral public key is not a usable secp256r1 key"},
		{"client x25519 key too short", kx.X25519, pki.KeyRSA, "ClientKeyExchange", func(b []byte) { b[0] = 31 }, "server", alert.DecodeError, "malformed ClientKeyExchange"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := keySetup(t, tt.key)
			cc := clientConfig(s, "tamper")
			cc.Suites, cc.Groups = suites.ECDHE, []*kx.Group{tt.group}
			c, srv := tls12.Client(cc), tls12.Server(serverConfig(s, "tamper"))
			tampered := false
			converse(c, srv, func(from, name string, w []byte) []byte {
				if name == tt.record {
					tt.change(w[record.HeaderLen+handshake.HeaderLen:])
					tampered = true
				}
				return w
			})
			if !tampered {
				t.Fatalf("no %s was sent", tt.record)
			}
			var err, peer error = c.Err(), srv.Err()
			if tt.side == "server" {
				err, peer = peer, err
			}
			wantAlert(t, tt.side, err, tt.want)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s error %q does not say %q", tt.side, err, tt.msg)
			}
			if a, _ := alert.Of(peer); a != tt.want {
				t.Errorf("the peer got %v, want the alert %s", peer, tt.want)
			}
			if c.HandshakeComplete() || srv.HandshakeComplete() {
				t.Error("a side completed the handshake")
			}
		})
	}
}

// TestECDHEReplays: the same seeds give the same handshake bytes, ECDSA
// and RSA-PSS signatures included.
func TestECDHEReplays(t *testing.T) {
	for _, kt := range []string{pki.KeyRSA, pki.KeyECDSA, pki.KeyEd25519} {
		s := keySetup(t, kt)
		run := func() []byte {
			var all []byte
			converse(tls12.Client(clientConfig(s, "replay")), tls12.Server(serverConfig(s, "replay")), func(_, _ string, w []byte) []byte {
				all = append(all, w...)
				return w
			})
			return all
		}
		if a, b := run(), run(); !bytes.Equal(a, b) {
			t.Errorf("%s: the same seeds gave different records", kt)
		}
	}
}
