//go:build !core

package main

// The wire views' methods (registered in main_js.go through wire_js.go):
// analyze, sessionCapture, importCapture and browserHello (and, in the
// core, describe.go's describeCertificates). Each turns one JSON argument (and, for
// importCapture, bytes) into a call to the engine's packages; there is no
// protocol logic here.

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/capture"
	"tlsplayground/playground/decrypt"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// wireState is what the wire methods keep between calls: the analyses
// made (one per connection, newest first) and the imported capture.
type wireState struct {
	analyses []*analysis
	imported *importedCapture
}

// keptAnalyses bounds the connections whose trees stay cached: the session
// on screen, Mallory's two, a tampered one, an imported one and a few more.
const keptAnalyses = 8

var (
	wireMu     sync.Mutex
	wireStates = map[*API]*wireState{}
)

// wire returns a's wire state. (It lives beside API rather than in it so
// that api.go needs no field for it; calls are serialized by the caller.)
func (a *API) wire() *wireState {
	wireMu.Lock()
	defer wireMu.Unlock()
	w := wireStates[a]
	if w == nil {
		w = &wireState{}
		wireStates[a] = w
	}
	return w
}

// analysis is one connection analysed: every record's tree, in wire order.
type analysis struct {
	key  [32]byte
	recs []analyze.Record // Plaintext set where the key log opened it
	done []*analysisRecord
	// lazy, when set, makes record i's analysis on demand (an imported
	// capture's connection may have thousands of records); else done holds
	// every record.
	lazy func(i int) (*analysisRecord, error)
}

// analysisRecord is one record's analysis.
type analysisRecord struct {
	tree *analyze.Tree
	from string // "client" or "server"
	// decrypted says the plaintext was recovered; err, for an encrypted
	// record that was not, why.
	decrypted bool
	err       string
}

// record returns record i's analysis.
func (x *analysis) record(i int) (*analysisRecord, error) {
	if x.lazy != nil {
		return x.lazy(i)
	}
	return x.done[i], nil
}

// connection is the input of an analysis: the records as they crossed the
// wire and the NSS key log that opens them ("" when there is none).
type connection struct {
	records []session.Record
	keylog  string
}

// analysisKey names a connection by its bytes and its keys: the same key,
// the same trees.
func analysisKey(c connection) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n%s\n", len(c.keylog), c.keylog)
	for _, r := range c.records {
		fmt.Fprintf(h, "%s %s\n", r.From, r.Hex)
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// analysed returns the analysis of c, from the cache when it was made before.
func (w *wireState) analysed(c connection) (*analysis, error) {
	key := analysisKey(c)
	for i, x := range w.analyses {
		if x.key == key {
			copy(w.analyses[1:i+1], w.analyses[:i])
			w.analyses[0] = x
			return x, nil
		}
	}
	// A key log that does not parse opens nothing: the records are still
	// analysed, and the encrypted ones say why they stayed closed.
	kl, klErr := decrypt.ParseKeyLog([]byte(c.keylog))
	conn, err := capture.FromRecords(c.records, kl)
	if err != nil {
		return nil, err
	}
	x := &analysis{key: key, recs: conn.Records}
	a := analyze.New()
	for i, r := range conn.Records {
		ar := &analysisRecord{tree: a.Record(r), from: c.records[i].From, decrypted: r.Plaintext != nil}
		switch rr := conn.Decrypt.Records[i]; {
		case c.keylog == "" || !rr.Encrypted || r.Plaintext != nil: // nothing to open, or opened
		case klErr != nil:
			ar.err = "the key log does not parse: " + klErr.Error()
		default:
			ar.err = rr.Err
		}
		x.done = append(x.done, ar)
	}
	w.analyses = append([]*analysis{x}, w.analyses...)
	if len(w.analyses) > keptAnalyses {
		w.analyses = w.analyses[:keptAnalyses]
	}
	return x, nil
}

// AnalyzeRequest is the argument of analyze: one record of one connection.
type AnalyzeRequest struct {
	// Source names the connection: "session" (the default) the current
	// session; "mitm-left" and "mitm-right" Mallory's two (client ↔ Mallory,
	// Mallory ↔ server); "import" a connection of the imported capture
	// (Connection); "records" the records given here, with their key log,
	// for a session the page holds and the engine no longer does (a tampered
	// run, a scenario's handshake).
	Source     string           `json:"source"`
	Record     int              `json:"record"`
	Connection int              `json:"connection"`
	Records    []session.Record `json:"records"`
	Keylog     string           `json:"keylog"`
	// Session names the handle of "session", "mitm-left" and "mitm-right"
	// (default: the page's).
	Session sessionRef `json:"session"`
}

// AnalyzeResponse is one record's annotated tree.
type AnalyzeResponse struct {
	Record  int           `json:"record"`
	Records int           `json:"records"` // how many records the connection has
	From    string        `json:"from"`    // "client" or "server"
	Tree    *analyze.Tree `json:"tree"`
	// WireHex and PlainHex are the bytes the tree's offsets count in: the
	// record as it crossed the wire, and its plaintext when it was opened.
	WireHex  string `json:"wireHex"`
	PlainHex string `json:"plainHex,omitempty"`
	// Decrypted: Tree.Plain is the record's plaintext. DecryptError says
	// why an encrypted record was not opened (no key log, a changed byte…).
	Decrypted    bool   `json:"decrypted"`
	DecryptError string `json:"decryptError,omitempty"`
}

// maxRecords bounds the records a page may give analyze: a session of the
// playground has a few dozen; a capture's connections stay in the engine.
const maxRecords = 4096

// Analyze returns one record's tree: its wire bytes field by field, and its
// plaintext's when the key log opens it. The page asks per record, as it
// shows each one.
func (a *API) Analyze(arg string) (string, error) {
	var req AnalyzeRequest
	if err := decode("analyze", arg, &req); err != nil {
		return "", err
	}
	w := a.wire()
	var x *analysis
	switch req.Source {
	case "", "session", "mitm-left", "mitm-right", "records":
		if req.Source != "records" && (req.Records != nil || req.Keylog != "") {
			return "", errors.New(`analyze: records and keylog go with source "records" only`)
		}
		c, err := a.connectionOf("analyze", req)
		if err != nil {
			return "", err
		}
		if x, err = w.analysed(c); err != nil {
			return "", fmt.Errorf("analyze: %v", err)
		}
	case "import":
		var err error
		if x, err = w.importedAnalysis(req.Connection); err != nil {
			return "", fmt.Errorf("analyze: %v", err)
		}
	default:
		return "", fmt.Errorf("analyze: source %q: session, mitm-left, mitm-right, import or records", req.Source)
	}
	n := len(x.recs)
	if req.Record < 0 || req.Record >= n {
		return "", fmt.Errorf("analyze: record %d: the connection has %d records (0 to %d)", req.Record, n, n-1)
	}
	i := req.Record
	r, err := x.record(i)
	if err != nil {
		return "", fmt.Errorf("analyze: %v", err)
	}
	return encode(AnalyzeResponse{Record: i, Records: n, From: r.from, Tree: r.tree,
		WireHex: trace.HexString(x.recs[i].Wire), PlainHex: trace.HexString(x.recs[i].Plaintext),
		Decrypted: r.decrypted, DecryptError: r.err})
}

// connectionOf returns the records and key log of the session req names.
func (a *API) connectionOf(method string, req AnalyzeRequest) (connection, error) {
	var s *session.Session
	h, err := a.handleOf(method, req.Session)
	if err != nil {
		return connection{}, err
	}
	switch req.Source {
	case "records":
		if len(req.Records) > maxRecords {
			return connection{}, &limits.Error{Arg: method + ": records", What: "entries", Got: len(req.Records), Limit: maxRecords, Why: "a session of the playground has a few dozen"}
		}
		return connection{records: req.Records, keylog: req.Keylog}, nil
	case "mitm-left", "mitm-right":
		if h.mitm == nil {
			return connection{}, fmt.Errorf("%s: no interception yet: call mitm first", method)
		}
		s = h.mitm.Left
		if req.Source == "mitm-right" {
			if s = h.mitm.Right; s == nil {
				return connection{}, fmt.Errorf("%s: Mallory has no session with the server: the client refused her", method)
			}
		}
	default:
		d := h.data()
		if d == nil {
			return connection{}, fmt.Errorf("%s: no session: call newSession first", method)
		}
		return connection{records: d.Records, keylog: d.Keylog}, nil
	}
	ex := s.Export()
	return connection{records: ex.Records, keylog: ex.Keylog}, nil
}
