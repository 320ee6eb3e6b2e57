package analyze_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/capture"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
)

const captures = "../../../shared/testdata/captures"

// checkConnection analyses every record of a connection and checks both
// trees of each: every byte used once, re-encoding gives the input, and
// (unless allowed) nothing unknown. It returns how many records had a
// plaintext tree.
func checkConnection(t *testing.T, name string, recs []analyze.Record, allowUnknown bool, seen map[string]int) int {
	t.Helper()
	a := analyze.New()
	plain := 0
	for i, r := range recs {
		tr := a.Record(r)
		what := name + " record " + strconv.Itoa(i)
		analyze.CheckTree(t, what, tr.Wire, len(r.Wire), allowUnknown)
		if !bytes.Equal(analyze.Leaves(tr.Wire, r.Wire), r.Wire) {
			t.Errorf("%s: the wire leaves do not re-encode the record", what)
		}
		if r.Plaintext != nil {
			if tr.Plain == nil {
				t.Errorf("%s: a plaintext but no plaintext tree", what)
			} else {
				plain++
				analyze.CheckTree(t, what+" (plaintext)", tr.Plain, len(r.Plaintext), allowUnknown)
				if !bytes.Equal(analyze.Leaves(tr.Plain, r.Plaintext), r.Plaintext) {
					t.Errorf("%s: the plaintext leaves do not re-encode the plaintext", what)
				}
			}
		}
		analyze.KindsSeen(tr.Wire, seen)
		analyze.KindsSeen(tr.Plain, seen)
		if t.Failed() {
			t.Log(analyze.Dump(t, tr))
			t.FailNow()
		}
	}
	return plain
}

// TestCapturesEveryByte: both real captures, decrypted with their key
// logs: every record's wire and plaintext trees use every byte once, with
// nothing unknown, and the messages a reader looks for are there.
func TestCapturesEveryByte(t *testing.T) {
	for _, c := range []struct {
		dir  string
		want []string // kinds that must appear
	}{
		{"illustrated-tls12", []string{"handshake.client_hello", "handshake.server_hello", "handshake.certificate", "handshake.server_key_exchange",
			"handshake.server_hello_done", "handshake.client_key_exchange", "handshake.finished", "cbc.iv", "cbc.mac", "cbc.padding_length",
			"asn1.spki", "asn1.rsa.modulus", "asn1.issuer", "asn1.not_after", "key_share.x25519", "ext.server_name", "app_data", "alert.description"}},
		{"illustrated-tls13", []string{"handshake.client_hello", "handshake.server_hello", "handshake.encrypted_extensions", "handshake.certificate",
			"handshake.certificate_verify", "handshake.finished", "handshake.new_session_ticket", "inner.type", "aead.tag", "key_share.x25519",
			"asn1.spki", "asn1.signature_value", "app_data", "ext.psk_key_exchange_modes"}},
	} {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join(captures, c.dir)
			file, err := os.ReadFile(filepath.Join(dir, "capture.pcap"))
			if err != nil {
				t.Skipf("no capture: %v", err)
			}
			kl, err := os.ReadFile(filepath.Join(dir, "keylog.txt"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := capture.Open(file, kl, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Connections) != 1 {
				t.Fatalf("%d connections, want 1", len(res.Connections))
			}
			conn := res.Connections[0]
			seen := map[string]int{}
			plain := checkConnection(t, c.dir, conn.Records, false, seen)
			encrypted := 0
			for _, r := range conn.Decrypt.Records {
				if r.Encrypted {
					encrypted++
				}
			}
			if plain == 0 || plain != encrypted {
				t.Errorf("%d plaintext trees for %d encrypted records", plain, encrypted)
			}
			for _, k := range c.want {
				if seen[k] == 0 {
					t.Errorf("no %s field", k)
				}
			}
		})
	}
}

// TestSessionPlaintexts: engine sessions of every mode through their own
// export and key log (playground/capture decrypts them): the plaintext of
// every encrypted record is covered, handshake messages included.
func TestSessionPlaintexts(t *testing.T) {
	setup, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("analyze tests"))})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, c := range []struct {
		name string
		opt  session.Options
	}{
		{"classic", session.Options{Mode: session.ModeClassic}},
		{"ecdhe-chacha", session.Options{Mode: session.ModeECDHE, ClientSuites: []string{"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}}},
		{"ecdhe-p256", session.Options{Mode: session.ModeECDHE, Group: "secp256r1"}},
		{"tls13-mlkem", session.Options{Mode: session.ModeTLS13, Group: "X25519MLKEM768"}},
		{"tls13-hrr", session.Options{Mode: session.ModeTLS13, Group: "x25519", ServerGroups: []string{"secp256r1"}}},
		{"tls13-chacha", session.Options{Mode: session.ModeTLS13, ClientSuites: []string{"TLS_CHACHA20_POLY1305_SHA256"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opt.Seed = []byte("analyze " + c.name)
			s, err := session.New(setup, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send("client", "GET / HTTP/1.1\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send("server", "HTTP/1.1 200 OK\r\n\r\nhi"); err != nil {
				t.Fatal(err)
			}
			if c.opt.Mode == session.ModeTLS13 {
				if err := s.KeyUpdate("server"); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Send("server", "after the update"); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			export, err := json.Marshal(s.Export())
			if err != nil {
				t.Fatal(err)
			}
			res, err := capture.Open(export, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Connections) != 1 {
				t.Fatalf("%d connections", len(res.Connections))
			}
			plain := checkConnection(t, c.name, res.Connections[0].Records, false, seen)
			if plain < 3 {
				t.Errorf("only %d records decrypted", plain)
			}
		})
	}
	for _, k := range []string{"handshake.encrypted_extensions", "handshake.certificate_verify", "handshake.finished", "handshake.key_update",
		"handshake.hello_retry_request", "inner.type", "aead.content", "app_data", "alert.description", "asn1.subject", "key_share.mlkem768_ciphertext"} {
		if seen[k] == 0 {
			t.Errorf("no %s field in any session", k)
		}
	}
}
