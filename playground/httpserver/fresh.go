package httpserver

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"tlsplayground/playground/pki"
)

// Fresh makes a new identity (a root CA, an RSA-2048 server key and its
// certificate for pki.DefaultServerName, a random token key) and returns the
// engine's HTTP server for it, with the root CA's certificate as PEM. The
// root ends the chain, so /tls/info publishes it and a page can trust it on
// first use. scripts/serve and `tlsplay web` serve it at /tls/.
func Fresh() (http.Handler, []byte, error) {
	s, err := pki.NewSetup(pki.Options{Intermediate: true, CT: true, OCSP: true})
	if err != nil {
		return nil, nil, err
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) { // the root last: published at /tls/info
		chain = append(chain, pki.CertPEM(der)...)
	}
	tk := make([]byte, 32)
	if _, err := rand.Read(tk); err != nil {
		return nil, nil, err
	}
	id, err := IdentityFromPEM(chain, s.KeyPEM(), hex.EncodeToString(tk))
	if err != nil {
		return nil, nil, err
	}
	id.OCSPStaple = s.OCSPResponse
	return New(id, Options{}), pki.CertPEM(s.CA.Raw), nil
}
