package tls13_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/record"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// This file is the TLS 1.3 negative suite: what a hostile or broken peer
// sends, and the exact alert the engine answers with, each case named by the
// RFC clause it checks (TestNegative); and what a peer may send that the
// engine must tolerate (TestTolerated). The hostile bytes are the engine's
// own messages, changed: a ClientHello from its client, a server flight
// from its server, decrypted and sealed again with keys derived from the
// server's key schedule.

// negCase is one hostile input: run plays the peer against a fresh engine
// end and returns that end and the error Receive gave.
type negCase struct {
	name string // "RFC 8446 §x.y what"
	want alert.Alert
	run  func(t *testing.T) (*tls13.Conn, error)
}

func TestNegative(t *testing.T) {
	for _, c := range negativeCases() {
		t.Run(c.name, func(t *testing.T) {
			end, err := c.run(t)
			checkAlert(t, end, err, c.want)
		})
	}
}

// checkAlert checks that end failed with want, sent it (in the clear
// before any key, as its last record), and did not just receive it.
func checkAlert(t *testing.T, end *tls13.Conn, err error, want alert.Alert) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted: want %s", want)
	}
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Alert != want || ae.Received {
		t.Fatalf("got %v, want %s sent", err, want)
	}
	t.Logf("%s: %v", want, err)
	if !strings.HasPrefix(ae.Msg, "tls: ") {
		t.Fatalf("error text %q", ae.Msg)
	}
	out := end.TakeOutput()
	if len(out) == 0 || out[len(out)-1].Name != "Alert" {
		t.Fatalf("no alert record sent (err %v)", err)
	}
	if last := out[len(out)-1]; !last.Encrypted && !bytes.Equal(last.Wire[record.HeaderLen:], []byte{2, byte(want)}) {
		t.Fatalf("alert record %x, want fatal %s", last.Wire, want)
	}
}

func negativeCases() []negCase {
	return []negCase{
		// Record layer (RFC 8446, Section 5).
		{"RFC 8446 §5.1 plaintext record over 2^14 bytes (server)", alert.RecordOverflow, func(t *testing.T) (*tls13.Conn, error) {
			return serverGets(t, nil, plain(record.TypeHandshake, make([]byte, record.MaxPlaintext+1)))
		}},
		{"RFC 8446 §5.1 16.5 KB ClientHello in one record (server)", alert.RecordOverflow, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			// 16.5 KB = 16896 bytes, the padding extension's header included.
			m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtPadding, Data: make([]byte, 16896-len(m.Raw)-4)})
			r := helloRecord(m)
			if len(r) != record.HeaderLen+16896 {
				t.Fatalf("ClientHello of %d bytes", len(r)-record.HeaderLen)
			}
			return serverGets(t, nil, r)
		}},
		{"RFC 8446 §5.1 plaintext record over 2^14 bytes (client)", alert.RecordOverflow, func(t *testing.T) (*tls13.Conn, error) {
			cli, _, _ := serverFlight(t, nil, nil)
			return cli, cli.Receive(plain(record.TypeHandshake, make([]byte, record.MaxPlaintext+1)))
		}},
		{"RFC 8446 §5.2 ciphertext over 2^14 + 256 bytes (server)", alert.RecordOverflow, func(t *testing.T) (*tls13.Conn, error) {
			_, srv, _ := serverFlight(t, nil, nil)
			return srv, srv.Receive(protectedJunk(record.MaxPlaintext + 257))
		}},
		{"RFC 8446 §5.2 ciphertext over 2^14 + 256 bytes (client)", alert.RecordOverflow, func(t *testing.T) (*tls13.Conn, error) {
			cli, _, flight := serverFlight(t, nil, nil)
			if err := cli.Receive(flight[0].Wire); err != nil {
				t.Fatal(err)
			}
			return cli, cli.Receive(protectedJunk(record.MaxPlaintext + 257))
		}},
		{"RFC 8446 §5.4 inner plaintext over 2^14 + 1 bytes with padding (server)", alert.RecordOverflow, func(t *testing.T) (*tls13.Conn, error) {
			_, srv, _ := serverFlight(t, nil, nil)
			p := protector(t, srv, srv.Schedule().ClientHandshake)
			return srv, srv.Receive(seal(p, record.TypeHandshake, make([]byte, 100), record.MaxPlaintext, record.VersionTLS12))
		}},
		{"RFC 8446 §5.4 inner plaintext over 2^14 + 1 bytes with padding (client)", alert.RecordOverflow, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv, flight := serverFlight(t, nil, nil)
			msgs := serverMessages(t, srv, flight)
			p := protector(t, srv, srv.Schedule().ServerHandshake)
			return cli, cli.Receive(cat(flight[0].Wire, seal(p, record.TypeHandshake, msgs[0], record.MaxPlaintext, record.VersionTLS12)))
		}},
		{"RFC 8446 §5.4 inner content over 2^14 bytes (server)", alert.RecordOverflow, func(t *testing.T) (*tls13.Conn, error) {
			_, srv, _ := serverFlight(t, nil, nil)
			p := protector(t, srv, srv.Schedule().ClientHandshake)
			return srv, srv.Receive(seal(p, record.TypeHandshake, make([]byte, record.MaxPlaintext+1), 0, record.VersionTLS12))
		}},

		// Handshake messages must not span a key change (RFC 8446, Section 5.1).
		{"RFC 8446 §5.1 ClientHello followed by another handshake message in its record", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			fin := (&handshake.Finished{VerifyData: make([]byte, 32)}).Marshal()
			return serverGets(t, nil, plain(record.TypeHandshake, cat(m.Raw, fin)))
		}},
		{"RFC 8446 §5.1 ClientHello ending in the record of the next message", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			return serverGets(t, nil, plain(record.TypeHandshake, m.Raw[:100]), plain(record.TypeHandshake, cat(m.Raw[100:], []byte{20, 0})))
		}},
		{"RFC 8446 §5.1 ServerHello followed by more bytes in its record", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			cli, _, flight := serverFlight(t, nil, nil)
			rec, _, _ := record.Parse(flight[0].Wire)
			ee := (&handshake.EncryptedExtensions{}).Marshal()
			return cli, cli.Receive(plain(record.TypeHandshake, cat(rec.Payload, ee)))
		}},
		{"RFC 8446 §5.1 server Finished followed by more handshake bytes", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv, flight := serverFlight(t, nil, nil)
			msgs := serverMessages(t, srv, flight)
			last := len(msgs) - 1
			msgs[last] = cat(msgs[last], (&handshake.KeyUpdate{}).Marshal())
			return cli, cli.Receive(cat(flight[0].Wire, resealFlight(t, srv, msgs)))
		}},
		{"RFC 8446 §5.1 client Finished followed by more handshake bytes", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			_, srv, _ := serverFlight(t, nil, nil)
			p := protector(t, srv, srv.Schedule().ClientHandshake)
			fin := (&handshake.Finished{VerifyData: make([]byte, srv.Suite().Hash.Size())}).Marshal()
			return srv, srv.Receive(seal(p, record.TypeHandshake, cat(fin, (&handshake.KeyUpdate{}).Marshal()), 0, record.VersionTLS12))
		}},
		{"RFC 8446 §5.1 KeyUpdate followed by more handshake bytes", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv := established(t)
			p := protector(t, srv, srv.Schedule().ServerApp)
			ku := (&handshake.KeyUpdate{}).Marshal()
			return cli, cli.Receive(seal(p, record.TypeHandshake, cat(ku, ku), 0, record.VersionTLS12))
		}},

		// The ClientHello (RFC 8446, Sections 4.1.2, 4.2 and 9.2).
		{"RFC 8446 §9.2 ClientHello without signature_algorithms", alert.MissingExtension, helloWithout(handshake.ExtSignatureAlgorithms)},
		{"RFC 8446 §9.2 ClientHello without key_share", alert.MissingExtension, helloWithout(handshake.ExtKeyShare)},
		{"RFC 8446 §9.2 ClientHello without supported_groups", alert.MissingExtension, helloWithout(handshake.ExtSupportedGroups)},
		{"RFC 8446 §4.2.3 signature_algorithms of odd length", alert.DecodeError, helloWith(handshake.ExtSignatureAlgorithms, []byte{0, 3, 8, 4, 4})},
		{"RFC 8446 §4.2.3 signature_algorithms of zero length", alert.DecodeError, helloWith(handshake.ExtSignatureAlgorithms, []byte{0, 0})},
		{"RFC 8446 §4.2.3 signature_algorithms length does not match", alert.DecodeError, helloWith(handshake.ExtSignatureAlgorithms, []byte{0, 6, 8, 4, 4, 3})},
		{"RFC 8446 §4.2.7 supported_groups length does not match", alert.DecodeError, helloWith(handshake.ExtSupportedGroups, []byte{0, 4, 0, 0x1d})},
		{"RFC 8446 §4.2.1 supported_versions malformed", alert.DecodeError, helloWith(handshake.ExtSupportedVersions, []byte{3, 3, 4})},
		{"RFC 8446 §4.2.1 supported_versions without TLS 1.3", alert.ProtocolVersion, helloWith(handshake.ExtSupportedVersions, []byte{2, 3, 3})},
		{"RFC 8446 §4.2.8 duplicate key share for a group", alert.IllegalParameter, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			kd, _ := handshake.Find(m.Extensions, handshake.ExtKeyShare)
			shares, _ := handshake.ParseClientKeyShares(kd)
			return serverGets(t, nil, helloRecord(setExt(m, handshake.ExtKeyShare, handshake.MarshalClientKeyShares(append(shares, shares[0])))))
		}},
		{"RFC 8446 §4.2.8 key share for a group not in supported_groups", alert.IllegalParameter, helloWith(handshake.ExtSupportedGroups, handshake.MarshalUint16List([]uint16{kx.P256.ID}, 2))},
		{"RFC 8446 §4.2.8 empty key_exchange", alert.DecodeError, helloWith(handshake.ExtKeyShare, []byte{0, 4, 0, 0x1d, 0, 0})},
		{"RFC 8446 §4.1.2 legacy_version 0x0301", alert.ProtocolVersion, helloVersion(0x0301)},
		{"RFC 8446 Appendix D.5 legacy_version 0x0300", alert.ProtocolVersion, helloVersion(0x0300)},
		{"RFC 8446 §4.1.2 compression methods other than [null]", alert.IllegalParameter, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			m.Compression = []uint8{1, 0}
			return serverGets(t, nil, helloRecord(m))
		}},
		{"RFC 8446 §4.1.2 legacy_session_id over 32 bytes", alert.DecodeError, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			m.SessionID = make([]byte, 33)
			return serverGets(t, nil, helloRecord(m))
		}},
		{"RFC 8446 §4.2 the same extension twice", alert.DecodeError, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			m.Extensions = append(m.Extensions, m.Extensions[len(m.Extensions)-1])
			return serverGets(t, nil, helloRecord(m))
		}},
		{"RFC 8446 §4.2.11 pre_shared_key not the last extension", alert.IllegalParameter, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			m.Extensions = append([]handshake.Extension{{Type: handshake.ExtPreSharedKey, Data: fakePSK()}}, m.Extensions...)
			return serverGets(t, nil, helloRecord(m))
		}},
		{"RFC 8446 §4.2.9 pre_shared_key without psk_key_exchange_modes", alert.MissingExtension, func(t *testing.T) (*tls13.Conn, error) {
			m := engineHello(t)
			m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtPreSharedKey, Data: fakePSK()})
			return serverGets(t, nil, helloRecord(m))
		}},
		{"RFC 6066 §3 malformed server_name", alert.DecodeError, helloWith(handshake.ExtServerName, []byte{0, 9, 0, 0, 9, 'x'})},

		// HelloRetryRequest (RFC 8446, Sections 4.1.2 and 4.1.4).
		{"RFC 8446 §4.1.2 second ClientHello with the same key share", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, _ []byte) {})},
		{"RFC 8446 §4.1.2 second ClientHello with two key shares", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			kd, _ := handshake.Find(m.Extensions, handshake.ExtKeyShare)
			shares, _ := handshake.ParseClientKeyShares(kd)
			setExt(m, handshake.ExtKeyShare, handshake.MarshalClientKeyShares(append(shares, handshake.KeyShareEntry{Group: kx.P256.ID, Data: p256})))
		})},
		{"RFC 8446 §4.1.2 second ClientHello with other cipher suites", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			useShare(m, p256)
			m.CipherSuites = m.CipherSuites[1:]
		})},
		{"RFC 8446 §4.1.2 second ClientHello with another random", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			useShare(m, p256)
			m.Random = bytes.Repeat([]byte{7}, 32)
		})},
		{"RFC 8446 §4.1.2 second ClientHello with another session ID", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			useShare(m, p256)
			m.SessionID = m.SessionID[1:]
		})},
		{"RFC 8446 §4.1.2 second ClientHello with other supported_groups", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			useShare(m, p256)
			setExt(m, handshake.ExtSupportedGroups, handshake.MarshalUint16List([]uint16{kx.P256.ID, kx.X25519.ID}, 2))
		})},
		{"RFC 8446 §4.1.2 second ClientHello with an extension added", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			useShare(m, p256)
			m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtALPN, Data: []byte{0, 3, 2, 'h', '2'}})
		})},
		{"RFC 8446 §4.1.2 second ClientHello with an extension removed", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			useShare(m, p256)
			deleteExt(m, handshake.ExtServerName)
		})},
		{"RFC 8446 §4.2.10 second ClientHello still offering early_data", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			useShare(m, p256)
			m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtEarlyData})
		})},
		{"RFC 8446 §4.2.2 second ClientHello with a cookie the server never sent", alert.IllegalParameter, secondHello(func(m *handshake.ClientHello, p256 []byte) {
			useShare(m, p256)
			m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtCookie, Data: []byte{0, 1, 1}})
		})},
		{"RFC 8446 §4.1.4 HelloRetryRequest for a group not in supported_groups", alert.IllegalParameter, helloRetry(func(g []byte) []handshake.Extension {
			return []handshake.Extension{supportedVersion13(), {Type: handshake.ExtKeyShare, Data: []byte{0, 0x18}}} // secp384r1
		})},
		{"RFC 8446 §4.1.4 HelloRetryRequest for the group already in key_share", alert.IllegalParameter, helloRetry(func(g []byte) []handshake.Extension {
			return []handshake.Extension{supportedVersion13(), {Type: handshake.ExtKeyShare, Data: g}}
		})},
		{"RFC 8446 §4.1.4 HelloRetryRequest that would not change the ClientHello", alert.IllegalParameter, helloRetry(func(g []byte) []handshake.Extension {
			return []handshake.Extension{supportedVersion13()}
		})},
		{"RFC 8446 §4.1.4 HelloRetryRequest with an extension the client did not offer", alert.UnsupportedExtension, helloRetry(func(g []byte) []handshake.Extension {
			return []handshake.Extension{supportedVersion13(), {Type: handshake.ExtKeyShare, Data: []byte{0, 0x17}}, {Type: handshake.ExtALPN, Data: []byte{0, 3, 2, 'h', '2'}}}
		})},
		{"RFC 8446 §4.1.4 a second HelloRetryRequest", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			cli, hrr := hrrFor(t, []handshake.Extension{supportedVersion13(), {Type: handshake.ExtKeyShare, Data: []byte{0, 0x17}}})
			if err := cli.Receive(hrr); err != nil {
				t.Fatal(err)
			}
			cli.TakeOutput()
			return cli, cli.Receive(hrr)
		}},

		// The server's flight, as the client checks it (RFC 8446, Section 4.3 and 4.4).
		{"RFC 8446 §4.3.2 CertificateRequest without signature_algorithms", alert.MissingExtension, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv, flight := serverFlight(t, nil, nil)
			msgs := serverMessages(t, srv, flight)
			cr := (&handshake.CertificateRequest13{Context: []byte{}, Extensions: []handshake.Extension{}}).Marshal()
			return cli, cli.Receive(cat(flight[0].Wire, resealFlight(t, srv, [][]byte{msgs[0], cr})))
		}},
		{"RFC 8446 §4.3.2 CertificateRequest after the server's Certificate", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv, flight := serverFlight(t, nil, nil)
			msgs := serverMessages(t, srv, flight)
			cr := certificateRequest(nil)
			return cli, cli.Receive(cat(flight[0].Wire, resealFlight(t, srv, [][]byte{msgs[0], msgs[1], cr})))
		}},
		{"RFC 8446 §4.4.2.4 empty server Certificate", alert.DecodeError, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv, flight := serverFlight(t, nil, nil)
			msgs := serverMessages(t, srv, flight)
			empty := (&handshake.Certificate13{Context: []byte{}}).Marshal()
			return cli, cli.Receive(cat(flight[0].Wire, resealFlight(t, srv, [][]byte{msgs[0], empty})))
		}},
		{"RFC 8446 §4.2.3 CertificateVerify with rsa_pkcs1_sha256", alert.IllegalParameter, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv, flight := serverFlight(t, nil, nil)
			msgs := serverMessages(t, srv, flight)
			cv := (&handshake.CertificateVerify{Scheme: sigscheme.RSAPKCS1SHA256.ID, Signature: make([]byte, 256)}).Marshal()
			return cli, cli.Receive(cat(flight[0].Wire, resealFlight(t, srv, [][]byte{msgs[0], msgs[1], cv})))
		}},

		// After the handshake (RFC 8446, Section 4.6.3).
		{"RFC 8446 §4.6.3 KeyUpdate with request_update 2 (server)", alert.IllegalParameter, func(t *testing.T) (*tls13.Conn, error) {
			_, srv := established(t)
			p := protector(t, srv, srv.Schedule().ClientApp)
			return srv, srv.Receive(seal(p, record.TypeHandshake, []byte{handshake.TypeKeyUpdate, 0, 0, 1, 2}, 0, record.VersionTLS12))
		}},
		{"RFC 8446 §4.6.3 KeyUpdate with request_update 255 (client)", alert.IllegalParameter, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv := established(t)
			p := protector(t, srv, srv.Schedule().ServerApp)
			return cli, cli.Receive(seal(p, record.TypeHandshake, []byte{handshake.TypeKeyUpdate, 0, 0, 1, 255}, 0, record.VersionTLS12))
		}},

		{"RFC 8446 §4.6.2 post-handshake CertificateRequest the client did not allow", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			cli, srv := established(t)
			p := protector(t, srv, srv.Schedule().ServerApp)
			return cli, cli.Receive(seal(p, record.TypeHandshake, certificateRequest([]byte{1}), 0, record.VersionTLS12))
		}},

		// Early data the server does not accept (RFC 8446, Section 4.2.10).
		{"RFC 8446 §4.2.10 more early data than the server skips", alert.UnexpectedMessage, func(t *testing.T) (*tls13.Conn, error) {
			cfg := clientConfig(t, setup(t, "rsa"))
			tls13.SetClientHelloHook(cfg, offerEarlyData)
			cli := tls13.Client(cfg)
			cli.Start()
			srv := tls13.Server(serverConfig(t, setup(t, "rsa")))
			if err := srv.Receive(wire(cli.TakeOutput())); err != nil {
				t.Fatal(err)
			}
			if err := srv.Receive(protectedJunk(10000)); err != nil {
				t.Fatal(err)
			}
			return srv, srv.Receive(protectedJunk(10000))
		}},
	}
}

// TestTolerated: what a peer may send and the engine must accept, each
// named by the RFC clause that allows it.
func TestTolerated(t *testing.T) {
	s := setup(t, "rsa")
	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"RFC 8446 §5.1 legacy_record_version 0x0301 on a protected record (server)", func(t *testing.T) {
			cli, srv := established(t)
			p := protector(t, cli, srv.Schedule().ClientApp)
			for _, v := range []uint16{0x0301, 0x0302, 0x0303} {
				if err := srv.Receive(seal(p, record.TypeApplicationData, []byte("hi"), 0, v)); err != nil {
					t.Fatalf("0x%04x: %v", v, err)
				}
			}
			if got := srv.TakeApplicationData(); len(got) != 3 {
				t.Fatalf("got %q", got)
			}
		}},
		{"RFC 8446 §5.1 legacy_record_version 0x0301 on a protected record (client)", func(t *testing.T) {
			cli, srv := established(t)
			p := protector(t, srv, srv.Schedule().ServerApp)
			if err := cli.Receive(seal(p, record.TypeApplicationData, []byte("hi"), 0, 0x0301)); err != nil {
				t.Fatal(err)
			}
			if got := cli.TakeApplicationData(); len(got) != 1 || string(got[0]) != "hi" {
				t.Fatalf("got %q", got)
			}
		}},
		{"RFC 8446 §5.1 legacy_record_version 0x0303 on the first ClientHello", func(t *testing.T) {
			m := engineHello(t)
			srv, err := serverGets(t, nil, plain(record.TypeHandshake, m.Raw))
			if err != nil || len(srv.TakeOutput()) == 0 {
				t.Fatal(err)
			}
		}},
		{"RFC 8446 §5.1 a ClientHello split over two records", func(t *testing.T) {
			m := engineHello(t)
			if _, err := serverGets(t, nil, plainV(0x0301, m.Raw[:50]), plain(record.TypeHandshake, m.Raw[50:])); err != nil {
				t.Fatal(err)
			}
		}},
		{"RFC 8446 §5.4 padding up to the limit", func(t *testing.T) {
			cli, srv := established(t)
			p := protector(t, cli, srv.Schedule().ClientApp)
			if err := srv.Receive(seal(p, record.TypeApplicationData, []byte("hi"), record.MaxPlaintext-2, record.VersionTLS12)); err != nil {
				t.Fatal(err)
			}
		}},
		{"RFC 8446 §4.1.2 second ClientHello adding padding", func(t *testing.T) {
			_, err := secondHello(func(m *handshake.ClientHello, p256 []byte) {
				useShare(m, p256)
				m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtPadding, Data: make([]byte, 100)})
			})(t)
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"RFC 8446 §4.2.10 early data skipped, handshake completes", func(t *testing.T) {
			rec := &trace.Recorder{}
			srvCfg := serverConfig(t, s)
			srvCfg.Trace = rec
			earlyDataHandshake(t, srvCfg, 2)
			if !hasEvent(rec, "Skips a 0-RTT early data record") || !hasEvent(rec, "Declines the client's early data") {
				t.Fatal("the trace does not show the skipped early data")
			}
		}},
		{"RFC 8446 §4.2.10 early data skipped after a HelloRetryRequest", func(t *testing.T) {
			srvCfg := serverConfig(t, s)
			srvCfg.Groups = []*kx.Group{kx.P256}
			srv := earlyDataHandshake(t, srvCfg, 1)
			if !srv.HelloRetry() {
				t.Fatal("no HelloRetryRequest")
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

// earlyDataHandshake runs a client that offers early_data (with a
// pre_shared_key from some other server, which this one ignores) and sends
// n 0-RTT records after its ClientHello, against an engine server.
func earlyDataHandshake(t *testing.T, srvCfg *tls13.Config, n int) *tls13.Conn {
	cfg := clientConfig(t, setup(t, "rsa"))
	cfg.Groups, cfg.KeyShares = []*kx.Group{kx.X25519, kx.P256}, []*kx.Group{kx.X25519}
	tls13.SetClientHelloHook(cfg, offerEarlyData)
	cli := tls13.Client(cfg)
	srv := tls13.Server(srvCfg)
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	first := wire(cli.TakeOutput())
	for i := 0; i < n; i++ {
		first = cat(first, protectedJunk(1000))
	}
	if err := srv.Receive(first); err != nil {
		t.Fatal(err)
	}
	pump(t, cli, srv)
	if !cli.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatalf("handshake did not complete: client %v, server %v", cli.Err(), srv.Err())
	}
	return srv
}

// offerEarlyData adds early_data and a pre_shared_key (last, as RFC 8446,
// Section 4.2.11 wants) to a first ClientHello, as a client resuming with
// 0-RTT does; the second ClientHello drops early_data (Section 4.2.10).
func offerEarlyData(m *handshake.ClientHello, retry bool) {
	m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtPSKModes, Data: []byte{1, 1}})
	if !retry {
		m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtEarlyData})
	}
	m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtPreSharedKey, Data: fakePSK()})
}

// fakePSK is pre_shared_key data with one identity and one binder.
func fakePSK() []byte {
	id := bytes.Repeat([]byte{0xaa}, 16)
	binder := bytes.Repeat([]byte{0xbb}, 32)
	b := []byte{0, byte(2 + len(id) + 4), 0, byte(len(id))}
	b = append(append(b, id...), 0, 0, 0, 1)
	b = append(b, 0, byte(1+len(binder)), byte(len(binder)))
	return append(b, binder...)
}

func hasEvent(r *trace.Recorder, prefix string) bool {
	for _, e := range r.Events {
		if strings.HasPrefix(e.Title, prefix) {
			return true
		}
	}
	return false
}

// Peers' tools.

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func wire(out []record.Out) []byte {
	var b []byte
	for _, o := range out {
		b = append(b, o.Wire...)
	}
	return b
}

// plain is an unprotected record saying 0x0303.
func plain(typ uint8, payload []byte) []byte {
	return record.Record{Type: typ, Version: record.VersionTLS12, Payload: payload}.Marshal()
}

// plainV is an unprotected handshake record with another version.
func plainV(vers uint16, payload []byte) []byte {
	return record.Record{Type: record.TypeHandshake, Version: vers, Payload: payload}.Marshal()
}

// protectedJunk is an application_data record of n bytes that no key opens.
func protectedJunk(n int) []byte {
	return record.Record{Type: record.TypeApplicationData, Version: record.VersionTLS12, Payload: bytes.Repeat([]byte{0x5a}, n)}.Marshal()
}

// protector returns a fresh record protector (sequence number 0) for a
// traffic secret of end's key schedule.
func protector(t *testing.T, end *tls13.Conn, secret []byte) *record.Protector {
	t.Helper()
	k := tls13.NewSchedule(end.Suite()).Keys(end.Suite(), secret, "test", "test")
	p, err := record.New13(end.Suite().AEAD, k.Key, k.IV)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func seal(p *record.Protector, typ uint8, content []byte, padding int, vers uint16) []byte {
	rec, _ := p.Seal13Version(typ, content, padding, vers)
	return rec.Marshal()
}

// engineHello returns the engine client's ClientHello, for a case to change.
func engineHello(t *testing.T) *handshake.ClientHello {
	t.Helper()
	c := tls13.Client(clientConfig(t, setup(t, "rsa")))
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	rec, _, err := record.Parse(c.TakeOutput()[0].Wire)
	if err != nil {
		t.Fatal(err)
	}
	m, err := handshake.UnmarshalClientHello(rec.Payload)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// helloRecord marshals m again, in one record.
func helloRecord(m *handshake.ClientHello) []byte {
	m.Raw = m.Marshal()
	return plainV(record.VersionTLS10, m.Raw)
}

func setExt(m *handshake.ClientHello, typ uint16, data []byte) *handshake.ClientHello {
	for i, e := range m.Extensions {
		if e.Type == typ {
			m.Extensions[i].Data = data
			return m
		}
	}
	m.Extensions = append(m.Extensions, handshake.Extension{Type: typ, Data: data})
	return m
}

func deleteExt(m *handshake.ClientHello, typ uint16) *handshake.ClientHello {
	var keep []handshake.Extension
	for _, e := range m.Extensions {
		if e.Type != typ {
			keep = append(keep, e)
		}
	}
	m.Extensions = keep
	return m
}

func helloWithout(typ uint16) func(t *testing.T) (*tls13.Conn, error) {
	return func(t *testing.T) (*tls13.Conn, error) {
		return serverGets(t, nil, helloRecord(deleteExt(engineHello(t), typ)))
	}
}

func helloWith(typ uint16, data []byte) func(t *testing.T) (*tls13.Conn, error) {
	return func(t *testing.T) (*tls13.Conn, error) {
		return serverGets(t, nil, helloRecord(setExt(engineHello(t), typ, data)))
	}
}

func helloVersion(v uint16) func(t *testing.T) (*tls13.Conn, error) {
	return func(t *testing.T) (*tls13.Conn, error) {
		m := engineHello(t)
		m.Version = v
		return serverGets(t, nil, helloRecord(m))
	}
}

// serverGets feeds records to a fresh engine server (changed by cfg) and
// returns it and the first error.
func serverGets(t *testing.T, cfg func(*tls13.Config), records ...[]byte) (*tls13.Conn, error) {
	t.Helper()
	c := serverConfig(t, setup(t, "rsa"))
	if cfg != nil {
		cfg(c)
	}
	srv := tls13.Server(c)
	for _, r := range records {
		if err := srv.Receive(r); err != nil {
			return srv, err
		}
	}
	return srv, nil
}

// secondHello has a server that wants P-256 answer the engine client's
// X25519-only ClientHello with a HelloRetryRequest, then receive the first
// ClientHello changed by change (given a valid P-256 share to use).
func secondHello(change func(m *handshake.ClientHello, p256 []byte)) func(t *testing.T) (*tls13.Conn, error) {
	return func(t *testing.T) (*tls13.Conn, error) {
		m := engineHello(t)
		first := helloRecord(m)
		srv, err := serverGets(t, func(c *tls13.Config) { c.Groups = []*kx.Group{kx.P256} }, first)
		if err != nil || !srv.HelloRetry() {
			t.Fatalf("no HelloRetryRequest: %v", err)
		}
		srv.TakeOutput()
		p, err := kx.P256.Generate(rng.New([]byte("p256")))
		if err != nil {
			t.Fatal(err)
		}
		change(m, p.Public)
		return srv, srv.Receive(plain(record.TypeHandshake, m.Marshal()))
	}
}

// useShare replaces the key shares with one P-256 share.
func useShare(m *handshake.ClientHello, p256 []byte) {
	setExt(m, handshake.ExtKeyShare, handshake.MarshalClientKeyShares([]handshake.KeyShareEntry{{Group: kx.P256.ID, Data: p256}}))
}

func supportedVersion13() handshake.Extension {
	return handshake.Extension{Type: handshake.ExtSupportedVersions, Data: []byte{3, 4}}
}

// hrrFor returns an engine client (X25519 share, P-256 also supported) that
// sent its ClientHello, and a HelloRetryRequest with exts for it.
func hrrFor(t *testing.T, exts []handshake.Extension) (*tls13.Conn, []byte) {
	t.Helper()
	cfg := clientConfig(t, setup(t, "rsa"))
	cfg.Groups, cfg.KeyShares = []*kx.Group{kx.X25519, kx.P256}, []*kx.Group{kx.X25519}
	cli := tls13.Client(cfg)
	cli.Start()
	rec, _, _ := record.Parse(cli.TakeOutput()[0].Wire)
	ch, err := handshake.UnmarshalClientHello(rec.Payload)
	if err != nil {
		t.Fatal(err)
	}
	hrr := &handshake.ServerHello{Version: record.VersionTLS12, Random: handshake.HelloRetryRandom, SessionID: ch.SessionID,
		CipherSuite: ch.CipherSuites[0], Extensions: exts}
	return cli, plain(record.TypeHandshake, hrr.Marshal())
}

// helloRetry has the client receive a HelloRetryRequest with the
// extensions exts gives for its X25519 key share's group code.
func helloRetry(exts func(x25519 []byte) []handshake.Extension) func(t *testing.T) (*tls13.Conn, error) {
	return func(t *testing.T) (*tls13.Conn, error) {
		cli, hrr := hrrFor(t, exts([]byte{0, 0x1d}))
		return cli, cli.Receive(hrr)
	}
}

// certificateRequest is a CertificateRequest asking for the schemes.
func certificateRequest(ctx []byte) []byte {
	m := &handshake.CertificateRequest13{Context: ctx, Extensions: []handshake.Extension{
		{Type: handshake.ExtSignatureAlgorithms, Data: handshake.MarshalUint16List([]uint16{0x0804, 0x0403}, 2)}}}
	if ctx == nil {
		m.Context = []byte{}
	}
	return m.Marshal()
}

// serverFlight runs an engine client and server (changed by the two
// functions) until the server has answered the ClientHello; flight is the
// server's records, not yet given to the client.
func serverFlight(t *testing.T, cliCfg, srvCfg func(*tls13.Config)) (cli, srv *tls13.Conn, flight []record.Out) {
	t.Helper()
	s := setup(t, "rsa")
	cc, sc := clientConfig(t, s), serverConfig(t, s)
	if cliCfg != nil {
		cliCfg(cc)
	}
	if srvCfg != nil {
		srvCfg(sc)
	}
	cli, srv = tls13.Client(cc), tls13.Server(sc)
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Receive(wire(cli.TakeOutput())); err != nil {
		t.Fatal(err)
	}
	return cli, srv, srv.TakeOutput()
}

// serverMessages decrypts the server's protected handshake records:
// EncryptedExtensions, Certificate, CertificateVerify, Finished.
func serverMessages(t *testing.T, srv *tls13.Conn, flight []record.Out) [][]byte {
	t.Helper()
	p := protector(t, srv, srv.Schedule().ServerHandshake)
	var msgs [][]byte
	for _, o := range flight {
		if !o.Encrypted {
			continue
		}
		rec, _, _ := record.Parse(o.Wire)
		plain, _, _, err := p.Open13(rec)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, plain)
	}
	return msgs
}

// resealFlight protects msgs, one record each, under the server's
// handshake key from sequence number 0.
func resealFlight(t *testing.T, srv *tls13.Conn, msgs [][]byte) []byte {
	p := protector(t, srv, srv.Schedule().ServerHandshake)
	var b []byte
	for _, m := range msgs {
		b = append(b, seal(p, record.TypeHandshake, m, 0, record.VersionTLS12)...)
	}
	return b
}

// established runs a whole engine handshake in memory.
func established(t *testing.T) (cli, srv *tls13.Conn) {
	t.Helper()
	cli, srv, flight := serverFlight(t, nil, nil)
	if err := cli.Receive(wire(flight)); err != nil {
		t.Fatal(err)
	}
	pump(t, cli, srv)
	if !cli.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatal("handshake did not complete")
	}
	return cli, srv
}

// pump passes records both ways until neither side has any.
func pump(t *testing.T, cli, srv *tls13.Conn) {
	t.Helper()
	for i := 0; i < 10; i++ {
		toSrv, toCli := wire(cli.TakeOutput()), wire(srv.TakeOutput())
		if len(toSrv) == 0 && len(toCli) == 0 {
			return
		}
		if err := srv.Receive(toSrv); err != nil {
			t.Fatalf("server: %v", err)
		}
		if err := cli.Receive(toCli); err != nil {
			t.Fatalf("client: %v", err)
		}
	}
}
