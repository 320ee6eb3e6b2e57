//go:build !core

package main

import (
	"strings"
	"testing"
)

// The lab's calls (Mallory, Eve, the downgrade): only the lab build has them.

func TestMITMAndEve(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{}`, nil); err != nil {
		t.Fatal(err)
	}
	out, err := a.MITM(`{"mode":"tls13"}`)
	if err != nil || !strings.Contains(out, "bad_certificate") {
		t.Fatalf("untrusted mallory: %v %.300s", err, out)
	}
	if _, err := a.MITM(`{"mode":"tls13","trustMallory":true,"rewrite":true}`); err != nil {
		t.Fatal(err)
	}
	out, err = a.MITMSend(`{"from":"client","text":"send 100"}`)
	if err != nil || !strings.Contains(out, `"delivered":"send 10000"`) {
		t.Fatalf("mitmSend: %v %.200s", err, out)
	}
	if _, err := a.NewSession(`{"mode":"classic"}`); err != nil {
		t.Fatal(err)
	}
	a.Send(`{"from":"client","text":"secret"}`)
	out, err = a.Eve("")
	if err != nil || !strings.Contains(out, `"ok":true`) || !strings.Contains(out, "secret") {
		t.Fatalf("eve: %v %.300s", err, out)
	}
}

func TestDowngradeAPI(t *testing.T) {
	a := &API{}
	a.Setup(`{}`, nil)
	out, err := a.Downgrade(`{"strip":true}`)
	if err != nil || !strings.Contains(out, "downgrade detected") || !strings.Contains(out, `"alert":"illegal_parameter"`) {
		t.Fatalf("%v %.300s", err, out)
	}
}
