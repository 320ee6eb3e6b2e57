package main

import (
	"encoding/json"
	"strings"
	"testing"

	"tlsplayground/playground/session"
)

// TestAPI drives the bridge the way the page does, natively.
func TestAPI(t *testing.T) {
	a := &API{}
	if _, err := a.NewSession(`{}`); err == nil || !strings.Contains(err.Error(), "setup first") {
		t.Fatalf("newSession before setup: %v", err)
	}
	var stages []string
	out, err := a.Setup(`{"keyBits":2048,"seed":"00"}`, func(s string) { stages = append(stages, s) })
	if err != nil {
		t.Fatal(err)
	}
	var su SetupResponse
	if err := json.Unmarshal([]byte(out), &su); err != nil || su.KeyBits != 2048 || !strings.Contains(su.Leaf.PEM, "BEGIN CERTIFICATE") || len(stages) == 0 {
		t.Fatalf("setup: %v %+v stages %v", err, su.KeyBits, stages)
	}
	out, err = a.NewSession(`{"seed":"0102","ems":false}`)
	if err != nil {
		t.Fatal(err)
	}
	var e session.Export
	if err := json.Unmarshal([]byte(out), &e); err != nil || e.EMS || e.Error != nil || e.Seed != "0102" {
		t.Fatalf("newSession: %v ems=%v err=%+v seed=%s", err, e.EMS, e.Error, e.Seed)
	}
	out, err = a.Send(`{"from":"server","text":"hi"}`)
	if err != nil || !strings.Contains(out, `"decrypted":"hi"`) {
		t.Fatalf("send: %v %s", err, out)
	}
	if _, err := a.KeyUpdate(`{"from":"client"}`); err == nil || !strings.Contains(err.Error(), "TLS 1.3") {
		t.Fatalf("keyUpdate in classic: %v", err)
	}
	if out, err = a.Close(""); err != nil || !strings.Contains(out, `"closed":true`) {
		t.Fatalf("close: %v", err)
	}
}

func TestAPIBadInput(t *testing.T) {
	a := &API{}
	for _, c := range []struct{ arg, want string }{
		{`{"keyBits":1000}`, "1000"},
		{`{"keyBits":"big"}`, "bad argument"},
		{`{"bits":2048}`, "unknown field"},
		{`not json`, "the argument must be a JSON object"},
		{`{"seed":"xyz"}`, "not hex"},
	} {
		if _, err := a.Setup(c.arg, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("setup(%s) = %v, want an error with %q", c.arg, err, c.want)
		}
	}
	if _, err := a.Setup(`{}`, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.NewSession(`{"clientSuites":["TLS_FAKE"]}`); err == nil || !strings.Contains(err.Error(), "TLS_FAKE") {
		t.Errorf("unknown suite: %v", err)
	}
	if _, err := a.Send(`{"from":"client","text":"x"}`); err == nil {
		t.Error("send without a session succeeded")
	}
}

func TestAPITLS13(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	out, err := a.NewSession(`{"mode":"tls13","group":"x25519","serverGroups":["secp256r1"]}`)
	if err != nil {
		t.Fatal(err)
	}
	var e session.Export
	if err := json.Unmarshal([]byte(out), &e); err != nil || e.Version != "TLS 1.3" || !e.HelloRetry || e.SignatureScheme != "ecdsa_secp256r1_sha256" || e.Error != nil {
		t.Fatalf("tls13: %v %+v", err, e.Error)
	}
	if out, err = a.KeyUpdate(`{"from":"server"}`); err != nil || !strings.Contains(out, "KeyUpdate") {
		t.Fatalf("keyUpdate: %v", err)
	}
	if out, err = a.Send(`{"from":"client","text":"after update"}`); err != nil || !strings.Contains(out, `"decrypted":"after update"`) {
		t.Fatalf("send: %v", err)
	}
	if _, err := a.NewSession(`{"mode":"classic"}`); err == nil || !strings.Contains(err.Error(), "RSA") {
		t.Fatalf("classic with an ECDSA key: %v", err)
	}
}

// TestTamper: a changed byte of the client's Finished record (the 7th
// record of a classic handshake) fails with bad_record_mac; the same seed
// without the change succeeds.
func TestTamper(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{}`, nil); err != nil {
		t.Fatal(err)
	}
	out, err := a.NewSession(`{"seed":"01","tamper":[{"record":7,"offset":20}]}`)
	if err != nil {
		t.Fatal(err)
	}
	var e session.Export
	json.Unmarshal([]byte(out), &e)
	if e.Error == nil || e.Error.Alert != "bad_record_mac" || e.Messages[7].Name != "Finished" {
		t.Fatalf("tampered: %+v, record 7 is %s", e.Error, e.Messages[7].Name)
	}
	if _, err := a.NewSession(`{"tamper":[{"record":-1,"offset":0}]}`); err == nil {
		t.Fatal("negative record accepted")
	}
}
