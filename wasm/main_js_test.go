//go:build js && wasm

package main

import (
	"strings"
	"testing"

	"github.com/hack-pad/safejs"
)

// await calls globalThis.tlsPlayground[method](arg) and waits for the
// promise, as the page's worker does.
func await(t *testing.T, method string, args ...any) (string, error) {
	t.Helper()
	tp, err := safejs.Global().Get("tlsPlayground")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tp.Call(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		s   string
		err string
	}
	ch := make(chan result, 1)
	onOK, _ := safejs.FuncOf(func(_ safejs.Value, a []safejs.Value) any {
		s, _ := a[0].String()
		ch <- result{s: s}
		return nil
	})
	onErr, _ := safejs.FuncOf(func(_ safejs.Value, a []safejs.Value) any {
		m, _ := a[0].Get("message")
		s, _ := m.String()
		ch <- result{err: s}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	if _, err := p.Call("then", onOK.Value(), onErr.Value()); err != nil {
		t.Fatal(err)
	}
	r := <-ch
	if r.err != "" {
		return "", &jsErr{r.err}
	}
	return r.s, nil
}

type jsErr struct{ msg string }

func (e *jsErr) Error() string { return e.msg }

func TestInstalledAPI(t *testing.T) {
	if err := install(&API{}); err != nil {
		t.Fatal(err)
	}
	ready, _ := safejs.Global().Get("tlsPlaygroundReady")
	if ok, _ := ready.Bool(); !ok {
		t.Fatal("tlsPlaygroundReady not set")
	}
	if _, err := await(t, "setup", `{"keyBits":1000}`); err == nil || !strings.Contains(err.Error(), "1000") {
		t.Fatalf("bad setup: %v", err)
	}
	if _, err := await(t, "setup", `{"keyBits":2048}`); err != nil {
		t.Fatal(err)
	}
	out, err := await(t, "newSession", `{}`)
	if err != nil || !strings.Contains(out, `"suite":"TLS_RSA_WITH_AES_256_GCM_SHA384"`) {
		t.Fatalf("newSession: %v %.200s", err, out)
	}
	out, err = await(t, "send", `{"from":"client","text":"through js"}`)
	if err != nil || !strings.Contains(out, `"decrypted":"through js"`) {
		t.Fatalf("send: %v %.200s", err, out)
	}
}
