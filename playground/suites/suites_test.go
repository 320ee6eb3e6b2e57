package suites

import (
	"strings"
	"testing"
)

func ids(list ...*Suite) []uint16 {
	out := make([]uint16, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

// TestNegotiate: each rule picks the expected suite for crafted offers, in
// TLS 1.2 and TLS 1.3, and says which rule picked it.
func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		name    string
		offered []uint16
		enabled []*Suite
		order   Order
		want    *Suite
		common  int
	}{
		// TLS 1.3: the client prefers ChaCha20, the server AES-256-GCM.
		{"1.3 server order", ids(ChaCha20Poly1305SHA256, AES128GCMSHA256, AES256GCMSHA384), TLS13, ServerOrder, AES256GCMSHA384, 3},
		{"1.3 client order", ids(ChaCha20Poly1305SHA256, AES128GCMSHA256, AES256GCMSHA384), TLS13, ClientOrder, ChaCha20Poly1305SHA256, 3},
		{"1.3 default is server order", ids(AES128GCMSHA256, AES256GCMSHA384), TLS13, "", AES256GCMSHA384, 2},
		// A server that lists AES-128-GCM first prefers it: its list is its order.
		{"1.3 server's own list", ids(AES256GCMSHA384, AES128GCMSHA256), []*Suite{AES128GCMSHA256, AES256GCMSHA384}, ServerOrder, AES128GCMSHA256, 2},
		{"1.3 client order skips what the server lacks", ids(ChaCha20Poly1305SHA256, AES128GCMSHA256), []*Suite{AES256GCMSHA384, AES128GCMSHA256}, ClientOrder, AES128GCMSHA256, 1},
		// TLS 1.2: the client lists RSA key transport first.
		{"1.2 server order", ids(RSAWithAES128GCMSHA256, ECDHERSAWithChaCha20Poly1305SHA256, ECDHERSAWithAES128GCMSHA256), All, ServerOrder, ECDHERSAWithChaCha20Poly1305SHA256, 3},
		{"1.2 client order", ids(RSAWithAES128GCMSHA256, ECDHERSAWithChaCha20Poly1305SHA256, ECDHERSAWithAES128GCMSHA256), All, ClientOrder, RSAWithAES128GCMSHA256, 3},
		{"1.2 unknown code points", []uint16{0xc013, 0x00ff, ECDHERSAWithAES128GCMSHA256.ID}, ECDHE, ClientOrder, ECDHERSAWithAES128GCMSHA256, 1},
		{"nothing shared", ids(RSAWithAES128GCMSHA256), ECDHE, ClientOrder, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := Negotiate(c.offered, c.enabled, c.order)
			if ch.Suite != c.want || len(ch.Common) != c.common {
				t.Fatalf("picked %v with %d shared, want %v with %d", ch.Suite, len(ch.Common), c.want, c.common)
			}
			if ch.Reason == "" {
				t.Fatal("no reason")
			}
			if c.want != nil && c.common > 1 {
				wantOrder, phrase := ServerOrder, "the server's first preference the client also offers"
				if c.order == ClientOrder {
					wantOrder, phrase = ClientOrder, "the client's first choice the server supports"
				}
				if ch.Order != wantOrder || !strings.Contains(ch.Reason, phrase) || strings.Contains(ch.Reason, "strongest") {
					t.Fatalf("order %q, reason %q", ch.Order, ch.Reason)
				}
			}
		})
	}
}

func TestParseOrder(t *testing.T) {
	for in, want := range map[string]Order{"": ServerOrder, "server": ServerOrder, "client": ClientOrder} {
		if got, err := ParseOrder(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if _, err := ParseOrder("strongest"); err == nil {
		t.Error("strongest accepted")
	}
}
