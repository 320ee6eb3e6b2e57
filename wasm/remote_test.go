package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"tlsplayground/playground/httpserver"
)

// TestRemoteAPI drives the remote API the way the page's worker does,
// against the handler built from serverIdentity.
func TestRemoteAPI(t *testing.T) {
	a, id := withIdentity(t)
	ident, err := httpserver.IdentityFromPEM([]byte(id.CertPEM), []byte(id.KeyPEM), id.TokenKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpserver.New(ident, httpserver.Options{}))
	defer srv.Close()
	hc := &httpserver.Client{BaseURL: srv.URL, Mode: "tls13", Trace: true}

	arg, _ := json.Marshal(RemoteStartRequest{Mode: "tls13", ServerName: ident.ServerName, TrustPEM: id.TrustPEM})
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
		n := len(hc.ServerEvents)
		body, err := hc.Post(context.Background(), flight)
		if err != nil {
			t.Fatal(err)
		}
		evs, _ := json.Marshal(hc.ServerEvents[n:])
		d, _ := json.Marshal(map[string]string{"records": base64.StdEncoding.EncodeToString(body), "trace": base64.RawURLEncoding.EncodeToString(evs)})
		if out, err = a.RemoteDeliver(string(d)); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if out, err = a.RemoteSend(`{"text":"hi"}`); err != nil {
				t.Fatal(err)
			}
		}
	}
	if res.Session.Error != nil || !strings.Contains(res.Received, "server received 2 bytes: hi") {
		t.Fatalf("received %q, error %+v", res.Received, res.Session.Error)
	}
	if _, err := a.RemoteDeliver(`{"records":"***"}`); err == nil {
		t.Fatal("bad base64 accepted")
	}
}

// withIdentity is an API after setup (an ECDSA key) with the in-page
// server's identity.
func withIdentity(t *testing.T) (*API, ServerIdentity) {
	t.Helper()
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	out, err := a.ServerIdentity("")
	if err != nil {
		t.Fatal(err)
	}
	var id ServerIdentity
	if err := json.Unmarshal([]byte(out), &id); err != nil {
		t.Fatal(err)
	}
	return a, id
}
