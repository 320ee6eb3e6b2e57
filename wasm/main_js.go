//go:build js && wasm

package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hack-pad/safejs"
)

// main installs the page's client API, globalThis.tlsPlayground, and keeps
// the program alive. A loader that runs two engines in one worker (the core
// and the lab module, site/js/engine-worker.js) names the second one's
// global with the argument -global=NAME (go.argv). The HTTP server role is
// another program, ./wasm/server (the Worker and the page's in-page server).
func main() {
	name := "tlsPlayground"
	for _, a := range os.Args[1:] {
		if g, ok := strings.CutPrefix(a, "-global="); ok && g != "" {
			name = g
		}
	}
	api := &API{}
	if err := installAs(api, name); err != nil {
		if console, cerr := safejs.Global().Get("console"); cerr == nil {
			_, _ = console.Call("error", "tls playground: cannot install the API: "+err.Error())
		}
		return
	}
	select {}
}

// The engine is built as two modules (scripts/build.sh): the core (-tags
// core), everything the first view uses, and the lab (no tag: the whole
// engine), loaded by the worker on first use of a method the core does not
// have. methodTable is the one list of the engine's methods and the module
// each is in; the worker routes by it (globalThis.tlsPlaygroundModules).
const (
	inCore = "core"
	inLab  = "lab"
)

var methodTable = []struct{ name, module string }{
	// Keys, the session's handles and the handshakes of every mode.
	{"setup", inCore}, {"generateKey", inCore}, {"newSession", inCore}, {"releaseSession", inCore},
	{"prepareSession", inCore}, {"takePrepared", inCore},
	{"send", inCore}, {"keyUpdate", inCore}, {"close", inCore}, {"exportSession", inCore},
	{"describeCertificates", inCore}, {"catalogue", inCore},
	// A client whose server answers over HTTP (the page carries the flights).
	{"serverIdentity", inCore}, {"remoteStart", inCore}, {"remoteDeliver", inCore}, {"remoteSend", inCore}, {"remoteClose", inCore},
	// A handle's state, for the lab (adopt.go).
	{"sessionState", inCore}, {"adoptSession", inLab},
	// Eve and Mallory.
	{"eve", inLab}, {"eveTokenKey", inLab}, {"exposure", inLab}, {"mitm", inLab}, {"mitmSend", inLab}, {"downgrade", inLab},
	// Resumption and 0-RTT (resume.go).
	{"resume", inLab}, {"replayEarlyData", inLab}, {"eveTicketKey", inLab},
	// The gallery of failures (certificates, negotiation).
	{"scenarios", inLab}, {"runScenario", inLab},
	// Every byte: the analyzer, captures out and in, a browser's hello (wire.go).
	{"analyze", inLab}, {"sessionCapture", inLab}, {"importCapture", inLab}, {"browserHello", inLab},
}

// jsMethod is a method as install calls it: the JSON argument, checked,
// and every argument as given.
type jsMethod func(arg string, args []safejs.Value) (any, error)

// str adapts a method that returns a JSON string.
func str(f func(string) (string, error)) jsMethod {
	return func(arg string, _ []safejs.Value) (any, error) { return f(arg) }
}

// coreMethods are the core's implementations of methodTable's core entries.
func coreMethods(api *API) map[string]jsMethod {
	return map[string]jsMethod{
		"setup": func(arg string, args []safejs.Value) (any, error) {
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
		"generateKey":          str(api.GenerateKey),
		"newSession":           str(api.NewSession),
		"prepareSession":       str(api.PrepareSession),
		"takePrepared":         str(api.TakePrepared),
		"releaseSession":       str(api.ReleaseSession),
		"send":                 str(api.Send),
		"keyUpdate":            str(api.KeyUpdate),
		"close":                str(api.Close),
		"exportSession":        str(api.Export),
		"describeCertificates": str(api.DescribeCertificates),
		"catalogue":            str(api.Catalogue),
		"serverIdentity":       str(api.ServerIdentity),
		"remoteStart":          str(api.RemoteStart),
		"remoteDeliver":        str(api.RemoteDeliver),
		"remoteSend":           str(api.RemoteSend),
		"remoteClose":          str(api.RemoteClose),
		"sessionState":         str(api.SessionState),
	}
}

// install sets globalThis.tlsPlayground (installAs).
func install(api *API) error { return installAs(api, "tlsPlayground") }

// installAs sets globalThis[name]: each method takes one JSON string
// (or nothing) and returns a Promise of a JSON string (sessionCapture: of an
// object holding a Uint8Array, wire_js.go), rejected with an Error carrying
// the engine's message. An argument of another type (a
// number, null, a plain object) is refused with an error naming the method
// and the argument: "newSession: the argument must be a JSON string (got
// number)". Further arguments are ignored, except setup's and
// importCapture's second: a progress callback, which must be a function
// when it is given; and importCapture's third and fourth: the capture and
// the key log, Uint8Arrays. Then globalThis[name+"Modules"] =
// {built: "core"|"full", core: [names], lab: [names]} tells the loader
// where each method is, globalThis[name+"Ready"] is true and
// globalThis[name+"OnReady"], when it is a function, is called.
func installAs(api *API, name string) error {
	obj, err := safejs.Global().Get("Object")
	if err != nil {
		return err
	}
	tp, err := obj.New()
	if err != nil {
		return err
	}
	all := coreMethods(api)
	lab := labMethods(api)
	built := "core"
	if lab != nil {
		built = "full"
	}
	for n, fn := range lab {
		all[n] = fn
	}
	var coreNames, labNames []any
	for _, m := range methodTable {
		if m.module == inCore {
			coreNames = append(coreNames, m.name)
		} else {
			labNames = append(labNames, m.name)
		}
		if _, ok := all[m.name]; !ok && (m.module == inCore || lab != nil) {
			return fmt.Errorf("method %s (%s) has no implementation", m.name, m.module)
		}
	}
	if len(all) != len(coreNames)+len(labNames) && lab != nil || len(all) != len(coreNames) && lab == nil {
		return fmt.Errorf("%d methods are implemented and %d listed in methodTable: list every method there", len(all), len(methodTable))
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
	modules, err := obj.New()
	if err != nil {
		return err
	}
	arr, err := safejs.Global().Get("Array")
	if err != nil {
		return err
	}
	for k, names := range map[string][]any{inCore: coreNames, inLab: labNames} {
		list, err := arr.Call("of", names...)
		if err != nil {
			return err
		}
		if err := modules.Set(k, list); err != nil {
			return err
		}
	}
	if err := modules.Set("built", built); err != nil {
		return err
	}
	if err := safejs.Global().Set(name+"Modules", modules); err != nil {
		return err
	}
	if err := safejs.Global().Set(name, tp); err != nil {
		return err
	}
	if err := safejs.Global().Set(name+"Ready", true); err != nil {
		return err
	}
	if cb, err := safejs.Global().Get(name + "OnReady"); err == nil && cb.Type() == safejs.TypeFunction {
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
