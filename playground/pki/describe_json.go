package pki

import "tlsplayground/playground/jsonenc"

// AppendJSON appends the certificate's description as encoding/json
// writes it (the field names are its struct tags; export_json_test.go in
// playground/session proves the two agree).
func (c *CertInfo) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"subject":`, c.Subject)
	b = jsonenc.StringField(b, `,"issuer":`, c.Issuer)
	b = jsonenc.StringField(b, `,"serial":`, c.Serial)
	b = jsonenc.StringField(b, `,"notBefore":`, c.NotBefore)
	b = jsonenc.StringField(b, `,"notAfter":`, c.NotAfter)
	b = jsonenc.StringsField(b, `,"dnsNames":`, c.DNSNames)
	b = jsonenc.BoolField(b, `,"isCA":`, c.IsCA)
	b = jsonenc.StringsField(b, `,"keyUsage":`, c.KeyUsage)
	b = jsonenc.StringsField(b, `,"extKeyUsage":`, c.ExtKeyUsage)
	b = jsonenc.StringField(b, `,"publicKey":`, c.PublicKey)
	b = jsonenc.StringField(b, `,"signatureAlgorithm":`, c.SignatureAlgorithm)
	b = jsonenc.StringField(b, `,"derHex":`, c.DERHex)
	b = jsonenc.StringField(b, `,"sha256":`, c.SHA256)
	return append(b, '}')
}
