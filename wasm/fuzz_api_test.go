package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/httpserver"
)

// The JSON the engine parses comes from the page (each API call's
// argument, a JSON string) and, through remoteDeliver, from a remote
// server (its records and its trace header, base64url JSON). The page
// imports no session JSON into the engine: exportSession only writes.
// FuzzAPICalls sends arbitrary arguments to every call that takes one
// (but setup, whose RSA key generation would be the whole budget),
// FuzzRemoteDeliver arbitrary server answers to a remote client. A call
// may fail; natively no input may panic (in the page the panic would be
// recovered into an "internal error").

var fuzzNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

var (
	fuzzOnce  sync.Once
	fuzzBase  *API
	fuzzIdent ServerIdentity
	fuzzErr   error
)

// fuzzAPI returns a fresh API over one setup made per process.
func fuzzAPI(t testing.TB) *API {
	fuzzOnce.Do(func() {
		fuzzBase = &API{now: func() time.Time { return fuzzNow }}
		if _, fuzzErr = fuzzBase.Setup(`{"seed":"f0f0"}`, nil); fuzzErr != nil {
			return
		}
		var out string
		if out, fuzzErr = fuzzBase.ServerIdentity(""); fuzzErr == nil {
			fuzzErr = json.Unmarshal([]byte(out), &fuzzIdent)
		}
	})
	if fuzzErr != nil {
		t.Fatal(fuzzErr)
	}
	return &API{handle: handle{setup: fuzzBase.setup, tokenKey: fuzzBase.tokenKey}, now: fuzzBase.now}
}

// apiCall is a call that takes a JSON argument.
type apiCall struct {
	name string
	call func(a *API, arg string) (string, error)
}

// apiCalls are the calls that take a JSON argument, by number: the core's,
// then the lab's (labAPICalls: none in a core build).
var apiCalls = append([]apiCall{
	{"newSession", (*API).NewSession},
	{"send", (*API).Send},
	{"keyUpdate", (*API).KeyUpdate},
	{"remoteStart", (*API).RemoteStart},
	{"remoteDeliver", (*API).RemoteDeliver},
	{"remoteSend", (*API).RemoteSend},
}, labAPICalls...)

// FuzzAPICalls: two calls in a row (the second one sees what the first
// made: a session, Mallory, a remote client), each with an arbitrary
// argument. An error names the call it came from.
func FuzzAPICalls(f *testing.F) {
	f.Add(uint8(0), `{"mode":"tls13","seed":"01"}`, uint8(1), `{"from":"client","text":"hi"}`)
	f.Add(uint8(0), `{"mode":"ecdhe","group":"secp256r1","tamper":[{"record":3,"offset":9}]}`, uint8(2), `{"from":"server"}`)
	f.Add(uint8(0), `{"mode":"classic","ems":false,"clientSuites":["TLS_RSA_WITH_AES_128_GCM_SHA256"]}`, uint8(1), `{"from":"server","text":""}`)
	f.Add(uint8(6), `{"mode":"tls13","trustMallory":true,"rewrite":true}`, uint8(7), `{"from":"client","text":"pay 100"}`)
	f.Add(uint8(8), `{"strip":true,"seed":"02"}`, uint8(1), `{"from":"client","text":"x"}`)
	f.Add(uint8(3), `{"mode":"tls13","serverName":"playground.test","group":"X25519MLKEM768"}`, uint8(4), `{"records":"FgMDAAQOAAAA"}`)
	f.Add(uint8(9), `{"id":"expired","mode":"tls13"}`, uint8(9), `{"id":"no-common-suite"}`)
	f.Add(uint8(0), `123`, uint8(1), `null`)
	f.Fuzz(func(t *testing.T, m1 uint8, arg1 string, m2 uint8, arg2 string) {
		a := fuzzAPI(t)
		for _, c := range []struct {
			m   uint8
			arg string
		}{{m1, arg1}, {m2, arg2}} {
			call := apiCalls[int(c.m)%len(apiCalls)]
			if _, err := call.call(a, c.arg); err != nil && !strings.HasPrefix(err.Error(), call.name) {
				t.Fatalf("%s(%.80q): the error does not name the call: %v", call.name, c.arg, err)
			}
		}
	})
}

// FuzzRemoteDeliver: a remote client (each mode) that sent its first
// flight receives arbitrary records and an arbitrary trace header (the
// JSON is base64url-encoded here, as the page passes it on), then a
// second answer.
func FuzzRemoteDeliver(f *testing.F) {
	a := fuzzAPI(f)
	ident, err := httpserver.IdentityFromPEM([]byte(fuzzIdent.CertPEM), []byte(fuzzIdent.KeyPEM), fuzzIdent.TokenKey)
	if err != nil {
		f.Fatal(err)
	}
	srv := httptest.NewServer(httpserver.New(ident, httpserver.Options{Now: a.now}))
	defer srv.Close()
	// Seeds: the in-page server's real answers, with their traces.
	for mode := uint8(0); mode < 3; mode++ {
		a := fuzzAPI(f)
		out, err := a.RemoteStart(remoteStartArg(mode))
		if err != nil {
			f.Fatal(err)
		}
		hc := &httpserver.Client{BaseURL: srv.URL, Mode: remoteModes[mode], Trace: true}
		var answers [][]byte
		var traces [][]byte
		for i := 0; i < 3; i++ {
			var res RemoteResult
			json.Unmarshal([]byte(out), &res)
			if res.Flight == "" {
				break
			}
			flight, _ := base64.StdEncoding.DecodeString(res.Flight)
			n := len(hc.ServerEvents)
			body, err := hc.Post(context.Background(), flight)
			if err != nil {
				f.Fatalf("%s: %v", remoteModes[mode], err)
			}
			evs, _ := json.Marshal(hc.ServerEvents[n:])
			answers, traces = append(answers, body), append(traces, evs)
			d, _ := json.Marshal(map[string]string{"records": base64.StdEncoding.EncodeToString(body), "trace": base64.RawURLEncoding.EncodeToString(evs)})
			if out, err = a.RemoteDeliver(string(d)); err != nil {
				f.Fatal(err)
			}
		}
		if len(answers) > 0 {
			f.Add(mode, answers[0], traces[0], []byte(nil))
		}
	}
	f.Fuzz(func(t *testing.T, mode uint8, records, trace, second []byte) {
		a := fuzzAPI(t)
		if _, err := a.RemoteStart(remoteStartArg(mode % 3)); err != nil {
			t.Fatal(err)
		}
		d, _ := json.Marshal(map[string]string{"records": base64.StdEncoding.EncodeToString(records), "trace": base64.RawURLEncoding.EncodeToString(trace)})
		if _, err := a.RemoteDeliver(string(d)); err != nil && !strings.HasPrefix(err.Error(), "remoteDeliver") {
			t.Fatalf("error does not name the call: %v", err)
		}
		if len(second) > 0 {
			d, _ = json.Marshal(map[string]string{"records": base64.StdEncoding.EncodeToString(second)})
			a.RemoteDeliver(string(d))
		}
	})
}

var remoteModes = []string{"classic", "ecdhe", "tls13"}

func remoteStartArg(mode uint8) string {
	b, _ := json.Marshal(RemoteStartRequest{Mode: remoteModes[mode%3], ServerName: fuzzBase.setup.ServerName, TrustPEM: fuzzIdent.TrustPEM, Seed: "0a0b"})
	return string(b)
}
