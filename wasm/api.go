// Command wasm is the one Go program compiled to js/wasm. It is a thin
// bridge: api.go turns JSON requests into calls to the engine in
// playground/ and builds natively; main_js.go installs the API on
// globalThis with safejs. There is no protocol logic here.
package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"tlsplayground/playground/jsonlite"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// API is the state behind globalThis.tlsPlayground: the default handle
// (the page's session on screen: its setup, session, remote client,
// interception) and the handles made with own (handles.go). Calls are
// serialized by the caller (one worker, one request at a time).
type API struct {
	handle                        // the default handle
	handles    map[string]*handle // the others, by id
	lastHandle int                // the number in the last id made
	mallory    *pki.Setup         // Mallory's own root and key
	now        func() time.Time
}

// decode parses a JSON argument strictly: one JSON object whose fields v
// names; an empty argument is "{}". The JavaScript side has already checked
// that the argument is a string (main_js.go).
func decode(method, arg string, v any) error {
	if err := limits.Size(method+": the argument", len(arg), limits.Argument, "4 MiB holds the largest trust store or flight"); err != nil {
		return err
	}
	if strings.TrimSpace(arg) == "" {
		arg = "{}"
	}
	if t := strings.TrimLeft(arg, " \t\r\n"); t[0] != '{' {
		return fmt.Errorf("%s: the argument must be a JSON object such as {} (got %.40q)", method, arg)
	}
	if err := jsonlite.Unmarshal([]byte(arg), v); err != nil {
		return fmt.Errorf("%s: bad argument %.80q: %v", method, arg, err)
	}
	return nil
}

// noArgument checks the argument of a method that takes none: nothing, ""
// or "{}".
func noArgument(method, arg string) error {
	return decode(method, arg, &struct{}{})
}

// seed reads an optional seed argument.
func seed(method, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	return limits.ParseSeed(method+": seed", s)
}

// checkText bounds a message the user typed. The engine splits it into
// records of at most 2^14 bytes (RFC 8446, Section 5.1), so a long one
// spans several records.
func checkText(method, text string) error {
	return limits.Size(method+": text", len(text), limits.Message, "the engine splits it into records of at most 16384 bytes, RFC 8446 §5.1")
}

// encode writes a response as json.Marshal would (package jsonlite: the
// core is built without encoding/json).
func encode(v any) (string, error) {
	b, err := jsonlite.Marshal(v)
	return string(b), err
}

// SetupRequest is the argument of setup.
type SetupRequest struct {
	KeyType    string `json:"keyType"`
	KeyBits    int    `json:"keyBits"`
	ServerName string `json:"serverName"`
	Seed       string `json:"seed"`
	// CAKeyPEM and KeyPEM, when set, are keys made earlier (kept by the
	// page, or shipped with it) that setup uses instead of generating: the
	// root's RSA key and the server's key of any offered type, PEM (PKCS #8,
	// PKCS #1 or SEC 1). Setup then only signs the two certificates.
	CAKeyPEM string `json:"caKeyPem"`
	KeyPEM   string `json:"keyPem"`
	// Session names the handle whose setup this replaces (default: the
	// page's); Own makes a new handle with this setup instead.
	Session sessionRef `json:"session"`
	Own     bool       `json:"own"`
	// State, when set, is the certificates (and OCSP response) an earlier
	// setup issued for the same keys, as setup_state.go reads them: setup
	// checks them and signs nothing, or issues anew and says why
	// (stateRefused). KeepState asks for this setup's state in the answer.
	State     *setupState `json:"state"`
	KeepState bool        `json:"keepState"`
}

// CertOut is a certificate for the page: PEM and decoded fields.
type CertOut struct {
	PEM  string       `json:"pem"`
	Cert pki.CertInfo `json:"cert"`
}

// KeyOut describes the server's key pair.
type KeyOut struct {
	Type       string `json:"type"` // "RSA", "ECDSA", "Ed25519"
	Bits       int    `json:"bits"`
	ModulusHex string `json:"modulusHex,omitempty"` // RSA
	Exponent   int    `json:"exponent,omitempty"`   // RSA
	PublicHex  string `json:"publicHex"`            // the public key as the certificate carries it (SubjectPublicKeyInfo, DER)
	PEM        string `json:"pem"`
	// Fingerprint is the SHA-256 of the public key (PublicHex's bytes), hex:
	// it names the key pair without showing it.
	Fingerprint string `json:"fingerprint"`
}

func keyBits(s *pki.Setup) int {
	if s.Key != nil {
		return s.Key.N.BitLen()
	}
	return 0
}

// serverKey describes the server's key pair for the page.
func serverKey(s *pki.Setup) KeyOut {
	sum := sha256.Sum256(s.Leaf.RawSubjectPublicKeyInfo)
	k := KeyOut{PEM: string(s.KeyPEM()), PublicHex: trace.HexString(s.Leaf.RawSubjectPublicKeyInfo), Fingerprint: trace.HexString(sum[:])}
	switch s.KeyType {
	case pki.KeyRSA:
		k.Type, k.Bits, k.ModulusHex, k.Exponent = "RSA", s.Key.N.BitLen(), trace.HexString(s.Key.N.Bytes()), s.Key.E
	case pki.KeyECDSA:
		k.Type, k.Bits = "ECDSA", 256
	default:
		k.Type, k.Bits = "Ed25519", 256
	}
	return k
}

// SetupResponse is the result of setup.
type SetupResponse struct {
	ServerName  string  `json:"serverName"`
	KeyType     string  `json:"keyType"`
	KeyBits     int     `json:"keyBits"`
	GeneratedMs float64 `json:"generatedMs"`
	CA          CertOut `json:"ca"`
	Leaf        CertOut `json:"leaf"`
	// Intermediate is the CA that issued the leaf, under the root.
	Intermediate *CertOut `json:"intermediate,omitempty"`
	ServerKey    KeyOut   `json:"serverKey"`
	// CAKeyPEM is the root's private key (PKCS #8), so that the page can
	// keep it and give it back to a later setup.
	CAKeyPEM string `json:"caKeyPem"`
	// CAKeyGiven and KeyGiven say which keys came with the request; the
	// others were generated by this setup.
	CAKeyGiven bool `json:"caKeyGiven"`
	KeyGiven   bool `json:"keyGiven"`
	// Session is the handle the setup belongs to.
	Session string `json:"session"`
}

// givenKey parses a key given to setup as PEM; what names it in errors.
func givenKey(what, field, data string) (crypto.Signer, error) {
	if err := limits.Size("setup: "+field, len(data), limits.PEM, "a private key in PEM is a few kilobytes"); err != nil {
		return nil, err
	}
	k, err := pki.ParseKeyPEM([]byte(data))
	if err != nil {
		return nil, fmt.Errorf("setup: %s: %s: %v", field, what, err)
	}
	return k, nil
}

// Setup creates the root CA, the server key and its certificate, or takes
// back those an earlier setup issued for the same keys (req.State,
// setup_state.go). progress, if not nil, is told each stage as it starts.
func (a *API) Setup(arg string, progress func(stage string)) (string, error) {
	var req SetupRequest
	if err := decode("setup", arg, &req); err != nil {
		return "", err
	}
	if req.Own && req.Session.Set {
		return "", errors.New("setup: own makes a new session: leave \"session\" out, or leave own out to replace that session's setup")
	}
	var h *handle
	if !req.Own {
		var err error
		if h, err = a.handleOf("setup", req.Session); err != nil {
			return "", err
		}
	}
	opt := pki.Options{KeyType: req.KeyType, KeyBits: req.KeyBits, ServerName: req.ServerName}
	if req.ServerName != "" {
		if err := limits.CheckServerName("setup: serverName", req.ServerName); err != nil {
			return "", err
		}
	}
	sd, err := seed("setup", req.Seed)
	if err != nil {
		return "", err
	}
	if sd != nil {
		opt.Rand = rng.New(sd)
	}
	if a.now != nil {
		opt.Now = a.now()
	}
	if progress != nil {
		opt.Progress = func(s pki.Stage) { progress(string(s)) }
	}
	if req.CAKeyPEM != "" {
		k, err := givenKey("the root's key", "caKeyPem", req.CAKeyPEM)
		if err != nil {
			return "", err
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return "", fmt.Errorf("setup: caKeyPem: the root's key must be RSA (it is a %T)", k)
		}
		opt.CAKey = rk
	}
	if req.KeyPEM != "" {
		k, err := givenKey("the server's key", "keyPem", req.KeyPEM)
		if err != nil {
			return "", err
		}
		opt.Signer = k
	}
	// As a public CA issues: from an intermediate, logged (two SCTs), with
	// a good OCSP response for the server to staple.
	opt.Intermediate, opt.CT, opt.OCSP = true, true, true
	var s *pki.Setup
	var issuedAt, ocspAt, refused string
	if req.State != nil {
		start, now := time.Now(), opt.Now
		if now.IsZero() {
			now = start
		}
		restored, freshOCSP, err := restoreSetup(req.State, opt, now)
		if err != nil {
			refused = "the state given was not taken: " + err.Error()
		} else {
			s = restored
			s.GeneratedIn = time.Since(start)
			issuedAt = pki.IssuedAt(s.Leaf).Format(time.RFC3339)
			if freshOCSP {
				ocspAt = now.UTC().Truncate(time.Second).Format(time.RFC3339)
			}
		}
	}
	if s == nil {
		if s, err = pki.NewSetup(opt); err != nil {
			return "", err
		}
	}
	caDER, err := x509.MarshalPKCS8PrivateKey(s.CAKey)
	if err != nil {
		return "", fmt.Errorf("setup: encoding the root's key: %v", err)
	}
	if req.Own {
		if h, err = a.newHandle("setup", "", s); err != nil {
			return "", err
		}
	}
	h.setup, h.sess, h.tokenKey, h.setupID, h.prepared = s, nil, nil, "", nil
	var inter *CertOut
	if s.Intermediate != nil {
		inter = &CertOut{PEM: string(pki.CertPEM(s.Intermediate.Raw)), Cert: pki.Describe(s.Intermediate)}
	}
	r := SetupResponse{
		Intermediate: inter,
		ServerName:   s.ServerName,
		KeyType:      s.KeyType,
		KeyBits:      keyBits(s),
		GeneratedMs:  float64(s.GeneratedIn.Microseconds()) / 1000,
		CA:           CertOut{PEM: string(pki.CertPEM(s.CA.Raw)), Cert: pki.Describe(s.CA)},
		Leaf:         CertOut{PEM: string(pki.CertPEM(s.Leaf.Raw)), Cert: pki.Describe(s.Leaf)},
		ServerKey:    serverKey(s),
		CAKeyPEM:     string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: caDER})),
		CAKeyGiven:   req.CAKeyPEM != "",
		KeyGiven:     req.KeyPEM != "",
		Session:      h.id,
	}
	b := r.AppendJSON(make([]byte, 0, 16<<10))
	if req.State == nil && !req.KeepState {
		return string(b), nil
	}
	x := setupStateAnswer{IssuedAt: issuedAt, OCSPSignedAt: ocspAt, StateRefused: refused}
	if req.KeepState && (issuedAt == "" || ocspAt != "") {
		if x.State, err = certStateOf(s); err != nil {
			return "", fmt.Errorf("setup: keepState: %v", err)
		}
	}
	return x.appendTo(b)
}

// GenerateKeyRequest is the argument of generateKey.
type GenerateKeyRequest struct {
	Bits int `json:"bits"`
}

// GenerateKeyResponse is the result of generateKey.
type GenerateKeyResponse struct {
	Bits int     `json:"bits"`
	PEM  string  `json:"pem"` // PKCS #8
	Ms   float64 `json:"ms"`  // the time generation took
}

// GenerateKey makes an RSA key pair and returns it, leaving the current
// setup and session alone: the page makes keys ahead while it is idle and
// gives them to a later setup (caKeyPem, keyPem).
func (a *API) GenerateKey(arg string) (string, error) {
	var req GenerateKeyRequest
	if err := decode("generateKey", arg, &req); err != nil {
		return "", err
	}
	switch req.Bits {
	case 0:
		req.Bits = 2048
	case 2048, 3072, 4096:
	default:
		return "", fmt.Errorf("generateKey: bits %d is not offered: choose 2048, 3072 or 4096", req.Bits)
	}
	start := time.Now()
	k, err := rsa.GenerateKey(rand.Reader, req.Bits)
	if err != nil {
		return "", fmt.Errorf("generateKey: generating an RSA-%d key: %v", req.Bits, err)
	}
	ms := float64(time.Since(start).Microseconds()) / 1000
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", fmt.Errorf("generateKey: encoding the key: %v", err)
	}
	return encode(GenerateKeyResponse{Bits: req.Bits, PEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), Ms: ms})
}

// SessionRequest is the argument of newSession.
type SessionRequest struct {
	Mode          string   `json:"mode"`
	PaddingOracle bool     `json:"paddingOracle"`
	Tamper        []Tamper `json:"tamper"`
	Group         string   `json:"group"`
	ServerGroups  []string `json:"serverGroups"`
	Seed          string   `json:"seed"`
	EMS           *bool    `json:"ems"`
	ClientSuites  []string `json:"clientSuites"`
	ServerSuites  []string `json:"serverSuites"`
	// SuiteOrder is how the server picks the suite: "server" (default,
	// its own order of preference) or "client" (the client's order).
	SuiteOrder string `json:"suiteOrder"`
	// Session names the handle to run the handshake in (default: the
	// page's); Own makes a new handle for it, with the default handle's
	// setup, which the caller releases with releaseSession.
	Session sessionRef `json:"session"`
	Own     bool       `json:"own"`
}

// Tamper changes one byte of one record on the wire, before the receiver
// sees it: the byte at Offset of record number Record (wire order, header
// included) is XORed with XOR (default 0x01), or set to Value.
type Tamper struct {
	Record int  `json:"record"`
	Offset int  `json:"offset"`
	XOR    int  `json:"xor"`
	Value  *int `json:"value"`
}

// deliverTampered returns a Deliver hook applying the changes.
func deliverTampered(changes []Tamper) (func(string, int, []byte) []byte, error) {
	for _, c := range changes {
		if c.Record < 0 || c.Offset < 0 || c.XOR < 0 || c.XOR > 255 || (c.Value != nil && (*c.Value < 0 || *c.Value > 255)) {
			return nil, fmt.Errorf("newSession: tamper %+v: record and offset must be ≥ 0 and bytes 0–255", c)
		}
	}
	return func(_ string, idx int, wire []byte) []byte {
		for _, c := range changes {
			if c.Record != idx || c.Offset >= len(wire) {
				continue
			}
			switch {
			case c.Value != nil:
				wire[c.Offset] = byte(*c.Value)
			case c.XOR != 0:
				wire[c.Offset] ^= byte(c.XOR)
			default:
				wire[c.Offset] ^= 1
			}
		}
		return wire
	}, nil
}

// NewSession runs a new handshake with the setup of the handle it names
// (or of a new handle, with own); the result is the session's export with
// the handle's id as "session".
func (a *API) NewSession(arg string) (string, error) {
	var req SessionRequest
	err := decode("newSession", arg, &req)
	if err != nil {
		return "", err
	}
	if req.Own && req.Session.Set {
		return "", errors.New("newSession: own makes a new session: leave \"session\" out, or leave own out to run the handshake in that session")
	}
	h := &a.handle
	if !req.Own {
		if h, err = a.handleOf("newSession", req.Session); err != nil {
			return "", err
		}
	}
	s, err := a.handshake("newSession", h, &req)
	if err != nil {
		return "", err
	}
	if req.Own {
		if h, err = a.newHandle("newSession", "", h.setup); err != nil {
			return "", err
		}
	}
	h.sess = s
	return exportOf(s, h.id)
}

// handshake runs the handshake req asks for with h's setup (newSession,
// prepareSession); method names the call in errors.
func (a *API) handshake(method string, h *handle, req *SessionRequest) (*session.Session, error) {
	if h.setup == nil {
		return nil, fmt.Errorf("%s: no keys yet: call setup first", method)
	}
	for _, l := range []struct {
		name  string
		items []string
	}{{"serverGroups", req.ServerGroups}, {"clientSuites", req.ClientSuites}, {"serverSuites", req.ServerSuites}} {
		if err := limits.CheckList(method+": "+l.name, l.items); err != nil {
			return nil, err
		}
	}
	if len(req.Tamper) > limits.List {
		return nil, &limits.Error{Arg: method + ": tamper", What: "entries", Got: len(req.Tamper), Limit: limits.List, Why: "one per byte to change"}
	}
	opt := session.Options{Mode: req.Mode, Group: req.Group, ServerGroups: req.ServerGroups, ClientSuites: req.ClientSuites, ServerSuites: req.ServerSuites,
		SuiteOrder: req.SuiteOrder, Now: a.now}
	if req.EMS != nil && !*req.EMS {
		opt.DisableEMS = true
	}
	opt.PaddingOracle = req.PaddingOracle
	if len(req.Tamper) > 0 {
		d, err := deliverTampered(req.Tamper)
		if err != nil {
			return nil, err
		}
		opt.Deliver = d
	}
	var err error
	if opt.Seed, err = seed(method, req.Seed); err != nil {
		return nil, err
	}
	s, err := session.New(h.setup, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	return s, nil
}

// sessionOf returns the handle ref names and its session.
func (a *API) sessionOf(method string, ref sessionRef) (*handle, error) {
	h, err := a.handleOf(method, ref)
	if err != nil {
		return nil, err
	}
	if h.sess == nil {
		return nil, fmt.Errorf("%s: no session: call newSession first", method)
	}
	return h, nil
}

// SendRequest is the argument of send.
type SendRequest struct {
	From    string     `json:"from"`
	Text    string     `json:"text"`
	Session sessionRef `json:"session"`
}

// Send encrypts a message on one side and delivers it to the other.
func (a *API) Send(arg string) (string, error) {
	var req SendRequest
	if err := decode("send", arg, &req); err != nil {
		return "", err
	}
	if err := checkText("send", req.Text); err != nil {
		return "", err
	}
	h, err := a.sessionOf("send", req.Session)
	if err != nil {
		return "", err
	}
	ex, err := h.sess.Send(req.From, req.Text)
	if err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	return encode(ex)
}

// KeyUpdateRequest is the argument of keyUpdate.
type KeyUpdateRequest struct {
	From    string     `json:"from"`
	Session sessionRef `json:"session"`
}

// KeyUpdate has one side of a TLS 1.3 session move to fresh keys; it
// returns the session export.
func (a *API) KeyUpdate(arg string) (string, error) {
	var req KeyUpdateRequest
	if err := decode("keyUpdate", arg, &req); err != nil {
		return "", err
	}
	h, err := a.sessionOf("keyUpdate", req.Session)
	if err != nil {
		return "", err
	}
	if err := h.sess.KeyUpdate(req.From); err != nil {
		return "", fmt.Errorf("keyUpdate: %w", err)
	}
	return exportOf(h.sess, h.id)
}

// Close ends the session: close_notify both ways, keys discarded.
func (a *API) Close(arg string) (string, error) {
	var req sessionArg
	if err := decode("close", arg, &req); err != nil {
		return "", err
	}
	h, err := a.sessionOf("close", req.Session)
	if err != nil {
		return "", err
	}
	h.sess.Close()
	return exportOf(h.sess, h.id)
}

// Export returns the session as JSON.
func (a *API) Export(arg string) (string, error) {
	var req sessionArg
	if err := decode("exportSession", arg, &req); err != nil {
		return "", err
	}
	h, err := a.sessionOf("exportSession", req.Session)
	if err != nil {
		return "", err
	}
	return exportOf(h.sess, h.id)
}
