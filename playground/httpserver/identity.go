package httpserver

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"

	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
)

// Identity is what a server is: its name, its certificate chain, its
// private key, and the key that seals connection state into tokens. On
// Cloudflare it comes from the Worker's secrets; in the page, from the
// page's own setup step.
type Identity struct {
	ServerName string
	Chain      [][]byte // leaf first, as the server sends it
	Root       []byte   // the self-signed root, when the PEM ends with one: not sent, published at /tls/info
	// Signer is the private key. IdentityFromPEM leaves it nil for an RSA
	// key, which is parsed when a flight first uses it (keys.go).
	Signer   crypto.Signer
	TokenKey []byte // 32 bytes
	// OCSPStaple is the OCSP response for the leaf that the server
	// staples (RFC 6066 §8, RFC 8446 §4.4.2.1), or nil.
	OCSPStaple []byte

	lazy *lazyKey         // an RSA key not parsed yet (Signer is nil)
	pub  crypto.PublicKey // the leaf's public key, the key's public half

	sigsOnce sync.Once
	sigs     *cachingSigner // the key behind the cache of its last signatures (sigcache.go)
}

// Environment variable names of an identity (Worker secrets, .dev.vars).
const (
	EnvCertPEM  = "TLS_CERT_PEM"
	EnvKeyPEM   = "TLS_KEY_PEM"
	EnvTokenKey = "TOKEN_KEY"
)

// IdentityFromEnv reads an identity from TLS_CERT_PEM, TLS_KEY_PEM and
// TOKEN_KEY (64 hex characters).
func IdentityFromEnv(getenv func(string) string) (*Identity, error) {
	cert, key, tk := getenv(EnvCertPEM), getenv(EnvKeyPEM), getenv(EnvTokenKey)
	var missing []string
	for name, v := range map[string]string{EnvCertPEM: cert, EnvKeyPEM: key, EnvTokenKey: tk} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("httpserver: the server has no %s: set them as secrets (wrangler secret put) or in .dev.vars", strings.Join(sortStrings(missing), ", "))
	}
	return IdentityFromPEM([]byte(cert), []byte(key), tk)
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// IdentityFromPEM builds an identity from a PEM chain (leaf first, the root
// last if the server should publish it for clients to trust), a PEM
// private key (PKCS#8, PKCS#1 or SEC 1) and a hex token key.
func IdentityFromPEM(certPEM, keyPEM []byte, tokenKeyHex string) (*Identity, error) {
	for _, in := range []struct {
		name string
		n    int
	}{{"the certificate PEM (" + EnvCertPEM + ")", len(certPEM)}, {"the private key PEM (" + EnvKeyPEM + ")", len(keyPEM)}} {
		if err := limits.Size(in.name, in.n, limits.PEM, ""); err != nil {
			return nil, fmt.Errorf("httpserver: %w", err)
		}
	}
	id := &Identity{}
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			id.Chain = append(id.Chain, b.Bytes)
		}
	}
	if len(id.Chain) == 0 {
		return nil, errors.New("httpserver: the certificate PEM holds no CERTIFICATE block")
	}
	// A self-issued CA certificate at the end is the root, published at
	// /tls/info and not sent. Its self-signature is not checked here: the
	// client that trusts it does (an RSA verification per request otherwise).
	if n := len(id.Chain); n > 1 {
		if last, err := x509.ParseCertificate(id.Chain[n-1]); err == nil && last.IsCA && bytes.Equal(last.RawSubject, last.RawIssuer) {
			id.Root, id.Chain = id.Chain[n-1], id.Chain[:n-1]
		}
	}
	leaf, err := x509.ParseCertificate(id.Chain[0])
	if err != nil {
		return nil, fmt.Errorf("httpserver: the leaf certificate does not parse: %w", err)
	}
	if len(leaf.DNSNames) > 0 {
		id.ServerName = leaf.DNSNames[0]
	}
	id.pub = leaf.PublicKey
	var pub crypto.PublicKey
	if rsaPub, ok := rsaPublicInPEM(keyPEM); ok {
		pub = rsaPub
		id.lazy = &lazyKey{pem: keyPEM}
	} else {
		signer, err := pki.ParseKeyPEM(keyPEM)
		if err != nil {
			return nil, fmt.Errorf("httpserver: the private key: %v", err)
		}
		pub, id.Signer = signer.Public(), signer
	}
	if !publicKeysEqual(pub, leaf.PublicKey) {
		return nil, errors.New("httpserver: the private key does not match the leaf certificate")
	}
	tk, err := hex.DecodeString(strings.TrimSpace(tokenKeyHex))
	if err != nil || len(tk) != 32 {
		return nil, errors.New("httpserver: TOKEN_KEY must be 64 hex characters (32 bytes); make one with: openssl rand -hex 32")
	}
	id.TokenKey = tk
	return id, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}
