package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"tlsplayground/playground/jsonenc/jsonenctest"
)

// TestSetupJSON: setup's result is what encoding/json writes for it, on
// real setups (generated keys, given ones, each key type) and on results
// with every field filled by reflection (a field added to SetupResponse,
// CertOut, KeyOut or pki.CertInfo and forgotten in its AppendJSON fails).
func TestSetupJSON(t *testing.T) {
	a := &API{}
	rsa, err := a.Setup(`{"seed":"01"}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var first SetupResponse
	if err := json.Unmarshal([]byte(rsa), &first); err != nil {
		t.Fatal(err)
	}
	given, _ := json.Marshal(SetupRequest{CAKeyPEM: first.CAKeyPEM, KeyPEM: first.ServerKey.PEM, Own: true})
	for _, arg := range []string{`{"seed":"01"}`, `{"keyType":"ecdsa"}`, `{"keyType":"ed25519","serverName":"x-y.test"}`, string(given)} {
		out, err := a.Setup(arg, nil)
		if err != nil {
			t.Fatalf("setup(%.60s): %v", arg, err)
		}
		// Read back and written again by encoding/json: the same bytes.
		var r SetupResponse
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		if out != string(want) {
			t.Errorf("setup(%.60s) wrote\n%.300s\nencoding/json writes\n%.300s", arg, out, want)
		}
		jsonenctest.Same(t, "setup "+arg, &r)
	}
	for round := range 100 {
		var r SetupResponse
		jsonenctest.NewFiller(t, round, nil).Fill(&r, "SetupResponse")
		jsonenctest.Same(t, fmt.Sprintf("round %d", round), &r)
	}
}
