// Package capture turns a capture file into annotated TLS connections: a
// pcap or pcapng file (playground/pcap reads it and reassembles its TCP
// streams), or the page's own session export, with an optional NSS key log.
// Each TLS connection gets its records (decrypted with playground/decrypt
// when the key log holds its secrets), the messages of its sequence
// diagram, its Finished checks and its key schedule; the analyzer
// (playground/analyze) explains one record at a time on demand. Nothing
// here touches the network: the page runs it in its worker, on the
// visitor's own file.
package capture

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/pcap"
	"tlsplayground/playground/record"
	"tlsplayground/playground/session"
	"tlsplayground/playground/suites"
)

// Bounds on an import. The page reads the file in its worker, so these keep
// a huge capture from freezing the tab or exhausting its memory.
const (
	// MaxFile is the largest capture or session export read: a few minutes
	// of a browser's traffic to a handful of sites.
	MaxFile = 64 << 20
	// MaxKeyLog is the largest key log file: one line per secret, about
	// 180 bytes; a browser that logged for days writes a few MB.
	MaxKeyLog = 8 << 20
	// MaxConnections is the most TLS connections read from one capture; the
	// others are counted and named, not read.
	MaxConnections = 512
	// MaxRecords is the most records read from one connection; the rest are
	// counted, not read (a long download is thousands of records).
	MaxRecords = 20000
)

// Result is an imported capture.
type Result struct {
	Format      string        // "pcap", "pcapng" or "session export"
	Frames      int           // packets in the file (0 for a session export)
	KeyLogLines int           // key log lines: the file's embedded ones plus the key log file's
	Embedded    int           // of which from the file itself (pcapng Decryption Secrets Blocks, the export's keylog)
	Connections []*Connection // the TLS connections, in the order they started
	Other       []Other       // TCP streams that are not TLS, or not read
	Problems    []string      // about the whole file: truncated, packets not decoded, limits reached
}

// Other is a TCP stream that was not read as TLS, and why.
type Other struct {
	Client string `json:"client"`
	Server string `json:"server"`
	Bytes  int    `json:"bytes"`
	Why    string `json:"why"`
}

// Connection is one TLS connection of the capture.
type Connection struct {
	Client, Server        string // "192.0.2.1:50000"; "client" and "server" for a session export
	FirstFrame, LastFrame int
	Records               []analyze.Record  // every record, plaintext filled where it decrypted
	Messages              []session.Message // the sequence diagram: one arrow per handshake message or record
	Decrypt               *decrypt.Result
	Problems              []string // framing (a truncated last record, bytes that are not records, lost bytes) and the decrypt problems

	analyzer *analyze.Analyzer
	next     int // the record the analyzer reads next
}

// Open reads a capture file (pcap, pcapng) or a session export (JSON) with
// an optional NSS key log, and returns its TLS connections. progress, when
// not nil, is called as connections are read (done of total), so the page
// can show how far it is on a large file.
func Open(file, keylog []byte, progress func(done, total int)) (*Result, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	if err := limits.Size("capture file", len(file), MaxFile, "the playground reads captures in the page; cut a larger one with editcap or a display filter"); err != nil {
		return nil, err
	}
	if err := limits.Size("key log file", len(keylog), MaxKeyLog, "a key log is one line per secret"); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(file)) == 0 {
		return nil, errors.New("the capture file is empty")
	}
	var extra decrypt.KeyLog
	if len(bytes.TrimSpace(keylog)) > 0 {
		kl, err := decrypt.ParseKeyLog(keylog)
		if err != nil {
			return nil, fmt.Errorf("key log file: %w", err)
		}
		if len(kl.Entries) == 0 {
			return nil, errors.New("key log file: no key log lines in it, only comments or blank lines")
		}
		extra = kl
	}
	if t := bytes.TrimLeft(file, " \t\r\n\xef\xbb\xbf"); len(t) > 0 && t[0] == '{' {
		return openExport(t, extra, progress)
	}
	if kl, err := decrypt.ParseKeyLog(file); err == nil && len(kl.Entries) > 0 {
		return nil, errors.New("this file is an NSS key log, not a capture: give it as the key log, and the pcap or pcapng file (from Wireshark, tshark, dumpcap or tcpdump) as the capture")
	}
	return openCapture(file, extra, progress)
}

func openCapture(file []byte, extra decrypt.KeyLog, progress func(int, int)) (*Result, error) {
	f, err := pcap.Read(file)
	res := &Result{}
	if err != nil {
		if f == nil || !errors.Is(err, pcap.ErrTruncated) {
			return nil, err
		}
		res.Problems = append(res.Problems, err.Error()+": the packets before the cut are read")
	}
	res.Format, res.Frames = f.Format, len(f.Frames)
	res.Problems = append(res.Problems, f.Problems...)
	kl := extra
	if strings.TrimSpace(f.KeyLog) != "" {
		embedded, err := decrypt.ParseKeyLog([]byte(f.KeyLog))
		if err != nil {
			res.Problems = append(res.Problems, "the key log inside the capture (Decryption Secrets Block): "+err.Error())
		} else {
			res.Embedded = len(embedded.Entries)
			kl = embedded.Merge(extra)
		}
	}
	res.KeyLogLines = len(kl.Entries)
	udp := 0
	for _, fr := range f.Frames {
		if fr.Proto == "udp" {
			udp++
		}
	}
	quic := ""
	if udp > 0 {
		quic = fmt.Sprintf("%d UDP packets (DNS, QUIC …) are not read: if some are QUIC (HTTP/3), their TLS handshake travels inside QUIC (RFC 9001), not in TLS records over TCP, which is what the playground reads; a browser uses TCP when QUIC is off (Chromium: --disable-quic)", udp)
	}
	streams, err := pcap.Streams(f)
	if err != nil {
		if quic != "" {
			return nil, fmt.Errorf("%w; %s", err, quic)
		}
		return nil, err
	}
	if quic != "" {
		res.Problems = append(res.Problems, quic)
	}
	progress(0, len(streams))
	skipped := 0
	for i, s := range streams {
		client, server := s.Client.String(), s.Server.String()
		size := 0
		for _, seg := range s.Segments {
			size += len(seg.Data)
		}
		if why := notTLS(s); why != "" {
			res.Other = append(res.Other, Other{Client: client, Server: server, Bytes: size, Why: why})
			progress(i+1, len(streams))
			continue
		}
		if len(res.Connections) == MaxConnections {
			res.Other = append(res.Other, Other{Client: client, Server: server, Bytes: size,
				Why: fmt.Sprintf("TLS, not read: the playground reads at most %d TLS connections of one capture", MaxConnections)})
			skipped++
			progress(i+1, len(streams))
			continue
		}
		recs, problems := split(s)
		c := newConnection(client, server, recs, kl)
		c.FirstFrame, c.LastFrame = s.FirstFrame, s.LastFrame
		c.Problems = append(append(append([]string{}, s.Problems...), problems...), c.Problems...)
		res.Connections = append(res.Connections, c)
		progress(i+1, len(streams))
	}
	if skipped > 0 {
		res.Problems = append(res.Problems, fmt.Sprintf("%d more TLS connections are not read: the playground reads at most %d of one capture", skipped, MaxConnections))
	}
	if len(res.Connections) == 0 {
		return nil, noTLS(res)
	}
	return res, nil
}

// noTLS says what a capture without TLS holds instead.
func noTLS(res *Result) error {
	if len(res.Other) == 0 {
		return errors.New("no TLS in the capture: it holds no TCP stream with payload")
	}
	var parts []string
	for i, o := range res.Other {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(res.Other)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s → %s: %s", o.Client, o.Server, o.Why))
	}
	return fmt.Errorf("no TLS in the capture: %d TCP stream(s), none starts with a TLS handshake record (%s)", len(res.Other), strings.Join(parts, "; "))
}

// notTLS says why a stream is not read as TLS, or "" when it is TLS: its
// first bytes (the client's, else the server's) are a handshake record
// header (RFC 8446, Section 5.1: type 22, version 3.x).
func notTLS(s pcap.Stream) string {
	var first []byte
	from := "client"
	for _, seg := range s.Segments {
		if seg.FromClient && len(seg.Data) > 0 {
			first = seg.Data
			break
		}
	}
	if first == nil {
		from = "server"
		for _, seg := range s.Segments {
			if len(seg.Data) > 0 {
				first = seg.Data
				break
			}
		}
	}
	if len(first) >= 3 && first[0] == record.TypeHandshake && first[1] == 3 && first[2] <= 4 {
		return ""
	}
	return fmt.Sprintf("not TLS: the %s's first bytes are %s, not a TLS handshake record (16 03 0x)%s", from,
		hexSpaced(first[:min(len(first), 8)]), guess(first))
}

// guess names a few protocols a learner's capture commonly holds besides TLS.
func guess(b []byte) string {
	for _, p := range []struct{ prefix, name string }{
		{"GET ", "HTTP"}, {"POST ", "HTTP"}, {"HEAD ", "HTTP"}, {"PUT ", "HTTP"}, {"OPTIONS ", "HTTP"}, {"CONNECT ", "HTTP"},
		{"HTTP/", "HTTP"}, {"PRI * HTTP/2", "HTTP/2 without TLS"}, {"SSH-", "SSH"}, {"220 ", "SMTP or FTP"}, {"* OK", "IMAP"}, {"+OK", "POP3"},
	} {
		if bytes.HasPrefix(b, []byte(p.prefix)) {
			return fmt.Sprintf(": %q, plain %s", p.prefix, p.name)
		}
	}
	if len(b) >= 3 && b[0] >= 20 && b[0] <= 23 && b[1] == 3 {
		return ": a TLS record, but the capture starts after the handshake began"
	}
	return ""
}

func hexSpaced(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = hex.EncodeToString([]byte{x})
	}
	return strings.Join(parts, " ")
}

// split cuts a stream into TLS records, in the order they completed on the
// wire (each direction's bytes in order, the two interleaved as the capture
// saw them). Bytes lost by the capture, bytes that are not a record and a
// record cut by the end of the capture stop that direction, with a problem.
func split(s pcap.Stream) ([]decrypt.Record, []string) {
	var out []decrypt.Record
	var problems []string
	var buf [2][]byte
	var stopped [2]bool
	var offset [2]int
	names := [2]string{"server", "client"}
	extra := 0
	for _, seg := range s.Segments {
		d := 0
		if seg.FromClient {
			d = 1
		}
		if stopped[d] {
			continue
		}
		if seg.Missing > 0 {
			problems = append(problems, fmt.Sprintf("the capture lost %d bytes of the %s's stream before frame %d: its records from there on are not read", seg.Missing, names[d], seg.Frame))
			stopped[d] = true
			continue
		}
		buf[d] = append(buf[d], seg.Data...)
		for len(buf[d]) >= record.HeaderLen {
			b := buf[d]
			if b[0] < record.TypeChangeCipherSpec || b[0] > 24 || b[1] != 3 {
				problems = append(problems, fmt.Sprintf("the %s's stream holds bytes that are not a TLS record at byte %d (%s): the rest of that direction is not read", names[d], offset[d], hexSpaced(b[:5])))
				stopped[d], buf[d] = true, nil
				break
			}
			n := record.HeaderLen + int(binary.BigEndian.Uint16(b[3:]))
			if n > record.HeaderLen+record.MaxCiphertext {
				problems = append(problems, fmt.Sprintf("the %s's record at byte %d says it is %d bytes long: more than a TLS record can be (2^14 + 2048); the rest of that direction is not read", names[d], offset[d], n-record.HeaderLen))
				stopped[d], buf[d] = true, nil
				break
			}
			if len(b) < n {
				break
			}
			if len(out) == MaxRecords {
				extra++
			} else {
				out = append(out, decrypt.Record{FromClient: seg.FromClient, Wire: append([]byte(nil), b[:n]...)})
			}
			buf[d] = b[n:]
			offset[d] += n
		}
	}
	for d := range buf {
		if n := len(buf[d]); n > 0 && !stopped[d] {
			if n >= record.HeaderLen {
				want := int(binary.BigEndian.Uint16(buf[d][3:]))
				problems = append(problems, fmt.Sprintf("the %s's last record is truncated: %d of its %d bytes are in the capture (it ends there)", names[d], n-record.HeaderLen, want))
			} else {
				problems = append(problems, fmt.Sprintf("the %s's stream ends with %d bytes, less than a record header: the capture ends inside a record", names[d], n))
			}
			// The cut record is kept, so the page can show what arrived.
			out = append(out, decrypt.Record{FromClient: d == 1, Wire: append([]byte(nil), buf[d]...)})
		}
	}
	if extra > 0 {
		problems = append(problems, fmt.Sprintf("%d more records are not read: the playground reads at most %d records of one connection", extra, MaxRecords))
	}
	return out, problems
}

// newConnection decrypts a connection's records and lays out its messages.
func newConnection(client, server string, recs []decrypt.Record, kl decrypt.KeyLog) *Connection {
	dr := decrypt.Connection(recs, kl)
	c := &Connection{Client: client, Server: server, Decrypt: dr, Records: make([]analyze.Record, len(recs))}
	for i, r := range recs {
		c.Records[i] = analyze.Record{FromClient: r.FromClient, Wire: r.Wire, Plaintext: dr.Records[i].Plaintext}
	}
	c.Messages = messages(dr)
	c.Problems = append(c.Problems, dr.Problems...)
	return c
}

// messages gives the arrows of the sequence diagram, shaped like the
// engine's own (session.Message): one per handshake message, named in the
// record where it starts, and one per other record.
func messages(dr *decrypt.Result) []session.Message {
	out := []session.Message{}
	tls13 := dr.Version == suites.VersionTLS13
	for i, r := range dr.Records {
		from := "server"
		if r.FromClient {
			from = "client"
		}
		add := func(name string) {
			out = append(out, session.Message{Name: name, From: from, Step: step(tls13, r.FromClient, name), Record: i, Encrypted: r.Encrypted})
		}
		switch {
		case r.Err != "" && r.Encrypted:
			add("EncryptedRecord")
		case r.Err != "":
			add("TruncatedRecord")
		case r.ContentType == record.TypeHandshake && len(r.Messages) > 0:
			for _, m := range r.Messages {
				add(m)
			}
		default:
			add(handshake.RecordName(r.ContentType, r.Content, true))
		}
	}
	return out
}

// step places a message among the seven steps the page teaches, as the
// engine does for its own sessions (playground/session, steps.go).
func step(tls13, fromClient bool, name string) int {
	switch name {
	case "ClientHello":
		return 1
	case "ServerHello", "EncryptedExtensions", "Certificate", "CertificateStatus", "ServerKeyExchange", "CertificateRequest", "ServerHelloDone":
		if fromClient && name == "Certificate" {
			return 5
		}
		return 2
	case "HelloRetryRequest":
		return 4
	case "ClientKeyExchange":
		return 5
	case "CertificateVerify":
		if tls13 {
			return 6
		}
		return 5
	case "Finished", "EndOfEarlyData":
		return 6
	case "ChangeCipherSpec":
		if tls13 && !fromClient {
			return 2
		}
		return 6
	case "NewSessionTicket":
		if tls13 {
			return 7
		}
		return 6
	}
	return 7
}

// openExport reads the page's own session export (playground/session,
// Export): its records and key log take the same path as a capture's.
func openExport(b []byte, extra decrypt.KeyLog, progress func(int, int)) (*Result, error) {
	var e session.Export
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("not a capture file, and not a session export either: the JSON does not parse (%v)", err)
	}
	if e.Mode == "" || e.Records == nil {
		return nil, errors.New("this JSON is not a session export of the playground: it has no mode and no records")
	}
	progress(0, 1)
	res := &Result{Format: "session export"}
	kl := extra
	if strings.TrimSpace(e.Keylog) != "" {
		own, err := decrypt.ParseKeyLog([]byte(e.Keylog))
		if err != nil {
			return nil, fmt.Errorf("the session export's keylog: %w", err)
		}
		res.Embedded = len(own.Entries)
		kl = own.Merge(extra)
	}
	res.KeyLogLines = len(kl.Entries)
	recs, err := engineRecords(e.Records)
	if err != nil {
		return nil, fmt.Errorf("the session export's %w", err)
	}
	if len(recs) > MaxRecords {
		res.Problems = append(res.Problems, fmt.Sprintf("%d more records are not read: the playground reads at most %d records of one connection", len(recs)-MaxRecords, MaxRecords))
		recs = recs[:MaxRecords]
	}
	c := newConnection("client", "server", recs, kl)
	res.Connections = []*Connection{c}
	progress(1, 1)
	return res, nil
}

// engineRecords reads the engine's records (session.Record: from and hex).
func engineRecords(in []session.Record) ([]decrypt.Record, error) {
	recs := make([]decrypt.Record, 0, len(in))
	for i, r := range in {
		w, err := hex.DecodeString(r.Hex)
		if err != nil {
			return nil, fmt.Errorf("record %d is not hex: %v", i, err)
		}
		if r.From != "client" && r.From != "server" {
			return nil, fmt.Errorf("record %d is from %q: it must be \"client\" or \"server\"", i, r.From)
		}
		recs = append(recs, decrypt.Record{FromClient: r.From == "client", Wire: w})
	}
	return recs, nil
}

// FromRecords is one connection given as the engine's records and its
// key log (empty when there is none), decrypted as a session export is: the
// path the page's own sessions and the terminal's --bytes take.
func FromRecords(records []session.Record, kl decrypt.KeyLog) (*Connection, error) {
	recs, err := engineRecords(records)
	if err != nil {
		return nil, err
	}
	return newConnection("client", "server", recs, kl), nil
}

// Tree analyses record rec of connection conn (playground/analyze). The
// analyzer follows a connection from its first record, so asking for the
// records in order costs one analysis each; asking for an earlier one
// starts over.
func (r *Result) Tree(conn, rec int) (*analyze.Tree, error) {
	if conn < 0 || conn >= len(r.Connections) {
		return nil, fmt.Errorf("connection %d does not exist: the capture has %d TLS connections (0 to %d)", conn, len(r.Connections), len(r.Connections)-1)
	}
	c := r.Connections[conn]
	if rec < 0 || rec >= len(c.Records) {
		return nil, fmt.Errorf("record %d does not exist: connection %d has %d records (0 to %d)", rec, conn, len(c.Records), len(c.Records)-1)
	}
	if c.analyzer == nil || rec < c.next {
		c.analyzer, c.next = analyze.New(), 0
	}
	var t *analyze.Tree
	for ; c.next <= rec; c.next++ {
		t = c.analyzer.Record(c.Records[c.next])
	}
	return t, nil
}
