package tls13_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"testing"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls13"
)

var setups = map[string]*pki.Setup{}

// setup returns a CA and server certificate with a server key of keyType.
func setup(t testing.TB, keyType string) *pki.Setup {
	t.Helper()
	if s := setups[keyType]; s != nil {
		return s
	}
	s, err := newSetup(keyType)
	if err != nil {
		t.Fatal(err)
	}
	setups[keyType] = s
	return s
}

var tcpPair = interop.TCPPair

var curveIDs = map[*kx.Group]tls.CurveID{kx.X25519: tls.X25519, kx.P256: tls.CurveP256, kx.X25519MLKEM768: tls.X25519MLKEM768}

func stdConfig(s *pki.Setup) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS13, RootCAs: s.Roots(), ServerName: s.ServerName,
		Certificates: []tls.Certificate{{Certificate: s.Chain, PrivateKey: s.Signer}},
	}
}

func clientConfig(t *testing.T, s *pki.Setup) *tls13.Config {
	return &tls13.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots()}
}

func serverConfig(t *testing.T, s *pki.Setup) *tls13.Config {
	return &tls13.Config{Rand: rng.New([]byte("server " + t.Name())), Certificates: s.Chain, Signer: s.Signer}
}

// runAgainstStdServer runs the engine client against a crypto/tls server,
// sends a message, reads the echo, optionally updates keys, and closes.
func runAgainstStdServer(t *testing.T, cfg *tls13.Config, std *tls.Config, keyUpdate bool) *tls13.Conn {
	cc, sc := tcpPair(t)
	srv := tls.Server(sc, std)
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		if err := srv.Handshake(); err != nil {
			errc <- err
			return
		}
		buf := make([]byte, 100)
		for i := 0; i < 2; i++ {
			n, err := srv.Read(buf)
			if err != nil {
				errc <- err
				return
			}
			if _, err := srv.Write(append([]byte("echo: "), buf[:n]...)); err != nil {
				errc <- err
				return
			}
		}
		if _, err := srv.Read(buf); err != io.EOF {
			errc <- fmt.Errorf("after close_notify: %v", err)
		}
	}()
	c := tls13.Client(cfg)
	if err := endpoint.Handshake(c, cc); err != nil {
		t.Fatalf("engine client: %v (server: %v)", err, <-errc)
	}
	for i, msg := range []string{"hello crypto/tls", "after the key update"} {
		if i == 1 && keyUpdate {
			if err := c.KeyUpdate(true); err != nil {
				t.Fatal(err)
			}
		}
		c.Write([]byte(msg))
		got, err := endpoint.ReadApplicationData(c, cc)
		if err != nil || string(got) != "echo: "+msg {
			t.Fatalf("read %q, %v (server: %v)", got, err, <-errc)
		}
	}
	c.Close()
	endpoint.Flush(c, cc)
	if err := <-errc; err != nil {
		t.Fatalf("crypto/tls server: %v", err)
	}
	if st := srv.ConnectionState(); st.Version != tls.VersionTLS13 || st.CipherSuite != c.Suite().ID {
		t.Fatalf("crypto/tls: version %x suite %x, engine suite %s", st.Version, st.CipherSuite, c.Suite().Name)
	}
	return c
}

// runAgainstStdClient runs crypto/tls's client against the engine server.
func runAgainstStdClient(t *testing.T, cfg *tls13.Config, std *tls.Config) *tls13.Conn {
	cc, sc := tcpPair(t)
	cli := tls.Client(cc, std)
	errc := make(chan error, 1)
	var got []byte
	go func() {
		defer close(errc)
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
		if err != nil {
			errc <- err
			return
		}
		cli.Close()
	}()
	srv := tls13.Server(cfg)
	if err := endpoint.Handshake(srv, sc); err != nil {
		t.Fatalf("engine server: %v (client: %v)", err, <-errc)
	}
	msg, err := endpoint.ReadApplicationData(srv, sc)
	if err != nil || string(msg) != "hello engine" {
		t.Fatalf("engine server read %q, %v", msg, err)
	}
	srv.Write(append([]byte("echo: "), msg...))
	endpoint.Flush(srv, sc)
	if err := <-errc; err != nil {
		t.Fatalf("crypto/tls client: %v", err)
	}
	if string(got) != "echo: hello engine" {
		t.Fatalf("client got %q", got)
	}
	if _, err := endpoint.ReadApplicationData(srv, sc); err != io.EOF {
		t.Fatalf("after client close: %v", err)
	}
	st := cli.ConnectionState()
	if st.Version != tls.VersionTLS13 || st.CipherSuite != srv.Suite().ID || st.CurveID != curveIDs[srv.Group()] {
		t.Fatalf("crypto/tls: version %x suite %x curve %v; engine %s %s", st.Version, st.CipherSuite, st.CurveID, srv.Suite().Name, srv.Group().Name)
	}
	return srv
}

// TestInterop: every suite × group, both directions, for each key type.
func TestInterop(t *testing.T) {
	for _, keyType := range keyTypes {
		s := setup(t, keyType)
		for _, suite := range suites.TLS13 {
			for _, g := range kx.All {
				name := fmt.Sprintf("%s/%s/%s", keyType, suite.Name, g.Name)
				t.Run("engine-client/"+name, func(t *testing.T) {
					cfg := clientConfig(t, s)
					cfg.Suites, cfg.Groups = []*suites.Suite{suite}, []*kx.Group{g}
					c := runAgainstStdServer(t, cfg, stdConfig(s), false)
					if c.Group() != g || c.Scheme() == nil || c.HelloRetry() {
						t.Fatalf("group %v scheme %v hrr %v", c.Group(), c.Scheme(), c.HelloRetry())
					}
				})
				t.Run("engine-server/"+name, func(t *testing.T) {
					cfg := serverConfig(t, s)
					cfg.Suites, cfg.Groups = []*suites.Suite{suite}, []*kx.Group{g}
					std := stdConfig(s)
					std.CurvePreferences = []tls.CurveID{curveIDs[g]}
					runAgainstStdClient(t, cfg, std)
				})
			}
		}
	}
}

// TestHelloRetryRequest: a first key share the server does not accept
// costs one HelloRetryRequest, in both directions.
func TestHelloRetryRequest(t *testing.T) {
	s := setup(t, "rsa")
	t.Run("engine-client", func(t *testing.T) {
		cfg := clientConfig(t, s)
		cfg.Groups, cfg.KeyShares = []*kx.Group{kx.X25519, kx.P256}, []*kx.Group{kx.X25519}
		std := stdConfig(s)
		std.CurvePreferences = []tls.CurveID{tls.CurveP256}
		c := runAgainstStdServer(t, cfg, std, false)
		if !c.HelloRetry() || c.Group() != kx.P256 {
			t.Fatalf("hrr %v group %v", c.HelloRetry(), c.Group().Name)
		}
	})
	t.Run("engine-server", func(t *testing.T) {
		cfg := serverConfig(t, s)
		cfg.Groups = []*kx.Group{kx.P256}
		std := stdConfig(s)
		std.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256}
		srv := runAgainstStdClient(t, cfg, std)
		if !srv.HelloRetry() || srv.Group() != kx.P256 {
			t.Fatalf("hrr %v group %v", srv.HelloRetry(), srv.Group().Name)
		}
	})
}

// TestKeyUpdate: the engine asks crypto/tls to update keys both ways and
// the data after it still flows.
func TestKeyUpdate(t *testing.T) {
	s := setup(t, "rsa")
	runAgainstStdServer(t, clientConfig(t, s), stdConfig(s), true)
}

// TestSignatureSchemes: every TLS 1.3 signature scheme both the engine and
// crypto/tls support, each way (the key type fixes ECDSA and Ed25519; an RSA
// key can sign rsa_pss_rsae_sha256 or _sha384).
func TestSignatureSchemes(t *testing.T) {
	for _, c := range []struct {
		keyType string
		scheme  *sigscheme.Scheme
	}{
		{"rsa", sigscheme.RSAPSSRSAESHA256}, {"rsa", sigscheme.RSAPSSRSAESHA384},
		{"ecdsa", sigscheme.ECDSAP256SHA256}, {"ed25519", sigscheme.Ed25519},
	} {
		s := setup(t, c.keyType)
		t.Run("engine-client/"+c.scheme.Name, func(t *testing.T) {
			cfg := clientConfig(t, s)
			cfg.SignatureSchemes = []*sigscheme.Scheme{c.scheme}
			if cl := runAgainstStdServer(t, cfg, stdConfig(s), false); cl.Scheme() != c.scheme {
				t.Fatalf("signed with %v", cl.Scheme())
			}
		})
		t.Run("engine-server/"+c.scheme.Name, func(t *testing.T) {
			cfg := serverConfig(t, s)
			cfg.SignatureSchemes = []*sigscheme.Scheme{c.scheme}
			if srv := runAgainstStdClient(t, cfg, stdConfig(s)); srv.Scheme() != c.scheme {
				t.Fatalf("signed with %v", srv.Scheme())
			}
		})
	}
}
