package main

import (
	"fmt"
	"reflect"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
)

// A prepared session is the next "New session" of a handle, run ahead while
// the page is idle (issue 9: "New session" answers without a handshake on
// the critical path). prepareSession runs a real handshake, with fresh
// randoms and ephemeral keys, with the handle's keys and the options the
// page will ask for, keeps it beside the handle's session and returns it
// (the page holds it until the visitor asks); takePrepared, given the same
// options, makes it the handle's session (the one send, keyUpdate, close
// and exportSession act on) as newSession would have. Anything else gets nothing: other options (the page runs a new
// handshake then), or keys replaced since (setup drops it).

// prepared is a handle's session run ahead.
type prepared struct {
	req   SessionRequest // the options it was run with (normalized)
	setup *pki.Setup     // the keys it was run with
	sess  *session.Session
}

// normalized returns the options of req that make a handshake, written one
// way: the handle and own left out, empty lists as none, extended master
// secret on as unset.
func normalized(req SessionRequest) SessionRequest {
	req.Session, req.Own = sessionRef{}, false
	for _, l := range []*[]string{&req.ServerGroups, &req.ClientSuites, &req.ServerSuites} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	if len(req.Tamper) == 0 {
		req.Tamper = nil
	}
	if req.EMS != nil && *req.EMS {
		req.EMS = nil
	}
	return req
}

// PreparedInfo says when a taken session's handshake ran: ahead of the
// visitor's click, while the page was idle.
type PreparedInfo struct {
	RanAt       string  `json:"ranAt"` // RFC 3339, milliseconds
	HandshakeMs float64 `json:"handshakeMs"`
}

// preparedArg reads the argument of prepareSession or takePrepared: the
// options of newSession, naming a handle (none: the page's).
func (a *API) preparedArg(method, arg string) (*handle, SessionRequest, error) {
	var req SessionRequest
	if err := decode(method, arg, &req); err != nil {
		return nil, req, err
	}
	if req.Own {
		return nil, req, fmt.Errorf("%s: a prepared session is the next session of a handle: leave own out (name the handle with \"session\", or none for the page's)", method)
	}
	h, err := a.handleOf(method, req.Session)
	return h, req, err
}

// PrepareSession runs the handshake newSession would run with the same
// argument (without own) and keeps it for takePrepared, replacing the one
// kept before; the handle's session is left alone. It returns the session
// as newSession would (the handle's id as "session"), with "prepared": when
// its handshake ran, so that the page holds it before the visitor asks.
func (a *API) PrepareSession(arg string) (string, error) {
	h, req, err := a.preparedArg("prepareSession", arg)
	if err != nil {
		return "", err
	}
	h.prepared = nil
	start := time.Now()
	s, err := a.handshake("prepareSession", h, &req)
	if err != nil {
		return "", err
	}
	ms := float64(time.Since(start).Microseconds()) / 1000
	info, err := encode(PreparedInfo{RanAt: start.UTC().Format("2006-01-02T15:04:05.000Z07:00"), HandshakeMs: ms})
	if err != nil {
		return "", err
	}
	out := appendExport(exportBuffer(), s, h.id)
	out = append(out[:len(out)-1], `,"prepared":`...) // the export's closing '}'
	out = append(append(out, info...), '}')
	h.prepared = &prepared{req: normalized(req), setup: h.setup, sess: s}
	return string(out), nil
}

// TakePrepared makes the handle's prepared session its session, as a
// newSession would have, when it was run with the same options and the
// handle's keys: → {session, taken: true}; else null. The prepared session
// is dropped either way.
func (a *API) TakePrepared(arg string) (string, error) {
	h, req, err := a.preparedArg("takePrepared", arg)
	if err != nil {
		return "", err
	}
	p := h.prepared
	h.prepared = nil
	if p == nil || p.setup != h.setup || !reflect.DeepEqual(p.req, normalized(req)) {
		return "null", nil
	}
	h.sess = p.sess
	return encode(struct {
		Session string `json:"session"`
		Taken   bool   `json:"taken"`
	}{h.id, true})
}
