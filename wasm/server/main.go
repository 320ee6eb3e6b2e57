//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main outside a JS runtime only says where this program belongs.
func main() {
	fmt.Fprintln(os.Stderr, "this program is the playground's HTTP server for a JS runtime (the Cloudflare Worker, the page's in-page server):"+
		" build it with GOOS=js GOARCH=wasm go build ./wasm/server (see scripts/cloudflare/build.sh)")
	os.Exit(2)
}
