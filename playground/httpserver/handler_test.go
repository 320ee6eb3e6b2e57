package httpserver_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
)

// TestHandshakes: full handshakes and data over HTTP, each mode.
func TestHandshakes(t *testing.T) {
	ctx := context.Background()
	rsaS := newServer(t, pki.KeyRSA, httpserver.Options{})
	ecS := newServer(t, pki.KeyECDSA, httpserver.Options{})
	for _, c := range []struct {
		s    *server
		mode string
	}{{rsaS, httpserver.ModeClassic}, {rsaS, httpserver.ModeECDHE}, {rsaS, httpserver.ModeTLS13}, {ecS, httpserver.ModeTLS13}, {ecS, httpserver.ModeECDHE}} {
		t.Run(c.mode, func(t *testing.T) {
			cl := c.s.client(c.mode)
			cl.Trace = true
			if err := cl.Handshake(ctx); err != nil {
				t.Fatal(err)
			}
			if cl.State != "established" {
				t.Fatalf("server state %q", cl.State)
			}
			for _, msg := range []string{"GET / HTTP/1.1", "a second message"} {
				reply, err := cl.Send(ctx, msg)
				if err != nil {
					t.Fatal(err)
				}
				if want := fmt.Sprintf("server received %d bytes: %s", len(msg), msg); reply != want {
					t.Fatalf("reply %q, want %q", reply, want)
				}
			}
			if err := cl.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if !cl.EP.PeerClosed() || cl.State != "closed" {
				t.Fatalf("after close: peer closed %v, state %q", cl.EP.PeerClosed(), cl.State)
			}
			if len(cl.ServerEvents) == 0 {
				t.Fatal("no server trace events")
			}
		})
	}
}

func TestIdentityErrors(t *testing.T) {
	if _, err := httpserver.IdentityFromEnv(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), httpserver.EnvCertPEM) {
		t.Fatalf("empty env: %v", err)
	}
	s := newServer(t, pki.KeyRSA, httpserver.Options{})
	chain := pki.CertPEM(s.setup.Chain[0])
	if _, err := httpserver.IdentityFromPEM(chain, s.setup.KeyPEM(), "abcd"); err == nil || !strings.Contains(err.Error(), "64 hex") {
		t.Fatalf("short token key: %v", err)
	}
	other, _ := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA})
	if _, err := httpserver.IdentityFromPEM(chain, other.KeyPEM(), strings.Repeat("00", 32)); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("mismatched key: %v", err)
	}
	// A secret over 1 MiB is refused by its size, before it is parsed.
	huge := bytes.Repeat([]byte("x"), limits.PEM+1)
	if _, err := httpserver.IdentityFromPEM(huge, s.setup.KeyPEM(), strings.Repeat("00", 32)); err == nil || !strings.Contains(err.Error(), "the certificate PEM (TLS_CERT_PEM) is 1048577 bytes: the limit is 1048576") {
		t.Fatalf("a 1 MiB certificate PEM: %v", err)
	}
	if _, err := httpserver.IdentityFromPEM(chain, huge, strings.Repeat("00", 32)); err == nil || !strings.Contains(err.Error(), "the private key PEM (TLS_KEY_PEM) is 1048577 bytes") {
		t.Fatalf("a 1 MiB key PEM: %v", err)
	}
}
