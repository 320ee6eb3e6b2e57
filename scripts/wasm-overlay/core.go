package main

// The core engine's own cuts of Go's standard library (go build -tags core:
// what the page's first view loads; the lab, the server and every test
// without the tag build Go's files as they are).
//
// The overlay splits some of Go's files in two: Go's file as it is, with
// `!core` added to its build constraint, and beside it an edited copy for
// `core` (coreSplits: each edit must match Go 1.26.8's text exactly and
// fails loudly otherwise; the SHA-256 of each file is checked first, with
// the others). The copies call our files in _core (coreFiles).
//
// 1. No P-224, P-384 or P-521. The first view makes and reads only RSA,
// P-256 and Ed25519 keys: pki issues those three, the servers it talks to
// are the playground's own. Yet crypto/x509 reaches every NIST curve (its
// key parsers name all four), and crypto/ecdsa's switches instantiate Go's
// generic ECDSA and the fiat field arithmetic once per curve: about 450 KB
// of code, 60 KB of the core's brotli, of which the first view runs none.
//
//   - crypto/ecdsa/ecdsa.go: each `case elliptic.P384():` (and P-224,
//     P-521) of the nine curve switches returns errCurveNotInCore instead of
//     calling the generic code (false for VerifyASN1, no crypto/ecdh curve
//     for curveToECDH), and so does the default case of GenerateKey,
//     SignASN1 and VerifyASN1, which took any other curve to Go's math/big
//     code (ecdsa_legacy.go and crypto/elliptic's CurveParams arithmetic);
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
// paths crypto/x509 and crypto/ecdsa take.
//
// 2. No system roots (crypto/x509/root_unix.go, editSystemRoots): about 9 KB.
//
// 3. net's /etc/protocols reader is not linked by net's initialiser
// (net/lookup_unix.go, editProtocols).
//
// 4. No GODEBUG bisect matcher (internal/godebug/godebug.go,
// editGodebugBisect).
//
// 5. No FIPS 140-3 self-tests (crypto/internal/fips140/cast.go,
// editSelfTests): the mode cannot be on in js/wasm.

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
	{"crypto/x509/root_unix.go", editSystemRoots},
	{"net/lookup_unix.go", editProtocols},
	{"internal/godebug/godebug.go", editGodebugBisect},
	{"crypto/internal/fips140/cast.go", editSelfTests},
}

// coreFiles are our files that the edited copies call, added to Go's
// packages (each `//go:build core`).
var coreFiles = map[string]string{
	"crypto/ecdsa/tlsplay_core.go":    "_core/ecdsa.go",
	"crypto/ecdh/tlsplay_core.go":     "_core/ecdh.go",
	"crypto/elliptic/tlsplay_core.go": "_core/elliptic.go",
	"crypto/x509/tlsplay_core.go":     "_core/x509.go",
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
	// Any other curve (a custom elliptic.Curve) went to Go's generic
	// math/big code (ecdsa_legacy.go, with crypto/elliptic's CurveParams
	// arithmetic): the core has none either.
	for _, e := range [][2]string{
		{"\tdefault:\n\t\treturn generateLegacy(c, r)\n", "\tdefault:\n\t\treturn nil, errCurveNotInCore(c.Params().Name)\n"},
		{"\tdefault:\n\t\treturn signLegacy(priv, r, hash)\n", "\tdefault:\n\t\treturn nil, errCurveNotInCore(priv.Curve.Params().Name)\n"},
		{"\tdefault:\n\t\treturn verifyLegacy(pub, hash, sig)\n", "\tdefault:\n\t\treturn false\n"},
	} {
		if bytes.Count(out, []byte(e[0])) != 1 {
			return nil, fmt.Errorf("no single %q", e[0])
		}
		out = bytes.Replace(out, []byte(e[0]), []byte(e[1]), 1)
	}
	return out, mustNotMention(out, `ecdsa\.P(224|384|521)\(\)|nistec\.NewP(224|384|521)Point|Legacy\(`)
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
// values, whose parameters are set when first asked for (omittedCurve.Params
// calls initP384Params, Go's initP384), not by initAll with P-256's: parsing
// their decimal constants took a few milliseconds of the first setup, and
// only a P-224 comparison in crypto/ecdsa's switches ever asks.
func editElliptic(src []byte) ([]byte, error) {
	out := src
	for _, c := range []string{"224", "384", "521"} {
		for _, e := range [][2]string{
			{"var p" + c + " = &nistCurve[*nistec.P" + c + "Point]{\n\tnewPoint: nistec.NewP" + c + "Point,\n}\n",
				"var p" + c + " = &omittedCurve{}\n"},
			{"func initP" + c + "() {\n",
				"func initP" + c + "() {} // the core: when first asked for (omittedCurve.Params)\n\nfunc initP" + c + "Params() {\n"},
		} {
			if bytes.Count(out, []byte(e[0])) != 1 {
				return nil, fmt.Errorf("no single %q", e[0])
			}
			out = bytes.Replace(out, []byte(e[0]), []byte(e[1]), 1)
		}
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

// goBuild is a file's build constraint line.
var goBuild = regexp.MustCompile(`(?m)^//go:build (.*)$`)

// constrained adds a build constraint to a Go file and says where the file
// comes from: at the top (before its copyright: line comments may precede a
// constraint), or joined to the file's own constraint (`//go:build (X) &&
// expr`).
func constrained(expr, why string, src []byte) []byte {
	if m := goBuild.FindSubmatchIndex(src); m != nil && m[0] < bytes.Index(src, []byte("\npackage ")) {
		out := append([]byte{}, src[:m[0]]...)
		out = append(out, "//go:build ("+string(src[m[2]:m[3]])+") && "+expr+"\n\n// "+why...)
		return append(out, src[m[1]:]...)
	}
	return append([]byte("//go:build "+expr+"\n\n// "+why+"\n\n"), src...)
}

// loadSystemRoots is the function of crypto/x509 (root_unix.go, which
// js/wasm builds) that reads the system's certificates from files.
var loadSystemRoots = regexp.MustCompile(`(?ms)^func loadSystemRoots\(\) \(\*CertPool, error\) \{\n.*?^\}\n`)

// editSystemRoots: the core's crypto/x509 reads no system roots. In a
// browser there are none to read (wasm_exec.js has no file system: every
// open fails, and Verify without Roots fails with x509.SystemRootsError, as
// it does here); the engine always verifies against its own roots. Reading
// files linked the os package's file and directory code into the core.
func editSystemRoots(src []byte) ([]byte, error) {
	if len(loadSystemRoots.FindAllIndex(src, -1)) != 1 {
		return nil, fmt.Errorf("no single loadSystemRoots")
	}
	return loadSystemRoots.ReplaceAll(src, []byte("func loadSystemRoots() (*CertPool, error) {\n\treturn nil, errNoSystemRoots\n}\n")), nil
}

// editProtocols: net's reader of /etc/protocols (lookup_unix.go, which
// js/wasm builds) is a function, not a package-level sync.OnceFunc: Go's
// variable is initialised as the package starts, which linked the reader
// (and with it os.Open and the file system calls) into every program that
// imports net, as crypto/x509 does; the core never looks a protocol up.
// The same once-only reading, called the same way.
func editProtocols(src []byte) ([]byte, error) {
	for _, e := range [][2]string{
		{"var readProtocolsOnce = sync.OnceFunc(func() {\n",
			"var readProtocolsDone sync.Once\n\nfunc readProtocolsOnce() { readProtocolsDone.Do(readProtocols) }\n\nfunc readProtocols() {\n"},
		{"\n})\n\n// lookupProtocol looks up", "\n}\n\n// lookupProtocol looks up"},
	} {
		if bytes.Count(src, []byte(e[0])) != 1 {
			return nil, fmt.Errorf("no single %q", e[0])
		}
		src = bytes.Replace(src, []byte(e[0]), []byte(e[1]), 1)
	}
	return src, nil
}

// editGodebugBisect: in the core a GODEBUG setting's "#pattern" suffix
// (for golang.org/x/tools/cmd/bisect, which finds the call that a setting
// changes) is dropped and the setting applies everywhere: nobody bisects
// Go's runtime from a web page, and the matcher (internal/bisect) came
// with every package that reads a GODEBUG setting (crypto/x509, net).
func editGodebugBisect(src []byte) ([]byte, error) {
	for _, e := range [][2]string{
		{"\tif v.bisect != nil && !v.bisect.Stack(&stderr) {\n\t\treturn \"\"\n\t}\n", ""},
		{"\t\t\t\t\t\t\tv.bisect, _ = bisect.New(arg[j+1:])\n", "\t\t\t\t\t\t\t_ = bisect.New // the core: no bisect matcher (scripts/wasm-overlay)\n"},
	} {
		if bytes.Count(src, []byte(e[0])) != 1 {
			return nil, fmt.Errorf("no single %q", e[0])
		}
		src = bytes.Replace(src, []byte(e[0]), []byte(e[1]), 1)
	}
	return src, nil
}

// selfTest is fips140.CAST or fips140.PCT, whole.
var selfTest = regexp.MustCompile(`(?ms)^func (CAST|PCT)\(name string, f func\(\) error\) \{\n.*?^\}\n`)

// editSelfTests: in the core, fips140.CAST and fips140.PCT (the FIPS 140-3
// self-tests, which run only when FIPS 140-3 mode is on) are empty. That
// mode cannot be on in js/wasm (crypto/internal/fips140/check's initialiser
// panics there when GODEBUG asks for it), yet every self-test's closure, its
// test vectors and what it calls were linked, since CAST decides at run
// time; an empty CAST is inlined and its closure is left out.
func editSelfTests(src []byte) ([]byte, error) {
	if n := len(selfTest.FindAllIndex(src, -1)); n != 2 {
		return nil, fmt.Errorf("%d of CAST and PCT found, want 2", n)
	}
	out := selfTest.ReplaceAllFunc(src, func(m []byte) []byte {
		name := selfTest.FindSubmatch(m)[1]
		return []byte("func " + string(name) + "(name string, f func() error) {} // the core: FIPS 140-3 mode is never on in js/wasm\n")
	})
	return append(out, "\n// Go's CAST and PCT used these (scripts/wasm-overlay, core.go).\nvar _, _ = errors.New, strings.ContainsAny\n"...), nil
}
