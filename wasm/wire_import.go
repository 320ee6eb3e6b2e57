//go:build !core

package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"tlsplayground/playground/capture"
)

// importedCapture is the capture the page imported last: the engine keeps
// it (bytes, trees) and the page asks for one record at a time.
type importedCapture struct {
	id  int
	res *capture.Result
}

// ImportRequest is the argument of importCapture (the bytes come after it).
type ImportRequest struct {
	Name       string `json:"name"`       // the capture file's name, for messages
	KeylogName string `json:"keylogName"` // the key log file's name, for messages
}

// ImportResponse is playground/capture's summary of an import, with the id
// the page names it by (its analyses are cached under it).
type ImportResponse struct {
	*capture.Summary
	ImportID int    `json:"importId"`
	Name     string `json:"name"`
}

// ImportCapture reads a pcap or pcapng file (or a session export) with an
// optional NSS key log (playground/capture): its TLS connections, each
// decrypted as far as the keys go, Finished checked, key schedule rebuilt.
// It replaces the capture imported before. progress hears how many
// connections are read of how many.
func (a *API) ImportCapture(arg string, file, keylog []byte, progress func(done, total int)) (string, error) {
	var req ImportRequest
	if err := decode("importCapture", arg, &req); err != nil {
		return "", err
	}
	res, err := capture.Open(file, keylog, progress)
	if err != nil {
		if req.Name != "" {
			return "", fmt.Errorf("importCapture: %s: %v", req.Name, err)
		}
		return "", fmt.Errorf("importCapture: %v", err)
	}
	w := a.wire()
	id := 1
	if w.imported != nil {
		id = w.imported.id + 1
	}
	w.imported = &importedCapture{id: id, res: res}
	b, err := json.Marshal(ImportResponse{Summary: res.Summary(), ImportID: id, Name: req.Name})
	return string(b), err
}

// importedAnalysis returns connection i of the imported capture as an
// analysis: its trees are made as the page asks (capture.Result.Tree).
func (w *wireState) importedAnalysis(i int) (*analysis, error) {
	if w.imported == nil {
		return nil, errors.New("no capture imported: call importCapture first")
	}
	res := w.imported.res
	if i < 0 || i >= len(res.Connections) {
		return nil, fmt.Errorf("connection %d does not exist: the capture has %d TLS connections", i, len(res.Connections))
	}
	c := res.Connections[i]
	x := &analysis{recs: c.Records, lazy: func(rec int) (*analysisRecord, error) {
		t, err := res.Tree(i, rec)
		if err != nil {
			return nil, err
		}
		r := &analysisRecord{tree: t, from: "server", decrypted: c.Records[rec].Plaintext != nil}
		if c.Records[rec].FromClient {
			r.from = "client"
		}
		if rec < len(c.Decrypt.Records) {
			r.err = c.Decrypt.Records[rec].Err
		}
		return r, nil
	}}
	return x, nil
}

// importedHello returns the records of the ClientHello of connection i of
// the imported capture: the client's records before the server's first.
func (w *wireState) importedHello(i int) ([]byte, error) {
	if w.imported == nil {
		return nil, errors.New("no capture imported: call importCapture first")
	}
	res := w.imported.res
	if i < 0 || i >= len(res.Connections) {
		return nil, fmt.Errorf("connection %d does not exist: the capture has %d TLS connections", i, len(res.Connections))
	}
	var b []byte
	for _, r := range res.Connections[i].Records {
		if !r.FromClient {
			break
		}
		b = append(b, r.Wire...)
	}
	if b == nil {
		return nil, fmt.Errorf("connection %d has no ClientHello: its first record is the server's", i)
	}
	return b, nil
}
