package session

import (
	"bytes"
	"crypto/ecdh"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"tlsplayground/playground/glossary"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
)

// TestStepTextsCite checks every step text of every mode, in both of its
// EMS forms: seven steps in order, each with a title, the article's
// sentence, the real account, and at least one well-formed RFC citation.
func TestStepTextsCite(t *testing.T) {
	for _, mode := range Modes() {
		for _, ems := range []bool{true, false} {
			texts := StepTextsFor(mode, ems)
			if len(texts) != 7 {
				t.Fatalf("%s (ems %v): %d step texts, want 7", mode, ems, len(texts))
			}
			for i, st := range texts {
				where := fmt.Sprintf("%s step %d (ems %v)", mode, i+1, ems)
				if st.N != i+1 || st.Title == "" || st.Article == "" || len(st.Really) < 100 {
					t.Errorf("%s: n %d, title %q, article %q, %d bytes of explanation", where, st.N, st.Title, st.Article, len(st.Really))
				}
				if err := glossary.CheckCitations(st.RFC); err != nil {
					t.Errorf("%s: %v", where, err)
				}
			}
		}
	}
	if StepTextsFor("no-such-mode", true) != nil {
		t.Error("an unknown mode has step texts")
	}
}

// TestStepTextsEMS checks that step 6 of the TLS 1.2 modes words the master
// secret as the session negotiated it (RFC 7627), and that a real session
// with EMS turned off negotiates none.
func TestStepTextsEMS(t *testing.T) {
	for _, mode := range []string{ModeClassic, ModeECDHE} {
		with, without := StepTextsFor(mode, true)[5].Really, StepTextsFor(mode, false)[5].Really
		if !strings.Contains(with, `"extended master secret", session hash`) || !strings.Contains(with, "up to and including ClientKeyExchange") {
			t.Errorf("%s step 6 with EMS does not say the session hash covers the handshake up to ClientKeyExchange: %q", mode, with)
		}
		if strings.Contains(without, "negotiated the extended master secret") || !strings.Contains(without, `"master secret", client random + server random`) {
			t.Errorf("%s step 6 without EMS still claims it: %q", mode, without)
		}
		for i := range 7 {
			if i != 5 && StepTextsFor(mode, false)[i].Really != StepTextsFor(mode, true)[i].Really {
				t.Errorf("%s step %d depends on EMS; only step 6 should", mode, i+1)
			}
		}
		s, err := New(testSetup(t), Options{Mode: mode, Seed: []byte("ems off"), DisableEMS: true})
		if err != nil {
			t.Fatal(err)
		}
		if e := s.Export(); e.EMS || e.Error != nil {
			t.Fatalf("%s with DisableEMS: ems %v, error %+v", mode, e.EMS, e.Error)
		}
	}
	for i, st := range StepTextsFor(ModeTLS13, false) {
		if st.Really != tls13Steps[i].Really {
			t.Errorf("TLS 1.3 step %d changed with ems false", i+1)
		}
	}
}

// TestExplicitNonceIsSequenceNumber backs step 7's claim for TLS 1.2
// AES-GCM: the 8-byte explicit nonce in front of each protected record is
// the record's sequence number, counted from 0 after ChangeCipherSpec.
func TestExplicitNonceIsSequenceNumber(t *testing.T) {
	for _, mode := range []string{ModeClassic, ModeECDHE} {
		s, err := New(testSetup(t), Options{Mode: mode, Seed: []byte("nonce"), ClientSuites: aesGCMOnly(mode)})
		if err != nil {
			t.Fatal(err)
		}
		for _, from := range []string{"client", "server", "client"} {
			if _, err := s.Send(from, "hello "+from); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		e := s.Export()
		seq := map[string]int{}
		checked := 0
		for i, r := range e.Records {
			b, _ := hex.DecodeString(r.Hex)
			if len(b) < 5 {
				t.Fatalf("%s record %d: %d bytes", mode, i, len(b))
			}
			if b[0] == 0x14 { // ChangeCipherSpec: the sender's sequence numbers start at 0
				seq[r.From] = 0
				continue
			}
			n, protected := seq[r.From]
			if !protected {
				continue
			}
			if len(b) < 13 {
				t.Fatalf("%s record %d is too short for an explicit nonce", mode, i)
			}
			if got := binary.BigEndian.Uint64(b[5:13]); got != uint64(n) {
				t.Errorf("%s record %d from the %s: explicit nonce %d, sequence number %d", mode, i, r.From, got, n)
			}
			seq[r.From] = n + 1
			checked++
		}
		if checked < 6 {
			t.Fatalf("%s: only %d protected records checked", mode, checked)
		}
	}
}

// aesGCMOnly names the client's AES-GCM suites of a mode (ChaCha20-Poly1305
// sends no explicit nonce).
func aesGCMOnly(mode string) []string {
	if mode == ModeClassic {
		return nil
	}
	return []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
}

// TestStepTextsClaims keeps the corrected claims of issue 11 corrected.
func TestStepTextsClaims(t *testing.T) {
	all := map[string]string{}
	for _, mode := range Modes() {
		for _, st := range append(StepTextsFor(mode, true), StepTextsFor(mode, false)...) {
			all[fmt.Sprintf("%s step %d", mode, st.N)] += st.Really + "\n"
		}
	}
	wrong := []string{
		"The CA is never contacted",  // revocation, OCSP stapling, AIA exist (point 4)
		"is never sent",              // the TLS 1.2 sequence number is the explicit nonce (point 9)
		"holding a hash of",          // Finished is a MAC keyed by the master secret (point 9)
		"does not even see which",    // only a passive eavesdropper, and SNI names the site (point 9)
		"negotiate the strongest",    // the server selects; nothing says strongest (point 3)
		"throws its keys away",       // say what is erased and what the engine keeps (point 1)
		"thrown away after the hand", // the engine erases after the key derivation (point 1)
		"The root certificate is not sent: the client must already have it", // MAY be omitted (point 9)
	}
	for where, text := range all {
		for _, w := range wrong {
			if strings.Contains(text, w) {
				t.Errorf("%s still says %q", where, w)
			}
		}
	}
	must := map[string][]string{
		"classic step 1": {"RFC 6176", "RFC 7568", "RFC 8996"},
		"classic step 3": {"basicConstraints", "OCSP", "status_request", "Authority Information Access", "SCTs"},
		"classic step 7": {"session ticket", "no forward secrecy"},
		"tls13 step 1":   {"X25519 one", "SNI"},
		"tls13 step 2":   {"passive eavesdropper", "ChangeCipherSpec", "middlebox compatibility"},
		"tls13 step 5":   {"still classical"},
		"tls13 step 6":   {"finished_key"},
		"tls13 step 7":   {"0-RTT", "psk_ke", "not forward secret", "replayed"},
		"ecdhe step 7":   {"session tickets", "explicit nonce"},
	}
	for where, words := range must {
		for _, w := range words {
			if !strings.Contains(all[where], w) {
				t.Errorf("%s does not mention %q", where, w)
			}
		}
	}
}

// TestTLS13ClaimsOnTheWire backs what steps 1 and 2 of TLS 1.3 say this
// engine does: one key share (the hybrid, ML-KEM part first), a 32-byte
// legacy session ID, the server name in the clear, and no compatibility-mode
// ChangeCipherSpec (RFC 8446, Appendix D.4) either way.
func TestTLS13ClaimsOnTheWire(t *testing.T) {
	s, err := New(testSetup(t), Options{Mode: ModeTLS13, Seed: []byte("tls13 wire")})
	if err != nil {
		t.Fatal(err)
	}
	e := s.Export()
	if e.Error != nil || e.Group != "X25519MLKEM768" {
		t.Fatalf("error %+v, group %q", e.Error, e.Group)
	}
	for _, m := range e.Messages {
		if m.Name == "ChangeCipherSpec" {
			t.Errorf("the %s sent a ChangeCipherSpec; step 2 says the engine sends none", m.From)
		}
	}
	rec, _ := hex.DecodeString(e.Records[0].Hex)
	ch, err := handshake.UnmarshalClientHello(rec[5:])
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.SessionID) != 32 {
		t.Errorf("legacy session ID of %d bytes, want 32", len(ch.SessionID))
	}
	d, ok := handshake.Find(ch.Extensions, handshake.ExtKeyShare)
	shares, _ := handshake.ParseClientKeyShares(d)
	if !ok || len(shares) != 1 || shares[0].Group != kx.X25519MLKEM768.ID || len(shares[0].Data) != 1184+32 {
		t.Fatalf("key shares %+v: want one X25519MLKEM768 share of 1216 bytes", shares)
	}
	// The order the page labels (key-share.js HYBRID): X25519 of the
	// client's X25519 private key (after the 64-byte ML-KEM seed) and the
	// server's X25519 key (after the 1088-byte ciphertext) is the second
	// half of the shared secret.
	unhex := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
	priv, serverShare, shared := unhex(e.KeyShare.ClientPrivate), unhex(e.KeyShare.ServerPublic), unhex(e.KeyShare.ClientShared)
	if len(priv) != 64+32 || len(serverShare) != 1088+32 || len(shared) != 64 {
		t.Fatalf("private %d, server share %d, shared %d bytes: want 96, 1120, 64", len(priv), len(serverShare), len(shared))
	}
	k, err := ecdh.X25519().NewPrivateKey(priv[64:])
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ecdh.X25519().NewPublicKey(serverShare[1088:])
	if err != nil {
		t.Fatal(err)
	}
	x, err := k.ECDH(pub)
	if err != nil || !bytes.Equal(x, shared[32:]) || bytes.Equal(x, shared[:32]) {
		t.Errorf("X25519 of the parts is %x, shared secret %x: the X25519 part is not where the page says", x, shared)
	}
	if !bytes.Equal(k.PublicKey().Bytes(), shares[0].Data[1184:]) {
		t.Error("the client's X25519 key is not the last 32 bytes of its share on the wire")
	}
	if _, ok := handshake.Find(ch.Extensions, handshake.ExtServerName); !ok {
		t.Error("no server_name in the ClientHello")
	}
}

// TestStepSixFollowsEMS: the export's step 6 words the master secret as the
// session derived it (RFC 7627 §4 with EMS, RFC 5246 §8.1 without).
func TestStepSixFollowsEMS(t *testing.T) {
	for _, mode := range []string{ModeClassic, ModeECDHE} {
		for _, off := range []bool{false, true} {
			s, err := New(testSetup(t), Options{Mode: mode, Seed: []byte("ems"), DisableEMS: off})
			if err != nil {
				t.Fatal(err)
			}
			e := s.Export()
			if e.EMS == off || e.Steps[5].Really != StepTextsFor(mode, !off)[5].Really {
				t.Errorf("%s DisableEMS %v: ems %v, step 6 does not follow it", mode, off, e.EMS)
			}
		}
	}
	if StepTextsFor(ModeClassic, true)[5].Really == StepTextsFor(ModeClassic, false)[5].Really {
		t.Error("step 6 reads the same with and without EMS")
	}
}
