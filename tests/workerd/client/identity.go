package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"tlsplayground/playground/pki"
)

// identityOut is what `client identity` prints: the Worker's three secrets
// (certPem, keyPem, tokenKey), the root the client trusts, the server name.
type identityOut struct {
	CertPEM    string `json:"certPem"` // leaf first, the root last (published at /tls/info)
	KeyPEM     string `json:"keyPem"`
	TokenKey   string `json:"tokenKey"`
	TrustPEM   string `json:"trustPem"`
	ServerName string `json:"serverName"`
}

func cmdIdentity(args []string) error {
	fs := flag.NewFlagSet("identity", flag.ContinueOnError)
	key := fs.String("key", "rsa", "server key: rsa (every mode), ecdsa or ed25519 (ecdhe and tls13)")
	name := fs.String("name", "playground.test", "the server's DNS name")
	format := fs.String("format", "json", "json, or dev-vars (the lines of scripts/cloudflare/.dev.vars)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := pki.NewSetup(pki.Options{KeyType: *key, ServerName: *name})
	if err != nil {
		return err
	}
	var chain []byte
	for _, der := range s.Chain {
		chain = append(chain, pki.CertPEM(der)...)
	}
	chain = append(chain, pki.CertPEM(s.CA.Raw)...)
	tk := make([]byte, 32)
	if _, err := rand.Read(tk); err != nil {
		return err
	}
	out := identityOut{CertPEM: string(chain), KeyPEM: string(s.KeyPEM()), TokenKey: hex.EncodeToString(tk),
		TrustPEM: string(pki.CertPEM(s.CA.Raw)), ServerName: s.ServerName}
	switch *format {
	case "json":
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "dev-vars":
		// dotenv: a double-quoted value turns \n into line breaks.
		q := func(s string) string { return `"` + strings.ReplaceAll(strings.TrimSpace(s), "\n", `\n`) + `\n"` }
		fmt.Printf("# made by: go run ./tests/workerd/client identity -format dev-vars (server name %s)\n", out.ServerName)
		fmt.Printf("# the root a client must trust:\n#   %s\n", strings.ReplaceAll(strings.TrimSpace(out.TrustPEM), "\n", "\n#   "))
		fmt.Printf("TLS_CERT_PEM=%s\nTLS_KEY_PEM=%s\nTOKEN_KEY=%s\n", q(out.CertPEM), q(out.KeyPEM), out.TokenKey)
		return nil
	}
	return fmt.Errorf("-format %q: json or dev-vars", *format)
}
