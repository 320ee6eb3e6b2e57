module tlsplayground

go 1.26.8

require (
	github.com/hack-pad/safejs v0.1.0
	golang.org/x/crypto v0.59.0
)

require (
	github.com/syumai/workers v0.32.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

// cryptocustomrand=1 makes crypto/rsa and crypto/x509 use the io.Reader they are
// given (Go 1.26 ignores it by default), so that a session replays exactly from
// a seed. Applies to every main package and test in this module.
godebug cryptocustomrand=1

tool github.com/syumai/workers/cmd/workers-assets-gen
