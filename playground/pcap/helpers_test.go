package pcap

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// capturesDir finds ../shared/testdata/captures beside the repository.
func capturesDir(t testing.TB) string {
	t.Helper()
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "..", "shared", "testdata", "captures")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if os.Getenv("TLSPLAY_REQUIRE_TOOLS") == "1" {
		t.Fatal("../shared/testdata/captures is missing")
	}
	t.Skip("../shared/testdata/captures is missing")
	return ""
}

// sharedCapture reads one of the shared captures and its key log.
func sharedCapture(t testing.TB, name string) (capture, keylog []byte) {
	t.Helper()
	dir := filepath.Join(capturesDir(t), name)
	c, err := os.ReadFile(filepath.Join(dir, "capture.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := os.ReadFile(filepath.Join(dir, "keylog.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return c, k
}

// pkt is a test packet: link-layer bytes and a time.
type pkt struct {
	t    time.Time
	data []byte
}

// seg builds a raw IP packet holding one TCP segment.
func seg(src, dst string, seq, ack uint32, flags byte, payload string) []byte {
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	return ipPacket(s, d, 1, tcpSegment(s, d, seq, ack, flags, 0, []byte(payload)))
}

// pcapFile writes packets as a classic pcap file.
func pcapFile(bo binary.ByteOrder, nano bool, link int, pkts []pkt) []byte {
	var b bytes.Buffer
	h := make([]byte, 24)
	magic := uint32(0xa1b2c3d4)
	if nano {
		magic = 0xa1b23c4d
	}
	bo.PutUint32(h, magic)
	bo.PutUint16(h[4:], 2)
	bo.PutUint16(h[6:], 4)
	bo.PutUint32(h[16:], 65535)
	bo.PutUint32(h[20:], uint32(link))
	b.Write(h)
	for _, p := range pkts {
		r := make([]byte, 16)
		bo.PutUint32(r, uint32(p.t.Unix()))
		if nano {
			bo.PutUint32(r[4:], uint32(p.t.Nanosecond()))
		} else {
			bo.PutUint32(r[4:], uint32(p.t.Nanosecond()/1000))
		}
		bo.PutUint32(r[8:], uint32(len(p.data)))
		bo.PutUint32(r[12:], uint32(len(p.data)))
		b.Write(r)
		b.Write(p.data)
	}
	return b.Bytes()
}

// ngWriter writes pcapng blocks for tests.
type ngWriter struct {
	b  bytes.Buffer
	bo byteOrder
}

func (w *ngWriter) block(typ uint32, body []byte) {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	w.b.Write(w.bo.AppendUint32(nil, typ))
	w.b.Write(w.bo.AppendUint32(nil, uint32(12+len(body))))
	w.b.Write(body)
	w.b.Write(w.bo.AppendUint32(nil, uint32(12+len(body))))
}

func (w *ngWriter) shb() {
	body := w.bo.AppendUint32(nil, 0x1a2b3c4d)
	body = w.bo.AppendUint16(body, 1)
	body = w.bo.AppendUint16(body, 0)
	body = w.bo.AppendUint64(body, ^uint64(0))
	w.block(blockSHB, body)
}

// idb adds an interface; tsresol 0 leaves the option out (microseconds).
func (w *ngWriter) idb(link int, tsresol byte, tsoffset int64) {
	body := w.bo.AppendUint16(nil, uint16(link))
	body = w.bo.AppendUint16(body, 0)
	body = w.bo.AppendUint32(body, 0)
	if tsresol != 0 {
		body = w.bo.AppendUint16(body, 9)
		body = w.bo.AppendUint16(body, 1)
		body = append(body, tsresol, 0, 0, 0)
	}
	if tsoffset != 0 {
		body = w.bo.AppendUint16(body, 14)
		body = w.bo.AppendUint16(body, 8)
		body = w.bo.AppendUint64(body, uint64(tsoffset))
	}
	body = append(body, 0, 0, 0, 0)
	w.block(blockIDB, body)
}

// epb adds an Enhanced Packet Block with a timestamp in the given units
// per second.
func (w *ngWriter) epb(iface int, units uint64, p pkt) {
	ts := uint64(p.t.Unix())*units + uint64(p.t.Nanosecond())*units/1e9
	body := w.bo.AppendUint32(nil, uint32(iface))
	body = w.bo.AppendUint32(body, uint32(ts>>32))
	body = w.bo.AppendUint32(body, uint32(ts))
	body = w.bo.AppendUint32(body, uint32(len(p.data)))
	body = w.bo.AppendUint32(body, uint32(len(p.data)))
	body = append(body, p.data...)
	w.block(blockEPB, body)
}

func (w *ngWriter) spb(p pkt) {
	body := w.bo.AppendUint32(nil, uint32(len(p.data)))
	w.block(blockSPB, append(body, p.data...))
}

func (w *ngWriter) opb(iface int, p pkt) {
	us := uint64(p.t.UnixMicro())
	body := w.bo.AppendUint16(nil, uint16(iface))
	body = w.bo.AppendUint16(body, 0)
	body = w.bo.AppendUint32(body, uint32(us>>32))
	body = w.bo.AppendUint32(body, uint32(us))
	body = w.bo.AppendUint32(body, uint32(len(p.data)))
	body = w.bo.AppendUint32(body, uint32(len(p.data)))
	w.block(blockOPB, append(body, p.data...))
}

func (w *ngWriter) dsb(typ uint32, data string) {
	body := w.bo.AppendUint32(nil, typ)
	body = w.bo.AppendUint32(body, uint32(len(data)))
	w.block(blockDSB, append(body, data...))
}

// Link-layer wrappers around a raw IP packet.
func wrap(link int, ip []byte, bo binary.ByteOrder) []byte {
	v6 := ip[0]>>4 == 6
	etype := []byte{0x08, 0x00}
	if v6 {
		etype = []byte{0x86, 0xdd}
	}
	switch link {
	case LinkEthernet:
		h := append(make([]byte, 12), etype...)
		return append(h, ip...)
	case -1: // Ethernet with two 802.1Q tags
		h := append(make([]byte, 12), 0x81, 0x00, 0x00, 0x05, 0x81, 0x00, 0x00, 0x07)
		h = append(h, etype...)
		return append(h, ip...)
	case LinkNull:
		fam := uint32(2)
		if v6 {
			fam = 30
		}
		h := make([]byte, 4)
		bo.PutUint32(h, fam)
		return append(h, ip...)
	case LinkLoop:
		fam := uint32(2)
		if v6 {
			fam = 24
		}
		return append(binary.BigEndian.AppendUint32(nil, fam), ip...)
	case LinkSLL:
		h := make([]byte, 14)
		h = append(h, etype...)
		return append(h, ip...)
	case LinkSLL2:
		h := append(etype, make([]byte, 18)...)
		return append(h, ip...)
	}
	return ip
}
