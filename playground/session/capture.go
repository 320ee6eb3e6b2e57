package session

import (
	"net/netip"
	"time"

	"tlsplayground/playground/pcap"
)

// This file turns sessions into capture files that Wireshark and tshark
// open decrypted: the records as TCP connections, the NSS key log inside
// the file (a pcapng Decryption Secrets Block).

// Mallory's address in an attack-lab capture: the client's connection goes
// to the server's address and is intercepted; Mallory's own connection to
// the server starts from here.
var malloryAddr = netip.MustParseAddrPort("10.0.0.66:50001")

// PCAPNG returns the session as a pcapng file: its records, as they
// crossed the wire, in one TCP connection from pcap.DefaultClient to
// pcap.DefaultServer, with the client's key log inside, so that
// Wireshark and tshark show the decrypted records with no key log file.
// After a KeyUpdate the key log still holds the first application traffic
// secrets: Wireshark derives the next ones itself (RFC 8446, Section 7.2).
func (s *Session) PCAPNG() []byte {
	return pcap.WritePCAPNG([]pcap.Conn{s.pcapConn()}, s.KeyLog(), time.Now())
}

// KeyLog returns the session's key log (NSS format): the client's secrets,
// kept after it closes.
func (s *Session) KeyLog() string {
	s.capture()
	return s.view.keylog
}

// pcapConn is the session's records as one connection.
func (s *Session) pcapConn() pcap.Conn {
	var c pcap.Conn
	for _, r := range s.records {
		b, _ := r.Wire()
		c.Packets = append(c.Packets, pcap.Packet{FromClient: r.From == "client", Payload: b})
	}
	return c
}

// PCAPNG returns the attack lab's sessions as one pcapng file: two TCP
// streams, the client's connection (to the server's address, which
// Mallory intercepts) and Mallory's own connection to the server, with
// both key logs inside (the client's with Mallory, Mallory's with the
// server). A client that refused Mallory leaves one stream.
func (m *MITM) PCAPNG() []byte {
	conns := []pcap.Conn{m.Left.pcapConn()}
	keylog := m.Left.KeyLog()
	if m.Right != nil {
		right := m.Right.pcapConn()
		right.Client, right.Server = malloryAddr, pcap.DefaultServer
		conns = append(conns, right)
		keylog += m.Right.KeyLog()
	}
	return pcap.WritePCAPNG(conns, keylog, time.Now())
}
