package analyze_test

import (
	"bytes"
	"os"
	"testing"
	. "tlsplayground/playground/analyze"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
)

// The helpers below build handshake messages and records by hand, for the
// messages and extensions no engine flow sends.

func msg(typ uint8, body func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddUint8(typ)
	b.AddUint24LengthPrefixed(body)
	return b.BytesOrPanic()
}

func exts(list ...[]byte) func(b *cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, e := range list {
				b.AddBytes(e)
			}
		})
	}
}

func ext(typ uint16, data func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddUint16(typ)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		if data != nil {
			data(b)
		}
	})
	return b.BytesOrPanic()
}

func u8s(vs ...uint8) func(b *cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(vs) })
	}
}

func u16s(vs ...uint16) func(b *cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, v := range vs {
				b.AddUint16(v)
			}
		})
	}
}

func raw(p []byte) func(b *cryptobyte.Builder) { return func(b *cryptobyte.Builder) { b.AddBytes(p) } }

func plainRecord(typ uint8, fromClient bool, content []byte) Record {
	w := []byte{typ, 3, 3, byte(len(content) >> 8), byte(len(content))}
	return Record{FromClient: fromClient, Wire: append(w, content...)}
}

// sealed13 is a TLS 1.3 record whose "ciphertext" is filler, with the
// plaintext a decrypter would give.
func sealed13(fromClient bool, typ uint8, content []byte, pad int) Record {
	inner := append(append(bytes.Clone(content), typ), make([]byte, pad)...)
	n := len(inner) + 16
	w := append([]byte{23, 3, 3, byte(n >> 8), byte(n)}, make([]byte, n)...)
	return Record{FromClient: fromClient, Wire: w, Plaintext: inner}
}

func dn(name string) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddASN1(0x30, func(b *cryptobyte.Builder) {
			b.AddASN1(0x31, func(b *cryptobyte.Builder) {
				b.AddASN1(0x30, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier([]int{2, 5, 4, 3})
					b.AddASN1(0x0c, func(b *cryptobyte.Builder) { b.AddBytes([]byte(name)) })
				})
			})
		})
	})
	return b.BytesOrPanic()
}

// TestEveryMessageAndExtension: a hand-built TLS 1.3 connection with
// resumption, 0-RTT, client authentication, HelloRetryRequest extensions and
// the rarer extensions, and a TLS 1.2 one with CertificateRequest,
// HelloRequest and a session ticket: every message and extension the
// analyser knows is named, nothing is unknown, every byte is used.
func TestEveryMessageAndExtension(t *testing.T) {
	setup := testSetup(t)
	random := bytes.Repeat([]byte{7}, 32)
	share := bytes.Repeat([]byte{9}, 32)
	ch := msg(handshake.TypeClientHello, func(b *cryptobyte.Builder) {
		b.AddUint16(0x0303)
		b.AddBytes(random)
		b.AddUint8LengthPrefixed(raw(random))
		u16s(0x1301, 0x2a2a)(b)
		u8s(0)(b)
		exts(
			ext(handshake.ExtServerName, func(b *cryptobyte.Builder) { b.AddBytes(handshake.ServerNameExtension("example.com")) }),
			ext(handshake.ExtSupportedVersions, func(b *cryptobyte.Builder) {
				b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint16(0x0304) })
			}),
			ext(handshake.ExtSupportedGroups, u16s(0x001d, 0x11ec)),
			ext(handshake.ExtSignatureAlgorithms, u16s(0x0804)),
			ext(handshake.ExtSignatureAlgorithmsCert, u16s(0x0401)),
			ext(ExtDelegatedCredentials, u16s(0x0403)),
			ext(handshake.ExtKeyShare, func(b *cryptobyte.Builder) {
				b.AddBytes(handshake.MarshalClientKeyShares([]handshake.KeyShareEntry{{Group: 0x001d, Data: share}}))
			}),
			ext(handshake.ExtCookie, func(b *cryptobyte.Builder) { b.AddUint16LengthPrefixed(raw([]byte("cookie!"))) }),
			ext(handshake.ExtPSKModes, u8s(1, 0)),
			ext(handshake.ExtEarlyData, nil),
			ext(handshake.ExtPostHandshakeAuth, nil),
			ext(handshake.ExtCertificateAuthorities, func(b *cryptobyte.Builder) {
				b.AddUint16LengthPrefixed(raw(dn("Root CA")))
			}),
			ext(handshake.ExtRecordSizeLimit, func(b *cryptobyte.Builder) { b.AddUint16(16385) }),
			ext(handshake.ExtEncryptThenMAC, nil),
			ext(handshake.ExtSessionTicket, nil),
			ext(handshake.ExtALPN, func(b *cryptobyte.Builder) {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8LengthPrefixed(raw([]byte("h2"))) })
			}),
			ext(ExtALPSOld, func(b *cryptobyte.Builder) {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8LengthPrefixed(raw([]byte("h2"))) })
			}),
			ext(ExtECH, raw([]byte{1})), // inner
			ext(ExtECHOuterExtensions, func(b *cryptobyte.Builder) { b.AddUint8LengthPrefixed(raw([]byte{0, 10, 0, 13})) }),
			ext(handshake.ExtPadding, raw(make([]byte, 9))),
			ext(handshake.ExtPreSharedKey, func(b *cryptobyte.Builder) {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
					b.AddUint16LengthPrefixed(raw([]byte("ticket")))
					b.AddUint32(12345)
				})
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8LengthPrefixed(raw(make([]byte, 32))) })
			}),
		)(b)
	})
	hrr := msg(handshake.TypeServerHello, func(b *cryptobyte.Builder) {
		b.AddUint16(0x0303)
		b.AddBytes(handshake.HelloRetryRandom)
		b.AddUint8LengthPrefixed(raw(random))
		b.AddUint16(0x1301)
		b.AddUint8(0)
		exts(
			ext(handshake.ExtSupportedVersions, func(b *cryptobyte.Builder) { b.AddUint16(0x0304) }),
			ext(handshake.ExtKeyShare, func(b *cryptobyte.Builder) { b.AddUint16(0x0017) }),
			ext(handshake.ExtCookie, func(b *cryptobyte.Builder) { b.AddUint16LengthPrefixed(raw([]byte("cookie!"))) }),
			ext(ExtECH, raw(make([]byte, 8))),
		)(b)
	})
	sh := msg(handshake.TypeServerHello, func(b *cryptobyte.Builder) {
		b.AddUint16(0x0303)
		b.AddBytes(random)
		b.AddUint8LengthPrefixed(raw(random))
		b.AddUint16(0x1301)
		b.AddUint8(0)
		exts(
			ext(handshake.ExtSupportedVersions, func(b *cryptobyte.Builder) { b.AddUint16(0x0304) }),
			ext(handshake.ExtKeyShare, func(b *cryptobyte.Builder) {
				b.AddBytes(handshake.MarshalServerKeyShare(handshake.KeyShareEntry{Group: 0x001d, Data: share}))
			}),
			ext(handshake.ExtPreSharedKey, func(b *cryptobyte.Builder) { b.AddUint16(0) }),
		)(b)
	})
	ee := msg(handshake.TypeEncryptedExtensions, exts(
		ext(handshake.ExtServerName, nil),
		ext(handshake.ExtEarlyData, nil),
		ext(handshake.ExtALPN, func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8LengthPrefixed(raw([]byte("h2"))) })
		}),
		ext(ExtALPS, raw([]byte{0, 0, 4})),
		ext(ExtECH, raw([]byte{1, 2, 3})),
		ext(handshake.ExtRecordSizeLimit, func(b *cryptobyte.Builder) { b.AddUint16(16385) }),
		ext(ExtTrustAnchors, nil),
	))
	cr := msg(handshake.TypeCertificateRequest, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(raw(nil))
		exts(
			ext(handshake.ExtSignatureAlgorithms, u16s(0x0804, 0x0403)),
			ext(handshake.ExtCertificateAuthorities, func(b *cryptobyte.Builder) { b.AddUint16LengthPrefixed(raw(dn("Root CA"))) }),
			ext(handshake.ExtOIDFilters, raw([]byte{0, 0})),
			ext(handshake.ExtStatusRequest, func(b *cryptobyte.Builder) {
				b.AddUint8(1)
				b.AddUint16LengthPrefixed(raw(nil))
				b.AddUint16LengthPrefixed(raw(nil))
			}),
		)(b)
	})
	cert := (&handshake.Certificate13{Entries: []handshake.CertificateEntry{
		{Data: setup.Chain[0], Extensions: []handshake.Extension{
			{Type: handshake.ExtStatusRequest, Data: []byte{1, 0, 0, 3, 0xaa, 0xbb, 0xcc}},
			{Type: handshake.ExtSCT, Data: []byte{0, 5, 0, 3, 1, 2, 3}},
			{Type: ExtDelegatedCredentials, Data: []byte{1, 2, 3, 4}},
		}},
		{Data: setup.CA.Raw},
	}}).Marshal()
	cv := (&handshake.CertificateVerify{Scheme: 0x0804, Signature: bytes.Repeat([]byte{5}, 256)}).Marshal()
	fin := msg(handshake.TypeFinished, raw(bytes.Repeat([]byte{6}, 32)))
	nst := (&handshake.NewSessionTicket{Lifetime: 7200, AgeAdd: 99, Nonce: []byte{0}, Ticket: []byte("ticket"),
		Extensions: []handshake.Extension{{Type: handshake.ExtEarlyData, Data: []byte{0, 0, 0x40, 0}}}}).Marshal()
	eoed := msg(handshake.TypeEndOfEarlyData, raw(nil))
	clientCert := (&handshake.Certificate13{}).Marshal()
	ku := (&handshake.KeyUpdate{UpdateRequest: true}).Marshal()
	compressed := msg(handshake.TypeCompressedCertificate, func(b *cryptobyte.Builder) {
		b.AddUint16(2)
		b.AddUint24(1000)
		b.AddUint24LengthPrefixed(raw([]byte{1, 2, 3, 4}))
	})
	mhash := msg(handshake.TypeMessageHash, raw(bytes.Repeat([]byte{1}, 32)))

	recs13 := []Record{
		plainRecord(22, true, ch),
		sealed13(true, 23, []byte("early data"), 0), // 0-RTT, before the ServerHello
		plainRecord(22, false, hrr),
		plainRecord(20, true, []byte{1}),
		plainRecord(22, true, ch),
		plainRecord(22, false, sh),
		plainRecord(20, false, []byte{1}),
		sealed13(false, 22, append(append(append(bytes.Clone(ee), cr...), cert...), cv[:100]...), 0),
		sealed13(false, 22, append(bytes.Clone(cv[100:]), fin...), 5),
		sealed13(true, 22, eoed, 0),
		sealed13(true, 22, append(append(bytes.Clone(clientCert), fin...), compressed...), 0),
		sealed13(false, 22, append(bytes.Clone(nst), mhash...), 0),
		sealed13(false, 23, []byte("GET / HTTP/1.1\r\n"), 3),
		sealed13(true, 22, ku, 0),
		sealed13(true, 21, []byte{1, 0}, 0),
		{FromClient: true, Wire: []byte{24, 3, 3, 0, 3, 1, 0, 0}}, // heartbeat
	}
	seen := map[string]int{}
	a := New()
	for i, r := range recs13 {
		tr := a.Record(r)
		what := "tls13 record " + itoa(i)
		unknownOK := i == len(recs13)-1
		CheckTree(t, what, tr.Wire, len(r.Wire), unknownOK)
		if r.Plaintext != nil {
			CheckTree(t, what+" plaintext", tr.Plain, len(r.Plaintext), false)
		}
		KindsSeen(tr.Wire, seen)
		KindsSeen(tr.Plain, seen)
		if t.Failed() {
			t.Log(Dump(t, tr))
			t.FailNow()
		}
		if testing.Verbose() && os.Getenv("H1DUMP") != "" {
			t.Log(Dump(t, tr))
		}
		if unknownOK && !tr.Wire.Unknown {
			t.Errorf("a heartbeat record is not unknown: %s", Dump(t, tr))
		}
	}

	// TLS 1.2 with a CertificateRequest, HelloRequest and session tickets.
	sh12 := msg(handshake.TypeServerHello, func(b *cryptobyte.Builder) {
		b.AddUint16(0x0303)
		b.AddBytes(random)
		b.AddUint8LengthPrefixed(raw(nil))
		b.AddUint16(0xc02f)
		b.AddUint8(0)
		exts(ext(handshake.ExtSessionTicket, nil), ext(handshake.ExtRenegotiationInfo, u8s()),
			ext(handshake.ExtExtendedMasterSecret, nil), ext(handshake.ExtECPointFormats, u8s(0)),
			ext(handshake.ExtStatusRequest, nil), ext(handshake.ExtSCT, func(b *cryptobyte.Builder) {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint16LengthPrefixed(raw([]byte{1, 2})) })
			}))(b)
	})
	cert12 := (&handshake.Certificate{Certificates: setup.Chain}).Marshal()
	cr12 := (&handshake.CertificateRequest12{CertificateTypes: []uint8{1, 64}, SignatureSchemes: []uint16{0x0401},
		CertificateAuthorities: [][]byte{dn("Root CA")[2:]}}).Marshal()
	nst12 := msg(handshake.TypeNewSessionTicket, func(b *cryptobyte.Builder) {
		b.AddUint32(300)
		b.AddUint16LengthPrefixed(raw([]byte("ticket")))
	})
	hr := (&handshake.HelloRequest{}).Marshal()
	recs12 := []Record{
		plainRecord(22, false, append(append(bytes.Clone(sh12), cert12...), cr12...)),
		plainRecord(22, false, append(bytes.Clone(nst12), hr...)),
	}
	a = New()
	for i, r := range recs12 {
		tr := a.Record(r)
		CheckTree(t, "tls12 record "+itoa(i), tr.Wire, len(r.Wire), false)
		KindsSeen(tr.Wire, seen)
		if t.Failed() {
			t.Log(Dump(t, tr))
			t.FailNow()
		}
	}

	// TLS 1.2 with finite-field DHE (a capture of another peer).
	shDHE := msg(handshake.TypeServerHello, func(b *cryptobyte.Builder) {
		b.AddUint16(0x0303)
		b.AddBytes(random)
		b.AddUint8LengthPrefixed(raw(nil))
		b.AddUint16(0x009e) // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
		b.AddUint8(0)
	})
	ske := msg(handshake.TypeServerKeyExchange, func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(raw(bytes.Repeat([]byte{0xff}, 256)))
		b.AddUint16LengthPrefixed(raw([]byte{2}))
		b.AddUint16LengthPrefixed(raw(bytes.Repeat([]byte{3}, 256)))
		b.AddUint16(0x0804)
		b.AddUint16LengthPrefixed(raw(bytes.Repeat([]byte{4}, 256)))
	})
	cke := msg(handshake.TypeClientKeyExchange, func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(raw(bytes.Repeat([]byte{5}, 256)))
	})
	a = New()
	for i, r := range []Record{plainRecord(22, false, append(bytes.Clone(shDHE), ske...)), plainRecord(22, true, cke)} {
		tr := a.Record(r)
		CheckTree(t, "dhe record "+itoa(i), tr.Wire, len(r.Wire), false)
		KindsSeen(tr.Wire, seen)
		if t.Failed() {
			t.Log(Dump(t, tr))
			t.FailNow()
		}
	}

	// Every message and extension kind is named by these connections, the
	// sessions and Chromium's hello together.
	for _, k := range []string{
		"handshake.client_hello", "handshake.server_hello", "handshake.hello_retry_request", "handshake.encrypted_extensions",
		"handshake.certificate_request", "handshake.certificate", "handshake.certificate_verify", "handshake.finished",
		"handshake.new_session_ticket", "handshake.end_of_early_data", "handshake.key_update", "handshake.compressed_certificate",
		"handshake.message_hash", "handshake.hello_request",
		"ext.pre_shared_key.identity", "ext.pre_shared_key.binder", "ext.pre_shared_key.selected_identity",
		"ext.early_data", "ext.early_data.max_early_data_size", "ext.cookie", "ext.post_handshake_auth",
		"ext.certificate_authorities", "ext.signature_algorithms_cert", "ext.delegated_credentials", "ext.delegated_credentials.credential",
		"ext.record_size_limit", "ext.encrypt_then_mac", "ext.session_ticket", "ext.padding", "ext.oid_filters",
		"ext.application_settings.settings", "ext.encrypted_client_hello.type", "ext.encrypted_client_hello.confirmation",
		"ext.encrypted_client_hello.retry_configs", "ext.ech_outer_extensions", "ext.key_share.selected_group",
		"ext.status_request.ocsp_response", "ext.signed_certificate_timestamp.sct", "ext.trust_anchors",
		"certificate_request.certificate_type", "certificate_request.certificate_authorities", "new_session_ticket.ticket_lifetime_hint",
		"inner.padding", "alert.level", "unknown.content",
		"server_key_exchange.dh_p", "server_key_exchange.dh_ys", "client_key_exchange.dh_yc",
	} {
		if seen[k] == 0 {
			t.Errorf("no %s field", k)
		}
	}
}

// TestKeyTypes: certificates with ECDSA and Ed25519 keys, over the ECDSA
// suites of TLS 1.2 and over TLS 1.3, are read down to their key bits.
func TestKeyTypes(t *testing.T) {
	for _, kt := range []string{pki.KeyECDSA, pki.KeyEd25519} {
		setup, err := pki.NewSetup(pki.Options{KeyType: kt, Rand: rng.New([]byte("analyze " + kt))})
		if err != nil {
			t.Fatal(err)
		}
		modes := []session.Options{{Mode: session.ModeTLS13}}
		if kt == pki.KeyECDSA {
			for _, s := range []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"} {
				modes = append(modes, session.Options{Mode: session.ModeECDHE, ClientSuites: []string{s}})
			}
		}
		for _, opt := range modes {
			opt.Seed = []byte("keys")
			s, err := session.New(setup, opt)
			if err != nil {
				t.Fatal(err)
			}
			talk(t, s)
			e := s.Export()
			if e.Error != nil {
				t.Fatalf("%s %s: %+v", kt, opt.Mode, e.Error)
			}
			a := New()
			seen := map[string]int{}
			for i, r := range exportRecords(t, e) {
				tr := a.Record(r)
				CheckTree(t, kt+" "+opt.Mode+" record "+itoa(i), tr.Wire, len(r.Wire), false)
				KindsSeen(tr.Wire, seen)
			}
			if opt.Mode == session.ModeECDHE && (seen["asn1.spki"] == 0 || seen["server_key_exchange.signature"] == 0 || seen["asn1.ecdsa.s"] == 0 || seen["ec_point.y"] == 0) {
				t.Errorf("%s %s: no certificate, ECDSA signature (r, s) or EC key: %v", kt, opt.ClientSuites, seen)
			}
		}
	}
}
