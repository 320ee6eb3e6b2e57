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
// (or nothing) and returns a Promise of a JSON string (sessionCapture: of an
// object holding a Uint8Array, wire_js.go), rejected with an Error carrying
// the engine's message. An argument of another type (a
// number, null, a plain object) is refused with an error naming the method
// and the argument: "newSession: the argument must be a JSON string (got
// number)". Further arguments are ignored, except setup's and
// importCapture's second: a progress callback, which must be a function
// when it is given; and importCapture's third and fourth: the capture and
// the key log, Uint8Arrays.
func install(api *API) error {
	obj, err := safejs.Global().Get("Object")
	if err != nil {
		return err
	}
	tp, err := obj.New()
	if err != nil {
		return err
	}
	// Each method gets its argument checked: a JSON string, "" when none.
	methods := map[string]func(arg string, args []safejs.Value) (string, error){
		"setup": func(arg string, args []safejs.Value) (string, error) {
			var progress func(string)
			if len(args) > 1 {
				switch t := args[1].Type(); t {
				case safejs.TypeUndefined:
				case safejs.TypeFunction:
					cb := args[1]
					progress = func(stage string) { _, _ = cb.Invoke(stage) }
				default:
					return "", typeError("setup", "the second argument (the progress callback) must be a function", t)
				}
			}
			return api.Setup(arg, progress)
		},
		"generateKey":   func(arg string, _ []safejs.Value) (string, error) { return api.GenerateKey(arg) },
		"newSession":    func(arg string, _ []safejs.Value) (string, error) { return api.NewSession(arg) },
		"send":          func(arg string, _ []safejs.Value) (string, error) { return api.Send(arg) },
		"keyUpdate":     func(arg string, _ []safejs.Value) (string, error) { return api.KeyUpdate(arg) },
		"close":         none("close", api.Close),
		"exportSession": none("exportSession", api.Export),
		// A client whose server answers over HTTP (the page carries the flights).
		"serverIdentity": none("serverIdentity", api.ServerIdentity),
		"remoteStart":    func(arg string, _ []safejs.Value) (string, error) { return api.RemoteStart(arg) },
		"remoteDeliver":  func(arg string, _ []safejs.Value) (string, error) { return api.RemoteDeliver(arg) },
		"remoteSend":     func(arg string, _ []safejs.Value) (string, error) { return api.RemoteSend(arg) },
		"remoteClose":    none("remoteClose", api.RemoteClose),
		// Eve and Mallory.
		"eve":         none("eve", api.Eve),
		"eveTokenKey": func(arg string, _ []safejs.Value) (string, error) { return api.EveTokenKey(arg) },
		"exposure":    func(arg string, _ []safejs.Value) (string, error) { return api.Exposure(arg) },
		"mitm":        func(arg string, _ []safejs.Value) (string, error) { return api.MITM(arg) },
		"mitmSend":    func(arg string, _ []safejs.Value) (string, error) { return api.MITMSend(arg) },
		"downgrade":   func(arg string, _ []safejs.Value) (string, error) { return api.Downgrade(arg) },
		// Resumption and 0-RTT (resume.go).
		"resume":          func(arg string, _ []safejs.Value) (string, error) { return api.Resume(arg) },
		"replayEarlyData": none("replayEarlyData", api.ReplayEarlyData),
		"eveTicketKey":    none("eveTicketKey", api.EveTicketKey),
		// The gallery of failures (certificates, negotiation).
		"scenarios":   none("scenarios", api.Scenarios),
		"runScenario": func(arg string, _ []safejs.Value) (string, error) { return api.RunScenario(arg) },
	}
	// The methods that carry bytes (wire_js.go): Uint8Arrays in, and a plain
	// object with Uint8Arrays out where the result is large.
	all := map[string]func(string, []safejs.Value) (any, error){}
	for name, fn := range methods {
		all[name] = func(arg string, args []safejs.Value) (any, error) { return fn(arg, args) }
	}
	for name, fn := range wireMethods(api) {
		all[name] = fn
	}
	calls := make(chan func()) // one call at a time, in order
	go func() {
		for f := range calls {
			f()
		}
	}()
	for name, fn := range all {
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			p, err := newPromise(func(resolve, reject func(any)) {
				calls <- func() {
					defer func() {
						if r := recover(); r != nil {
							reject(jsError(fmt.Sprintf("internal error in the engine (please report it): %v", r)))
						}
					}()
					arg, err := argument(name, args)
					if err != nil {
						reject(jsError(err.Error()))
						return
					}
					out, err := fn(arg, args)
					if err != nil {
						reject(jsError(err.Error()))
						return
					}
					v, err := toJS(out)
					if err != nil {
						reject(jsError(fmt.Sprintf("%s: returning the result: %v", name, err)))
						return
					}
					resolve(v)
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

// argument returns the first argument of a call to method: a string, or
// "" when there is none (undefined). Any other type is refused, naming the
// method and the type JavaScript's typeof gives (null for null).
func argument(method string, args []safejs.Value) (string, error) {
	if len(args) == 0 {
		return "", nil
	}
	switch t := args[0].Type(); t {
	case safejs.TypeUndefined:
		return "", nil
	case safejs.TypeString:
		return args[0].String()
	default:
		return "", typeError(method, "the argument must be a JSON string", t)
	}
}

// typeError says that a value of type t is not what method takes.
func typeError(method, want string, t safejs.Type) error {
	return fmt.Errorf("%s: %s (got %s)", method, want, t)
}

// none adapts a method that takes no argument: it accepts nothing, "" or
// "{}", as decode does for the others.
func none(method string, f func() (string, error)) func(string, []safejs.Value) (string, error) {
	return func(arg string, _ []safejs.Value) (string, error) {
		if err := noArgument(method, arg); err != nil {
			return "", err
		}
		return f()
	}
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
