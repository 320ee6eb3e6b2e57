package capture_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/capture"
	"tlsplayground/playground/pcap"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
)

const capturesDir = "../../../shared/testdata/captures"

func read(t *testing.T, name, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(capturesDir, name, file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// leaves appends the leaves of a field tree.
func leaves(f *analyze.Field, out []*analyze.Field) []*analyze.Field {
	if len(f.Children) == 0 {
		return append(out, f)
	}
	for _, c := range f.Children {
		out = leaves(c, out)
	}
	return out
}

// covers checks the analyzer's invariant on one tree: the leaves cover the
// bytes once, in order.
func covers(t *testing.T, what string, f *analyze.Field, b []byte) {
	t.Helper()
	if f == nil {
		t.Errorf("%s: no tree", what)
		return
	}
	// Leaf offsets are relative to the bytes analysed (nested fields
	// included), so they must tile 0..len(b).
	at := 0
	for _, l := range leaves(f, nil) {
		if l.Offset != at {
			t.Errorf("%s: leaf %q at %d, want %d", what, l.Name, l.Offset, at)
			return
		}
		at += l.Length
	}
	if at != len(b) {
		t.Errorf("%s: leaves cover %d of %d bytes", what, at, len(b))
	}
}

func checkConnection(t *testing.T, what string, c *capture.Connection) {
	t.Helper()
	for i, r := range c.Decrypt.Records {
		if r.Err != "" {
			t.Errorf("%s: record %d: %s", what, i, r.Err)
		}
		if r.Encrypted != (c.Records[i].Plaintext != nil) {
			t.Errorf("%s: record %d: encrypted %v, plaintext %x", what, i, r.Encrypted, c.Records[i].Plaintext)
		}
	}
	if len(c.Decrypt.Finished) != 2 || !c.Decrypt.Finished[0].OK || !c.Decrypt.Finished[1].OK {
		t.Errorf("%s: Finished %+v", what, c.Decrypt.Finished)
	}
	if len(c.Problems) > 0 {
		t.Errorf("%s: problems %q", what, c.Problems)
	}
}

func TestIllustratedCaptures(t *testing.T) {
	for _, c := range []struct {
		name, version, suite string
		messages             string
	}{
		{"illustrated-tls12", "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
			"client ClientHello 1, server ServerHello 2, server Certificate 2, server ServerKeyExchange 2, server ServerHelloDone 2, client ClientKeyExchange 5, client ChangeCipherSpec 6, client Finished 6, server ChangeCipherSpec 6, server Finished 6, client ApplicationData 7, server ApplicationData 7, client Alert 7"},
		{"illustrated-tls13", "TLS 1.3", "TLS_AES_256_GCM_SHA384",
			"client ClientHello 1, server ServerHello 2, server ChangeCipherSpec 2, server EncryptedExtensions 2, server Certificate 2, server CertificateVerify 6, server Finished 6, client ChangeCipherSpec 6, client Finished 6, client ApplicationData 7, server NewSessionTicket 7, server NewSessionTicket 7, server ApplicationData 7"},
	} {
		var calls []int
		res, err := capture.Open(read(t, c.name, "capture.pcap"), read(t, c.name, "keylog.txt"), func(done, total int) { calls = append(calls, done, total) })
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Connections) != 1 || res.Format != "pcap" || res.KeyLogLines == 0 || res.Embedded != 0 {
			t.Fatalf("%s: %d connections, format %s, %d key log lines (%d embedded)", c.name, len(res.Connections), res.Format, res.KeyLogLines, res.Embedded)
		}
		if len(calls) < 4 || calls[len(calls)-2] != calls[len(calls)-1] {
			t.Errorf("%s: progress calls %v: the last should say done == total", c.name, calls)
		}
		conn := res.Connections[0]
		checkConnection(t, c.name, conn)
		if conn.Decrypt.VersionName() != c.version || conn.Decrypt.SuiteName != c.suite {
			t.Errorf("%s: %s %s", c.name, conn.Decrypt.VersionName(), conn.Decrypt.SuiteName)
		}
		var got []string
		for _, m := range conn.Messages {
			got = append(got, m.From+" "+m.Name+" "+string(rune('0'+m.Step)))
		}
		if strings.Join(got, ", ") != c.messages {
			t.Errorf("%s: messages\n%s\nwant\n%s", c.name, strings.Join(got, ", "), c.messages)
		}
		// Every record's tree covers its bytes, decrypted ones too; asked
		// out of order, the analyzer starts over and gives the same tree.
		first, _ := json.Marshal(mustTree(t, res, 0, len(conn.Records)-1))
		for i, r := range conn.Records {
			tr := mustTree(t, res, 0, i)
			covers(t, c.name+" wire", tr.Wire, r.Wire)
			if r.Plaintext != nil {
				covers(t, c.name+" plaintext", tr.Plain, r.Plaintext)
			}
		}
		again, _ := json.Marshal(mustTree(t, res, 0, len(conn.Records)-1))
		if !bytes.Equal(first, again) {
			t.Errorf("%s: the last record's tree differs when asked again in order", c.name)
		}
	}
}

func mustTree(t *testing.T, res *capture.Result, conn, rec int) *analyze.Tree {
	t.Helper()
	tr, err := res.Tree(conn, rec)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestSummaryJSON(t *testing.T) {
	res, err := capture.Open(read(t, "illustrated-tls13", "capture.pcap"), read(t, "illustrated-tls13", "keylog.txt"), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res.Summary())
	if err != nil {
		t.Fatal(err)
	}
	summary := string(b)
	var s capture.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	c := s.Connections[0]
	if !c.Decrypted || c.SNI != "example.ulfheim.net" || c.Version != "TLS 1.3" || len(c.Finished) != 2 || len(c.KeySchedule.Nodes) == 0 ||
		c.Records[3].Type != "handshake" || !c.Records[3].Encrypted || c.Records[3].Key != "server_handshake_traffic_secret" {
		t.Errorf("summary: %s", summary)
	}
	if strings.Contains(summary, "wireHex") || len(summary) > 20000 {
		t.Errorf("the summary carries record bytes or trees (%d bytes)", len(summary))
	}
	if tr, err := res.Tree(0, 3); err != nil || tr.Wire == nil || tr.Plain == nil {
		t.Errorf("record 3's tree: %v", err)
	}
	for _, bad := range [][2]int{{1, 0}, {-1, 0}, {0, 99}, {0, -1}} {
		if _, err := res.Tree(bad[0], bad[1]); err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("Tree(%d, %d): %v", bad[0], bad[1], err)
		}
	}
}

func testSetup(t testing.TB) *pki.Setup {
	t.Helper()
	s, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("capture tests"))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSessionExport: the page's own download goes the same way as a
// capture: every record decrypts with the export's own key log, after
// KeyUpdate too.
func TestSessionExport(t *testing.T) {
	setup := testSetup(t)
	for _, mode := range []string{session.ModeClassic, session.ModeECDHE, session.ModeTLS13} {
		s, err := session.New(setup, session.Options{Mode: mode, Seed: []byte(mode)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send("client", "hello from the client"); err != nil {
			t.Fatal(err)
		}
		if mode == session.ModeTLS13 {
			if err := s.KeyUpdate("server"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send("server", "after the update"); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		e := s.Export()
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		res, err := capture.Open(b, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "session export" || len(res.Connections) != 1 || res.Embedded == 0 {
			t.Fatalf("%s: %+v", mode, res)
		}
		c := res.Connections[0]
		checkConnection(t, mode, c)
		// The arrows name the same messages as the engine's, record by
		// record (the engine has one arrow per record).
		for _, m := range e.Messages {
			found := false
			for _, mine := range c.Messages {
				if mine.Record == m.Record && mine.Name == m.Name && mine.From == m.From && mine.Encrypted == m.Encrypted {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: the engine's arrow %+v is not among the import's", mode, m)
			}
		}
		for i := range c.Records {
			tr := mustTree(t, res, 0, i)
			covers(t, mode, tr.Wire, c.Records[i].Wire)
		}
	}
}

func TestBadFiles(t *testing.T) {
	tls12 := read(t, "illustrated-tls12", "capture.pcap")
	kl13 := read(t, "illustrated-tls13", "keylog.txt")
	http := pcap.Write([]pcap.Packet{{FromClient: true, Payload: []byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")},
		{Payload: []byte("HTTP/1.1 200 OK\r\n\r\n")}}, time.Unix(0, 0))
	for _, c := range []struct {
		name         string
		file, keylog []byte
		want         string
	}{
		{"empty", nil, nil, "the capture file is empty"},
		{"not a capture", []byte("hello, this is a text file"), nil, "not a capture file"},
		{"key log as capture", read(t, "illustrated-tls13", "keylog.txt"), nil, "this file is an NSS key log, not a capture: give it as the key log"},
		{"bad json", []byte(`{"mode": `), nil, "not a capture file, and not a session export either"},
		{"other json", []byte(`{"name": "x"}`), nil, "not a session export of the playground"},
		{"plain http", http, nil, `no TLS in the capture: 1 TCP stream(s), none starts with a TLS handshake record (10.0.0.1:50000 → 10.0.0.2:443: not TLS: the client's first bytes are 47 45 54 20 2f 20 48 54, not a TLS handshake record (16 03 0x): "GET ", plain HTTP)`},
		{"bad key log", tls12, []byte("CLIENT_RANDOM 00 " + strings.Repeat("ab", 48) + "\n"), "key log file: key log line 1: the client random of CLIENT_RANDOM is 1 bytes"},
		{"comments only", tls12, []byte("# nothing\n"), "key log file: no key log lines in it"},
		{"too big", make([]byte, capture.MaxFile+1), nil, "capture file is 67108865 bytes: the limit is 67108864"},
	} {
		_, err := capture.Open(c.file, c.keylog, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}

	// A key log of another connection: the capture opens, the problem says why nothing decrypts.
	res, err := capture.Open(tls12, kl13, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(res.Connections[0].Problems, "; "); !strings.Contains(p, "the key log has no CLIENT_RANDOM line for client random") {
		t.Errorf("another connection's key log: %s", p)
	}

	// Truncated: the capture opens with what it holds, and says so.
	for _, cut := range []int{len(tls12) - 10, len(tls12) / 2} {
		res, err := capture.Open(tls12[:cut], nil, nil)
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		all := strings.Join(append(res.Problems, res.Connections[0].Problems...), "; ")
		if !strings.Contains(all, "truncated") {
			t.Errorf("cut at %d: problems %q", cut, all)
		}
	}
}

// TestPCAPNGWithKeyLog: the page's own download (a pcapng file with the key
// log inside, playground/session PCAPNG) opens decrypted with no key log
// file, after a KeyUpdate too; the attack lab's file gives two connections.
func TestPCAPNGWithKeyLog(t *testing.T) {
	setup := testSetup(t)
	for _, mode := range []string{session.ModeClassic, session.ModeECDHE, session.ModeTLS13} {
		s, err := session.New(setup, session.Options{Mode: mode, Seed: []byte("pcapng " + mode)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send("client", "typed by the test"); err != nil {
			t.Fatal(err)
		}
		if mode == session.ModeTLS13 {
			if err := s.KeyUpdate("client"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send("client", ", and after the update"); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		res, err := capture.Open(s.PCAPNG(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "pcapng" || res.Embedded == 0 || len(res.Connections) != 1 {
			t.Fatalf("%s: format %s, %d embedded key log lines, %d connections", mode, res.Format, res.Embedded, len(res.Connections))
		}
		c := res.Connections[0]
		checkConnection(t, mode, c)
		var typed []byte
		for _, r := range c.Decrypt.Records {
			if r.ContentType == 23 && r.FromClient {
				typed = append(typed, r.Content...)
			}
		}
		want := "typed by the test"
		if mode == session.ModeTLS13 {
			want += ", and after the update"
		}
		if string(typed) != want {
			t.Errorf("%s: the client sent %q, want %q", mode, typed, want)
		}
	}

	mallory, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("capture tests: mallory"))})
	if err != nil {
		t.Fatal(err)
	}
	m, err := session.NewMITM(setup, mallory, true, session.Options{Mode: session.ModeTLS13})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Send("client", "secret"); err != nil {
		t.Fatal(err)
	}
	res, err := capture.Open(m.PCAPNG(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Connections) != 2 || res.Connections[0].Client == res.Connections[1].Client {
		t.Fatalf("attack lab: %d connections", len(res.Connections))
	}
	for i, c := range res.Connections {
		checkConnection(t, "attack lab connection "+string(rune('0'+i)), c)
	}
}

// TestLargeCapture: a connection of a few thousand records opens within
// the bounds, with progress, and the limit on records is reported.
func TestLargeCapture(t *testing.T) {
	s, err := session.New(testSetup(t), session.Options{Mode: session.ModeTLS13, Seed: []byte("large")})
	if err != nil {
		t.Fatal(err)
	}
	chunk := strings.Repeat("x", 16000)
	for i := 0; i < 150; i++ { // 150 × 4 records of up to 16 KB each
		if _, err := s.Send("server", chunk+chunk+chunk+chunk); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	file := s.PCAPNG()
	start := time.Now()
	res, err := capture.Open(file, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	c := res.Connections[0]
	checkConnection(t, "large", c)
	t.Logf("%d bytes, %d records: opened and decrypted in %v", len(file), len(c.Records), took)
	if took > 20*time.Second {
		t.Errorf("opening %d bytes took %v", len(file), took)
	}
}

// TestCutStreams: a record cut by the end of the capture, bytes that are
// not records, and a capture with no TCP at all are each named.
func TestCutStreams(t *testing.T) {
	s, err := session.New(testSetup(t), session.Options{Mode: session.ModeTLS13, Seed: []byte("cut")})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	e := s.Export()
	var packets []pcap.Packet
	for _, r := range e.Records {
		b, _ := hex.DecodeString(r.Hex)
		packets = append(packets, pcap.Packet{FromClient: r.From == "client", Payload: b})
	}
	// The server's Certificate record (its third) ends early.
	cut := append([]pcap.Packet(nil), packets[:4]...)
	cut[3].Payload = cut[3].Payload[:100]
	res, err := capture.Open(pcap.Write(cut, time.Unix(0, 0)), []byte(e.Keylog), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Connections[0]
	want := "the server's last record is truncated: 95 of its " + itoa(len(packets[3].Payload)-5) + " bytes are in the capture (it ends there)"
	if !strings.Contains(strings.Join(c.Problems, "; "), want) {
		t.Errorf("cut record: %q, want %q", c.Problems, want)
	}
	if last := c.Decrypt.Records[len(c.Records)-1]; !strings.HasPrefix(last.Err, "truncated record") {
		t.Errorf("the cut record: %q", last.Err)
	}
	if last := c.Messages[len(c.Messages)-1]; last.Name != "TruncatedRecord" {
		t.Errorf("the cut record's arrow: %+v", last)
	}
	tr := mustTree(t, res, 0, len(c.Records)-1)
	covers(t, "cut record", tr.Wire, c.Records[len(c.Records)-1].Wire)

	// Garbage after the ClientHello in the client's stream.
	junk := append([]pcap.Packet(nil), packets[:2]...)
	junk = append(junk, pcap.Packet{FromClient: true, Payload: []byte("garbage!")})
	res, err = capture.Open(pcap.Write(junk, time.Unix(0, 0)), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want = "the client's stream holds bytes that are not a TLS record at byte " + itoa(len(packets[0].Payload)) + " (67 61 72 62 61): the rest of that direction is not read"
	if !strings.Contains(strings.Join(res.Connections[0].Problems, "; "), want) {
		t.Errorf("garbage: %q, want %q", res.Connections[0].Problems, want)
	}

	// No TCP: one UDP datagram (a DNS query) over raw IPv4.
	udp := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0}
	ip := []byte{0x45, 0, 0, 29, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0, 53, 0, 9, 0, 0, 0}
	rec := make([]byte, 16)
	rec[8], rec[12] = byte(len(ip)), byte(len(ip))
	udp = append(append(udp, rec...), ip...)
	if _, err := capture.Open(udp, nil, nil); err == nil || !strings.Contains(err.Error(), "no tcp payload in the capture") ||
		!strings.Contains(err.Error(), "1 UDP packets (DNS, QUIC …) are not read: if some are QUIC (HTTP/3)") {
		t.Errorf("UDP only: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
