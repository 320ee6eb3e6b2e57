package session

import (
	"errors"
	"fmt"
)

// ResumeOptions choose how a second connection resumes the first: the same
// client, the same server, the first connection's ticket (TLS 1.3, RFC 8446
// Section 4.6.1 and 2.2; TLS 1.2, RFC 5077 or a session ID, RFC 5246 Section
// 7.4.1.2).
type ResumeOptions struct {
	// PSKOnly resumes with psk_ke: no (EC)DHE key exchange, so the resumed
	// connection is NOT forward secret (RFC 8446, Section 2.2 and E.5).
	// The default is psk_dhe_ke. TLS 1.3 only.
	PSKOnly bool
	// EarlyData, when not empty, is sent as 0-RTT data right after the
	// ClientHello (RFC 8446, Section 2.3). TLS 1.3 only.
	EarlyData string
	// NoAntiReplay turns off the server's single-use ticket store (RFC
	// 8446, Section 8.1): a replayed 0-RTT flight is then accepted again.
	NoAntiReplay bool
	// Seed drives the second connection's randomness; nil: derived from the
	// first connection's seed.
	Seed []byte
}

// resume12 resumes a TLS 1.2 session (session ID or RFC 5077 ticket). It is
// set by resume12.go's init (package tls12's resumption, H9); nil until then.
var resume12 func(s *Session, opt ResumeOptions) (*Session, error)

// Resume runs a second connection from the same client to the same server,
// resuming the first with what it left behind (a TLS 1.3 ticket, a TLS 1.2
// ticket or session ID). The first connection must have completed its
// handshake.
func (s *Session) Resume(opt ResumeOptions) (*Session, error) {
	if s == nil {
		return nil, errors.New("session: nothing to resume: run a handshake first")
	}
	if !s.Established() && !s.closed {
		return nil, errors.New("session: the first connection did not complete its handshake, so it left nothing to resume: run one that succeeds")
	}
	switch s.mode {
	case ModeTLS13:
		return resume13(s, opt)
	case ModeClassic, ModeECDHE:
		if opt.PSKOnly || opt.EarlyData != "" {
			return nil, fmt.Errorf("session: psk_ke and 0-RTT early data are TLS 1.3 features (RFC 8446, Sections 2.2 and 2.3): the %s mode resumes with a session ID or a ticket only", s.mode)
		}
		if resume12 == nil {
			return nil, errors.New("resumption in TLS 1.2: not yet")
		}
		return resume12(s, opt)
	}
	return nil, fmt.Errorf("session: mode %q cannot be resumed", s.mode)
}

// resume13 resumes a TLS 1.3 session with the ticket the server sent.
func resume13(s *Session, opt ResumeOptions) (*Session, error) {
	return nil, errors.New("resumption in TLS 1.3: the engine's tickets are not wired into sessions yet")
}
