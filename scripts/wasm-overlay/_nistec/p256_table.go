// This file replaces Go's crypto/internal/fips140/nistec/p256_table.go in the
// playground's wasm builds (scripts/wasm-overlay: `go build -overlay`). Go's
// file is the P-256 base-point table as a literal: 43 tables of 32 affine
// points, 88,064 bytes that look random to a compressor, about 83 KB of the
// core engine's brotli. Here the same table is computed on the first
// ScalarBaseMult instead (the overlay's p256.go calls p256GeneratorTablesReady
// first), in a few milliseconds, and lives in zeroed memory (no bytes in the
// module). What it holds, for ScalarBaseMult's window of 6 bits:
//
//	table i, entry j-1 = j·(2^(6i))·G in affine coordinates, i in [0, 42], j in [1, 32]
//
// with x and y in the Montgomery domain, as p256AffinePoint keeps them.
// scripts/wasm-overlay/_nistec/tlsplay_table_test.go checks it byte for byte
// against Go's literal.

//go:build (!amd64 && !arm64 && !ppc64le && !s390x) || purego

package nistec

import (
	"crypto/internal/fips140/nistec/fiat"
	"sync"
)

// p256PrecomputedEmbed is the memory p256GeneratorTables points at (p256.go's
// init takes its address); it is filled by p256FillGeneratorTables.
var p256PrecomputedEmbed [43]p256AffineTable

var p256GeneratorTablesOnce sync.Once

// p256GeneratorTablesReady fills the base-point tables on its first call.
func p256GeneratorTablesReady() {
	p256GeneratorTablesOnce.Do(p256FillGeneratorTables)
}

// p256FillGeneratorTables writes j·B_i for every table i (B_0 = G,
// B_i+1 = 64·B_i = 2·(32·B_i)) into *p256GeneratorTables. The points are
// summed in projective coordinates, then made affine together with one field
// inversion (Montgomery's trick: invert the product of every Z, then peel each
// Z's inverse off it), since one inversion costs about as much as 250
// multiplications and there are 1,376 points.
func p256FillGeneratorTables() {
	const tables, entries = len(p256PrecomputedEmbed), len(p256AffineTable{})
	const n = tables * entries
	tabs := p256GeneratorTables

	// Each point's X and Y go straight into its table entry, its Z into zs.
	zs := make([]fiat.P256Element, n)
	base := NewP256Point().SetGenerator()
	acc := NewP256Point()
	for i := 0; i < tables; i++ {
		acc.Set(base)
		for j := 0; j < entries; j++ {
			if j > 0 {
				acc.Add(acc, base)
			}
			tabs[i][j].x.Set(&acc.x)
			tabs[i][j].y.Set(&acc.y)
			zs[i*entries+j].Set(&acc.z)
		}
		base.Double(acc) // acc is 32·B_i
	}

	// prefix[k] = zs[0]·…·zs[k].
	prefix := make([]fiat.P256Element, n)
	prefix[0].Set(&zs[0])
	for k := 1; k < n; k++ {
		prefix[k].Mul(&prefix[k-1], &zs[k])
	}
	// inv = 1/(zs[0]·…·zs[k]), walking k down: zs[k]'s inverse is
	// inv·prefix[k-1], and the next inv is inv·zs[k]. No Z is zero: j·B_i for
	// j ≤ 32 is never the point at infinity (the group's order is prime).
	inv := new(fiat.P256Element).Invert(&prefix[n-1])
	zinv := new(fiat.P256Element)
	for k := n - 1; k >= 0; k-- {
		if k > 0 {
			zinv.Mul(inv, &prefix[k-1])
			inv.Mul(inv, &zs[k])
		} else {
			zinv.Set(inv)
		}
		e := &tabs[k/entries][k%entries]
		e.x.Mul(&e.x, zinv)
		e.y.Mul(&e.y, zinv)
	}
}
