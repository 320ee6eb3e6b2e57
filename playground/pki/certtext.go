package pki

import (
	"crypto/x509"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"weak"
)

// certText is what the trace and the checks say of a certificate in words,
// which does not change while the certificate lives: each is formatted the
// first time it is asked for and kept, as ParseCertificate keeps the
// certificate itself. A session verifies the same chain against the same
// root every time (issue 9: the trace is on the engine's hot path).
type certText struct {
	subject, pem string
	info         *CertInfo  // Describe's
	checks       *checkText // what Verify's checks say of it
}

// checkText is what Verify's checks say of a certificate itself, whatever
// the chain and the time it is checked in.
type checkText struct {
	quoted      string   // the subject name, quoted
	keyName     string   // publicKeyName
	from, until string   // the validity period, RFC 3339 in UTC
	sans        string   // the subjectAltNames, ", " between them
	eku         []string // extKeyUsageNames
	ekuText     string   // eku, ", " between them
	kuText      string   // keyUsageNames, ", " between them
}

// checkTextOf returns c's checkText, made once per certificate.
func checkTextOf(c *x509.Certificate) *checkText {
	return textOf(c, func(t *certText) {
		if t.checks != nil {
			return
		}
		if t.subject == "" {
			t.subject = c.Subject.String()
		}
		eku := extKeyUsageNames(c)
		t.checks = &checkText{
			quoted:  strconv.Quote(t.subject),
			keyName: publicKeyName(c),
			from:    c.NotBefore.UTC().Format(time.RFC3339),
			until:   c.NotAfter.UTC().Format(time.RFC3339),
			sans:    strings.Join(sanList(c), ", "),
			eku:     eku,
			ekuText: strings.Join(eku, ", "),
			kuText:  strings.Join(keyUsageNames(c.KeyUsage), ", "),
		}
	}).checks
}

// texts holds a certText per live certificate. An entry is weak: it goes
// with its certificate.
var texts struct {
	sync.Mutex
	m map[weak.Pointer[x509.Certificate]]*certText
}

// textOf returns c's entry, made and held under texts' lock; fill sets what
// is missing.
func textOf(c *x509.Certificate, fill func(*certText)) certText {
	wp := weak.Make(c)
	texts.Lock()
	defer texts.Unlock()
	t := texts.m[wp]
	if t == nil {
		if texts.m == nil {
			texts.m = map[weak.Pointer[x509.Certificate]]*certText{}
		}
		t = &certText{}
		texts.m[wp] = t
		runtime.AddCleanup(c, func(wp weak.Pointer[x509.Certificate]) {
			texts.Lock()
			delete(texts.m, wp)
			texts.Unlock()
		}, wp)
	}
	fill(t)
	return *t
}

// SubjectName is c.Subject.String(), formatted once per certificate.
func SubjectName(c *x509.Certificate) string {
	return textOf(c, func(t *certText) {
		if t.subject == "" {
			t.subject = c.Subject.String()
		}
	}).subject
}

// CertPEMText is CertPEM(c.Raw) as a string, encoded once per certificate.
func CertPEMText(c *x509.Certificate) string {
	return textOf(c, func(t *certText) {
		if t.pem == "" {
			t.pem = string(CertPEM(c.Raw))
		}
	}).pem
}
