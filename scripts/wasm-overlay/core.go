package main

// The core engine without P-224, P-384 and P-521 (go build -tags core).
//
// The page's first view (the core module) makes and reads only RSA, P-256
// and Ed25519 keys: pki issues those three, the servers it talks to are the
// playground's own. Yet crypto/x509 reaches every NIST curve (its key parsers
// name all four), and crypto/ecdsa's switches instantiate Go's generic ECDSA
// and the fiat field arithmetic once per curve: about 450 KB of code, 55 KB
// of brotli, of which the first view runs none.
//
// For the core only, the overlay splits four of Go's files in two: Go's file
// as it is, with the constraint `//go:build !core` added (the lab, the
// server, the tests: nothing changes), and beside it an edited copy with
// `//go:build core`, in which those three curves have no arithmetic:
//
//   - crypto/ecdsa/ecdsa.go: each `case elliptic.P384():` (and P-224,
//     P-521) of the nine curve switches returns errCurveNotInCore instead of
//     calling the generic code (false for VerifyASN1, no crypto/ecdh curve
//     for curveToECDH);
//   - crypto/ecdh/nist.go: P384() and P521() keep their curve values, whose
//     four operations return errCurveNotInCore;
//   - crypto/elliptic/nistec.go: P224(), P384() and P521() keep their
//     parameters (name, size, P, N, B, G: what comparisons, x509 and the
//     page read) on a curve without arithmetic (omittedCurve, _core/elliptic.go);
//   - crypto/internal/fips140/ecdsa/ecdsa.go: P224(), P384() and P521() and
//     the package-level sync.OnceValue that prepares each (their closures
//     were kept by the package's initialiser) are left out.
//
// So in the core a certificate or key on those curves fails to parse, with
// an error that says the core has P-256 only and the lab has the others
// (x509.ParseCertificate, ParsePKCS8PrivateKey, ParseECPrivateKey; signing,
// verification and key generation the same way), and nothing panics on the
// paths crypto/x509 and crypto/ecdsa take. Go's files are read and edited
// when the overlay is written; each edit must match Go 1.26.8's text
// exactly (the SHA-256 of each file is checked first, with the others).

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// coreSplit is one file of Go's that the core builds edited.
type coreSplit struct {
	file string // under GOROOT/src
	edit func(src []byte) ([]byte, error)
}

var coreSplits = []coreSplit{
	{"crypto/ecdsa/ecdsa.go", editECDSA},
	{"crypto/ecdh/nist.go", editECDH},
	{"crypto/elliptic/nistec.go", editElliptic},
	{"crypto/internal/fips140/ecdsa/ecdsa.go", editFIPSECDSA},
}

// coreFiles are our files that the edited copies call, added to Go's
// packages (each `//go:build core`).
var coreFiles = map[string]string{
	"crypto/ecdsa/tlsplay_core.go":    "_core/ecdsa.go",
	"crypto/ecdh/tlsplay_core.go":     "_core/ecdh.go",
	"crypto/elliptic/tlsplay_core.go": "_core/elliptic.go",
}

// coreCaseReturn is a switch case on one of the omitted curves and the line
// after it, its return: `case elliptic.P384():` or `case
// elliptic.P384().Params():`, then `return f(ecdsa.P384(), …)` (generateFIPS
// takes the elliptic.Curve c first) or, in curveToECDH, `return ecdh.P384()`.
var coreCaseReturn = regexp.MustCompile(`(?m)^\tcase elliptic\.P(224|384|521)\(\)(?:\.Params\(\))?:\n\t\treturn (?:ecdh\.P(224|384|521)\(\)|(\w+)\((?:c, )?ecdsa\.P(224|384|521)\(\), .*\))$`)

// ecdsaCaseReturns is what each of crypto/ecdsa's curve switches returns for
// an omitted curve, by the function the case called.
var ecdsaCaseReturns = map[string]string{
	"parseUncompressedPublicKey": `nil, errCurveNotInCore("P-%s")`,
	"publicKeyBytes":             `nil, errCurveNotInCore("P-%s")`,
	"ecdh.P%s":                   `nil`, // curveToECDH: the caller says crypto/ecdh has no such curve
	"parseRawPrivateKey":         `nil, errCurveNotInCore("P-%s")`,
	"privateKeyBytes":            `nil, errCurveNotInCore("P-%s")`,
	"generateFIPS":               `nil, errCurveNotInCore("P-%s")`,
	"signFIPS":                   `nil, errCurveNotInCore("P-%s")`,
	"signFIPSDeterministic":      `nil, errCurveNotInCore("P-%s")`,
	"verifyFIPS":                 `false`,
}

// editECDSA: every case of crypto/ecdsa on P-224, P-384 and P-521 returns
// without Go's generic code for the curve. There are nine switches, eight
// over the three curves and curveToECDH over P-384 and P-521 (crypto/ecdh
// has no P-224).
func editECDSA(src []byte) ([]byte, error) {
	n := 0
	var bad error
	out := coreCaseReturn.ReplaceAllFunc(src, func(m []byte) []byte {
		s := coreCaseReturn.FindSubmatch(m)
		curve, key, curve2 := string(s[1]), string(s[3]), string(s[2])+string(s[4])
		if len(s[2]) > 0 {
			key = "ecdh.P%s" // curveToECDH
		}
		if curve != curve2 {
			bad = fmt.Errorf("a case on P-%s returns through P-%s", curve, curve2)
			return m
		}
		ret, ok := ecdsaCaseReturns[key]
		if !ok {
			bad = fmt.Errorf("a case on P-%s calls %s, which the edit does not know", curve, key)
			return m
		}
		n++
		caseLine := m[:bytes.IndexByte(m, '\n')+1]
		return append(append([]byte{}, caseLine...), "\t\treturn "+strings.ReplaceAll(ret, "%s", curve)...)
	})
	if bad != nil {
		return nil, bad
	}
	if n != 26 {
		return nil, fmt.Errorf("%d cases on P-224, P-384 and P-521 found, want 26 (8 switches over three curves, curveToECDH over two)", n)
	}
	return out, mustNotMention(out, `ecdsa\.P(224|384|521)\(\)|nistec\.NewP(224|384|521)Point`)
}

// ecdhReturn is one operation of crypto/ecdh's P-384 or P-521 curve value.
var ecdhReturn = regexp.MustCompile(`(?m)^\t\treturn ecdh\.(GenerateKey|NewPrivateKey|NewPublicKey|ECDH)\(ecdh\.P(384|521)\(\), .*\)$`)

// editECDH: crypto/ecdh's P-384 and P-521 keep their names and return
// errCurveNotInCore from their four operations.
func editECDH(src []byte) ([]byte, error) {
	n := 0
	out := ecdhReturn.ReplaceAllFunc(src, func(m []byte) []byte {
		n++
		curve := string(ecdhReturn.FindSubmatch(m)[2])
		return []byte(`		return nil, errCurveNotInCore("P-` + curve + `")`)
	})
	if n != 8 {
		return nil, fmt.Errorf("%d operations of P-384 and P-521 found, want 8", n)
	}
	return out, mustNotMention(out, `ecdh\.P(384|521)\(\)`)
}

// editElliptic: crypto/elliptic's P-224, P-384 and P-521 are omittedCurve
// values (their parameters, set by initP224 and the others as before).
func editElliptic(src []byte) ([]byte, error) {
	out := src
	for _, c := range []string{"224", "384", "521"} {
		old := "var p" + c + " = &nistCurve[*nistec.P" + c + "Point]{\n\tnewPoint: nistec.NewP" + c + "Point,\n}\n"
		if bytes.Count(out, []byte(old)) != 1 {
			return nil, fmt.Errorf("no single declaration of p%s", c)
		}
		out = bytes.Replace(out, []byte(old), []byte("var p"+c+" = &omittedCurve{}\n"), 1)
	}
	return out, mustNotMention(out, `P(224|384|521)Point`)
}

// fipsCurve is the getter of a curve of crypto/internal/fips140/ecdsa and
// the package-level sync.OnceValue that prepares it.
var fipsCurve = regexp.MustCompile(`(?ms)^func P(224|384|521)\(\) \*Curve\[\*nistec\.P(224|384|521)Point\] \{ return _P(224|384|521)\(\) \}\n\nvar _P(224|384|521) = sync\.OnceValue\(func\(\) \*Curve\[\*nistec\.P(224|384|521)Point\] \{\n.*?^\}\)\n\n`)

// editFIPSECDSA: crypto/internal/fips140/ecdsa without P224(), P384(),
// P521() and their sync.OnceValue variables.
func editFIPSECDSA(src []byte) ([]byte, error) {
	n := 0
	var bad error
	out := fipsCurve.ReplaceAllFunc(src, func(m []byte) []byte {
		s := fipsCurve.FindSubmatch(m)
		for _, other := range s[2:6] {
			if !bytes.Equal(other, s[1]) {
				bad = fmt.Errorf("the getter of P-%s mixes curves", s[1])
			}
		}
		n++
		return nil
	})
	if bad != nil {
		return nil, bad
	}
	if n != 3 {
		return nil, fmt.Errorf("%d curve getters found, want 3 (P-224, P-384, P-521)", n)
	}
	return out, mustNotMention(out, `nistec\.NewP(224|384|521)Point|_P(224|384|521)\b`)
}

// mustNotMention checks that an edit left none of the omitted curves' code.
func mustNotMention(src []byte, expr string) error {
	if loc := regexp.MustCompile(expr).FindIndex(src); loc != nil {
		line := bytes.Count(src[:loc[0]], []byte("\n")) + 1
		return fmt.Errorf("line %d still has %q", line, src[loc[0]:loc[1]])
	}
	return nil
}

// constrained puts a build constraint at the top of a Go file (before its
// copyright: line comments may precede a constraint) and says where it
// comes from.
func constrained(expr, why string, src []byte) []byte {
	return append([]byte("//go:build "+expr+"\n\n// "+why+"\n\n"), src...)
}
