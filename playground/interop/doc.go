// Package interop holds no code: its tests are the peer matrix, the
// engine against independent TLS stacks (GnuTLS's gnutls-cli and
// gnutls-serv, OpenSSL's s_client and s_server, Go's crypto/tls) in both
// directions for each mode of the playground (classic, ecdhe, tls13).
//
//	go test ./playground/interop -run TestPeers -v
//
// prints the matrix as a Markdown table (peer × direction × mode). Each
// case runs a real handshake over TCP on 127.0.0.1 and sends a line of
// application data each way. Missing tools skip their cases, or fail them
// with TLSPLAY_REQUIRE_TOOLS=1 (scripts/test.sh installs them).
package interop
