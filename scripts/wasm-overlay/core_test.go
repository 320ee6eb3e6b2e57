//go:build core

package main

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"
)

// The core's cuts (core.go), with the overlay and -tags core, as the
// core engine is built. TestOverlay runs these natively with -tags
// core,purego; in wasm:
//
//	flag="$(go run ./scripts/wasm-overlay -dir /tmp/ov)"
//	GOOS=js GOARCH=wasm go test "$flag" -tags core -exec="$PWD/scripts/go_js_wasm_exec" ./scripts/wasm-overlay

// omittedInCore is what every refusal says.
const omittedInCore = "is not in the playground's core engine"

func overlaid(t *testing.T) {
	t.Helper()
	if got := fmt.Sprintf("%T", elliptic.P384()); got != "*elliptic.omittedCurve" {
		t.Fatalf("elliptic.P384() is a %s: built -tags core without scripts/wasm-overlay (its core.go)", got)
	}
}

// TestCoreRefusesOmittedCurves: certificates and keys on P-224, P-384 and
// P-521 (testdata/omitted-curves.pem, made by OpenSSL) fail to parse, and
// say why and where those curves are.
func TestCoreRefusesOmittedCurves(t *testing.T) {
	overlaid(t)
	data, err := os.ReadFile("testdata/omitted-curves.pem")
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		blocks++
		switch b.Type {
		case "CERTIFICATE":
			_, err = x509.ParseCertificate(b.Bytes)
		case "PRIVATE KEY":
			_, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			_, err = x509.ParseECPrivateKey(b.Bytes)
		default:
			t.Fatalf("block %d: %s", blocks, b.Type)
		}
		if err == nil || !strings.Contains(err.Error(), omittedInCore) || !strings.Contains(err.Error(), "the lab engine") {
			t.Errorf("block %d (%s): error %v, want one that says the curve %s and where it is", blocks, b.Type, err, omittedInCore)
		}
	}
	if blocks != 9 {
		t.Fatalf("%d PEM blocks read, want 9 (three curves: a certificate, PKCS #8, SEC 1)", blocks)
	}
}

// TestCoreOmittedCurvesOperations: what crypto/ecdsa, crypto/ecdh and
// crypto/elliptic do on those curves in the core: errors, false, nil; their
// parameters stay (name, size, order).
func TestCoreOmittedCurvesOperations(t *testing.T) {
	overlaid(t)
	for _, tc := range []struct {
		curve elliptic.Curve
		name  string
		bits  int
	}{{elliptic.P224(), "P-224", 224}, {elliptic.P384(), "P-384", 384}, {elliptic.P521(), "P-521", 521}} {
		p := tc.curve.Params()
		if p.Name != tc.name || p.BitSize != tc.bits || p.N.BitLen() != tc.bits || p.Gx.Sign() == 0 {
			t.Errorf("%s: params %s, %d bits, N of %d bits", tc.name, p.Name, p.BitSize, p.N.BitLen())
		}
		if _, err := ecdsa.GenerateKey(tc.curve, rand.Reader); err == nil || !strings.Contains(err.Error(), tc.name+" "+omittedInCore) {
			t.Errorf("%s: GenerateKey: %v", tc.name, err)
		}
		// A key made by hand on the curve (no arithmetic needed to build one).
		priv := &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: tc.curve, X: p.Gx, Y: p.Gy}, D: big.NewInt(1)}
		digest := sha256.Sum256([]byte("m"))
		if _, err := ecdsa.SignASN1(rand.Reader, priv, digest[:]); err == nil || !strings.Contains(err.Error(), omittedInCore) {
			t.Errorf("%s: SignASN1: %v", tc.name, err)
		}
		if _, err := priv.Sign(nil, digest[:], crypto.SHA256); err == nil || !strings.Contains(err.Error(), omittedInCore) { // RFC 6979
			t.Errorf("%s: Sign (deterministic): %v", tc.name, err)
		}
		if ecdsa.VerifyASN1(&priv.PublicKey, digest[:], []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}) {
			t.Errorf("%s: VerifyASN1 accepted a signature", tc.name)
		}
		if _, err := priv.Bytes(); err == nil || !strings.Contains(err.Error(), omittedInCore) {
			t.Errorf("%s: PrivateKey.Bytes: %v", tc.name, err)
		}
		if _, err := priv.PublicKey.Bytes(); err == nil || !strings.Contains(err.Error(), omittedInCore) {
			t.Errorf("%s: PublicKey.Bytes: %v", tc.name, err)
		}
		if _, err := priv.ECDH(); err == nil {
			t.Errorf("%s: PrivateKey.ECDH: no error", tc.name)
		}
		if x, _ := elliptic.Unmarshal(tc.curve, append([]byte{4}, make([]byte, 2*((tc.bits+7)/8))...)); x != nil {
			t.Errorf("%s: Unmarshal gave a point", tc.name)
		}
	}
	// Any other curve (Go's math/big code for it, ecdsa_legacy.go, is not in
	// the core either): P-256's parameters under another name.
	custom := *elliptic.P256().Params()
	custom.Name = "custom-256"
	if _, err := ecdsa.GenerateKey(&custom, rand.Reader); err == nil || !strings.Contains(err.Error(), "custom-256 "+omittedInCore) {
		t.Errorf("a custom curve: GenerateKey: %v", err)
	}
	priv := &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: &custom, X: custom.Gx, Y: custom.Gy}, D: big.NewInt(1)}
	digest := sha256.Sum256([]byte("m"))
	if _, err := ecdsa.SignASN1(rand.Reader, priv, digest[:]); err == nil || !strings.Contains(err.Error(), omittedInCore) {
		t.Errorf("a custom curve: SignASN1: %v", err)
	}
	if ecdsa.VerifyASN1(&priv.PublicKey, digest[:], []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}) {
		t.Errorf("a custom curve: VerifyASN1 accepted a signature")
	}
	for _, c := range []ecdh.Curve{ecdh.P384(), ecdh.P521()} {
		if _, err := c.GenerateKey(rand.Reader); err == nil || !strings.Contains(err.Error(), omittedInCore) {
			t.Errorf("ecdh %v: GenerateKey: %v", c, err)
		}
		if _, err := c.NewPublicKey([]byte{4, 1, 2}); err == nil || !strings.Contains(err.Error(), omittedInCore) {
			t.Errorf("ecdh %v: NewPublicKey: %v", c, err)
		}
	}
}

// TestCoreP256 is the control: in the same build, P-256 keys, signatures,
// certificates (made and parsed by crypto/x509), PKCS #8 and ECDH work.
func TestCoreP256(t *testing.T) {
	overlaid(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "p256.example"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.CheckSignatureFrom(cert); err != nil {
		t.Fatalf("the self-signed P-256 certificate does not verify: %v", err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	back, err := x509.ParsePKCS8PrivateKey(p8)
	if err != nil || !back.(*ecdsa.PrivateKey).Equal(key) {
		t.Fatalf("PKCS #8 round trip: %v", err)
	}
	a, err := key.ECDH()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s1, err1 := a.ECDH(b.PublicKey())
	s2, err2 := b.ECDH(a.PublicKey())
	if err1 != nil || err2 != nil || string(s1) != string(s2) {
		t.Fatalf("P-256 ECDH: %v, %v, equal %v", err1, err2, string(s1) == string(s2))
	}
}

// TestCoreNoSystemRoots: the core reads no system roots (there are none in
// a browser): SystemCertPool and Verify without Roots fail and say so;
// Verify with Roots (what the engine does) is unchanged (TestCoreP256).
func TestCoreNoSystemRoots(t *testing.T) {
	overlaid(t)
	if pool, err := x509.SystemCertPool(); pool != nil || err == nil || !strings.Contains(err.Error(), "reads no system roots") {
		t.Fatalf("SystemCertPool: %v, %v", pool, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "roots.example"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	var rootsErr x509.SystemRootsError
	if _, err := cert.Verify(x509.VerifyOptions{}); !errors.As(err, &rootsErr) || !strings.Contains(err.Error(), "reads no system roots") {
		t.Fatalf("Verify without Roots: %v", err)
	}
}
