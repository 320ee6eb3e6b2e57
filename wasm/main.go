//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main outside the browser only says where this program belongs.
func main() {
	fmt.Fprintln(os.Stderr, "this program runs in a browser or Node: build it with GOOS=js GOARCH=wasm (see scripts/build.sh)")
	os.Exit(2)
}
