package decrypt_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/hex"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/internal/interop"
)

// wireLog records what each side writes, in the order the writes happen.
type wireLog struct {
	mu     sync.Mutex
	writes []decrypt.Record // one per Write: may hold several records, or part of one
}

type recConn struct {
	net.Conn
	log        *wireLog
	fromClient bool
}

func (c *recConn) Write(p []byte) (int, error) {
	c.log.mu.Lock()
	c.log.writes = append(c.log.writes, decrypt.Record{FromClient: c.fromClient, Wire: append([]byte(nil), p...)})
	c.log.mu.Unlock()
	return c.Conn.Write(p)
}

// records cuts the writes into records, each direction in order.
func (l *wireLog) records() []decrypt.Record {
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

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "decrypt.test"}, DNSNames: []string{"decrypt.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// goTLS runs one crypto/tls connection: the client says "ping", the server
// answers "pong", both close. It returns the records and the key log.
func goTLS(t *testing.T, ccfg, scfg *tls.Config) ([]decrypt.Record, []byte) {
	t.Helper()
	var keylog bytes.Buffer
	var klMu sync.Mutex
	// Both sides log: crypto/tls's client does not log a resumed TLS 1.2
	// session, its server does.
	ccfg.KeyLogWriter = writerFunc(func(p []byte) (int, error) { klMu.Lock(); defer klMu.Unlock(); return keylog.Write(p) })
	scfg.KeyLogWriter = ccfg.KeyLogWriter
	a, b := interop.TCPPair(t) // buffered: both sides may write at once (the dummy ChangeCipherSpec after HelloRetryRequest)
	log := &wireLog{}
	cc := tls.Client(&recConn{a, log, true}, ccfg)
	sc := tls.Server(&recConn{b, log, false}, scfg)
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
	klMu.Lock()
	defer klMu.Unlock()
	return log.records(), append([]byte(nil), keylog.Bytes()...)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestGoTLS reads connections crypto/tls made: suites the engine does not
// speak (CBC with SHA-256 and SHA-384 MACs), client certificates in the
// transcript, HelloRetryRequest, and resumed sessions (TLS 1.2 abbreviated:
// the server's Finished first; TLS 1.3 with a PSK).
func TestGoTLS(t *testing.T) {
	cert := selfSigned(t)
	pool := x509.NewCertPool()
	leaf, _ := x509.ParseCertificate(cert.Certificate[0])
	pool.AddCert(leaf)
	base := func() (*tls.Config, *tls.Config) {
		return &tls.Config{ServerName: "decrypt.test", RootCAs: pool},
			&tls.Config{Certificates: []tls.Certificate{cert}}
	}
	type run struct {
		name  string
		setup func(c, s *tls.Config)
		check func(t *testing.T, res *decrypt.Result)
	}
	tls12 := func(id uint16) func(c, s *tls.Config) {
		return func(c, s *tls.Config) {
			c.MaxVersion, c.CipherSuites, s.CipherSuites = tls.VersionTLS12, []uint16{id}, []uint16{id}
		}
	}
	runs := []run{
		{"tls12 ECDHE_ECDSA_AES_128_CBC_SHA", tls12(tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA), nil},
		{"tls12 ECDHE_ECDSA_AES_256_CBC_SHA", tls12(tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA), nil},
		{"tls12 ECDHE_ECDSA_AES_128_CBC_SHA256", tls12(tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256), nil},
		{"tls12 ECDHE_ECDSA_AES_256_GCM_SHA384", tls12(tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384), nil},
		{"tls12 ECDHE_ECDSA_CHACHA20_POLY1305", tls12(tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256), nil},
		{"tls12 client certificate", func(c, s *tls.Config) {
			c.MaxVersion, c.Certificates, s.ClientAuth = tls.VersionTLS12, []tls.Certificate{cert}, tls.RequireAnyClientCert
		}, nil},
		{"tls13 client certificate", func(c, s *tls.Config) {
			c.Certificates, s.ClientAuth = []tls.Certificate{cert}, tls.RequireAnyClientCert
		}, nil},
		{"tls13 HelloRetryRequest", func(c, s *tls.Config) {
			c.CurvePreferences, s.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256}, []tls.CurveID{tls.CurveP256}
		}, func(t *testing.T, res *decrypt.Result) {
			if !res.HelloRetry {
				t.Error("no HelloRetryRequest")
			}
		}},
	}
	for _, r := range runs {
		c, s := base()
		r.setup(c, s)
		recs, kl := goTLS(t, c, s)
		res := readGo(t, r.name, recs, kl)
		if r.check != nil {
			r.check(t, res)
		}
	}

	// Resumption: the second connection resumes the first's session.
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		c, s := base()
		c.MaxVersion, c.ClientSessionCache = v, tls.NewLRUClientSessionCache(4)
		_, first := goTLS(t, c, s)
		recs, kl := goTLS(t, c, s)
		if len(kl) == 0 && v == tls.VersionTLS12 {
			// crypto/tls logs no line for a resumed TLS 1.2 session (a
			// browser does); its master secret is the first session's.
			ms := strings.Fields(string(first))[2]
			kl = []byte("CLIENT_RANDOM " + hex.EncodeToString(recs[0].Wire[11:43]) + " " + ms + "\n")
		}
		res := readGo(t, "resumed", recs, kl)
		var names []string
		for _, r := range res.Records {
			names = append(names, r.Messages...)
		}
		if strings.Contains(strings.Join(names, " "), "Certificate") {
			t.Errorf("version %04x: the second connection did not resume: %q", v, names)
		}
	}
}

func readGo(t *testing.T, name string, recs []decrypt.Record, keylog []byte) *decrypt.Result {
	t.Helper()
	kl, err := decrypt.ParseKeyLog(keylog)
	if err != nil {
		t.Fatal(err)
	}
	res := decrypt.Connection(recs, kl)
	checkAll(t, name, res)
	c, s := appData(res)
	if string(c) != "ping" || string(s) != "pong" {
		t.Errorf("%s: application data %q / %q", name, c, s)
	}
	return res
}

// TestTLS11: a version this reader does not decrypt is said, and its
// records after ChangeCipherSpec are marked encrypted and not read.
func TestTLS11(t *testing.T) {
	cert := selfSigned(t)
	c := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11}
	s := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS11}
	recs, keylog := goTLS(t, c, s)
	kl, err := decrypt.ParseKeyLog(keylog)
	if err != nil {
		t.Fatal(err)
	}
	res := decrypt.Connection(recs, kl)
	if !hasProblem(res, "the server chose TLS 1.1: this reader decrypts TLS 1.2 and TLS 1.3 only") {
		t.Errorf("problems %q", res.Problems)
	}
	enc := 0
	for i, r := range res.Records {
		if r.Encrypted {
			enc++
			if r.Err != "not decrypted: TLS 1.1 is not read here" || r.Plaintext != nil {
				t.Errorf("record %d: %q %x", i, r.Err, r.Plaintext)
			}
		}
	}
	if enc < 4 { // both Finished, ping, pong
		t.Errorf("%d records marked encrypted", enc)
	}
}
