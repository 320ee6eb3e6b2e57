package pcap

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"
)

// Link types (https://www.tcpdump.org/linktypes.html).
const (
	LinkNull     = 0   // BSD loopback: a 4-byte address family in the capturing host's byte order
	LinkEthernet = 1   // IEEE 802.3 Ethernet
	LinkRaw      = 101 // raw IPv4 or IPv6
	LinkLoop     = 108 // OpenBSD loopback: the address family big-endian
	LinkSLL      = 113 // Linux cooked capture v1
	LinkIPv4     = 228
	LinkIPv6     = 229
	LinkSLL2     = 276 // Linux cooked capture v2
	linkRaw12    = 12  // DLT_RAW on some systems, found in pcap files as raw IP
	linkRaw14    = 14  // DLT_RAW on OpenBSD
)

// Ethernet types.
const (
	etherIPv4  = 0x0800
	etherARP   = 0x0806
	etherVLAN  = 0x8100 // IEEE 802.1Q
	etherQinQ  = 0x88a8 // IEEE 802.1ad
	etherVLAN2 = 0x9100 // pre-standard QinQ
	etherIPv6  = 0x86dd
)

// decode decodes every frame down to TCP, reassembling IPv4 fragments.
func (f *File) decode() {
	d := &decoder{f: f, frags: map[fragKey]*fragments{}}
	for i := range f.Frames {
		d.frame(&f.Frames[i])
	}
	var left []*fragments
	for _, fr := range d.frags {
		left = append(left, fr)
	}
	sort.Slice(left, func(i, j int) bool { return left[i].first < left[j].first })
	for _, fr := range left {
		f.Problems = append(f.Problems, fmt.Sprintf("packet %d: ipv4 fragments of datagram id %d never completed (%d bytes of %s): its tcp segment is missing from the stream",
			fr.first, fr.key.id, fr.have(), fr.wantText()))
	}
}

type decoder struct {
	f     *File
	frags map[fragKey]*fragments
}

// problem notes a frame that could not be decoded.
func (d *decoder) problem(fr *Frame, format string, args ...any) {
	fr.Proto = "malformed"
	d.f.Problems = append(d.f.Problems, fmt.Sprintf("packet %d at byte %d: ", fr.Number, fr.Offset)+fmt.Sprintf(format, args...))
}

func (d *decoder) frame(fr *Frame) {
	b := fr.Data
	cut := fr.OrigLen > len(fr.Data)
	var ethType int
	switch fr.LinkType {
	case LinkEthernet:
		if len(b) < 14 {
			d.problem(fr, "ethernet header of %d bytes, below its 14", len(b))
			return
		}
		ethType, b = int(binary.BigEndian.Uint16(b[12:])), b[14:]
		for ethType == etherVLAN || ethType == etherQinQ || ethType == etherVLAN2 {
			if len(b) < 4 {
				d.problem(fr, "802.1Q vlan tag cut short (%d bytes)", len(b))
				return
			}
			ethType, b = int(binary.BigEndian.Uint16(b[2:])), b[4:]
		}
	case LinkRaw, linkRaw12, linkRaw14, LinkIPv4, LinkIPv6:
		ethType = -1 // the version nibble says
	case LinkNull, LinkLoop:
		if len(b) < 4 {
			d.problem(fr, "loopback header of %d bytes, below its 4", len(b))
			return
		}
		fam := binary.BigEndian.Uint32(b)
		if fr.LinkType == LinkNull {
			// The capturing host's byte order, which the file does not
			// say: a family is a small number, so try both.
			if le := binary.LittleEndian.Uint32(b); le < fam {
				fam = le
			}
		}
		b = b[4:]
		switch fam {
		case 2:
			ethType = etherIPv4
		case 10, 24, 28, 30: // AF_INET6 on Linux, the BSDs, FreeBSD, Darwin
			ethType = etherIPv6
		default:
			fr.Proto = fmt.Sprintf("address family %d", fam)
			return
		}
	case LinkSLL:
		if len(b) < 16 {
			d.problem(fr, "linux cooked (sll) header of %d bytes, below its 16", len(b))
			return
		}
		ethType, b = int(binary.BigEndian.Uint16(b[14:])), b[16:]
	case LinkSLL2:
		if len(b) < 20 {
			d.problem(fr, "linux cooked v2 (sll2) header of %d bytes, below its 20", len(b))
			return
		}
		ethType, b = int(binary.BigEndian.Uint16(b)), b[20:]
	default:
		fr.Proto = fmt.Sprintf("unknown link type %d", fr.LinkType)
		return
	}
	if ethType == -1 {
		if len(b) == 0 {
			d.problem(fr, "empty raw ip packet")
			return
		}
		switch b[0] >> 4 {
		case 4:
			ethType = etherIPv4
		case 6:
			ethType = etherIPv6
		default:
			d.problem(fr, "raw ip packet of version %d, neither 4 nor 6", b[0]>>4)
			return
		}
	}
	switch ethType {
	case etherIPv4:
		d.ipv4(fr, b, cut)
	case etherIPv6:
		d.ipv6(fr, b, cut)
	case etherARP:
		fr.Proto = "arp"
	default:
		fr.Proto = fmt.Sprintf("ethertype 0x%04x", ethType)
	}
}

// ipv4 decodes an IPv4 header (RFC 791, Section 3.1), options included.
func (d *decoder) ipv4(fr *Frame, b []byte, cut bool) {
	if len(b) < 20 {
		d.problem(fr, "ipv4 header of %d bytes, below its 20", len(b))
		return
	}
	if v := b[0] >> 4; v != 4 {
		d.problem(fr, "ipv4 header with version %d", v)
		return
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 || ihl > len(b) {
		d.problem(fr, "ipv4 header length %d (of %d bytes captured) is not between 20 and the packet's length", ihl, len(b))
		return
	}
	total := int(binary.BigEndian.Uint16(b[2:]))
	switch {
	case total == 0:
		total = len(b) // segmentation offload: the sender's capture has no length yet
	case total < ihl:
		d.problem(fr, "ipv4 total length %d is below its header length %d", total, ihl)
		return
	case total > len(b) && !cut:
		d.problem(fr, "ipv4 total length %d is beyond the %d bytes of the packet", total, len(b))
		return
	}
	payload := b[ihl:min(total, len(b))] // Ethernet pads short frames: the IP length says where the packet ends
	cut = cut && total > len(b)
	src, _ := netip.AddrFromSlice(b[12:16])
	dst, _ := netip.AddrFromSlice(b[16:20])
	proto := b[9]
	flags := binary.BigEndian.Uint16(b[6:])
	if more, off := flags&0x2000 != 0, int(flags&0x1fff)*8; more || off != 0 {
		if cut {
			d.problem(fr, "ipv4 fragment cut at the snapshot length: it cannot be reassembled")
			return
		}
		whole := d.fragment(fr, fragKey{src, dst, binary.BigEndian.Uint16(b[4:]), proto}, off, more, payload)
		if whole == nil {
			fr.Proto = "ipv4 fragment"
			return
		}
		payload = whole
	}
	d.transport(fr, proto, src, dst, payload, cut)
}

// ipv6 decodes an IPv6 header (RFC 8200, Section 3) and skips its
// extension headers (Section 4).
func (d *decoder) ipv6(fr *Frame, b []byte, cut bool) {
	if len(b) < 40 {
		d.problem(fr, "ipv6 header of %d bytes, below its 40", len(b))
		return
	}
	if v := b[0] >> 4; v != 6 {
		d.problem(fr, "ipv6 header with version %d", v)
		return
	}
	plen := int(binary.BigEndian.Uint16(b[4:]))
	next := b[6]
	src, _ := netip.AddrFromSlice(b[8:24])
	dst, _ := netip.AddrFromSlice(b[24:40])
	b = b[40:]
	switch {
	case plen == 0:
		plen = len(b) // a jumbogram or segmentation offload
	case plen > len(b) && !cut:
		d.problem(fr, "ipv6 payload length %d is beyond the %d bytes of the packet", plen, len(b))
		return
	}
	cut = cut && plen > len(b)
	b = b[:min(plen, len(b))]
	for {
		switch next {
		case 0, 43, 60: // hop-by-hop, routing, destination options
			if len(b) < 8 || len(b) < (int(b[1])+1)*8 {
				d.problem(fr, "ipv6 extension header %d cut short", next)
				return
			}
			next, b = b[0], b[(int(b[1])+1)*8:]
			continue
		case 51: // authentication header (RFC 4302, Section 2)
			if len(b) < 8 || len(b) < (int(b[1])+2)*4 {
				d.problem(fr, "ipv6 authentication header cut short")
				return
			}
			next, b = b[0], b[(int(b[1])+2)*4:]
			continue
		case 44: // fragment
			if len(b) < 8 {
				d.problem(fr, "ipv6 fragment header cut short")
				return
			}
			if fo := binary.BigEndian.Uint16(b[2:]); fo&0xfff9 != 0 {
				fr.Proto = "ipv6 fragment"
				d.f.Problems = append(d.f.Problems, fmt.Sprintf("packet %d at byte %d: ipv6 fragment: ipv6 fragments are not reassembled, so its tcp segment is missing from the stream", fr.Number, fr.Offset))
				return
			}
			next, b = b[0], b[8:] // an atomic fragment (RFC 6946): the whole packet
			continue
		}
		break
	}
	d.transport(fr, next, src, dst, b, cut)
}

// transport decodes TCP (RFC 9293, Section 3.1) and names the others.
func (d *decoder) transport(fr *Frame, proto byte, src, dst netip.Addr, b []byte, cut bool) {
	switch proto {
	case 6:
	case 17:
		fr.Proto = "udp"
		return
	case 1, 58:
		fr.Proto = "icmp"
		return
	case 59:
		fr.Proto = "no next header"
		return
	default:
		fr.Proto = fmt.Sprintf("ip protocol %d", proto)
		return
	}
	if len(b) < 20 {
		if cut {
			fr.Proto = "tcp (cut)"
			d.f.Problems = append(d.f.Problems, fmt.Sprintf("packet %d at byte %d: the tcp header is cut at the snapshot length: the segment is missing from the stream", fr.Number, fr.Offset))
			return
		}
		d.problem(fr, "tcp header of %d bytes, below its 20", len(b))
		return
	}
	doff := int(b[12]>>4) * 4
	if doff < 20 || doff > len(b) {
		d.problem(fr, "tcp data offset %d (of %d bytes) is not between 20 and the segment's length", doff, len(b))
		return
	}
	fr.Proto = "tcp"
	fr.TCP = &TCP{
		Src:   netip.AddrPortFrom(src.Unmap(), binary.BigEndian.Uint16(b)),
		Dst:   netip.AddrPortFrom(dst.Unmap(), binary.BigEndian.Uint16(b[2:])),
		Seq:   binary.BigEndian.Uint32(b[4:]),
		Ack:   binary.BigEndian.Uint32(b[8:]),
		Flags: b[13], Payload: b[doff:], Cut: cut,
	}
}

// fragKey identifies an IPv4 datagram (RFC 791, Section 2.3).
type fragKey struct {
	src, dst netip.Addr
	id       uint16
	proto    byte
}

// fragments are the pieces of one datagram seen so far.
type fragments struct {
	key   fragKey
	first int // the frame number of the first piece
	parts []fragPart
	total int // -1 until the last fragment arrives
}

type fragPart struct {
	off  int
	data []byte
}

// have counts the bytes received (overlaps counted once each time).
func (fr *fragments) have() int {
	n := 0
	for _, p := range fr.parts {
		n += len(p.data)
	}
	return n
}

func (fr *fragments) wantText() string {
	if fr.total < 0 {
		return "an unknown length: the last fragment never came"
	}
	return fmt.Sprint(fr.total)
}

// maxDatagrams bounds the datagrams being reassembled at once.
const maxDatagrams = 1024

// fragment adds a piece and returns the whole datagram's payload once
// every byte has arrived (RFC 791, Section 3.2, reassembly).
func (d *decoder) fragment(fr *Frame, k fragKey, off int, more bool, data []byte) []byte {
	g := d.frags[k]
	if g == nil {
		if len(d.frags) >= maxDatagrams {
			d.problem(fr, "more than %d ipv4 datagrams in pieces at once: this fragment is dropped", maxDatagrams)
			return nil
		}
		g = &fragments{key: k, first: fr.Number, total: -1}
		d.frags[k] = g
	}
	if off+len(data) > 65535 {
		d.problem(fr, "ipv4 fragment at offset %d of %d bytes goes past the 65535-byte limit of a datagram", off, len(data))
		return nil
	}
	g.parts = append(g.parts, fragPart{off, data})
	if !more {
		g.total = off + len(data)
	}
	if g.total < 0 {
		return nil
	}
	sort.SliceStable(g.parts, func(i, j int) bool { return g.parts[i].off < g.parts[j].off })
	end := 0
	for _, p := range g.parts {
		if p.off > end {
			return nil // a hole
		}
		end = max(end, p.off+len(p.data))
	}
	if end < g.total {
		return nil
	}
	whole := make([]byte, g.total)
	for _, p := range g.parts {
		if p.off < g.total {
			copy(whole[p.off:], p.data)
		}
	}
	delete(d.frags, k)
	return whole
}
