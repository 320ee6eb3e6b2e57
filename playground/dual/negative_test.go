package dual_test

import (
	"bytes"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/dual"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

// TestServerRefusesFirstFlight: what the version-choosing server refuses
// before either end exists, each with its alert sent in the clear.
func TestServerRefusesFirstFlight(t *testing.T) {
	s, err := pki.NewSetup(pki.Options{Rand: rng.New([]byte("dual"))})
	if err != nil {
		t.Fatal(err)
	}
	newServer := func() *dual.Server {
		return dual.NewServer(&tls12.Config{Rand: rng.New([]byte("s12")), Certificates: s.Chain, Signer: s.Signer},
			&tls13.Config{Rand: rng.New([]byte("s13")), Certificates: s.Chain, Signer: s.Signer})
	}
	// hello12 is a TLS 1.2-only ClientHello, as a client that fell back sends it.
	c := tls12.Client(&tls12.Config{Rand: rng.New([]byte("c12")), ServerName: s.ServerName, Roots: s.Roots()})
	c.Start()
	hello12 := c.TakeOutput()[0].Wire[record.HeaderLen:]
	m, err := handshake.UnmarshalClientHello(hello12)
	if err != nil {
		t.Fatal(err)
	}
	m.CipherSuites = append(m.CipherSuites, 0x5600) // TLS_FALLBACK_SCSV
	fallback := m.Marshal()
	m.Extensions = append(m.Extensions, handshake.Extension{Type: 21, Data: make([]byte, 16500)})
	big := m.Marshal()
	rec := func(typ uint8, p []byte) []byte {
		return record.Record{Type: typ, Version: record.VersionTLS12, Payload: p}.Marshal()
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want alert.Alert
	}{
		{"RFC 8446 §5.1, RFC 5246 §6.2.1 ClientHello of 16.5 KB in one record", rec(record.TypeHandshake, big), alert.RecordOverflow},
		{"RFC 5246 §6.2.1 plaintext record over 2^14 bytes", rec(record.TypeHandshake, make([]byte, record.MaxPlaintext+1)), alert.RecordOverflow},
		{"RFC 5246 §6 first record not a handshake record", rec(record.TypeApplicationData, []byte("GET / HTTP/1.1\r\n")), alert.UnexpectedMessage},
		{"RFC 5246 §7.4 first message not a ClientHello", rec(record.TypeHandshake, []byte{handshake.TypeFinished, 0, 0, 0}), alert.UnexpectedMessage},
		{"RFC 5246 §7.4.1.2 malformed ClientHello", rec(record.TypeHandshake, []byte{handshake.TypeClientHello, 0, 0, 1, 3}), alert.DecodeError},
		{"RFC 7507 §3 TLS_FALLBACK_SCSV from a TLS 1.2 client", rec(record.TypeHandshake, fallback), alert.InappropriateFallback},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer()
			err := srv.Receive(tc.in)
			if a, ok := alert.Of(err); !ok || a != tc.want {
				t.Fatalf("error %v, want the alert %s", err, tc.want)
			}
			out := srv.TakeOutput()
			want := []byte{record.TypeAlert, 3, 3, 0, 2, byte(alert.LevelFatal), byte(tc.want)}
			if len(out) == 0 || !bytes.Equal(out[len(out)-1].Wire, want) {
				t.Fatalf("sent %v, want the fatal alert %x", out, want)
			}
			if srv.Receive([]byte{22}) == nil {
				t.Error("the server went on after refusing")
			}
		})
	}
}
