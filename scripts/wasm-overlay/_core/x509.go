// This file is added to Go's crypto/x509 in the playground's core engine
// (scripts/wasm-overlay, core.go): there loadSystemRoots reads no files.

//go:build core

package x509

import "errors"

// errNoSystemRoots is why the core has no system roots: Verify without
// VerifyOptions.Roots fails with SystemRootsError{errNoSystemRoots}.
var errNoSystemRoots = errors.New("x509: the playground's core engine reads no system roots (a browser has none to read): give VerifyOptions.Roots")
