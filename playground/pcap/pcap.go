// Package pcap writes TLS records as a packet capture: a TCP connection
// over IPv4 (link type RAW), with a three-way handshake, the records as
// segments and correct checksums, so that Wireshark or tshark opens the
// session and, given the key log, decrypts it.
package pcap

import (
	"bytes"
	"encoding/binary"
	"time"
)

// Packet is a payload sent by one side.
type Packet struct {
	FromClient bool
	Payload    []byte
}

const (
	linkTypeRaw = 101
	flagFIN     = 0x01
	flagSYN     = 0x02
	flagPSH     = 0x08
	flagACK     = 0x10
)

// Endpoints of the synthetic connection.
var (
	ClientIP   = [4]byte{10, 0, 0, 1}
	ServerIP   = [4]byte{10, 0, 0, 2}
	ClientPort = uint16(50000)
	ServerPort = uint16(443)
)

// Write returns a pcap file holding the packets, one segment each, with
// timestamps from start, 1 ms apart.
func Write(packets []Packet, start time.Time) []byte {
	var buf bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], linkTypeRaw)
	buf.Write(hdr)

	w := &writer{buf: &buf, t: start, cseq: 1000, sseq: 5000}
	w.segment(true, flagSYN, nil)
	w.cseq++
	w.segment(false, flagSYN|flagACK, nil)
	w.sseq++
	w.segment(true, flagACK, nil)
	for _, p := range packets {
		for off := 0; off < len(p.Payload) || off == 0; off += 60000 {
			end := min(off+60000, len(p.Payload))
			w.segment(p.FromClient, flagPSH|flagACK, p.Payload[off:end])
			if p.FromClient {
				w.cseq += uint32(end - off)
			} else {
				w.sseq += uint32(end - off)
			}
			if end == len(p.Payload) {
				break
			}
		}
	}
	w.segment(true, flagFIN|flagACK, nil)
	w.cseq++
	w.segment(false, flagFIN|flagACK, nil)
	w.sseq++
	w.segment(true, flagACK, nil)
	return buf.Bytes()
}

type writer struct {
	buf        *bytes.Buffer
	t          time.Time
	cseq, sseq uint32
	id         uint16
}

func (w *writer) segment(fromClient bool, flags byte, payload []byte) {
	src, dst, sport, dport, seq, ack := ClientIP, ServerIP, ClientPort, ServerPort, w.cseq, w.sseq
	if !fromClient {
		src, dst, sport, dport, seq, ack = ServerIP, ClientIP, ServerPort, ClientPort, w.sseq, w.cseq
	}
	if flags&flagACK == 0 {
		ack = 0
	}
	tcp := make([]byte, 20, 20+len(payload))
	binary.BigEndian.PutUint16(tcp[0:], sport)
	binary.BigEndian.PutUint16(tcp[2:], dport)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12] = 5 << 4
	tcp[13] = flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	tcp = append(tcp, payload...)
	pseudo := make([]byte, 12, 12+len(tcp))
	copy(pseudo[0:], src[:])
	copy(pseudo[4:], dst[:])
	pseudo[9] = 6
	binary.BigEndian.PutUint16(pseudo[10:], uint16(len(tcp)))
	binary.BigEndian.PutUint16(tcp[16:], checksum(append(pseudo, tcp...)))

	ip := make([]byte, 20, 20+len(tcp))
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(tcp)))
	w.id++
	binary.BigEndian.PutUint16(ip[4:], w.id)
	ip[6] = 0x40 // don't fragment
	ip[8] = 64
	ip[9] = 6
	copy(ip[12:], src[:])
	copy(ip[16:], dst[:])
	binary.BigEndian.PutUint16(ip[10:], checksum(ip))
	pkt := append(ip, tcp...)

	rec := make([]byte, 16)
	binary.LittleEndian.PutUint32(rec[0:], uint32(w.t.Unix()))
	binary.LittleEndian.PutUint32(rec[4:], uint32(w.t.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(rec[8:], uint32(len(pkt)))
	binary.LittleEndian.PutUint32(rec[12:], uint32(len(pkt)))
	w.buf.Write(rec)
	w.buf.Write(pkt)
	w.t = w.t.Add(time.Millisecond)
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
