//go:build js && wasm

package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall/js"
	"testing"

	"github.com/hack-pad/safejs"
)

func setGlobal(t *testing.T, name string, v any) {
	t.Helper()
	if err := safejs.Global().Set(name, v); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = safejs.Global().Delete(name) })
}

func TestPageIdentityGlobal(t *testing.T) {
	if id, err := pageIdentityGlobal(); id != nil || err != nil {
		t.Fatalf("no global: %v %v", id, err)
	}
	setGlobal(t, identityGlobal, "not an object")
	if _, err := pageIdentityGlobal(); err == nil {
		t.Fatal("a string was taken for an identity")
	}
	setGlobal(t, identityGlobal, map[string]any{"certPem": "C", "keyPem": "K", "tokenKey": "T", "trustPem": "ignored"})
	id, err := pageIdentityGlobal()
	if err != nil || *id != (pageIdentity{CertPEM: "C", KeyPEM: "K", TokenKey: "T"}) {
		t.Fatalf("identity %+v, %v", id, err)
	}
	setGlobal(t, identityGlobal, map[string]any{"certPem": "C", "keyPem": 7, "tokenKey": "T"})
	if _, err := pageIdentityGlobal(); err == nil || !strings.Contains(err.Error(), "keyPem") {
		t.Fatalf("a number keyPem: %v", err)
	}
}

// On Cloudflare's glue the env exists; elsewhere cloudflare.Getenv panics,
// which workerEnv turns into "".
func TestWorkerEnvWithoutRuntime(t *testing.T) {
	if v := workerEnv("TOKEN_KEY"); v != "" {
		t.Fatalf("workerEnv without a runtime: %q", v)
	}
}

// rawRecorder is a ResponseWriter that takes a JS body, as the library's does.
type rawRecorder struct {
	*httptest.ResponseRecorder
	raw *js.Value
}

func (w *rawRecorder) WriteRawJSBody(body js.Value) { w.raw = &body }

// The body reaches JS whole, as one Uint8Array, with the status and header;
// a writer without the raw path gets the writes themselves.
func TestWholeBody(t *testing.T) {
	h := wholeBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test", "1")
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("one "))
		w.Write(nil)
		w.Write([]byte("two"))
	}))
	rec := &rawRecorder{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.raw == nil || rec.Body.Len() != 0 || rec.Code != http.StatusTeapot || rec.Header().Get("X-Test") != "1" {
		t.Fatalf("raw %v, streamed %q, status %d, header %v", rec.raw != nil, rec.Body, rec.Code, rec.Header())
	}
	got := make([]byte, rec.raw.Length())
	js.CopyBytesToGo(got, *rec.raw)
	if string(got) != "one two" || !rec.raw.InstanceOf(js.Global().Get("Uint8Array")) {
		t.Fatalf("raw body %q", got)
	}
	plain := httptest.NewRecorder()
	h.ServeHTTP(plain, httptest.NewRequest(http.MethodGet, "/", nil))
	if plain.Body.String() != "one two" || plain.Code != http.StatusTeapot {
		t.Fatalf("without the raw path: %d %q", plain.Code, plain.Body)
	}
}
