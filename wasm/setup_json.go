package main

import "tlsplayground/playground/jsonenc"

// The setup's result is written without reflection too: it comes first on
// the page's way to its first live session (setup, then newSession), and
// with it and the export written by hand, encoding/json's encoder is not
// run (nor compiled by V8, on its first call) before that session is on
// screen. TestSetupJSON proves these agree with encoding/json, field by
// field.

// AppendJSON appends the setup's result, byte for byte what json.Marshal
// writes.
func (r *SetupResponse) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"serverName":`, r.ServerName)
	b = jsonenc.StringField(b, `,"keyType":`, r.KeyType)
	b = jsonenc.IntField(b, `,"keyBits":`, r.KeyBits)
	b = jsonenc.FloatField(b, `,"generatedMs":`, r.GeneratedMs)
	b = r.CA.AppendJSON(append(b, `,"ca":`...))
	b = r.Leaf.AppendJSON(append(b, `,"leaf":`...))
	if r.Intermediate != nil {
		b = r.Intermediate.AppendJSON(append(b, `,"intermediate":`...))
	}
	b = r.ServerKey.AppendJSON(append(b, `,"serverKey":`...))
	b = jsonenc.StringField(b, `,"caKeyPem":`, r.CAKeyPEM)
	b = jsonenc.BoolField(b, `,"caKeyGiven":`, r.CAKeyGiven)
	b = jsonenc.BoolField(b, `,"keyGiven":`, r.KeyGiven)
	b = jsonenc.StringField(b, `,"session":`, r.Session)
	return append(b, '}')
}

// AppendJSON appends the certificate: its PEM and its description.
func (c *CertOut) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"pem":`, c.PEM)
	b = c.Cert.AppendJSON(append(b, `,"cert":`...))
	return append(b, '}')
}

// AppendJSON appends the key pair's description.
func (k *KeyOut) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"type":`, k.Type)
	b = jsonenc.IntField(b, `,"bits":`, k.Bits)
	if k.ModulusHex != "" {
		b = jsonenc.StringField(b, `,"modulusHex":`, k.ModulusHex)
	}
	if k.Exponent != 0 {
		b = jsonenc.IntField(b, `,"exponent":`, k.Exponent)
	}
	b = jsonenc.StringField(b, `,"publicHex":`, k.PublicHex)
	b = jsonenc.StringField(b, `,"pem":`, k.PEM)
	b = jsonenc.StringField(b, `,"fingerprint":`, k.Fingerprint)
	return append(b, '}')
}
