// This file is added to Go's crypto/elliptic in the playground's core engine
// (scripts/wasm-overlay, core.go): there P224(), P384() and P521() return
// an omittedCurve, their parameters without the arithmetic.

//go:build core

package elliptic

import (
	"math/big"
	"sync"
)

// omittedCurve is a NIST curve the core engine left out: Params tells its
// name, size and constants (what crypto/x509, crypto/ecdsa and the
// playground compare and show); no arithmetic is here: Unmarshal fails, and
// crypto/ecdsa and
// crypto/ecdh of the core refuse these curves with an error before any
// arithmetic, so these panics are for a caller that goes around them
// (crypto/elliptic's deprecated low-level functions).
type omittedCurve struct {
	once   sync.Once
	params *CurveParams
}

// Params sets the curve's parameters on the first call (Go's initP384,
// renamed initP384Params in the core's copy of nistec.go).
func (c *omittedCurve) Params() *CurveParams {
	c.once.Do(func() {
		switch c {
		case p224:
			initP224Params()
		case p384:
			initP384Params()
		case p521:
			initP521Params()
		}
	})
	return c.params
}

func (c *omittedCurve) IsOnCurve(x, y *big.Int) bool { panic(c.omitted("IsOnCurve")) }

func (c *omittedCurve) Add(x1, y1, x2, y2 *big.Int) (x, y *big.Int) { panic(c.omitted("Add")) }

func (c *omittedCurve) Double(x1, y1 *big.Int) (x, y *big.Int) { panic(c.omitted("Double")) }

func (c *omittedCurve) ScalarMult(x1, y1 *big.Int, k []byte) (x, y *big.Int) {
	panic(c.omitted("ScalarMult"))
}

func (c *omittedCurve) ScalarBaseMult(k []byte) (x, y *big.Int) { panic(c.omitted("ScalarBaseMult")) }

// Unmarshal and UnmarshalCompressed (Go's curves have their own; the
// package asserts it) fail as for a point not on the curve: x is nil.
func (c *omittedCurve) Unmarshal(data []byte) (x, y *big.Int) { return nil, nil }

func (c *omittedCurve) UnmarshalCompressed(data []byte) (x, y *big.Int) { return nil, nil }

func (c *omittedCurve) omitted(op string) string {
	return "crypto/elliptic: " + c.Params().Name + " " + op + ": the playground's core engine has no arithmetic on this curve, only P-256's (scripts/wasm-overlay); the lab engine (go build ./wasm, without -tags core) has it"
}
