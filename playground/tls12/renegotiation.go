// Renegotiation, refused politely: the engine never renegotiates, and says
// so with a no_renegotiation warning instead of ending the connection
// (RFC 5246, Sections 7.2.2 and 7.4.1.1; RFC 5746, Sections 4.2 and 4.4).

package tls12

import (
	"tlsplayground/playground/alert"
	"tlsplayground/playground/conn"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/trace"
)

// readHelloRequest handles the server's HelloRequest (RFC 5246, Section
// 7.4.1.1). Only a server sends one: a server receiving it is
// unexpected_message. It never enters the transcript. During a handshake
// the client ignores it; after the handshake the client declines with a
// no_renegotiation warning and the connection goes on (RFC 5746, Section
// 4.2: a client that does not renegotiate may answer so).
func (c *Conn) readHelloRequest(raw []byte) error {
	if !c.IsClient() {
		return alert.New(alert.UnexpectedMessage, "tls: the client sent a HelloRequest, which only a server sends (RFC 5246, Section 7.4.1.1)")
	}
	if _, err := handshake.UnmarshalHelloRequest(raw); err != nil {
		return err
	}
	if err := c.Ignore("a HelloRequest"); err != nil {
		return err
	}
	switch c.Phase() {
	case conn.Established:
		c.SendAlert(alert.LevelWarning, alert.NoRenegotiation, StepApplication)
		c.cfg.Trace.Add(StepApplication, c.Actor(), "Receives HelloRequest and declines to renegotiate: sends a no_renegotiation warning",
			trace.Text("HelloRequest", "the server asks for a new handshake on this connection", "RFC 5246, Section 7.4.1.1"),
			trace.Text("Answer", "no_renegotiation, level warning (1)", "the connection stays open with the keys it has (RFC 5746, Section 4.2)"))
	case conn.Closed:
		// Our close_notify is sent and our write key is gone: nothing to answer.
	default:
		c.cfg.Trace.Add(c.CurrentStep(), c.Actor(), "Ignores a HelloRequest: a handshake is already under way",
			trace.Text("HelloRequest", "not answered and not hashed into the transcript", "RFC 5246, Section 7.4.1.1"))
	}
	return nil
}

// refuseRenegotiation is the server's answer to a ClientHello on an
// established connection: the engine does not renegotiate, so it sends a
// no_renegotiation warning, keeps the connection and its keys, and hashes
// nothing (RFC 5746, Section 4.4; RFC 5246, Section 7.2.2). The client
// may go on or close.
func (c *Conn) refuseRenegotiation(raw []byte) error {
	if err := c.Ignore("a renegotiating ClientHello"); err != nil {
		return err
	}
	c.SendAlert(alert.LevelWarning, alert.NoRenegotiation, StepApplication)
	c.cfg.Trace.Add(StepApplication, c.Actor(), "Receives a ClientHello on the established connection and declines to renegotiate: sends a no_renegotiation warning",
		trace.Text("ClientHello", "the client asks for a new handshake on this connection", "RFC 5246, Section 7.4.1.2"),
		trace.Text("Answer", "no_renegotiation, level warning (1)", "the connection stays open with the keys it has (RFC 5746, Section 4.4)"))
	return nil
}
