package httpserver

import (
	"io"

	"tlsplayground/playground/httpserver/token"
)

// The token format lives in package token (no net/http there, for readers
// of tokens in the page's engine); these names keep the handler and its
// callers as they were.

// connState is what a token carries (token.State).
type connState = token.State

// TokenContents is what a token holds, readable by whoever has the token
// key (token.State: see there why forward secrecy does not hold).
type TokenContents = token.State

// OpenToken opens a token with the token key, as an attacker who stole
// the key would.
func OpenToken(key []byte, tok string) (*TokenContents, error) { return token.Open(key, tok) }

// ServerRand is the server's randomness for a connection: everything it
// draws comes from the seed in the token.
func ServerRand(seed []byte) io.Reader { return token.ServerRand(seed) }

func seal(key []byte, st *connState) (string, error)  { return token.Seal(key, st) }
func open(key []byte, tok string) (*connState, error) { return token.Open(key, tok) }
