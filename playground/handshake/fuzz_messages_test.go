package handshake_test

import (
	"bytes"
	"errors"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
)

// FuzzUnmarshal (messages_test.go) and FuzzUnmarshalECDHE (ecdhe_test.go)
// each try one parser per message type. These targets try every parser a
// peer can reach on the same bytes, both versions' where they differ
// (Finished of both hash sizes, Certificate with its request context,
// CertificateRequest of TLS 1.2 and 1.3), HelloRequest, KeyUpdate,
// NewSessionTicket, Split that frames them, and the parsers of the
// extensions inside them. Seeds in testdata/fuzz/ are the handshake
// messages of two real captures, decrypted with their key logs
// (scripts/fuzzseed).

// parsers are every message parser, by the type it accepts.
var parsers = map[uint8][]func([]byte) (handshake.Message, error){
	handshake.TypeClientHello: {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalClientHello(b) }},
	handshake.TypeServerHello: {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalServerHello(b) }},
	handshake.TypeCertificate: {
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalCertificate(b) },
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalCertificate13(b) },
	},
	handshake.TypeHelloRequest:      {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalHelloRequest(b) }},
	handshake.TypeServerKeyExchange: {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalServerKeyExchange(b) }},
	handshake.TypeCertificateRequest: {
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalCertificateRequest12(b) },
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalCertificateRequest13(b) },
	},
	handshake.TypeServerHelloDone: {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalServerHelloDone(b) }},
	handshake.TypeClientKeyExchange: {
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalClientKeyExchange(b) },
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalClientKeyExchangeECDHE(b) },
	},
	handshake.TypeFinished: {
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalFinished(b) },
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalFinished13(b, 32) },
		func(b []byte) (handshake.Message, error) { return handshake.UnmarshalFinished13(b, 48) },
	},
	handshake.TypeEncryptedExtensions: {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalEncryptedExtensions(b) }},
	handshake.TypeCertificateVerify:   {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalCertificateVerify(b) }},
	handshake.TypeNewSessionTicket:    {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalNewSessionTicket(b) }},
	handshake.TypeKeyUpdate:           {func(b []byte) (handshake.Message, error) { return handshake.UnmarshalKeyUpdate(b) }},
}

// extensionsOf returns the extensions a parsed message carries.
func extensionsOf(m handshake.Message) []handshake.Extension {
	switch m := m.(type) {
	case *handshake.ClientHello:
		return m.Extensions
	case *handshake.ServerHello:
		return m.Extensions
	case *handshake.EncryptedExtensions:
		return m.Extensions
	case *handshake.NewSessionTicket:
		return m.Extensions
	case *handshake.CertificateRequest13:
		return m.Extensions
	case *handshake.Certificate13:
		var out []handshake.Extension
		for _, e := range m.Entries {
			out = append(out, e.Extensions...)
		}
		return out
	}
	return nil
}

// checkAlert fails the test when a parser's error carries no alert: the
// engine sends the alert an error names.
func checkAlert(t *testing.T, what string, err error) {
	t.Helper()
	var a *alert.Error
	if !errors.As(err, &a) {
		t.Fatalf("%s: error without an alert: %v", what, err)
	}
}

// FuzzMessages: raw is one handshake message, header included. Every
// parser for its type either refuses it with an alert or returns a message
// that marshals back to exactly raw; the extensions of a parsed message
// go through the extension parsers (FuzzExtensionData's checks).
func FuzzMessages(f *testing.F) {
	for _, m := range []handshake.Message{
		&handshake.ClientHello{Version: 0x0303, Random: make([]byte, 32), SessionID: []byte{}, CipherSuites: []uint16{0x1301}, Compression: []uint8{0},
			Extensions: []handshake.Extension{{Type: handshake.ExtKeyShare, Data: handshake.MarshalClientKeyShares([]handshake.KeyShareEntry{{Group: 0x1d, Data: make([]byte, 32)}})},
				{Type: handshake.ExtSupportedVersions, Data: handshake.MarshalUint16List([]uint16{0x0304}, 1)},
				{Type: handshake.ExtServerName, Data: handshake.ServerNameExtension("example.com")}}},
		&handshake.ServerHello{Version: 0x0303, Random: make([]byte, 32), SessionID: []byte{}, CipherSuite: 0x1301,
			Extensions: []handshake.Extension{{Type: handshake.ExtKeyShare, Data: handshake.MarshalServerKeyShare(handshake.KeyShareEntry{Group: 0x1d, Data: make([]byte, 32)})}}},
		&handshake.KeyUpdate{UpdateRequest: true},
		&handshake.Finished{VerifyData: make([]byte, 32)},
		&handshake.ServerKeyExchange{Group: 0x1d, Public: make([]byte, 32), Scheme: 0x0804, Signature: make([]byte, 256)},
		&handshake.HelloRequest{},
		&handshake.CertificateRequest12{CertificateTypes: []uint8{handshake.CertTypeRSASign, handshake.CertTypeECDSASign},
			SignatureSchemes: []uint16{0x0804, 0x0403}, CertificateAuthorities: [][]byte{{0x30, 0x00}}},
		&handshake.CertificateRequest13{Context: []byte{}, Extensions: []handshake.Extension{
			{Type: handshake.ExtSignatureAlgorithms, Data: handshake.MarshalUint16List([]uint16{0x0804, 0x0403}, 2)}}},
	} {
		f.Add(m.Marshal())
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		typ, msg, n, err := handshake.Split(raw, 1<<17)
		switch {
		case err != nil:
			checkAlert(t, "Split", err)
		case n > len(raw) || (n > 0 && !bytes.Equal(msg, raw[:n])):
			t.Fatalf("Split returned %d of %d bytes", n, len(raw))
		case n > 0 && typ != raw[0]:
			t.Fatalf("Split: type %d, raw starts with %d", typ, raw[0])
		}
		if len(raw) == 0 {
			return
		}
		handshake.RecordName(22, raw, false)
		for i, parse := range parsers[raw[0]] {
			m, err := parse(raw)
			if err != nil {
				checkAlert(t, handshake.TypeName(raw[0]), err)
				continue
			}
			if m.Type() != raw[0] {
				t.Fatalf("%s parser %d: type %d", handshake.TypeName(raw[0]), i, m.Type())
			}
			if !bytes.Equal(m.Marshal(), raw) {
				t.Fatalf("%s parser %d: re-marshals differently", handshake.TypeName(raw[0]), i)
			}
			exts := extensionsOf(m)
			handshake.DescribeExtensions(exts, handshake.Describers{})
			for _, e := range exts {
				checkExtension(t, e.Type, e.Data)
			}
		}
	})
}

// checkExtension runs the parsers of one extension's data; what parses
// marshals back to the same bytes.
func checkExtension(t *testing.T, typ uint16, data []byte) {
	t.Helper()
	handshake.DescribeExtensions([]handshake.Extension{{Type: typ, Data: data}},
		handshake.Describers{Group: func(v uint16) string { return "g" }, Scheme: func(v uint16) string { return "s" }, Version: func(v uint16) string { return "v" }})
	if name, ok := handshake.ParseServerName(data); ok && name != "" {
		// One host_name entry re-encodes as it came only when it was the
		// sole entry; just check the name came from the data.
		if !bytes.Contains(data, []byte(name)) {
			t.Fatalf("server_name %q is not in the data", name)
		}
	}
	if ks, ok := handshake.ParseClientKeyShares(data); ok && !bytes.Equal(handshake.MarshalClientKeyShares(ks), data) {
		t.Fatal("client key_share re-marshals differently")
	}
	if k, ok := handshake.ParseServerKeyShare(data); ok && !bytes.Equal(handshake.MarshalServerKeyShare(k), data) {
		t.Fatal("server key_share re-marshals differently")
	}
	for _, lenBytes := range []int{1, 2} {
		if l, ok := handshake.ParseUint16List(data, lenBytes); ok && !bytes.Equal(handshake.MarshalUint16List(l, lenBytes), data) {
			t.Fatalf("uint16 list (%d-byte length) re-marshals differently", lenBytes)
		}
	}
	handshake.ParsePointFormats(data)
}

// FuzzExtensionData: the data of one extension, of any type, through every
// extension parser, without needing a valid message around it.
func FuzzExtensionData(f *testing.F) {
	f.Add(handshake.ExtServerName, handshake.ServerNameExtension("tls.example"))
	f.Add(handshake.ExtKeyShare, handshake.MarshalClientKeyShares([]handshake.KeyShareEntry{{Group: 0x11ec, Data: make([]byte, 1216)}, {Group: 0x1d, Data: make([]byte, 32)}}))
	f.Add(handshake.ExtKeyShare, handshake.MarshalServerKeyShare(handshake.KeyShareEntry{Group: 0x17, Data: make([]byte, 65)}))
	f.Add(handshake.ExtSupportedVersions, handshake.MarshalUint16List([]uint16{0x0304, 0x0303}, 1))
	f.Add(handshake.ExtSignatureAlgorithms, handshake.MarshalUint16List([]uint16{0x0804, 0x0403, 0x0807}, 2))
	f.Add(handshake.ExtECPointFormats, handshake.PointFormatsExtension())
	f.Fuzz(func(t *testing.T, typ uint16, data []byte) {
		checkExtension(t, typ, data)
	})
}
