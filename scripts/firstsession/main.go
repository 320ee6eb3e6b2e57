// Command firstsession records, at build time, the session the page shows
// first: one classic handshake (TLS 1.2, RSA key transport), run by this
// engine (playground/session) with the starter key pair that ships with the
// site (site/js/starter-keys.js), so that a visitor reads a complete session
// before the WebAssembly engine has loaded. The page says what it is: a
// recording made when the site was built, with a key everyone has; the live
// engine replaces it as soon as it is ready.
//
// The JSON written is what the page gets from the engine's newSession, plus
// two members:
//
//	"recorded": {"by", "at", "seed", "key": {"source", "made", "text"}}
//	"setup":    what the engine's setup returns for the starter keys (its
//	            keyOrigin as the page writes it), without the root's private key
//	"setupState": what the setup member lacks for the engine to take these
//	            certificates back instead of issuing its own (setup's "state",
//	            wasm/setup_state.go): the intermediate's key and the OCSP
//	            response, DER in base64. The page adds the certificates of
//	            "setup" (model/first-session.js setupStateOf); the engine
//	            checks it all and issues anew if anything is off or expired.
//
// Usage:
//
//	go run ./scripts/firstsession -o FILE [-keys site/js/starter-keys.js] [-date RFC3339] [-seed HEX]
//
// The date defaults to $SOURCE_DATE_EPOCH when set (a reproducible build),
// else to now; the seed defaults to one derived from the date, so the same
// date gives the same bytes.
package main

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

func main() {
	out := flag.String("o", "", "write the JSON to this file (required; - for stdout)")
	keys := flag.String("keys", "site/js/starter-keys.js", "the starter keys module to read the PEMs from")
	date := flag.String("date", "", "the build date, RFC 3339 (default: $SOURCE_DATE_EPOCH, else now)")
	seedHex := flag.String("seed", "", "the session's seed, hex (default: derived from the date)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "firstsession: -o FILE is required (- for stdout)")
		os.Exit(2)
	}
	at, err := buildDate(*date, os.Getenv("SOURCE_DATE_EPOCH"), time.Now)
	if err != nil {
		fail(err)
	}
	src, err := os.ReadFile(*keys)
	if err != nil {
		fail(fmt.Errorf("reading the starter keys: %w", err))
	}
	starter, err := parseStarterKeys(string(src))
	if err != nil {
		fail(fmt.Errorf("%s: %w", *keys, err))
	}
	first, err := record(starter, at, *seedHex)
	if err != nil {
		fail(err)
	}
	b, err := json.Marshal(first)
	if err != nil {
		fail(err)
	}
	if *out == "-" {
		os.Stdout.Write(append(b, '\n'))
		return
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "firstsession: %s: %d bytes, a classic session recorded %s\n", *out, len(b), at.Format(time.RFC3339))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "firstsession: %v\n", err)
	os.Exit(1)
}

// buildDate is the date the recording says it was made: flag, else
// SOURCE_DATE_EPOCH (seconds, the reproducible-builds convention), else now.
func buildDate(flagValue, epoch string, now func() time.Time) (time.Time, error) {
	switch {
	case flagValue != "":
		t, err := time.Parse(time.RFC3339, flagValue)
		if err != nil {
			return time.Time{}, fmt.Errorf("-date %q: want RFC 3339, like 2026-11-30T08:00:00Z", flagValue)
		}
		return t.UTC(), nil
	case epoch != "":
		s, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: want seconds since 1970", epoch)
		}
		return time.Unix(s, 0).UTC(), nil
	}
	return now().UTC().Truncate(time.Second), nil
}

// StarterKeys are the PEMs and date of site/js/starter-keys.js.
type StarterKeys struct {
	Made       time.Time
	Bits       int
	CA, Server string
}

var (
	madeRE = regexp.MustCompile(`(?m)^\s*made:\s*'([^']+)'`)
	bitsRE = regexp.MustCompile(`(?m)^\s*bits:\s*(\d+)`)
	pemRE  = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^\s*` + name + ":\\s*`(-----BEGIN [A-Z ]+-----[^`]*-----END [A-Z ]+-----\\s*)`")
	}
	caRE     = pemRE("ca")
	serverRE = pemRE("server")
)

// parseStarterKeys reads the starter pair from the module the page imports
// (one source of truth: the page and the recording use the same keys).
func parseStarterKeys(src string) (*StarterKeys, error) {
	k := &StarterKeys{}
	m := madeRE.FindStringSubmatch(src)
	if m == nil {
		return nil, errors.New("no made: '…' date in the starter keys")
	}
	t, err := time.Parse(time.RFC3339, m[1])
	if err != nil {
		return nil, fmt.Errorf("made: %q is not RFC 3339", m[1])
	}
	k.Made = t.UTC()
	if m := bitsRE.FindStringSubmatch(src); m != nil {
		k.Bits, _ = strconv.Atoi(m[1])
	}
	for _, p := range []struct {
		re   *regexp.Regexp
		name string
		to   *string
	}{{caRE, "ca", &k.CA}, {serverRE, "server", &k.Server}} {
		m := p.re.FindStringSubmatch(src)
		if m == nil {
			return nil, fmt.Errorf("no %s: `-----BEGIN …` PEM in the starter keys", p.name)
		}
		*p.to = m[1]
	}
	return k, nil
}

// Recorded says what the first session is, for the page's label.
type Recorded struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Mode string    `json:"mode"`
	Key  KeyOrigin `json:"key"`
}

// KeyOrigin is the page's setup.keyOrigin: where the server key came from.
type KeyOrigin struct {
	Source    string `json:"source"`
	CreatedAt int64  `json:"createdAt"` // ms since 1970, as the page keeps it
	Text      string `json:"text"`
	CAText    string `json:"caText"`
	// CertText says when the certificates were issued (model/keys.js
	// certOrigin's words): at build time, as the first live setup's are
	// when it takes these back.
	CertText string `json:"certText,omitempty"`
}

// CertOut, KeyOut and Setup have the shape of the engine's setup answer
// (wasm/api.go SetupResponse) for the members the page shows.
type CertOut struct {
	PEM  string       `json:"pem"`
	Cert pki.CertInfo `json:"cert"`
}

// KeyOut describes the server's RSA key pair.
type KeyOut struct {
	Type        string `json:"type"`
	Bits        int    `json:"bits"`
	ModulusHex  string `json:"modulusHex,omitempty"`
	Exponent    int    `json:"exponent,omitempty"`
	PublicHex   string `json:"publicHex"`
	PEM         string `json:"pem"`
	Fingerprint string `json:"fingerprint"`
}

// Setup is the setup as the page holds it.
type Setup struct {
	ServerName   string    `json:"serverName"`
	KeyType      string    `json:"keyType"`
	KeyBits      int       `json:"keyBits"`
	GeneratedMs  float64   `json:"generatedMs"`
	CA           CertOut   `json:"ca"`
	Leaf         CertOut   `json:"leaf"`
	Intermediate *CertOut  `json:"intermediate,omitempty"`
	ServerKey    KeyOut    `json:"serverKey"`
	CAKeyGiven   bool      `json:"caKeyGiven"`
	KeyGiven     bool      `json:"keyGiven"`
	KeyOrigin    KeyOrigin `json:"keyOrigin"`
}

// SetupState is the part of the engine's setup state (wasm/adopt.go
// setupState, the same member names) that Setup does not carry: the
// intermediate CA's private key (a key everyone has, like the starter
// keys: it signs nothing but the playground's own certificates) and the
// stapled OCSP response.
type SetupState struct {
	IntermediateKey []byte `json:"intermediateKey"` // PKCS #8
	OCSP            []byte `json:"ocsp"`
}

// First is the file: the session's JSON with the recording's label and setup beside it.
type First struct {
	*session.Export
	Recorded   Recorded   `json:"recorded"`
	Setup      Setup      `json:"setup"`
	SetupState SetupState `json:"setupState"`
}

// serverName is the name the page's setup uses (app.js SERVER_NAME).
const serverName = "playground.test"

// record runs the classic handshake with the starter keys at the date.
func record(k *StarterKeys, at time.Time, seedHex string) (*First, error) {
	caKey, err := rsaKey("ca", k.CA)
	if err != nil {
		return nil, err
	}
	key, err := rsaKey("server", k.Server)
	if err != nil {
		return nil, err
	}
	var seed []byte
	if seedHex != "" {
		if seed, err = rng.ParseSeed(seedHex); err != nil {
			return nil, fmt.Errorf("-seed: %w", err)
		}
	} else {
		sum := sha256.Sum256([]byte("tls playground first session " + at.Format(time.RFC3339)))
		seed = sum[:]
	}
	// As the page's setup does (wasm/api.go Setup): an intermediate, two SCTs, a stapled OCSP response.
	setup, err := pki.NewSetup(pki.Options{
		ServerName: serverName, KeyType: pki.KeyRSA, CAKey: caKey, Signer: key,
		Rand: rng.New(append([]byte("setup "), seed...)), Now: at,
		Intermediate: true, CT: true, OCSP: true,
	})
	if err != nil {
		return nil, fmt.Errorf("setup with the starter keys: %w", err)
	}
	s, err := session.New(setup, session.Options{Mode: session.ModeClassic, Seed: seed, Now: func() time.Time { return at }})
	if err != nil {
		return nil, fmt.Errorf("the classic handshake: %w", err)
	}
	ex := s.Export()
	if ex.Error != nil {
		return nil, fmt.Errorf("the classic handshake failed: %s", ex.Error.Message)
	}
	made := k.Made.Format("2006-01-02 15:04") + " UTC"
	origin := KeyOrigin{
		Source: "starter", CreatedAt: k.Made.UnixMilli(),
		Text:   "the starter key shipped with this page, made " + made + ": everyone has it",
		CAText: "the starter key shipped with this page, made " + made + ": everyone has it",
	}
	certs := origin
	certs.CertText = "issued when this site was built, " + at.UTC().Format("2006-01-02 15:04") + " UTC"
	sum := sha256.Sum256(setup.Leaf.RawSubjectPublicKeyInfo)
	interKey, err := x509.MarshalPKCS8PrivateKey(setup.IntermediateKey)
	if err != nil {
		return nil, fmt.Errorf("the intermediate's key: %w", err)
	}
	var inter *CertOut
	if setup.Intermediate != nil {
		inter = &CertOut{PEM: string(pki.CertPEM(setup.Intermediate.Raw)), Cert: pki.Describe(setup.Intermediate)}
	}
	return &First{
		Export: ex,
		Recorded: Recorded{
			By: "this engine (playground/session), when the site was built", At: at, Mode: session.ModeClassic,
			Key: origin,
		},
		Setup: Setup{
			ServerName: setup.ServerName, KeyType: setup.KeyType, KeyBits: key.N.BitLen(),
			CA:           CertOut{PEM: string(pki.CertPEM(setup.CA.Raw)), Cert: pki.Describe(setup.CA)},
			Leaf:         CertOut{PEM: string(pki.CertPEM(setup.Leaf.Raw)), Cert: pki.Describe(setup.Leaf)},
			Intermediate: inter,
			ServerKey: KeyOut{
				Type: "RSA", Bits: key.N.BitLen(), ModulusHex: trace.HexString(key.N.Bytes()), Exponent: key.E,
				PublicHex: trace.HexString(setup.Leaf.RawSubjectPublicKeyInfo), PEM: string(setup.KeyPEM()),
				Fingerprint: trace.HexString(sum[:]),
			},
			CAKeyGiven: true, KeyGiven: true,
			KeyOrigin: certs,
		},
		SetupState: SetupState{IntermediateKey: interKey, OCSP: setup.OCSPResponse},
	}, nil
}

func rsaKey(name, pemText string) (*rsa.PrivateKey, error) {
	k, err := pki.ParseKeyPEM([]byte(strings.TrimSpace(pemText)))
	if err != nil {
		return nil, fmt.Errorf("the starter %s key: %w", name, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the starter %s key is a %T: the classic handshake needs RSA", name, k)
	}
	return rk, nil
}
