//go:build !core

package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"tlsplayground/playground/eve"
	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/session"
)

// TestEveTokenKey: after a session with the in-page server over HTTP, Eve
// decrypts it with the page's token key and a recorded token; with
// another key she does not; the export says forward secrecy does not hold.
func TestEveTokenKey(t *testing.T) {
	a, id := withIdentity(t)
	ident, err := httpserver.IdentityFromPEM([]byte(id.CertPEM), []byte(id.KeyPEM), id.TokenKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpserver.New(ident, httpserver.Options{}))
	defer srv.Close()
	if _, err := a.EveTokenKey(`{}`); err == nil || !strings.Contains(err.Error(), "no session over HTTP") {
		t.Fatalf("before a session: %v", err)
	}
	hc := &httpserver.Client{BaseURL: srv.URL, Mode: "ecdhe"}
	arg, _ := json.Marshal(RemoteStartRequest{Mode: "ecdhe", ServerName: ident.ServerName, TrustPEM: id.TrustPEM})
	out, err := a.RemoteStart(string(arg))
	if err != nil {
		t.Fatal(err)
	}
	var res RemoteResult
	for i := 0; i < 6; i++ {
		json.Unmarshal([]byte(out), &res)
		if res.Flight == "" {
			break
		}
		flight, _ := base64.StdEncoding.DecodeString(res.Flight)
		body, err := hc.Post(context.Background(), flight)
		if err != nil {
			t.Fatal(err)
		}
		a.remoteToken = hc.Token() // what remoteDeliver's token field records
		d, _ := json.Marshal(map[string]string{"records": base64.StdEncoding.EncodeToString(body)})
		if out, err = a.RemoteDeliver(string(d)); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if out, err = a.RemoteSend(`{"text":"a secret"}`); err != nil {
				t.Fatal(err)
			}
		}
	}
	if res.Session.ForwardSecrecy || res.Session.ForwardSecrecyReason != session.FSTokenKey {
		t.Fatalf("export over HTTP: forward secrecy %v (%s)", res.Session.ForwardSecrecy, res.Session.ForwardSecrecyReason)
	}
	out, err = a.EveTokenKey(`{}`)
	var r eve.Result
	if err != nil || json.Unmarshal([]byte(out), &r) != nil || !r.OK || r.Leaked != eve.LeakedTokenKey || !strings.Contains(out, "a secret") {
		t.Fatalf("with the page's token key: %v %s", err, r.Verdict)
	}
	out, err = a.EveTokenKey(`{"tokenKey":"` + strings.Repeat("00", 32) + `"}`)
	if err != nil || json.Unmarshal([]byte(out), &r) != nil || r.OK || strings.Contains(out, "a secret") {
		t.Fatalf("with another key: %v %s", err, r.Verdict)
	}
	if _, err := a.EveTokenKey(`{"tokenKey":"abc"}`); err == nil || !strings.Contains(err.Error(), "64 hex") {
		t.Fatalf("short key: %v", err)
	}
}

// TestSuiteOrderRequest: newSession's suiteOrder reaches the server.
func TestSuiteOrderRequest(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa","seed":"01"}`, nil); err != nil {
		t.Fatal(err)
	}
	client := `"clientSuites":["TLS_CHACHA20_POLY1305_SHA256","TLS_AES_256_GCM_SHA384"]`
	for order, want := range map[string]string{"": "TLS_AES_256_GCM_SHA384", "server": "TLS_AES_256_GCM_SHA384", "client": "TLS_CHACHA20_POLY1305_SHA256"} {
		out, err := a.NewSession(`{"mode":"tls13",` + client + `,"suiteOrder":"` + order + `"}`)
		var e session.Export
		if err != nil || json.Unmarshal([]byte(out), &e) != nil || e.Suite != want {
			t.Fatalf("suiteOrder %q: %v, suite %s, want %s", order, err, e.Suite, want)
		}
	}
	if _, err := a.NewSession(`{"mode":"tls13","suiteOrder":"strongest"}`); err == nil || !strings.Contains(err.Error(), "suite order") {
		t.Fatalf("bad order: %v", err)
	}
}
