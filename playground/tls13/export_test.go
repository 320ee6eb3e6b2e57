package tls13

import (
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
)

// SetClientHelloHook has the client pass each ClientHello it builds to f
// (retry is set for the one that answers a HelloRetryRequest) before
// marshaling it: the tests play a client that offers what the engine does
// not, such as early_data.
func SetClientHelloHook(cfg *Config, f func(m *handshake.ClientHello, retry bool)) {
	cfg.helloHook = f
}

// EphemeralForTest is what the engine itself holds of the key exchange,
// the very slices, not copies: every ephemeral key this side made (the
// client's shares, or the server's), the shared secret, and the early and
// handshake secrets.
func (c *Conn) EphemeralForTest() (keys []*kx.Private, shared, early, handshakeSecret []byte) {
	for _, p := range c.privates {
		keys = append(keys, p)
	}
	if c.mine != nil {
		keys = append(keys, c.mine)
	}
	if c.ks != nil {
		early, handshakeSecret = c.ks.Early, c.ks.Handshake
	}
	return keys, c.shared, early, handshakeSecret
}

// BeforeEraseForTest has c call f just before it erases its ephemeral
// secrets.
func (c *Conn) BeforeEraseForTest(f func()) { c.beforeErase = f }

// PSKForTest is the resumption PSK the connection holds (the very slice).
func (c *Conn) PSKForTest() []byte { return c.psk }
