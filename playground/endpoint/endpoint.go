// Package endpoint is what every connection end of the engine offers, TLS
// 1.2 or 1.3, client or server: a sans-I/O state machine fed with received
// bytes and drained of records to send. The drivers in drive.go run one
// over a byte stream (a TCP socket).
package endpoint

import (
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
)

// Endpoint is one end of a connection.
type Endpoint interface {
	// Start sends the first flight (clients only).
	Start() error
	// Receive processes bytes from the peer; a partial record is kept.
	Receive(data []byte) error
	// TakeOutput returns the records waiting to be sent.
	TakeOutput() []record.Out
	// TakeApplicationData returns the application data received so far.
	TakeApplicationData() [][]byte
	// Write queues application data.
	Write(p []byte) ([]record.Detail, error)
	// Close sends close_notify and discards this side's keys.
	Close() error
	Err() error
	HandshakeComplete() bool
	PeerClosed() bool
	// Buffered counts received bytes waiting for the rest of a record or message.
	Buffered() int
	IsClient() bool
	Suite() *suites.Suite
	// KeyLog returns the NSS key log lines for the connection.
	KeyLog() string
}
