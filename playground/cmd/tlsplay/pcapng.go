package main

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"tlsplayground/playground/pcap"
)

// This file writes --pcapng: the connections a command made, as a pcapng
// file with their key logs inside (a Decryption Secrets Block), so that
// Wireshark and tshark open it decrypted with no other file.

const pcapngUsage = "write the connection to FILE as pcapng, with its key log inside: Wireshark and tshark open it decrypted (tshark -r FILE -q -z follow,tls,ascii,0)"

// maxCaptured bounds what serve keeps for --pcapng: connections and bytes.
const (
	maxCapturedConns = 1000
	maxCapturedBytes = 64 << 20
)

// captureFile is a --pcapng file, rewritten whole each time a connection
// is added, so that it is complete whenever the command stops.
type captureFile struct {
	path   string
	mu     sync.Mutex
	conns  []pcap.Conn
	keylog string
	bytes  int
	full   bool // the bounds were reached: later connections are left out
}

// createCapture creates (or empties) the file at once, so that a path that
// cannot be written is a usage error before anything runs.
func createCapture(path string) (*captureFile, error) {
	f := &captureFile{path: path}
	if err := f.flush(); err != nil {
		return nil, usageErr(err.Error(), "give a path in a directory you can write to, e.g. --pcapng session.pcapng")
	}
	return f, nil
}

// add adds a connection and its key log, and rewrites the file. It reports
// false when the bounds are reached and the connection is left out.
func (f *captureFile) add(c pcap.Conn, keylog string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, p := range c.Packets {
		n += len(p.Payload)
	}
	if f.full || len(f.conns) >= maxCapturedConns || f.bytes+n > maxCapturedBytes {
		f.full = true
		return false, nil
	}
	f.conns = append(f.conns, c)
	f.keylog += keylog
	f.bytes += n
	return true, f.flush()
}

func (f *captureFile) flush() error {
	if err := os.WriteFile(f.path, pcap.WritePCAPNG(f.conns, f.keylog, time.Now()), 0o644); err != nil {
		return fmt.Errorf("--pcapng: cannot write the capture: %v", err)
	}
	return nil
}

// wireLog records the bytes a TCP connection carried, each way, with the
// time they were read or written.
type wireLog struct {
	mu            sync.Mutex
	localIsClient bool
	packets       []pcap.Packet
	bytes         int
}

// maxWireLog bounds one connection's recording.
const maxWireLog = 16 << 20

func (l *wireLog) note(sent bool, b []byte) {
	if l == nil || len(b) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bytes+len(b) > maxWireLog {
		return
	}
	l.bytes += len(b)
	l.packets = append(l.packets, pcap.Packet{FromClient: sent == l.localIsClient, Payload: append([]byte(nil), b...), Time: time.Now()})
}

// conn is the recording as a connection between the socket's two ends.
func (l *wireLog) conn(nc net.Conn) pcap.Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	local, remote := addrPort(nc.LocalAddr()), addrPort(nc.RemoteAddr())
	c := pcap.Conn{Client: local, Server: remote, Packets: append([]pcap.Packet(nil), l.packets...)}
	if !l.localIsClient {
		c.Client, c.Server = remote, local
	}
	return c
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	return netip.AddrPort{}
}
