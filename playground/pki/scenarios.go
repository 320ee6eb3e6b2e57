package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
)

// Certificate scenarios: each names a chain that NewScenarioSetup mints with
// exactly one defect, and a client trust store to go with it. They are
// minted at run time, relative to Options.Now, so that none ever expires.
const (
	// ScenarioValid is the control: root → intermediate → leaf, the server
	// sends the leaf and the intermediate, the client trusts the root.
	ScenarioValid = "valid"
	// ScenarioExpired: the leaf's validity ended ten days before Now.
	ScenarioExpired = "expired"
	// ScenarioNotYetValid: the leaf's validity starts two days after Now
	// (what a client whose clock is behind sees).
	ScenarioNotYetValid = "not-yet-valid"
	// ScenarioWrongHost: the leaf is for another name (WrongHostName).
	ScenarioWrongHost = "wrong-host"
	// ScenarioSelfSigned: the leaf is signed with its own key.
	ScenarioSelfSigned = "self-signed"
	// ScenarioUntrustedRoot: the chain ends at a root that is not in the
	// client's trust store; the client trusts another one (TrustedRoots).
	ScenarioUntrustedRoot = "untrusted-root"
	// ScenarioMissingIntermediate: root → intermediate → leaf, but the
	// server sends the leaf alone.
	ScenarioMissingIntermediate = "missing-intermediate"
	// ScenarioTamperedSignature: one byte of the leaf's signature is
	// changed; the certificate still parses.
	ScenarioTamperedSignature = "tampered-signature"
	// ScenarioIntermediateNotCA: the intermediate signs the leaf, and says
	// keyCertSign, but its basicConstraints say CA:FALSE.
	ScenarioIntermediateNotCA = "intermediate-not-ca"
	// ScenarioNoServerAuth: the leaf's extended key usage is clientAuth only.
	ScenarioNoServerAuth = "no-server-auth"
	// ScenarioRSA1024: the leaf's key is RSA-1024, which crypto/x509
	// accepts and Verify's key strength policy refuses.
	ScenarioRSA1024 = "rsa-1024"
	// ScenarioSHA1: the root signs the leaf with SHA-1 (sha1WithRSAEncryption).
	ScenarioSHA1 = "sha1"
	// ScenarioRevoked: the valid chain, with SCTs, but the OCSP response
	// the server staples, signed by the intermediate, says revoked.
	ScenarioRevoked = "revoked"
	// ScenarioOCSPExpired: the valid chain, with SCTs, and a stapled OCSP
	// response that says good but whose nextUpdate has passed.
	ScenarioOCSPExpired = "ocsp-expired"
	// ScenarioNoSCT: the valid chain and a good stapled response, but the
	// leaf carries no SCTs: it was never logged.
	ScenarioNoSCT = "no-sct"
)

// ScenarioKinds returns the certificate scenarios in teaching order, the
// control first.
func ScenarioKinds() []string {
	return []string{
		ScenarioValid, ScenarioExpired, ScenarioNotYetValid, ScenarioWrongHost,
		ScenarioSelfSigned, ScenarioUntrustedRoot, ScenarioMissingIntermediate,
		ScenarioTamperedSignature, ScenarioIntermediateNotCA, ScenarioNoServerAuth,
		ScenarioRSA1024, ScenarioSHA1, ScenarioRevoked, ScenarioOCSPExpired, ScenarioNoSCT,
	}
}

// WrongHostName is the name the ScenarioWrongHost certificate is issued
// for (AnotherHostName when the server name is WrongHostName itself).
const (
	WrongHostName   = "other.test"
	AnotherHostName = "another.test"
)

// Names of the scenario certificate authorities. The root that signs is
// named like NewSetup's; the untrusted one says what it is.
const (
	IntermediateCommonName = "TLS Playground Intermediate CA"
	UntrustedCommonName    = "Untrusted Root CA"
)

// Validity periods of scenario certificates, around Options.Now.
const (
	scenarioCABackdate   = 365 * 24 * time.Hour // roots and intermediates were made a year ago
	intermediateValidity = 5                    // years
	expiredAgo           = 10 * 24 * time.Hour  // the expired leaf's notAfter is this long before Now
	notYetIn             = 48 * time.Hour       // the not-yet-valid leaf's notBefore is this long after Now
	weakKeyBits          = 1024
)

// NewScenarioSetup mints the certificates of one certificate scenario (one
// of ScenarioKinds) for opt.ServerName and returns them as a Setup: Chain is
// what the server sends, Signer its key, and Roots the client's trust store
// (the root, or TrustedRoots for ScenarioUntrustedRoot).
//
// Options work as for NewSetup: the root's RSA key (CA, CAKey) and the
// server's key are generated or taken from CAKey, Key or Signer. The
// intermediate and the untrusted scenario's other root get ECDSA P-256 keys
// read from Rand, which cost nothing to make. ScenarioRSA1024 always makes
// its own RSA-1024 server key, whatever KeyType, KeyBits, Key or Signer say.
//
// Every certificate is a real one, made with crypto/x509; only
// ScenarioTamperedSignature changes bytes afterwards.
func NewScenarioSetup(kind string, opt Options) (*Setup, error) {
	start := time.Now()
	known := false
	for _, k := range ScenarioKinds() {
		known = known || k == kind
	}
	if !known {
		return nil, fmt.Errorf("pki: certificate scenario %q does not exist: choose %s", kind, strings.Join(ScenarioKinds(), ", "))
	}
	weak := kind == ScenarioRSA1024
	if weak {
		opt.KeyType, opt.KeyBits, opt.Key, opt.Signer = KeyRSA, 0, nil, nil
	}

	r, err := resolve(opt)
	if err != nil {
		return nil, err
	}
	if weak {
		r.bits = weakKeyBits
	}
	name, keyType := r.name, r.keyType
	m := &minter{random: r.random, now: r.now, progress: r.progress}
	s, err := r.keys(opt.CAKey)
	if err != nil {
		return nil, err
	}

	m.progress(StageCACert)
	rootName := pkix.Name{CommonName: CACommonName, Organization: []string{CAOrganization}}
	if kind == ScenarioUntrustedRoot {
		rootName.CommonName = UntrustedCommonName
	}
	if s.CA, err = m.root(rootName, s.CAKey); err != nil {
		return nil, err
	}

	// The issuer of the leaf: the root, or an intermediate under it.
	issuer, issuerKey := s.CA, crypto.Signer(s.CAKey)
	var inter *x509.Certificate
	switch kind {
	case ScenarioValid, ScenarioMissingIntermediate, ScenarioIntermediateNotCA, ScenarioRevoked, ScenarioOCSPExpired, ScenarioNoSCT:
		k, err := generateServerKey(m.random, KeyECDSA, 0)
		if err != nil {
			return nil, err
		}
		if inter, err = m.intermediate(s.CA, s.CAKey, k, kind != ScenarioIntermediateNotCA); err != nil {
			return nil, err
		}
		issuer, issuerKey = inter, k
		s.Intermediate, s.IntermediateKey = inter, k
	case ScenarioUntrustedRoot:
		// The client trusts a root of the same organisation that did not
		// issue this chain.
		k, err := generateServerKey(m.random, KeyECDSA, 0)
		if err != nil {
			return nil, err
		}
		trusted, err := m.root(pkix.Name{CommonName: CACommonName, Organization: []string{CAOrganization}}, k)
		if err != nil {
			return nil, err
		}
		s.TrustedRoots = []*x509.Certificate{trusted}
	}

	m.progress(StageLeafCert)
	switch kind {
	case ScenarioValid, ScenarioRevoked, ScenarioOCSPExpired:
		m.logs = CTLogs() // as a public CA does; ScenarioNoSCT's leaf is never logged
	}
	leaf, err := m.leaf(kind, name, keyType, s.Signer, issuer, issuerKey)
	if err != nil {
		return nil, err
	}
	staple := map[string]string{ScenarioValid: OCSPGood, ScenarioNoSCT: OCSPGood, ScenarioRevoked: OCSPRevoked, ScenarioOCSPExpired: OCSPExpired}
	if v, ok := staple[kind]; ok {
		if s.OCSPResponse, err = NewOCSPResponse(leaf, issuer, issuerKey, v, m.now); err != nil {
			return nil, err
		}
	}
	if kind == ScenarioTamperedSignature {
		if leaf, err = tamperSignature(leaf); err != nil {
			return nil, err
		}
	}
	s.Leaf = leaf
	s.Chain = [][]byte{leaf.Raw}
	if inter != nil && kind != ScenarioMissingIntermediate {
		s.Chain = append(s.Chain, inter.Raw)
	}
	s.GeneratedIn = time.Since(start)
	return s, nil
}

// minter issues the certificates of one scenario.
type minter struct {
	random   io.Reader
	now      time.Time
	progress func(Stage)
	logs     []*CTLog // the logs that sign SCTs for the leaf; none: no SCTs
}

// root self-signs a root certificate (RFC 5280, Section 4.2.1.9: cA TRUE;
// no path length constraint, so that it may have an intermediate below it).
func (m *minter) root(name pkix.Name, key crypto.Signer) (*x509.Certificate, error) {
	serial, err := newSerial(m.random)
	if err != nil {
		return nil, err
	}
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		NotBefore:             m.now.Add(-scenarioCABackdate),
		NotAfter:              m.now.AddDate(caValidity, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	return m.issue(t, t, key.Public(), key, "the root "+name.CommonName)
}

// intermediate issues an intermediate CA certificate under root for key;
// with isCA false, its basicConstraints say CA:FALSE although its key usage
// says keyCertSign (the ScenarioIntermediateNotCA defect).
func (m *minter) intermediate(root *x509.Certificate, rootKey *rsa.PrivateKey, key crypto.Signer, isCA bool) (*x509.Certificate, error) {
	serial, err := newSerial(m.random)
	if err != nil {
		return nil, err
	}
	return m.intermediateSerial(serial, m.now.Add(-scenarioCABackdate), root, rootKey, key, isCA)
}

// intermediateSerial is intermediate with a serial number drawn already and
// a given start of validity.
func (m *minter) intermediateSerial(serial *big.Int, notBefore time.Time, root *x509.Certificate, rootKey *rsa.PrivateKey, key crypto.Signer, isCA bool) (*x509.Certificate, error) {
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: IntermediateCommonName, Organization: []string{CAOrganization}},
		NotBefore:             notBefore,
		NotAfter:              m.now.AddDate(intermediateValidity, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
		MaxPathLenZero:        isCA, // signs end-entity certificates only
		SignatureAlgorithm:    x509.SHA256WithRSA,
	}
	return m.issue(t, root, key.Public(), rootKey, "the intermediate")
}

// leaf issues the server certificate for kind, as NewSetup does, with the
// scenario's one defect.
func (m *minter) leaf(kind, name, keyType string, key crypto.Signer, issuer *x509.Certificate, issuerKey crypto.Signer) (*x509.Certificate, error) {
	serial, err := newSerial(m.random)
	if err != nil {
		return nil, err
	}
	usage := x509.KeyUsageDigitalSignature
	if keyType == KeyRSA {
		usage |= x509.KeyUsageKeyEncipherment
	}
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name},
		DNSNames:              []string{name},
		NotBefore:             m.now.Add(-backdate),
		NotAfter:              m.now.Add(leafValidity),
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	switch kind {
	case ScenarioExpired:
		t.NotAfter = m.now.Add(-expiredAgo)
		t.NotBefore = t.NotAfter.Add(-leafValidity)
	case ScenarioNotYetValid:
		t.NotBefore = m.now.Add(notYetIn)
		t.NotAfter = t.NotBefore.Add(leafValidity)
	case ScenarioWrongHost:
		other := WrongHostName
		if strings.EqualFold(name, other) {
			other = AnotherHostName
		}
		t.Subject.CommonName, t.DNSNames = other, []string{other}
	case ScenarioSelfSigned:
		return m.issue(t, t, key.Public(), key, "the self-signed certificate for "+name)
	case ScenarioNoServerAuth:
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	case ScenarioSHA1:
		// crypto/x509 still creates SHA-1 signatures; it refuses to verify
		// them (Go 1.18 and later).
		t.SignatureAlgorithm = x509.SHA1WithRSA
	}
	if len(m.logs) > 0 {
		if k, ok := issuerKey.(*ecdsa.PrivateKey); ok {
			issuerKey = rfc6979{k}
		}
		der, err := embedSCTs(m.random, t, issuer, key.Public(), issuerKey, m.logs, t.NotBefore)
		if err != nil {
			return nil, fmt.Errorf("pki: issuing the certificate for %s with SCTs: %w", name, err)
		}
		return ParseCertificate(der)
	}
	return m.issue(t, issuer, key.Public(), issuerKey, "the certificate for "+name)
}

func (m *minter) issue(template, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer, what string) (*x509.Certificate, error) {
	if k, ok := priv.(*ecdsa.PrivateKey); ok {
		priv = rfc6979{k}
	}
	der, err := x509.CreateCertificate(m.random, template, parent, pub, priv)
	if err != nil {
		return nil, fmt.Errorf("pki: issuing %s: %w", what, err)
	}
	c, err := ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parsing %s just made: %w", what, err)
	}
	return c, nil
}

// rfc6979 signs with an ECDSA key deterministically (RFC 6979), whatever
// reader crypto/x509 passes, so that the same Rand gives the same
// certificates (a randomized signature may read a varying number of bytes).
type rfc6979 struct{ *ecdsa.PrivateKey }

func (k rfc6979) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return k.PrivateKey.Sign(nil, digest, opts)
}

// tamperSignature flips every bit of the middle byte of c's signature. The
// signature is the content of the certificate's last field, a BIT STRING
// (RFC 5280, Section 4.1.1.3), so no length changes and the DER needs no
// re-encoding: the certificate still parses, but its signature no longer
// verifies with the issuer's key.
func tamperSignature(c *x509.Certificate) (*x509.Certificate, error) {
	der := bytes.Clone(c.Raw)
	sig := c.Signature
	if len(sig) == 0 || !bytes.HasSuffix(der, sig) {
		return nil, fmt.Errorf("pki: the certificate for %q does not end with its signature", c.Subject.CommonName)
	}
	der[len(der)-len(sig)+len(sig)/2] ^= 0xff
	t, err := ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: the certificate with a tampered signature no longer parses: %w", err)
	}
	return t, nil
}
