//go:build js && wasm && core

package main

// labMethods: a core build has none of the lab's methods (main_js.go's
// methodTable); the worker loads the lab module for them.
func labMethods(*API) map[string]jsMethod { return nil }
