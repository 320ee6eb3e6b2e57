package trace

import (
	"strconv"

	"tlsplayground/playground/pki"
)

// Chain describes a certificate chain as the server sent it: each
// certificate decoded and in PEM, leaf first. note says what travels.
func Chain(chain [][]byte, note string) []Value {
	vals := make([]Value, 1, 1+2*len(chain))
	vals[0] = Text("Chain length", strconv.Itoa(len(chain))+" certificate(s), leaf first", note)
	for i, der := range chain {
		label := "Leaf certificate"
		if i > 0 {
			label = "Certificate " + strconv.Itoa(i+1)
		}
		if cert, err := pki.ParseCertificate(der); err == nil {
			vals = append(vals, Cert(label, cert, ""), PEM(label+" (PEM)", pki.CertPEMText(cert), ""))
		} else {
			vals = append(vals, Hex(label+" (unparsable)", der, err.Error()))
		}
	}
	return vals
}

// Verification describes a client's check of a chain: each check, and
// crypto/x509's verdict; when it passed, the verified path.
func Verification(res pki.VerifyResult) []Value {
	vals := make([]Value, 0, len(res.Checks)+4) // room for two values more from the caller (an RSA key: n and e)
	for _, ch := range res.Checks {
		vals = append(vals, Check(ch.Name, ch.OK, ch.Detail))
	}
	if !res.OK {
		return append(vals, Text("crypto/x509 says", res.Err.Error(), ""))
	}
	path := make([]string, len(res.Chain))
	for i, cert := range res.Chain {
		path[i] = pki.SubjectName(cert)
	}
	return append(vals,
		List("Verified path", path, "from the leaf up to a root in the client's own trust store"),
		Text("crypto/x509 says", "ok", "x509.Certificate.Verify returned no error"))
}

// WebPKI is what a client traces of its checks beyond path validation
// (pki.CheckWebPKI: the stapled OCSP response, the SCTs): why there was no
// staple when noStaple is not empty, each check, and on a refusal the
// alert it sends.
func WebPKI(r pki.WebPKIResult, noStaple string) []Value {
	var vals []Value
	if noStaple != "" {
		vals = append(vals, Text("Stapled OCSP response", "none", noStaple))
	}
	for _, ch := range r.Checks {
		vals = append(vals, Check(ch.Name, ch.OK, ch.Detail))
	}
	if !r.OK {
		vals = append(vals, Text("Alert", r.Alert.String(), "what the client sends before it closes the connection"))
	}
	return vals
}
