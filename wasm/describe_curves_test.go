package main

import (
	"crypto/elliptic"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// coreWithoutCurves says whether this build is the core as build.sh makes
// it: -tags core with scripts/wasm-overlay, whose core.go leaves P-224,
// P-384 and P-521 out of crypto/ecdsa, crypto/ecdh and crypto/elliptic.
func coreWithoutCurves() bool {
	return fmt.Sprintf("%T", elliptic.P384()) == "*elliptic.omittedCurve"
}

// TestDescribeOmittedCurves: certificates on P-224, P-384 and P-521 (made
// by OpenSSL, scripts/wasm-overlay/testdata) are described by every build
// but the core built with the overlay, which refuses them and says that the
// lab engine reads them.
func TestDescribeOmittedCurves(t *testing.T) {
	data, err := os.ReadFile("../scripts/wasm-overlay/testdata/omitted-curves.pem")
	if err != nil {
		t.Fatal(err)
	}
	var certs strings.Builder
	for _, block := range strings.SplitAfter(string(data), "-----END CERTIFICATE-----\n") {
		if i := strings.Index(block, "-----BEGIN CERTIFICATE-----"); i >= 0 {
			certs.WriteString(block[i:])
		}
	}
	arg, _ := json.Marshal(map[string]string{"pem": certs.String()})
	out, err := (&API{}).DescribeCertificates(string(arg))
	if coreWithoutCurves() {
		if err == nil || !strings.Contains(err.Error(), "P-224 is not in the playground's core engine") || !strings.Contains(err.Error(), "the lab engine") {
			t.Fatalf("the core described a P-224 certificate: %.80s, %v", out, err)
		}
		t.Logf("the core says: %v", err)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var infos []struct{ PublicKey string }
	if err := json.Unmarshal([]byte(out), &infos); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, i := range infos {
		keys = append(keys, i.PublicKey)
	}
	if got := strings.Join(keys, ", "); got != "ECDSA P-224, ECDSA P-384, ECDSA P-521" {
		t.Fatalf("keys %s", got)
	}
}
