package tls13_test

import (
	"fmt"
	"testing"

	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls13"
)

var openSSLGroup = map[*kx.Group]string{kx.X25519: "X25519", kx.P256: "P-256"}

// TestOpenSSL: the engine's client against `openssl s_server -rev` and
// `openssl s_client` against the engine's server, for each suite over
// X25519 and P-256 (OpenSSL 3.0 has no ML-KEM).
func TestOpenSSL(t *testing.T) {
	for _, keyType := range keyTypes {
		s := setup(t, keyType)
		for _, suite := range suites.TLS13 {
			for _, g := range []*kx.Group{kx.X25519, kx.P256} {
				name := fmt.Sprintf("%s/%s/%s", keyType, suite.Name, g.Name)
				t.Run("engine-client/"+name, func(t *testing.T) {
					cfg := clientConfig(t, s)
					cfg.Suites, cfg.Groups = []*suites.Suite{suite}, []*kx.Group{g}
					c := tls13.Client(cfg)
					interop.ClientVsOpenSSLServer(t, s, c, "-tls1_3", "-ciphersuites", suite.Name, "-groups", openSSLGroup[g])
					if c.Group() != g || c.Suite() != suite {
						t.Fatalf("negotiated %s %s", c.Suite().Name, c.Group().Name)
					}
				})
				t.Run("engine-server/"+name, func(t *testing.T) {
					cfg := serverConfig(t, s)
					cfg.Suites, cfg.Groups = []*suites.Suite{suite}, []*kx.Group{g}
					srv := tls13.Server(cfg)
					interop.OpenSSLClientVsServer(t, s, srv, "-tls1_3", "-ciphersuites", suite.Name, "-groups", openSSLGroup[g])
					if srv.Group() != g || srv.Suite() != suite {
						t.Fatalf("negotiated %s %s", srv.Suite().Name, srv.Group().Name)
					}
				})
			}
		}
	}
}
