package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"tlsplayground/playground/jsonenc"
	"tlsplayground/playground/jsonlite"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
)

// Sessions are handles. The engine keeps one default handle, the page's
// session on screen, which every call without a "session" field acts on
// (the behaviour before handles), and up to maxHandles more that a caller
// asked for with newSession({"own": true}) (or setup({"own": true})) and
// gives back with releaseSession({"session": id}). Each handle holds its
// own setup, session, remote client, interception and resumption pair, so
// the attack lab and the comparison run beside the session on screen
// without replacing it.

// defaultHandle names the default handle.
const defaultHandle = "default"

// maxHandles bounds the handles a page holds besides the default one: the
// comparison's, the attack lab's and a few views'. Each keeps a session's
// records and keys (tens of kilobytes).
const maxHandles = 16

// handle is one session's state: what a method that names it acts on.
type handle struct {
	id     string
	setup  *pki.Setup
	sess   *session.Session
	remote *session.Remote
	// remoteToken is the last token the remote session's server sent, as
	// Eve records it beside the records (remoteDeliver's token).
	remoteToken string
	tokenKey    []byte // seals the in-page server's connection state
	mitm        *session.MITM
	// resume is the last first connection and its resumption
	// (resume.go): they live beside the handle's session, never replace it.
	resume struct{ first, second *session.Session }
	// adopted, in the lab module, is the core's copy of this handle's
	// session (records, key log) when the session itself lives in the core
	// (adopt.go); nil otherwise.
	adopted       *sessionData
	adoptedRemote *remoteData
	// setupID names the setup (adopt.go): a copy the lab holds already
	// is not rebuilt.
	setupID string
	// prepared is the handle's next session, run ahead (prepared.go).
	prepared *prepared
}

// sessionRef is the "session" field of a method's argument: the id of a
// handle. It is a string; browserHello's older boolean form (true: the
// default handle's session) is read too, and Set says whether it was given.
type sessionRef struct {
	ID  string
	Set bool
}

// UnmarshalJSON reads a string id, true (the default handle) or false and
// null (none).
func (r *sessionRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch string(b) {
	case "null", "false":
		*r = sessionRef{}
		return nil
	case "true":
		*r = sessionRef{ID: defaultHandle, Set: true}
		return nil
	}
	var s string
	if err := jsonlite.Unmarshal(b, &s); err != nil {
		return errors.New(`"session" must be a session id such as "s1" (a string newSession returned)`)
	}
	*r = sessionRef{ID: s, Set: true}
	return nil
}

// sessionArg is the argument of a method whose only field is the handle.
type sessionArg struct {
	Session sessionRef `json:"session"`
}

// handleOf returns the handle ref names: the default one when ref is
// empty. An id that is not live is an error that says what to do.
func (a *API) handleOf(method string, ref sessionRef) (*handle, error) {
	if !ref.Set || ref.ID == "" || ref.ID == defaultHandle {
		a.handle.id = defaultHandle
		return &a.handle, nil
	}
	if h := a.handles[ref.ID]; h != nil {
		return h, nil
	}
	return nil, fmt.Errorf("%s: no session %q: it was released or never made (newSession({own: true}) makes one; without \"session\" a call acts on the page's session)", method, ref.ID)
}

// newHandle makes a handle named id ("": the next free "s<n>"), bounded
// by maxHandles; it starts with setup.
func (a *API) newHandle(method, id string, setup *pki.Setup) (*handle, error) {
	if len(a.handles) >= maxHandles {
		return nil, fmt.Errorf("%s: %d sessions are live already, the most an engine keeps: release one you no longer show with releaseSession({session: id})", method, maxHandles)
	}
	if a.handles == nil {
		a.handles = map[string]*handle{}
	}
	if id == "" {
		a.lastHandle++
		id = "s" + strconv.Itoa(a.lastHandle)
	}
	h := &handle{id: id, setup: setup}
	a.handles[h.id] = h
	return h, nil
}

// ReleaseRequest is the argument of releaseSession.
type ReleaseRequest struct {
	Session sessionRef `json:"session"`
}

// ReleaseSession forgets a handle made with own: its session, keys and
// interception. The default handle cannot be released.
func (a *API) ReleaseSession(arg string) (string, error) {
	var req ReleaseRequest
	if err := decode("releaseSession", arg, &req); err != nil {
		return "", err
	}
	if !req.Session.Set || req.Session.ID == "" {
		return "", errors.New(`releaseSession: name the session to release: {"session": id}`)
	}
	if req.Session.ID == defaultHandle {
		return "", errors.New("releaseSession: the page's default session cannot be released: a newSession without own replaces it")
	}
	if _, err := a.handleOf("releaseSession", req.Session); err != nil {
		return "", err
	}
	delete(a.handles, req.Session.ID)
	return encode(struct {
		Released string `json:"released"`
		Live     int    `json:"live"`
	}{req.Session.ID, len(a.handles)})
}

// sessionData is a session as the lab's methods read it: the records as
// they crossed the wire and the key log that opens them.
type sessionData struct {
	Mode    string           `json:"mode"`
	Seed    string           `json:"seed"`
	Records []session.Record `json:"records"`
	Keylog  string           `json:"keylog"`
}

// data returns the handle's session as data: its own session's, or the
// core's copy the lab adopted; nil when it has neither.
func (h *handle) data() *sessionData {
	if h.sess != nil {
		ex := h.sess.Export()
		return &sessionData{Mode: ex.Mode, Seed: ex.Seed, Records: ex.Records, Keylog: ex.Keylog}
	}
	return h.adopted
}

// remoteData is a remote session as Eve recorded it: the records and the
// last token the server sent.
type remoteData struct {
	Records []session.Record `json:"records"`
	Token   string           `json:"token"`
}

// remoteRecording returns the handle's remote session as Eve recorded it:
// its own remote client's, or the core's copy; nil when there is none.
func (h *handle) remoteRecording() *remoteData {
	if h.remote != nil {
		return &remoteData{Records: h.remote.Export().Records, Token: h.remoteToken}
	}
	return h.adoptedRemote
}

// MarshalJSON writes the id, or null when none was given (a Go caller
// that marshals a request, as the tests do).
func (r sessionRef) MarshalJSON() ([]byte, error) {
	if !r.Set {
		return []byte("null"), nil
	}
	return jsonenc.String(nil, r.ID), nil
}
