package pki

import "tlsplayground/playground/jsonenc"

// AppendJSON appends the certificate's description as encoding/json
// writes it (the field names are its struct tags; export_json_test.go in
// playground/session proves the two agree).
func (c *CertInfo) AppendJSON(b []byte) []byte {
	b = append(b, `{"subject":`...)
	b = jsonenc.String(b, c.Subject)
	b = append(b, `,"issuer":`...)
	b = jsonenc.String(b, c.Issuer)
	b = append(b, `,"serial":`...)
	b = jsonenc.String(b, c.Serial)
	b = append(b, `,"notBefore":`...)
	b = jsonenc.String(b, c.NotBefore)
	b = append(b, `,"notAfter":`...)
	b = jsonenc.String(b, c.NotAfter)
	b = append(b, `,"dnsNames":`...)
	b = jsonenc.Strings(b, c.DNSNames)
	b = append(b, `,"isCA":`...)
	b = jsonenc.Bool(b, c.IsCA)
	b = append(b, `,"keyUsage":`...)
	b = jsonenc.Strings(b, c.KeyUsage)
	b = append(b, `,"extKeyUsage":`...)
	b = jsonenc.Strings(b, c.ExtKeyUsage)
	b = append(b, `,"publicKey":`...)
	b = jsonenc.String(b, c.PublicKey)
	b = append(b, `,"signatureAlgorithm":`...)
	b = jsonenc.String(b, c.SignatureAlgorithm)
	b = append(b, `,"derHex":`...)
	b = jsonenc.String(b, c.DERHex)
	b = append(b, `,"sha256":`...)
	b = jsonenc.String(b, c.SHA256)
	return append(b, '}')
}
