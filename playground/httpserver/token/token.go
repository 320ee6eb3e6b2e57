// Package token is the sealed state of a connection to the engine's
// server behind HTTP (playground/httpserver): what travels with the client
// in the Tls-Playground-Token header between flights. It is apart from the
// handler so that a reader of tokens (package eve, in the page's engine)
// does not pull in net/http.
package token

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/rng"
)

// version is the first byte of every sealed token.
const version = 1

// AD binds tokens to this purpose, so a key reused elsewhere cannot open
// them: the additional data of every token's AES-256-GCM.
var AD = []byte("tls-playground connection state v1")

// State is what a token carries: enough for a fresh server instance to
// rebuild the connection exactly, by replaying the client's bytes into a
// server seeded the same way (the design of TLS session tickets and QUIC
// retry tokens: the server's state travels with the client, sealed).
//
// Whoever has the token key can read it: the server's whole randomness for
// the connection (Seed) and every byte the client sent. That is why
// forward secrecy does not hold for a connection to this server: a
// recorded session and a later leak of the long-lived token key rebuild
// the server's ephemeral key, as a leaked TLS 1.2 session-ticket key does
// (RFC 5077, Section 5.5; RFC 8446, Section E.5). Package eve demonstrates
// it.
type State struct {
	Mode    string
	Group   string
	Seed    []byte // 32 bytes: all of the server's randomness for this connection
	Client  []byte // every byte the client has sent so far, in order
	Expires time.Time
	Flights int
}

// ServerRand is the server's randomness for a connection: everything it
// draws comes from the seed in the token.
func ServerRand(seed []byte) io.Reader { return rng.New(seed) }

var (
	errTokenSyntax  = errors.New("the token is not valid base64url")
	errTokenOpen    = errors.New("the token cannot be opened with this server's key: it was changed, truncated, or sealed by another server")
	errTokenFormat  = errors.New("the token's contents are malformed")
	errTokenVersion = errors.New("the token comes from another version of this server")
)

// Seal encrypts the state with AES-256-GCM under key, with a random nonce.
func Seal(key []byte, st *State) (string, error) {
	var b cryptobyte.Builder
	b.AddUint8(version)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(st.Mode)) })
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(st.Group)) })
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(st.Seed) })
	b.AddUint64(uint64(st.Expires.Unix()))
	b.AddUint16(uint16(st.Flights))
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(st.Client) })
	plain, err := b.Bytes()
	if err != nil {
		return "", err
	}
	aead, err := NewAEAD(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, AD)), nil
}

// Open decrypts and parses a token: with the server's key, or a stolen one.
func Open(key []byte, token string) (*State, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, errTokenSyntax
	}
	aead, err := NewAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, errTokenOpen
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], AD)
	if err != nil {
		return nil, errTokenOpen
	}
	s := cryptobyte.String(plain)
	var v uint8
	var mode, group, seed, client cryptobyte.String
	var exp uint64
	var flights uint16
	if !s.ReadUint8(&v) {
		return nil, errTokenFormat
	}
	if v != version {
		return nil, errTokenVersion
	}
	if !s.ReadUint8LengthPrefixed(&mode) || !s.ReadUint8LengthPrefixed(&group) || !s.ReadUint8LengthPrefixed(&seed) ||
		!s.ReadUint64(&exp) || !s.ReadUint16(&flights) || !s.ReadUint24LengthPrefixed(&client) || !s.Empty() || len(seed) != 32 {
		return nil, errTokenFormat
	}
	return &State{Mode: string(mode), Group: string(group), Seed: append([]byte(nil), seed...),
		Client: append([]byte(nil), client...), Expires: time.Unix(int64(exp), 0), Flights: int(flights)}, nil
}

// NewAEAD is the AES-256-GCM that seals tokens under key (32 bytes).
func NewAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, errors.New("the token key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
