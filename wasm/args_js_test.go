//go:build js && wasm && !core

package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hack-pad/safejs"
)

// installedMethods installs the API and returns the names of its methods.
func installedMethods(t *testing.T) []string {
	t.Helper()
	if err := install(&API{}); err != nil {
		t.Fatal(err)
	}
	obj, _ := safejs.Global().Get("Object")
	tp, _ := safejs.Global().Get("tlsPlayground")
	keys, err := obj.Call("keys", tp)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := keys.Length()
	var names []string
	for i := range n {
		k, _ := keys.Index(i)
		s, _ := k.String()
		names = append(names, s)
	}
	sort.Strings(names)
	return names
}

// TestArgumentTypes: every exported method refuses an argument that is not
// a JSON string (a number, null, a boolean, a plain object, an array), with
// an error naming the method and the type, before doing anything.
func TestArgumentTypes(t *testing.T) {
	names := installedMethods(t)
	// Every method is named here, so that a new one is checked below by name.
	want := []string{"adoptSession", "analyze", "browserHello", "catalogue", "close", "describeCertificates", "downgrade", "eve", "eveTicketKey",
		"eveTokenKey", "exportSession", "exposure", "generateKey", "importCapture", "keyUpdate", "mitm", "mitmSend",
		"newSession", "prepareSession", "releaseSession", "remoteClose", "remoteDeliver", "remoteSend", "remoteStart", "replayEarlyData", "resume",
		"runScenario", "scenarios", "send", "serverIdentity", "sessionCapture", "sessionState", "setup", "takePrepared"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("methods %v, this test knows %v: add the new ones to its expectations", names, want)
	}
	obj, _ := safejs.Global().Get("Object")
	plain, _ := obj.New()
	_ = plain.Set("mode", "tls13")
	arr, _ := safejs.Global().Get("Array")
	array, _ := arr.New()
	for _, name := range names {
		for _, c := range []struct {
			arg  any
			kind string
		}{{123, "number"}, {nil, "null"}, {true, "boolean"}, {plain, "object"}, {array, "object"}} {
			_, err := await(t, name, c.arg)
			want := fmt.Sprintf("%s: the argument must be a JSON string (got %s)", name, c.kind)
			if err == nil || err.Error() != want {
				t.Errorf("%s(%v): %v, want %q", name, c.arg, err, want)
			}
		}
	}
	// setup's second argument is its progress callback.
	if _, err := await(t, "setup", "{}", 5); err == nil || err.Error() != "setup: the second argument (the progress callback) must be a function (got number)" {
		t.Errorf("setup with a number for progress: %v", err)
	}
	// A method without an argument takes nothing, "" or "{}", not a field.
	if _, err := await(t, "scenarios"); err != nil {
		t.Errorf("scenarios(): %v", err)
	}
	if _, err := await(t, "scenarios", "{}", "ignored"); err != nil {
		t.Errorf(`scenarios("{}"): %v`, err)
	}
	if _, err := await(t, "scenarios", `{"all":true}`); err == nil || !strings.Contains(err.Error(), `scenarios: bad argument`) {
		t.Errorf("scenarios with a field: %v", err)
	}
}

// TestLimitsThroughJS: the lengths the wasm API checks reach the page as
// the same errors, not as a recovered panic ("internal error").
func TestLimitsThroughJS(t *testing.T) {
	installedMethods(t)
	if _, err := await(t, "setup", `{"keyType":"ecdsa"}`); err != nil {
		t.Fatal(err)
	}
	id, err := await(t, "serverIdentity")
	if err != nil {
		t.Fatal(err)
	}
	trust := id[strings.Index(id, `"trustPem":`)+len(`"trustPem":`) : len(id)-1]
	long := strings.Repeat("a", 70000)
	for _, c := range []struct{ method, arg, want string }{
		{"remoteStart", `{"serverName":"` + long + `","trustPem":` + trust + `}`, "remoteStart: serverName is 70000 bytes: the limit is 253"},
		{"setup", `{"serverName":"` + long + `"}`, "setup: serverName is 70000 bytes: the limit is 253"},
		{"newSession", `{"mode":"tls13","clientSuites":[` + strings.Repeat(`"TLS_AES_128_GCM_SHA256",`, 40000) + `"TLS_AES_128_GCM_SHA256"]}`, "newSession: clientSuites is 40001 entries: the limit is 32"},
		{"newSession", `{"seed":"` + strings.Repeat("ab", 65) + `"}`, "newSession: seed is 130 hex digits: the limit is 128"},
		{"send", `{"from":"client","text":"` + strings.Repeat("x", 65537) + `"}`, "send: text is 65537 bytes: the limit is 65536"},
		{"runScenario", `{"id":"` + long + `"}`, "runScenario: id is 70000 bytes: the limit is 64"},
		{"setup", `{"caKeyPem":"` + strings.Repeat("A", 1<<20+1) + `"}`, "setup: caKeyPem is 1048577 bytes: the limit is 1048576"},
		{"setup", `{"keyPem":"` + strings.Repeat("A", 1<<20+1) + `"}`, "setup: keyPem is 1048577 bytes: the limit is 1048576"},
		{"generateKey", `{"bits":1024}`, "generateKey: bits 1024 is not offered: choose 2048, 3072 or 4096"},
	} {
		_, err := await(t, c.method, c.arg)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "internal error") {
			t.Errorf("%s: %.300v, want %q", c.method, err, c.want)
		}
	}
	// And the API still works afterwards.
	if _, err := await(t, "remoteStart", `{"serverName":"playground.test","trustPem":`+trust+`}`); err != nil {
		t.Fatal(err)
	}
}
