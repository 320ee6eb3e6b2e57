package endpoint_test

import (
	"bytes"
	"errors"
	"syscall"
	"testing"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls13"
)

// refusingPeer is a stream whose peer has sent a record and closed: every
// write fails as a write to a closed socket does, and the record is still
// there to read.
type refusingPeer struct{ sent *bytes.Reader }

func (p *refusingPeer) Read(b []byte) (int, error) { return p.sent.Read(b) }
func (p *refusingPeer) Write([]byte) (int, error)  { return 0, syscall.EPIPE }

// A peer that refuses the connection sends its alert and closes; a write
// crossing that close must not hide the alert (RFC 8446 §6.2).
func TestWriteFailureReadsThePeersAlert(t *testing.T) {
	// A fatal handshake_failure alert in a plaintext record.
	alertRecord := []byte{21, 3, 3, 0, 2, 2, 40}
	for _, tc := range []struct {
		name string
		peer *bytes.Reader
		want func(error) bool
	}{
		{"an alert was sent", bytes.NewReader(alertRecord), func(err error) bool {
			var ae *alert.Error
			return errors.As(err, &ae) && ae.Received && ae.Alert == alert.HandshakeFailure
		}},
		{"nothing was sent", bytes.NewReader(nil), func(err error) bool { return errors.Is(err, syscall.EPIPE) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tls13.Client(&tls13.Config{Rand: rng.New([]byte(t.Name())), ServerName: "example.test"})
			err := endpoint.Handshake(c, &refusingPeer{sent: tc.peer})
			if err == nil || !tc.want(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
}
