//go:build js && wasm

// floor-hello is the smallest Go program that answers the engine worker
// (site/js/engine-worker.js) as the engine does: it installs an empty
// globalThis.tlsPlayground and says so. tests/bench/start-floor.mjs starts it in
// the engine worker beside the real core, to tell what a repeat visit costs
// whatever the engine holds (the browser, the worker, Go's runtime) from what
// the engine's size and the page add.
package main

import "syscall/js"

func main() {
	js.Global().Set("tlsPlayground", js.ValueOf(map[string]any{}))
	js.Global().Set("tlsPlaygroundReady", true)
	if ready := js.Global().Get("tlsPlaygroundOnReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
