package pki

import (
	"crypto/x509"
	"runtime"
	"sync"
	"weak"
)

// parsed interns certificates by their DER, as crypto/tls's client does
// (crypto/tls/cache.go): after the signatures, parsing is the dearest part
// of reading a Certificate message, and a client of the page sees the same
// server certificate in every session. An entry is weak: a certificate stays
// only while something else (a Setup, a session's trace) still holds it.
var parsed struct {
	sync.Mutex
	m map[string]weak.Pointer[x509.Certificate]
}

// ParseCertificate is x509.ParseCertificate, the result shared with every
// other caller that parses the same bytes while it is alive: callers must
// not modify it.
func ParseCertificate(der []byte) (*x509.Certificate, error) {
	parsed.Lock()
	wp, ok := parsed.m[string(der)]
	parsed.Unlock()
	if ok {
		if c := wp.Value(); c != nil {
			return c, nil
		}
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	key := string(der)
	wp = weak.Make(c)
	parsed.Lock()
	if parsed.m == nil {
		parsed.m = map[string]weak.Pointer[x509.Certificate]{}
	}
	parsed.m[key] = wp
	parsed.Unlock()
	runtime.AddCleanup(c, func(key string) {
		parsed.Lock()
		if parsed.m[key] == wp {
			delete(parsed.m, key)
		}
		parsed.Unlock()
	}, key)
	return c, nil
}
