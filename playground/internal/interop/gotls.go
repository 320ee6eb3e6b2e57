package interop

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/decrypt"
)

// SelfSigned is an ECDSA P-256 certificate for name, valid for an hour
// either side of now, for serving and client authentication in crypto/tls.
func SelfSigned(t testing.TB, name string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// GoTLS runs one crypto/tls connection between ccfg and scfg over
// loopback TCP (it sets their KeyLogWriter; the configs themselves are used,
// not copies, so that a second call resumes the first's session): the client says "ping", the server answers "pong",
// both close. It returns the records each side wrote, in the order they
// were completed, and the NSS key log both sides wrote (crypto/tls's
// client does not log a resumed TLS 1.2 session; its server does).
func GoTLS(t testing.TB, ccfg, scfg *tls.Config) ([]decrypt.Record, []byte) {
	t.Helper()
	var keylog LockedBuffer
	ccfg.KeyLogWriter, scfg.KeyLogWriter = &keylog, &keylog
	a, b := TCPPair(t) // both sides may write at once (the dummy ChangeCipherSpec after HelloRetryRequest)
	log := &Recorder{}
	cc := tls.Client(log.Conn(a, true), ccfg)
	sc := tls.Server(log.Conn(b, false), scfg)
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 4)
		if _, err := io.ReadFull(sc, buf); err != nil {
			done <- err
			return
		}
		_, err := sc.Write([]byte("pong"))
		sc.Close()
		done <- err
	}()
	if _, err := cc.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(cc)
	if string(got) != "pong" {
		t.Fatalf("client read %q", got)
	}
	cc.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return log.Records(), []byte(keylog.String())
}

// Recorder keeps what each side of a connection writes, in the order the
// writes happen, to be cut into records.
type Recorder struct {
	mu     sync.Mutex
	writes []decrypt.Record // one per Write: may hold several records, or part of one
}

// Conn is c with every Write recorded as from the client or the server.
func (l *Recorder) Conn(c net.Conn, fromClient bool) net.Conn {
	return &recConn{c, l, fromClient}
}

type recConn struct {
	net.Conn
	log        *Recorder
	fromClient bool
}

func (c *recConn) Write(p []byte) (int, error) {
	c.log.mu.Lock()
	c.log.writes = append(c.log.writes, decrypt.Record{FromClient: c.fromClient, Wire: bytes.Clone(p)})
	c.log.mu.Unlock()
	return c.Conn.Write(p)
}

// Records cuts the writes into records, each direction in order.
func (l *Recorder) Records() []decrypt.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []decrypt.Record
	var buf [2][]byte
	for _, w := range l.writes {
		d := 0
		if w.FromClient {
			d = 1
		}
		buf[d] = append(buf[d], w.Wire...)
		for len(buf[d]) >= 5 {
			n := 5 + int(binary.BigEndian.Uint16(buf[d][3:]))
			if len(buf[d]) < n {
				break
			}
			out = append(out, decrypt.Record{FromClient: w.FromClient, Wire: buf[d][:n:n]})
			buf[d] = buf[d][n:]
		}
	}
	return out
}
