package tls12_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

// The TLS 1.2 negative suite: each case is a hostile input or a peer
// behaviour, named by the RFC clause that says what the end under test must
// do. Most cases end the connection with one exact fatal alert; the
// renegotiation cases keep it, with a no_renegotiation warning or by
// ignoring the message, and application data flows afterwards.

// outcome is what a negative case must produce.
type outcome int

const (
	fatal   outcome = iota // the tested end fails with the alert, and the peer receives it
	warns                  // the tested end sends the alert as a warning and the connection goes on
	ignores                // the tested end sends nothing and the connection goes on
)

type negCase struct {
	name  string // the RFC clause it checks
	want  alert.Alert
	how   outcome
	msg   string // a piece of the tested end's error text (fatal), or of its trace event title
	setup func(t *testing.T) negRun
}

// negRun is a case played out: the end under test, its peer (nil when the
// test fed raw bytes and the alert is read from the output in the clear)
// and the tested end's trace.
type negRun struct {
	tested, peer *tls12.Conn
	trace        *trace.Recorder
}

// wire returns a record with the given type and payload, version 3.3.
func wire(typ uint8, payload []byte) []byte {
	return record.Record{Type: typ, Version: record.VersionTLS12, Payload: payload}.Marshal()
}

// msg returns a handshake message: type, 24-bit length, body.
func msg(typ uint8, body []byte) []byte {
	return append([]byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
}

// payloadEdit changes the payload of a plaintext record and fixes its
// length, keeping its type and version.
func payloadEdit(w []byte, f func(p []byte) []byte) []byte {
	p := f(append([]byte(nil), w[record.HeaderLen:]...))
	out := append([]byte(nil), w[:record.HeaderLen]...)
	binary.BigEndian.PutUint16(out[3:], uint16(len(p)))
	return append(out, p...)
}

// onRecord returns a converse tamper that edits the payload of the named
// record from the named side.
func onRecord(from, name string, f func(p []byte) []byte) func(string, string, []byte) []byte {
	return func(fr, n string, w []byte) []byte {
		if fr == from && n == name {
			return payloadEdit(w, f)
		}
		return w
	}
}

// prepend and appendBytes edit a payload.
func prepend(b []byte) func([]byte) []byte {
	return func(p []byte) []byte { return append(append([]byte(nil), b...), p...) }
}
func appendBytes(b []byte) func([]byte) []byte {
	return func(p []byte) []byte { return append(p, b...) }
}

// editClientHello and editServerHello parse, change and re-marshal the
// hello in a record payload.
func editClientHello(f func(m *handshake.ClientHello)) func([]byte) []byte {
	return func(p []byte) []byte {
		m, err := handshake.UnmarshalClientHello(p)
		if err != nil {
			panic(err)
		}
		f(m)
		return m.Marshal()
	}
}

func editServerHello(f func(m *handshake.ServerHello)) func([]byte) []byte {
	return func(p []byte) []byte {
		m, err := handshake.UnmarshalServerHello(p)
		if err != nil {
			panic(err)
		}
		f(m)
		return m.Marshal()
	}
}

// setExt replaces (or adds) extension typ's data.
func setExt(exts []handshake.Extension, typ uint16, data []byte) []handshake.Extension {
	for i := range exts {
		if exts[i].Type == typ {
			exts[i].Data = data
			return exts
		}
	}
	return append(exts, handshake.Extension{Type: typ, Data: data})
}

// ends returns a client and a server with traces, for a suite list and a
// server key type; the server's config can be adjusted.
func ends(t *testing.T, keyType string, offer []*suites.Suite, seed string, server func(*tls12.Config)) (c, srv *tls12.Conn, crec, srec *trace.Recorder) {
	t.Helper()
	s := keySetup(t, keyType)
	cc, sc := clientConfig(s, seed), serverConfig(s, seed)
	crec, srec = &trace.Recorder{}, &trace.Recorder{}
	cc.Suites, cc.Trace, sc.Trace = offer, crec, srec
	if server != nil {
		server(sc)
	}
	return tls12.Client(cc), tls12.Server(sc), crec, srec
}

// tamperRun runs a handshake whose records pass through tamper and returns
// the side under test ("client" or "server").
func tamperRun(keyType string, offer []*suites.Suite, side string, tamper func(from, name string, w []byte) []byte, server func(*tls12.Config)) func(t *testing.T) negRun {
	return func(t *testing.T) negRun {
		c, srv, crec, srec := ends(t, keyType, offer, t.Name(), server)
		converse(c, srv, tamper)
		if side == trace.Client {
			return negRun{c, srv, crec}
		}
		return negRun{srv, c, srec}
	}
}

// established returns a pair that finished the handshake.
func established(t *testing.T, offer []*suites.Suite) (c, srv *tls12.Conn, crec, srec *trace.Recorder) {
	t.Helper()
	c, srv, crec, srec = ends(t, pki.KeyRSA, offer, t.Name(), nil)
	converse(c, srv, nil)
	if !c.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatalf("handshake: client %v, server %v", c.Err(), srv.Err())
	}
	return
}

// afterHandshake feeds raw bytes to one end of an established pair.
func afterHandshake(side string, raw []byte) func(t *testing.T) negRun {
	return func(t *testing.T) negRun {
		c, srv, crec, srec := established(t, suites.ECDHE)
		if side == trace.Client {
			c.Receive(raw)
			return negRun{c, srv, crec}
		}
		srv.Receive(raw)
		return negRun{srv, c, srec}
	}
}

// fresh feeds raw bytes to a new server, or to a client that has sent its
// ClientHello; the alert is read from the output.
func fresh(side string, raw []byte) func(t *testing.T) negRun {
	return func(t *testing.T) negRun {
		c, srv, crec, srec := ends(t, pki.KeyRSA, nil, t.Name(), nil)
		if side == trace.Client {
			c.Start()
			c.TakeOutput()
			c.Receive(raw)
			return negRun{tested: c, trace: crec}
		}
		srv.Receive(raw)
		return negRun{tested: srv, trace: srec}
	}
}

// renegotiate establishes a pair, then makes one end send a handshake
// message that asks for a new handshake.
func renegotiate(side string, m []byte, name string) func(t *testing.T) negRun {
	return func(t *testing.T) negRun {
		c, srv, crec, srec := established(t, suites.ECDHE)
		if side == trace.Client { // the server asks, the client is tested
			srv.SendHandshakeForTest(m, name)
			for _, o := range srv.TakeOutput() {
				c.Receive(o.Wire)
			}
			return negRun{c, srv, crec}
		}
		c.SendHandshakeForTest(m, name)
		for _, o := range c.TakeOutput() {
			srv.Receive(o.Wire)
		}
		return negRun{srv, c, srec}
	}
}

// engineClientHello is the ClientHello of the engine's default client.
func engineClientHello(t *testing.T) *handshake.ClientHello {
	t.Helper()
	c := tls12.Client(clientConfig(setup(t), "hello"))
	c.Start()
	m, err := handshake.UnmarshalClientHello(c.TakeOutput()[0].Wire[record.HeaderLen:])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// flood establishes a pair, then makes the peer of side send n records
// made by send; the tested end is side.
func flood(side string, n int, send func(from *tls12.Conn)) func(t *testing.T) negRun {
	return func(t *testing.T) negRun {
		c, srv, crec, srec := established(t, suites.ECDHE)
		tested, peer, rec := c, srv, crec
		if side == trace.Server {
			tested, peer, rec = srv, c, srec
		}
		for i := 0; i < n; i++ {
			send(peer)
		}
		for _, o := range peer.TakeOutput() {
			tested.Receive(o.Wire)
		}
		return negRun{tested, peer, rec}
	}
}

// bigClientHello is the engine's ClientHello padded (RFC 7685) to size
// bytes.
func bigClientHello(t *testing.T, size int) []byte {
	t.Helper()
	m := engineClientHello(t)
	pad := size - len(m.Raw) - 4
	m.Extensions = append(m.Extensions, handshake.Extension{Type: 21, Data: make([]byte, pad)})
	raw := m.Marshal()
	if len(raw) != size {
		t.Fatalf("ClientHello of %d bytes, want %d", len(raw), size)
	}
	return raw
}

var (
	classic1 = []*suites.Suite{suites.RSAWithAES128GCMSHA256}
	ecdheRSA = []*suites.Suite{suites.ECDHERSAWithAES128GCMSHA256}

	helloRequest = msg(handshake.TypeHelloRequest, nil)
	emptyCertReq = (&handshake.CertificateRequest12{CertificateTypes: []uint8{handshake.CertTypeRSASign}, SignatureSchemes: []uint16{0x0804}}).Marshal()
	// maxCiphertextPlusOne is a record header announcing 2^14 + 2048 + 1 bytes.
	maxCiphertextPlusOne = []byte{record.TypeApplicationData, 3, 3, (record.MaxCiphertext + 1) >> 8, (record.MaxCiphertext + 1) & 0xff}
)

func negativeCases() []negCase {
	return []negCase{
		// The record layer (RFC 5246, Section 6.2).
		{"RFC 5246 §6.2.1 plaintext record over 2^14 bytes at the server", alert.RecordOverflow, fatal, "plaintext record longer than 16384 bytes",
			fresh(trace.Server, wire(record.TypeHandshake, make([]byte, record.MaxPlaintext+1)))},
		{"RFC 5246 §6.2.1 plaintext record over 2^14 bytes at the client", alert.RecordOverflow, fatal, "plaintext record longer than 16384 bytes",
			fresh(trace.Client, wire(record.TypeHandshake, make([]byte, record.MaxPlaintext+1)))},
		{"RFC 5246 §6.2.1 16.5 KB ClientHello in one record", alert.RecordOverflow, fatal, "plaintext record longer than 16384 bytes",
			func(t *testing.T) negRun {
				return fresh(trace.Server, wire(record.TypeHandshake, bigClientHello(t, 16896)))(t)
			}},
		{"RFC 5246 §6.2.3 record over 2^14+2048 bytes at the server", alert.RecordOverflow, fatal, "exceeds the limit of 18432",
			fresh(trace.Server, maxCiphertextPlusOne)},
		{"RFC 5246 §6.2.3 record over 2^14+2048 bytes at the client", alert.RecordOverflow, fatal, "exceeds the limit of 18432",
			fresh(trace.Client, maxCiphertextPlusOne)},
		{"RFC 5246 §6.2.3 protected record over 2^14+2048 bytes at the server", alert.RecordOverflow, fatal, "exceeds the limit of 18432",
			afterHandshake(trace.Server, maxCiphertextPlusOne)},
		{"RFC 5246 §6.2.3 protected record whose plaintext exceeds 2^14 at the server", alert.RecordOverflow, fatal, "would exceed 16384 bytes",
			afterHandshake(trace.Server, wire(record.TypeApplicationData, make([]byte, record.MaxPlaintext+record.ExplicitNonceLen+record.TagLen+1)))},
		{"RFC 5246 §6.2.3 protected record whose plaintext exceeds 2^14 at the client", alert.RecordOverflow, fatal, "would exceed 16384 bytes",
			afterHandshake(trace.Client, wire(record.TypeApplicationData, make([]byte, record.MaxPlaintext+record.ExplicitNonceLen+record.TagLen+1)))},
		{"RFC 5246 §6 unknown record type", alert.UnexpectedMessage, fatal, "unknown content type 24",
			fresh(trace.Server, wire(24, []byte{1}))},

		// ChangeCipherSpec sits at a message boundary (RFC 5246, Section 7.1).
		{"RFC 5246 §7.1 handshake bytes left before the client's ChangeCipherSpec", alert.UnexpectedMessage, fatal, "handshake message split across a key change",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientKeyExchange", appendBytes([]byte{handshake.TypeFinished, 0})), nil)},
		{"RFC 5246 §7.1 handshake bytes left before the server's ChangeCipherSpec", alert.UnexpectedMessage, fatal, "handshake message split across a key change",
			tamperRun(pki.KeyRSA, ecdheRSA, trace.Client, onRecord(trace.Server, "ServerHelloDone", appendBytes([]byte{handshake.TypeFinished, 0, 0})), nil)},
		{"RFC 5246 §7.1 ChangeCipherSpec before ClientKeyExchange", alert.UnexpectedMessage, fatal, "ChangeCipherSpec arrived out of order",
			tamperRun(pki.KeyRSA, classic1, trace.Server, func(from, name string, w []byte) []byte {
				if name == "ClientKeyExchange" {
					return wire(record.TypeChangeCipherSpec, []byte{1})
				}
				return w
			}, nil)},
		{"RFC 5246 §7.1 Finished before ChangeCipherSpec", alert.UnexpectedMessage, fatal, "received Finished while waiting for ChangeCipherSpec",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientKeyExchange", appendBytes(msg(handshake.TypeFinished, make([]byte, 12)))), nil)},
		{"RFC 5246 §7.1 malformed ChangeCipherSpec", alert.DecodeError, fatal, "malformed ChangeCipherSpec",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ChangeCipherSpec", appendBytes([]byte{1})), nil)},

		// HelloRequest and renegotiation (RFC 5246, Section 7.4.1.1; RFC 5746).
		{"RFC 5246 §7.4.1.1 HelloRequest during the handshake is ignored", 0, ignores, "Ignores a HelloRequest",
			tamperRun(pki.KeyRSA, ecdheRSA, trace.Client, onRecord(trace.Server, "Certificate", prepend(helloRequest)), nil)},
		{"RFC 5246 §7.4.1.1, RFC 5746 §4.2 HelloRequest after the handshake: no_renegotiation warning", alert.NoRenegotiation, warns, "declines to renegotiate",
			renegotiate(trace.Client, helloRequest, "HelloRequest")},
		{"RFC 5746 §4.4 ClientHello after the handshake: no_renegotiation warning", alert.NoRenegotiation, warns, "declines to renegotiate",
			func(t *testing.T) negRun {
				return renegotiate(trace.Server, engineClientHello(t).Raw, "ClientHello")(t)
			}},
		{"RFC 5746 §4.2 17 HelloRequests in a row (bound of 16, as crypto/tls)", alert.UnexpectedMessage, fatal, "more than 16 records in a row carried nothing to act on (the last: a HelloRequest)",
			flood(trace.Client, 17, func(srv *tls12.Conn) { srv.SendHandshakeForTest(helloRequest, "HelloRequest") })},
		{"RFC 5246 §7.2.2 17 warning alerts in a row (bound of 16, as crypto/tls)", alert.UnexpectedMessage, fatal, "(the last: a warning alert)",
			flood(trace.Server, 17, func(c *tls12.Conn) { c.SendWarningForTest(90) })}, // user_canceled
		{"RFC 5246 §6.2.1 17 empty application data records in a row (bound of 16, as crypto/tls)", alert.UnexpectedMessage, fatal, "(the last: an empty application data record)",
			flood(trace.Client, 17, func(srv *tls12.Conn) { srv.Write(nil) })},
		{"RFC 5246 §7.4.1.1 HelloRequest with a body", alert.DecodeError, fatal, "malformed HelloRequest",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "Certificate", prepend(msg(handshake.TypeHelloRequest, []byte{0}))), nil)},
		{"RFC 5246 §7.4.1.1 HelloRequest sent to a server", alert.UnexpectedMessage, fatal, "only a server sends",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", appendBytes(helloRequest)), nil)},

		// The ClientHello (RFC 5246, Section 7.4.1.2, and its extensions).
		{"RFC 5246 §7.4.1.2 compression methods without null", alert.IllegalParameter, fatal, "did not offer the null compression method",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) { m.Compression = []uint8{1} })), nil)},
		{"RFC 5246 §7.4.1.2 client_version below TLS 1.2", alert.ProtocolVersion, fatal, "client offers at most version 0x0302",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) { m.Version = 0x0302 })), nil)},
		{"RFC 5246 §7.4.1.2 no cipher suite in common", alert.HandshakeFailure, fatal, "no cipher suite in common",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) { m.CipherSuites = []uint16{0x002f} })), nil)},
		{"RFC 5246 §7.4.1.4 duplicate extension in ClientHello", alert.DecodeError, fatal, "malformed ClientHello",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtExtendedMasterSecret})
			})), nil)},
		{"RFC 5246 §7.4.1.4.1 malformed signature_algorithms", alert.DecodeError, fatal, "malformed signature_algorithms",
			tamperRun(pki.KeyRSA, ecdheRSA, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtSignatureAlgorithms, []byte{0, 3, 8, 4, 8})
			})), nil)},
		{"RFC 8422 §5.1.1 malformed supported_groups", alert.DecodeError, fatal, "malformed supported_groups",
			tamperRun(pki.KeyRSA, ecdheRSA, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtSupportedGroups, []byte{0, 1, 0x1d})
			})), nil)},
		{"RFC 8422 §5.1.2 ec_point_formats without uncompressed", alert.IllegalParameter, fatal, "leaves out uncompressed points",
			tamperRun(pki.KeyRSA, ecdheRSA, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtECPointFormats, []byte{1, 1})
			})), nil)},
		{"RFC 6066 §3 malformed server_name", alert.DecodeError, fatal, "malformed server_name",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtServerName, []byte{0, 1, 0})
			})), nil)},
		{"RFC 5746 §3.6 renegotiation_info not empty on a new connection (server)", alert.HandshakeFailure, fatal, "renegotiation_info is not empty",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtRenegotiationInfo, []byte{12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
			})), nil)},
		{"RFC 5746 §3.6 malformed renegotiation_info (server)", alert.DecodeError, fatal, "malformed renegotiation_info",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtRenegotiationInfo, []byte{})
			})), nil)},
		{"RFC 7627 §5.1 extended_master_secret with data (server)", alert.DecodeError, fatal, "extended_master_secret extension is not empty",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtExtendedMasterSecret, []byte{0})
			})), nil)},
		{"RFC 7507 §3 TLS_FALLBACK_SCSV at a server that speaks TLS 1.3", alert.InappropriateFallback, fatal, "TLS_FALLBACK_SCSV",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
				m.CipherSuites = append(m.CipherSuites, 0x5600)
			})), func(c *tls12.Config) { c.DowngradeSentinel = true })},

		// The ServerHello (RFC 5246, Section 7.4.1.3).
		{"RFC 5246 §7.4.1.3 ServerHello version other than TLS 1.2", alert.ProtocolVersion, fatal, "server chose version 0x0302",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) { m.Version = 0x0302 })), nil)},
		{"RFC 5246 §7.4.1.3 ServerHello selects a suite not offered", alert.IllegalParameter, fatal, "which the client did not offer",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) {
				m.CipherSuite = suites.RSAWithAES256GCMSHA384.ID
			})), nil)},
		{"RFC 5246 §7.4.1.3 ServerHello selects a TLS 1.3 suite", alert.IllegalParameter, fatal, "which the client did not offer",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) { m.CipherSuite = 0x1301 })), nil)},
		{"RFC 5246 §7.4.1.3 ServerHello selects a compression method not offered", alert.IllegalParameter, fatal, "compression method the client did not offer",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) { m.Compression = 1 })), nil)},
		{"RFC 5246 §7.4.1.4 ServerHello extension the client did not offer", alert.UnsupportedExtension, fatal, "server sent session_ticket, which the client did not offer",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtSessionTicket, nil)
			})), nil)},
		{"RFC 8446 §4.2.1 supported_versions in a TLS 1.2 ServerHello", alert.IllegalParameter, fatal, "supported_versions in a TLS 1.2 ServerHello",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtSupportedVersions, []byte{3, 3})
			})), nil)},
		{"RFC 5746 §3.4 renegotiation_info not empty on a new connection (client)", alert.HandshakeFailure, fatal, "renegotiation_info is not empty",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtRenegotiationInfo, []byte{2, 1, 2})
			})), nil)},
		{"RFC 7627 §5.1 extended_master_secret with data (client)", alert.DecodeError, fatal, "extended_master_secret extension is not empty",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtExtendedMasterSecret, []byte{0})
			})), nil)},
		{"RFC 6066 §3 server_name with data in ServerHello", alert.DecodeError, fatal, "server_name extension is not empty",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) {
				m.Extensions = setExt(m.Extensions, handshake.ExtServerName, []byte{0, 1, 0})
			})), nil)},

		// The rest of the server's flight (RFC 5246, Sections 7.4.2 to 7.4.5).
		{"RFC 5246 §7.4.3 ServerKeyExchange in RSA key transport", alert.UnexpectedMessage, fatal, "received ServerKeyExchange while waiting for ServerHelloDone",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHelloDone", prepend(msg(handshake.TypeServerKeyExchange, []byte{3, 0, 0x1d, 1, 1}))), nil)},
		{"RFC 5246 §7.4.3 ECDHE without ServerKeyExchange", alert.UnexpectedMessage, fatal, "received ServerHelloDone while waiting for ServerKeyExchange",
			tamperRun(pki.KeyRSA, ecdheRSA, trace.Client, func(from, name string, w []byte) []byte {
				if name == "ServerKeyExchange" {
					return nil
				}
				return w
			}, nil)},
		{"RFC 5246 §7.4.4 CertificateRequest before the server's Certificate", alert.UnexpectedMessage, fatal, "received CertificateRequest while waiting for Certificate",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "Certificate", prepend(emptyCertReq)), nil)},
		{"RFC 5246 §7.4.4 CertificateRequest before ServerKeyExchange", alert.UnexpectedMessage, fatal, "received CertificateRequest while waiting for ServerKeyExchange",
			tamperRun(pki.KeyRSA, ecdheRSA, trace.Client, onRecord(trace.Server, "ServerKeyExchange", prepend(emptyCertReq)), nil)},
		{"RFC 5246 §7.4.4 two CertificateRequests", alert.UnexpectedMessage, fatal, "received CertificateRequest while waiting for ServerHelloDone",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHelloDone", prepend(append(append([]byte(nil), emptyCertReq...), emptyCertReq...))), nil)},
		{"RFC 5246 §7.4.4 CertificateRequest without certificate types", alert.DecodeError, fatal, "malformed CertificateRequest",
			tamperRun(pki.KeyRSA, ecdheRSA, trace.Client, onRecord(trace.Server, "ServerHelloDone", prepend(msg(handshake.TypeCertificateRequest, []byte{0, 0, 2, 8, 4, 0, 0}))), nil)},
		{"RFC 5246 §7.4.2 empty server certificate list", alert.DecodeError, fatal, "empty certificate chain",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "Certificate", func([]byte) []byte { return msg(handshake.TypeCertificate, []byte{0, 0, 0}) }), nil)},
		{"RFC 5246 §7.4.5 ServerHelloDone with a body", alert.DecodeError, fatal, "malformed ServerHelloDone",
			tamperRun(pki.KeyRSA, classic1, trace.Client, onRecord(trace.Server, "ServerHelloDone", func([]byte) []byte { return msg(handshake.TypeServerHelloDone, []byte{0}) }), nil)},

		// The client's flight (RFC 5246, Sections 7.4.6 to 7.4.9).
		{"RFC 5246 §7.4.6 client Certificate the server did not ask for", alert.UnexpectedMessage, fatal, "received Certificate while waiting for ClientKeyExchange",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientKeyExchange", prepend(msg(handshake.TypeCertificate, []byte{0, 0, 0}))), nil)},
		{"RFC 5246 §7.4.7.1 encrypted pre-master secret of the wrong length", alert.DecodeError, fatal, "encrypted pre-master secret is 255 bytes",
			tamperRun(pki.KeyRSA, classic1, trace.Server, onRecord(trace.Client, "ClientKeyExchange", func(p []byte) []byte {
				return msg(handshake.TypeClientKeyExchange, append([]byte{0, 255}, p[6:6+255]...))
			}), nil)},
		{"RFC 5246 §7.4.7.1 pre-master secret with another version than ClientHello's", alert.BadRecordMAC, fatal, "record authentication failed",
			func(t *testing.T) negRun {
				c, srv, _, srec := ends(t, pki.KeyRSA, classic1, t.Name(), nil)
				converse(c, srv, func(from, name string, w []byte) []byte {
					if name == "ClientHello" {
						c.SetPreMasterVersionForTest(0x0302) // a TLS 1.1 version inside a TLS 1.2 ClientKeyExchange: a rollback
					}
					return w
				})
				return negRun{srv, c, srec}
			}},
		{"RFC 5246 §7.4.9 Finished that does not match", alert.DecryptError, fatal, "client's Finished does not match",
			func(t *testing.T) negRun {
				// Without the extended master secret both ends derive the
				// same keys from the randoms, but the server hashes a
				// ClientHello with one more extension than the client sent.
				s := setup(t)
				cc, sc := clientConfig(s, t.Name()), serverConfig(s, t.Name())
				cc.Suites, cc.DisableEMS = classic1, true
				sc.Trace = &trace.Recorder{}
				c, srv := tls12.Client(cc), tls12.Server(sc)
				converse(c, srv, onRecord(trace.Client, "ClientHello", editClientHello(func(m *handshake.ClientHello) {
					m.Extensions = append(m.Extensions, handshake.Extension{Type: 0xfafa})
				})))
				return negRun{srv, c, sc.Trace}
			}},
		{"RFC 5246 §7.4 application data before the handshake", alert.UnexpectedMessage, fatal, "application data before the handshake finished",
			fresh(trace.Server, wire(record.TypeApplicationData, []byte("GET /")))},
	}
}

// TestNegative runs the catalogue.
func TestNegative(t *testing.T) {
	for _, tc := range negativeCases() {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.setup(t)
			switch tc.how {
			case fatal:
				checkFatal(t, tc, r)
			case warns, ignores:
				checkKept(t, tc, r)
			}
		})
	}
}

func checkFatal(t *testing.T, tc negCase, r negRun) {
	t.Helper()
	err := r.tested.Err()
	wantAlert(t, "tested end", err, tc.want)
	if ae := alert.Normalize(err); ae.Received {
		t.Fatalf("the tested end received %s instead of sending it: %v", ae.Alert, err)
	}
	if !strings.Contains(err.Error(), tc.msg) {
		t.Errorf("error %q does not say %q", err, tc.msg)
	}
	if r.peer == nil {
		out := r.tested.TakeOutput()
		if len(out) == 0 {
			t.Fatal("no alert was sent")
		}
		want := []byte{record.TypeAlert, 3, 3, 0, 2, byte(alert.LevelFatal), byte(tc.want)}
		if last := out[len(out)-1]; !bytes.Equal(last.Wire, want) {
			t.Fatalf("last record sent %x, want the fatal alert %x", last.Wire, want)
		}
		return
	}
	for _, o := range r.tested.TakeOutput() {
		r.peer.Receive(o.Wire)
	}
	perr := alert.Normalize(r.peer.Err())
	if r.peer.Err() == nil || !perr.Received || perr.Alert != tc.want {
		t.Fatalf("the peer ended with %v, want to have received %s", r.peer.Err(), tc.want)
	}
}

// checkKept: the connection survives; a warning went to the peer (warns)
// or nothing did (ignores); the trace says so; data flows both ways.
func checkKept(t *testing.T, tc negCase, r negRun) {
	t.Helper()
	if r.tested.Err() != nil || r.peer.Err() != nil {
		t.Fatalf("tested end: %v; peer: %v", r.tested.Err(), r.peer.Err())
	}
	alerts := 0
	for _, o := range r.tested.TakeOutput() {
		if o.Name == "Alert" {
			alerts++
		}
		if err := r.peer.Receive(o.Wire); err != nil {
			t.Fatalf("the peer refused what the tested end sent: %v", err)
		}
	}
	if want := map[outcome]int{warns: 1, ignores: 0}[tc.how]; alerts != want {
		t.Fatalf("%d alerts sent, want %d", alerts, want)
	}
	actor := trace.Server
	if r.tested.IsClient() {
		actor = trace.Client
	}
	found := false
	for _, ev := range r.trace.Events {
		if ev.Actor == actor && strings.Contains(ev.Title, tc.msg) {
			found = true
		}
	}
	if !found {
		t.Errorf("no trace event says %q", tc.msg)
	}
	c, srv := r.tested, r.peer
	if !c.IsClient() {
		c, srv = srv, c
	}
	if !c.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatal("the handshake did not complete")
	}
	exchange(t, c, srv)
}

// TestNegativeCatalogueNames: every case names the RFC clause it checks.
func TestNegativeCatalogueNames(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range negativeCases() {
		if !strings.HasPrefix(tc.name, "RFC ") || !strings.Contains(tc.name, "§") {
			t.Errorf("case %q does not start with its RFC clause", tc.name)
		}
		if seen[tc.name] {
			t.Errorf("case %q twice", tc.name)
		}
		seen[tc.name] = true
	}
}

// TestLargeClientHelloFragmented: the 16.5 KB ClientHello that one record
// cannot carry is fine in two (RFC 5246, Section 6.2.1: handshake messages
// may span records).
func TestLargeClientHelloFragmented(t *testing.T) {
	hello := bigClientHello(t, 16896)
	srv := tls12.Server(serverConfig(setup(t), "big hello"))
	if err := srv.Receive(append(wire(record.TypeHandshake, hello[:10000]), wire(record.TypeHandshake, hello[10000:])...)); err != nil {
		t.Fatal(err)
	}
	if out := srv.TakeOutput(); len(out) == 0 || out[0].Name != "ServerHello" {
		t.Fatalf("the server answered %v", out)
	}
}

// TestIgnoredRecordsBoundResets: the bound counts records in a row; data
// in between starts it again (RFC 5246, Section 6.2.1 allows empty
// application data records).
func TestIgnoredRecordsBoundResets(t *testing.T) {
	c, srv, _, _ := established(t, suites.ECDHE)
	for round := 0; round < 3; round++ {
		for i := 0; i < 8; i++ { // 16 in a row
			srv.Write(nil)
			srv.SendWarningForTest(90)
		}
		exchange(t, c, srv)
	}
}
