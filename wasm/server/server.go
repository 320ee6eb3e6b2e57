// Command server is the playground's TLS server behind HTTP
// (playground/httpserver) for a JS runtime, compiled to js/wasm: the
// Cloudflare Worker (scripts/cloudflare) and the page's in-page server
// (site/js/server-runtime.js) run it. It holds only what that role needs:
// the handler, github.com/syumai/workers and the TLS server side; the
// page's engine (./wasm) carries none of it.
//
// One instance answers all of a server's requests (its loader starts it
// once and hands it each request: main_js.go). A connection's state still
// travels in the sealed token, never in Go memory, so any instance can take
// any flight (another isolate, another Worker process, a restarted one).
//
// This file is the part that builds natively: where the identity comes
// from, and what the server answers when it has none. main_js.go reads the
// JS side (the page's identity, the Worker's env) and serves the handler.
package main

import (
	"errors"
	"net/http"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/jsonenc"
)

// identityGlobal is the in-page server's identity, set by
// site/js/server-runtime.js before the instance starts:
// {certPem, keyPem, tokenKey} (strings; tokenKey is 64 hex characters). On
// Cloudflare it is unset and the identity comes from the Worker's secrets.
const identityGlobal = "tlsPlaygroundServerIdentity"

// pageIdentity is globalThis.tlsPlaygroundServerIdentity.
type pageIdentity struct {
	CertPEM  string
	KeyPEM   string
	TokenKey string
}

// errNoIdentity is the reason when neither the page nor the Worker gave an identity.
var errNoIdentity = errors.New("the server has no identity: in the page, set globalThis." + identityGlobal +
	" = {certPem, keyPem, tokenKey}; on Cloudflare, set the secrets " + httpserver.EnvCertPEM + ", " +
	httpserver.EnvKeyPEM + " and " + httpserver.EnvTokenKey + " (wrangler secret put, or .dev.vars locally)")

// serverIdentity picks the identity: the page's when it set one, else the
// Worker's environment. getenv may be nil (no environment at all).
func serverIdentity(page *pageIdentity, getenv func(string) string) (*httpserver.Identity, error) {
	if page != nil {
		id, err := httpserver.IdentityFromPEM([]byte(page.CertPEM), []byte(page.KeyPEM), page.TokenKey)
		if err != nil {
			return nil, errors.New("globalThis." + identityGlobal + ": " + err.Error())
		}
		return id, nil
	}
	if getenv == nil {
		return nil, errNoIdentity
	}
	return httpserver.IdentityFromEnv(getenv)
}

// serverHandler returns what the server role serves: the engine's server
// behind HTTP, or, when the identity is missing or bad, a handler that
// answers every request with the contract's JSON error (500 internal) and
// the reason, so that a misconfigured Worker says what is wrong instead of
// crashing.
func serverHandler(page *pageIdentity, getenv func(string) string, opt httpserver.Options) http.Handler {
	id, err := serverIdentity(page, getenv)
	if err != nil {
		return skipEmptyWrites(misconfigured(err))
	}
	return skipEmptyWrites(httpserver.New(id, opt))
}

// skipEmptyWrites drops zero-length writes to the response. Under
// github.com/syumai/workers v0.32.0 an empty Write reaches JS as a stream
// pull that enqueues nothing, and a ReadableStream that follows the
// Streams spec (browsers, Node; not workerd) then never pulls again: the
// response body hangs. The flight handler writes an empty body whenever
// the server has nothing to send (TLS 1.3, after the client's Finished).
func skipEmptyWrites(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(nonEmptyWriter{w}, r)
	})
}

type nonEmptyWriter struct{ http.ResponseWriter }

func (w nonEmptyWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return w.ResponseWriter.Write(p)
}

// misconfigured answers every request with 500 and err's message, with the
// same CORS headers as the real handler (a page on another origin can read it).
func misconfigured(err error) http.Handler {
	body := jsonenc.StringField([]byte(`{"error":{"code":"internal"`), `,"message":`, err.Error())
	body = append(body, "}}"...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type, "+httpserver.HeaderToken+", "+httpserver.HeaderTrace)
		h.Set("Access-Control-Expose-Headers", httpserver.HeaderToken+", "+httpserver.HeaderState+", "+httpserver.HeaderTrace)
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(append(body, '\n'))
	})
}
