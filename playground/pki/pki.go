// Package pki is the playground's certificate authority and the client's
// certificate checks: it issues a self-signed RSA root and a server
// certificate for an RSA, ECDSA P-256 or Ed25519 key, signed by the root or,
// as public CAs do, by an intermediate under it (NewSetup,
// Options.Intermediate), decodes certificates for the page (Describe), and
// validates a chain the way a TLS client does, RFC 5280 Section 6 through
// crypto/x509, recording each check it performs (Verify). Beyond path
// validation (the WebPKI): it signs OCSP responses for the server to staple
// and checks them (ocsp.go, RFC 6960), embeds Certificate Transparency SCTs
// from two playground logs and checks a browser's policy on them (ct.go,
// RFC 6962), and encodes the CertificateStatus that carries a staple
// (staple.go, RFC 6066 Section 8).
//
// Randomness and time are injected through Options. Under the module's
// GODEBUG cryptocustomrand=1, crypto/rsa reads the given reader, but
// rsa.GenerateKey still skips one byte of it with probability 1/2
// (crypto/internal/randutil.MaybeReadByte), so the same seed gives one of two
// keys per generation: RSA key generation is not reproducible from a seed.
// ECDSA and Ed25519 server keys are (NewSetup draws their scalar or seed from
// Rand itself). Given the same keys (Options.CAKey, Options.Key or
// Options.Signer), the rest of NewSetup is: the same Rand and Now give the
// same certificates byte for byte.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultServerName is the host name the server certificate is issued for
// when Options.ServerName is empty.
const DefaultServerName = "playground.test"

// The root's distinguished name.
const (
	CACommonName   = "TLS Playground Root CA"
	CAOrganization = "TLS Playground"
)

// Validity periods. Both start an hour before Options.Now, so that a client
// whose clock is a little behind still accepts them.
const (
	backdate      = time.Hour
	caValidity    = 10 // years
	leafValidity  = 90 * 24 * time.Hour
	serialBits    = 128
	defaultKeyLen = 2048
)

// Server key types (Options.KeyType).
const (
	KeyRSA     = "rsa"     // RSA (KeyBits): signs, and decrypts in RSA key transport
	KeyECDSA   = "ecdsa"   // ECDSA on P-256: signs only
	KeyEd25519 = "ed25519" // Ed25519 (RFC 8032): signs only
)

// KeyTypes returns the server key types NewSetup offers.
func KeyTypes() []string { return []string{KeyRSA, KeyECDSA, KeyEd25519} }

// keySizes are the RSA modulus sizes, in bits, that NewSetup offers.
var keySizes = []int{2048, 3072, 4096}

// Stage names a step of NewSetup, reported through Options.Progress before
// the step starts. Key generation is the slow one (hundreds of milliseconds
// in WebAssembly).
type Stage string

const (
	StageCAKey     Stage = "ca-key"     // generating the root's RSA key
	StageServerKey Stage = "server-key" // generating the server's key (RSA, ECDSA or Ed25519)
	StageCACert    Stage = "ca-cert"    // self-signing the root certificate
	StageLeafCert  Stage = "leaf-cert"  // issuing the server certificate
)

// Options for NewSetup. The zero value is valid. Rand and Now are injected:
// when set, NewSetup never reads crypto/rand or the clock for them.
type Options struct {
	ServerName string    // DNS name the server certificate is for; default "playground.test"
	KeyType    string    // server key: "rsa" (default), "ecdsa" (P-256) or "ed25519"; the root is always RSA
	KeyBits    int       // server RSA key: 2048 (default), 3072 or 4096; only for "rsa"
	CAKeyBits  int       // root RSA key: 2048 (default), 3072 or 4096
	Rand       io.Reader // default crypto/rand.Reader
	Now        time.Time // default time.Now(); notBefore = Now-1h, root valid 10 years, leaf 90 days

	// CAKey and Key, when set, are used instead of generating keys (for
	// instance keys generated while the page was idle). KeyBits and CAKeyBits,
	// if set, must then match their sizes.
	CAKey *rsa.PrivateKey
	Key   *rsa.PrivateKey
	// Signer, when set, is the server key of any offered type (an
	// *rsa.PrivateKey, a P-256 *ecdsa.PrivateKey or an ed25519.PrivateKey),
	// used instead of generating one. KeyType, if set, must match it; set
	// Signer or Key, not both.
	Signer crypto.Signer

	// Progress, when set, is called before each Stage.
	Progress func(Stage)

	// Intermediate, when set, issues the server certificate from an
	// intermediate CA under the root, as public CAs must (the CA/Browser
	// Forum's Baseline Requirements, Section 6.1.7: a root's key signs no
	// end-entity certificate): root → intermediate → leaf. The intermediate
	// has an ECDSA P-256 key read from Rand (it costs nothing to make), Chain
	// is then the leaf and the intermediate, and the client's trust store
	// still holds the root alone. Made within StageCACert.
	Intermediate bool
	// CT, when set, has the playground's two Certificate Transparency logs
	// (CTLogs) sign SCTs over a precertificate and embeds them in the leaf
	// (RFC 6962, Section 3.3).
	CT bool
	// OCSP, when set, has the leaf's issuer sign an OCSP response that says
	// good (Setup.OCSPResponse), for the server to staple.
	OCSP bool
}

// Setup is a certificate authority and the server identity it issued.
type Setup struct {
	ServerName string

	CAKey *rsa.PrivateKey   // the root's key
	CA    *x509.Certificate // self-signed root: the client's trust anchor

	KeyType string            // KeyRSA, KeyECDSA or KeyEd25519
	Signer  crypto.Signer     // the server's key, whatever its type
	Key     *rsa.PrivateKey   // the server's key when it is RSA, else nil
	Leaf    *x509.Certificate // the server certificate, signed by Issuer()

	// Intermediate is the CA between the root and the leaf, and
	// IntermediateKey its key (ECDSA P-256), when Options.Intermediate or
	// the scenario made one; nil when the root signs the leaf itself.
	Intermediate    *x509.Certificate
	IntermediateKey crypto.Signer

	// OCSPResponse is the OCSP response (RFC 6960) the server staples:
	// signed by Issuer(), about Leaf; nil when none was asked for.
	// CheckOCSP is the client's check of it.
	OCSPResponse []byte

	// Chain is the certificate_list as the server sends it (RFC 8446,
	// Section 4.4.2; RFC 5246, Section 7.4.2): DER, leaf first, without the
	// root, which the client already has.
	Chain [][]byte

	// TrustedRoots, when set, is the client's trust store in place of CA
	// alone: a scenario in which the client trusts another root
	// (NewScenarioSetup). Roots returns it.
	TrustedRoots []*x509.Certificate

	// GeneratedIn is the wall time NewSetup took, measured with the real
	// clock even when Options.Now is set.
	GeneratedIn time.Duration

	roots *sharedRoots // SharedRoots' pool, with what it was made from (under rootsMu)
}

// rootsMu guards every Setup's roots: a Setup may be shared by goroutines
// (and copied: the pool goes with the anchors it holds).
var rootsMu sync.Mutex

// sharedRoots is a pool SharedRoots made, and the trust anchors it holds.
type sharedRoots struct {
	anchors []*x509.Certificate
	pool    *x509.CertPool
}

// resolved is Options checked, with its defaults filled in.
type resolved struct {
	name         string
	caBits, bits int // bits: the server's RSA key size (0 for other types)
	keyType      string
	given        crypto.Signer // a server key given in Options, or nil
	random       io.Reader
	now          time.Time // whole seconds, UTC
	progress     func(Stage)
}

// resolve checks opt and fills in its defaults.
func resolve(opt Options) (*resolved, error) {
	r := &resolved{name: opt.ServerName, random: opt.Rand, now: opt.Now, progress: opt.Progress}
	if r.name == "" {
		r.name = DefaultServerName
	}
	if err := checkServerName(r.name); err != nil {
		return nil, err
	}
	var err error
	if r.caBits, err = keySize("CA key", opt.CAKeyBits, opt.CAKey); err != nil {
		return nil, err
	}
	if r.keyType, r.given, err = serverKeyType(opt); err != nil {
		return nil, err
	}
	if r.keyType == KeyRSA {
		rk, _ := r.given.(*rsa.PrivateKey)
		if r.bits, err = keySize("key", opt.KeyBits, rk); err != nil {
			return nil, err
		}
	}
	if r.random == nil {
		r.random = rand.Reader
	}
	if r.now.IsZero() {
		r.now = time.Now()
	}
	// Certificates carry whole seconds (RFC 5280, Section 4.1.2.5).
	r.now = r.now.UTC().Truncate(time.Second)
	if r.progress == nil {
		r.progress = func(Stage) {}
	}
	return r, nil
}

// keys returns a Setup holding the CA key (caKey, or a new one) and the
// server key (the given one, or a new one).
func (r *resolved) keys(caKey *rsa.PrivateKey) (*Setup, error) {
	s := &Setup{ServerName: r.name, CAKey: caKey, KeyType: r.keyType, Signer: r.given}
	var err error
	if s.CAKey == nil {
		r.progress(StageCAKey)
		if s.CAKey, err = rsa.GenerateKey(r.random, r.caBits); err != nil {
			return nil, fmt.Errorf("pki: generating the CA's RSA-%d key: %w", r.caBits, err)
		}
	}
	if s.Signer == nil {
		r.progress(StageServerKey)
		if s.Signer, err = generateServerKey(r.random, r.keyType, r.bits); err != nil {
			return nil, err
		}
	}
	s.Key, _ = s.Signer.(*rsa.PrivateKey)
	return s, nil
}

// NewSetup generates a root CA and a server key and certificate for
// opt.ServerName signed by it.
func NewSetup(opt Options) (*Setup, error) {
	start := time.Now()

	r, err := resolve(opt)
	if err != nil {
		return nil, err
	}
	name, keyType, random, now, progress := r.name, r.keyType, r.random, r.now, r.progress

	// Serial numbers are drawn before the keys, so that they depend only on
	// Rand and not on how many bytes key generation happened to read.
	caSerial, err := newSerial(random)
	if err != nil {
		return nil, err
	}
	leafSerial, err := newSerial(random)
	if err != nil {
		return nil, err
	}
	// Drawn only with an intermediate, so that a setup without one is the
	// same, byte for byte, as before there was the option.
	var interSerial *big.Int
	if opt.Intermediate {
		if interSerial, err = newSerial(random); err != nil {
			return nil, err
		}
	}

	s, err := r.keys(opt.CAKey)
	if err != nil {
		return nil, err
	}

	notBefore := now.Add(-backdate)

	// The root: RFC 5280, Section 4.2.1.9 (basicConstraints, cA TRUE, path
	// length 0: it signs end-entity certificates only; 1 with an
	// intermediate below it) and 4.2.1.3 (keyCertSign, cRLSign).
	progress(StageCACert)
	pathLen := 0
	if opt.Intermediate {
		pathLen = 1
	}
	caTemplate := &x509.Certificate{
		SerialNumber: caSerial,
		Subject: pkix.Name{
			CommonName:   CACommonName,
			Organization: []string{CAOrganization},
		},
		NotBefore:             notBefore,
		NotAfter:              now.AddDate(caValidity, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            pathLen,
		MaxPathLenZero:        pathLen == 0,
		SignatureAlgorithm:    x509.SHA256WithRSA,
	}
	caDER, err := x509.CreateCertificate(random, caTemplate, caTemplate, &s.CAKey.PublicKey, s.CAKey)
	if err != nil {
		return nil, fmt.Errorf("pki: self-signing the root certificate: %w", err)
	}
	if s.CA, err = ParseCertificate(caDER); err != nil {
		return nil, fmt.Errorf("pki: parsing the root certificate just made: %w", err)
	}
	issuer, issuerKey := s.CA, crypto.Signer(s.CAKey)
	if opt.Intermediate {
		k, err := generateServerKey(random, KeyECDSA, 0)
		if err != nil {
			return nil, fmt.Errorf("pki: the intermediate's key: %w", err)
		}
		m := &minter{random: random, now: now, progress: progress}
		if s.Intermediate, err = m.intermediateSerial(interSerial, notBefore, s.CA, s.CAKey, k, true); err != nil {
			return nil, err
		}
		s.IntermediateKey = k
		issuer, issuerKey = s.Intermediate, rfc6979{k.(*ecdsa.PrivateKey)}
	}

	// The server certificate: its name in subjectAltName (RFC 6125, Section
	// 6.4.4: clients match SANs, not the CN), digitalSignature for TLS 1.3 and
	// ECDHE signatures, keyEncipherment for TLS 1.2 RSA key transport (RFC
	// 5246, Section 7.4.7.1) when the key is RSA (an ECDSA or Ed25519 key
	// cannot encrypt: RFC 5480, Section 3; RFC 8410, Section 5), and
	// serverAuth (RFC 5280, Section 4.2.1.12).
	progress(StageLeafCert)
	usage := x509.KeyUsageDigitalSignature
	if keyType == KeyRSA {
		usage |= x509.KeyUsageKeyEncipherment
	}
	leafTemplate := &x509.Certificate{
		SerialNumber:          leafSerial,
		Subject:               pkix.Name{CommonName: name},
		DNSNames:              []string{name},
		NotBefore:             notBefore,
		NotAfter:              now.Add(leafValidity),
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	if !opt.Intermediate {
		leafTemplate.SignatureAlgorithm = x509.SHA256WithRSA
	}
	var ctLogs []*CTLog
	if opt.CT {
		ctLogs = CTLogs()
	}
	leafDER, err := embedSCTs(random, leafTemplate, issuer, s.Signer.Public(), issuerKey, ctLogs, notBefore)
	if err != nil {
		return nil, fmt.Errorf("pki: issuing the certificate for %q: %w", name, err)
	}
	if s.Leaf, err = ParseCertificate(leafDER); err != nil {
		return nil, fmt.Errorf("pki: parsing the certificate for %q just made: %w", name, err)
	}

	s.Chain = [][]byte{leafDER}
	if s.Intermediate != nil {
		s.Chain = append(s.Chain, s.Intermediate.Raw)
	}
	if opt.OCSP {
		if s.OCSPResponse, err = NewOCSPResponse(s.Leaf, issuer, s.IssuerKey(), OCSPGood, now); err != nil {
			return nil, err
		}
	}
	s.GeneratedIn = time.Since(start)
	return s, nil
}

// serverKeyType checks Options.KeyType against a given server key and
// returns the type to use and the given key, if any.
func serverKeyType(opt Options) (string, crypto.Signer, error) {
	want := opt.KeyType
	switch want {
	case "", KeyRSA, KeyECDSA, KeyEd25519:
	default:
		return "", nil, fmt.Errorf("pki: key type %q is not offered: choose %s", opt.KeyType, strings.Join(KeyTypes(), ", "))
	}
	var given crypto.Signer
	switch {
	case opt.Key != nil && opt.Signer != nil:
		return "", nil, errors.New("pki: both Key and Signer are set: give the server key once")
	case opt.Key != nil:
		given = opt.Key
	case opt.Signer != nil:
		given = opt.Signer
	}
	have := ""
	switch k := given.(type) {
	case nil:
	case *rsa.PrivateKey:
		have = KeyRSA
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return "", nil, fmt.Errorf("pki: the given ECDSA key is on %s: the playground uses P-256", k.Curve.Params().Name)
		}
		have = KeyECDSA
	case ed25519.PrivateKey:
		have = KeyEd25519
	default:
		return "", nil, fmt.Errorf("pki: the given server key is a %T: give an RSA, ECDSA P-256 or Ed25519 key", given)
	}
	switch {
	case have == "" && want == "":
		want = KeyRSA
	case have == "":
	case want == "":
		want = have
	case want != have:
		return "", nil, fmt.Errorf("pki: key type %q was asked for but the given key is %s: set one or the other", opt.KeyType, have)
	}
	if want != KeyRSA && opt.KeyBits != 0 {
		return "", nil, fmt.Errorf("pki: key size %d applies to RSA keys only: the %s key type has a fixed size", opt.KeyBits, want)
	}
	return want, given, nil
}

// generateServerKey makes the server's key. ECDSA and Ed25519 keys are read
// straight from random (a P-256 scalar by rejection sampling, FIPS 186-5
// Appendix A.2.2; an Ed25519 seed, RFC 8032 Section 5.1.5), so a seeded
// setup replays them; crypto/ecdsa.GenerateKey would not (it may skip a
// byte of a caller's reader).
func generateServerKey(random io.Reader, keyType string, bits int) (crypto.Signer, error) {
	switch keyType {
	case KeyECDSA:
		b := make([]byte, 32)
		for i := 0; i < 100; i++ {
			if _, err := io.ReadFull(random, b); err != nil {
				return nil, fmt.Errorf("pki: generating the server's ECDSA P-256 key: %w", err)
			}
			if k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b); err == nil {
				return k, nil
			}
		}
		return nil, errors.New("pki: generating the server's ECDSA P-256 key: no valid scalar in 100 tries: the random source is broken")
	case KeyEd25519:
		_, k, err := ed25519.GenerateKey(random)
		if err != nil {
			return nil, fmt.Errorf("pki: generating the server's Ed25519 key: %w", err)
		}
		return k, nil
	}
	k, err := rsa.GenerateKey(random, bits)
	if err != nil {
		return nil, fmt.Errorf("pki: generating the server's RSA-%d key: %w", bits, err)
	}
	return k, nil
}

// keySize returns the RSA modulus size to use for what ("key" or "CA key"),
// given the requested bits and an optional pre-generated key.
func keySize(what string, bits int, key *rsa.PrivateKey) (int, error) {
	if key != nil {
		have := key.N.BitLen()
		if bits != 0 && bits != have {
			return 0, fmt.Errorf("pki: %s size %d was asked for but the given %s is RSA-%d: set one or the other", what, bits, what, have)
		}
		bits = have
	}
	if bits == 0 {
		return defaultKeyLen, nil
	}
	for _, b := range keySizes {
		if bits == b {
			return bits, nil
		}
	}
	return 0, fmt.Errorf("pki: %s size %d is not offered: choose 2048, 3072 or 4096", what, bits)
}

// checkServerName rejects names that cannot be a certificate's dNSName
// (RFC 5280, Section 4.2.1.6: an IA5String host name).
func checkServerName(name string) error {
	if net.ParseIP(name) != nil {
		return fmt.Errorf("pki: server name %q is an IP address: give a DNS name such as %q", name, DefaultServerName)
	}
	if len(name) > 253 {
		return fmt.Errorf("pki: server name %.20q… is %d characters: a DNS name has at most 253", name, len(name))
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.'
		if !ok {
			return fmt.Errorf("pki: server name %q contains %q: a DNS name has letters, digits, '-' and '.' only", name, r)
		}
	}
	return nil
}

// newSerial returns a positive 128-bit serial number read from random
// (RFC 5280, Section 4.1.2.2: unique, positive, at most 20 octets).
func newSerial(random io.Reader) (*big.Int, error) {
	b := make([]byte, serialBits/8)
	for {
		if _, err := io.ReadFull(random, b); err != nil {
			return nil, fmt.Errorf("pki: reading a serial number from the random source: %w", err)
		}
		if n := new(big.Int).SetBytes(b); n.Sign() > 0 {
			return n, nil
		}
	}
}

// IssuedAt is the time NewSetup issued c at (its Options.Now, whole
// seconds): every certificate it makes starts backdate before it.
func IssuedAt(c *x509.Certificate) time.Time {
	return c.NotBefore.Add(backdate).UTC()
}

// Issuer returns the certificate that signed the leaf: the intermediate,
// or the root when there is none. An OCSP response for the leaf is signed
// by it (RFC 6960, Section 2.6).
func (s *Setup) Issuer() *x509.Certificate {
	if s.Intermediate != nil {
		return s.Intermediate
	}
	return s.CA
}

// IssuerKey returns the key of Issuer().
func (s *Setup) IssuerKey() crypto.Signer {
	if s.Intermediate != nil {
		return s.IntermediateKey
	}
	return s.CAKey
}

// Roots returns the client's trust store: a pool holding only the root, or
// the TrustedRoots when they are set.
func (s *Setup) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	if s.TrustedRoots != nil {
		for _, c := range s.TrustedRoots {
			p.AddCert(c)
		}
		return p
	}
	p.AddCert(s.CA)
	return p
}

// SharedRoots is Roots made once and shared by every caller for as long
// as CA and TrustedRoots stay the same: each session's client starts from
// the same trust store, and a new pool costs a hash of every certificate
// added (crypto/tls, likewise, builds its Config.RootCAs once). Callers
// must not add to it; Roots gives a pool of one's own.
func (s *Setup) SharedRoots() *x509.CertPool {
	anchors := s.TrustedRoots
	if anchors == nil {
		anchors = []*x509.Certificate{s.CA}
	}
	rootsMu.Lock()
	defer rootsMu.Unlock()
	if r := s.roots; r != nil && slices.Equal(r.anchors, anchors) {
		return r.pool
	}
	s.roots = &sharedRoots{anchors: slices.Clone(anchors), pool: s.Roots()}
	return s.roots.pool
}

// KeyPEM returns the server's private key, of any type, as a PKCS #8
// "PRIVATE KEY" PEM block (RFC 5208, RFC 7468 Section 10; RFC 5915 for
// ECDSA, RFC 8410 for Ed25519).
func (s *Setup) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(s.Signer)
	if err != nil {
		panic("pki: marshaling the server key as PKCS #8: " + err.Error()) // unreachable for the key types NewSetup makes
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// CertPEM returns der as a "CERTIFICATE" PEM block (RFC 7468, Section 5).
func CertPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// errNoCertificate is returned by Verify for an empty chain.
var errNoCertificate = errors.New("pki: the server sent no certificate: a TLS client needs at least the server's own")
