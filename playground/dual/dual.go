// Package dual is the version negotiation in front of the engine's TLS 1.2
// and TLS 1.3 ends: a client that offers both and follows the server's
// choice, and a server that speaks both and answers each client with the
// highest version it offers. Together they exercise the downgrade
// protection of RFC 8446, Section 4.1.3: the sentinel in a TLS 1.2
// ServerHello.random. That section calls it limited protection beyond what
// Finished gives, and none with static RSA key transport, where no
// signature covers the random; give the server ECDHE suites (as
// session.NewDowngrade does) for it to mean anything.
package dual

import (
	"errors"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
)

// firstMessage returns the first handshake message in buf, if whole, from
// unprotected records; n == 0 means more bytes are needed.
func firstMessage(buf []byte) (typ uint8, raw []byte, ok bool, err error) {
	var hs []byte
	for rest := buf; ; {
		rec, n, err := record.Parse(rest)
		if err != nil {
			return 0, nil, false, err
		}
		if n == 0 {
			return 0, nil, false, nil
		}
		rest = rest[n:]
		if rec.Type != record.TypeHandshake {
			return 0, nil, false, alert.New(alert.UnexpectedMessage, "tls: the first record is not a handshake record")
		}
		if len(rec.Payload) > record.MaxPlaintext {
			// RFC 5246, Section 6.2.1; RFC 8446, Section 5.1.
			return 0, nil, false, alert.New(alert.RecordOverflow, "tls: plaintext record longer than 16384 bytes")
		}
		hs = append(hs, rec.Payload...)
		t, m, mn, err := handshake.Split(hs, 1<<17)
		if err != nil {
			return 0, nil, false, err
		}
		if mn > 0 {
			return t, m, true, nil
		}
	}
}

// offersTLS13 reports whether a ClientHello offers TLS 1.3.
func offersTLS13(m *handshake.ClientHello) bool {
	d, ok := handshake.Find(m.Extensions, handshake.ExtSupportedVersions)
	if !ok {
		return false
	}
	vs, _ := handshake.ParseUint16List(d, 1)
	for _, v := range vs {
		if v == suites.VersionTLS13 {
			return true
		}
	}
	return false
}

// Server answers TLS 1.3 to a client that offers it and TLS 1.2 otherwise,
// marking its TLS 1.2 random with the downgrade sentinel.
type Server struct {
	endpoint.Endpoint // nil until the ClientHello is read
	cfg12             *tls12.Config
	cfg13             *tls13.Config
	buf               []byte
	err               error
	out               []record.Out // the fatal alert, when the ClientHello itself is refused
}

// NewServer returns a server speaking both versions; the TLS 1.2 config
// gets DowngradeSentinel set.
func NewServer(cfg12 *tls12.Config, cfg13 *tls13.Config) *Server {
	cfg12.DowngradeSentinel = true
	return &Server{cfg12: cfg12, cfg13: cfg13}
}

// Version returns the negotiated version (0 before the ClientHello).
func (s *Server) Version() uint16 {
	switch s.Endpoint.(type) {
	case *tls12.Conn:
		return suites.VersionTLS12
	case *tls13.Conn:
		return suites.VersionTLS13
	}
	return 0
}

// Receive reads until the ClientHello decides the version, then hands
// everything to the chosen end.
func (s *Server) Receive(data []byte) error {
	if s.Endpoint != nil {
		return s.Endpoint.Receive(data)
	}
	if s.err != nil {
		return s.err
	}
	s.buf = append(s.buf, data...)
	typ, raw, ok, err := firstMessage(s.buf)
	if err != nil {
		return s.fail(err)
	}
	if !ok {
		return nil
	}
	if typ != handshake.TypeClientHello {
		return s.fail(handshake.ErrUnexpected(typ, "ClientHello"))
	}
	m, err := handshake.UnmarshalClientHello(raw)
	if err != nil {
		return s.fail(err)
	}
	if offersTLS13(m) {
		s.Endpoint = tls13.Server(s.cfg13)
	} else {
		s.Endpoint = tls12.Server(s.cfg12)
	}
	buf := s.buf
	s.buf = nil
	return s.Endpoint.Receive(buf)
}

// Client offers TLS 1.3 and 1.2, and continues in the version the server
// picks; a TLS 1.2 answer carrying the downgrade sentinel is refused.
type Client struct {
	endpoint.Endpoint
	c13     *tls13.Conn
	cfg12   *tls12.Config
	hello   []byte
	buf     []byte
	done    bool
	pending []record.Out
}

// NewClient returns a client offering both versions; cfg13.TLS12Suites
// must name the TLS 1.2 suites to offer.
func NewClient(cfg12 *tls12.Config, cfg13 *tls13.Config) (*Client, error) {
	if len(cfg13.TLS12Suites) == 0 {
		return nil, errors.New("dual: no TLS 1.2 suites to offer")
	}
	cfg12.OfferedTLS13 = true
	cfg12.Suites = cfg13.TLS12Suites
	c13 := tls13.Client(cfg13)
	return &Client{Endpoint: c13, c13: c13, cfg12: cfg12}, nil
}

// Start sends the ClientHello, remembering it for a TLS 1.2 answer.
func (c *Client) Start() error {
	if err := c.c13.Start(); err != nil {
		return err
	}
	out := c.c13.TakeOutput()
	for _, o := range out {
		rec, _, _ := record.Parse(o.Wire)
		c.hello = append(c.hello, rec.Payload...)
	}
	c.pending = out
	return nil
}

// Version returns the negotiated version (0 before the ServerHello).
func (c *Client) Version() uint16 {
	if !c.done {
		return 0
	}
	if _, ok := c.Endpoint.(*tls12.Conn); ok {
		return suites.VersionTLS12
	}
	return suites.VersionTLS13
}

// TakeOutput returns the ClientHello kept by Start, then whatever the
// chosen end has to send.
func (c *Client) TakeOutput() []record.Out {
	out := c.pending
	c.pending = nil
	return append(out, c.Endpoint.TakeOutput()...)
}

// Receive waits for the whole ServerHello, then continues in its version.
func (c *Client) Receive(data []byte) error {
	if c.done {
		return c.Endpoint.Receive(data)
	}
	c.buf = append(c.buf, data...)
	typ, raw, ok, err := firstMessage(c.buf)
	if err != nil || !ok {
		if err != nil {
			return c.c13.Receive(c.buf) // let the TLS 1.3 end fail with its alert
		}
		return nil
	}
	c.done = true
	buf := c.buf
	c.buf = nil
	if typ == handshake.TypeServerHello {
		if m, err := handshake.UnmarshalServerHello(raw); err == nil {
			if _, tls13 := handshake.Find(m.Extensions, handshake.ExtSupportedVersions); !tls13 {
				c12, err := tls12.ClientAfterHello(c.cfg12, c.hello)
				if err != nil {
					return err
				}
				c.Endpoint = c12
			}
		}
	}
	return c.Endpoint.Receive(buf)
}

// fail refuses the first flight before either end exists: the error
// becomes sticky and its fatal alert is queued, in the clear.
func (s *Server) fail(err error) error {
	ae := alert.Normalize(err)
	s.err, s.buf = ae, nil
	rec := record.Record{Type: record.TypeAlert, Version: record.VersionTLS12, Payload: []byte{byte(alert.LevelFatal), byte(ae.Alert)}}
	s.out = append(s.out, record.Out{Wire: rec.Marshal(), Name: "Alert", Step: 1})
	return s.err
}

// The server's methods before the ClientHello chose its end.

func (s *Server) Err() error {
	if s.Endpoint == nil {
		return s.err
	}
	return s.Endpoint.Err()
}

func (s *Server) TakeOutput() []record.Out {
	if s.Endpoint == nil {
		o := s.out
		s.out = nil
		return o
	}
	return s.Endpoint.TakeOutput()
}

func (s *Server) TakeApplicationData() [][]byte {
	if s.Endpoint == nil {
		return nil
	}
	return s.Endpoint.TakeApplicationData()
}

func (s *Server) HandshakeComplete() bool { return s.Endpoint != nil && s.Endpoint.HandshakeComplete() }
func (s *Server) PeerClosed() bool        { return s.Endpoint != nil && s.Endpoint.PeerClosed() }
func (s *Server) IsClient() bool          { return false }

func (s *Server) Buffered() int {
	if s.Endpoint == nil {
		return len(s.buf)
	}
	return s.Endpoint.Buffered()
}

func (s *Server) Suite() *suites.Suite {
	if s.Endpoint == nil {
		return nil
	}
	return s.Endpoint.Suite()
}

func (s *Server) KeyLog() string {
	if s.Endpoint == nil {
		return ""
	}
	return s.Endpoint.KeyLog()
}

func (s *Server) Start() error { return errors.New("dual: a server does not start") }

func (s *Server) Write(p []byte) ([]record.Detail, error) {
	if s.Endpoint == nil {
		return nil, errors.New("dual: no handshake yet")
	}
	return s.Endpoint.Write(p)
}

func (s *Server) Close() error {
	if s.Endpoint == nil {
		return nil
	}
	return s.Endpoint.Close()
}

// Buffered counts bytes waiting for the ServerHello, or the end's own.
func (c *Client) Buffered() int {
	if !c.done {
		return len(c.buf)
	}
	return c.Endpoint.Buffered()
}
