package session

import "testing"

// TestPaddingOracle: a changed ClientKeyExchange ciphertext makes the
// real server fail only at the client's Finished (bad_record_mac, like a
// wrong key), while the deliberately leaky server names the bad padding.
func TestPaddingOracle(t *testing.T) {
	cke := 4 // record index of the ClientKeyExchange in a classic handshake
	pos := 5 + 4 + 2 + 10
	real, _ := New(testSetup(t), Options{Seed: []byte("oracle"), Deliver: flip(cke, pos)})
	if e := real.Export().Error; e == nil || e.Alert != "bad_record_mac" {
		t.Fatalf("real server: %+v", e)
	}
	leaky, _ := New(testSetup(t), Options{Seed: []byte("oracle"), Deliver: flip(cke, pos), PaddingOracle: true})
	if e := leaky.Export().Error; e == nil || e.Alert != "decrypt_error" || e.Side != "server" {
		t.Fatalf("leaky server: %+v", e)
	}
	ok, _ := New(testSetup(t), Options{Seed: []byte("oracle"), PaddingOracle: true})
	if !ok.Established() {
		t.Fatal("the leaky server fails a good handshake")
	}
}
