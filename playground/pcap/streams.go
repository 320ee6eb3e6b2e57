package pcap

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"
)

// Stream is one TCP connection's payload, reassembled.
type Stream struct {
	Client, Server netip.AddrPort
	// Segments hold the payload in the order its bytes were sent: each
	// direction's bytes in sequence order, the two directions interleaved
	// as they became available in the capture. Retransmitted bytes appear
	// once.
	Segments []Segment
	// ClientBy says how the client was told from the server: "syn" (it
	// sent the SYN), "client hello" (it sent a TLS ClientHello first),
	// "port" (it sent to the well-known or lower port), or "first sender".
	ClientBy string
	// FirstFrame and LastFrame are the numbers of the connection's first
	// and last packets in the capture.
	FirstFrame, LastFrame int
	// Closed: "fin" (both sides sent FIN), "rst" (a reset), or "" (the
	// capture ends with the connection open, or half closed).
	Closed string
	// Problems: gaps (bytes the capture lost), retransmissions that
	// carried different bytes, one lower-case sentence each.
	Problems []string
}

// Segment is a run of one side's bytes, from one captured packet.
type Segment struct {
	FromClient bool
	Time       time.Time
	Data       []byte
	// Missing is how many bytes of this side's stream the capture lost
	// just before Data: a gap (a segment never captured), reported
	// rather than glued over.
	Missing int
	Frame   int // the packet that carried Data
}

// tlsPorts are well-known ports of TLS services, for telling the client
// when the capture has no SYN.
var tlsPorts = map[uint16]bool{443: true, 465: true, 563: true, 636: true, 853: true, 989: true, 990: true,
	992: true, 993: true, 994: true, 995: true, 5061: true, 8443: true, 4433: true}

// Streams reassembles the TCP connections of a capture (RFC 9293,
// Section 3.10.7.4: bytes in sequence order, each once). Retransmissions
// and overlaps are kept once (the first bytes seen win, and a
// retransmission that carried different bytes is a problem of the
// stream); out-of-order segments are put back in order; sequence numbers
// wrap around; a FIN ends a side's bytes; a RST ends the connection, and a
// later SYN on the same ports starts a new one. Bytes the capture never
// saw are a gap: the next segment's Missing counts them.
//
// The client is the side that sent the SYN. A capture that begins after
// the SYN is read this way instead: the client is the side that sent a TLS
// ClientHello first; failing that, the side that sent to a well-known TLS
// port (443, 8443, 993 …) or, failing that, to the lower port; failing
// that, the first sender.
//
// Connections that carried no payload are left out; a capture without any
// is an error saying what it holds instead.
func Streams(f *File) ([]Stream, error) {
	if f == nil {
		return nil, errors.New("no capture")
	}
	conns := map[connKey]*conn{}
	var order []*conn
	counts := map[string]int{}
	for i := range f.Frames {
		fr := &f.Frames[i]
		counts[fr.Proto]++
		if fr.TCP == nil {
			continue
		}
		t := fr.TCP
		k := keyOf(t.Src, t.Dst)
		c := conns[k]
		if c != nil && t.Flags&(FlagSYN|FlagACK) == FlagSYN && c.restartedBy(t) {
			c = nil // a new connection on the same ports
		}
		if c == nil {
			c = &conn{key: k, first: fr.Number}
			conns[k] = c
			order = append(order, c)
		}
		c.frames = append(c.frames, fr)
	}
	var out []Stream
	total := 0
	for _, c := range order {
		s := c.reassemble()
		if len(s.Segments) > 0 {
			out = append(out, s)
		}
		total++
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no tcp payload in the capture: %s", describe(len(f.Frames), total, counts))
	}
	return out, nil
}

// describe says what a capture without TCP payload holds.
func describe(frames, conns int, counts map[string]int) string {
	if frames == 0 {
		return "it holds no packets"
	}
	var kinds []string
	for k, n := range counts {
		if k == "" {
			k = "undecoded"
		}
		kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(kinds)
	s := fmt.Sprintf("%d packets (%s)", frames, strings.Join(kinds, ", "))
	if conns > 0 {
		s += fmt.Sprintf(", %d tcp connection(s) without data", conns)
	}
	return s
}

// connKey is a connection's 4-tuple with the lower endpoint first.
type connKey struct{ a, b netip.AddrPort }

func keyOf(x, y netip.AddrPort) connKey {
	if x.Compare(y) > 0 {
		x, y = y, x
	}
	return connKey{x, y}
}

type conn struct {
	key    connKey
	first  int
	frames []*Frame
}

// restartedBy reports whether a SYN starts a new connection on the ports of
// c: c ended, or carried data, or began with another SYN.
func (c *conn) restartedBy(t *TCP) bool {
	for _, fr := range c.frames {
		o := fr.TCP
		if o.Flags&(FlagRST|FlagFIN) != 0 || len(o.Payload) > 0 {
			return true
		}
		if o.Flags&(FlagSYN|FlagACK) == FlagSYN && o.Src == t.Src && o.Seq != t.Seq {
			return true
		}
	}
	return false
}

// piece is a run of bytes at an absolute position of one side's stream.
type piece struct {
	at    int64
	data  []byte
	frame *Frame
}

// side is one direction's reassembly.
type side struct {
	fromClient bool
	base       uint32 // the sequence number of the first byte
	haveBase   bool
	lastSeq    uint32 // to unroll wraparound: the previous segment's
	lastAbs    int64
	finAt      int64 // the position of the FIN, -1 until seen
	pieces     []piece
	holes      [][2]int64 // bytes no segment ever carried, [from, to)
	next       int64      // the next position to deliver
	pending    []piece
	got        []byte // the bytes delivered since gotAt, to compare retransmissions
	gotAt      int64
	cursor     int // pass 2: the next piece to hand over
	differ     int // retransmissions with different bytes
	retrans    int
}

// abs places a sequence number in the side's stream, across wraparound.
func (s *side) abs(seq uint32) int64 {
	a := s.lastAbs + int64(int32(seq-s.lastSeq))
	s.lastSeq, s.lastAbs = seq, a
	return a
}

// reassemble orders a connection's segments.
func (c *conn) reassemble() Stream {
	st := Stream{FirstFrame: c.first}
	client, by := c.whoIsClient()
	st.ClientBy = by
	var server netip.AddrPort
	if client == c.key.a {
		server = c.key.b
	} else {
		server = c.key.a
	}
	st.Client, st.Server = client, server
	sides := [2]*side{{fromClient: true, finAt: -1}, {finAt: -1}}
	sideOf := func(t *TCP) *side {
		if t.Src == client {
			return sides[0]
		}
		return sides[1]
	}
	// Pass 1: every side's base, and each segment's place.
	for _, fr := range c.frames {
		t := fr.TCP
		s := sideOf(t)
		if t.Flags&FlagSYN != 0 && !s.haveBase {
			s.base, s.haveBase = t.Seq+1, true
			s.lastSeq, s.lastAbs = s.base, 0
		}
	}
	for _, s := range sides {
		if s.haveBase {
			continue
		}
		// No SYN: the lowest sequence number carrying data, seen from
		// the first segment across wraparound.
		first := true
		var low uint32
		for _, fr := range c.frames {
			t := fr.TCP
			if sideOf(t) != s || (len(t.Payload) == 0 && t.Flags&FlagFIN == 0) {
				continue
			}
			if first || int32(t.Seq-low) < 0 {
				low = t.Seq
			}
			first = false
		}
		s.base, s.haveBase = low, true
		s.lastSeq, s.lastAbs = low, 0
	}
	rstAt := -1
	for i, fr := range c.frames {
		t := fr.TCP
		s := sideOf(t)
		st.LastFrame = fr.Number
		if t.Flags&FlagRST != 0 {
			// Not placed: a reset's sequence number may be anything
			// (RFC 9293, Section 3.5.2) and would throw off the unrolling.
			if rstAt < 0 {
				rstAt = i
			}
			continue
		}
		at := s.abs(t.Seq)
		if t.Flags&FlagSYN != 0 {
			at++ // the SYN takes one sequence number (RFC 9293, Section 3.4)
		}
		if len(t.Payload) > 0 && at >= 0 && (s.finAt < 0 || at < s.finAt) {
			d := t.Payload
			if s.finAt >= 0 && at+int64(len(d)) > s.finAt {
				d = d[:s.finAt-at]
			}
			s.pieces = append(s.pieces, piece{at, d, fr})
		} else if len(t.Payload) > 0 && at < 0 {
			// Before the first byte: a retransmission of what came
			// before the capture started, or before the SYN.
			if end := at + int64(len(t.Payload)); end > 0 {
				s.pieces = append(s.pieces, piece{0, t.Payload[-at:], fr})
			}
		}
		if t.Flags&FlagFIN != 0 && s.finAt < 0 {
			s.finAt = at + int64(len(t.Payload))
		}
	}
	switch {
	case rstAt >= 0:
		st.Closed = "rst"
	case sides[0].finAt >= 0 && sides[1].finAt >= 0:
		st.Closed = "fin"
	}
	for _, s := range sides {
		s.findHoles()
	}
	// Pass 2: deliver in capture order.
	for _, fr := range c.frames {
		t := fr.TCP
		if len(t.Payload) == 0 {
			continue
		}
		s := sideOf(t)
		for ; s.cursor < len(s.pieces) && s.pieces[s.cursor].frame == fr; s.cursor++ {
			s.pending = append(s.pending, s.pieces[s.cursor])
		}
		s.deliver(&st)
	}
	for _, s := range sides {
		name := "client"
		if !s.fromClient {
			name = "server"
		}
		for _, h := range s.holes {
			st.Problems = append(st.Problems, fmt.Sprintf("the %s's bytes %d to %d were never captured (a lost segment): the stream has a gap there", name, h[0], h[1]-1))
		}
		if s.differ > 0 {
			st.Problems = append(st.Problems, fmt.Sprintf("%d retransmission(s) from the %s carried bytes different from the first copy: the first copy was kept", s.differ, name))
		}
	}
	return st
}

// findHoles records the stretches no piece covers, from 0 to the end of
// the last piece.
func (s *side) findHoles() {
	ps := append([]piece(nil), s.pieces...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].at < ps[j].at })
	var end int64
	for _, p := range ps {
		if p.at > end {
			s.holes = append(s.holes, [2]int64{end, p.at})
		}
		end = max(end, p.at+int64(len(p.data)))
	}
}

// deliver hands over every pending byte that is next in line, skipping
// holes that no segment will ever fill.
func (s *side) deliver(st *Stream) {
	missing := 0
	for {
		progressed := false
		for i := 0; i < len(s.pending); i++ {
			p := s.pending[i]
			end := p.at + int64(len(p.data))
			if p.at > s.next {
				continue
			}
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			i--
			// Bytes already delivered: a retransmission or overlap.
			if overlap := min(end, s.next) - p.at; overlap > 0 {
				s.retrans++
				if from := max(p.at, s.gotAt); from < p.at+overlap {
					old := s.got[from-s.gotAt : p.at+overlap-s.gotAt]
					if !bytes.Equal(old, p.data[from-p.at:overlap]) {
						s.differ++
					}
				}
			}
			if end <= s.next {
				continue
			}
			d := p.data[s.next-p.at:]
			st.Segments = append(st.Segments, Segment{FromClient: s.fromClient, Time: p.frame.Time, Data: d, Missing: missing, Frame: p.frame.Number})
			missing = 0
			s.got = append(s.got, d...)
			s.next = end
			progressed = true
		}
		if progressed {
			continue
		}
		// At a hole that will never be filled: skip it, if bytes wait
		// beyond it.
		jumped := false
		for _, h := range s.holes {
			if h[0] == s.next && len(s.pending) > 0 {
				missing += int(h[1] - h[0])
				s.got, s.gotAt = nil, h[1]
				s.next = h[1]
				jumped = true
				break
			}
		}
		if !jumped {
			return
		}
	}
}

// whoIsClient tells the client from the server (see Streams).
func (c *conn) whoIsClient() (netip.AddrPort, string) {
	for _, fr := range c.frames {
		t := fr.TCP
		if t.Flags&(FlagSYN|FlagACK) == FlagSYN {
			return t.Src, "syn"
		}
		if t.Flags&(FlagSYN|FlagACK) == FlagSYN|FlagACK {
			return t.Dst, "syn"
		}
	}
	for _, fr := range c.frames {
		if p := fr.TCP.Payload; len(p) >= 6 && p[0] == 22 && p[1] == 3 && p[5] == 1 {
			return fr.TCP.Src, "client hello"
		}
	}
	a, b := c.key.a, c.key.b
	switch {
	case tlsPorts[a.Port()] && !tlsPorts[b.Port()]:
		return b, "port"
	case tlsPorts[b.Port()] && !tlsPorts[a.Port()]:
		return a, "port"
	case a.Port() < b.Port():
		return b, "port"
	case b.Port() < a.Port():
		return a, "port"
	}
	return c.frames[0].TCP.Src, "first sender"
}
