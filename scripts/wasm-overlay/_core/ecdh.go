// This file is added to Go's crypto/ecdh in the playground's core engine
// (scripts/wasm-overlay, core.go): there P384() and P521() answer
// errCurveNotInCore from every operation, whose arithmetic the core does
// not carry.

//go:build core

package ecdh

import "errors"

// errCurveNotInCore says that the curve is one the core engine left out,
// and where it is.
func errCurveNotInCore(name string) error {
	return errors.New("ecdh: " + name + " is not in the playground's core engine, which has X25519 and P-256 only (scripts/wasm-overlay); the lab engine (go build ./wasm, without -tags core) has P-384 and P-521")
}
