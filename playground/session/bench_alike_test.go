package session

import (
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/sigscheme"
)

// handshakeShape is what makes two handshakes the same work: what was
// negotiated, which messages crossed, and which extensions each hello
// carried. Both ends' records are read by package decrypt with their key
// log, so the engine's and crypto/tls's are described by the same reader.
type handshakeShape struct {
	Version, Suite, Group, Scheme string
	EMS                           bool
	Messages                      []string // handshake messages in wire order, "c:" from the client, "s:" from the server
	CertificateBytes              int      // the server's Certificate message: the same chain gives the same length
	ChangeCipherSpecs             int      // records of that type (TLS 1.3: the middlebox compatibility ones, RFC 8446, Appendix D.4)
	ClientExtensions              []string // ClientHello's extensions, sorted (the order costs nothing)
	ServerExtensions              []string // ServerHello's and EncryptedExtensions', sorted
}

// String is the whole shape, for -v.
func (s handshakeShape) String() string {
	return fmt.Sprintf("%s, messages %s, %d ChangeCipherSpec; client extensions %s; server extensions %s",
		s.Negotiated(), strings.Join(s.Messages, " "), s.ChangeCipherSpecs,
		strings.Join(s.ClientExtensions, ","), strings.Join(s.ServerExtensions, ","))
}

// Negotiated is what both ends agreed, in a few words.
func (s handshakeShape) Negotiated() string {
	return fmt.Sprintf("%s %s, group %s, signature %s, EMS %v, Certificate %d bytes", s.Version, s.Suite, or(s.Group, "none"), or(s.Scheme, "none"), s.EMS, s.CertificateBytes)
}

// differences says what crypto/tls's handshake does that the engine's does
// not, and the other way round, beyond what TestBenchAlike requires equal.
func differences(eng, std handshakeShape) string {
	var out []string
	if eng.ChangeCipherSpecs != std.ChangeCipherSpecs {
		out = append(out, fmt.Sprintf("ChangeCipherSpec records: engine %d, crypto/tls %d", eng.ChangeCipherSpecs, std.ChangeCipherSpecs))
	}
	only := func(who string, a, b []string) {
		var x []string
		for _, e := range a {
			if !slices.Contains(b, e) {
				x = append(x, e)
			}
		}
		if len(x) > 0 {
			out = append(out, who+" "+strings.Join(x, ","))
		}
	}
	only("extensions only crypto/tls's client sends:", std.ClientExtensions, eng.ClientExtensions)
	only("only the engine's client sends:", eng.ClientExtensions, std.ClientExtensions)
	only("only crypto/tls's server sends:", std.ServerExtensions, eng.ServerExtensions)
	only("only the engine's server sends:", eng.ServerExtensions, std.ServerExtensions)
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, "; ")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// shapeOf reads a connection's records with its key log.
func shapeOf(t testing.TB, recs []decrypt.Record, keylog string) handshakeShape {
	t.Helper()
	kl, err := decrypt.ParseKeyLog([]byte(keylog))
	if err != nil {
		t.Fatal(err)
	}
	res := decrypt.Connection(recs, kl)
	if len(res.Problems) > 0 {
		t.Fatalf("reading the records: %v", res.Problems)
	}
	sh := handshakeShape{Version: res.VersionName(), Suite: res.SuiteName, Group: res.Group, EMS: res.EMS}
	var stream [2][]byte // the handshake bytes each side sent, 0 client, 1 server
	for _, r := range res.Records {
		if r.Type == 20 {
			sh.ChangeCipherSpecs++
		}
		if r.ContentType == 22 {
			side := 1
			if r.FromClient {
				side = 0
			}
			stream[side] = append(stream[side], r.Content...)
		}
	}
	type msg struct {
		side int
		raw  []byte
	}
	var msgs []msg
	for side, b := range stream {
		for len(b) >= 4 {
			n := 4 + (int(b[1])<<16 | int(b[2])<<8 | int(b[3]))
			if n > len(b) {
				t.Fatalf("a handshake message runs past its records")
			}
			msgs = append(msgs, msg{side, b[:n]})
			b = b[n:]
		}
	}
	// Wire order: package decrypt lists the messages per record.
	for _, r := range res.Records {
		for _, m := range r.Messages {
			prefix := "s:"
			if r.FromClient {
				prefix = "c:"
			}
			sh.Messages = append(sh.Messages, prefix+m)
		}
	}
	extNames := func(exts []handshake.Extension) []string {
		var out []string
		for _, e := range exts {
			out = append(out, handshake.ExtensionName(e.Type))
		}
		return out
	}
	for _, m := range msgs {
		switch m.raw[0] {
		case handshake.TypeClientHello:
			ch, err := handshake.UnmarshalClientHello(m.raw)
			if err != nil {
				t.Fatal(err)
			}
			sh.ClientExtensions = append(sh.ClientExtensions, extNames(ch.Extensions)...)
		case handshake.TypeServerHello:
			s, err := handshake.UnmarshalServerHello(m.raw)
			if err != nil {
				t.Fatal(err)
			}
			sh.ServerExtensions = append(sh.ServerExtensions, extNames(s.Extensions)...)
		case handshake.TypeEncryptedExtensions:
			b := m.raw[4:]
			for i := 2; i+4 <= len(b); {
				typ, n := uint16(b[i])<<8|uint16(b[i+1]), int(b[i+2])<<8|int(b[i+3])
				sh.ServerExtensions = append(sh.ServerExtensions, handshake.ExtensionName(typ))
				i += 4 + n
			}
		case handshake.TypeCertificate:
			if m.side == 1 {
				sh.CertificateBytes = len(m.raw)
			}
		case handshake.TypeServerKeyExchange:
			if ske, err := handshake.UnmarshalServerKeyExchange(m.raw); err == nil {
				sh.Scheme = sigscheme.NameOf(ske.Scheme)
			}
		case handshake.TypeCertificateVerify:
			if m.side == 1 {
				sh.Scheme = sigscheme.NameOf(uint16(m.raw[4])<<8 | uint16(m.raw[5]))
			}
		}
	}
	slices.Sort(sh.ClientExtensions)
	slices.Sort(sh.ServerExtensions)
	return sh
}

// engineShape runs the engine's benchmark handshake once and reads it.
func engineShape(t testing.TB, setup *pki.Setup, c benchCase) handshakeShape {
	t.Helper()
	s := engineHandshake(t, setup, c)
	e := s.Export()
	var recs []decrypt.Record
	for _, r := range e.Records {
		b, err := hex.DecodeString(r.Hex)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, decrypt.Record{FromClient: r.From == "client", Wire: b})
	}
	return shapeOf(t, recs, e.Keylog)
}

// stdShape runs crypto/tls's benchmark handshake once and reads it.
func stdShape(t testing.TB, cfg *tls.Config) handshakeShape {
	t.Helper()
	recs, kl := interop.GoTLS(t, cfg.Clone(), cfg.Clone())
	return shapeOf(t, recs, string(kl))
}

// TestBenchAlike checks that each benchmark's engine handshake and
// crypto/tls handshake do the same work: the same version, suite, group,
// signature scheme, chain and messages (no session ticket on either side:
// crypto/tls's client without a ClientSessionCache sends no
// psk_key_exchange_modes and no session_ticket extension, so its server
// sends none). What else differs costs little and is listed, one line per
// case that scripts/cpubench prints: extensions, and crypto/tls's
// middlebox compatibility ChangeCipherSpec records in TLS 1.3.
func TestBenchAlike(t *testing.T) {
	for _, c := range benchCases {
		t.Run(c.name, func(t *testing.T) {
			setup := benchSetup(t, c.keyType)
			eng := engineShape(t, setup, c)
			std := stdShape(t, stdConfig(setup, c.std))
			t.Logf("engine:     %s", eng)
			t.Logf("crypto/tls: %s", std)
			// One line for scripts/cpubench, tab-separated.
			t.Logf("alike\t%s\t%s\t%s\t%s", c.name, eng.Negotiated(), std.Negotiated(), differences(eng, std))
			// crypto/tls closes the connection in GoTLS (close_notify is
			// an alert, not a handshake message) and the engine's bench
			// does not: neither shows here.
			if eng.Version != std.Version || eng.Suite != std.Suite || eng.Group != std.Group || eng.Scheme != std.Scheme ||
				eng.EMS != std.EMS || eng.CertificateBytes != std.CertificateBytes || !slices.Equal(eng.Messages, std.Messages) {
				t.Errorf("the engine's handshake is not crypto/tls's:\n engine:     %s\n crypto/tls: %s", eng, std)
			}
		})
	}
}
