// This file replaces Go's internal/strconv/pow10tab.go in the playground's
// wasm builds (scripts/wasm-overlay: `go build -overlay`). Go's file is a
// literal of 696 128-bit mantissas of the powers of ten that float parsing
// and formatting use, 11,136 bytes that look random to a compressor. Here the
// same table is computed as the package is initialised (a package-level
// variable: before any init function and any use), by exact integer
// arithmetic, in well under a millisecond.
// scripts/wasm-overlay/_strconv/tlsplay_pow10_test.go checks it entry for
// entry against Go's literal.

package strconv

import "math/bits"

const (
	pow10Min = -348
	pow10Max = 347
)

// pow10Tab[e-pow10Min] is 10^e scaled by a power of two into [2^127, 2^128)
// and truncated to an integer: the top 128 bits of 10^e, with the high bit
// set (no implicit leading 1).
var pow10Tab = pow10Compute()

// pow10Words is the width, in 64-bit words, of the integers below: 10^347 <
// 2^1153, and for the negative powers 2^(64·pow10Words) / 10^348 keeps more
// than 128 bits.
const pow10Words = 22

func pow10Compute() (tab [pow10Max - pow10Min + 1]uint128) {
	// Non-negative powers: x = 10^e exactly, times ten each step.
	var x [pow10Words]uint64
	x[0] = 1
	for e := 0; e <= pow10Max; e++ {
		if e > 0 {
			var carry uint64
			for i := range x {
				hi, lo := bits.Mul64(x[i], 10)
				var c uint64
				x[i], c = bits.Add64(lo, carry, 0)
				carry = hi + c
			}
		}
		tab[e-pow10Min] = pow10Top128(&x)
	}
	// Negative powers: y = floor(2^(64·pow10Words - 1) / 10^k), divided by ten
	// each step (floor of floor is the floor of the whole quotient, so y
	// stays exact); its top 128 bits are those of 10^-k.
	var y [pow10Words]uint64
	y[pow10Words-1] = 1 << 63
	for k := 1; k <= -pow10Min; k++ {
		var rem uint64
		for i := pow10Words - 1; i >= 0; i-- {
			y[i], rem = bits.Div64(rem, y[i], 10)
		}
		tab[-k-pow10Min] = pow10Top128(&y)
	}
	return tab
}

// pow10Top128 returns the top 128 bits of the integer x (little-endian
// words), shifted so that the highest set bit is bit 127: truncated when x
// is longer, padded with zeros when it is shorter.
func pow10Top128(x *[pow10Words]uint64) uint128 {
	top := pow10Words - 1
	for x[top] == 0 {
		top--
	}
	// The 192 bits from word top down, left-aligned on the highest set bit.
	var w [3]uint64
	for i := range w {
		if top-i >= 0 {
			w[i] = x[top-i]
		}
	}
	n := uint(bits.LeadingZeros64(w[0]))
	if n > 0 {
		w[0] = w[0]<<n | w[1]>>(64-n)
		w[1] = w[1]<<n | w[2]>>(64-n)
	}
	return uint128{Hi: w[0], Lo: w[1]}
}
