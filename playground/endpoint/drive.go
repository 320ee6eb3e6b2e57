package endpoint

import (
	"errors"
	"fmt"
	"io"
)

// Flush writes every queued record to w in one write.
func Flush(c Endpoint, w io.Writer) error {
	var buf []byte
	for _, o := range c.TakeOutput() {
		buf = append(buf, o.Wire...)
	}
	if len(buf) == 0 {
		return nil
	}
	_, err := w.Write(buf)
	return err
}

// Handshake runs the connection over a byte stream (a TCP socket, say)
// until the handshake completes or fails. A failure's alert is written to
// the stream before the error is returned.
// A client's first flight is sent first.
func Handshake(c Endpoint, rw io.ReadWriter) error {
	if c.IsClient() {
		if err := c.Start(); err != nil {
			return err
		}
	}
	buf := make([]byte, 1<<15)
	for {
		if err := Flush(c, rw); err != nil {
			return writeFailed(c, rw, err)
		}
		if err := c.Err(); err != nil {
			return err
		}
		if c.HandshakeComplete() {
			return nil
		}
		n, rerr := rw.Read(buf)
		if n > 0 {
			c.Receive(buf[:n]) // an error is sticky: flushed and returned above
			continue
		}
		if rerr != nil {
			return fmt.Errorf("tls: the connection ended during the handshake: %w", rerr)
		}
	}
}

// ReadApplicationData reads from r until application data arrives, the peer
// closes (io.EOF) or the connection fails.
func ReadApplicationData(c Endpoint, rw io.ReadWriter) ([]byte, error) {
	buf := make([]byte, 1<<15)
	for {
		if d := c.TakeApplicationData(); len(d) > 0 {
			var out []byte
			for _, p := range d {
				out = append(out, p...)
			}
			return out, nil
		}
		if err := Flush(c, rw); err != nil {
			return nil, writeFailed(c, rw, err)
		}
		if err := c.Err(); err != nil {
			return nil, err
		}
		if c.PeerClosed() {
			return nil, io.EOF
		}
		n, rerr := rw.Read(buf)
		if n > 0 {
			c.Receive(buf[:n])
			continue
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, rerr
		}
	}
}

// writeFailed is the error of a write to the peer that failed. A peer that
// refuses a connection sends its alert and closes (RFC 8446 §6.2), and a
// write that crosses that close fails (a broken pipe, a reset), though the
// alert is already in the stream: whatever the peer sent is read and given
// to the connection first, so that the error names the peer's alert when
// there is one, and the write's failure only when there is none.
func writeFailed(c Endpoint, r io.Reader, werr error) error {
	buf := make([]byte, 1<<12)
	for c.Err() == nil {
		n, err := r.Read(buf)
		if n > 0 {
			c.Receive(buf[:n])
			continue
		}
		if err != nil {
			break
		}
	}
	if err := c.Err(); err != nil {
		return err
	}
	return fmt.Errorf("tls: cannot write to the peer: %w", werr)
}
