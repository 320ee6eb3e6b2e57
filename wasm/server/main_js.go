//go:build js && wasm

package main

// One instance of this program answers one HTTP request with the engine's
// server (playground/httpserver), served by github.com/syumai/workers. Its
// loader creates a fresh instance per request (scripts/cloudflare/worker.mjs
// through the library's own glue on Cloudflare, site/js/server-runtime.js in
// the page).
//
// github.com/syumai/workers reads globalThis.context.binding when the
// program starts (package init): its loader defines
// globalThis.context = {binding: {}} (the library's own wasm_exec does it
// per instance, server-runtime.js too) and the binary imports
// workers.ready, which the loader supplies.

import (
	"fmt"
	"net/http"
	"syscall/js"

	"github.com/hack-pad/safejs"
	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	"tlsplayground/playground/httpserver"
)

// main answers the request the loader hands to the library's
// handleRequest, and returns once the response body has been read.
func main() {
	page, err := pageIdentityGlobal()
	if err != nil {
		workers.Serve(wholeBody(misconfigured(err)))
		return
	}
	var getenv func(string) string
	if page == nil {
		getenv = workerEnv // on Cloudflare: the Worker's secrets
	}
	workers.Serve(wholeBody(serverHandler(page, getenv, httpserver.Options{})))
}

// rawBodyWriter is the library's ResponseWriter's way to take a body that
// is already a JS value (its jsutil.RawJSBodyWriter).
type rawBodyWriter interface {
	WriteRawJSBody(body js.Value)
}

// wholeBody hands the response's body to JS in one piece: the handler's
// writes are kept, and once it returns they become one Uint8Array, the
// Response's body. Otherwise the library streams the body through an
// io.Pipe and a ReadableStream that JS pulls chunk by chunk, each pull a
// call into Go and a goroutine switch, in an instance that lives for this
// one response; every answer here is small (a flight, an error, the info).
// A program whose body was handed over this way does not exit after the
// response (the library ends it when JS has read a streamed body to its
// end): it waits, holding no event, until its instance is dropped.
func wholeBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := w.(rawBodyWriter)
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		b := &bufferedWriter{ResponseWriter: w}
		h.ServeHTTP(b, r)
		arr, err := safejs.Global().Get("Uint8Array")
		if err == nil {
			arr, err = arr.New(len(b.body))
		}
		if err == nil {
			_, err = safejs.CopyBytesToJS(arr, b.body)
		}
		if err != nil { // no Uint8Array: stream it after all
			w.Write(b.body)
			return
		}
		raw.WriteRawJSBody(safejs.Unsafe(arr))
	})
}

// bufferedWriter keeps the body; the status and header go through.
type bufferedWriter struct {
	http.ResponseWriter
	body []byte
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.body = append(b.body, p...)
	return len(p), nil
}

// pageIdentityGlobal reads globalThis.tlsPlaygroundServerIdentity: nil when
// the page set none (on Cloudflare), an error when it is malformed.
func pageIdentityGlobal() (*pageIdentity, error) {
	v, err := safejs.Global().Get(identityGlobal)
	if err != nil {
		return nil, err
	}
	switch v.Type() {
	case safejs.TypeUndefined, safejs.TypeNull:
		return nil, nil
	case safejs.TypeObject:
	default:
		return nil, fmt.Errorf("globalThis.%s must be an object {certPem, keyPem, tokenKey}", identityGlobal)
	}
	field := func(name string) (string, error) {
		f, err := v.Get(name)
		if err != nil {
			return "", err
		}
		if f.Type() != safejs.TypeString {
			return "", fmt.Errorf("globalThis.%s.%s must be a string", identityGlobal, name)
		}
		return f.String()
	}
	var id pageIdentity
	if id.CertPEM, err = field("certPem"); err != nil {
		return nil, err
	}
	if id.KeyPEM, err = field("keyPem"); err != nil {
		return nil, err
	}
	if id.TokenKey, err = field("tokenKey"); err != nil {
		return nil, err
	}
	return &id, nil
}

// workerEnv is cloudflare.Getenv, which panics where the runtime gave no
// env (the library's browser runtime): there it reads as empty, and
// IdentityFromEnv names what is missing.
func workerEnv(name string) (v string) {
	defer func() {
		if recover() != nil {
			v = ""
		}
	}()
	return cloudflare.Getenv(name)
}
