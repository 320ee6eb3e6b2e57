package tls12_test

import (
	"crypto/tls"
	"io"
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
)

var testSetup *pki.Setup

func setup(t testing.TB) *pki.Setup {
	t.Helper()
	if testSetup == nil {
		s, err := pki.NewSetup(pki.Options{KeyBits: 2048, Rand: rng.New([]byte("tls12 test setup"))})
		if err != nil {
			t.Fatal(err)
		}
		testSetup = s
	}
	return testSetup
}

var tcpPair = interop.TCPPair

func stdConfig(s *pki.Setup, suite *suites.Suite) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS12,
		CipherSuites: []uint16{suite.ID},
		RootCAs:      s.Roots(),
		ServerName:   s.ServerName,
		Certificates: []tls.Certificate{{Certificate: s.Chain, PrivateKey: s.Signer}},
		Time:         time.Now,
	}
}

// curveID is crypto/tls's name for a group.
func curveID(g *kx.Group) tls.CurveID { return tls.CurveID(g.ID) }

// engineClientVsStd runs the engine's client against crypto/tls's server:
// the handshake, a message each way, and a close_notify that crypto/tls
// reads as a clean EOF. It returns the client and crypto/tls's view.
func engineClientVsStd(t *testing.T, cfg *tls12.Config, std *tls.Config) (*tls12.Conn, tls.ConnectionState) {
	t.Helper()
	cc, sc := tcpPair(t)
	srv := tls.Server(sc, std)
	errc := make(chan error, 1)
	go func() {
		if err := srv.Handshake(); err != nil {
			errc <- err
			return
		}
		buf := make([]byte, 100)
		n, err := srv.Read(buf)
		if err != nil {
			errc <- err
			return
		}
		_, err = srv.Write(append([]byte("echo: "), buf[:n]...))
		errc <- err
	}()
	c := tls12.Client(cfg)
	if err := endpoint.Handshake(c, cc); err != nil {
		t.Fatalf("engine client: %v (server: %v)", err, <-errc)
	}
	if _, err := c.Write([]byte("hello crypto/tls")); err != nil {
		t.Fatal(err)
	}
	got, err := endpoint.ReadApplicationData(c, cc)
	if err != nil {
		t.Fatalf("read: %v (server: %v)", err, <-errc)
	}
	if string(got) != "echo: hello crypto/tls" {
		t.Fatalf("got %q", got)
	}
	if err := <-errc; err != nil {
		t.Fatalf("crypto/tls server: %v", err)
	}
	st := srv.ConnectionState()
	if st.Version != tls.VersionTLS12 || st.CipherSuite != c.Suite().ID {
		t.Fatalf("crypto/tls negotiated suite 0x%04x, version 0x%04x; the engine %s", st.CipherSuite, st.Version, c.Suite().Name)
	}
	c.Close()
	endpoint.Flush(c, cc)
	if _, err := srv.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("after close_notify crypto/tls read: %v", err)
	}
	return c, st
}

// stdClientVsEngineServer runs crypto/tls's client against the engine's
// server: the handshake, a message each way, and the client's close.
func stdClientVsEngineServer(t *testing.T, std *tls.Config, cfg *tls12.Config) (*tls12.Conn, tls.ConnectionState) {
	t.Helper()
	cc, sc := tcpPair(t)
	cli := tls.Client(cc, std)
	errc := make(chan error, 1)
	var got []byte
	go func() {
		if err := cli.Handshake(); err != nil {
			errc <- err
			return
		}
		if _, err := cli.Write([]byte("hello engine")); err != nil {
			errc <- err
			return
		}
		buf := make([]byte, 100)
		n, err := cli.Read(buf)
		got = buf[:n]
		errc <- err
	}()
	srv := tls12.Server(cfg)
	if err := endpoint.Handshake(srv, sc); err != nil {
		t.Fatalf("engine server: %v (client: %v)", err, <-errc)
	}
	msg, err := endpoint.ReadApplicationData(srv, sc)
	if err != nil {
		t.Fatal(err)
	}
	if string(msg) != "hello engine" {
		t.Fatalf("server got %q", msg)
	}
	srv.Write(append([]byte("echo: "), msg...))
	endpoint.Flush(srv, sc)
	if err := <-errc; err != nil {
		t.Fatalf("crypto/tls client: %v", err)
	}
	if string(got) != "echo: hello engine" {
		t.Fatalf("client got %q", got)
	}
	st := cli.ConnectionState()
	if st.CipherSuite != srv.Suite().ID || len(st.VerifiedChains) == 0 {
		t.Fatalf("crypto/tls: suite 0x%04x (engine %s), %d verified chains", st.CipherSuite, srv.Suite().Name, len(st.VerifiedChains))
	}
	cli.Close()
	if _, err := endpoint.ReadApplicationData(srv, sc); err != io.EOF {
		t.Fatalf("after client close: %v", err)
	}
	return srv, st
}

// TestEngineClientAgainstCryptoTLS: the engine's client completes the
// classic handshake with crypto/tls's server and exchanges data both ways.
func TestEngineClientAgainstCryptoTLS(t *testing.T) {
	s := setup(t)
	for _, suite := range suites.Classic {
		for _, ems := range []bool{true, false} {
			t.Run(suite.Name+map[bool]string{true: "/ems", false: "/no-ems"}[ems], func(t *testing.T) {
				c, _ := engineClientVsStd(t, &tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots(), Suites: []*suites.Suite{suite}, DisableEMS: !ems},
					stdConfig(s, suite))
				if c.Suite() != suite || c.EMS() != ems {
					t.Fatalf("negotiated %v ems=%v", c.Suite().Name, c.EMS())
				}
			})
		}
	}
}

// TestCryptoTLSClientAgainstEngineServer: crypto/tls's client completes the
// classic handshake with the engine's server.
func TestCryptoTLSClientAgainstEngineServer(t *testing.T) {
	s := setup(t)
	for _, suite := range suites.Classic {
		for _, ems := range []bool{true, false} {
			for _, maxVers := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
				name := suite.Name + map[bool]string{true: "/ems", false: "/no-ems"}[ems] + map[uint16]string{tls.VersionTLS12: "/max1.2", tls.VersionTLS13: "/max1.3"}[maxVers]
				t.Run(name, func(t *testing.T) {
					std := stdConfig(s, suite)
					std.MaxVersion = maxVers
					srv, _ := stdClientVsEngineServer(t, std, &tls12.Config{Rand: rng.New([]byte(t.Name())), Certificates: s.Chain, Key: s.Key, Suites: []*suites.Suite{suite}, DisableEMS: !ems})
					if srv.Suite() != suite || srv.EMS() != ems {
						t.Fatalf("suite %s ems %v", srv.Suite().Name, srv.EMS())
					}
				})
			}
		}
	}
}

// TestECDHEEngineClientAgainstCryptoTLS: every ECDHE suite over x25519 and
// P-256, with an RSA certificate for ECDHE_RSA and an ECDSA P-256 one for
// ECDHE_ECDSA (and Ed25519, which crypto/tls also serves with
// ECDHE_ECDSA). crypto/tls's server is held to one curve; the engine's
// client offers its defaults.
func TestECDHEEngineClientAgainstCryptoTLS(t *testing.T) {
	for _, suite := range suites.ECDHE {
		for _, g := range []*kx.Group{kx.X25519, kx.P256} {
			for _, kt := range ecdheKeyTypes(suite, g) {
				t.Run(suite.Name+"/"+g.Name+"/"+kt, func(t *testing.T) {
					s := keySetup(t, kt)
					std := stdConfig(s, suite)
					std.CurvePreferences = []tls.CurveID{curveID(g)}
					c, _ := engineClientVsStd(t, &tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots()}, std)
					k := c.ECDHE()
					if c.Suite() != suite || k == nil || k.Group != g || !k.SignatureOK || !c.EMS() {
						t.Fatalf("negotiated %s, key exchange %+v, ems %v", c.Suite().Name, k, c.EMS())
					}
					t.Logf("crypto/tls signed with %s", k.Scheme.Name)
				})
			}
		}
	}
}

// ecdheKeyTypes is the certificate keys each run uses: the suite's own,
// plus Ed25519 once per ECDHE_ECDSA suite.
func ecdheKeyTypes(suite *suites.Suite, g *kx.Group) []string {
	kts := []string{keyTypeFor(suite)}
	if suite.KeyExchange == suites.ECDHEECDSA && g == kx.X25519 {
		kts = append(kts, pki.KeyEd25519)
	}
	return kts
}

// TestECDHECryptoTLSClientAgainstEngineServer: crypto/tls's client, held to
// one suite and one curve, against the engine's server with its defaults
// (every TLS 1.2 suite its key serves, x25519 and secp256r1). With
// MaxVersion TLS 1.3, crypto/tls also offers X25519MLKEM768, which a TLS
// 1.2 server must pass over.
func TestECDHECryptoTLSClientAgainstEngineServer(t *testing.T) {
	for _, suite := range suites.ECDHE {
		for _, g := range []*kx.Group{kx.X25519, kx.P256} {
			for _, kt := range ecdheKeyTypes(suite, g) {
				t.Run(suite.Name+"/"+g.Name+"/"+kt, func(t *testing.T) {
					s := keySetup(t, kt)
					std := stdConfig(s, suite)
					std.CurvePreferences = []tls.CurveID{curveID(g)}
					if kt == pki.KeyECDSA && g != kx.P256 {
						// RFC 8422, Section 5.1: the certificate's curve must be offered too.
						std.CurvePreferences = append(std.CurvePreferences, tls.CurveP256)
					}
					srv, _ := stdClientVsEngineServer(t, std, &tls12.Config{Rand: rng.New([]byte(t.Name())), Certificates: s.Chain, Signer: s.Signer})
					k := srv.ECDHE()
					if srv.Suite() != suite || k == nil || k.Group != g || !srv.EMS() {
						t.Fatalf("negotiated %s, key exchange %+v", srv.Suite().Name, k)
					}
				})
			}
		}
	}
	t.Run("max1.3 default curves", func(t *testing.T) {
		s := keySetup(t, pki.KeyECDSA)
		std := stdConfig(s, suites.ECDHEECDSAWithAES128GCMSHA256)
		std.MaxVersion, std.CipherSuites = tls.VersionTLS13, nil
		srv, st := stdClientVsEngineServer(t, std, &tls12.Config{Rand: rng.New([]byte(t.Name())), Certificates: s.Chain, Signer: s.Signer})
		if st.Version != tls.VersionTLS12 || srv.ECDHE().Group != kx.X25519 || srv.Suite() != suites.ECDHEECDSAWithAES256GCMSHA384 {
			t.Fatalf("version 0x%04x, %s over %s", st.Version, srv.Suite().Name, srv.ECDHE().Group.Name)
		}
	})
}
