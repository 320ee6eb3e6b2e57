package pcap

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlsplayground/playground/internal/tooltest"
)

var t0 = time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)

// flows returns each direction's bytes in order, and the order in which
// the direction changed (a string of c and s), for comparisons.
func flows(s Stream) (client, server []byte, turns string) {
	for i, g := range s.Segments {
		d := "s"
		if g.FromClient {
			client = append(client, g.Data...)
			d = "c"
		} else {
			server = append(server, g.Data...)
		}
		if i == 0 || s.Segments[i-1].FromClient != g.FromClient {
			turns += d
		}
	}
	return
}

func connFlows(c Conn) (client, server []byte, turns string) {
	var segs []Segment
	for _, p := range c.Packets {
		if len(p.Payload) > 0 {
			segs = append(segs, Segment{FromClient: p.FromClient, Data: p.Payload})
		}
	}
	return flows(Stream{Segments: segs})
}

func mustStreams(t *testing.T, b []byte) (*File, []Stream) {
	t.Helper()
	f, err := Read(b)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	ss, err := Streams(f)
	if err != nil {
		t.Fatalf("streams: %v", err)
	}
	return f, ss
}

// testConns are three connections: IPv4 with the default endpoints and a
// record longer than an MSS, a second IPv4 one, and IPv6 with real times.
func testConns() []Conn {
	big := bytes.Repeat([]byte("0123456789abcdef"), 700) // 11200 bytes: 8 segments
	return []Conn{
		{Packets: []Packet{
			{FromClient: true, Payload: []byte("\x16\x03\x01hello")},
			{FromClient: false, Payload: big},
			{FromClient: false, Payload: []byte("second flight")},
			{FromClient: true, Payload: nil}, // nothing to send: no segment
			{FromClient: true, Payload: []byte("finished")},
		}},
		{Packets: []Packet{{FromClient: true, Payload: []byte("left")}, {Payload: []byte("right")}}},
		{Client: netip.MustParseAddrPort("[2001:db8::1]:40000"), Server: netip.MustParseAddrPort("[2001:db8::2]:8443"),
			Packets: []Packet{{FromClient: true, Payload: big[:3000], Time: t0.Add(time.Hour)},
				{Payload: []byte("v6 answer"), Time: t0.Add(time.Hour + time.Millisecond)}}},
	}
}

// TestRoundTrip: what WritePCAPNG writes, Read and Streams give back:
// the same bytes in each direction, the same turns, the endpoints, the key
// log, records split at the MSS.
func TestRoundTrip(t *testing.T) {
	conns := testConns()
	keylog := "CLIENT_RANDOM 00 11\nCLIENT_TRAFFIC_SECRET_0 00 22\n"
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		f, ss := mustStreams(t, writePCAPNG(conns, keylog, t0, bo))
		if f.Format != "pcapng" || f.BigEndian != (bo == binary.BigEndian) || f.KeyLog != keylog || f.Truncated || len(f.Problems) > 0 {
			t.Fatalf("%v: format %s big-endian %v key log %q problems %q", bo, f.Format, f.BigEndian, f.KeyLog, f.Problems)
		}
		if len(ss) != len(conns) {
			t.Fatalf("%d streams, want %d", len(ss), len(conns))
		}
		for i, s := range ss {
			wc, ws, wt := connFlows(conns[i])
			c, sv, turns := flows(s)
			if !bytes.Equal(c, wc) || !bytes.Equal(sv, ws) || turns != wt {
				t.Errorf("stream %d: client %d bytes server %d turns %s, want %d %d %s", i, len(c), len(sv), turns, len(wc), len(ws), wt)
			}
			if s.ClientBy != "syn" || s.Closed != "fin" || len(s.Problems) > 0 {
				t.Errorf("stream %d: client by %q closed %q problems %q", i, s.ClientBy, s.Closed, s.Problems)
			}
			for _, g := range s.Segments {
				if mss := map[bool]int{false: 1460, true: 1440}[s.Client.Addr().Is6()]; len(g.Data) > mss {
					t.Errorf("stream %d: a segment of %d bytes, over the MSS %d", i, len(g.Data), mss)
				}
			}
		}
		if want := netip.AddrPortFrom(DefaultClient.Addr(), DefaultClient.Port()+1); ss[1].Client != want || ss[1].Server != DefaultServer {
			t.Errorf("second connection %s → %s, want %s → %s", ss[1].Client, ss[1].Server, want, DefaultServer)
		}
		if ss[2].Client != conns[2].Client || ss[2].Server != conns[2].Server {
			t.Errorf("ipv6 connection %s → %s", ss[2].Client, ss[2].Server)
		}
		if got := ss[2].Segments[0].Time; !got.Equal(t0.Add(time.Hour)) {
			t.Errorf("ipv6 connection's first segment at %s, want %s", got, t0.Add(time.Hour))
		}
		if got := ss[0].Segments[0].Time; got.Before(t0) || got.After(t0.Add(time.Second)) {
			t.Errorf("first segment at %s, want just after %s", got, t0)
		}
	}
	// The classic pcap of one connection.
	f, ss := mustStreams(t, Write(conns[0].Packets, t0))
	wc, ws, wt := connFlows(conns[0])
	if c, s, turns := flows(ss[0]); f.Format != "pcap" || !bytes.Equal(c, wc) || !bytes.Equal(s, ws) || turns != wt {
		t.Errorf("Write: %s, %d/%d bytes, turns %s", f.Format, len(c), len(s), turns)
	}
}

// TestChecksums: every IPv4 header and TCP segment written checks out
// (the Internet checksum over the data with its checksum is 0).
func TestChecksums(t *testing.T) {
	f, err := Read(WritePCAPNG(testConns(), "", t0))
	if err != nil {
		t.Fatal(err)
	}
	for _, fr := range f.Frames {
		ip := fr.Data
		if ip[0]>>4 == 4 {
			if checksum(ip[:20]) != 0 {
				t.Fatalf("packet %d: ipv4 header checksum wrong", fr.Number)
			}
			pseudo := append(append(append([]byte{}, ip[12:20]...), 0, 6), byte(len(ip[20:])>>8), byte(len(ip[20:])))
			if checksum(append(pseudo, ip[20:]...)) != 0 {
				t.Fatalf("packet %d: tcp checksum wrong", fr.Number)
			}
		} else {
			pseudo := append(append([]byte{}, ip[8:40]...), 0, 0, byte(len(ip[40:])>>8), byte(len(ip[40:])), 0, 0, 0, 6)
			if checksum(append(pseudo, ip[40:]...)) != 0 {
				t.Fatalf("packet %d: tcp checksum (ipv6) wrong", fr.Number)
			}
		}
	}
}

// TestFormats: the same packets in every file format, byte order,
// timestamp resolution and link type give the same streams.
func TestFormats(t *testing.T) {
	base, err := Read(WritePCAPNG(testConns(), "", t0))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Streams(base)
	links := []int{LinkRaw, linkRaw12, linkRaw14, LinkEthernet, -1, LinkNull, LinkLoop, LinkSLL, LinkSLL2}
	type variant struct {
		name string
		file []byte
		res  time.Duration // timestamp resolution
		tol  time.Duration // off by less than this (binary fractions)
	}
	var vs []variant
	for _, link := range links {
		fileLink := link
		if link == -1 {
			fileLink = LinkEthernet
		}
		for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
			var pk []pkt
			for _, fr := range base.Frames {
				pk = append(pk, pkt{fr.Time, wrap(link, fr.Data, bo)})
			}
			for _, nano := range []bool{false, true} {
				res := time.Microsecond
				if nano {
					res = time.Nanosecond
				}
				vs = append(vs, variant{fmt.Sprintf("pcap link %d %v nano=%v", link, bo, nano), pcapFile(bo, nano, fileLink, pk), res, 0})
			}
			for _, r := range []struct {
				opt   byte
				units uint64
				res   time.Duration
				tol   time.Duration
			}{{0, 1e6, time.Microsecond, 0}, {9, 1e9, time.Nanosecond, 0}, {3, 1e3, time.Millisecond, 0}, {0x80 | 20, 1 << 20, time.Microsecond, time.Microsecond}} {
				w := &ngWriter{bo: bo}
				w.shb()
				w.idb(LinkEthernet, 0, 0) // an interface no packet uses
				w.idb(fileLink, r.opt, 0)
				for _, p := range pk {
					w.epb(1, r.units, p)
				}
				vs = append(vs, variant{fmt.Sprintf("pcapng epb link %d %v tsresol %#x", link, bo, r.opt), w.b.Bytes(), r.res, r.tol})
			}
			w := &ngWriter{bo: bo}
			w.shb()
			w.idb(fileLink, 0, 0)
			for _, p := range pk {
				w.opb(0, p)
			}
			vs = append(vs, variant{fmt.Sprintf("pcapng opb link %d %v", link, bo), w.b.Bytes(), time.Microsecond, 0})
			w = &ngWriter{bo: bo}
			w.shb()
			w.idb(fileLink, 0, 0)
			for _, p := range pk {
				w.spb(p)
			}
			vs = append(vs, variant{fmt.Sprintf("pcapng spb link %d %v", link, bo), w.b.Bytes(), 0, 0})
		}
	}
	for _, v := range vs {
		f, err := Read(v.file)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		got, err := Streams(f)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if len(got) != len(want) || len(f.Problems) > 0 {
			t.Fatalf("%s: %d streams, problems %q", v.name, len(got), f.Problems)
		}
		for i := range got {
			if got[i].Client != want[i].Client || got[i].Server != want[i].Server || len(got[i].Segments) != len(want[i].Segments) {
				t.Fatalf("%s: stream %d: %s → %s, %d segments", v.name, i, got[i].Client, got[i].Server, len(got[i].Segments))
			}
			for j, g := range got[i].Segments {
				w := want[i].Segments[j]
				if !bytes.Equal(g.Data, w.Data) || g.FromClient != w.FromClient {
					t.Fatalf("%s: stream %d segment %d differs", v.name, i, j)
				}
				if d := w.Time.Truncate(v.res).Sub(g.Time); v.res != 0 && (d < 0 || d > v.tol) {
					t.Fatalf("%s: stream %d segment %d at %s, want %s", v.name, i, j, g.Time, w.Time.Truncate(v.res))
				}
			}
		}
	}
}

// TestSections: a pcapng file whose sections differ in byte order and
// interfaces; the key logs of its Decryption Secrets Blocks are joined,
// other secrets types and unknown blocks skipped; if_tsoffset applies.
func TestSections(t *testing.T) {
	p1 := seg("10.1.1.1:1111", "10.1.1.2:443", 10, 0, FlagSYN, "")
	p2 := seg("10.1.1.1:1111", "10.1.1.2:443", 11, 0, FlagACK|FlagPSH, "first")
	p3 := wrap(LinkSLL2, seg("10.1.1.1:1111", "10.1.1.2:443", 16, 0, FlagACK|FlagPSH, " second"), nil)
	le := &ngWriter{bo: binary.LittleEndian}
	le.shb()
	le.dsb(secretsTLSKeyLog, "CLIENT_RANDOM aa bb") // no final newline
	le.dsb(0x57474b4c, "wireguard keys, not for TLS")
	le.block(0x00000bad, []byte("custom block"))
	le.idb(LinkRaw, 0, 0)
	le.epb(0, 1e6, pkt{t0, p1})
	le.epb(0, 1e6, pkt{t0, p2})
	be := &ngWriter{bo: binary.BigEndian}
	be.shb()
	be.idb(LinkSLL2, 9, 3600)
	be.dsb(secretsTLSKeyLog, "CLIENT_RANDOM cc dd\n")
	be.epb(0, 1e9, pkt{t0.Add(time.Second), p3})
	f, ss := mustStreams(t, append(le.b.Bytes(), be.b.Bytes()...))
	if f.KeyLog != "CLIENT_RANDOM aa bb\nCLIENT_RANDOM cc dd\n" {
		t.Errorf("key log %q", f.KeyLog)
	}
	if f.BigEndian {
		t.Error("the first section is little-endian")
	}
	if len(ss) != 1 {
		t.Fatalf("%d streams", len(ss))
	}
	if c, _, _ := flows(ss[0]); string(c) != "first second" {
		t.Errorf("client sent %q", c)
	}
	if got, want := f.Frames[2].Time, t0.Add(time.Second+time.Hour); !got.Equal(want) {
		t.Errorf("third packet at %s, want %s (if_tsoffset 3600)", got, want)
	}
}

// TestReassembly: retransmissions, out-of-order segments, overlaps,
// sequence numbers that wrap, FIN and RST, gaps, a reused port pair.
func TestReassembly(t *testing.T) {
	C, S := "192.0.2.1:50123", "192.0.2.2:443"
	const A, P = FlagACK, FlagACK | FlagPSH
	type want struct {
		client, server, turns string
		clientBy, closed      string
		missing               []int // Missing of each segment with one
		problems              []string
	}
	cases := []struct {
		name string
		pkts [][]byte
		want []want
	}{
		{"in order", [][]byte{
			seg(C, S, 100, 0, FlagSYN, ""), seg(S, C, 900, 101, FlagSYN|A, ""), seg(C, S, 101, 901, A, ""),
			seg(C, S, 101, 901, P, "GET"), seg(S, C, 901, 104, P, "OK"),
			seg(C, S, 104, 903, FlagFIN|A, ""), seg(S, C, 903, 105, FlagFIN|A, ""),
		}, []want{{client: "GET", server: "OK", turns: "cs", clientBy: "syn", closed: "fin"}}},
		{"retransmission and out of order", [][]byte{
			seg(C, S, 100, 0, FlagSYN, ""), seg(S, C, 900, 101, FlagSYN|A, ""),
			seg(C, S, 101, 901, P, "abc"), seg(C, S, 107, 901, P, "ghi"), seg(C, S, 104, 901, P, "def"),
			seg(C, S, 101, 901, P, "abc"), seg(S, C, 901, 110, P, "xyz"),
		}, []want{{client: "abcdefghi", server: "xyz", turns: "cs", clientBy: "syn"}}},
		{"overlap with different bytes: the first copy wins", [][]byte{
			seg(C, S, 100, 0, FlagSYN, ""), seg(C, S, 101, 0, P, "abcd"), seg(C, S, 103, 0, P, "XXef"),
		}, []want{{client: "abcdef", turns: "c", clientBy: "syn",
			problems: []string{"1 retransmission(s) from the client carried bytes different from the first copy: the first copy was kept"}}}},
		{"sequence numbers wrap", [][]byte{
			seg(C, S, 0xfffffffd, 0, FlagSYN, ""), seg(C, S, 0xfffffffe, 0, P, "wr"), seg(C, S, 0, 0, P, "ap"), seg(C, S, 2, 0, P, "!"),
		}, []want{{client: "wrap!", turns: "c", clientBy: "syn"}}},
		{"no syn: the clienthello tells", [][]byte{
			seg(S, C, 5000, 77, P, "\x16\x03\x03\x00\x10\x02server hello"), seg(C, S, 77, 5000, P, "\x16\x03\x01\x00\x10\x01client hello"),
		}, []want{{client: "\x16\x03\x01\x00\x10\x01client hello", server: "\x16\x03\x03\x00\x10\x02server hello", turns: "sc", clientBy: "client hello"}}},
		{"no syn, no hello: the well-known port tells", [][]byte{
			seg("192.0.2.2:443", "192.0.2.1:80", 5, 5, P, "from 443"), seg("192.0.2.1:80", "192.0.2.2:443", 5, 5, P, "to 443"),
		}, []want{{client: "to 443", server: "from 443", turns: "sc", clientBy: "port"}}},
		{"no syn, data before the first seen: out of order at the start", [][]byte{
			seg(C, S, 1010, 0, P, "world"), seg(C, S, 1005, 0, P, "hello"),
		}, []want{{client: "helloworld", turns: "c", clientBy: "port"}}},
		{"a lost segment is a gap", [][]byte{
			seg(C, S, 100, 0, FlagSYN, ""), seg(C, S, 101, 0, P, "one"), seg(C, S, 107, 0, P, "three"), seg(S, C, 1, 0, P, "reply"),
		}, []want{{client: "onethree", server: "reply", turns: "cs", clientBy: "syn", missing: []int{3},
			problems: []string{"the client's bytes 3 to 5 were never captured (a lost segment): the stream has a gap there"}}}},
		{"a reset, then the ports reused", [][]byte{
			seg(C, S, 100, 0, FlagSYN, ""), seg(C, S, 101, 0, P, "first"), seg(S, C, 0, 0, FlagRST, ""),
			seg(C, S, 7000, 0, FlagSYN, ""), seg(C, S, 7001, 0, P, "second"),
		}, []want{{client: "first", turns: "c", clientBy: "syn", closed: "rst"}, {client: "second", turns: "c", clientBy: "syn"}}},
		{"bytes after the fin are not the stream's", [][]byte{
			seg(C, S, 100, 0, FlagSYN, ""), seg(C, S, 101, 0, P|FlagFIN, "end"), seg(C, S, 104, 0, P, "junk"),
		}, []want{{client: "end", turns: "c", clientBy: "syn"}}},
		{"ipv6", [][]byte{
			seg("[2001:db8::1]:5000", "[2001:db8::2]:443", 1, 0, FlagSYN, ""), seg("[2001:db8::1]:5000", "[2001:db8::2]:443", 2, 0, P, "six"),
		}, []want{{client: "six", turns: "c", clientBy: "syn"}}},
	}
	for _, tc := range cases {
		var pk []pkt
		for i, p := range tc.pkts {
			pk = append(pk, pkt{t0.Add(time.Duration(i) * time.Millisecond), p})
		}
		_, ss := mustStreams(t, pcapFile(binary.LittleEndian, false, LinkRaw, pk))
		if len(ss) != len(tc.want) {
			t.Errorf("%s: %d streams, want %d", tc.name, len(ss), len(tc.want))
			continue
		}
		for i, w := range tc.want {
			s := ss[i]
			c, sv, turns := flows(s)
			var missing []int
			for _, g := range s.Segments {
				if g.Missing != 0 {
					missing = append(missing, g.Missing)
				}
			}
			if string(c) != w.client || string(sv) != w.server || turns != w.turns || s.ClientBy != w.clientBy || s.Closed != w.closed ||
				fmt.Sprint(missing) != fmt.Sprint(w.missing) || fmt.Sprint(s.Problems) != fmt.Sprint(w.problems) {
				t.Errorf("%s: stream %d: client %q server %q turns %q by %q closed %q missing %v problems %q\nwant %+v",
					tc.name, i, c, sv, turns, s.ClientBy, s.Closed, missing, s.Problems, w)
			}
		}
	}
}

// TestFragments: an IPv4 datagram in three fragments, out of order, is
// reassembled; one that never completes is a problem of the file. IPv6
// extension headers and IPv4 options are skipped.
func TestFragments(t *testing.T) {
	whole := seg("10.0.0.5:4000", "10.0.0.6:443", 1, 0, FlagPSH|FlagACK, strings.Repeat("fragmented ", 30))
	hdr, data := whole[:20], whole[20:]
	frag := func(off int, part []byte, more bool) []byte {
		h := append([]byte{}, hdr...)
		binary.BigEndian.PutUint16(h[2:], uint16(20+len(part)))
		fl := uint16(off / 8)
		if more {
			fl |= 0x2000
		}
		binary.BigEndian.PutUint16(h[6:], fl)
		return append(h, part...)
	}
	lost := append([]byte{}, frag(0, data[:104], true)...)
	lost[5] = 99 // another datagram id
	pk := []pkt{{t0, frag(104, data[104:208], true)}, {t0, frag(208, data[208:], false)}, {t0, frag(0, data[:104], true)}, {t0, lost}}
	// IPv6 with a hop-by-hop and a destination options header.
	v6 := seg("[2001:db8::1]:5000", "[2001:db8::2]:443", 1, 0, FlagPSH, "behind extension headers")
	ext := append([]byte{}, v6[:40]...)
	ext[6] = 0                                 // hop-by-hop first
	ext = append(ext, 60, 0, 1, 4, 0, 0, 0, 0) // then destination options
	ext = append(ext, 6, 1, 1, 12, 0, 0, 0, 0) // (16 bytes) then TCP
	ext = append(ext, make([]byte, 8)...)      //
	binary.BigEndian.PutUint16(ext[4:], uint16(len(ext)-40+len(v6)-40))
	ext = append(ext, v6[40:]...)
	pk = append(pk, pkt{t0, ext})
	// IPv4 with options (RFC 791: a header of 24 bytes, NOPs and an end).
	v4 := seg("10.0.0.7:4000", "10.0.0.8:443", 1, 0, FlagPSH, "behind ip options")
	opt := append(append([]byte{}, v4[:20]...), 1, 1, 1, 0)
	opt[0] = 0x46
	binary.BigEndian.PutUint16(opt[2:], uint16(len(v4)+4))
	pk = append(pk, pkt{t0, append(opt, v4[20:]...)})
	f, ss := mustStreams(t, pcapFile(binary.LittleEndian, false, LinkRaw, pk))
	if len(ss) != 3 {
		t.Fatalf("%d streams", len(ss))
	}
	if c, _, _ := flows(ss[2]); string(c) != "behind ip options" {
		t.Errorf("ipv4 options: %q", c)
	}
	if c, _, _ := flows(ss[0]); string(c) != strings.Repeat("fragmented ", 30) {
		t.Errorf("reassembled %q", c)
	}
	if c, _, _ := flows(ss[1]); string(c) != "behind extension headers" {
		t.Errorf("ipv6: %q", c)
	}
	if len(f.Problems) != 1 || !strings.Contains(f.Problems[0], "packet 4: ipv4 fragments of datagram id 99 never completed") {
		t.Errorf("problems %q", f.Problems)
	}
}

// TestMalformed: each broken file is an error saying what and where.
func TestMalformed(t *testing.T) {
	good := WritePCAPNG(testConns()[:1], "CLIENT_RANDOM 00 11\n", t0)
	classic := Write(testConns()[0].Packets, t0)
	set := func(b []byte, off int, v uint32) []byte {
		c := append([]byte{}, b...)
		binary.LittleEndian.PutUint32(c[off:], v)
		return c
	}
	shbLen := int(binary.LittleEndian.Uint32(good[4:]))
	idbLen := int(binary.LittleEndian.Uint32(good[shbLen+4:]))
	dsbAt := shbLen + idbLen
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"html", []byte("<!doctype html><html>"), "not a capture file (first bytes 3c21646f63747970): a pcap file starts with a1b2c3d4"},
		{"tiny", []byte{1, 2}, "not a capture file: 2 bytes is too short"},
		{"pcap version", set(classic, 4, 3), "pcap file header: version 3.0, only 2.x exists"},
		{"pcap huge packet", set(classic, 24+8, 1<<30), "packet 1 at byte 24: captured length 1073741824 is larger than the snapshot length 262144: the file is damaged"},
		{"byte-order magic", set(good, 8, 0x01020304), "pcapng block 1 at byte 0: section header with byte-order magic 04030201"},
		{"block length odd", set(good, shbLen+4, 13), fmt.Sprintf("pcapng block 2 at byte %d: block length 13 is not a multiple of 4", shbLen)},
		{"block lengths differ", set(good, dsbAt+int(binary.LittleEndian.Uint32(good[dsbAt+4:]))-4, 8), fmt.Sprintf("pcapng block 3 at byte %d: the block length at its end (8) differs", dsbAt)},
		{"secrets too long", set(good, dsbAt+12, 1000), fmt.Sprintf("pcapng block 3 at byte %d: secrets length 1000 does not fit", dsbAt)},
		{"packet on no interface", set(good, dsbAt+int(binary.LittleEndian.Uint32(good[dsbAt+4:]))+8, 3), "packet on interface 3, but the section describes 1 interface(s)"},
		{"section version", set(good, 12, 2), "pcapng block 1 at byte 0: section header version 2.0, only 1.x exists"},
		{"kuznetzov", []byte{0x34, 0xcd, 0xb2, 0xa1, 0, 0, 0, 0}, "modified pcap file"},
	}
	for _, tc := range cases {
		_, err := Read(tc.file)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
		if err != nil && err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
			t.Errorf("%s: error does not start lower case: %v", tc.name, err)
		}
	}
	// A packet the decoder cannot read is a problem of the file, not an
	// error: the rest of the capture is still read.
	bad := []pkt{{t0, []byte{0x45, 0, 0, 10}}, {t0, seg("10.0.0.1:1", "10.0.0.2:443", 1, 0, FlagPSH, "ok")}}
	f, ss := mustStreams(t, pcapFile(binary.LittleEndian, false, LinkRaw, bad))
	if len(ss) != 1 || len(f.Problems) != 1 || f.Problems[0] != "packet 1 at byte 24: ipv4 header of 4 bytes, below its 20" {
		t.Errorf("problems %q", f.Problems)
	}
	// No TCP at all says what there is instead.
	f, _ = Read(pcapFile(binary.LittleEndian, false, LinkEthernet, []pkt{{t0, append(make([]byte, 12), 0x08, 0x06, 0, 0)}}))
	if _, err := Streams(f); err == nil || err.Error() != "no tcp payload in the capture: 1 packets (1 arp)" {
		t.Errorf("no tcp: %v", err)
	}
}

// TestTruncated: every prefix of a capture reads without panicking; a cut
// inside a record gives the packets before it and an ErrTruncated error
// that names the packet or block.
func TestTruncated(t *testing.T) {
	for _, file := range [][]byte{WritePCAPNG(testConns(), "CLIENT_RANDOM 00 11\n", t0), Write(testConns()[0].Packets, t0)} {
		full, _ := Read(file)
		for n := 4; n < len(file); n++ {
			f, err := Read(file[:n])
			if err == nil {
				continue // a cut between two records is a shorter, whole file
			}
			if !errors.Is(err, ErrTruncated) || f == nil || !f.Truncated {
				t.Fatalf("%s cut at %d: %v", full.Format, n, err)
			}
			if len(f.Frames) > len(full.Frames) || !strings.Contains(err.Error(), "the file ends") {
				t.Fatalf("%s cut at %d: %d frames, %v", full.Format, n, len(f.Frames), err)
			}
		}
	}
	f, err := Read(Write(testConns()[0].Packets, t0)[:100])
	if err == nil || err.Error() != "packet 2 at byte 84: the file ends after 0 of its 44 captured bytes: the capture file is truncated" || len(f.Frames) != 1 {
		t.Errorf("cut pcap: %v", err)
	}
}

// TestSharedCaptures: the two real captures (BSD loopback, IPv4 and
// IPv6) reassemble to the bytes tshark's own TCP reassembly gives.
func TestSharedCaptures(t *testing.T) {
	tshark := tooltest.Need(t, "tshark")
	for _, name := range []string{"illustrated-tls12", "illustrated-tls13"} {
		capture, _ := sharedCapture(t, name)
		f, ss := mustStreams(t, capture)
		if len(ss) != 1 || ss[0].ClientBy != "syn" || ss[0].Closed != "fin" || len(f.Problems) > 0 || len(ss[0].Problems) > 0 {
			t.Fatalf("%s: %d streams, problems %q", name, len(ss), f.Problems)
		}
		c, s, _ := flows(ss[0])
		path := filepath.Join(capturesDir(t), name, "capture.pcap")
		out, err := exec.Command(tshark, "-n", "-r", path, "-q", "-z", "follow,tcp,raw,0").Output()
		if err != nil {
			t.Fatal(err)
		}
		var tc, ts []byte
		for _, line := range strings.Split(string(out), "\n") {
			if line == "" || strings.HasPrefix(line, "=") || strings.Contains(line, ":") {
				continue
			}
			b, err := hex.DecodeString(strings.TrimSpace(line))
			if err != nil {
				continue
			}
			if strings.HasPrefix(line, "\t") {
				ts = append(ts, b...)
			} else {
				tc = append(tc, b...)
			}
		}
		if !bytes.Equal(c, tc) || !bytes.Equal(s, ts) || len(c) == 0 || c[0] != 0x16 {
			t.Errorf("%s: client %d bytes (tshark %d), server %d (tshark %d)", name, len(c), len(tc), len(s), len(ts))
		}
	}
}

// TestTsharkDecryptsWithEmbeddedKeyLog: a real TLS 1.3 connection (the
// shared capture), rewritten by WritePCAPNG with its key log inside, opens
// decrypted in tshark without a key log option, in either byte order;
// without the embedded key log the application data stays hidden.
func TestTsharkDecryptsWithEmbeddedKeyLog(t *testing.T) {
	tshark := tooltest.Need(t, "tshark")
	for _, name := range []string{"illustrated-tls13", "illustrated-tls12"} {
		capture, keylog := sharedCapture(t, name)
		_, ss := mustStreams(t, capture)
		var c Conn
		for _, g := range ss[0].Segments {
			c.Packets = append(c.Packets, Packet{FromClient: g.FromClient, Payload: g.Data})
		}
		dir := t.TempDir()
		for _, v := range []struct {
			name   string
			bo     byteOrder
			keylog string
		}{{"le", binary.LittleEndian, string(keylog)}, {"be", binary.BigEndian, string(keylog)}, {"nokeys", binary.LittleEndian, ""}} {
			file := filepath.Join(dir, v.name+".pcapng")
			if err := os.WriteFile(file, writePCAPNG([]Conn{c}, v.keylog, t0, v.bo), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(tshark, "-n", "-r", file, "-q", "-z", "follow,tls,ascii,0").CombinedOutput()
			if err != nil {
				t.Fatalf("%s %s: tshark: %v\n%s", name, v.name, err, out)
			}
			decrypted := strings.Contains(string(out), "ping") && strings.Contains(string(out), "pong")
			if decrypted != (v.keylog != "") {
				t.Errorf("%s %s: decrypted %v:\n%s", name, v.name, decrypted, out)
			}
		}
	}
}

// TestReadsEditcapOutput: a pcapng file written by Wireshark's editcap,
// with the key log injected as a Decryption Secrets Block, reads to the
// same streams as the original pcap and gives the key log back.
func TestReadsEditcapOutput(t *testing.T) {
	editcap := tooltest.Need(t, "editcap")
	for _, name := range []string{"illustrated-tls12", "illustrated-tls13"} {
		dir := filepath.Join(capturesDir(t), name)
		out := filepath.Join(t.TempDir(), "injected.pcapng")
		if b, err := exec.Command(editcap, "-F", "pcapng", "--inject-secrets", "tls,"+filepath.Join(dir, "keylog.txt"),
			filepath.Join(dir, "capture.pcap"), out).CombinedOutput(); err != nil {
			t.Fatalf("editcap: %v\n%s", err, b)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		capture, keylog := sharedCapture(t, name)
		f, ss := mustStreams(t, b)
		_, want := mustStreams(t, capture)
		if f.Format != "pcapng" || strings.TrimSpace(f.KeyLog) != strings.TrimSpace(string(keylog)) {
			t.Errorf("%s: format %s, key log %q", name, f.Format, f.KeyLog)
		}
		c, s, turns := flows(ss[0])
		wc, ws, wt := flows(want[0])
		if len(ss) != 1 || !bytes.Equal(c, wc) || !bytes.Equal(s, ws) || turns != wt || !ss[0].Segments[0].Time.Equal(want[0].Segments[0].Time) {
			t.Errorf("%s: the pcapng's stream differs from the pcap's", name)
		}
	}
}
