package main

import (
	"tlsplayground/playground/analyze"
	"tlsplayground/playground/capture"
	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/session"
)

// recordBytes prints every record of a session byte by byte through the
// analyzer (the page's wire view in text): each field's offset, hex, name,
// value, explanation and RFC section, and for an encrypted record its
// decrypted content, opened with the session's own key log.
func (p *printer) recordBytes(e *session.Export) error {
	kl, err := decrypt.ParseKeyLog([]byte(e.Keylog))
	if err != nil {
		return err
	}
	conn, err := capture.FromRecords(e.Records, kl)
	if err != nil {
		return err
	}
	names := map[int][]string{}
	for _, m := range e.Messages {
		names[m.Record] = append(names[m.Record], m.Name)
	}
	p.printf("\nEvery record, byte by byte (offset, bytes, field = value — what it is (RFC)):\n")
	a := analyze.New()
	for i, r := range conn.Records {
		p.recordHeader(i, r.FromClient, names[i], len(r.Wire), conn.Decrypt.Records[i])
		if err := analyze.Fprint(p.w, a.Record(r)); err != nil {
			return err
		}
	}
	return nil
}

// recordHeader is the line above a record's tree.
func (p *printer) recordHeader(i int, fromClient bool, names []string, n int, rr decrypt.RecordResult) {
	dir := "client → server"
	if !fromClient {
		dir = "server → client"
	}
	what := ""
	for j, name := range names {
		if j > 0 {
			what += " + "
		}
		what += name
	}
	if what == "" && len(rr.Messages) > 0 {
		for j, name := range rr.Messages {
			if j > 0 {
				what += " + "
			}
			what += name
		}
	}
	if what != "" {
		what = " · " + what
	}
	how := ""
	switch {
	case rr.Err != "":
		how = " · not decrypted: " + rr.Err
	case rr.Encrypted && rr.Key != "":
		how = " · decrypted with the " + rr.Key
	}
	p.printf("\n── record %d · %s%s · %s%s\n", i+1, dir, what, bytesCount(n), how)
	if rr.Note != "" {
		p.printf("   (%s)\n", rr.Note)
	}
}
