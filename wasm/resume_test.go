//go:build !core

package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestResumeAPI: resume with 0-RTT, a replay without anti-replay accepted
// again, and Eve with the ticket key reading the psk_ke connection.
func TestResumeAPI(t *testing.T) {
	a := &API{}
	if _, err := a.ReplayEarlyData(""); err == nil {
		t.Fatal("replayEarlyData before resume")
	}
	if _, err := a.Resume(`{}`); err == nil || !strings.Contains(err.Error(), "setup") {
		t.Fatalf("resume before setup: %v", err)
	}
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	out, err := a.Resume(`{"earlyData":"POST /pay","noAntiReplay":true,"seed":"00112233"}`)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		First, Second struct {
			Messages []struct{ Name string } `json:"messages"`
		}
		Resumption struct {
			Resumed   bool   `json:"resumed"`
			Mode      string `json:"mode"`
			EarlyData struct {
				Accepted        bool `json:"accepted"`
				ReplaysAccepted int  `json:"replaysAccepted"`
			} `json:"earlyData"`
			Skipped []string `json:"skipped"`
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || !r.Resumption.Resumed || r.Resumption.Mode != "psk_dhe_ke" || !r.Resumption.EarlyData.Accepted || len(r.Resumption.Skipped) != 2 {
		t.Fatalf("resume: %v %s", err, out[:min(len(out), 400)])
	}
	out, err = a.ReplayEarlyData("")
	if err != nil || !strings.Contains(out, `"accepted":true`) || !strings.Contains(out, `"replaysAccepted":1`) {
		t.Fatalf("replay: %v %.300s", err, out)
	}
	if _, err := a.Resume(`{"pskOnly":true}`); err != nil {
		t.Fatal(err)
	}
	out, err = a.EveTicketKey("")
	if err != nil || !strings.Contains(out, "GET /account") {
		t.Fatalf("eveTicketKey: %v %.300s", err, out)
	}
	// TLS 1.2 (resume12.go): the abbreviated handshake, and Eve decrypts both.
	out, err = a.Resume(`{"mode":"ecdhe"}`)
	if err != nil || !strings.Contains(out, `"resumed":true`) || !strings.Contains(out, `"mode":"tls12-ticket"`) {
		t.Fatalf("resume ecdhe: %v %.300s", err, out)
	}
	if _, err := a.ReplayEarlyData(""); err == nil {
		t.Fatal("replayEarlyData on TLS 1.2")
	}
	out, err = a.EveTicketKey("")
	if err != nil || !strings.Contains(out, "GET / HTTP/1.1 (first connection)") || !strings.Contains(out, "GET /account") {
		t.Fatalf("eveTicketKey ecdhe: %v %.400s", err, out)
	}
	if _, err := a.Resume(`{"earlyData":"` + strings.Repeat("x", 20000) + `"}`); err == nil {
		t.Fatal("early data over max_early_data_size accepted")
	}
}
