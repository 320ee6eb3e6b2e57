//go:build !core

package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
)

// TestHandshakeResume: --resume runs a second connection resuming the first
// (RFC 8446 §2.2, RFC 5077 §3.1) and prints both, with what the second skipped.
func TestHandshakeResume(t *testing.T) {
	type out struct {
		First      session.Export     `json:"first"`
		Second     session.Export     `json:"second"`
		Resumption session.Resumption `json:"resumption"`
	}
	for _, c := range []struct {
		args              []string
		mode, skipped     string
		earlyDataAccepted bool
	}{
		{[]string{"--mode", "tls13", "--key", pki.KeyECDSA, "--early-data", "GET /"}, "psk_dhe_ke", "Certificate", true},
		{[]string{"--mode", "tls13", "--key", pki.KeyECDSA, "--psk-only"}, "psk_ke", "Certificate", false},
		{[]string{"--mode", "ecdhe", "--key", pki.KeyECDSA}, "tls12-ticket", "ServerKeyExchange", false},
		{[]string{"--mode", "classic"}, "tls12-ticket", "ClientKeyExchange", false},
	} {
		code, stdout, errs := testCLI(t, append([]string{"handshake", "--resume", "--json"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", c.args, code, errs)
		}
		var o out
		if err := json.Unmarshal([]byte(stdout), &o); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		r := o.Resumption
		if r.Mode != c.mode || !slices.Contains(r.Skipped, c.skipped) || r.EarlyData.Accepted != c.earlyDataAccepted {
			t.Errorf("%v: mode %q skipped %v early data %+v", c.args, r.Mode, r.Skipped, r.EarlyData)
		}
		if o.Second.Error != nil || o.First.Error != nil || o.Second.RoundTrips >= o.First.RoundTrips && c.mode != "psk_dhe_ke" && c.mode != "psk_ke" {
			t.Errorf("%v: first %d round trips, second %d, errors %v %v", c.args, o.First.RoundTrips, o.Second.RoundTrips, o.First.Error, o.Second.Error)
		}
		if code, text, _ := testCLI(t, append([]string{"handshake", "--resume"}, c.args...)...); code != 0 || !strings.Contains(text, "══ The resumed connection ("+c.mode+")") {
			t.Errorf("%v: the text output has no resumed connection (exit %d)", c.args, code)
		}
	}
	for _, bad := range [][]string{{"--psk-only"}, {"--mode", "ecdhe", "--resume", "--early-data", "x"}} {
		if code, _, errs := testCLI(t, append([]string{"handshake"}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, stderr %q, want a usage error", bad, code, errs)
		}
	}
}
