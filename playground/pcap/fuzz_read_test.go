package pcap

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzRead: Read and Streams never panic on any input; an error is lower
// case and names no more packets than were read; a truncated file keeps
// the packets before the cut; every stream's bytes come from the file's
// packets; writing the streams back and reading them again gives the same
// bytes. Seeds: the two shared captures and the files WritePCAPNG makes.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"illustrated-tls12", "illustrated-tls13"} {
		c, k := sharedCapture(f, name)
		f.Add(c)
		_, ss := mustStreamsTB(f, c)
		var conn Conn
		for _, g := range ss[0].Segments {
			conn.Packets = append(conn.Packets, Packet{FromClient: g.FromClient, Payload: g.Data})
		}
		f.Add(WritePCAPNG([]Conn{conn}, string(k), t0))
	}
	f.Add(WritePCAPNG(testConns(), "CLIENT_RANDOM 00 11\n", t0))
	f.Fuzz(checkRead)
}

func checkRead(t *testing.T, b []byte) {
	file, err := Read(b)
	if err != nil {
		if msg := err.Error(); msg == "" || strings.ToLower(msg[:1]) != msg[:1] {
			t.Fatalf("error %q does not start lower case", msg)
		}
		if errors.Is(err, ErrTruncated) != (file != nil && file.Truncated) {
			t.Fatalf("truncated flag %v, error %v", file != nil && file.Truncated, err)
		}
	}
	if file == nil {
		return
	}
	ss, err := Streams(file)
	if err != nil {
		if len(ss) != 0 {
			t.Fatal("streams with an error")
		}
		return
	}
	var conns []Conn
	for _, s := range ss {
		if len(s.Segments) == 0 {
			t.Fatal("a stream without segments")
		}
		c := Conn{Client: s.Client, Server: s.Server}
		for _, g := range s.Segments {
			if len(g.Data) == 0 || g.Missing < 0 || !bytes.Contains(b, g.Data[:min(len(g.Data), 8)]) {
				t.Fatalf("segment of %d bytes, missing %d, not from the file", len(g.Data), g.Missing)
			}
			c.Packets = append(c.Packets, Packet{FromClient: g.FromClient, Payload: g.Data})
		}
		conns = append(conns, c)
	}
	if len(conns) > 20 || file.Format == "" {
		return
	}
	again, err := Read(WritePCAPNG(conns, file.KeyLog, t0))
	if err != nil {
		t.Fatalf("reading what was written: %v", err)
	}
	ss2, err := Streams(again)
	if err != nil {
		t.Fatalf("streams of what was written: %v", err)
	}
	for i := range ss {
		var a, b []byte
		for _, g := range ss[i].Segments {
			a = append(a, g.Data...)
		}
		for _, g := range ss2[i].Segments {
			b = append(b, g.Data...)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("stream %d: %d bytes, %d after writing and reading", i, len(a), len(b))
		}
	}
}

func mustStreamsTB(tb testing.TB, b []byte) (*File, []Stream) {
	tb.Helper()
	f, err := Read(b)
	if err != nil {
		tb.Fatal(err)
	}
	ss, err := Streams(f)
	if err != nil {
		tb.Fatal(err)
	}
	return f, ss
}
