// This file is added to Go's crypto/ecdsa in the playground's core engine
// (scripts/wasm-overlay, core.go): there the package's switches answer
// errCurveNotInCore for P-224, P-384, P-521 and any other curve but P-256,
// whose arithmetic the core does not carry.

//go:build core

package ecdsa

import "errors"

// errCurveNotInCore says that the curve is one the core engine left out,
// and where it is.
func errCurveNotInCore(name string) error {
	return errors.New("ecdsa: " + name + " is not in the playground's core engine, which has P-256 only (scripts/wasm-overlay); the lab engine (go build ./wasm, without -tags core) has the others")
}
