package pki

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"slices"
	"strconv"
	"sync"
	"time"

	"tlsplayground/playground/sigscheme"
)

// CertInfo is a certificate decoded for the page. Lists are never null in
// JSON: an absent extension is an empty list.
type CertInfo struct {
	Subject            string   `json:"subject"`            // RFC 2253 form, e.g. "CN=playground.test"
	Issuer             string   `json:"issuer"`             // RFC 2253 form
	Serial             string   `json:"serial"`             // hex, big-endian
	NotBefore          string   `json:"notBefore"`          // RFC 3339, UTC
	NotAfter           string   `json:"notAfter"`           // RFC 3339, UTC
	DNSNames           []string `json:"dnsNames"`           // subjectAltName dNSName entries
	IsCA               bool     `json:"isCA"`               // basicConstraints cA
	KeyUsage           []string `json:"keyUsage"`           // e.g. "digitalSignature", "certSign"
	ExtKeyUsage        []string `json:"extKeyUsage"`        // e.g. "serverAuth"
	PublicKey          string   `json:"publicKey"`          // "RSA-2048", "ECDSA P-256", "Ed25519"
	SignatureAlgorithm string   `json:"signatureAlgorithm"` // x509.SignatureAlgorithm.String(), e.g. "SHA256-RSA"
	DERHex             string   `json:"derHex"`             // the whole certificate
	SHA256             string   `json:"sha256"`             // hex SHA-256 fingerprint of the DER
}

// Describe decodes c for display. The decoding is made once per
// certificate (certText) and copied out.
func Describe(c *x509.Certificate) CertInfo {
	info := textOf(c, func(t *certText) {
		if t.info == nil {
			i := describe(c)
			t.info = &i
		}
	}).info
	d := *info
	d.DNSNames, d.KeyUsage, d.ExtKeyUsage = slices.Clone(d.DNSNames), slices.Clone(d.KeyUsage), slices.Clone(d.ExtKeyUsage)
	return d
}

func describe(c *x509.Certificate) CertInfo {
	sum := sha256.Sum256(c.Raw)
	return CertInfo{
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		Serial:             serialHex(c),
		NotBefore:          c.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:           c.NotAfter.UTC().Format(time.RFC3339),
		DNSNames:           append([]string{}, c.DNSNames...),
		IsCA:               c.IsCA,
		KeyUsage:           keyUsageNames(c.KeyUsage),
		ExtKeyUsage:        extKeyUsageNames(c),
		PublicKey:          publicKeyName(c),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		DERHex:             hex.EncodeToString(c.Raw),
		SHA256:             hex.EncodeToString(sum[:]),
	}
}

func serialHex(c *x509.Certificate) string {
	if c.SerialNumber == nil {
		return ""
	}
	s := hex.EncodeToString(c.SerialNumber.Bytes())
	if s == "" {
		s = "00"
	}
	if c.SerialNumber.Sign() < 0 { // not allowed by RFC 5280, but parsed
		s = "-" + s
	}
	return s
}

// keyUsages lists the keyUsage bits in the order of RFC 5280, Section
// 4.2.1.3, with the names crypto/x509 gives them.
var keyUsages = []struct {
	bit  x509.KeyUsage
	name string
}{
	{x509.KeyUsageDigitalSignature, "digitalSignature"},
	{x509.KeyUsageContentCommitment, "contentCommitment"},
	{x509.KeyUsageKeyEncipherment, "keyEncipherment"},
	{x509.KeyUsageDataEncipherment, "dataEncipherment"},
	{x509.KeyUsageKeyAgreement, "keyAgreement"},
	{x509.KeyUsageCertSign, "certSign"},
	{x509.KeyUsageCRLSign, "crlSign"},
	{x509.KeyUsageEncipherOnly, "encipherOnly"},
	{x509.KeyUsageDecipherOnly, "decipherOnly"},
}

func keyUsageNames(u x509.KeyUsage) []string {
	names := []string{}
	for _, k := range keyUsages {
		if u&k.bit != 0 {
			names = append(names, k.name)
		}
	}
	return names
}

// extKeyUsageNames uses the key purpose names of RFC 5280, Section
// 4.2.1.12, and dotted OIDs for purposes crypto/x509 does not know.
var extKeyUsageName = sync.OnceValue(func() map[x509.ExtKeyUsage]string {
	return map[x509.ExtKeyUsage]string{
		x509.ExtKeyUsageAny:                            "any",
		x509.ExtKeyUsageServerAuth:                     "serverAuth",
		x509.ExtKeyUsageClientAuth:                     "clientAuth",
		x509.ExtKeyUsageCodeSigning:                    "codeSigning",
		x509.ExtKeyUsageEmailProtection:                "emailProtection",
		x509.ExtKeyUsageIPSECEndSystem:                 "ipsecEndSystem",
		x509.ExtKeyUsageIPSECTunnel:                    "ipsecTunnel",
		x509.ExtKeyUsageIPSECUser:                      "ipsecUser",
		x509.ExtKeyUsageTimeStamping:                   "timeStamping",
		x509.ExtKeyUsageOCSPSigning:                    "OCSPSigning",
		x509.ExtKeyUsageMicrosoftServerGatedCrypto:     "msSGC",
		x509.ExtKeyUsageNetscapeServerGatedCrypto:      "nsSGC",
		x509.ExtKeyUsageMicrosoftCommercialCodeSigning: "msCodeCom",
		x509.ExtKeyUsageMicrosoftKernelCodeSigning:     "msKernelCode",
	}
})

func extKeyUsageNames(c *x509.Certificate) []string {
	names := []string{}
	for _, u := range c.ExtKeyUsage {
		name, ok := extKeyUsageName()[u]
		if !ok {
			name = "extKeyUsage(" + strconv.Itoa(int(u)) + ")"
		}
		names = append(names, name)
	}
	for _, oid := range c.UnknownExtKeyUsage {
		names = append(names, oid.String())
	}
	return names
}

// PublicKeyName names the subject's key as Describe does (CertInfo.PublicKey),
// without decoding the rest of the certificate.
func PublicKeyName(c *x509.Certificate) string { return publicKeyName(c) }

// publicKeyName names the subject's key: algorithm and size or curve.
func publicKeyName(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA-" + strconv.Itoa(k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	case *ecdh.PublicKey:
		if k.Curve() == ecdh.X25519() {
			return "X25519"
		}
		return "ECDH"
	}
	if k, err := sigscheme.CertificateKey(c); err == nil {
		if pk, ok := k.(*sigscheme.RSAPSSPublicKey); ok {
			return "RSA-PSS-" + strconv.Itoa(pk.N.BitLen())
		}
	}
	return c.PublicKeyAlgorithm.String()
}
