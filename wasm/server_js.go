//go:build js && wasm && !core

package main

// The server role: one instance of this program answers one HTTP request
// with the engine's server (playground/httpserver), served by
// github.com/syumai/workers. Its loader creates a fresh instance per
// request (scripts/cloudflare/worker.mjs through the library's own glue on
// Cloudflare, site/js/server-runtime.js in the page), so nothing survives
// in Go memory between flights: the connection's state travels in the
// sealed token.
//
// github.com/syumai/workers reads globalThis.context.binding when the
// program starts (package init, whatever the role): every loader of this
// binary must define globalThis.context = {binding: {}} (the library's own
// wasm_exec does it per instance; the page's client loader needs it too).

import (
	"fmt"

	"github.com/hack-pad/safejs"
	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	"tlsplayground/playground/httpserver"
)

// isServerRole reports whether globalThis.tlsPlaygroundRole === "server".
func isServerRole() bool {
	v, err := safejs.Global().Get(roleGlobal)
	if err != nil || v.Type() != safejs.TypeString {
		return false
	}
	s, err := v.String()
	return err == nil && s == "server"
}

// serve answers the request the loader hands to the library's
// handleRequest, and returns once the response body has been read.
func serve() {
	page, err := pageIdentityGlobal()
	if err != nil {
		workers.Serve(misconfigured(err))
		return
	}
	var getenv func(string) string
	if page == nil {
		getenv = workerEnv // on Cloudflare: the Worker's secrets
	}
	workers.Serve(serverHandler(page, getenv, httpserver.Options{}))
}

// pageIdentityGlobal reads globalThis.tlsPlaygroundServerIdentity: nil when
// the page set none (on Cloudflare), an error when it is malformed.
func pageIdentityGlobal() (*pageIdentity, error) {
	v, err := safejs.Global().Get(identityGlobal)
	if err != nil {
		return nil, err
	}
	switch v.Type() {
	case safejs.TypeUndefined, safejs.TypeNull:
		return nil, nil
	case safejs.TypeObject:
	default:
		return nil, fmt.Errorf("globalThis.%s must be an object {certPem, keyPem, tokenKey}", identityGlobal)
	}
	field := func(name string) (string, error) {
		f, err := v.Get(name)
		if err != nil {
			return "", err
		}
		if f.Type() != safejs.TypeString {
			return "", fmt.Errorf("globalThis.%s.%s must be a string", identityGlobal, name)
		}
		return f.String()
	}
	var id pageIdentity
	if id.CertPEM, err = field("certPem"); err != nil {
		return nil, err
	}
	if id.KeyPEM, err = field("keyPem"); err != nil {
		return nil, err
	}
	if id.TokenKey, err = field("tokenKey"); err != nil {
		return nil, err
	}
	return &id, nil
}

// workerEnv is cloudflare.Getenv, which panics where the runtime gave no
// env (the library's browser runtime): there it reads as empty, and
// IdentityFromEnv names what is missing.
func workerEnv(name string) (v string) {
	defer func() {
		if recover() != nil {
			v = ""
		}
	}()
	return cloudflare.Getenv(name)
}
