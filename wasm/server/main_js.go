//go:build js && wasm

package main

// One instance of this program answers every HTTP request its loader hands
// it, with the engine's server (playground/httpserver), served by
// github.com/syumai/workers: the loader instantiates the module once, waits
// for the library's workers.ready, then calls binding.handleRequest for each
// request (scripts/cloudflare/entry.mjs on Cloudflare, site/js/server-runtime.js
// in the page, one instance per server identity), and starts a new instance
// only when this one exits or stops answering.
//
// github.com/syumai/workers reads globalThis.context when the program starts
// (package init): its loader defines globalThis.context = {binding: {}, ...}
// (on Cloudflare the library's wasm_exec.js gives each instance its own, with
// the env it was instantiated with) and the binary imports workers.ready,
// which the loader supplies.
//
// Why one instance can serve many requests: the library closes its done
// channel (ending Serve, and so the program) when a STREAMED response body is
// closed, and would close it again on the next one. wholeBody hands every
// body over as one Uint8Array (WriteRawJSBody), so no body is streamed, the
// channel is never closed, and the program serves until its instance is
// dropped. TestOneInstanceManyRequests sends hundreds of requests of every
// route, the errors included, to one instance.

import (
	"fmt"
	"io"
	"net/http"
	"syscall/js"

	"github.com/hack-pad/safejs"
	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	"tlsplayground/playground/httpserver"
)

// main serves every request the loader hands to the library's
// handleRequest; it returns only if the library ends Serve (it does not: no
// body is streamed). The identity is read once, here: in the page from the
// global the loader set for this instance, on Cloudflare from the env the
// instance was started with (constant for a deployment: a secret changed
// with wrangler makes a new deployment, and new isolates).
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
// call into Go and a goroutine switch; and closing a streamed body closes
// the library's done channel, which ends this program after its first
// response (and panics on a second: "close of closed channel"). Every
// answer here is small (a flight, an error, the info).
//
// It also reads the request's body with jsBody instead of the library's
// reader (see there).
func wholeBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g, ok := r.Body.(rawBodyGetter); ok {
			r.Body = &jsBody{stream: g.GetRawJSBody(), reader: js.Undefined()}
		}
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
		if err != nil { // no Uint8Array: stream it after all (and end the program after it)
			w.Write(b.body)
			return
		}
		raw.WriteRawJSBody(safejs.Unsafe(arr))
	})
}

// rawBodyGetter is the library's request body (a JS ReadableStream or null)
// giving its stream (jsutil.RawJSBodyGetter).
type rawBodyGetter interface {
	GetRawJSBody() js.Value
}

// jsBody reads a request's body, a JS ReadableStream, one chunk per Read
// as the handler asks for it (the handler stops past its limit, and Close
// cancels the rest). The library's own reader does the same but releases
// only the callback that ran of each read's two (then, catch): in an
// instance that serves many requests, every read would keep a js.Func
// for the instance's life.
type jsBody struct {
	stream js.Value
	reader js.Value // the stream's reader, undefined until the first Read
	buf    []byte
	done   bool
}

func (b *jsBody) Read(p []byte) (int, error) {
	for len(b.buf) == 0 {
		if b.done || b.stream.IsNull() || b.stream.IsUndefined() {
			return 0, io.EOF
		}
		if b.reader.IsUndefined() {
			b.reader = b.stream.Call("getReader")
		}
		res, err := await(b.reader.Call("read"))
		if err != nil {
			b.done = true
			return 0, fmt.Errorf("reading the request body: %v", err)
		}
		if res.Get("done").Bool() {
			b.done = true
			continue
		}
		chunk := res.Get("value")
		b.buf = make([]byte, chunk.Get("byteLength").Int())
		js.CopyBytesToGo(b.buf, chunk)
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

// Close cancels what the handler did not read.
func (b *jsBody) Close() error {
	if !b.done && !b.reader.IsUndefined() {
		b.reader.Call("cancel")
	}
	b.done = true
	return nil
}

// await waits for a JS promise; both callbacks are released once it settles.
func await(promise js.Value) (js.Value, error) {
	type settled struct {
		v   js.Value
		err error
	}
	ch := make(chan settled, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{v: arg0(args)}
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{err: fmt.Errorf("%s", js.Global().Get("String").Invoke(arg0(args)).String())}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	promise.Call("then", ok, fail)
	s := <-ch
	return s.v, s.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
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
