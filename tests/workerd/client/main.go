// Command client is the engine's native TLS client speaking the playground's
// HTTP flight protocol (POST /tls/flight, see playground/httpserver) to a
// server over real HTTP: the Worker under workerd (tests/workerd), the
// in-page server bridged to a socket (tests/node/server.test.mjs), or
// scripts/serve. It implements the contract itself (it does not use
// httpserver.Client), so that it checks the server from the outside.
//
// Usage:
//
//	client identity [-key rsa|ecdsa|ed25519] [-name NAME] [-format json|dev-vars]
//	    a fresh identity: a private root CA, a server certificate and key, a token key
//	client check -url URL -trust FILE [-json]
//	    full handshakes (classic, ecdhe, tls13) with data both ways and close, every
//	    bad input of issue 4, and a handshake after them
//	client load -url URL -trust FILE [-n 1000] [-c 8] [-modes tls13,classic] [-max 5m] [-json]
//	    a bounded load run: n handshakes from c concurrent clients; p50/p99 and rate;
//	    -url may list several servers, comma-separated: the clients take them in turn
//	client latency -url URL -trust FILE [-n 100] [-baseline URL] [-json]
//	    sequential requests: GET /tls/info (the Go server doing almost nothing),
//	    the baseline URL (the same runtime without Go), and each flight of handshakes
//
// -trust is the PEM of the root the client trusts (identity's trustPem).
// Every command exits 1 when something failed.
package main

import (
	"fmt"
	"os"
)

func usage() {
	fmt.Fprintln(os.Stderr, `usage: client identity|check|load|latency [flags]  (see the package comment: go doc ./tests/workerd/client)`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "identity":
		err = cmdIdentity(os.Args[2:])
	case "check":
		err = cmdCheck(os.Args[2:])
	case "load":
		err = cmdLoad(os.Args[2:])
	case "latency":
		err = cmdLatency(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
}
