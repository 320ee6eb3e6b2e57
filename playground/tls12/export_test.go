package tls12

import (
	"tlsplayground/playground/kx"
	"tlsplayground/playground/record"
)

// Hooks for the tests of package tls12_test: they let a test play a peer
// that does what the engine never does.

// SendHandshakeForTest queues raw as one handshake record from c,
// encrypted when c's keys are on, without touching the transcript: a
// server's HelloRequest, a client's renegotiating ClientHello.
func (c *Conn) SendHandshakeForTest(raw []byte, name string) {
	c.Queue(record.TypeHandshake, raw, name, StepApplication)
}

// SetPreMasterVersionForTest makes the client put v, not the version of
// its ClientHello, in the pre-master secret it sends.
func (c *Conn) SetPreMasterVersionForTest(v uint16) { c.clientVers = v }

// SendWarningForTest queues a warning alert from c.
func (c *Conn) SendWarningForTest(a uint8) {
	c.Queue(record.TypeAlert, []byte{1, a}, "Alert", StepApplication)
}

// EphemeralForTest is what the engine itself holds of the key exchange:
// this side's ephemeral key (nil for RSA key transport) and the
// pre-master secret (for ECDHE, the shared secret), the very slices, not
// copies.
func (c *Conn) EphemeralForTest() (eph *kx.Private, preMaster []byte) {
	return c.eph, c.sec.PreMaster
}

// BeforeEraseForTest has c call f just before it erases its key exchange
// secrets.
func (c *Conn) BeforeEraseForTest(f func()) { c.beforeErase = f }

// HasServerResumptionForTest says whether this build has the server's
// resumption (not in a core build: serverResumption).
func HasServerResumptionForTest() bool { return serverResumption != nil }
