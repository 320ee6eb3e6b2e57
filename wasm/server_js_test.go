//go:build js && wasm && !core

package main

import (
	"strings"
	"testing"

	"github.com/hack-pad/safejs"
)

func setGlobal(t *testing.T, name string, v any) {
	t.Helper()
	if err := safejs.Global().Set(name, v); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = safejs.Global().Delete(name) })
}

func TestRoleGlobal(t *testing.T) {
	if isServerRole() {
		t.Fatal("server role without the global")
	}
	setGlobal(t, roleGlobal, "client")
	if isServerRole() {
		t.Fatal(`server role with "client"`)
	}
	setGlobal(t, roleGlobal, "server")
	if !isServerRole() {
		t.Fatal(`not the server role with "server"`)
	}
}

func TestPageIdentityGlobal(t *testing.T) {
	if id, err := pageIdentityGlobal(); id != nil || err != nil {
		t.Fatalf("no global: %v %v", id, err)
	}
	setGlobal(t, identityGlobal, "not an object")
	if _, err := pageIdentityGlobal(); err == nil {
		t.Fatal("a string was taken for an identity")
	}
	setGlobal(t, identityGlobal, map[string]any{"certPem": "C", "keyPem": "K", "tokenKey": "T", "trustPem": "ignored"})
	id, err := pageIdentityGlobal()
	if err != nil || *id != (pageIdentity{CertPEM: "C", KeyPEM: "K", TokenKey: "T"}) {
		t.Fatalf("identity %+v, %v", id, err)
	}
	setGlobal(t, identityGlobal, map[string]any{"certPem": "C", "keyPem": 7, "tokenKey": "T"})
	if _, err := pageIdentityGlobal(); err == nil || !strings.Contains(err.Error(), "keyPem") {
		t.Fatalf("a number keyPem: %v", err)
	}
}

// On Cloudflare's glue the env exists; elsewhere cloudflare.Getenv panics,
// which workerEnv turns into "".
func TestWorkerEnvWithoutRuntime(t *testing.T) {
	if v := workerEnv("TOKEN_KEY"); v != "" {
		t.Fatalf("workerEnv without a runtime: %q", v)
	}
}
