package tls13

import "tlsplayground/playground/handshake"

// SetClientHelloHook has the client pass each ClientHello it builds to f
// (retry is set for the one that answers a HelloRetryRequest) before
// marshaling it: the tests play a client that offers what the engine does
// not, such as early_data.
func SetClientHelloHook(cfg *Config, f func(m *handshake.ClientHello, retry bool)) {
	cfg.helloHook = f
}
