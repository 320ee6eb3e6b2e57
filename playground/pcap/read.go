package pcap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"time"

	"tlsplayground/playground/trace"
)

// File is a capture file as read: its packets in file order, decoded down
// to TCP where they carry it, and the TLS key log it holds, if any.
type File struct {
	Format string // "pcap" or "pcapng"
	// BigEndian: the byte order of the file (of its first section).
	BigEndian bool
	Frames    []Frame
	// KeyLog is the text of every Decryption Secrets Block of type TLS key
	// log (pcapng, 0x544c534b), in file order: NSS key log lines that
	// Wireshark uses to decrypt, carried inside the capture.
	KeyLog string
	// Truncated: the file ends inside a block or packet record. Frames
	// holds the packets before the cut; Read also returns an error
	// wrapping ErrTruncated.
	Truncated bool
	// Problems are the packets that could not be decoded, the IPv4
	// fragments left unreassembled and the link types not understood, one
	// lower-case sentence each, naming the packet and its byte offset.
	Problems []string
}

// Frame is one captured packet.
type Frame struct {
	Number   int // 1-based, as Wireshark numbers packets
	Offset   int // byte offset of its record or block in the file
	Time     time.Time
	LinkType int
	Data     []byte // the captured bytes, from the link-layer header on
	OrigLen  int    // the packet's length on the wire (Data may be cut at the snapshot length)
	// Proto names what the packet carries, as far as it was decoded: "tcp",
	// "udp", "icmp", "ipv4 fragment", "arp", "unknown link type 147" …
	Proto string
	TCP   *TCP // nil unless Proto is "tcp"
}

// TCP is a decoded TCP segment (RFC 9293, Section 3.1).
type TCP struct {
	Src, Dst netip.AddrPort
	Seq, Ack uint32
	Flags    uint8
	Payload  []byte
	// Cut: the packet was captured shorter than it was (snapshot
	// length), so Payload lacks its end.
	Cut bool
}

// TCP flags (RFC 9293, Section 3.1).
const (
	FlagFIN = 0x01
	FlagSYN = 0x02
	FlagRST = 0x04
	FlagPSH = 0x08
	FlagACK = 0x10
)

// ErrTruncated is wrapped by the error Read returns for a file that ends
// inside a record: the packets before the cut are in the File.
var ErrTruncated = errors.New("the capture file is truncated")

// Limits on what Read accepts from a file.
const (
	maxPacket = 1 << 18 // the largest packet record read (tcpdump's default snapshot length)
	maxBlock  = 1 << 24 // the largest pcapng block read
)

// Read parses a capture file: classic pcap (either byte order, microsecond
// or nanosecond timestamps) or pcapng (any number of sections, each in its
// own byte order; interfaces with their if_tsresol and if_tsoffset;
// Enhanced, Simple and obsolete Packet Blocks; Decryption Secrets Blocks;
// other blocks skipped by their length). Packets are decoded through the
// link layer (Ethernet with 802.1Q tags, raw IP, Linux cooked SLL and SLL2,
// BSD loopback) and IPv4 or IPv6 down to TCP; IPv4 fragments are
// reassembled.
//
// A malformed file is an error naming the block or packet and its byte
// offset. A truncated file returns the packets read so far and an error
// wrapping ErrTruncated.
func Read(b []byte) (*File, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("not a capture file: %d bytes is too short for a pcap or pcapng header", len(b))
	}
	var f *File
	var err error
	switch m := binary.LittleEndian.Uint32(b); m {
	case 0x0a0d0d0a:
		f, err = readPCAPNG(b)
	case 0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1:
		f, err = readPCAP(b)
	case 0xa1b2cd34, 0x34cdb2a1:
		return nil, errors.New("this is a modified pcap file (Alexey Kuznetzov's format, magic a1b2cd34), which is not read: convert it with: editcap -F pcap IN OUT")
	default:
		return nil, fmt.Errorf("not a capture file (first bytes %s): a pcap file starts with a1b2c3d4 or d4c3b2a1, a pcapng file with 0a0d0d0a", trace.HexString(b[:min(len(b), 8)]))
	}
	if f != nil {
		f.decode()
	}
	return f, err
}

// readPCAP reads a classic pcap file (draft-ietf-opsawg-pcap).
func readPCAP(b []byte) (*File, error) {
	var bo binary.ByteOrder = binary.LittleEndian
	magic := bo.Uint32(b)
	if magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1 {
		bo = binary.BigEndian
		magic = bo.Uint32(b)
	}
	nano := magic == 0xa1b23c4d
	f := &File{Format: "pcap", BigEndian: bo == binary.BigEndian}
	if len(b) < 24 {
		f.Truncated = true
		return f, fmt.Errorf("pcap file header: the file ends after %d of its 24 bytes: %w", len(b), ErrTruncated)
	}
	if major := bo.Uint16(b[4:]); major != 2 {
		return nil, fmt.Errorf("pcap file header: version %d.%d, only 2.x exists", major, bo.Uint16(b[6:]))
	}
	snap := int(bo.Uint32(b[16:]))
	link := int(bo.Uint32(b[20:]) & 0xffff) // upper bits: FCS length and flags
	limit := max(snap, maxPacket)
	for off, n := 24, 1; off < len(b); n++ {
		if len(b)-off < 16 {
			f.Truncated = true
			return f, fmt.Errorf("packet %d at byte %d: the file ends inside its 16-byte record header: %w", n, off, ErrTruncated)
		}
		sec, frac := bo.Uint32(b[off:]), bo.Uint32(b[off+4:])
		incl, orig := int(bo.Uint32(b[off+8:])), int(bo.Uint32(b[off+12:]))
		if incl < 0 || incl > limit {
			return f, fmt.Errorf("packet %d at byte %d: captured length %d is larger than the snapshot length %d: the file is damaged", n, off, incl, snap)
		}
		if len(b)-off-16 < incl {
			f.Truncated = true
			return f, fmt.Errorf("packet %d at byte %d: the file ends after %d of its %d captured bytes: %w", n, off, len(b)-off-16, incl, ErrTruncated)
		}
		ns := int64(frac) * 1000
		if nano {
			ns = int64(frac)
		}
		f.Frames = append(f.Frames, Frame{Number: n, Offset: off, Time: time.Unix(int64(sec), ns).UTC(),
			LinkType: link, Data: b[off+16 : off+16+incl], OrigLen: max(orig, incl)})
		off += 16 + incl
	}
	return f, nil
}

// pcapng block types (draft-ietf-opsawg-pcapng, Section 4 and 10.1).
const (
	blockSHB = 0x0a0d0d0a
	blockIDB = 0x00000001
	blockOPB = 0x00000002 // obsolete Packet Block (Appendix A)
	blockSPB = 0x00000003
	blockEPB = 0x00000006
	blockDSB = 0x0000000a
	// secretsTLSKeyLog is the Decryption Secrets Block's type for an NSS
	// key log ("TLSK").
	secretsTLSKeyLog = 0x544c534b
)

// iface is a pcapng Interface Description Block.
type iface struct {
	link     int
	snap     int
	units    uint64 // timestamp units per second (if_tsresol)
	offset   int64  // seconds added to every timestamp (if_tsoffset)
	idbIndex int    // the block number, for messages
}

// readPCAPNG reads a pcapng file block by block.
func readPCAPNG(b []byte) (*File, error) {
	f := &File{Format: "pcapng"}
	var bo binary.ByteOrder
	var ifaces []iface
	for off, n := 0, 1; off < len(b); n++ {
		where := fmt.Sprintf("pcapng block %d at byte %d", n, off)
		if len(b)-off < 12 {
			f.Truncated = true
			return f, fmt.Errorf("%s: the file ends inside the block header (%d bytes left): %w", where, len(b)-off, ErrTruncated)
		}
		typ := binary.LittleEndian.Uint32(b[off:]) // the SHB's type reads the same in both orders
		if typ == blockSHB {
			switch binary.LittleEndian.Uint32(b[off+8:]) {
			case 0x1a2b3c4d:
				bo = binary.LittleEndian
			case 0x4d3c2b1a:
				bo = binary.BigEndian
			default:
				return f, fmt.Errorf("%s: section header with byte-order magic %s, neither 1a2b3c4d nor 4d3c2b1a", where, trace.HexString(b[off+8:off+12]))
			}
			if n == 1 {
				f.BigEndian = bo == binary.BigEndian
			}
			ifaces = nil // interfaces belong to their section
		} else if bo == nil {
			return nil, fmt.Errorf("%s: the file does not start with a section header block", where)
		} else {
			typ = bo.Uint32(b[off:])
		}
		length := int(bo.Uint32(b[off+4:]))
		switch {
		case length < 12 || length%4 != 0:
			return f, fmt.Errorf("%s: block length %d is not a multiple of 4 of at least 12: the file is damaged", where, length)
		case length > maxBlock:
			return f, fmt.Errorf("%s: block length %d is over the %d bytes this reader accepts: the file is damaged", where, length, maxBlock)
		case len(b)-off < length:
			f.Truncated = true
			return f, fmt.Errorf("%s: the file ends after %d of the block's %d bytes: %w", where, len(b)-off, length, ErrTruncated)
		}
		if trail := int(bo.Uint32(b[off+length-4:])); trail != length {
			return f, fmt.Errorf("%s: the block length at its end (%d) differs from the one at its start (%d): the file is damaged", where, trail, length)
		}
		body := b[off+8 : off+length-4]
		switch typ {
		case blockSHB:
			if len(body) < 16 {
				return f, fmt.Errorf("%s: section header body of %d bytes, below its 16", where, len(body))
			}
			if major := bo.Uint16(body[4:]); major != 1 {
				return f, fmt.Errorf("%s: section header version %d.%d, only 1.x exists", where, major, bo.Uint16(body[6:]))
			}
		case blockIDB:
			ifc, err := readIDB(bo, body, where)
			if err != nil {
				return f, err
			}
			ifc.idbIndex = n
			ifaces = append(ifaces, ifc)
		case blockEPB, blockOPB:
			var id int
			var tsHi, tsLo uint32
			var capLen, orig int
			hdr := 20
			if len(body) < hdr {
				return f, fmt.Errorf("%s: packet block body of %d bytes, below its %d-byte header", where, len(body), hdr)
			}
			if typ == blockEPB {
				id = int(bo.Uint32(body))
			} else {
				id = int(bo.Uint16(body))
			}
			tsHi, tsLo = bo.Uint32(body[4:]), bo.Uint32(body[8:])
			capLen, orig = int(bo.Uint32(body[12:])), int(bo.Uint32(body[16:]))
			if id >= len(ifaces) {
				return f, fmt.Errorf("%s: packet on interface %d, but the section describes %d interface(s)", where, id, len(ifaces))
			}
			if capLen < 0 || capLen > len(body)-hdr {
				return f, fmt.Errorf("%s: captured length %d does not fit in the block's %d bytes of packet data: the file is damaged", where, capLen, len(body)-hdr)
			}
			ifc := ifaces[id]
			f.addFrame(off, ifc.link, ifc.time(uint64(tsHi)<<32|uint64(tsLo)), body[hdr:hdr+capLen], max(orig, capLen))
		case blockSPB:
			if len(ifaces) == 0 {
				return f, fmt.Errorf("%s: simple packet block before any interface description block", where)
			}
			if len(body) < 4 {
				return f, fmt.Errorf("%s: simple packet block body of %d bytes, below its 4", where, len(body))
			}
			orig := int(bo.Uint32(body))
			capLen := len(body) - 4
			if orig >= 0 && orig < capLen {
				capLen = orig
			}
			if s := ifaces[0].snap; s > 0 && s < capLen {
				capLen = s
			}
			f.addFrame(off, ifaces[0].link, time.Time{}, body[4:4+capLen], max(orig, capLen))
		case blockDSB:
			if len(body) < 8 {
				return f, fmt.Errorf("%s: decryption secrets block body of %d bytes, below its 8", where, len(body))
			}
			st, sl := bo.Uint32(body), int(bo.Uint32(body[4:]))
			if sl < 0 || sl > len(body)-8 {
				return f, fmt.Errorf("%s: secrets length %d does not fit in the block's %d bytes: the file is damaged", where, sl, len(body)-8)
			}
			if st == secretsTLSKeyLog {
				kl := string(body[8 : 8+sl])
				if f.KeyLog != "" && kl != "" && f.KeyLog[len(f.KeyLog)-1] != '\n' {
					f.KeyLog += "\n"
				}
				f.KeyLog += kl
			}
		}
		off += length
	}
	if bo == nil {
		return nil, errors.New("pcapng: no section header block")
	}
	return f, nil
}

func (f *File) addFrame(off, link int, t time.Time, data []byte, orig int) {
	f.Frames = append(f.Frames, Frame{Number: len(f.Frames) + 1, Offset: off, Time: t, LinkType: link, Data: data, OrigLen: orig})
}

// readIDB reads an Interface Description Block and its options.
func readIDB(bo binary.ByteOrder, body []byte, where string) (iface, error) {
	if len(body) < 8 {
		return iface{}, fmt.Errorf("%s: interface description body of %d bytes, below its 8", where, len(body))
	}
	ifc := iface{link: int(bo.Uint16(body)), snap: int(bo.Uint32(body[4:])), units: 1_000_000}
	opts := body[8:]
	for len(opts) >= 4 {
		code, l := bo.Uint16(opts), int(bo.Uint16(opts[2:]))
		if code == 0 { // opt_endofopt
			break
		}
		padded := (l + 3) &^ 3
		if 4+padded > len(opts) {
			return ifc, fmt.Errorf("%s: interface option %d of length %d runs past the block", where, code, l)
		}
		v := opts[4 : 4+l]
		switch code {
		case 9: // if_tsresol
			if l != 1 {
				return ifc, fmt.Errorf("%s: if_tsresol of %d bytes, not 1", where, l)
			}
			e := uint(v[0] & 0x7f)
			if v[0]&0x80 != 0 {
				if e > 63 {
					return ifc, fmt.Errorf("%s: if_tsresol 2^-%d is finer than a 64-bit timestamp can count", where, e)
				}
				ifc.units = 1 << e
			} else {
				if e > 19 {
					return ifc, fmt.Errorf("%s: if_tsresol 10^-%d is finer than a 64-bit timestamp can count", where, e)
				}
				ifc.units = 1
				for range e {
					ifc.units *= 10
				}
			}
		case 14: // if_tsoffset
			if l != 8 {
				return ifc, fmt.Errorf("%s: if_tsoffset of %d bytes, not 8", where, l)
			}
			ifc.offset = int64(bo.Uint64(v))
		}
		opts = opts[4+padded:]
	}
	return ifc, nil
}

// time converts a pcapng timestamp in the interface's units.
func (i iface) time(ts uint64) time.Time {
	sec, frac := ts/i.units, ts%i.units
	hi, lo := bits.Mul64(frac, 1e9)
	ns, _ := bits.Div64(hi, lo, i.units) // hi < units since frac < units
	return time.Unix(int64(sec)+i.offset, int64(ns)).UTC()
}
