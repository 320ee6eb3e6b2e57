//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/syumai/workers"

	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/httpserver/httpservertest"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

// bindingTransport carries each HTTP request through the library's
// binding.handleRequest, as the Worker's entry and the page's runtime call
// it: a JS Request in, a JS Response out, in this one Go instance.
type bindingTransport struct{ calls int }

func (tr *bindingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tr.calls++
	init := js.Global().Get("Object").New()
	init.Set("method", req.Method)
	headers := js.Global().Get("Headers").New()
	for k, vs := range req.Header {
		for _, v := range vs {
			headers.Call("append", k, v)
		}
	}
	init.Set("headers", headers)
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			arr := js.Global().Get("Uint8Array").New(len(body))
			js.CopyBytesToJS(arr, body)
			init.Set("body", arr)
		}
	}
	jsReq := js.Global().Get("Request").New(req.URL.String(), init)
	handle := js.Global().Get("context").Get("binding").Get("handleRequest")
	res, err := await(handle.Invoke(jsReq))
	if err != nil {
		return nil, fmt.Errorf("handleRequest: %v", err)
	}
	out := &http.Response{StatusCode: res.Get("status").Int(), Header: http.Header{}, Request: req}
	entries := js.Global().Get("Array").Call("from", res.Get("headers").Call("entries"))
	for i := 0; i < entries.Length(); i++ {
		out.Header.Add(entries.Index(i).Index(0).String(), entries.Index(i).Index(1).String())
	}
	buf, err := await(res.Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("the response body: %v", err)
	}
	body := make([]byte, buf.Get("byteLength").Int())
	js.CopyBytesToGo(body, js.Global().Get("Uint8Array").New(buf))
	out.Body = io.NopCloser(bytes.NewReader(body))
	return out, nil
}

// foreignToken is a genuine token of another server, for the bad requests
// (httpservertest.ForeignToken listens on a socket, which js/wasm has not).
func foreignToken(t *testing.T, ch []byte) string {
	cert, key := identityPEM(t, pki.KeyECDSA, "foreign server")
	h := serverHandler(&pageIdentity{CertPEM: cert, KeyPEM: key, TokenKey: strings.Repeat("5a", 32)}, nil, httpserver.Options{})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, httpserver.PathFlight+"?mode=tls13", bytes.NewReader(ch))
	req.Header.Set("Content-Type", httpserver.ContentType)
	h.ServeHTTP(rec, req)
	tok := rec.Header().Get(httpserver.HeaderToken)
	if rec.Code != 200 || tok == "" {
		t.Fatalf("the foreign server answered %d %s", rec.Code, rec.Body)
	}
	return tok
}

// TestOneInstanceManyRequests serves hundreds of requests of every route,
// every error of the contract included, from one instance through the
// library's handleRequest: the program's loaders keep one instance for all
// of a server's requests. The library ends Serve (closes its done channel)
// when a streamed body is closed, and panics on the second close; wholeBody
// streams none, so the channel stays open and every answer is right. It
// logs the heap before and after (the instance lives for all of them).
func TestOneInstanceManyRequests(t *testing.T) {
	rounds := 30
	if testing.Short() {
		rounds = 3
	}
	// TLSPLAY_ROUNDS=320: about 10,000 requests, for the heap's growth over them.
	if n, err := strconv.Atoi(os.Getenv("TLSPLAY_ROUNDS")); err == nil && n > 1 {
		rounds = n
	}
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyRSA, Rand: rng.New([]byte("one instance"))})
	if err != nil {
		t.Fatal(err)
	}
	var chain []byte
	for _, der := range append(s.Chain, s.CA.Raw) {
		chain = append(chain, pki.CertPEM(der)...)
	}
	page := &pageIdentity{CertPEM: string(chain), KeyPEM: string(s.KeyPEM()), TokenKey: strings.Repeat("1e", 32)}
	workers.ServeNonBlock(wholeBody(serverHandler(page, nil, httpserver.Options{})))

	tr := &bindingTransport{}
	hc := &http.Client{Transport: tr}
	const base = "https://in-page.invalid"
	ctx := context.Background()
	newClient := func(mode string, i int) *httpserver.Client {
		r := rng.New([]byte(fmt.Sprintf("client %s %d", mode, i)))
		var ep endpoint.Endpoint = tls12.Client(&tls12.Config{Rand: r, ServerName: s.ServerName, Roots: s.Roots()})
		if mode == httpserver.ModeTLS13 {
			ep = tls13.Client(&tls13.Config{Rand: r, ServerName: s.ServerName, Roots: s.Roots()})
		}
		return &httpserver.Client{BaseURL: base, HTTP: hc, Mode: mode, EP: ep}
	}
	// The bad requests need a real first flight and its token.
	cl := newClient(httpserver.ModeTLS13, -1)
	if err := cl.EP.Start(); err != nil {
		t.Fatal(err)
	}
	var ch []byte
	for _, o := range cl.EP.TakeOutput() {
		ch = append(ch, o.Wire...)
	}
	if _, err := cl.Post(ctx, ch); err != nil {
		t.Fatal(err)
	}
	foreign := foreignToken(t, ch)
	cases := httpservertest.BadRequests(httpservertest.Inputs{ClientHello: ch, Token: cl.Token(), Foreign: foreign, MaxBody: httpserver.MaxClientBytes})

	var before, after runtime.MemStats
	counted := map[string]int{}
	start := time.Now()
	for i := 0; i < rounds; i++ {
		if i == 1 { // after the first round: the key parsed, the code paths warm
			runtime.GC()
			runtime.ReadMemStats(&before)
		}
		for _, req := range []struct{ method, path string }{{"GET", httpserver.PathInfo}, {"OPTIONS", httpserver.PathFlight}} {
			r, _ := http.NewRequest(req.method, base+req.path, nil)
			resp, err := hc.Do(r)
			if err != nil {
				t.Fatalf("round %d: %s %s: %v", i, req.method, req.path, err)
			}
			resp.Body.Close()
			if want := map[string]int{"GET": 200, "OPTIONS": 204}[req.method]; resp.StatusCode != want {
				t.Fatalf("round %d: %s %s: %d, want %d", i, req.method, req.path, resp.StatusCode, want)
			}
			counted[req.method+" "+req.path]++
		}
		for _, mode := range []string{httpserver.ModeTLS13, httpserver.ModeECDHE, httpserver.ModeClassic} {
			c := newClient(mode, i)
			if err := c.Handshake(ctx); err != nil {
				t.Fatalf("round %d: %s handshake: %v", i, mode, err)
			}
			got, err := c.Send(ctx, "hello")
			if err != nil || !strings.Contains(got, "server received 5 bytes: hello") {
				t.Fatalf("round %d: %s data: %q %v", i, mode, got, err)
			}
			if err := c.Close(ctx); err != nil || c.State != "closed" {
				t.Fatalf("round %d: %s close: state %q, %v", i, mode, c.State, err)
			}
			counted["POST "+httpserver.PathFlight+" ("+mode+")"] += c.Exchanges
		}
		for _, bc := range cases {
			req, err := bc.Request(base)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatalf("round %d: %s: %v", i, bc.Name, err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != bc.Status || !bytes.Contains(body, []byte(`"code":"`+bc.Code+`"`)) {
				t.Fatalf("round %d: %s: %d %s, want %d %s", i, bc.Name, resp.StatusCode, body, bc.Status, bc.Code)
			}
			counted["error "+bc.Code]++
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	select {
	case <-workers.Done():
		t.Fatal("the library ended Serve: the next request would find no program")
	default:
	}
	t.Logf("%d requests to one instance in %v: %v", tr.calls, time.Since(start).Round(time.Millisecond), counted)
	if rounds > 1 {
		t.Logf("live heap after round 1: %d KB, after round %d: %d KB (%+d bytes per round); memory from the runtime (the wasm memory) %d KB -> %d KB; %d goroutines",
			before.HeapAlloc>>10, rounds, after.HeapAlloc>>10, (int64(after.HeapAlloc)-int64(before.HeapAlloc))/int64(rounds-1),
			before.Sys>>10, after.Sys>>10, runtime.NumGoroutine())
	}
}
