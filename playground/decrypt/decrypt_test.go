package decrypt_test

import (
	"bytes"
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
	"tlsplayground/playground/suites"
)

// checkAll fails unless every encrypted record decrypted, both Finished
// messages verified and nothing was reported.
func checkAll(t *testing.T, what string, res *decrypt.Result) {
	t.Helper()
	for i, r := range res.Records {
		if r.Err != "" {
			t.Errorf("%s: record %d: %s", what, i, r.Err)
		}
		if r.Encrypted && r.Plaintext == nil && r.Err == "" {
			t.Errorf("%s: record %d: encrypted, no plaintext and no error", what, i)
		}
	}
	if len(res.Finished) != 2 {
		t.Errorf("%s: %d Finished checks, want 2", what, len(res.Finished))
	}
	for _, f := range res.Finished {
		if !f.OK || f.Expected != f.Got || len(f.Got) == 0 {
			t.Errorf("%s: %s Finished: expected %s, got %s", what, f.Side, f.Expected, f.Got)
		}
	}
	if len(res.Problems) > 0 {
		t.Errorf("%s: problems: %q", what, res.Problems)
	}
	// The key schedule is a tree the page can draw: ids once each, every
	// parent named before its children.
	seen := map[string]bool{}
	for _, n := range res.KeySchedule {
		if seen[n.ID] {
			t.Errorf("%s: key schedule node %s twice", what, n.ID)
		}
		for _, p := range n.From {
			if !seen[p] {
				t.Errorf("%s: key schedule node %s comes from %s, not (yet) in the tree", what, n.ID, p)
			}
		}
		seen[n.ID] = true
	}
	if len(res.KeySchedule) == 0 {
		t.Errorf("%s: no key schedule", what)
	}
}

// appData returns the application data each side sent, concatenated.
func appData(res *decrypt.Result) (fromClient, fromServer []byte) {
	for _, r := range res.Records {
		if r.ContentType != 23 || r.Err != "" {
			continue
		}
		if r.FromClient {
			fromClient = append(fromClient, r.Content...)
		} else {
			fromServer = append(fromServer, r.Content...)
		}
	}
	return
}

func TestIllustratedTLS13(t *testing.T) {
	recs, kl := capture(t, "illustrated-tls13")
	res := decrypt.Connection(recs, kl)
	checkAll(t, "illustrated-tls13", res)
	if res.Version != suites.VersionTLS13 || res.SuiteName != "TLS_AES_256_GCM_SHA384" || res.SNI != "example.ulfheim.net" || res.Group != "x25519" {
		t.Errorf("version %04x suite %s sni %q group %s", res.Version, res.SuiteName, res.SNI, res.Group)
	}
	c, s := appData(res)
	if string(c) != "ping" || string(s) != "pong" {
		t.Errorf("application data %q / %q, want ping / pong", c, s)
	}
	// The server's first encrypted record holds EncryptedExtensions …
	// Finished: the inner plaintext ends with its type, 22.
	var names []string
	for _, r := range res.Records {
		names = append(names, r.Messages...)
		if r.Encrypted && r.Plaintext[len(r.Plaintext)-1] != r.ContentType {
			t.Errorf("TLS 1.3 plaintext does not end with its content type: %x", r.Plaintext)
		}
	}
	want := "ClientHello ServerHello EncryptedExtensions Certificate CertificateVerify Finished Finished NewSessionTicket NewSessionTicket"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("messages %q, want %q", got, want)
	}
	ids := map[string]bool{}
	for _, n := range res.KeySchedule {
		ids[n.ID] = true
	}
	for _, id := range []string{"c_hs", "s_hs", "c_hs_key", "s_hs_iv", "s_hs_finished", "c_ap", "s_ap_key", "exporter"} {
		if !ids[id] {
			t.Errorf("key schedule has no node %s", id)
		}
	}
}

func TestIllustratedTLS12(t *testing.T) {
	recs, kl := capture(t, "illustrated-tls12")
	res := decrypt.Connection(recs, kl)
	checkAll(t, "illustrated-tls12", res)
	if res.Version != suites.VersionTLS12 || res.SuiteName != "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" || res.EMS || res.EncryptThenMAC || res.Group != "x25519" {
		t.Errorf("version %04x suite %s ems %v etm %v", res.Version, res.SuiteName, res.EMS, res.EncryptThenMAC)
	}
	c, s := appData(res)
	if string(c) != "ping" || string(s) != "pong" {
		t.Errorf("application data %q / %q, want ping / pong", c, s)
	}
	// CBC plaintext: content, 20-byte HMAC-SHA1, padding, padding_length.
	for i, r := range res.Records {
		if !r.Encrypted {
			continue
		}
		p := r.Plaintext
		pad := int(p[len(p)-1])
		if len(p) != len(r.Content)+20+pad+1 || len(p)%16 != 0 {
			t.Errorf("record %d: CBC plaintext of %d bytes for %d of content", i, len(p), len(r.Content))
		}
	}
	ids := map[string]bool{}
	for _, n := range res.KeySchedule {
		ids[n.ID] = true
	}
	for _, id := range []string{"master", "key_block", "client_write_mac_key", "server_write_key"} {
		if !ids[id] {
			t.Errorf("key schedule has no node %s", id)
		}
	}
}

// tsharkDecrypted returns the "Decrypted TLS" blocks tshark prints for a
// capture and its key log, in order.
func tsharkDecrypted(t *testing.T, tshark, pcapFile, keylog string) [][]byte {
	t.Helper()
	out, err := exec.Command(tshark, "-r", pcapFile, "-o", "tls.keylog_file:"+keylog, "-Y", "tls", "-x").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	var blocks [][]byte
	var cur []byte
	in := false
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "Decrypted TLS ("):
			if in {
				blocks = append(blocks, cur)
			}
			in, cur = true, nil
		case in && (strings.TrimSpace(line) == "" || strings.Contains(line, "(") && strings.HasSuffix(line, "):")):
			blocks, in = append(blocks, cur), false
		case in:
			// "0000  70 6f 6e 67   pong": offset, then up to 16 bytes.
			f := strings.Fields(line)
			for _, h := range f[1:] {
				if len(h) != 2 {
					break
				}
				b, err := hex.DecodeString(h)
				if err != nil {
					break
				}
				cur = append(cur, b...)
			}
		}
	}
	if in {
		blocks = append(blocks, cur)
	}
	return blocks
}

// TestTsharkAgrees: each record's decrypted content is what tshark decrypts
// from the same capture and key log.
func TestTsharkAgrees(t *testing.T) {
	tshark := tooltest.Need(t, "tshark")
	for _, name := range []string{"illustrated-tls12", "illustrated-tls13"} {
		dir := filepath.Join(capturesDir, name)
		recs, kl := capture(t, name)
		res := decrypt.Connection(recs, kl)
		var mine [][]byte
		for _, r := range res.Records {
			if r.Encrypted {
				mine = append(mine, r.Content)
			}
		}
		theirs := tsharkDecrypted(t, tshark, filepath.Join(dir, "capture.pcap"), filepath.Join(dir, "keylog.txt"))
		if len(theirs) != len(mine) {
			t.Fatalf("%s: tshark decrypted %d records, this package %d", name, len(theirs), len(mine))
		}
		for i := range mine {
			if !bytes.Equal(mine[i], theirs[i]) {
				t.Errorf("%s: encrypted record %d: tshark %x, decrypt %x", name, i, theirs[i], mine[i])
			}
		}
	}
}

var setupCache *pki.Setup

func testSetup(t testing.TB) *pki.Setup {
	t.Helper()
	if setupCache == nil {
		s, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("decrypt tests"))})
		if err != nil {
			t.Fatal(err)
		}
		setupCache = s
	}
	return setupCache
}

type sessionRun struct {
	name string
	opt  session.Options
}

func sessionRuns() []sessionRun {
	var runs []sessionRun
	for _, s := range suites.Classic {
		runs = append(runs, sessionRun{"classic " + s.Name, session.Options{Mode: session.ModeClassic, ClientSuites: []string{s.Name}}},
			sessionRun{"classic no EMS " + s.Name, session.Options{Mode: session.ModeClassic, ClientSuites: []string{s.Name}, DisableEMS: true}})
	}
	for _, s := range suites.ECDHE {
		if s.KeyExchange == suites.ECDHERSA {
			runs = append(runs, sessionRun{"ecdhe " + s.Name, session.Options{Mode: session.ModeECDHE, ClientSuites: []string{s.Name}}})
		}
	}
	for _, s := range suites.TLS13 {
		runs = append(runs, sessionRun{"tls13 " + s.Name, session.Options{Mode: session.ModeTLS13, ClientSuites: []string{s.Name}}})
	}
	runs = append(runs, sessionRun{"tls13 HelloRetryRequest", session.Options{Mode: session.ModeTLS13, Group: "X25519MLKEM768", ServerGroups: []string{"secp256r1"}}})
	return runs
}

// playSession runs a session: a message each way, for TLS 1.3 a KeyUpdate
// from each side with a message after it, then close.
func playSession(t *testing.T, r sessionRun) *session.Export {
	t.Helper()
	opt := r.opt
	opt.Seed = []byte(r.name)
	s, err := session.New(testSetup(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	send := func(from, text string) {
		if _, err := s.Send(from, text); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
	}
	send("client", "GET / from the client")
	send("server", "200 OK from the server")
	if opt.Mode == session.ModeTLS13 {
		if err := s.KeyUpdate("client"); err != nil {
			t.Fatal(err)
		}
		send("client", " after the client's key update")
		if err := s.KeyUpdate("server"); err != nil {
			t.Fatal(err)
		}
		send("server", " after the server's key update")
		send("client", " twice")
	}
	s.Close()
	return s.Export()
}

func TestEngineSessions(t *testing.T) {
	for _, r := range sessionRuns() {
		e := playSession(t, r)
		kl, err := decrypt.ParseKeyLog([]byte(e.Keylog))
		if err != nil {
			t.Fatalf("%s: the engine's key log does not parse: %v", r.name, err)
		}
		res := decrypt.Connection(exportRecords(t, e), kl)
		checkAll(t, r.name, res)
		if res.SuiteName != e.Suite || res.EMS != e.EMS || res.HelloRetry != e.HelloRetry || res.Group != e.Group {
			t.Errorf("%s: suite %s ems %v hrr %v group %q; the export says %s ems %v hrr %v group %q", r.name, res.SuiteName, res.EMS, res.HelloRetry, res.Group, e.Suite, e.EMS, e.HelloRetry, e.Group)
		}
		if strings.Contains(r.name, "HelloRetryRequest") && !res.HelloRetry {
			t.Errorf("%s: no HelloRetryRequest", r.name)
		}
		// The engine names each record by the message that starts in it.
		for _, m := range e.Messages {
			got := res.Records[m.Record]
			switch {
			case m.Name == "ApplicationData" || m.Name == "Alert" || m.Name == "ChangeCipherSpec":
				if want := map[string]uint8{"ChangeCipherSpec": 20, "Alert": 21, "ApplicationData": 23}[m.Name]; got.ContentType != want {
					t.Errorf("%s: record %d is %s, decrypt says content type %d", r.name, m.Record, m.Name, got.ContentType)
				}
			case len(got.Messages) == 0 || got.Messages[0] != m.Name:
				t.Errorf("%s: record %d is %s, decrypt says %q", r.name, m.Record, m.Name, got.Messages)
			}
		}
		c, s := appData(res)
		wantC, wantS := "GET / from the client", "200 OK from the server"
		if r.opt.Mode == session.ModeTLS13 {
			wantC += " after the client's key update twice"
			wantS += " after the server's key update"
		}
		if string(c) != wantC || string(s) != wantS {
			t.Errorf("%s: application data %q / %q", r.name, c, s)
		}
		if r.opt.Mode == session.ModeTLS13 {
			ids := map[string]bool{}
			for _, n := range res.KeySchedule {
				ids[n.ID] = true
			}
			for _, id := range []string{"c_ap_1", "s_ap_1", "c_ap_1_key", "s_ap_1_iv"} {
				if !ids[id] {
					t.Errorf("%s: key schedule has no node %s", r.name, id)
				}
			}
		}
	}
}

func hasProblem(res *decrypt.Result, want string) bool {
	for _, p := range res.Problems {
		if strings.Contains(p, want) {
			return true
		}
	}
	return false
}

// rewriteRandoms gives every line of a key log another client random: the
// secrets of one connection filed under another's random.
func rewriteRandoms(t *testing.T, keylog string, random []byte) decrypt.KeyLog {
	t.Helper()
	kl, err := decrypt.ParseKeyLog([]byte(keylog))
	if err != nil {
		t.Fatal(err)
	}
	for i := range kl.Entries {
		kl.Entries[i].Random = random
	}
	return kl
}

func TestWrongKeyLog(t *testing.T) {
	recs13, kl13 := capture(t, "illustrated-tls13")
	recs12, kl12 := capture(t, "illustrated-tls12")
	// Both captures use the client random 00 01 … 1f: each key log names
	// it, but not with the lines the other version needs.
	res := decrypt.Connection(recs13, kl12)
	if !hasProblem(res, "the key log has no SERVER_HANDSHAKE_TRAFFIC_SECRET line for client random 0001020304050607…") {
		t.Errorf("TLS 1.3 capture, TLS 1.2 key log: %q", res.Problems)
	}
	res = decrypt.Connection(recs12, kl13)
	if !hasProblem(res, "the key log has no CLIENT_RANDOM line for client random 0001020304050607… (TLS 1.2 needs the master secret)") {
		t.Errorf("TLS 1.2 capture, TLS 1.3 key log: %q", res.Problems)
	}
	for _, r := range res.Records {
		if r.Encrypted && (r.Plaintext != nil || !strings.HasPrefix(r.Err, "not decrypted: the key log has no CLIENT_RANDOM")) {
			t.Errorf("record without keys: plaintext %x, err %q", r.Plaintext, r.Err)
		}
	}
	if res := decrypt.Connection(recs12, decrypt.KeyLog{}); !hasProblem(res, "no key log: the encrypted records stay encrypted") {
		t.Errorf("no key log: %q", res.Problems)
	}

	for _, mode := range []string{session.ModeClassic, session.ModeECDHE, session.ModeTLS13} {
		a := playSession(t, sessionRun{"a " + mode, session.Options{Mode: mode}})
		b := playSession(t, sessionRun{"b " + mode, session.Options{Mode: mode}})
		recs := exportRecords(t, a)
		klB, err := decrypt.ParseKeyLog([]byte(b.Keylog))
		if err != nil {
			t.Fatal(err)
		}
		res := decrypt.Connection(recs, klB)
		if !hasProblem(res, "no key log line for client random "+a.Secrets["clientRandom"][:16]+"…: the key log is from another connection") {
			t.Errorf("%s, another session's key log: %q", mode, res.Problems)
		}
		random, _ := hex.DecodeString(a.Secrets["clientRandom"])
		res = decrypt.Connection(recs, rewriteRandoms(t, b.Keylog, random))
		want := "the client's records do not decrypt under the key log's CLIENT_RANDOM: that line belongs to another connection"
		if mode == session.ModeTLS13 {
			want = "the server's records do not decrypt under the key log's SERVER_HANDSHAKE_TRAFFIC_SECRET: that line belongs to another connection"
		}
		if !hasProblem(res, want) {
			t.Errorf("%s, another session's secrets under this random: %q, want %q", mode, res.Problems, want)
		}
		if len(res.Finished) != 0 {
			t.Errorf("%s: Finished checked without keys: %+v", mode, res.Finished)
		}
	}
}

// TestChangedHandshake: a byte changed in the ClientHello (where nothing
// authenticates it on the wire) leaves the records decrypting under the
// logged keys, but the Finished messages no longer verify.
func TestChangedHandshake(t *testing.T) {
	for _, name := range []string{"illustrated-tls12", "illustrated-tls13"} {
		recs, kl := capture(t, name)
		recs[0].Wire = append([]byte(nil), recs[0].Wire...)
		w := recs[0].Wire
		suitesAt := 5 + 4 + 2 + 32 + 1 + int(w[5+4+2+32]) + 2
		w[suitesAt+1] ^= 1 // the first cipher suite the client offers
		res := decrypt.Connection(recs, kl)
		if len(res.Finished) != 2 || res.Finished[0].OK || res.Finished[1].OK {
			t.Errorf("%s: Finished %+v", name, res.Finished)
		}
		side := "server"
		if name == "illustrated-tls12" {
			side = "client" // the client's Finished comes first in a full TLS 1.2 handshake
		}
		if !hasProblem(res, "the "+side+" Finished does not verify: the transcript this reader hashed differs") {
			t.Errorf("%s: %q", name, res.Problems)
		}
	}
}

// TestDamagedRecords: every truncation and every flipped byte gives an
// error or a problem, never a panic.
func TestDamagedRecords(t *testing.T) {
	for _, name := range []string{"illustrated-tls12", "illustrated-tls13"} {
		recs, kl := capture(t, name)
		for i := range recs {
			w := recs[i].Wire
			for _, cut := range []int{0, 3, 5, len(w) / 2, len(w) - 1} {
				damaged := append([]decrypt.Record(nil), recs...)
				damaged[i].Wire = w[:cut]
				res := decrypt.Connection(damaged, kl)
				if res.Records[i].Err == "" {
					t.Errorf("%s: record %d cut to %d bytes: no error", name, i, cut)
				}
			}
			for _, at := range []int{5, 6, len(w) / 2, len(w) - 1} {
				if at >= len(w) {
					continue
				}
				damaged := append([]decrypt.Record(nil), recs...)
				damaged[i].Wire = append([]byte(nil), w...)
				damaged[i].Wire[at] ^= 0x80
				res := decrypt.Connection(damaged, kl)
				if res.Records[i].Encrypted && res.Records[i].Err == "" {
					t.Errorf("%s: record %d with byte %d flipped decrypts", name, i, at)
				}
				if !res.Records[i].Encrypted && len(res.Problems) == 0 && res.Records[i].Type == 22 {
					// A changed handshake byte shows up in a Finished check
					// or a parse problem.
					t.Errorf("%s: record %d with byte %d flipped: no problem reported", name, i, at)
				}
			}
		}
	}
}

// TestRSAKeyLogLine: an "RSA" line (the pre-master secret, found by the
// first 8 bytes of its encryption in ClientKeyExchange) decrypts a classic
// session, with and without the extended master secret.
func TestRSAKeyLogLine(t *testing.T) {
	for _, ems := range []bool{true, false} {
		name := "classic RSA line"
		e := playSession(t, sessionRun{name, session.Options{Mode: session.ModeClassic, DisableEMS: !ems}})
		recs := exportRecords(t, e)
		var cke []byte
		for _, r := range recs {
			if r.FromClient && r.Wire[0] == 22 && r.Wire[5] == 16 { // ClientKeyExchange
				cke = r.Wire[5+4+2 : 5+4+2+8]
			}
		}
		kl, err := decrypt.ParseKeyLog([]byte("RSA " + hex.EncodeToString(cke) + " " + e.Secrets["preMasterSecret"] + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		res := decrypt.Connection(recs, kl)
		checkAll(t, name, res)
		if res.EMS != ems {
			t.Errorf("ems %v, want %v", res.EMS, ems)
		}
		// An RSA line of another connection: the problem names both.
		other, _ := decrypt.ParseKeyLog([]byte("RSA 0102030405060708 " + e.Secrets["preMasterSecret"] + "\n"))
		res = decrypt.Connection(recs, other)
		if !hasProblem(res, "nor an RSA line for its encrypted pre-master secret "+hex.EncodeToString(cke)+"…: the key log is from another connection") {
			t.Errorf("another RSA line: %q", res.Problems)
		}
	}
}
