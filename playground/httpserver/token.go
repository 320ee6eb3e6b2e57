package httpserver

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

// tokenVersion is the first byte of every sealed token.
const tokenVersion = 1

// tokenAD binds tokens to this purpose, so a key reused elsewhere cannot
// open them.
var tokenAD = []byte("tls-playground connection state v1")

// connState is what a token carries: enough for a fresh server instance to
// rebuild the connection exactly, by replaying the client's bytes into a
// server seeded the same way (the design of TLS session tickets and QUIC
// retry tokens: the server's state travels with the client, sealed).
type connState struct {
	Mode    string
	Group   string
	Seed    []byte // 32 bytes: all of the server's randomness for this connection
	Client  []byte // every byte the client has sent so far, in order
	Expires time.Time
	Flights int
}

// TokenContents is what a token holds, readable by whoever has the token
// key: the server's whole randomness for the connection (Seed) and every
// byte the client sent. That is why forward secrecy does not hold for a
// connection to this server: a recorded session and a later leak of the
// long-lived token key rebuild the server's ephemeral key, as a leaked TLS
// 1.2 session-ticket key does (RFC 5077, Section 5.5; RFC 8446, Section
// E.5). Package eve demonstrates it.
type TokenContents struct {
	Mode, Group string
	Seed        []byte
	Client      []byte
	Expires     time.Time
	Flights     int
}

// OpenToken opens a token with the token key, as an attacker who stole
// the key would.
func OpenToken(key []byte, token string) (*TokenContents, error) {
	st, err := open(key, token)
	if err != nil {
		return nil, err
	}
	return &TokenContents{Mode: st.Mode, Group: st.Group, Seed: st.Seed, Client: st.Client, Expires: st.Expires, Flights: st.Flights}, nil
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

// seal encrypts the state with AES-256-GCM under key, with a random nonce.
func seal(key []byte, st *connState) (string, error) {
	var b cryptobyte.Builder
	b.AddUint8(tokenVersion)
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
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, tokenAD)), nil
}

// open decrypts and parses a token.
func open(key []byte, token string) (*connState, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, errTokenSyntax
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, errTokenOpen
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], tokenAD)
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
	if v != tokenVersion {
		return nil, errTokenVersion
	}
	if !s.ReadUint8LengthPrefixed(&mode) || !s.ReadUint8LengthPrefixed(&group) || !s.ReadUint8LengthPrefixed(&seed) ||
		!s.ReadUint64(&exp) || !s.ReadUint16(&flights) || !s.ReadUint24LengthPrefixed(&client) || !s.Empty() || len(seed) != 32 {
		return nil, errTokenFormat
	}
	return &connState{Mode: string(mode), Group: string(group), Seed: append([]byte(nil), seed...),
		Client: append([]byte(nil), client...), Expires: time.Unix(int64(exp), 0), Flights: int(flights)}, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, errors.New("the token key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
