package analyze_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/decrypt"
)

// recorder keeps the bytes both ends of a connection write, in order.
type recorder struct {
	mu     sync.Mutex
	chunks []chunk
}

type chunk struct {
	fromClient bool
	b          []byte
}

type recConn struct {
	net.Conn
	r          *recorder
	fromClient bool
}

func (c recConn) Write(b []byte) (int, error) {
	c.r.mu.Lock()
	c.r.chunks = append(c.r.chunks, chunk{c.fromClient, bytes.Clone(b)})
	c.r.mu.Unlock()
	return c.Conn.Write(b)
}

// records splits what each side wrote into records, in the order they
// were completed.
func (r *recorder) records() []decrypt.Record {
	var out []decrypt.Record
	var pend [2][]byte
	for _, c := range r.chunks {
		i := 0
		if c.fromClient {
			i = 1
		}
		pend[i] = append(pend[i], c.b...)
		for len(pend[i]) >= 5 {
			n := 5 + (int(pend[i][3])<<8 | int(pend[i][4]))
			if len(pend[i]) < n {
				break
			}
			out = append(out, decrypt.Record{FromClient: c.fromClient, Wire: bytes.Clone(pend[i][:n])})
			pend[i] = pend[i][n:]
		}
	}
	return out
}

// tcpPair is a connected pair over loopback (net.Pipe would deadlock: both
// ends of TLS 1.3 write at once after the handshake).
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		ch <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-ch
	if s == nil {
		t.Fatal("accept failed")
	}
	return c, s
}

func selfSigned(t *testing.T, name string) tls.Certificate {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
}

// connect runs one crypto/tls connection over a pipe: the client sends a
// line, the server answers, both close. It returns the records and the key
// log.
func connect(t *testing.T, client, server *tls.Config) ([]decrypt.Record, []byte) {
	var kl bytes.Buffer
	client = client.Clone()
	client.KeyLogWriter = &kl
	r := &recorder{}
	cp, sp := tcpPair(t)
	cc := tls.Client(recConn{cp, r, true}, client)
	sc := tls.Server(recConn{sp, r, false}, server)
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 100)
		n, err := sc.Read(buf)
		if err == nil {
			_, err = sc.Write(append([]byte("re: "), buf[:n]...))
		}
		sc.Close()
		done <- err
	}()
	if _, err := cc.Write([]byte("hello over crypto/tls")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(cc); err != nil {
		t.Fatal(err)
	}
	cc.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return r.records(), kl.Bytes()
}

// TestCryptoTLS: connections of Go's crypto/tls, which sends what the
// engine does not (session tickets, CertificateRequest, client
// certificates, resumption with pre_shared_key, CBC suites), decrypted
// with their key logs: every record and plaintext uses every byte once
// with nothing unknown, and those messages are named.
func TestCryptoTLS(t *testing.T) {
	serverCert, clientCert := selfSigned(t, "server.test"), selfSigned(t, "client.test")
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
				recs, kl := connect(t, client, server)
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
