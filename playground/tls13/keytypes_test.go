package tls13_test

import (
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
)

// keyTypes are the server key types the tests cover.
var keyTypes = pki.KeyTypes()

func newSetup(keyType string) (*pki.Setup, error) {
	return pki.NewSetup(pki.Options{KeyType: keyType, Rand: rng.New([]byte("tls13 " + keyType))})
}
