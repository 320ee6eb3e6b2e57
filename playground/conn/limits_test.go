package conn_test

import (
	"bytes"
	"errors"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// The record size limits are the core's, so they hold for both versions
// by construction: a record in the clear over 2^14 bytes (RFC 5246,
// Section 6.2.1; RFC 8446, Section 5.1) and a protected one over the
// version's ciphertext limit (2^14 + 2048, RFC 5246, Section 6.2.3; 2^14 +
// 256, RFC 8446, Section 5.2) end the connection with record_overflow, at
// the client and at the server alike.

type version struct {
	name          string
	maxCiphertext int
	// pair makes a client and a server, their randomness from name.
	pair func(name string, s *pki.Setup, rec *trace.Recorder) (cli, srv endpoint.Endpoint)
}

var versions = []version{
	{"TLS 1.2", record.MaxPlaintext + 2048, func(name string, s *pki.Setup, rec *trace.Recorder) (endpoint.Endpoint, endpoint.Endpoint) {
		return tls12.Client(&tls12.Config{Rand: rng.New([]byte("client " + name)), ServerName: s.ServerName, Roots: s.Roots(), Trace: rec}),
			tls12.Server(&tls12.Config{Rand: rng.New([]byte("server " + name)), Certificates: s.Chain, Signer: s.Signer, Trace: rec})
	}},
	{"TLS 1.3", record.MaxPlaintext + 256, func(name string, s *pki.Setup, rec *trace.Recorder) (endpoint.Endpoint, endpoint.Endpoint) {
		return tls13.Client(&tls13.Config{Rand: rng.New([]byte("client " + name)), ServerName: s.ServerName, Roots: s.Roots(), Trace: rec}),
			tls13.Server(&tls13.Config{Rand: rng.New([]byte("server " + name)), Certificates: s.Chain, Signer: s.Signer, Trace: rec})
	}},
}

func TestRecordOverflow(t *testing.T) {
	s := setup(t)
	for _, v := range versions {
		inClear := header(record.TypeHandshake, record.MaxPlaintext+1)
		protected := header(record.TypeApplicationData, v.maxCiphertext+1)
		cases := []struct {
			name   string
			run    func(t *testing.T) (endpoint.Endpoint, error)
			inKeys bool // the alert goes out protected
		}{
			{"plaintext over 2^14 at the server", func(t *testing.T) (endpoint.Endpoint, error) {
				_, srv := v.pair(t.Name(), s, nil)
				return srv, srv.Receive(inClear)
			}, false},
			{"plaintext over 2^14 at the client", func(t *testing.T) (endpoint.Endpoint, error) {
				cli, _ := v.pair(t.Name(), s, nil)
				if err := cli.Start(); err != nil {
					t.Fatal(err)
				}
				cli.TakeOutput()
				return cli, cli.Receive(inClear)
			}, false},
			{"ciphertext over the limit at the server", func(t *testing.T) (endpoint.Endpoint, error) {
				_, srv := established(t, v, s)
				return srv, srv.Receive(protected)
			}, true},
			{"ciphertext over the limit at the client", func(t *testing.T) (endpoint.Endpoint, error) {
				cli, _ := established(t, v, s)
				return cli, cli.Receive(protected)
			}, true},
		}
		for _, c := range cases {
			t.Run(v.name+" "+c.name, func(t *testing.T) {
				end, err := c.run(t)
				var ae *alert.Error
				if !errors.As(err, &ae) || ae.Alert != alert.RecordOverflow || ae.Received {
					t.Fatalf("got %v, want record_overflow sent", err)
				}
				out := end.TakeOutput()
				if len(out) != 1 || out[0].Name != "Alert" || out[0].Encrypted != c.inKeys {
					t.Fatalf("sent %+v, want one alert record (protected: %v)", out, c.inKeys)
				}
				if !c.inKeys && !bytes.Equal(out[0].Wire[record.HeaderLen:], []byte{byte(alert.LevelFatal), byte(alert.RecordOverflow)}) {
					t.Fatalf("alert record %x, want fatal record_overflow", out[0].Wire)
				}
				if end.Err() == nil || end.Receive(nil) == nil {
					t.Fatal("the connection goes on after record_overflow")
				}
			})
		}
	}
}

// TestFailAfterClose: once this side's close_notify is out its write key
// is gone, so a failure afterwards sends nothing (and does not try to seal
// with the discarded key), in both versions.
func TestFailAfterClose(t *testing.T) {
	s := setup(t)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			cli, _ := established(t, v, s)
			if err := cli.Close(); err != nil {
				t.Fatal(err)
			}
			if out := cli.TakeOutput(); len(out) != 1 || out[0].Name != "Alert" {
				t.Fatalf("close sent %+v", out)
			}
			err := cli.Receive(header(record.TypeApplicationData, 64))
			if a, ok := alert.Of(err); !ok || a != alert.BadRecordMAC {
				t.Fatalf("got %v, want bad_record_mac", err)
			}
			if out := cli.TakeOutput(); len(out) != 0 {
				t.Fatalf("sent %+v after its close_notify", out)
			}
		})
	}
}

// setup is the certificates every test here uses.
func setup(t testing.TB) *pki.Setup {
	t.Helper()
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, Rand: rng.New([]byte("conn limits"))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// header is a record header announcing n bytes, followed by n zeros.
func header(typ uint8, n int) []byte {
	return append([]byte{typ, 3, 3, byte(n >> 8), byte(n)}, make([]byte, n)...)
}

// established runs a handshake between a fresh client and server.
func established(t *testing.T, v version, s *pki.Setup) (cli, srv endpoint.Endpoint) {
	t.Helper()
	cli, srv = v.pair(t.Name(), s, nil)
	if err := handshake(cli, srv); err != nil {
		t.Fatal(err)
	}
	cli.TakeOutput()
	srv.TakeOutput()
	return cli, srv
}

// handshake starts the client and carries records both ways until both
// ends have completed the handshake.
func handshake(cli, srv endpoint.Endpoint) error {
	if err := cli.Start(); err != nil {
		return err
	}
	for i := 0; i < 10 && !(cli.HandshakeComplete() && srv.HandshakeComplete()); i++ {
		if err := srv.Receive(wire(cli.TakeOutput())); err != nil {
			return err
		}
		if err := cli.Receive(wire(srv.TakeOutput())); err != nil {
			return err
		}
	}
	if !cli.HandshakeComplete() || !srv.HandshakeComplete() {
		return errors.New("the handshake did not complete")
	}
	return nil
}

func wire(out []record.Out) []byte {
	var b []byte
	for _, o := range out {
		b = append(b, o.Wire...)
	}
	return b
}

// TestOnDiscard: the hook runs once, just before the keys are overwritten
// with zeros, so what it reads still holds the secrets; in both versions.
func TestOnDiscard(t *testing.T) {
	s := setup(t)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			cli, _ := established(t, v, s)
			var seen []string
			cli.(interface{ OnDiscard(func()) }).OnDiscard(func() { seen = append(seen, cli.KeyLog()) })
			before := cli.KeyLog()
			if err := cli.Receive(header(record.TypeApplicationData, 64)); err == nil {
				t.Fatal("a forged record was accepted")
			}
			if len(seen) != 1 || seen[0] != before {
				t.Fatalf("the hook saw %q, want once %q", seen, before)
			}
			if after := cli.KeyLog(); after == before {
				t.Fatalf("the key log still shows the secrets after the failure: %q", after)
			}
		})
	}
}

// TestEmptyApplicationData: an empty record is read and shown in both
// versions, but more than 16 in a row end the connection (crypto/tls's
// bound on records that carry nothing).
func TestEmptyApplicationData(t *testing.T) {
	s := setup(t)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			cli, srv := established(t, v, s)
			for i := 0; i < 16; i++ {
				if _, err := cli.Write(nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := srv.Receive(wire(cli.TakeOutput())); err != nil {
				t.Fatalf("16 empty records: %v", err)
			}
			if _, err := cli.Write(nil); err != nil {
				t.Fatal(err)
			}
			err := srv.Receive(wire(cli.TakeOutput()))
			if a, ok := alert.Of(err); !ok || a != alert.UnexpectedMessage {
				t.Fatalf("the 17th empty record: got %v, want unexpected_message", err)
			}
		})
	}
}
