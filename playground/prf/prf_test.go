package prf

import (
	"crypto"
	"encoding/hex"
	"testing"
)

// TestPRFKnownAnswer checks P_SHA256 against the vector published on the IETF
// TLS list (../shared/testdata/README.md).
func TestPRFKnownAnswer(t *testing.T) {
	secret, _ := hex.DecodeString("9bbe436ba940f017b17652849a71db35")
	seed, _ := hex.DecodeString("a0ba9f936cda311827a6f796ffd5198c")
	want := "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66"
	got := hex.EncodeToString(PRF(crypto.SHA256, secret, "test label", seed, 100))
	if got != want {
		t.Fatalf("PRF:\n got %s\nwant %s", got, want)
	}
	// A shorter output is a prefix of a longer one.
	if p := hex.EncodeToString(PRF(crypto.SHA256, secret, "test label", seed, 7)); p != want[:14] {
		t.Fatalf("PRF prefix: got %s", p)
	}
}

func TestKeyBlockSplit(t *testing.T) {
	ms := make([]byte, 48)
	k := KeyBlock(crypto.SHA384, ms, make([]byte, 32), make([]byte, 32), 32, 4)
	if len(k.Block) != 72 || len(k.ClientWriteKey) != 32 || len(k.ServerWriteKey) != 32 || len(k.ClientWriteIV) != 4 || len(k.ServerWriteIV) != 4 {
		t.Fatalf("bad split: %d %d %d %d %d", len(k.Block), len(k.ClientWriteKey), len(k.ServerWriteKey), len(k.ClientWriteIV), len(k.ServerWriteIV))
	}
	if hex.EncodeToString(k.ServerWriteIV) != hex.EncodeToString(k.Block[68:]) {
		t.Fatal("server IV is not the last 4 bytes")
	}
}
