//go:build !core

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"tlsplayground/playground/eve"
)

// TestExposure: the current session's exposure, and a recording given as
// records, name the same server; a bad record is refused.
func TestExposure(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{}`, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.NewSession(`{"mode":"tls13"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Send(`{"from":"client","text":"GET / HTTP/1.1"}`); err != nil {
		t.Fatal(err)
	}
	out, err := a.Exposure("")
	if err != nil {
		t.Fatal(err)
	}
	var x eve.Exposure
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatal(err)
	}
	if x.Version != "TLS 1.3" || len(x.Items) == 0 || x.Items[2].ID != eve.ItemSNI || x.Items[2].Values[0] == "" {
		t.Fatalf("exposure %s", out)
	}
	var data []eve.RecordSize
	for _, r := range x.Records {
		if r.Phase == eve.PhaseData {
			data = append(data, r)
		}
	}
	if len(data) != 1 || data[0].Plaintext != len("GET / HTTP/1.1") {
		t.Fatalf("data records %+v", data)
	}
	if _, err := a.Exposure(`{"records":[{"from":"eve","hex":"16"}]}`); err == nil || !strings.Contains(err.Error(), "eve") {
		t.Fatalf("bad record: %v", err)
	}
}
