package tls12_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/trace"
)

var (
	webPKIOnce  sync.Once
	webPKISetup *pki.Setup
	webPKIErr   error
)

// webPKI is a setup as a public CA issues: root → intermediate → leaf
// (ECDSA P-256), two embedded SCTs, a good OCSP response minted now.
func webPKI(t testing.TB) *pki.Setup {
	t.Helper()
	webPKIOnce.Do(func() {
		webPKISetup, webPKIErr = pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA, CAKey: setup(t).CAKey,
			Intermediate: true, CT: true, OCSP: true, Rand: rng.New([]byte("tls12 webpki"))})
	})
	if webPKIErr != nil {
		t.Fatal(webPKIErr)
	}
	return webPKISetup
}

// staple mints an OCSP response of the given variant for the setup's leaf.
func staple(t testing.TB, s *pki.Setup, variant string) []byte {
	t.Helper()
	der, err := pki.NewOCSPResponse(s.Leaf, s.Issuer(), s.IssuerKey(), variant, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// stapledPair runs the engine's ends over ECDHE_ECDSA: the client with
// WebPKI checks, the server with the given staple (nil: none).
func stapledPair(t *testing.T, resp []byte, tamper func(from, name string, wire []byte) []byte) (c, srv *tls12.Conn, crec *trace.Recorder, names []string) {
	t.Helper()
	s := webPKI(t)
	scfg := serverConfig(s, "ocsp")
	scfg.OCSPStaple = resp
	ccfg := clientConfig(s, "ocsp")
	ccfg.WebPKI = true
	ccfg.Suites = []*suites.Suite{suites.ECDHEECDSAWithAES128GCMSHA256}
	crec = &trace.Recorder{}
	ccfg.Trace = crec
	c, srv = tls12.Client(ccfg), tls12.Server(scfg)
	converse(c, srv, func(from, name string, w []byte) []byte {
		if from == trace.Server {
			names = append(names, name)
		}
		if tamper != nil {
			return tamper(from, name, w)
		}
		return w
	})
	return c, srv, crec, names
}

// checksIn returns the labels of the checks the client traced for step 3.
func checksIn(rec *trace.Recorder) map[string]bool {
	out := map[string]bool{}
	for _, e := range rec.Events {
		if e.Step != tls12.StepVerify {
			continue
		}
		for _, v := range e.Values {
			if v.Kind == trace.KindCheck {
				out[v.Label] = *v.OK
			}
		}
	}
	return out
}

// TestOCSPStapledGood: the client asks, the server staples a good
// response in a CertificateStatus right after Certificate, the client
// checks it and the SCTs, traces every check, and the handshake, whose
// Finished covers the CertificateStatus, completes.
func TestOCSPStapledGood(t *testing.T) {
	resp := staple(t, webPKI(t), pki.OCSPGood)
	c, srv, rec, names := stapledPair(t, resp, nil)
	if !c.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatalf("handshake did not complete: client %v, server %v", c.Err(), srv.Err())
	}
	if i := indexOf(names, "CertificateStatus"); i < 1 || names[i-1] != "Certificate" {
		t.Fatalf("server records %v: want CertificateStatus right after Certificate", names)
	}
	if !bytes.Equal(c.OCSPResponse(), resp) {
		t.Fatal("the client did not keep the stapled response")
	}
	got := checksIn(rec)
	for _, want := range []string{"OCSP response parses", "OCSP signature", "certificate status", "Certificate Transparency policy", "SCT 1", "SCT 2"} {
		if ok, seen := got[want]; !seen || !ok {
			t.Errorf("check %q: traced %v, passed %v (checks %v)", want, seen, ok, got)
		}
	}
	var described bool
	for _, e := range rec.Events {
		for _, v := range e.Values {
			for _, it := range v.Items {
				described = described || strings.HasPrefix(it, "status_request: a CertificateStatus with a stapled OCSP response follows")
			}
		}
	}
	if !described {
		t.Error("the client's trace does not say what the server's status_request announces")
	}
	exchange(t, c, srv)
}

// TestOCSPRefused: a revoked certificate ends the handshake with
// certificate_revoked, an expired response with
// bad_certificate_status_response (RFC 6066, Section 8), before the
// client sends anything of its key exchange.
func TestOCSPRefused(t *testing.T) {
	for _, tc := range []struct {
		variant string
		want    alert.Alert
		check   string
	}{
		{pki.OCSPRevoked, alert.CertificateRevoked, "certificate status"},
		{pki.OCSPExpired, alert.BadCertificateStatusResponse, "OCSP response is current"},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			c, srv, rec, _ := stapledPair(t, staple(t, webPKI(t), tc.variant), nil)
			wantAlert(t, "client", c.Err(), tc.want)
			wantAlert(t, "server", srv.Err(), tc.want) // received
			got := checksIn(rec)
			failed := false
			for label, ok := range got {
				if !ok && label == tc.check {
					failed = true
				}
			}
			if !failed {
				t.Errorf("no failed check like %q in the trace: %v", tc.check, got)
			}
			if c.Secrets().Master != nil && !allZero(c.Secrets().Master) {
				t.Error("the client derived a master secret after refusing the certificate")
			}
		})
	}
}

// TestOCSPNoStaple: a server without a staple does not answer
// status_request and sends no CertificateStatus; the client notes the
// soft-fail and goes on.
func TestOCSPNoStaple(t *testing.T) {
	c, srv, rec, names := stapledPair(t, nil, nil)
	if !c.HandshakeComplete() || !srv.HandshakeComplete() {
		t.Fatalf("handshake did not complete: client %v, server %v", c.Err(), srv.Err())
	}
	if indexOf(names, "CertificateStatus") >= 0 {
		t.Fatalf("server sent a CertificateStatus without a staple: %v", names)
	}
	found := false
	for _, e := range rec.Events {
		for _, v := range e.Values {
			if v.Label == "stapled OCSP response" && v.OK != nil && *v.OK && strings.Contains(v.Text, "soft-fail") {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("the client's trace does not note the soft-fail")
	}
	if c.OCSPResponse() != nil {
		t.Fatal("a staple without CertificateStatus")
	}
}

// TestOCSPServerSkipsStatus: a server may answer status_request and still
// send no CertificateStatus (RFC 6066, Section 8): the client goes on.
func TestOCSPServerSkipsStatus(t *testing.T) {
	resp := staple(t, webPKI(t), pki.OCSPGood)
	dropped := false
	c, srv, _, _ := stapledPair(t, resp, func(from, name string, w []byte) []byte {
		if name == "CertificateStatus" {
			dropped = true
			return nil
		}
		return w
	})
	if !dropped {
		t.Fatal("no CertificateStatus to drop")
	}
	// The client went on to its own flight; the server's transcript has
	// the CertificateStatus, the client's not, so the extended master
	// secret (whose session hash covers it) and Finished differ: the
	// CertificateStatus is part of the handshake hash.
	wantAlert(t, "server", srv.Err(), alert.BadRecordMAC)
	wantAlert(t, "client", c.Err(), alert.BadRecordMAC) // received from the server
	if c.OCSPResponse() != nil {
		t.Fatal("the client has a staple it never received")
	}
}

// TestOCSPUnasked: a server staples only for a client that asks; a client
// that did not ask refuses a status_request answer.
func TestOCSPUnasked(t *testing.T) {
	s := webPKI(t)
	scfg := serverConfig(s, "unasked")
	scfg.OCSPStaple = staple(t, s, pki.OCSPGood)
	ccfg := clientConfig(s, "unasked")
	c, srv := tls12.Client(ccfg), tls12.Server(scfg)
	var names []string
	converse(c, srv, func(from, name string, w []byte) []byte {
		names = append(names, name)
		return w
	})
	if !c.HandshakeComplete() || indexOf(names, "CertificateStatus") >= 0 {
		t.Fatalf("client that did not ask: complete %v, records %v", c.HandshakeComplete(), names)
	}

	c, srv = tls12.Client(clientConfig(s, "unasked2")), tls12.Server(serverConfig(s, "unasked2"))
	converse(c, srv, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) {
		m.Extensions = setExt(m.Extensions, handshake.ExtStatusRequest, nil)
	})))
	wantAlert(t, "client", c.Err(), alert.UnsupportedExtension)
}

// TestOCSPMalformedStatus: a CertificateStatus that does not parse is a
// decode_error.
func TestOCSPMalformedStatus(t *testing.T) {
	resp := staple(t, webPKI(t), pki.OCSPGood)
	c, _, _, _ := stapledPair(t, resp, onRecord(trace.Server, "CertificateStatus", func(p []byte) []byte {
		p[4] = 2 // status_type 2 does not exist
		return p
	}))
	wantAlert(t, "client", c.Err(), alert.DecodeError)
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestOCSPResumed: an abbreviated handshake sends no Certificate, so no
// CertificateStatus and no status_request answer, even to a client that
// asks again; the first connection's checks stand.
func TestOCSPResumed(t *testing.T) {
	if !tls12.HasServerResumptionForTest() {
		t.Skip("a core build has no server resumption (resume_core_test.go)")
	}
	s := webPKI(t)
	cache := tls12.NewSessionCache()
	resp := staple(t, s, pki.OCSPGood)
	run := func(seed string, resume *tls12.Session) (*tls12.Conn, []string) {
		scfg := serverConfig(s, seed)
		scfg.OCSPStaple, scfg.SessionCache = resp, cache
		ccfg := clientConfig(s, seed)
		ccfg.WebPKI, ccfg.Resume = true, resume
		ccfg.Suites = []*suites.Suite{suites.ECDHEECDSAWithAES128GCMSHA256}
		c, srv := tls12.Client(ccfg), tls12.Server(scfg)
		var names []string
		converse(c, srv, func(from, name string, w []byte) []byte {
			names = append(names, name)
			return w
		})
		if !c.HandshakeComplete() || !srv.HandshakeComplete() {
			t.Fatalf("%s: client %v, server %v", seed, c.Err(), srv.Err())
		}
		return c, names
	}
	first, names := run("first", nil)
	if indexOf(names, "CertificateStatus") < 0 {
		t.Fatalf("first connection: no CertificateStatus in %v", names)
	}
	second, names := run("second", first.Session())
	if !second.Resumed() || indexOf(names, "CertificateStatus") >= 0 || indexOf(names, "Certificate") >= 0 {
		t.Fatalf("resumed %v, records %v", second.Resumed(), names)
	}
}

// FuzzClientReceiveStapled feeds arbitrary bytes to a client with the
// WebPKI checks that has sent its ClientHello; the seeds are the stapling
// server's first flight for that very ClientHello, whole and record by
// record, so that mutations reach the CertificateStatus and the checks.
func FuzzClientReceiveStapled(f *testing.F) {
	s := webPKI(f)
	client := func() *tls12.Conn {
		cfg := clientConfig(s, "fuzz stapled")
		cfg.WebPKI = true
		c := tls12.Client(cfg)
		c.Start()
		return c
	}
	c := client()
	scfg := serverConfig(s, "fuzz stapled")
	scfg.OCSPStaple = staple(f, s, pki.OCSPGood)
	srv := tls12.Server(scfg)
	for _, o := range c.TakeOutput() {
		srv.Receive(o.Wire)
	}
	var first []byte
	for _, o := range srv.TakeOutput() {
		first = append(first, o.Wire...)
		f.Add(o.Wire)
	}
	if err := c.Receive(first); err != nil {
		f.Fatalf("seed flight: %v", err)
	}
	if len(c.OCSPResponse()) == 0 {
		f.Fatal("the seed flight carries no staple")
	}
	f.Add(first)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := client()
		c.TakeOutput()
		if err := c.Receive(data); err != nil && c.Err() == nil {
			t.Fatal("error without state")
		}
	})
}

// TestOCSPNegative: a CertificateStatus that was not announced is
// unexpected_message, and a status_request answer with data is
// decode_error (RFC 6066, Section 8).
func TestOCSPNegative(t *testing.T) {
	s := webPKI(t)
	resp := staple(t, s, pki.OCSPGood)
	status := msg(handshake.TypeCertificateStatus, append([]byte{1, 0, byte(len(resp) >> 8), byte(len(resp))}, resp...))

	// The server staples nothing; a CertificateStatus is slipped in after
	// its Certificate.
	c, _, _, _ := stapledPair(t, nil, func(from, name string, w []byte) []byte {
		if from == trace.Server && name == "Certificate" {
			return append(w, wire(22, status)...)
		}
		return w
	})
	wantAlert(t, "client", c.Err(), alert.UnexpectedMessage)

	c, _, _, _ = stapledPair(t, resp, onRecord(trace.Server, "ServerHello", editServerHello(func(m *handshake.ServerHello) {
		m.Extensions = setExt(m.Extensions, handshake.ExtStatusRequest, []byte{0})
	})))
	wantAlert(t, "client", c.Err(), alert.DecodeError)
}
