// Command wasm is the one Go program compiled to js/wasm. It is a thin
// bridge: api.go turns JSON requests into calls to the engine in
// playground/ and builds natively; main_js.go installs the API on
// globalThis with safejs. There is no protocol logic here.
package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"tlsplayground/playground/eve"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// API is the state behind globalThis.tlsPlayground: the current setup
// (keys and certificates) and the current session. Calls are serialized
// by the caller (one worker, one request at a time).
type API struct {
	setup    *pki.Setup
	sess     *session.Session
	remote   *session.Remote
	mitm     *session.MITM
	mallory  *pki.Setup // Mallory's own root and key
	tokenKey []byte     // seals the in-page server's connection state
	// remoteToken is the last token the remote session's server sent, as
	// Eve records it beside the records (remoteDeliver's token).
	remoteToken string
	now         func() time.Time
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
	d := json.NewDecoder(bytes.NewReader([]byte(arg)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%s: bad argument %.80q: %v", method, arg, err)
	}
	if d.More() {
		return fmt.Errorf("%s: bad argument %.80q: more than one JSON value", method, arg)
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

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
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

// Setup creates the root CA, the server key and its certificate. progress,
// if not nil, is told each stage as it starts.
func (a *API) Setup(arg string, progress func(stage string)) (string, error) {
	var req SetupRequest
	if err := decode("setup", arg, &req); err != nil {
		return "", err
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
	s, err := pki.NewSetup(opt)
	if err != nil {
		return "", err
	}
	caDER, err := x509.MarshalPKCS8PrivateKey(s.CAKey)
	if err != nil {
		return "", fmt.Errorf("setup: encoding the root's key: %v", err)
	}
	a.setup, a.sess, a.tokenKey = s, nil, nil
	var inter *CertOut
	if s.Intermediate != nil {
		inter = &CertOut{PEM: string(pki.CertPEM(s.Intermediate.Raw)), Cert: pki.Describe(s.Intermediate)}
	}
	return encode(SetupResponse{
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
	})
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

// NewSession runs a new classic handshake with the current setup.
func (a *API) NewSession(arg string) (string, error) {
	var req SessionRequest
	err := decode("newSession", arg, &req)
	if err != nil {
		return "", err
	}
	if a.setup == nil {
		return "", errors.New("newSession: no keys yet: call setup first")
	}
	for _, l := range []struct {
		name  string
		items []string
	}{{"serverGroups", req.ServerGroups}, {"clientSuites", req.ClientSuites}, {"serverSuites", req.ServerSuites}} {
		if err := limits.CheckList("newSession: "+l.name, l.items); err != nil {
			return "", err
		}
	}
	if len(req.Tamper) > limits.List {
		return "", &limits.Error{Arg: "newSession: tamper", What: "entries", Got: len(req.Tamper), Limit: limits.List, Why: "one per byte to change"}
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
			return "", err
		}
		opt.Deliver = d
	}
	if opt.Seed, err = seed("newSession", req.Seed); err != nil {
		return "", err
	}
	s, err := session.New(a.setup, opt)
	if err != nil {
		return "", fmt.Errorf("newSession: %w", err)
	}
	a.sess = s
	return encode(s.Export())
}

// SendRequest is the argument of send.
type SendRequest struct {
	From string `json:"from"`
	Text string `json:"text"`
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
	if a.sess == nil {
		return "", errors.New("send: no session: call newSession first")
	}
	ex, err := a.sess.Send(req.From, req.Text)
	if err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	return encode(ex)
}

// KeyUpdateRequest is the argument of keyUpdate.
type KeyUpdateRequest struct {
	From string `json:"from"`
}

// KeyUpdate has one side of a TLS 1.3 session move to fresh keys; it
// returns the session export.
func (a *API) KeyUpdate(arg string) (string, error) {
	var req KeyUpdateRequest
	if err := decode("keyUpdate", arg, &req); err != nil {
		return "", err
	}
	if a.sess == nil {
		return "", errors.New("keyUpdate: no session: call newSession first")
	}
	if err := a.sess.KeyUpdate(req.From); err != nil {
		return "", fmt.Errorf("keyUpdate: %w", err)
	}
	return encode(a.sess.Export())
}

// Close ends the session: close_notify both ways, keys discarded.
func (a *API) Close() (string, error) {
	if a.sess == nil {
		return "", errors.New("close: no session: call newSession first")
	}
	a.sess.Close()
	return encode(a.sess.Export())
}

// Export returns the session as JSON.
func (a *API) Export() (string, error) {
	if a.sess == nil {
		return "", errors.New("exportSession: no session: call newSession first")
	}
	return encode(a.sess.Export())
}

// Eve has the eavesdropper decrypt the current session's recording with the
// server's private key, as if it leaked later.
func (a *API) Eve() (string, error) {
	if a.sess == nil || a.setup == nil {
		return "", errors.New("eve: no session: call newSession first")
	}
	var recs []eve.Record
	for _, r := range a.sess.Export().Records {
		recs = append(recs, eve.Record{From: r.From, Hex: r.Hex})
	}
	return encode(eve.Decrypt(recs, a.setup.Signer))
}

// EveTokenKeyRequest is the argument of eveTokenKey.
type EveTokenKeyRequest struct {
	// TokenKey is the leaked token key, 64 hex characters; empty: the
	// in-page server's own (the page made it, so it can leak it).
	TokenKey string `json:"tokenKey"`
}

// EveTokenKey has the eavesdropper decrypt the current remote session (a
// server over HTTP) with the records and a token she recorded and the
// server's token key, as if it leaked later: for ECDHE and TLS 1.3 it
// succeeds, since the token holds the server's randomness.
func (a *API) EveTokenKey(arg string) (string, error) {
	var req EveTokenKeyRequest
	if err := decode("eveTokenKey", arg, &req); err != nil {
		return "", err
	}
	if a.remote == nil {
		return "", errors.New("eveTokenKey: no session over HTTP: start one with the server in this page or at a URL")
	}
	if a.remoteToken == "" {
		return "", errors.New("eveTokenKey: no token recorded yet: the handshake must get past the first flight")
	}
	key := a.tokenKey
	if req.TokenKey != "" {
		k, err := hex.DecodeString(strings.TrimSpace(req.TokenKey))
		if err != nil || len(k) != 32 {
			return "", errors.New("eveTokenKey: tokenKey must be 64 hex characters (32 bytes)")
		}
		key = k
	}
	if key == nil {
		return "", errors.New("eveTokenKey: no token key: this page's server has not run yet; give the key of the server at the URL")
	}
	var recs []eve.Record
	for _, r := range a.remote.Export().Records {
		recs = append(recs, eve.Record{From: r.From, Hex: r.Hex})
	}
	return encode(eve.DecryptWithTokenKey(recs, a.remoteToken, key))
}

// MITMRequest is the argument of mitm.
type MITMRequest struct {
	Mode         string `json:"mode"`
	TrustMallory bool   `json:"trustMallory"`
	Rewrite      bool   `json:"rewrite"` // Mallory turns "100" into "10000"
	Seed         string `json:"seed"`
}

// MITM runs Mallory in the middle with the current setup: her own root and
// key (made once), a certificate for the server's name.
func (a *API) MITM(arg string) (string, error) {
	var req MITMRequest
	if err := decode("mitm", arg, &req); err != nil {
		return "", err
	}
	if a.setup == nil {
		return "", errors.New("mitm: no keys yet: call setup first")
	}
	if a.mallory == nil || a.mallory.ServerName != a.setup.ServerName {
		m, err := pki.NewSetup(pki.Options{ServerName: a.setup.ServerName})
		if err != nil {
			return "", fmt.Errorf("mitm: %w", err)
		}
		a.mallory = m
	}
	opt := session.Options{Mode: req.Mode, Now: a.now}
	var err error
	if opt.Seed, err = seed("mitm", req.Seed); err != nil {
		return "", err
	}
	m, err := session.NewMITM(a.setup, a.mallory, req.TrustMallory, opt)
	if err != nil {
		return "", fmt.Errorf("mitm: %w", err)
	}
	if req.Rewrite {
		m.Rewrite = session.UpperRewrite
	}
	a.mitm = m
	return encode(m.Export())
}

// MITMSend carries a message through Mallory.
func (a *API) MITMSend(arg string) (string, error) {
	var req SendRequest
	if err := decode("mitmSend", arg, &req); err != nil {
		return "", err
	}
	if err := checkText("mitmSend", req.Text); err != nil {
		return "", err
	}
	if a.mitm == nil {
		return "", errors.New("mitmSend: no interception running: call mitm first")
	}
	got, err := a.mitm.Send(req.From, req.Text)
	if err != nil {
		return "", fmt.Errorf("mitmSend: %w", err)
	}
	return encode(struct {
		Delivered string              `json:"delivered"`
		Session   *session.MITMExport `json:"session"`
	}{got, a.mitm.Export()})
}

// DowngradeRequest is the argument of downgrade.
type DowngradeRequest struct {
	Strip bool   `json:"strip"` // Mallory removes TLS 1.3 from the ClientHello
	Seed  string `json:"seed"`
}

// Downgrade runs a client offering TLS 1.3 and 1.2 against a server that
// speaks both, with or without Mallory stripping TLS 1.3; the session it
// makes becomes the current one.
func (a *API) Downgrade(arg string) (string, error) {
	var req DowngradeRequest
	if err := decode("downgrade", arg, &req); err != nil {
		return "", err
	}
	if a.setup == nil {
		return "", errors.New("downgrade: no keys yet: call setup first")
	}
	opt := session.Options{Now: a.now}
	var err error
	if opt.Seed, err = seed("downgrade", req.Seed); err != nil {
		return "", err
	}
	s, err := session.NewDowngrade(a.setup, req.Strip, opt)
	if err != nil {
		return "", fmt.Errorf("downgrade: %w", err)
	}
	a.sess = s
	return encode(s.Export())
}
