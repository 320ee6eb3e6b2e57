package eve_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"tlsplayground/playground/eve"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
)

// recordWith records a session in mode where the client sends msg.
func recordWith(t *testing.T, s *pki.Setup, mode, msg string) []eve.Record {
	t.Helper()
	sess, err := session.New(s, session.Options{Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Send("client", msg); err != nil {
		t.Fatal(err)
	}
	var out []eve.Record
	for _, r := range sess.Export().Records {
		out = append(out, eve.Record{From: r.From, Hex: r.Hex})
	}
	return out
}

func item(t *testing.T, x *eve.Exposure, id string) eve.Item {
	t.Helper()
	for _, it := range x.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no item %q", id)
	return eve.Item{}
}

// dataRecords are the records Eve places after the handshake.
func dataRecords(x *eve.Exposure) []eve.RecordSize {
	var out []eve.RecordSize
	for _, r := range x.Records {
		if r.Phase == eve.PhaseData {
			out = append(out, r)
		}
	}
	return out
}

// The length of what the client typed shows on the wire, byte for byte, in
// every mode: TLS encrypts the content, not its length.
func TestExposeLengthLeak(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("exposure"))})
	if err != nil {
		t.Fatal(err)
	}
	short, long := "hello", strings.Repeat("x", 50)
	for _, mode := range []string{session.ModeClassic, session.ModeECDHE, session.ModeTLS13} {
		a, err := eve.Expose(recordWith(t, s, mode, short))
		if err != nil {
			t.Fatal(err)
		}
		b, err := eve.Expose(recordWith(t, s, mode, long))
		if err != nil {
			t.Fatal(err)
		}
		da, db := dataRecords(a), dataRecords(b)
		if len(da) != 1 || len(db) != 1 {
			t.Fatalf("%s: data records %d and %d, want 1 each: %+v", mode, len(da), len(db), a.Records)
		}
		if d := db[0].Wire - da[0].Wire; d != 45 {
			t.Errorf("%s: the records differ by %d bytes on the wire, want 45", mode, d)
		}
		if da[0].Plaintext != 5 || db[0].Plaintext != 50 || da[0].From != "client" || !da[0].Encrypted {
			t.Errorf("%s: Eve reads plaintext lengths %d and %d (want 5 and 50): %+v", mode, da[0].Plaintext, db[0].Plaintext, da[0])
		}
		if got := item(t, b, eve.ItemSizes); got.Status != eve.StatusClear || len(got.Values) != 1 || got.Values[0] != "50" || got.Spans[0].Kind != "record.length" {
			t.Errorf("%s: sizes item %+v", mode, got)
		}
		// Every handshake record before the data, and the data's index after them.
		if b.Shape.HandshakeRecords != db[0].Index {
			t.Errorf("%s: %d handshake records, the data record is #%d", mode, b.Shape.HandshakeRecords, db[0].Index)
		}
	}
}

// Padding to a block hides lengths within the block: 5 and 50 bytes make
// records of the same length (RFC 8446 §5.4).
func TestExposePadding(t *testing.T) {
	s, _ := pki.NewSetup(pki.Options{Rand: rng.New([]byte("exposure"))})
	if eve.PadBlocks[0] != 32 || eve.PadBlocks[1] != 256 {
		t.Fatalf("the test assumes blocks 32 and 256, not %v", eve.PadBlocks)
	}
	pad := func(msg string) []int {
		x, err := eve.Expose(recordWith(t, s, session.ModeTLS13, msg))
		if err != nil {
			t.Fatal(err)
		}
		return dataRecords(x)[0].Padded
	}
	a, b, c := pad("hello"), pad(strings.Repeat("x", 50)), pad(strings.Repeat("x", 255))
	// 5+1 and 50+1 bytes of inner plaintext, padded to 256, and the 16-byte tag.
	if a[1] != 256+16 || b[1] != 256+16 {
		t.Fatalf("padded to 256: %d and %d, want 272 each", a[1], b[1])
	}
	// To 32 they still differ: 32 and 64.
	if a[0] != 32+16 || b[0] != 64+16 {
		t.Fatalf("padded to 32: %d and %d, want 48 and 80", a[0], b[0])
	}
	// 255 bytes and the type byte fill 256 exactly; 256 would need a second block.
	if c[1] != 256+16 {
		t.Fatalf("255 bytes padded to 256: %d, want 272", c[1])
	}
	x, _ := eve.Expose(recordWith(t, s, session.ModeECDHE, "hello"))
	if p := dataRecords(x)[0].Padded; len(p) != 0 {
		t.Fatalf("TLS 1.2 AEAD records cannot be padded, yet %v", p)
	}
}

// The server name is in the clear in every mode, TLS 1.3 included; the
// certificate only in TLS 1.2.
func TestExposeSNIAndCertificate(t *testing.T) {
	s, _ := pki.NewSetup(pki.Options{Rand: rng.New([]byte("exposure"))})
	for _, mode := range []string{session.ModeClassic, session.ModeECDHE, session.ModeTLS13} {
		recs := recordWith(t, s, mode, "hi")
		x, err := eve.Expose(recs)
		if err != nil {
			t.Fatal(err)
		}
		sni := item(t, x, eve.ItemSNI)
		if sni.Status != eve.StatusClear || len(sni.Values) != 1 || sni.Values[0] == "" || len(sni.Spans) != 1 ||
			sni.Spans[0].Record != 0 || sni.Spans[0].Kind != "ext.server_name.host_name" || sni.Answer != eve.AnswerECH {
			t.Fatalf("%s: sni %+v", mode, sni)
		}
		sp := sni.Spans[0]
		wire := hexBytes(t, recs[0].Hex)
		if string(wire[sp.Offset+2:sp.Offset+sp.Length]) != sni.Values[0] {
			t.Fatalf("%s: the span holds %q, not %q", mode, wire[sp.Offset:sp.Offset+sp.Length], sni.Values[0])
		}
		if dns := item(t, x, eve.ItemDNS); dns.Status != eve.StatusAround || dns.Values[0] != sni.Values[0] {
			t.Fatalf("%s: dns %+v", mode, dns)
		}
		cert := item(t, x, eve.ItemCertificate)
		if mode == session.ModeTLS13 {
			if cert.Status != eve.StatusEncrypted || len(cert.Values) != 1 || cert.Values[0] == "0" || len(cert.Spans) == 0 {
				t.Fatalf("%s: certificate %+v", mode, cert)
			}
			if x.Shape.Kind != eve.ShapeTLS13Full || x.Version != "TLS 1.3" {
				t.Fatalf("%s: shape %s, version %s", mode, x.Shape.Kind, x.Version)
			}
		} else {
			if cert.Status != eve.StatusClear || len(cert.Values) == 0 || !strings.Contains(cert.Values[0], "dns="+sni.Values[0]) {
				t.Fatalf("%s: certificate %+v", mode, cert)
			}
			if x.Shape.Kind != eve.ShapeTLS12Full || x.Version != "TLS 1.2" {
				t.Fatalf("%s: shape %s, version %s", mode, x.Shape.Kind, x.Version)
			}
		}
		if a := item(t, x, eve.ItemAddresses); a.Values[0] != "10.0.0.1:50000" || a.Values[1] != "10.0.0.2:443" {
			t.Fatalf("addresses %v", a.Values)
		}
		if alpn := item(t, x, eve.ItemALPN); alpn.Status != eve.StatusAbsent {
			t.Fatalf("%s: the engine sends no ALPN, yet %+v", mode, alpn)
		}
	}
}

// A real browser's hello: ALPN and an ECH extension (GREASE) in the clear.
func TestExposeBrowserHello(t *testing.T) {
	x, err := eve.Expose(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := x.Browser
	if len(b.ALPN) != 2 || b.ALPN[0] != "h2" || b.ALPN[1] != "http/1.1" || b.ECH < 100 || len(b.SNI) != 1 || b.SNI[0] != "playground.test" {
		t.Fatalf("browser %+v", b)
	}
	// Items and spans are never null in JSON: the page maps over them.
	j, _ := json.Marshal(x)
	if strings.Contains(string(j), "null") {
		t.Fatalf("null in %s", j)
	}
}

// The flights: TLS 1.3 finishes in fewer records than TLS 1.2, and TLS 1.2's
// ChangeCipherSpec records are the evidence.
func TestExposeShape(t *testing.T) {
	s, _ := pki.NewSetup(pki.Options{Rand: rng.New([]byte("exposure"))})
	x12, _ := eve.Expose(recordWith(t, s, session.ModeECDHE, "hi"))
	x13, _ := eve.Expose(recordWith(t, s, session.ModeTLS13, "hi"))
	if len(x12.Shape.Evidence) != 2 || x12.Shape.Evidence[0].Kind != "record.type" {
		t.Fatalf("TLS 1.2 evidence %+v", x12.Shape.Evidence)
	}
	if len(x13.Shape.Evidence) != 1 || x13.Shape.Evidence[0].Kind != "ext.supported_versions.selected_version" {
		t.Fatalf("TLS 1.3 evidence %+v", x13.Shape.Evidence)
	}
	if f12, f13 := len(x12.Shape.Flights), len(x13.Shape.Flights); f13 >= f12 {
		t.Fatalf("flights: TLS 1.2 %d, TLS 1.3 %d", f12, f13)
	}
	if _, err := eve.Expose([]eve.Record{{From: "eve", Hex: ""}}); err == nil {
		t.Fatal("a record from eve accepted")
	}
}

func hexBytes(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A resumed handshake looks different on the wire: crypto/tls resuming
// its own session (TLS 1.3: the server's pre_shared_key in the ServerHello;
// TLS 1.2: the server's ChangeCipherSpec comes first).
func TestExposeResumptionShape(t *testing.T) {
	cert := interop.SelfSigned(t, "server.test")
	for _, v := range []struct {
		version     uint16
		full, again string
	}{{tls.VersionTLS13, eve.ShapeTLS13Full, eve.ShapeTLS13Resumed}, {tls.VersionTLS12, eve.ShapeTLS12Full, eve.ShapeTLS12Resumed}} {
		pool := x509.NewCertPool()
		leaf, _ := x509.ParseCertificate(cert.Certificate[0])
		pool.AddCert(leaf)
		client := &tls.Config{ServerName: "server.test", RootCAs: pool, MaxVersion: v.version, ClientSessionCache: tls.NewLRUClientSessionCache(4)}
		server := &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: v.version}
		var shapes []*eve.Exposure
		for range 2 {
			recs, _ := interop.GoTLS(t, client, server)
			var in []eve.Record
			for _, r := range recs {
				from := "server"
				if r.FromClient {
					from = "client"
				}
				in = append(in, eve.Record{From: from, Hex: hex.EncodeToString(r.Wire)})
			}
			x, err := eve.Expose(in)
			if err != nil {
				t.Fatal(err)
			}
			shapes = append(shapes, x)
		}
		if shapes[0].Shape.Kind != v.full || shapes[1].Shape.Kind != v.again {
			t.Fatalf("%x: shapes %q then %q, want %q then %q", v.version, shapes[0].Shape.Kind, shapes[1].Shape.Kind, v.full, v.again)
		}
		if sni := item(t, shapes[1], eve.ItemSNI); sni.Values[0] != "server.test" {
			t.Fatalf("%x: the resumption's SNI %v", v.version, sni.Values)
		}
		// The full handshake sent the certificate; the resumption did not:
		// in TLS 1.3 the server's encrypted flight shrinks by about its size.
		c0, c1 := item(t, shapes[0], eve.ItemCertificate), item(t, shapes[1], eve.ItemCertificate)
		if v.version == tls.VersionTLS13 {
			var n0, n1 int
			fmt.Sscan(c0.Values[0], &n0)
			fmt.Sscan(c1.Values[0], &n1)
			if n0-n1 < len(cert.Certificate[0]) {
				t.Fatalf("TLS 1.3: the server's encrypted handshake %d bytes, resumed %d: the %d-byte certificate does not show", n0, n1, len(cert.Certificate[0]))
			}
		} else if c0.Status != eve.StatusClear || len(c1.Spans) != 0 {
			t.Fatalf("TLS 1.2: certificate %+v then %+v", c0, c1)
		}
	}
}

// Eve's attempt with a leaked key carries what she learned before it.
func TestDecryptCarriesExposure(t *testing.T) {
	s, _ := pki.NewSetup(pki.Options{Rand: rng.New([]byte("exposure"))})
	res := eve.Decrypt(recordWith(t, s, session.ModeTLS13, "hello"), s.Signer)
	if res.OK || res.Exposure == nil || res.Exposure.Version != "TLS 1.3" || dataRecords(res.Exposure)[0].Plaintext != 5 {
		t.Fatalf("result %+v", res)
	}
}

// A HelloRetryRequest shows too: two ServerHellos, the first with the
// special random; the version and suite are the last one's.
func TestExposeHelloRetry(t *testing.T) {
	s, _ := pki.NewSetup(pki.Options{Rand: rng.New([]byte("exposure"))})
	sess, err := session.New(s, session.Options{Mode: session.ModeTLS13, Group: "x25519", ServerGroups: []string{"secp256r1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Send("client", "hello"); err != nil {
		t.Fatal(err)
	}
	var recs []eve.Record
	for _, r := range sess.Export().Records {
		recs = append(recs, eve.Record{From: r.From, Hex: r.Hex})
	}
	x, err := eve.Expose(recs)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Shape.HelloRetry || x.Shape.Kind != eve.ShapeTLS13Full || x.Version != "TLS 1.3" || x.Suite == "" {
		t.Fatalf("shape %+v, version %q, suite %q", x.Shape, x.Version, x.Suite)
	}
	if e := x.Shape.Evidence; len(e) != 3 || e[0].Kind != "handshake.hello_retry_request" || e[0].Record != 1 {
		t.Fatalf("evidence %+v", e)
	}
	// client, server (HRR), client, server…: one more round trip than without.
	if len(x.Shape.Flights) < 5 || x.Shape.Flights[1].From != "server" || x.Shape.Flights[2].From != "client" {
		t.Fatalf("flights %+v", x.Shape.Flights)
	}
	if d := dataRecords(x); len(d) != 1 || d[0].Plaintext != 5 {
		t.Fatalf("data %+v", d)
	}
}
