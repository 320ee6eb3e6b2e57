package tls12_test

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	"tlsplayground/playground/endpoint"
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

func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			ch <- nil
			return
		}
		ch <- c
	}()
	client, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-ch
	if server == nil {
		t.Fatal("accept failed")
	}
	deadline := time.Now().Add(20 * time.Second)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func stdConfig(s *pki.Setup, suite *suites.Suite) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS12,
		CipherSuites: []uint16{suite.ID},
		RootCAs:      s.Roots(),
		ServerName:   s.ServerName,
		Certificates: []tls.Certificate{{Certificate: s.Chain, PrivateKey: s.Key}},
		Time:         time.Now,
	}
}

// TestEngineClientAgainstCryptoTLS: the engine's client completes the
// handshake with crypto/tls's server and exchanges data both ways.
func TestEngineClientAgainstCryptoTLS(t *testing.T) {
	s := setup(t)
	for _, suite := range suites.Classic {
		for _, ems := range []bool{true, false} {
			t.Run(suite.Name+map[bool]string{true: "/ems", false: "/no-ems"}[ems], func(t *testing.T) {
				cc, sc := tcpPair(t)
				srv := tls.Server(sc, stdConfig(s, suite))
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
					if err == nil {
						if st := srv.ConnectionState(); st.CipherSuite != suite.ID || st.Version != tls.VersionTLS12 {
							t.Errorf("crypto/tls negotiated %x / %x", st.CipherSuite, st.Version)
						}
					}
					errc <- err
				}()
				c := tls12.Client(&tls12.Config{Rand: rng.New([]byte(t.Name())), ServerName: s.ServerName, Roots: s.Roots(), Suites: []*suites.Suite{suite}, DisableEMS: !ems})
				if err := endpoint.Handshake(c, cc); err != nil {
					t.Fatalf("engine client: %v (server: %v)", err, <-errc)
				}
				if c.Suite() != suite || c.EMS() != ems {
					t.Fatalf("negotiated %v ems=%v", c.Suite().Name, c.EMS())
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
				// close_notify reaches crypto/tls as a clean EOF.
				c.Close()
				endpoint.Flush(c, cc)
				if _, err := srv.Read(make([]byte, 1)); err != io.EOF {
					t.Fatalf("after close_notify crypto/tls read: %v", err)
				}
			})
		}
	}
}

// TestCryptoTLSClientAgainstEngineServer: crypto/tls's client completes the
// handshake with the engine's server.
func TestCryptoTLSClientAgainstEngineServer(t *testing.T) {
	s := setup(t)
	for _, suite := range suites.Classic {
		for _, ems := range []bool{true, false} {
			for _, maxVers := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
				name := suite.Name + map[bool]string{true: "/ems", false: "/no-ems"}[ems] + map[uint16]string{tls.VersionTLS12: "/max1.2", tls.VersionTLS13: "/max1.3"}[maxVers]
				t.Run(name, func(t *testing.T) {
					cc, sc := tcpPair(t)
					cfg := stdConfig(s, suite)
					cfg.MaxVersion = maxVers
					cli := tls.Client(cc, cfg)
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
					srv := tls12.Server(&tls12.Config{Rand: rng.New([]byte(t.Name())), Certificates: s.Chain, Key: s.Key, Suites: []*suites.Suite{suite}, DisableEMS: !ems})
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
					if !bytes.Equal(got, []byte("echo: hello engine")) {
						t.Fatalf("client got %q", got)
					}
					st := cli.ConnectionState()
					if st.CipherSuite != suite.ID || srv.EMS() != ems {
						t.Fatalf("suite %x ems %v", st.CipherSuite, srv.EMS())
					}
					if len(st.VerifiedChains) == 0 {
						t.Fatal("crypto/tls did not verify a chain")
					}
					cli.Close()
					if _, err := endpoint.ReadApplicationData(srv, sc); err != io.EOF {
						t.Fatalf("after client close: %v", err)
					}
				})
			}
		}
	}
}
