package pki

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"tlsplayground/playground/alert"
	"tlsplayground/playground/sigscheme"
)

// VerifyResult is the client's check of the server's chain against its own
// trust store.
type VerifyResult struct {
	// OK reports whether crypto/x509 accepted the chain for the server name
	// at the given time (and a server name was given), and the client's key
	// strength policy did too.
	OK bool
	// Err is why not: crypto/x509's error as it returned it, or a "pki:"
	// error for a chain that does not parse, a missing server name or, when
	// crypto/x509 accepts the chain, a key that is too short (*WeakKeyError).
	Err error
	// Chain is the verified path, leaf to root, when OK.
	Chain []*x509.Certificate
	// Checks are the individual checks, each computed on its own, in order:
	// signatures, validity windows, host name, trust anchor, basic
	// constraints, extended key usage, key usage; then key strength, only when it refuses a key. When
	// crypto/x509 rejects the chain for a reason none of them covers, a last
	// failing check says so.
	Checks []Check
}

// Check is one step of certificate path validation as shown on the page.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Verify checks a certificate chain as a TLS client does (RFC 5280, Section
// 6; RFC 6125 for the name; RFC 8446, Section 4.4.2.2): chain is the DER
// certificate_list the server sent, leaf first, the rest used as
// intermediates; roots is the client's trust store (nil means an empty
// one, never the system's); serverName is the host the client asked for.
//
// The verdict is crypto/x509's (Certificate.Verify with DNSName, Roots,
// Intermediates, CurrentTime and KeyUsages serverAuth), with one policy of
// the client's own on top: a chain it accepts is still refused when an RSA
// key on it is shorter than MinRSABits (crypto/x509 has no minimum above
// crypto/rsa's 1024 bits). The checks are computed separately, so that a
// wrong host name fails only the host name check. To check signatures and
// validity even when the chain is rejected, the path is also built without
// the name and key usage requirements and, failing that, at a time when
// every presented certificate is valid.
func Verify(chain [][]byte, roots *x509.CertPool, serverName string, now time.Time) VerifyResult {
	if len(chain) == 0 {
		return VerifyResult{Err: errNoCertificate, Checks: []Check{{
			Name: "certificate present", OK: false, Detail: "the Certificate message is empty",
		}}}
	}
	certs := make([]*x509.Certificate, len(chain))
	for i, der := range chain {
		c, err := ParseCertificate(der)
		if err != nil {
			err = fmt.Errorf("pki: certificate %d of %d (%s) does not parse: %w", i+1, len(chain), presentedRole(i), err)
			return VerifyResult{Err: err, Checks: []Check{{
				Name: "parse " + presentedRole(i), OK: false, Detail: err.Error(),
			}}}
		}
		certs[i] = c
	}
	if roots == nil {
		roots = x509.NewCertPool()
	}
	leaf := certs[0]
	intermediates := x509.NewCertPool()
	for _, c := range certs[1:] {
		intermediates.AddCert(c)
	}

	var r VerifyResult
	chains, err := leaf.Verify(x509.VerifyOptions{
		DNSName:       serverName,
		Roots:         roots,
		Intermediates: intermediates,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	switch {
	case err != nil:
		r.Err = err
	case serverName == "":
		// crypto/x509 skips the name check for an empty DNSName; a TLS
		// client must not (crypto/tls refuses to verify without ServerName).
		r.Err = errors.New("pki: no server name to check the certificate against: a client must know which host it meant to reach")
	default:
		r.OK = true
		r.Chain = chains[0]
	}

	path, pathErr := r.Chain, error(nil)
	if path == nil {
		path, pathErr = buildPath(certs, roots, intermediates, now)
	}

	r.Checks = append(r.Checks, signatureChecks(certs, path, pathErr)...)
	r.Checks = append(r.Checks, validityChecks(certs, path, now)...)
	r.Checks = append(r.Checks, hostnameCheck(leaf, serverName))
	r.Checks = append(r.Checks, trustCheck(path, pathErr))
	r.Checks = append(r.Checks, basicConstraintsCheck(certs, path, pathErr))
	r.Checks = append(r.Checks, extKeyUsageCheck(certs, path))
	r.Checks = append(r.Checks, keyUsageCheck(certs, path))
	// The key strength policy is listed only when it refuses a key, so that
	// the checks of every chain crypto/x509 and the policy both accept are
	// the ones above.
	if ch, err := keyStrengthCheck(certs, path); err != nil {
		r.Checks = append(r.Checks, ch)
		if r.OK {
			r.OK, r.Chain, r.Err = false, nil, err
		}
	}

	if r.Err != nil && allOK(r.Checks) {
		r.Checks = append(r.Checks, Check{
			Name:   "other path validation rules",
			OK:     false,
			Detail: r.Err.Error(),
		})
	}
	return r
}

// buildPath finds a path from certs[0] to a root in roots, for the checks,
// ignoring the host name and extended key usage. It tries at now, then at the
// latest notBefore of the presented certificates, so that an expired leaf
// still shows whose signature it carries.
func buildPath(certs []*x509.Certificate, roots, intermediates *x509.CertPool, now time.Time) ([]*x509.Certificate, error) {
	opts := x509.VerifyOptions{
		Roots:         roots,
		Intermediates: intermediates,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}
	chains, err := certs[0].Verify(opts)
	if err == nil {
		return chains[0], nil
	}
	var inside time.Time
	for _, c := range certs {
		if c.NotBefore.After(inside) {
			inside = c.NotBefore
		}
	}
	if inside.Equal(now) {
		return nil, err
	}
	opts.CurrentTime = inside
	chains, err2 := certs[0].Verify(opts)
	if err2 != nil {
		var invalid x509.CertificateInvalidError
		if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
			return nil, err2 // the time was the first problem; say what the next one is
		}
		return nil, err
	}
	return chains[0], nil
}

// presentedRole names the i-th certificate of the certificate_list.
func presentedRole(i int) string {
	if i == 0 {
		return "leaf"
	}
	return fmt.Sprintf("intermediate %d", i)
}

// pathRole names the i-th certificate of a path of n, leaf to root.
func pathRole(i, n int) string {
	switch {
	case i == 0:
		return "leaf"
	case i == n-1:
		return "root"
	}
	return fmt.Sprintf("intermediate %d", i)
}

// signatureChecks checks each certificate's signature with its issuer's
// public key (RFC 5280, Section 6.1.3 (a)(1)). The root is a trust anchor:
// its own signature is not part of path validation.
//
// A path comes from crypto/x509 (Certificate.Verify), which links a
// certificate to an issuer only after checking the signature with the
// issuer's key (CheckSignatureFrom): each check of a path says what that
// proved, without verifying the signature a second time. Without a path,
// each certificate sent is checked against the next.
func signatureChecks(certs, path []*x509.Certificate, pathErr error) []Check {
	var checks []Check
	if path != nil {
		for i := 0; i+1 < len(path); i++ {
			checks = append(checks, signatureVerified(path[i], path[i+1], "signature on "+pathRole(i, len(path))))
		}
		return checks
	}
	for i, c := range certs {
		name := "signature on " + presentedRole(i)
		if i+1 < len(certs) {
			checks = append(checks, signatureCheck(c, certs[i+1], name))
			continue
		}
		if selfSigned(c) {
			checks = append(checks, signatureCheck(c, c, name))
			continue
		}
		if bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil {
			// A self-signed end-entity certificate: CheckSignatureFrom
			// refuses it as its own issuer (it is no CA), but the signature
			// is sound; it is the trust that is missing.
			checks = append(checks, Check{Name: name, OK: true, Detail: fmt.Sprintf(
				"self-signed: the %s signature verifies with the certificate's own %s key, which proves only that the sender holds that key",
				c.SignatureAlgorithm, publicKeyName(c))})
			continue
		}
		checks = append(checks, Check{
			Name: name,
			OK:   false,
			Detail: fmt.Sprintf("issued by %q, but no acceptable path leads from it to the client's trust store, so there is no issuer key to check its signature with: %v",
				c.Issuer.String(), pathErr),
		})
	}
	return checks
}

func signatureCheck(c, issuer *x509.Certificate, name string) Check {
	if err := c.CheckSignatureFrom(issuer); err != nil {
		return Check{Name: name, OK: false, Detail: fmt.Sprintf("the %s signature does not verify with the %s key of %q: %v",
			c.SignatureAlgorithm, publicKeyName(issuer), SubjectName(issuer), err)}
	}
	return signatureVerified(c, issuer, name)
}

// signatureVerified is the check of a signature found to verify with
// issuer's key.
func signatureVerified(c, issuer *x509.Certificate, name string) Check {
	t := checkTextOf(issuer)
	return Check{Name: name, OK: true, Detail: "the " + c.SignatureAlgorithm.String() + " signature verifies with the " + t.keyName + " key of " + t.quoted}
}

func selfSigned(c *x509.Certificate) bool {
	return c.CheckSignatureFrom(c) == nil
}

// validityChecks checks now against each certificate's validity period
// (RFC 5280, Section 6.1.3 (a)(2)), for the path when there is one.
func validityChecks(certs, path []*x509.Certificate, now time.Time) []Check {
	list, role := pathOrPresented(certs, path)
	checks := make([]Check, len(list))
	at := now.UTC().Format(time.RFC3339)
	for i, c := range list {
		t := checkTextOf(c)
		from, until := t.from, t.until
		ch := Check{Name: "validity of " + role(i)}
		switch {
		case now.Before(c.NotBefore):
			ch.Detail = fmt.Sprintf("not yet valid at %s: valid from %s (in %s) until %s", at, from, c.NotBefore.Sub(now).Round(time.Second), until)
		case now.After(c.NotAfter):
			ch.Detail = fmt.Sprintf("expired at %s (%s before %s); it was valid from %s", until, now.Sub(c.NotAfter).Round(time.Second), at, from)
		default:
			ch.OK = true
			ch.Detail = "valid at " + at + ": from " + from + " until " + until
		}
		checks[i] = ch
	}
	return checks
}

// pathOrPresented returns the certificates to check, and their names: the
// path when there is one, else the certificates the server sent.
func pathOrPresented(certs, path []*x509.Certificate) ([]*x509.Certificate, func(int) string) {
	if path != nil {
		return path, func(i int) string { return pathRole(i, len(path)) }
	}
	return certs, presentedRole
}

// hostnameCheck matches the name the client asked for against the leaf's
// subjectAltName (RFC 6125, Section 6; RFC 2818, Section 3.1).
func hostnameCheck(leaf *x509.Certificate, serverName string) Check {
	ch := Check{Name: "host name"}
	if serverName == "" {
		ch.Detail = "the client gave no server name, so nothing ties the certificate to the host it meant to reach"
		return ch
	}
	if err := leaf.VerifyHostname(serverName); err != nil {
		ch.Detail = err.Error()
		return ch
	}
	ch.OK = true
	ch.Detail = strconv.Quote(serverName) + " matches the certificate's names: " + checkTextOf(leaf).sans
	return ch
}

func sanList(c *x509.Certificate) []string {
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

// trustCheck reports whether the path ends at a certificate in the
// client's trust store (RFC 5280, Section 6.1.1 (d): the trust anchor).
func trustCheck(path []*x509.Certificate, pathErr error) Check {
	ch := Check{Name: "trusted root"}
	if path == nil {
		ch.Detail = "no path to a certificate in the client's trust store: " + pathErr.Error()
		return ch
	}
	ch.OK = true
	root := path[len(path)-1]
	ch.Detail = "the chain ends at " + checkTextOf(root).quoted + ", which is in the client's trust store"
	return ch
}

// basicConstraintsCheck checks that every issuer on the path (or, without
// one, every certificate sent after the leaf) is a CA: basicConstraints
// present with cA TRUE (RFC 5280, Sections 4.2.1.9 and 6.1.4 (k)), and that
// no issuer's pathLenConstraint is exceeded below it (6.1.4 (l), (m)).
// crypto/x509 enforces the same while building the path; this check names
// the rule on its own.
func basicConstraintsCheck(certs, path []*x509.Certificate, pathErr error) Check {
	ch := Check{Name: "basic constraints", OK: true}

	list, roleOf := pathOrPresented(certs, path)
	var parts []string
	for i, c := range list {
		role := roleOf(i)
		switch {
		case i == 0:
			if c.BasicConstraintsValid && c.IsCA {
				parts = append(parts, role+": CA:TRUE (a CA certificate used as a server's)")
			} else {
				parts = append(parts, role+": not a CA")
			}
		case !c.BasicConstraintsValid || !c.IsCA:
			ch.OK = false
			state := "CA:FALSE"
			if !c.BasicConstraintsValid {
				state = "no basicConstraints"
			}
			parts = append(parts, role+": "+state+" (may not issue certificates)")
		case c.MaxPathLen >= 0 && (c.MaxPathLen > 0 || c.MaxPathLenZero) && i-1 > c.MaxPathLen:
			ch.OK = false
			parts = append(parts, fmt.Sprintf("%s: CA:TRUE, pathlen %d, but %d CA certificates below it", role, c.MaxPathLen, i-1))
		case c.MaxPathLen > 0 || c.MaxPathLenZero:
			parts = append(parts, fmt.Sprintf("%s: CA:TRUE, pathlen %d", role, c.MaxPathLen))
		default:
			parts = append(parts, role+": CA:TRUE")
		}
	}
	var invalid x509.CertificateInvalidError
	if errors.As(pathErr, &invalid) && invalid.Reason == x509.TooManyIntermediates {
		// The limit belongs to an issuer that is on no path: name the error.
		ch.OK = false
		parts = append(parts, pathErr.Error())
	}
	ch.Detail = strings.Join(parts, "; ")
	return ch
}

// extKeyUsageCheck checks that every certificate on the path (or, without
// one, every certificate sent) that restricts its purposes allows serverAuth
// (RFC 5280, Section 4.2.1.12; crypto/x509 applies it to the whole chain).
func extKeyUsageCheck(certs, path []*x509.Certificate) Check {
	ch := Check{Name: "extended key usage", OK: true}
	list, roleOf := pathOrPresented(certs, path)
	var parts []string
	for i, c := range list {
		role := roleOf(i)
		t := checkTextOf(c)
		switch {
		case len(t.eku) == 0:
			parts = append(parts, role+": none (no restriction)")
		case hasEKU(c, x509.ExtKeyUsageServerAuth) || hasEKU(c, x509.ExtKeyUsageAny):
			parts = append(parts, role+": "+t.ekuText)
		default:
			ch.OK = false
			parts = append(parts, role+": "+t.ekuText+" (serverAuth missing)")
		}
	}
	ch.Detail = strings.Join(parts, "; ")
	return ch
}

func hasEKU(c *x509.Certificate, u x509.ExtKeyUsage) bool {
	for _, have := range c.ExtKeyUsage {
		if have == u {
			return true
		}
	}
	return false
}

// keyUsageCheck checks the keyUsage extension (RFC 5280, Section 4.2.1.3):
// a TLS server key signs (digitalSignature) or decrypts the premaster
// secret (keyEncipherment, RFC 5246 RSA key exchange); an issuer's key
// signs certificates (keyCertSign). crypto/x509 does not enforce keyUsage,
// so this check can fail while the chain is accepted.
func keyUsageCheck(certs, path []*x509.Certificate) Check {
	ch := Check{Name: "key usage", OK: true}
	list, roleOf := pathOrPresented(certs, path)
	var parts []string
	for i, c := range list {
		role := roleOf(i)
		if c.KeyUsage == 0 {
			parts = append(parts, role+": none (no restriction)")
			continue
		}
		desc := role + ": " + checkTextOf(c).kuText
		switch {
		case i == 0 && c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment) == 0:
			ch.OK = false
			desc += " (neither digitalSignature nor keyEncipherment: unusable for TLS)"
		case i > 0 && c.KeyUsage&x509.KeyUsageCertSign == 0:
			ch.OK = false
			desc += " (certSign missing: may not issue certificates)"
		}
		parts = append(parts, desc)
	}
	ch.Detail = strings.Join(parts, "; ")
	if !ch.OK {
		ch.Detail += " (crypto/x509 does not enforce key usage)"
	}
	return ch
}

// MinRSABits is the smallest RSA modulus, in bits, that Verify accepts
// anywhere on the path. crypto/x509 accepts whatever crypto/rsa does (1024
// bits and up); the CA/Browser Forum's Baseline Requirements have demanded
// 2048 bits of publicly trusted certificates since 2014, Apple's platforms
// refuse shorter RSA keys for TLS, and so does OpenSSL at security level 2.
const MinRSABits = 2048

// WeakKeyError is Verify's verdict on a chain that crypto/x509 accepts but
// that holds an RSA key shorter than MinRSABits: the client's policy, not
// RFC 5280's.
type WeakKeyError struct {
	Role    string // "leaf", "intermediate 1", "root"
	Subject string
	Bits    int
}

func (e *WeakKeyError) Error() string {
	return fmt.Sprintf("pki: the %s certificate %q has an RSA-%d key: this client refuses RSA keys shorter than %d bits, the minimum for public certificates since 2014",
		e.Role, e.Subject, e.Bits, MinRSABits)
}

// keyStrengthCheck applies the client's key size policy (MinRSABits) to the
// path or, without one, to the certificates sent. It returns an error, and
// the failing check, when a key is too short.
func keyStrengthCheck(certs, path []*x509.Certificate) (Check, error) {
	list, roleOf := pathOrPresented(certs, path)
	var weak []string
	var first *WeakKeyError
	for i, c := range list {
		k, ok := c.PublicKey.(*rsa.PublicKey)
		if pss, err := sigscheme.CertificateKey(c); err == nil && c.PublicKey == nil {
			// An RSASSA-PSS key (RFC 4055), which crypto/x509 leaves unparsed.
			if pk, isPSS := pss.(*sigscheme.RSAPSSPublicKey); isPSS {
				k, ok = pk.PublicKey, true
			}
		}
		if !ok || k.N.BitLen() >= MinRSABits {
			continue
		}
		weak = append(weak, fmt.Sprintf("%s: RSA-%d", roleOf(i), k.N.BitLen()))
		if first == nil {
			first = &WeakKeyError{Role: roleOf(i), Subject: c.Subject.String(), Bits: k.N.BitLen()}
		}
	}
	if first == nil {
		return Check{Name: "key strength", OK: true, Detail: fmt.Sprintf("no RSA key shorter than %d bits", MinRSABits)}, nil
	}
	return Check{Name: "key strength", OK: false, Detail: fmt.Sprintf(
		"%s (RSA keys shorter than %d bits are refused: the client's policy, as browsers' root programs require; crypto/x509 alone accepts 1024 bits)",
		strings.Join(weak, "; "), MinRSABits)}, first
}

func allOK(checks []Check) bool {
	for _, c := range checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Alert is the alert a TLS client sends when it refuses the chain. Like
// crypto/tls, this client sends bad_certificate whatever the reason: an
// unknown issuer, a broken signature and an expired certificate look alike
// to the peer (RFC 8446, Section 6.2 allows the more specific alerts; the
// page shows crypto/x509's exact reason beside it).
func (r VerifyResult) Alert() alert.Alert {
	return alert.BadCertificate
}
