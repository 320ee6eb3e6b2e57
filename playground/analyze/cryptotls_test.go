package analyze_test

import (
	"crypto/tls"
	"testing"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/internal/interop"
)

// TestCryptoTLS: connections of Go's crypto/tls, which sends what the
// engine does not (session tickets, CertificateRequest, client
// certificates, resumption with pre_shared_key, CBC suites), decrypted
// with their key logs: every record and plaintext uses every byte once
// with nothing unknown, and those messages are named.
func TestCryptoTLS(t *testing.T) {
	serverCert, clientCert := interop.SelfSigned(t, "server.test"), interop.SelfSigned(t, "client.test")
	seen := map[string]int{}
	for _, c := range []struct {
		name   string
		max    uint16
		suites []uint16
		resume bool
	}{
		{"tls13", tls.VersionTLS13, nil, true},
		{"tls12-ecdhe-cbc", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}, true},
		{"tls12-ecdhe-chacha", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			server := &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAnyClientCert,
				MaxVersion: c.max, CipherSuites: c.suites, NextProtos: []string{"h2"}}
			client := &tls.Config{InsecureSkipVerify: true, Certificates: []tls.Certificate{clientCert}, ServerName: "server.test",
				MaxVersion: c.max, CipherSuites: c.suites, NextProtos: []string{"h2"}, ClientSessionCache: tls.NewLRUClientSessionCache(4)}
			runs := 1
			if c.resume {
				runs = 2
			}
			for i := 0; i < runs; i++ {
				recs, kl := interop.GoTLS(t, client, server)
				keys, err := decrypt.ParseKeyLog(kl)
				if err != nil {
					t.Fatal(err)
				}
				res := decrypt.Connection(recs, keys)
				var in []analyze.Record
				encrypted := 0
				for j, r := range recs {
					if res.Records[j].Encrypted {
						encrypted++
						if res.Records[j].Plaintext == nil && len(kl) > 0 { // crypto/tls logs no key for a TLS 1.2 resumption
							t.Fatalf("record %d not decrypted: %s", j, res.Records[j].Err)
						}
					}
					in = append(in, analyze.Record{FromClient: r.FromClient, Wire: r.Wire, Plaintext: res.Records[j].Plaintext})
				}
				if plain := checkConnection(t, c.name+" run "+itoa(i), in, false, seen); plain != encrypted && len(kl) > 0 {
					t.Errorf("%d plaintext trees for %d encrypted records", plain, encrypted)
				}
			}
		})
	}
	for _, k := range []string{"handshake.new_session_ticket", "new_session_ticket.ticket_nonce", "new_session_ticket.ticket_lifetime_hint",
		"handshake.certificate_request", "certificate_request.certificate_types", "handshake.certificate_verify",
		"ext.pre_shared_key.binder", "ext.pre_shared_key.selected_identity", "cbc.mac", "cbc.iv", "asn1.ecdsa.s", "ext.alpn"} {
		if seen[k] == 0 {
			t.Errorf("no %s in any crypto/tls connection", k)
		}
	}
}

func itoa(n int) string { return string(rune('0' + n)) }
