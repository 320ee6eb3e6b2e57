// This file replaces Go's crypto/internal/fips140/aes/const.go in the
// playground's wasm builds (scripts/wasm-overlay: `go build -overlay`). Go's
// file holds AES's tables as literals: the S-box and its inverse, the powers
// of x, and eight tables of 256 words for the generic cipher's rounds, 8 KB
// that look random to a compressor. Here they are computed when the package
// is initialised (package-level variables, before any init function), from
// the field GF(2⁸) of FIPS 197, Section 4, in well under a millisecond.
// scripts/wasm-overlay/_aes/tlsplay_const_test.go checks every table word for
// word against Go's literals.

package aes

// poly is AES's reduction polynomial, x⁸ + x⁴ + x³ + x + 1 (FIPS 197, Section 4.2).
const poly = 1<<8 | 1<<4 | 1<<3 | 1<<1 | 1<<0

// powx[i] is x^i in GF(2⁸): the key schedule's round constants (FIPS 197, Section 5.2).
var powx = aesPowersOfX()

// sbox0 is SubBytes' S-box (FIPS 197, Section 5.1.1), sbox1 its inverse (Section 5.3.2).
var sbox0, sbox1 = aesSBoxes()

// te0..te3 fold SubBytes and MixColumns into one lookup per byte: te0[i] is
// the column (2·s, s, s, 3·s) for s = sbox0[i], top byte first; te1, te2 and
// te3 are te0 rotated right by 8, 16 and 24 bits.
var te0, te1, te2, te3 = aesRoundTables(&sbox0, [4]byte{2, 1, 1, 3})

// td0..td3 do the same for decryption: InvSubBytes and InvMixColumns, the
// column (14·s, 9·s, 13·s, 11·s) for s = sbox1[i] (FIPS 197, Section 5.3.3).
var td0, td1, td2, td3 = aesRoundTables(&sbox1, [4]byte{14, 9, 13, 11})

// aesMul multiplies a and b in GF(2⁸) modulo poly (FIPS 197, Section 4.2).
func aesMul(a, b byte) byte {
	var p byte
	for b != 0 {
		if b&1 != 0 {
			p ^= a
		}
		carry := a & 0x80
		a <<= 1
		if carry != 0 {
			a ^= poly & 0xff
		}
		b >>= 1
	}
	return p
}

func aesPowersOfX() [16]byte {
	var out [16]byte
	p := byte(1)
	for i := range out {
		out[i] = p
		p = aesMul(p, 2)
	}
	return out
}

// aesSBoxes builds the S-box: the multiplicative inverse in GF(2⁸) (0 for
// 0), then the affine transformation b ^ rotl(b,1..4) ^ 0x63 (FIPS 197,
// Section 5.1.1); the inverse box is read off it.
func aesSBoxes() (box, inv [256]byte) {
	rotl := func(b byte, n uint) byte { return b<<n | b>>(8-n) }
	for x := 0; x < 256; x++ {
		// x^254 = x⁻¹ (the multiplicative group has order 255), and 0 for 0.
		r, sq := byte(1), byte(x)
		for e := 254; e > 0; e >>= 1 {
			if e&1 != 0 {
				r = aesMul(r, sq)
			}
			sq = aesMul(sq, sq)
		}
		if x == 0 {
			r = 0
		}
		s := r ^ rotl(r, 1) ^ rotl(r, 2) ^ rotl(r, 3) ^ rotl(r, 4) ^ 0x63
		box[x] = s
		inv[s] = byte(x)
	}
	return box, inv
}

// aesRoundTables builds a round's four lookup tables from an S-box and the
// column of MixColumns (or InvMixColumns) coefficients.
func aesRoundTables(box *[256]byte, coef [4]byte) (t0, t1, t2, t3 [256]uint32) {
	for i, s := range box {
		w := uint32(aesMul(s, coef[0]))<<24 | uint32(aesMul(s, coef[1]))<<16 | uint32(aesMul(s, coef[2]))<<8 | uint32(aesMul(s, coef[3]))
		t0[i] = w
		t1[i] = w>>8 | w<<24
		t2[i] = w>>16 | w<<16
		t3[i] = w>>24 | w<<8
	}
	return t0, t1, t2, t3
}
