//go:build core

package main

// What the tests see of the core build (go build -tags core ./wasm, the
// page's first engine): none of the lab's methods (build_lab_test.go).

// wantBuilt is what globalThis.tlsPlaygroundModules.built says in this build.
const wantBuilt = "core"

// labAPICalls: none in a core build.
var labAPICalls []apiCall

// labLimitCases: none in a core build.
func labLimitCases(*API, func(int) string, string) []limitCase { return nil }
