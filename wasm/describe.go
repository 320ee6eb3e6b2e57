package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
)

// DescribeRequest is the argument of describeCertificates.
type DescribeRequest struct {
	PEM string `json:"pem"`
}

// DescribeCertificates decodes every certificate of a PEM text with
// crypto/x509 (the page parses no certificate itself): subject, issuer,
// validity, key, SHA-256 fingerprint…, in the order they come. A block
// that is not a certificate is skipped; one that does not parse is an
// error.
func (a *API) DescribeCertificates(arg string) (string, error) {
	var req DescribeRequest
	if err := decode("describeCertificates", arg, &req); err != nil {
		return "", err
	}
	if err := limits.Size("describeCertificates: pem", len(req.PEM), limits.PEM, "a chain in PEM is a few kilobytes"); err != nil {
		return "", err
	}
	out := []pki.CertInfo{}
	rest := []byte(req.PEM)
	for n := 1; ; n++ {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return "", fmt.Errorf("describeCertificates: PEM block %d is not a certificate crypto/x509 can read: %v", n, err)
		}
		out = append(out, pki.Describe(c))
	}
	return encode(out)
}
