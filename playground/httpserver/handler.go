// Package httpserver puts the engine's server behind a net/http Handler:
// each client flight is an HTTP POST whose body is the raw TLS records, and
// the response body is the server's next flight. The server keeps no
// connection in memory between requests: the connection's state travels
// with the client in a sealed token, as TLS session tickets and QUIC retry
// tokens do, and the server rebuilds it by replaying the client's bytes
// into a server seeded the same way, so any instance can take any flight
// (on Cloudflare Workers one Go instance per isolate, in the page one per
// server identity, natively one process). What one instance keeps across
// requests is bounded and holds no connection: the parsed key and its last
// signatures (sigcache.go).
package httpserver

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/jsonenc"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// Routes, headers and the content type.
const (
	PathInfo    = "/tls/info"
	PathFlight  = "/tls/flight"
	HeaderToken = "Tls-Playground-Token"
	HeaderState = "Tls-Playground-State"
	HeaderTrace = "Tls-Playground-Trace"
	ContentType = "application/octet-stream"
)

// Modes the server speaks.
const (
	ModeClassic = "classic"
	ModeECDHE   = "ecdhe"
	ModeTLS13   = "tls13"
)

// MaxClientBytes bounds what the client of one connection sends in all
// its flights together, and so the largest flight: the token carries every
// client byte so far and travels in an HTTP header, base64url-encoded (4/3
// of it: about 33 KB at this limit, under MaxHeaderBytes and Cloudflare's
// 128 KB of request headers). A connection that needs more starts again.
// GET /tls/info advertises it as maxBody.
const MaxClientBytes = 24 << 10

// MaxHeaderBytes bounds a request's header (the request line and every
// field), checked by the handler so that an over-long header gets the
// contract's JSON error (431 headers_too_large) like every other failure.
// A server in front (net/http, Cloudflare, Node) has its own limit above
// which it answers by itself, before any handler runs, in its own format:
// give net/http ServerMaxHeaderBytes so that the handler's limit is the one
// a client meets first.
const MaxHeaderBytes = 64 << 10

// ServerMaxHeaderBytes is what scripts/serve and tlsplay web set as
// http.Server.MaxHeaderBytes: four times the handler's limit, so that a
// header between the two gets the JSON 431. Beyond it (net/http adds 4 KiB
// of slack) net/http answers a plain-text 431 itself.
const ServerMaxHeaderBytes = 4 * MaxHeaderBytes

// ReplayProtection is what GET /tls/info says about replays. The server is
// stateless: a (token, flight) pair sent again is processed again and gets
// the same answer, byte for byte (the server is rebuilt from the token's
// seed and the client's bytes). It is the replay property of TLS 1.3 0-RTT
// data (RFC 8446, Section 8) and of any server that keeps no state; binding
// a token to a single use needs shared state, such as a Durable Object on
// Cloudflare, which this server does not use.
const ReplayProtection = "none: stateless tokens; a (token, flight) pair sent again is processed again and answered identically, like TLS 1.3 0-RTT data (RFC 8446 §8)"

// Options tune the handler; the zero value is the production default.
type Options struct {
	Now      func() time.Time // default time.Now
	TokenTTL time.Duration    // default 10 minutes
	// MaxClientBytes bounds the bytes of a connection's client flights
	// together, and so of each request body. Default MaxClientBytes.
	MaxClientBytes int
}

type handler struct {
	id  *Identity
	opt Options

	infoOnce sync.Once
	infoBody []byte // GET /tls/info's body, the same for every request: written once
}

// New returns the handler for an identity.
func New(id *Identity, opt Options) http.Handler {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.TokenTTL == 0 {
		opt.TokenTTL = 10 * time.Minute
	}
	if opt.MaxClientBytes == 0 {
		opt.MaxClientBytes = MaxClientBytes
	}
	return &handler{id: id, opt: opt}
}

// apiError is the JSON body of every error.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Alert   string `json:"alert,omitempty"`
	Records string `json:"records,omitempty"` // hex of the server's alert record
}

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func cors(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, "+HeaderToken+", "+HeaderTrace)
	h.Set("Access-Control-Expose-Headers", HeaderToken+", "+HeaderState+", "+HeaderTrace)
	h.Set("Access-Control-Max-Age", "600")
}

// AppendJSON appends the error as encoding/json writes it (jsonenc: no
// reflection, whose first use costs a fresh instance's first request more
// than the rest of its answer).
func (e *apiError) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"code":`, e.Code)
	b = jsonenc.StringField(b, `,"message":`, e.Message)
	if e.Alert != "" {
		b = jsonenc.StringField(b, `,"alert":`, e.Alert)
	}
	if e.Records != "" {
		b = jsonenc.StringField(b, `,"records":`, e.Records)
	}
	return append(b, '}')
}

// writeJSON answers with a JSON body (one value and a newline, as
// json.Encoder writes it).
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, append(e.AppendJSON([]byte(`{"error":`)), "}\n"...))
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cors(w.Header())
	defer func() {
		if v := recover(); v != nil {
			writeError(w, fail(http.StatusInternalServerError, "internal", "the server failed unexpectedly (%v); please report it", v))
		}
	}()
	if n := headerSize(r); n > MaxHeaderBytes {
		writeError(w, fail(http.StatusRequestHeaderFieldsTooLarge, "headers_too_large",
			"the request's header is %d bytes: the limit is %d (the largest field this server needs, %s, is at most about %d bytes)", n, MaxHeaderBytes, HeaderToken, base64.RawURLEncoding.EncodedLen(MaxClientBytes+128)))
		return
	}
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	switch r.URL.Path {
	case PathInfo:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeError(w, fail(http.StatusMethodNotAllowed, "wrong_method", "%s %s: use GET", r.Method, PathInfo))
			return
		}
		h.info(w)
	case PathFlight:
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST, OPTIONS")
			writeError(w, fail(http.StatusMethodNotAllowed, "wrong_method", "%s %s: send each flight with POST", r.Method, PathFlight))
			return
		}
		if e := h.flight(w, r); e != nil {
			writeError(w, e)
		}
	default:
		writeError(w, fail(http.StatusNotFound, "not_found", "no route %q: the routes are GET %s and POST %s", r.URL.Path, PathInfo, PathFlight))
	}
}

// headerSize is the size of a request's header as it came on the wire:
// the request line and each field with its ": " and CRLF.
func headerSize(r *http.Request) int {
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	n := len(r.Method) + 1 + len(uri) + 1 + len(r.Proto) + 2
	n += len("Host: ") + len(r.Host) + 2
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return n
}

// Info is the body of GET /tls/info.
type Info struct {
	ServerName string   `json:"serverName"`
	Modes      []string `json:"modes"`
	CertPEM    string   `json:"certPem"`
	RootPEM    string   `json:"rootPem,omitempty"` // the root CA, when the server publishes it: trust it only if you trust this server's operator
	// MaxBody is the largest flight, and MaxConnectionBytes what all the
	// client's flights of one connection may add up to: the same number
	// (MaxClientBytes), since the token carries them all.
	MaxBody            int    `json:"maxBody"`
	MaxConnectionBytes int    `json:"maxConnectionBytes"`
	MaxHeaderBytes     int    `json:"maxHeaderBytes"`
	TokenTTL           int    `json:"tokenTtlSeconds"`
	ReplayProtection   string `json:"replayProtection"`
}

// AppendJSON appends the info as encoding/json writes it (jsonenc).
func (in *Info) AppendJSON(b []byte) []byte {
	b = jsonenc.StringField(b, `{"serverName":`, in.ServerName)
	b = jsonenc.StringsField(b, `,"modes":`, in.Modes)
	b = jsonenc.StringField(b, `,"certPem":`, in.CertPEM)
	if in.RootPEM != "" {
		b = jsonenc.StringField(b, `,"rootPem":`, in.RootPEM)
	}
	b = jsonenc.IntField(b, `,"maxBody":`, in.MaxBody)
	b = jsonenc.IntField(b, `,"maxConnectionBytes":`, in.MaxConnectionBytes)
	b = jsonenc.IntField(b, `,"maxHeaderBytes":`, in.MaxHeaderBytes)
	b = jsonenc.IntField(b, `,"tokenTtlSeconds":`, in.TokenTTL)
	b = jsonenc.StringField(b, `,"replayProtection":`, in.ReplayProtection)
	return append(b, '}')
}

// info answers GET /tls/info: its body depends on the identity and the
// options only, and is written on the first such request.
func (h *handler) info(w http.ResponseWriter) {
	h.infoOnce.Do(func() {
		var chain []byte
		for _, der := range h.id.Chain {
			chain = append(chain, pki.CertPEM(der)...)
		}
		info := Info{ServerName: h.id.ServerName, Modes: []string{ModeClassic, ModeECDHE, ModeTLS13},
			CertPEM: string(chain), MaxBody: h.opt.MaxClientBytes, MaxConnectionBytes: h.opt.MaxClientBytes, MaxHeaderBytes: MaxHeaderBytes,
			TokenTTL: int(h.opt.TokenTTL.Seconds()), ReplayProtection: ReplayProtection}
		if h.id.Root != nil {
			info.RootPEM = string(pki.CertPEM(h.id.Root))
		}
		h.infoBody = append(info.AppendJSON(nil), '\n')
	})
	writeJSON(w, http.StatusOK, h.infoBody)
}

// flight handles one client flight.
func (h *handler) flight(w http.ResponseWriter, r *http.Request) *apiError {
	if ct := r.Header.Get("Content-Type"); ct == "" {
		return fail(http.StatusUnsupportedMediaType, "wrong_content_type", "no Content-Type: send the TLS records as %s", ContentType)
	} else if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != ContentType {
		return fail(http.StatusUnsupportedMediaType, "wrong_content_type", "Content-Type %q: send the TLS records as %s", ct, ContentType)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(h.opt.MaxClientBytes)+1))
	if err != nil {
		return fail(http.StatusBadRequest, "bad_body", "cannot read the request body: %v", err)
	}
	if len(body) > h.opt.MaxClientBytes {
		return fail(http.StatusRequestEntityTooLarge, "body_too_large", "the flight is larger than %d bytes, the most one connection's client may send (maxBody in %s)", h.opt.MaxClientBytes, PathInfo)
	}
	if len(body) == 0 {
		return fail(http.StatusBadRequest, "empty_body", "the body is empty: send the client's TLS records")
	}
	now := h.opt.Now()
	q := r.URL.Query()
	st, e := h.state(r.Header.Get(HeaderToken), q.Get("mode"), q.Get("group"), now)
	if e != nil {
		return e
	}
	if len(st.Client)+len(body) > h.opt.MaxClientBytes {
		return fail(http.StatusRequestEntityTooLarge, "connection_too_long", "this connection has carried %d client bytes; the limit is %d: start a new connection", len(st.Client)+len(body), h.opt.MaxClientBytes)
	}

	signer, err := h.id.signer()
	if err != nil {
		return fail(http.StatusInternalServerError, "internal", "%v", err)
	}
	// The server's trace only when the client asks for it: recording it
	// (the contract's ids and kinds, trace.Annotate) is work a fresh
	// instance would otherwise do on every flight for nobody.
	var rec *trace.Recorder
	if r.Header.Get(HeaderTrace) == "1" {
		rec = &trace.Recorder{}
	}
	srv, err := h.server(st, signer, rec)
	if err != nil {
		return fail(http.StatusBadRequest, "bad_mode", "%v", err)
	}
	// Rebuild the connection: the same seed and the same client bytes give
	// the same server, byte for byte. What it said before was already sent.
	if len(st.Client) > 0 {
		if err := srv.Receive(st.Client); err != nil {
			return fail(http.StatusConflict, "bad_token", "the connection in the token cannot be rebuilt: %v", err)
		}
		respond(srv)
		srv.TakeOutput()
	}
	before := 0
	if rec != nil {
		before = len(rec.Events)
	}
	rerr := srv.Receive(body)
	if rerr == nil {
		respond(srv)
	}
	var out []byte
	for _, o := range srv.TakeOutput() {
		out = append(out, o.Wire...)
	}
	if rerr != nil {
		a, _ := alert.Of(rerr)
		status, code := http.StatusUnprocessableEntity, "tls_alert"
		if a == alert.UnexpectedMessage {
			status, code = http.StatusConflict, "out_of_order"
		}
		return &apiError{Status: status, Code: code, Message: rerr.Error(), Alert: a.String(), Records: trace.HexString(out)}
	}
	st.Client = append(st.Client, body...)
	st.Flights++
	st.Expires = now.Add(h.opt.TokenTTL)
	token, err := seal(h.id.TokenKey, st)
	if err != nil {
		return fail(http.StatusInternalServerError, "internal", "cannot seal the connection state: %v", err)
	}
	hdr := w.Header()
	hdr.Set(HeaderToken, token)
	state := "handshake"
	switch {
	case srv.PeerClosed():
		state = "closed"
	case srv.HandshakeComplete():
		state = "established"
	}
	hdr.Set(HeaderState, state)
	if rec != nil {
		events := rec.Events[before:]
		b := jsonenc.ListField(nil, "", events == nil)
		for i := range events {
			b = events[i].AppendJSON(jsonenc.Next(b, i))
		}
		hdr.Set(HeaderTrace, base64.RawURLEncoding.EncodeToString(jsonenc.EndList(b, events == nil)))
	}
	hdr.Set("Content-Type", ContentType)
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	return nil
}

// state opens the token, or starts a new connection when there is none.
func (h *handler) state(token, mode, group string, now time.Time) (*connState, *apiError) {
	if token == "" {
		if mode == "" {
			mode = ModeTLS13
		}
		switch mode {
		case ModeClassic, ModeECDHE, ModeTLS13:
		default:
			return nil, fail(http.StatusBadRequest, "bad_mode", "mode %q: choose classic, ecdhe or tls13", mode)
		}
		if mode == ModeClassic && !isRSA(h.id) {
			return nil, fail(http.StatusBadRequest, "bad_mode", "this server's key is not RSA, so it cannot do the classic handshake (RSA key transport): choose ecdhe or tls13")
		}
		if group != "" {
			if _, err := kx.ByName(group); err != nil {
				return nil, fail(http.StatusBadRequest, "bad_mode", "%v", err)
			}
		}
		st := &connState{Mode: mode, Group: group, Seed: make([]byte, 32)}
		if _, err := io.ReadFull(rand.Reader, st.Seed); err != nil {
			return nil, fail(http.StatusInternalServerError, "internal", "no randomness: %v", err)
		}
		return st, nil
	}
	st, err := open(h.id.TokenKey, token)
	if err != nil {
		return nil, fail(http.StatusBadRequest, "bad_token", "%v", err)
	}
	if now.After(st.Expires) {
		return nil, fail(http.StatusGone, "expired_token", "the token expired at %s: start a new connection", st.Expires.UTC().Format(time.RFC3339))
	}
	if mode != "" && mode != st.Mode {
		return nil, fail(http.StatusBadRequest, "bad_mode", "mode %q does not match the connection's %q", mode, st.Mode)
	}
	return st, nil
}

// server builds the server end for a connection state.
func (h *handler) server(st *connState, signer crypto.Signer, rec *trace.Recorder) (endpoint.Endpoint, error) {
	r := ServerRand(st.Seed)
	now := h.opt.Now
	switch st.Mode {
	case ModeTLS13:
		var groups []*kx.Group
		if st.Group != "" {
			g, err := kx.ByName(st.Group)
			if err != nil {
				return nil, err
			}
			groups = []*kx.Group{g}
		}
		return tls13.Server(&tls13.Config{Rand: r, Time: now, Groups: groups, Certificates: h.id.Chain, Signer: signer, OCSPStaple: h.id.OCSPStaple, Trace: rec}), nil
	case ModeECDHE, ModeClassic:
		cfg := &tls12.Config{Rand: r, Time: now, Certificates: h.id.Chain, Signer: signer, OCSPStaple: h.id.OCSPStaple, Trace: rec, Suites: suites.ECDHE}
		if st.Mode == ModeClassic {
			cfg.Suites = suites.Classic
		}
		if st.Mode == ModeClassic {
			// RSA key transport: the key decrypts the premaster secret (tls12 finds
			// it by the Signer's type), which no cache of signatures helps.
			if c, ok := signer.(*cachingSigner); ok {
				cfg.Signer = c.key
			}
		}
		if k, ok := cfg.Signer.(*rsa.PrivateKey); ok {
			cfg.Key = k
		}
		if st.Group != "" {
			g, err := kx.ByName(st.Group)
			if err != nil {
				return nil, err
			}
			cfg.Groups = []*kx.Group{g}
		}
		return tls12.Server(cfg), nil
	}
	return nil, fmt.Errorf("mode %q: choose classic, ecdhe or tls13", st.Mode)
}

// respond is the server's application: it answers each message it
// receives, and a close_notify with its own.
func respond(srv endpoint.Endpoint) {
	for _, msg := range srv.TakeApplicationData() {
		srv.Write([]byte(fmt.Sprintf("server received %d bytes: %s", len(msg), msg)))
	}
	if srv.PeerClosed() && srv.Err() == nil {
		srv.Close()
	}
}
