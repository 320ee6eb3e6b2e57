// Package pcap reads and writes packet captures.
//
// Writing: TLS records become TCP connections over IPv4 or IPv6 (link type
// RAW), each with its three-way handshake, the records as segments of at
// most one MSS, correct checksums and a FIN close. WritePCAPNG puts the
// NSS key log in a Decryption Secrets Block before the packets, so that
// Wireshark and tshark open the file decrypted with no other file; Write
// is the classic pcap of one connection, for tools that want the key log
// apart.
//
// Reading: Read parses pcap and pcapng files down to TCP, Streams
// reassembles each connection's bytes.
package pcap

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"sort"
	"time"
)

// Packet is a payload sent by one side: usually one TLS record.
type Packet struct {
	FromClient bool
	Payload    []byte
	// Time is when it was sent; zero: 1 ms after the connection's
	// previous packet.
	Time time.Time
}

// Conn is one TCP connection to write.
type Conn struct {
	// Client and Server are the endpoints; zero: DefaultClient (its port
	// plus the connection's index, modulo 10000) and DefaultServer.
	Client, Server netip.AddrPort
	Packets        []Packet
}

// The endpoints of a connection that does not name its own.
var (
	DefaultClient = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 50000) // 10.0.0.1:50000, not parsed at init
	DefaultServer = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 443)   // 10.0.0.2:443
)

// Write returns a classic pcap file (little-endian, microseconds) holding
// one connection between DefaultClient and DefaultServer, with timestamps
// from start, 1 ms apart.
func Write(packets []Packet, start time.Time) []byte {
	var buf bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], maxPacket)
	binary.LittleEndian.PutUint32(hdr[20:], LinkRaw)
	buf.Write(hdr)
	for _, p := range frames([]Conn{{Packets: packets}}, start) {
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec[0:], uint32(p.t.Unix()))
		binary.LittleEndian.PutUint32(rec[4:], uint32(p.t.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(p.data)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(p.data)))
		buf.Write(rec)
		buf.Write(p.data)
	}
	return buf.Bytes()
}

// WritePCAPNG returns a pcapng file (little-endian) holding the
// connections, each its own TCP stream, and, when keylog is not empty, one
// Decryption Secrets Block with the NSS key log before the first packet
// (draft-ietf-opsawg-pcapng, Section 4.7), so that Wireshark and tshark
// decrypt without being given the key log. Packets without their own Time
// are 1 ms apart, the connections one after the other from start.
func WritePCAPNG(conns []Conn, keylog string, start time.Time) []byte {
	return writePCAPNG(conns, keylog, start, binary.LittleEndian)
}

func writePCAPNG(conns []Conn, keylog string, start time.Time, bo byteOrder) []byte {
	var buf bytes.Buffer
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		var h [8]byte
		bo.PutUint32(h[0:], typ)
		bo.PutUint32(h[4:], uint32(12+len(body)))
		buf.Write(h[:])
		buf.Write(body)
		buf.Write(h[4:8])
	}
	option := func(b []byte, code uint16, v []byte) []byte {
		b = bo.AppendUint16(b, code)
		b = bo.AppendUint16(b, uint16(len(v)))
		b = append(b, v...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	// Section Header Block (Section 4.1): byte-order magic, version 1.0,
	// section length unknown (-1), the writing application.
	shb := bo.AppendUint32(nil, 0x1a2b3c4d)
	shb = bo.AppendUint16(shb, 1)
	shb = bo.AppendUint16(shb, 0)
	shb = bo.AppendUint64(shb, ^uint64(0))
	shb = option(shb, 4, []byte("TLS Playground")) // shb_userappl
	shb = option(shb, 0, nil)
	block(blockSHB, shb)
	// Interface Description Block (Section 4.2): raw IP, timestamps in
	// microseconds (the default if_tsresol).
	idb := bo.AppendUint16(nil, LinkRaw)
	idb = bo.AppendUint16(idb, 0)
	idb = bo.AppendUint32(idb, maxPacket)
	block(blockIDB, idb)
	if keylog != "" {
		dsb := bo.AppendUint32(nil, secretsTLSKeyLog)
		dsb = bo.AppendUint32(dsb, uint32(len(keylog)))
		dsb = append(dsb, keylog...)
		block(blockDSB, dsb)
	}
	for _, p := range frames(conns, start) {
		us := uint64(p.t.UnixMicro())
		epb := bo.AppendUint32(nil, 0) // interface 0
		epb = bo.AppendUint32(epb, uint32(us>>32))
		epb = bo.AppendUint32(epb, uint32(us))
		epb = bo.AppendUint32(epb, uint32(len(p.data)))
		epb = bo.AppendUint32(epb, uint32(len(p.data)))
		epb = append(epb, p.data...)
		block(blockEPB, epb)
	}
	return buf.Bytes()
}

// frame is one IP packet to write.
type frame struct {
	t    time.Time
	data []byte
}

// frames builds every connection's packets and puts them in time order.
func frames(conns []Conn, start time.Time) []frame {
	var all []frame
	clock := start
	for i, c := range conns {
		w := &tcpWriter{client: c.Client, server: c.Server, cseq: 1000 + uint32(i)*1_000_000, sseq: 5000 + uint32(i)*1_000_000}
		if !w.client.IsValid() {
			w.client = netip.AddrPortFrom(DefaultClient.Addr(), DefaultClient.Port()+uint16(i%10000))
		}
		if !w.server.IsValid() {
			w.server = DefaultServer
		}
		w.mss = 1460
		if w.client.Addr().Is6() || w.server.Addr().Is6() {
			w.mss = 1440
		}
		w.t, w.step = clock, time.Millisecond
		if len(c.Packets) > 0 && !c.Packets[0].Time.IsZero() {
			// Real times: the handshake just before the first packet,
			// each segment a microsecond after the previous one at least.
			w.t, w.step = c.Packets[0].Time.Add(-3*time.Microsecond), time.Microsecond
		}
		// The three-way handshake (RFC 9293, Section 3.5).
		w.segment(true, FlagSYN, nil)
		w.cseq++
		w.segment(false, FlagSYN|FlagACK, nil)
		w.sseq++
		w.segment(true, FlagACK, nil)
		for _, p := range c.Packets {
			if p.Time.After(w.t) {
				w.t = p.Time
			}
			for off := 0; off < len(p.Payload); off += w.mss {
				end := min(off+w.mss, len(p.Payload))
				w.segment(p.FromClient, FlagPSH|FlagACK, p.Payload[off:end])
				if p.FromClient {
					w.cseq += uint32(end - off)
				} else {
					w.sseq += uint32(end - off)
				}
			}
		}
		w.segment(true, FlagFIN|FlagACK, nil)
		w.cseq++
		w.segment(false, FlagFIN|FlagACK, nil)
		w.sseq++
		w.segment(true, FlagACK, nil)
		all = append(all, w.out...)
		clock = w.t
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].t.Before(all[j].t) })
	return all
}

// tcpWriter builds one connection's packets.
type tcpWriter struct {
	client, server netip.AddrPort
	t              time.Time
	cseq, sseq     uint32
	id             uint16
	mss            int
	step           time.Duration // between two segments
	out            []frame
}

// segment appends one TCP segment in its IP packet, a step after the last.
func (w *tcpWriter) segment(fromClient bool, flags byte, payload []byte) {
	src, dst, seq, ack := w.client, w.server, w.cseq, w.sseq
	if !fromClient {
		src, dst, seq, ack = w.server, w.client, w.sseq, w.cseq
	}
	if flags&FlagACK == 0 {
		ack = 0
	}
	mss := 0
	if flags&FlagSYN != 0 {
		mss = w.mss
	}
	w.id++
	w.out = append(w.out, frame{w.t, ipPacket(src, dst, w.id, tcpSegment(src, dst, seq, ack, flags, mss, payload))})
	w.t = w.t.Add(w.step)
}

// tcpSegment builds a TCP segment (RFC 9293, Section 3.1) with its
// checksum, and the MSS option (Section 3.7.1) when mss is not 0.
func tcpSegment(src, dst netip.AddrPort, seq, ack uint32, flags byte, mss int, payload []byte) []byte {
	hl := 20
	if mss != 0 {
		hl = 24
	}
	tcp := make([]byte, hl, hl+len(payload))
	binary.BigEndian.PutUint16(tcp[0:], src.Port())
	binary.BigEndian.PutUint16(tcp[2:], dst.Port())
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12] = byte(hl/4) << 4
	tcp[13] = flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	if mss != 0 {
		tcp[20], tcp[21] = 2, 4
		binary.BigEndian.PutUint16(tcp[22:], uint16(mss))
	}
	tcp = append(tcp, payload...)

	// The checksum covers a pseudo-header (RFC 9293, Section 3.1; for
	// IPv6, RFC 8200, Section 8.1).
	s, d, v6 := ipPair(src, dst)
	var pseudo []byte
	pseudo = append(pseudo, s.AsSlice()...)
	pseudo = append(pseudo, d.AsSlice()...)
	if v6 {
		pseudo = binary.BigEndian.AppendUint32(pseudo, uint32(len(tcp)))
		pseudo = append(pseudo, 0, 0, 0, 6)
	} else {
		pseudo = append(pseudo, 0, 6)
		pseudo = binary.BigEndian.AppendUint16(pseudo, uint16(len(tcp)))
	}
	binary.BigEndian.PutUint16(tcp[16:], checksum(append(pseudo, tcp...)))
	return tcp
}

// ipPair returns the addresses of a connection as IP writes them: both
// IPv4, or both IPv6 (an IPv4 end of a connection with an IPv6 end as an
// IPv4-mapped address).
func ipPair(src, dst netip.AddrPort) (s, d netip.Addr, v6 bool) {
	s, d = src.Addr().Unmap(), dst.Addr().Unmap()
	if s.Is6() || d.Is6() {
		return as16(s), as16(d), true
	}
	return s, d, false
}

// ipPacket wraps a TCP segment in an IPv4 header (RFC 791, Section 3.1)
// or an IPv6 header (RFC 8200, Section 3).
func ipPacket(src, dst netip.AddrPort, id uint16, tcp []byte) []byte {
	s, d, v6 := ipPair(src, dst)
	var ip []byte
	if v6 {
		ip = make([]byte, 40, 40+len(tcp))
		ip[0] = 0x60
		binary.BigEndian.PutUint16(ip[4:], uint16(len(tcp)))
		ip[6], ip[7] = 6, 64
		copy(ip[8:], s.AsSlice())
		copy(ip[24:], d.AsSlice())
	} else {
		ip = make([]byte, 20, 20+len(tcp))
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(20+len(tcp)))
		binary.BigEndian.PutUint16(ip[4:], id)
		ip[6] = 0x40 // don't fragment
		ip[8] = 64
		ip[9] = 6
		copy(ip[12:], s.AsSlice())
		copy(ip[16:], d.AsSlice())
		binary.BigEndian.PutUint16(ip[10:], checksum(ip))
	}
	return append(ip, tcp...)
}

// as16 writes an IPv4 address as an IPv4-mapped IPv6 one, for a
// connection with one IPv6 end.
func as16(a netip.Addr) netip.Addr {
	if a.Is4() {
		return netip.AddrFrom16(a.As16())
	}
	return a
}

// checksum is the Internet checksum (RFC 1071).
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}
