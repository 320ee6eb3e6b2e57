package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/capture"
	"tlsplayground/playground/decrypt"
)

const explainSynopsis = "explain FILE [--keylog FILE] [--summary]"

// explain reads a capture (pcap, pcapng) or a session export and prints
// each TLS connection in it: endpoints, version and suite, every record
// byte by byte through the analyzer (decrypted where the key log, the
// file's own or --keylog, holds the secrets), the Finished checks and the
// problems found. The same path as the page's capture import.
func (c *cli) explain(args []string) error {
	cmd := c.newCommand("explain", explainSynopsis)
	keylogPath := cmd.String("keylog", "", "NSS key log file (SSLKEYLOGFILE) with the secrets of the connections, besides any key log inside the capture")
	summary := cmd.Bool("summary", false, "print each connection's summary, its records and checks, without the byte-by-byte trees")
	pos, err := cmd.parse(args, 1)
	if err != nil {
		return err
	}
	file, err := readLimited("explain", pos[0], capture.MaxFile, "cut a larger capture with editcap or a display filter (tshark -r IN -Y tls -w OUT)")
	if err != nil {
		return err
	}
	var keylog []byte
	if *keylogPath != "" {
		if keylog, err = readLimited("--keylog", *keylogPath, capture.MaxKeyLog, "a key log is one line per secret; give the file SSLKEYLOGFILE wrote"); err != nil {
			return err
		}
	}
	res, err := capture.Open(file, keylog, nil)
	if err != nil {
		return fmt.Errorf("%s: %v", pos[0], err)
	}
	p := &printer{w: c.stdout}
	p.captureSummary(pos[0], res)
	for i, conn := range res.Connections {
		if err := p.connection(res, i, conn, *summary); err != nil {
			return err
		}
	}
	return nil
}

// readLimited reads a file given on the command line, refusing one larger
// than limit.
func readLimited(arg, path string, limit int, hint string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErr(fmt.Sprintf("%s: %v", arg, err), "give the path of an existing file")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", arg, err)
	}
	if len(b) > limit {
		return nil, usageErr(fmt.Sprintf("%s %q is larger than %s", arg, path, bytesCount(limit)), hint)
	}
	return b, nil
}

// captureSummary says what the file holds.
func (p *printer) captureSummary(name string, res *capture.Result) {
	what := res.Format
	if res.Frames > 0 {
		what += ", " + plural(res.Frames, "packet")
	}
	keys := "no key log: records stay encrypted (give --keylog FILE)"
	if res.KeyLogLines > 0 {
		keys = plural(res.KeyLogLines, "key log line")
		if res.Embedded > 0 {
			keys += fmt.Sprintf(" (%d inside the file)", res.Embedded)
		}
	}
	p.printf("%s: %s, %s, %s\n", name, what, plural(len(res.Connections), "TLS connection"), keys)
	for _, pr := range res.Problems {
		p.wrap("   ! ", "     ", pr)
	}
	for _, o := range res.Other {
		p.wrap(fmt.Sprintf("   not read: %s → %s (%s): ", o.Client, o.Server, bytesCount(o.Bytes)), "     ", o.Why)
	}
}

// connection prints one TLS connection.
func (p *printer) connection(res *capture.Result, i int, conn *capture.Connection, summary bool) error {
	d := conn.Decrypt
	where := ""
	if conn.FirstFrame > 0 {
		where = fmt.Sprintf(" (packets %d to %d)", conn.FirstFrame, conn.LastFrame)
	}
	p.printf("\n══ Connection %d: %s → %s%s\n", i+1, conn.Client, conn.Server, where)
	var facts []string
	if v := d.VersionName(); v != "" {
		facts = append(facts, v)
	} else {
		facts = append(facts, "no ServerHello: the version was not negotiated")
	}
	if d.SuiteName != "" {
		facts = append(facts, d.SuiteName)
	}
	if d.Group != "" {
		facts = append(facts, d.Group)
	}
	if d.SNI != "" {
		facts = append(facts, "server name "+d.SNI)
	}
	if d.HelloRetry {
		facts = append(facts, "after a HelloRetryRequest")
	}
	if d.EMS {
		facts = append(facts, "extended master secret")
	}
	if d.EncryptThenMAC {
		facts = append(facts, "encrypt_then_mac")
	}
	p.printf("   %s\n", strings.Join(facts, " · "))
	decrypted, encrypted := 0, 0
	for _, r := range d.Records {
		if r.Encrypted {
			encrypted++
			if r.Err == "" {
				decrypted++
			}
		}
	}
	p.printf("   %s, %d encrypted, %d of them decrypted\n", plural(len(conn.Records), "record"), encrypted, decrypted)
	for _, f := range d.Finished {
		mark := "✓"
		verdict := "matches the value recomputed from the key log and the transcript"
		if !f.OK {
			mark, verdict = "✗", "differs from the recomputed "+shortHex(f.Expected, 0)
		}
		p.wrap(fmt.Sprintf("   %s %s Finished %s: ", mark, f.Side, shortHex(f.Got, 0)), "       ", verdict)
	}
	if len(d.KeySchedule) > 0 {
		var ids []string
		for _, n := range d.KeySchedule {
			ids = append(ids, n.Label)
		}
		p.wrap("   key schedule from the key log: ", "       ", strings.Join(ids, ", "))
	}
	for _, pr := range conn.Problems {
		p.wrap("   ! ", "     ", pr)
	}
	names := map[int][]string{}
	for _, m := range conn.Messages {
		names[m.Record] = append(names[m.Record], m.Name)
	}
	for j, r := range conn.Records {
		var rr decrypt.RecordResult
		if j < len(d.Records) {
			rr = d.Records[j]
		}
		p.recordHeader(j, r.FromClient, names[j], len(r.Wire), rr)
		if summary {
			continue
		}
		t, err := res.Tree(i, j)
		if err != nil {
			return err
		}
		if err := analyze.Fprint(p.w, t); err != nil {
			return err
		}
	}
	return nil
}
