package httpserver

import "crypto/rsa"

func rsaKey(id *Identity) (*rsa.PrivateKey, bool) {
	k, ok := id.Signer.(*rsa.PrivateKey)
	return k, ok
}

func isRSA(id *Identity) bool {
	_, ok := rsaKey(id)
	return ok
}
