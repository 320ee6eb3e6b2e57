package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSetupGivenKeys: a setup given the keys of an earlier one (kept by the
// page) signs new certificates for the same keys and generates none.
func TestSetupGivenKeys(t *testing.T) {
	a := &API{}
	out, err := a.Setup(`{}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var first SetupResponse
	if err := json.Unmarshal([]byte(out), &first); err != nil {
		t.Fatal(err)
	}
	if first.CAKeyGiven || first.KeyGiven || !strings.Contains(first.CAKeyPEM, "BEGIN PRIVATE KEY") || len(first.ServerKey.Fingerprint) != 64 {
		t.Fatalf("a generated setup: given %v %v, caKeyPem %.30q, fingerprint %q", first.CAKeyGiven, first.KeyGiven, first.CAKeyPEM, first.ServerKey.Fingerprint)
	}
	arg, _ := json.Marshal(SetupRequest{CAKeyPEM: first.CAKeyPEM, KeyPEM: first.ServerKey.PEM})
	var stages []string
	out, err = a.Setup(string(arg), func(s string) { stages = append(stages, s) })
	if err != nil {
		t.Fatal(err)
	}
	var again SetupResponse
	if err := json.Unmarshal([]byte(out), &again); err != nil {
		t.Fatal(err)
	}
	for _, s := range stages {
		if strings.HasSuffix(s, "-key") {
			t.Errorf("setup with given keys reported stage %q: it generated a key", s)
		}
	}
	if !again.CAKeyGiven || !again.KeyGiven || again.ServerKey.Fingerprint != first.ServerKey.Fingerprint ||
		again.ServerKey.ModulusHex != first.ServerKey.ModulusHex || again.CAKeyPEM != first.CAKeyPEM {
		t.Fatalf("setup with given keys did not use them: %+v", again.ServerKey)
	}
	if again.Leaf.PEM == first.Leaf.PEM {
		t.Error("setup with given keys returned the old certificate: it signs a new one")
	}
	if out, err := a.NewSession(`{"mode":"classic"}`); err != nil || strings.Contains(out, `"error":{`) {
		t.Fatalf("a session with the given keys: %v", err)
	}

	// Only the root's key given: the server key is generated (the RSA size switch).
	arg, _ = json.Marshal(SetupRequest{CAKeyPEM: first.CAKeyPEM, KeyType: "ecdsa"})
	out, err = a.Setup(string(arg), nil)
	if err != nil || !strings.Contains(out, `"caKeyGiven":true,"keyGiven":false`) {
		t.Fatalf("setup with the root's key only: %v %.80s", err, out)
	}
}

// TestSetupGivenKeysRefused: the argument checks of the given keys.
func TestSetupGivenKeysRefused(t *testing.T) {
	a := &API{}
	out, err := a.Setup(`{"keyType":"ecdsa"}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ec SetupResponse
	json.Unmarshal([]byte(out), &ec)
	for _, c := range []struct {
		req  SetupRequest
		want string
	}{
		{SetupRequest{CAKeyPEM: "not a key"}, "setup: caKeyPem: the root's key: no PEM private key in it"},
		{SetupRequest{KeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, "setup: keyPem: the server's key: the private key does not parse"},
		{SetupRequest{CAKeyPEM: ec.ServerKey.PEM}, "setup: caKeyPem: the root's key must be RSA"},
		{SetupRequest{KeyPEM: ec.ServerKey.PEM, KeyType: "rsa"}, `key type "rsa" was asked for but the given key is ecdsa`},
		{SetupRequest{KeyPEM: ec.ServerKey.PEM, KeyBits: 2048}, "key size 2048 applies to RSA keys only"},
		{SetupRequest{CAKeyPEM: strings.Repeat("A", 1<<20+1)}, "setup: caKeyPem"},
	} {
		arg, _ := json.Marshal(c.req)
		if _, err := a.Setup(string(arg), nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("setup(%.60s) = %v, want an error with %q", arg, err, c.want)
		}
	}
}

// TestGenerateKey: a key made ahead leaves the setup and the session alone.
func TestGenerateKey(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.NewSession(`{"mode":"tls13"}`); err != nil {
		t.Fatal(err)
	}
	out, err := a.GenerateKey(`{"bits":2048}`)
	if err != nil {
		t.Fatal(err)
	}
	var g GenerateKeyResponse
	if err := json.Unmarshal([]byte(out), &g); err != nil || g.Bits != 2048 || !strings.HasPrefix(g.PEM, "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("generateKey: %v %.60s", err, out)
	}
	if _, err := a.Send(`{"from":"client","text":"still here"}`); err != nil {
		t.Fatalf("the session after generateKey: %v", err)
	}
	arg, _ := json.Marshal(SetupRequest{KeyPEM: g.PEM})
	if out, err := a.Setup(string(arg), nil); err != nil || !strings.Contains(out, `"keyBits":2048`) {
		t.Fatalf("setup with the generated key: %v", err)
	}
	for arg, want := range map[string]string{
		`{"bits":1024}`:  "generateKey: bits 1024 is not offered",
		`{"bitz":2048}`:  `unknown field "bitz"`,
		`[2048]`:         "must be a JSON object",
		`{"bits":"big"}`: "generateKey: bad argument",
	} {
		if _, err := a.GenerateKey(arg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("generateKey(%s) = %v, want %q", arg, err, want)
		}
	}
}
