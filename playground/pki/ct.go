package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"tlsplayground/playground/rng"
)

// Certificate Transparency (RFC 6962). A CA submits every certificate it
// is about to issue to public, append-only logs; each log answers with a
// signed certificate timestamp (SCT), its promise to publish the entry, and
// the CA embeds the SCTs in the certificate (Section 3.3). Browsers refuse a
// certificate from a public root without enough SCTs from logs they know,
// so a certificate a CA issues in secret (by mistake, or because it was
// compromised) cannot be used against a browser without becoming visible
// to the site's owner, who can watch the logs for their names.
//
// The playground does what a CA does, with the real structures: it signs a
// precertificate (the leaf with the critical poison extension, Section
// 3.1), each of its two logs signs an SCT over the precertificate's
// TBSCertificate without the poison and over the issuer's key hash
// (Section 3.2, precert_entry), and the final leaf carries the SCT list.
// What it leaves out: the logs are not servers, publish nothing, and have
// no Merkle tree or inclusion proofs (Section 2.1); their private keys are
// derived from public seeds, so anyone can sign as them.

// Object identifiers of RFC 6962, Section 3.1 and 3.3.
var (
	oidSCTList = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}
	oidPoison  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 3}
)

// MinSCTs is how many valid SCTs, from logs of different operators, this
// client requires of a certificate from a built-in root: Chrome's policy
// for a certificate valid 180 days or less (three above), which Firefox
// (135 and later, desktop) and Apple apply in the same form.
const MinSCTs = 2

// CTLog is a Certificate Transparency log the client knows: its public key
// and the operator that runs it (Chrome counts operators, not logs).
type CTLog struct {
	Name     string
	Operator string
	ID       [32]byte // LogID: SHA-256 of the log's SubjectPublicKeyInfo (RFC 6962, Section 3.2)
	key      *ecdsa.PrivateKey
}

// Public returns the log's ECDSA P-256 public key.
func (l *CTLog) Public() crypto.PublicKey { return &l.key.PublicKey }

var (
	logsOnce sync.Once
	logs     []*CTLog
)

// CTLogs returns the playground's two logs, run by two operators: the
// client's list of known logs, as a browser ships one.
func CTLogs() []*CTLog {
	logsOnce.Do(func() {
		for _, l := range []struct{ name, operator string }{
			{"Playground CT log Argon", "Playground Logs A"},
			{"Playground CT log Xenon", "Playground Logs B"},
		} {
			k, err := generateServerKey(rng.New([]byte(l.name)), KeyECDSA, 0)
			if err != nil {
				panic("pki: making the CT log's key: " + err.Error()) // unreachable: rng never fails
			}
			spki, err := x509.MarshalPKIXPublicKey(k.Public())
			if err != nil {
				panic("pki: encoding the CT log's key: " + err.Error())
			}
			logs = append(logs, &CTLog{Name: l.name, Operator: l.operator, ID: sha256.Sum256(spki), key: k.(*ecdsa.PrivateKey)})
		}
	})
	return logs
}

// embedSCTs issues template under issuer the way a CA that logs does: it
// signs a precertificate (template plus the poison extension), has each
// log sign an SCT over it at the time ts, and issues the final certificate
// with the SCT list. With no logs it issues template as it is.
func embedSCTs(random io.Reader, template, issuer *x509.Certificate, pub crypto.PublicKey, issuerKey crypto.Signer, logs []*CTLog, ts time.Time) ([]byte, error) {
	if len(logs) == 0 {
		return x509.CreateCertificate(random, template, issuer, pub, issuerKey)
	}
	pre := *template
	pre.ExtraExtensions = append(append([]pkix.Extension{}, template.ExtraExtensions...),
		pkix.Extension{Id: oidPoison, Critical: true, Value: asn1.NullBytes})
	preDER, err := x509.CreateCertificate(random, &pre, issuer, pub, issuerKey)
	if err != nil {
		return nil, fmt.Errorf("signing the precertificate: %w", err)
	}
	preCert, err := x509.ParseCertificate(preDER)
	if err != nil {
		return nil, err
	}
	tbs, err := removeExtension(preCert.RawTBSCertificate, oidPoison)
	if err != nil {
		return nil, err
	}
	var list cryptobyte.Builder
	list.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, l := range logs {
			sct, err := l.sign(ts, issuer, tbs)
			if err != nil {
				b.SetError(err)
				return
			}
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(sct) })
		}
	})
	raw, err := list.Bytes()
	if err != nil {
		return nil, err
	}
	value, err := asn1.Marshal(raw) // the extension's value is an OCTET STRING holding the TLS-encoded list
	if err != nil {
		return nil, err
	}
	final := *template
	final.ExtraExtensions = append(append([]pkix.Extension{}, template.ExtraExtensions...), pkix.Extension{Id: oidSCTList, Value: value})
	return x509.CreateCertificate(random, &final, issuer, pub, issuerKey)
}

// signedData is what a log signs for a precertificate (RFC 6962, Section
// 3.2): sct_version v1, signature_type certificate_timestamp, the
// timestamp, entry_type precert_entry, the SHA-256 hash of the issuer's
// SubjectPublicKeyInfo, the TBSCertificate without the poison (or SCT
// list), and no extensions.
func signedData(ts uint64, issuer *x509.Certificate, tbs []byte) ([]byte, error) {
	keyHash := sha256.Sum256(issuer.RawSubjectPublicKeyInfo)
	var b cryptobyte.Builder
	b.AddUint8(0) // v1
	b.AddUint8(0) // certificate_timestamp
	b.AddUint64(ts)
	b.AddUint16(1) // precert_entry
	b.AddBytes(keyHash[:])
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(tbs) })
	b.AddUint16(0) // CtExtensions: none
	return b.Bytes()
}

// sign makes the log's SCT (RFC 6962, Section 3.2) for tbs at ts.
func (l *CTLog) sign(ts time.Time, issuer *x509.Certificate, tbs []byte) ([]byte, error) {
	ms := uint64(ts.UnixMilli())
	data, err := signedData(ms, issuer, tbs)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(data)
	sig, err := rfc6979{l.key}.Sign(nil, digest[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var b cryptobyte.Builder
	b.AddUint8(0) // v1
	b.AddBytes(l.ID[:])
	b.AddUint64(ms)
	b.AddUint16(0) // no extensions
	b.AddUint8(4)  // DigitallySigned: hash sha256 (RFC 5246, Section 7.4.1.4.1)
	b.AddUint8(3)  // signature ecdsa
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(sig) })
	return b.Bytes()
}

// removeExtension returns tbs, a DER TBSCertificate, without the extension
// oid (RFC 5280, Section 4.1: extensions are field [3]); an error if it has
// no such extension.
func removeExtension(tbs []byte, oid asn1.ObjectIdentifier) ([]byte, error) {
	in := cryptobyte.String(tbs)
	var fields cryptobyte.String
	if !in.ReadASN1(&fields, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("pki: the TBSCertificate does not parse")
	}
	extTag := cbasn1.Tag(3).Constructed().ContextSpecific()
	found := false
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for !fields.Empty() {
			var field cryptobyte.String
			var tag cbasn1.Tag
			if !fields.ReadAnyASN1Element(&field, &tag) {
				b.SetError(errors.New("pki: a TBSCertificate field does not parse"))
				return
			}
			if tag != extTag {
				b.AddBytes(field)
				continue
			}
			var wrap, exts cryptobyte.String
			if !field.ReadASN1(&wrap, extTag) || !wrap.ReadASN1(&exts, cbasn1.SEQUENCE) {
				b.SetError(errors.New("pki: the extensions do not parse"))
				return
			}
			b.AddASN1(extTag, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					for !exts.Empty() {
						var ext cryptobyte.String
						if !exts.ReadASN1Element(&ext, cbasn1.SEQUENCE) {
							b.SetError(errors.New("pki: an extension does not parse"))
							return
						}
						body, id := ext, asn1.ObjectIdentifier(nil)
						var inner cryptobyte.String
						if !body.ReadASN1(&inner, cbasn1.SEQUENCE) || !inner.ReadASN1ObjectIdentifier(&id) {
							b.SetError(errors.New("pki: an extension's identifier does not parse"))
							return
						}
						if id.Equal(oid) {
							found = true
							continue
						}
						b.AddBytes(ext)
					}
				})
			})
		}
	})
	out, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("pki: the certificate has no extension %s", oid)
	}
	return out, nil
}

// SCT is one signed certificate timestamp found in a certificate.
type SCT struct {
	LogID     [32]byte
	Timestamp time.Time
	Signature []byte
	HashAlg   uint8
	SigAlg    uint8
}

// EmbeddedSCTs returns the SCTs of c's SCT list extension (RFC 6962,
// Section 3.3), none when it has none.
func EmbeddedSCTs(c *x509.Certificate) ([]SCT, error) {
	var value []byte
	for _, e := range c.Extensions {
		if e.Id.Equal(oidSCTList) {
			value = e.Value
		}
	}
	if value == nil {
		return nil, nil
	}
	var raw []byte
	if rest, err := asn1.Unmarshal(value, &raw); err != nil || len(rest) > 0 {
		return nil, errors.New("pki: the SCT list extension is not an OCTET STRING")
	}
	in := cryptobyte.String(raw)
	var list cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&list) || !in.Empty() {
		return nil, errors.New("pki: the SCT list does not parse")
	}
	var out []SCT
	for !list.Empty() {
		var one, ext, sig cryptobyte.String
		var version, hashAlg, sigAlg uint8
		var id []byte
		var ms uint64
		if !list.ReadUint16LengthPrefixed(&one) || !one.ReadUint8(&version) || !one.ReadBytes(&id, 32) || !one.ReadUint64(&ms) ||
			!one.ReadUint16LengthPrefixed(&ext) || !one.ReadUint8(&hashAlg) || !one.ReadUint8(&sigAlg) ||
			!one.ReadUint16LengthPrefixed(&sig) || !one.Empty() {
			return nil, fmt.Errorf("pki: SCT %d does not parse", len(out)+1)
		}
		if version != 0 {
			return nil, fmt.Errorf("pki: SCT %d has version %d: only v1 (0) exists", len(out)+1, version)
		}
		s := SCT{Timestamp: time.UnixMilli(int64(ms)).UTC(), Signature: sig, HashAlg: hashAlg, SigAlg: sigAlg}
		copy(s.LogID[:], id)
		out = append(out, s)
	}
	return out, nil
}

// CTResult is a client's check of a certificate's embedded SCTs.
type CTResult struct {
	// OK reports whether the client accepts: at least MinSCTs valid SCTs
	// from logs of as many operators, or a trust anchor the user added.
	OK bool
	// Err is why not.
	Err error
	// Exempt reports that the chain ends at a locally added root, for
	// which browsers require no SCTs.
	Exempt bool
	// Valid is the number of SCTs that verified, from known logs.
	Valid  int
	Checks []Check
}

// CheckSCTs checks leaf's embedded SCTs, issued under issuer, against the
// client's known logs (nil: CTLogs()) at now, as a browser does: each SCT
// must come from a known log, carry a timestamp that is not in the future,
// and verify with the log's key over the precertificate entry (RFC 6962,
// Sections 3.2 and 5.2); at least MinSCTs must, from as many operators.
// localRoot says that the path ends at a root the user or an administrator
// added to the trust store (Mallory's, a corporate proxy's, mkcert's):
// browsers require CT only of the roots of their root programs, so that
// such a chain is exempt.
func CheckSCTs(leaf, issuer *x509.Certificate, known []*CTLog, localRoot bool, now time.Time) CTResult {
	if known == nil {
		known = CTLogs()
	}
	var r CTResult
	scts, err := EmbeddedSCTs(leaf)
	if err != nil {
		r.Checks = append(r.Checks, Check{Name: "embedded SCTs", Detail: err.Error()})
	}
	var tbs []byte
	if len(scts) > 0 {
		if tbs, err = removeExtension(leaf.RawTBSCertificate, oidSCTList); err != nil {
			r.Checks = append(r.Checks, Check{Name: "embedded SCTs", Detail: err.Error()})
			scts = nil
		}
	}
	operators := map[string]bool{}
	for i, s := range scts {
		ch := Check{Name: fmt.Sprintf("SCT %d", i+1)}
		var log *CTLog
		for _, l := range known {
			if l.ID == s.LogID {
				log = l
			}
		}
		switch {
		case log == nil:
			ch.Detail = fmt.Sprintf("from log %X…, which is not among the logs the client knows", s.LogID[:8])
		case s.Timestamp.After(now):
			ch.Detail = fmt.Sprintf("from %s, timestamp %s is after the client's clock", log.Name, s.Timestamp.Format(time.RFC3339))
		case s.HashAlg != 4 || s.SigAlg != 3:
			ch.Detail = fmt.Sprintf("from %s, signed with hash %d and signature %d: the log signs ECDSA with SHA-256 (4, 3)", log.Name, s.HashAlg, s.SigAlg)
		default:
			data, err := signedData(uint64(s.Timestamp.UnixMilli()), issuer, tbs)
			digest := sha256.Sum256(data)
			if err != nil || !ecdsa.VerifyASN1(&log.key.PublicKey, digest[:], s.Signature) {
				ch.Detail = fmt.Sprintf("from %s, but its signature does not verify over this certificate's precertificate entry (RFC 6962 §3.2): it was made for another certificate", log.Name)
				break
			}
			ch.OK = true
			ch.Detail = fmt.Sprintf("from %s (operator %s), logged at %s: the signature verifies over the precertificate entry (RFC 6962 §3.2)", log.Name, log.Operator, s.Timestamp.Format(time.RFC3339))
			r.Valid++
			operators[log.Operator] = true
		}
		r.Checks = append(r.Checks, ch)
	}

	policy := Check{Name: "Certificate Transparency policy"}
	switch {
	case localRoot:
		r.OK, r.Exempt, policy.OK = true, true, true
		policy.Detail = fmt.Sprintf("%d valid SCTs, and none are required: the chain ends at a root added to this client's trust store by its user or administrator, and browsers require CT only for the roots of their root programs", r.Valid)
	case r.Valid >= MinSCTs && len(operators) >= MinSCTs:
		r.OK, policy.OK = true, true
		policy.Detail = fmt.Sprintf("%d valid SCTs from logs of %d operators: at least %d are required for a certificate valid 180 days or less (Chrome's policy; Firefox's too)", r.Valid, len(operators), MinSCTs)
	default:
		what := "no SCT"
		if len(scts) > 0 {
			what = fmt.Sprintf("%d SCT(s), %d valid, from %d operator(s)", len(scts), r.Valid, len(operators))
		}
		policy.Detail = fmt.Sprintf("%s: at least %d valid SCTs from logs of different operators are required, so the certificate may never have been logged and its owner could not have seen it", what, MinSCTs)
		r.Err = fmt.Errorf("pki: the certificate for %q is not publicly logged: %s", leaf.Subject.CommonName, policy.Detail)
	}
	r.Checks = append(r.Checks, policy)
	return r
}
