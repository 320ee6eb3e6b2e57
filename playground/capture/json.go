package capture

import (
	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/record"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// Summary is what the page first gets of an import: every connection with
// its records named (not their bytes, not their trees), its sequence
// diagram, Finished checks, key schedule and problems. RecordJSON gives one
// record's bytes and analysis when the page shows it.
type Summary struct {
	Format      string        `json:"format"`
	Frames      int           `json:"frames"`
	KeyLogLines int           `json:"keyLogLines"`
	Embedded    int           `json:"embeddedKeyLogLines"`
	Connections []ConnSummary `json:"connections"`
	Other       []Other       `json:"other"`
	Problems    []string      `json:"problems"`
}

// ConnSummary is one TLS connection in the summary.
type ConnSummary struct {
	Index          int                 `json:"index"`
	Client         string              `json:"client"`
	Server         string              `json:"server"`
	FirstFrame     int                 `json:"firstFrame"`
	LastFrame      int                 `json:"lastFrame"`
	SNI            string              `json:"sni"`
	Version        string              `json:"version"`
	Suite          string              `json:"suite"`
	Group          string              `json:"group"` // the key exchange group, when the hellos or ServerKeyExchange name it
	ClientRandom   string              `json:"clientRandom"`
	HelloRetry     bool                `json:"helloRetry"`
	EarlyData      bool                `json:"earlyData"`
	EarlyAccepted  bool                `json:"earlyAccepted"`
	EMS            bool                `json:"ems"`
	EncryptThenMAC bool                `json:"encryptThenMac"`
	Decrypted      bool                `json:"decrypted"` // every encrypted record decrypted
	Records        []RecordSummary     `json:"records"`
	Messages       []session.Message   `json:"messages"`
	Finished       []decrypt.Finished  `json:"finished"`
	KeySchedule    session.KeySchedule `json:"keySchedule"`
	Problems       []string            `json:"problems"`
}

// RecordSummary names one record without its bytes.
type RecordSummary struct {
	From      string `json:"from"`
	Length    int    `json:"length"`    // wire bytes, header included
	Type      string `json:"type"`      // the real content type when known ("handshake" inside a TLS 1.3 record), else the header's
	Encrypted bool   `json:"encrypted"` // the fragment is protected
	Decrypted bool   `json:"decrypted"`
	Key       string `json:"key,omitempty"` // the secret that opened it
	Seq       uint64 `json:"seq"`
	Err       string `json:"err,omitempty"`
	Note      string `json:"note,omitempty"`
}

func from(fromClient bool) string {
	if fromClient {
		return "client"
	}
	return "server"
}

// Summary returns the summary of an import.
func (r *Result) Summary() *Summary {
	s := &Summary{Format: r.Format, Frames: r.Frames, KeyLogLines: r.KeyLogLines, Embedded: r.Embedded,
		Connections: make([]ConnSummary, len(r.Connections)), Other: append([]Other{}, r.Other...), Problems: append([]string{}, r.Problems...)}
	for i, c := range r.Connections {
		d := c.Decrypt
		cs := ConnSummary{Index: i, Client: c.Client, Server: c.Server, FirstFrame: c.FirstFrame, LastFrame: c.LastFrame,
			SNI: d.SNI, Version: d.VersionName(), Suite: d.SuiteName, Group: d.Group, ClientRandom: trace.HexString(d.ClientRandom),
			HelloRetry: d.HelloRetry, EarlyData: d.EarlyData, EarlyAccepted: d.EarlyAccepted, EMS: d.EMS, EncryptThenMAC: d.EncryptThenMAC,
			Records: make([]RecordSummary, len(d.Records)), Messages: c.Messages, Finished: append([]decrypt.Finished{}, d.Finished...),
			KeySchedule: session.KeySchedule{Nodes: d.KeySchedule}, Problems: append([]string{}, c.Problems...)}
		cs.Decrypted = true
		for j, rr := range d.Records {
			typ := rr.ContentType
			if typ == 0 {
				typ = rr.Type
			}
			cs.Records[j] = RecordSummary{From: from(rr.FromClient), Length: len(c.Records[j].Wire), Type: record.TypeName(typ),
				Encrypted: rr.Encrypted, Decrypted: rr.Encrypted && rr.Err == "", Key: rr.Key, Seq: rr.Seq, Err: rr.Err, Note: rr.Note}
			if rr.Encrypted && rr.Err != "" {
				cs.Decrypted = false
			}
		}
		s.Connections[i] = cs
	}
	return s
}
