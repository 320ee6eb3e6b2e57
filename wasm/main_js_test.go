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

// TestModules: the engine says which module has each method
// (globalThis.tlsPlaygroundModules, from methodTable), so that the worker
// routes a call without loading the lab for a core method; this build is
// the full engine (the core with -tags core). A second engine installed under another name (the lab
// beside the core in one worker) has handles of its own.
func TestModules(t *testing.T) {
	if err := install(&API{}); err != nil {
		t.Fatal(err)
	}
	m, _ := safejs.Global().Get("tlsPlaygroundModules")
	built, _ := m.Get("built")
	if s, _ := built.String(); s != wantBuilt {
		t.Fatalf("built %q, want %s", s, wantBuilt)
	}
	names := func(k string) string {
		l, _ := m.Get(k)
		j, _ := safejs.Global().Get("JSON")
		s, _ := j.Call("stringify", l)
		str, _ := s.String()
		return str
	}
	if c, l := names("core"), names("lab"); !strings.Contains(c, `"newSession"`) || !strings.Contains(c, `"sessionState"`) ||
		strings.Contains(c, `"eve"`) || !strings.Contains(l, `"eve"`) || !strings.Contains(l, `"analyze"`) || strings.Contains(l, `"send"`) {
		t.Fatalf("core %s, lab %s", c, l)
	}
	if err := installAs(&API{}, "tlsPlaygroundLabTest"); err != nil {
		t.Fatal(err)
	}
	if ready, _ := safejs.Global().Get("tlsPlaygroundLabTestReady"); ready.Type() != safejs.TypeBoolean {
		t.Fatal("tlsPlaygroundLabTestReady not set")
	}
	if _, err := await(t, "setup", `{"keyType":"ecdsa"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := await(t, "newSession", `{"mode":"tls13"}`); err != nil {
		t.Fatal(err)
	}
	lab, _ := safejs.Global().Get("tlsPlaygroundLabTest")
	p, _ := lab.Call("exportSession", "{}")
	ch := make(chan string, 1)
	onErr, _ := safejs.FuncOf(func(_ safejs.Value, a []safejs.Value) any {
		msg, _ := a[0].Get("message")
		s, _ := msg.String()
		ch <- s
		return nil
	})
	defer onErr.Release()
	p.Call("catch", onErr.Value())
	if got := <-ch; !strings.Contains(got, "no session") {
		t.Fatalf("the second engine's exportSession: %q, want no session (it has its own handles)", got)
	}
}
