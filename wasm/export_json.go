package main

import (
	"sync/atomic"

	"tlsplayground/playground/jsonenc"
	"tlsplayground/playground/session"
)

// exportSize is the length of the last export written: the next one's
// buffer is made that size and a little more, so that it grows once at
// most (a page's exports are alike in size, 50-110 KB).
var exportSize atomic.Int64

// appendExport appends s's export as the page receives it: the JSON of
// session.Export (its AppendJSON: no reflection, the same bytes as
// json.Marshal) with the handle's id as "session" first.
func appendExport(b []byte, s *session.Session, id string) []byte {
	b = append(b, `{"session":`...)
	b = jsonenc.String(b, id)
	start := len(b)
	b = s.Export().AppendJSON(b)
	b[start] = ',' // the export's own '{': its fields follow "session"
	return b
}

// exportBuffer returns an empty buffer the size of the last export.
func exportBuffer() []byte {
	n := exportSize.Load()
	return make([]byte, 0, n+n/8+1024)
}

// exportOf is the export of s with the handle's id as "session".
func exportOf(s *session.Session, id string) (string, error) {
	b := appendExport(exportBuffer(), s, id)
	exportSize.Store(int64(len(b)))
	return string(b), nil
}
