package main

import (
	"fmt"

	"tlsplayground/playground/pki"
)

// setKeyType asks for a non-RSA server key, once pki offers key types.
func setKeyType(opt *pki.Options, keyType string) error {
	return fmt.Errorf("setup: key type %q is not offered yet: use \"rsa\"", keyType)
}
