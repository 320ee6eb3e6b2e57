//go:build js && wasm

package main

import (
	"fmt"

	"github.com/hack-pad/safejs"
)

// main plays one of two roles, chosen by the loader before the program
// starts: with globalThis.tlsPlaygroundRole === "server" it answers one HTTP
// request with the engine's server (server_js.go); otherwise it installs
// globalThis.tlsPlayground, the page's client API, and keeps the program
// alive.
func main() {
	if isServerRole() {
		serve()
		return
	}
	api := &API{}
	if err := install(api); err != nil {
		if console, cerr := safejs.Global().Get("console"); cerr == nil {
			_, _ = console.Call("error", "tls playground: cannot install the API: "+err.Error())
		}
		return
	}
	select {}
}

// install sets globalThis.tlsPlayground: each method takes one JSON string
// and returns a Promise of a JSON string, rejected with an Error carrying
// the engine's message.
func install(api *API) error {
	obj, err := safejs.Global().Get("Object")
	if err != nil {
		return err
	}
	tp, err := obj.New()
	if err != nil {
		return err
	}
	methods := map[string]func(args []safejs.Value) (string, error){
		"setup": func(args []safejs.Value) (string, error) {
			var progress func(string)
			if len(args) > 1 && args[1].Type() == safejs.TypeFunction {
				cb := args[1]
				progress = func(stage string) { _, _ = cb.Invoke(stage) }
			}
			return api.Setup(stringArg(args), progress)
		},
		"newSession":    func(args []safejs.Value) (string, error) { return api.NewSession(stringArg(args)) },
		"send":          func(args []safejs.Value) (string, error) { return api.Send(stringArg(args)) },
		"keyUpdate":     func(args []safejs.Value) (string, error) { return api.KeyUpdate(stringArg(args)) },
		"close":         func([]safejs.Value) (string, error) { return api.Close() },
		"exportSession": func([]safejs.Value) (string, error) { return api.Export() },
		// A client whose server answers over HTTP (the page carries the flights).
		"serverIdentity": func([]safejs.Value) (string, error) { return api.ServerIdentity() },
		"remoteStart":    func(args []safejs.Value) (string, error) { return api.RemoteStart(stringArg(args)) },
		"remoteDeliver":  func(args []safejs.Value) (string, error) { return api.RemoteDeliver(stringArg(args)) },
		"remoteSend":     func(args []safejs.Value) (string, error) { return api.RemoteSend(stringArg(args)) },
		"remoteClose":    func([]safejs.Value) (string, error) { return api.RemoteClose() },
		// Eve and Mallory.
		"eve":       func([]safejs.Value) (string, error) { return api.Eve() },
		"mitm":      func(args []safejs.Value) (string, error) { return api.MITM(stringArg(args)) },
		"mitmSend":  func(args []safejs.Value) (string, error) { return api.MITMSend(stringArg(args)) },
		"downgrade": func(args []safejs.Value) (string, error) { return api.Downgrade(stringArg(args)) },
		// The gallery of failures (certificates, negotiation).
		"scenarios":   func([]safejs.Value) (string, error) { return api.Scenarios() },
		"runScenario": func(args []safejs.Value) (string, error) { return api.RunScenario(stringArg(args)) },
	}
	calls := make(chan func()) // one call at a time, in order
	go func() {
		for f := range calls {
			f()
		}
	}()
	for name, fn := range methods {
		fn := fn
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			p, err := newPromise(func(resolve, reject func(any)) {
				calls <- func() {
					defer func() {
						if r := recover(); r != nil {
							reject(jsError(fmt.Sprintf("internal error in the engine (please report it): %v", r)))
						}
					}()
					out, err := fn(args)
					if err != nil {
						reject(jsError(err.Error()))
						return
					}
					resolve(out)
				}
			})
			if err != nil {
				return jsError(err.Error())
			}
			return p
		})
		if err != nil {
			return err
		}
		if err := tp.Set(name, f.Value()); err != nil {
			return err
		}
	}
	if err := safejs.Global().Set("tlsPlayground", tp); err != nil {
		return err
	}
	if err := safejs.Global().Set("tlsPlaygroundReady", true); err != nil {
		return err
	}
	if cb, err := safejs.Global().Get("tlsPlaygroundOnReady"); err == nil && cb.Type() == safejs.TypeFunction {
		_, _ = cb.Invoke()
	}
	return nil
}

func stringArg(args []safejs.Value) string {
	if len(args) == 0 || args[0].Type() != safejs.TypeString {
		return ""
	}
	s, _ := args[0].String()
	return s
}

// newPromise returns new Promise(executor); the executor's body runs in a
// goroutine so that a JS caller is never blocked.
func newPromise(body func(resolve, reject func(any))) (safejs.Value, error) {
	ctor, err := safejs.Global().Get("Promise")
	if err != nil {
		return safejs.Value{}, err
	}
	var exec safejs.Func
	exec, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			defer exec.Release()
			body(func(v any) { _, _ = resolve.Invoke(v) }, func(v any) { _, _ = reject.Invoke(v) })
		}()
		return nil
	})
	if err != nil {
		return safejs.Value{}, err
	}
	return ctor.New(exec.Value())
}

// jsError returns a JS Error with msg.
func jsError(msg string) any {
	ctor, err := safejs.Global().Get("Error")
	if err != nil {
		return msg
	}
	e, err := ctor.New(msg)
	if err != nil {
		return msg
	}
	return e
}
