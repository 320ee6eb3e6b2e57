package tls12

import "tlsplayground/playground/record"

// Hooks for the tests of package tls12_test: they let a test play a peer
// that does what the engine never does.

// SendHandshakeForTest queues raw as one handshake record from c,
// encrypted when c's keys are on, without touching the transcript: a
// server's HelloRequest, a client's renegotiating ClientHello.
func (c *Conn) SendHandshakeForTest(raw []byte, name string) {
	c.queue(record.TypeHandshake, raw, name, StepApplication)
}

// SetPreMasterVersionForTest makes the client put v, not the version of
// its ClientHello, in the pre-master secret it sends.
func (c *Conn) SetPreMasterVersionForTest(v uint16) { c.clientVers = v }

// SendWarningForTest queues a warning alert from c.
func (c *Conn) SendWarningForTest(a uint8) {
	c.queue(record.TypeAlert, []byte{1, a}, "Alert", StepApplication)
}
