//go:build js && wasm && !core

package main

import (
	"strings"
	"testing"

	"github.com/hack-pad/safejs"
)

// awaitValue is await for a method that resolves an object, not a string.
func awaitValue(t *testing.T, method string, args ...any) (safejs.Value, error) {
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
		v   safejs.Value
		err string
	}
	ch := make(chan result, 1)
	onOK, _ := safejs.FuncOf(func(_ safejs.Value, a []safejs.Value) any {
		ch <- result{v: a[0]}
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
		return safejs.Value{}, &jsErr{r.err}
	}
	return r.v, nil
}

// jsBytes makes a Uint8Array of b.
func jsBytes(t *testing.T, b []byte) safejs.Value {
	t.Helper()
	v, err := uint8Array(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWireMethodsThroughJS: analyze answers JSON; sessionCapture an object
// holding a Uint8Array; importCapture takes Uint8Arrays after its progress
// callback and refuses anything else, naming the argument and its type.
func TestWireMethodsThroughJS(t *testing.T) {
	installedMethods(t)
	if _, err := await(t, "setup", `{"keyType":"ecdsa"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := await(t, "newSession", `{"mode":"tls13"}`); err != nil {
		t.Fatal(err)
	}
	out, err := await(t, "analyze", `{"record":0}`)
	if err != nil || !strings.Contains(out, `"kind":"client_hello.random"`) {
		t.Fatalf("analyze: %v %.200s", err, out)
	}
	if _, err := await(t, "analyze", `{"record":99}`); err == nil || !strings.Contains(err.Error(), "analyze: record 99: the connection has") {
		t.Errorf("analyze a record that is not there: %v", err)
	}
	if out, err := await(t, "describeCertificates", `{"pem":""}`); err != nil || out != "[]" {
		t.Errorf("describeCertificates: %q %v", out, err)
	}
	if out, err := await(t, "browserHello", `{}`); err != nil || !strings.Contains(out, "Chromium") {
		t.Errorf("browserHello: %v %.100s", err, out)
	}

	c, err := awaitValue(t, "sessionCapture", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	pcap, _ := c.Get("pcapng")
	u8, _ := safejs.Global().Get("Uint8Array")
	if ok, _ := pcap.InstanceOf(u8); !ok {
		t.Fatalf("pcapng is not a Uint8Array")
	}
	n, _ := pcap.Length()
	head := make([]byte, 4)
	if _, err := safejs.CopyBytesToGo(head, pcap); err != nil || n < 100 || string(head) != "\x0a\x0d\x0d\x0a" {
		t.Errorf("pcapng: %d bytes starting % x (a Section Header Block starts 0a 0d 0d 0a)", n, head)
	}
	kl, _ := c.Get("keylog")
	if s, _ := kl.String(); !strings.Contains(s, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ") {
		t.Errorf("keylog: %q", s)
	}

	// importCapture's bytes.
	noop, _ := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { return nil })
	defer noop.Release()
	ab, _ := safejs.Global().Get("ArrayBuffer")
	buffer, _ := ab.New(4)
	for _, c := range []struct {
		args []any
		want string
	}{
		{[]any{"{}"}, "importCapture: the third argument (the capture file) is missing: give the file's bytes as a Uint8Array"},
		{[]any{"{}", noop.Value(), 5}, "importCapture: the third argument (the capture file) must be a Uint8Array (got number)"},
		{[]any{"{}", noop.Value(), buffer}, "importCapture: the third argument (the capture file) must be a Uint8Array (got ArrayBuffer)"},
		{[]any{"{}", noop.Value(), "pcap"}, "importCapture: the third argument (the capture file) must be a Uint8Array (got string)"},
		{[]any{"{}", noop.Value(), jsBytes(t, []byte("x")), 7}, "importCapture: the fourth argument (the key log file) must be a Uint8Array (got number)"},
		{[]any{"{}", 5, jsBytes(t, []byte("x"))}, "importCapture: the second argument (the progress callback) must be a function (got number)"},
	} {
		if _, err := await(t, "importCapture", c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("importCapture(%v): %v, want %q", c.args, err, c.want)
		}
	}

	// A real capture and its key log, as Uint8Arrays; progress is told [done, total].
	var calls int
	progress, _ := safejs.FuncOf(func(_ safejs.Value, a []safejs.Value) any {
		if len(a) == 2 {
			calls++
		}
		return nil
	})
	defer progress.Release()
	pcap13 := jsBytes(t, readCapture(t, "illustrated-tls13", "capture.pcap"))
	keys := jsBytes(t, readCapture(t, "illustrated-tls13", "keylog.txt"))
	out, err = await(t, "importCapture", `{"name":"capture.pcap"}`, progress.Value(), pcap13, keys)
	if err != nil || !strings.Contains(out, `"importId":1`) || !strings.Contains(out, `"decrypted":true`) || calls == 0 {
		t.Fatalf("importCapture: %v %.300s (progress %d)", err, out, calls)
	}
	if out, err := await(t, "analyze", `{"source":"import","connection":0,"record":0}`); err != nil || !strings.Contains(out, `"kind":"client_hello.random"`) {
		t.Errorf("analyze an imported record: %v %.200s", err, out)
	}
	if _, err := await(t, "importCapture", `{"name":"notes.txt"}`, progress.Value(), jsBytes(t, []byte("not a capture at all"))); err == nil || !strings.HasPrefix(err.Error(), "importCapture: notes.txt: ") {
		t.Errorf("not a capture: %v", err)
	}
}
