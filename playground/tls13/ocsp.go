// OCSP stapling in TLS 1.3 (RFC 8446, Section 4.4.2.1; RFC 6066, Section
// 8): the client asks with status_request in its ClientHello; a server
// that holds an OCSP response for its certificate puts it, as a
// CertificateStatus, in a status_request extension of the leaf's
// CertificateEntry (no CertificateStatus message, unlike TLS 1.2), so that
// it travels encrypted and is covered by CertificateVerify and Finished;
// the client checks it, with the certificate's SCTs, once its path
// validation succeeded (pki.CheckWebPKI).

package tls13

import (
	"crypto/x509"
	"fmt"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/trace"
)

// describeHello describes a ClientHello's extensions; status_request,
// which the shared describer shows by its size, says what it asks.
func describeHello(exts []handshake.Extension) []string {
	out := handshake.DescribeExtensions(exts, describers)
	for i, e := range exts {
		if e.Type == handshake.ExtStatusRequest && i < len(out) {
			out[i] = "status_request: asks the server to staple an OCSP response to its certificate (RFC 6066, Section 8; RFC 8446, Section 4.4.2.1)"
		}
	}
	return out
}

// stapleTo puts the server's OCSP response on the leaf's CertificateEntry
// when the client asked for one (RFC 8446, Section 4.4.2.1: never
// unasked, Section 4.4.2), and returns what the trace says about it.
func (c *Conn) stapleTo(leaf *handshake.CertificateEntry) ([]trace.Value, error) {
	switch {
	case len(c.cfg.OCSPStaple) == 0 && c.wantsStatus:
		return []trace.Value{trace.Text("Stapled OCSP response", "none", "the client asked with status_request, but this server has no OCSP response to staple; the client decides on its own (soft-fail)")}, nil
	case len(c.cfg.OCSPStaple) == 0:
		return nil, nil
	case !c.wantsStatus:
		return []trace.Value{trace.Text("Stapled OCSP response", "not sent", "the server has one, but the client did not ask with status_request, and a server sends no extension the client did not ask for (RFC 8446, Section 4.4.2)")}, nil
	}
	status, err := pki.MarshalCertificateStatus(c.cfg.OCSPStaple)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, "tls: the server's OCSP staple cannot be sent", err)
	}
	leaf.Extensions = append(leaf.Extensions, handshake.Extension{Type: handshake.ExtStatusRequest, Data: status})
	return []trace.Value{
		trace.Hex("Stapled OCSP response", c.cfg.OCSPStaple, fmt.Sprintf(
			"%d bytes of DER (RFC 6960, Section 4.2.1) signed by the certificate's issuer, in the status_request extension of the leaf's CertificateEntry (RFC 8446, Section 4.4.2.1): the client asked, and instead of asking the CA itself, which would tell the CA which site it visits, it gets the CA's signed, dated statement from the server, which cannot forge it, only repeat it until it expires",
			len(c.cfg.OCSPStaple))),
	}, nil
}

// readStaple reads the extensions of the server's CertificateEntries: each
// must answer one the ClientHello offered (RFC 8446, Section 4.4.2), and a
// status_request holds a CertificateStatus (RFC 8446, Section 4.4.2.1). It
// returns the leaf's OCSP response, or nil. Responses on the other
// certificates (RFC 8446 allows them for intermediates) are read and not
// used: this client checks the leaf's only, as browsers do.
func (c *Conn) readStaple(m *handshake.Certificate13) ([]byte, error) {
	var staple []byte
	for i, e := range m.Entries {
		for _, x := range e.Extensions {
			if _, offered := handshake.Find(c.hello.Extensions, x.Type); !offered {
				return nil, alert.New(alert.UnsupportedExtension, fmt.Sprintf("tls: the server's certificate %d carries %s, which the client did not offer (RFC 8446, Section 4.4.2)", i+1, handshake.ExtensionName(x.Type)))
			}
			if x.Type != handshake.ExtStatusRequest {
				continue
			}
			resp, err := pki.ParseCertificateStatus(x.Data)
			if err != nil {
				return nil, alert.Wrap(alert.DecodeError, "tls: malformed status_request in the server's CertificateEntry", err)
			}
			if i == 0 {
				staple = resp
			}
		}
	}
	return staple, nil
}

// checkWebPKI runs pki.CheckWebPKI on the verified path and traces each
// check; an unsatisfactory result aborts with its alert: certificate_revoked
// for a revoked certificate, bad_certificate_status_response for a
// response that is not sound, fresh or about this certificate (RFC 6066,
// Section 8), bad_certificate for too few SCTs.
func (c *Conn) checkWebPKI(path []*x509.Certificate, staple []byte) error {
	r := pki.CheckWebPKI(path, staple, c.cfg.LocalRoot, c.cfg.now())
	why := ""
	if staple == nil {
		why = "the server put no status_request on its certificate, which RFC 8446, Section 4.4.2.1 allows"
	}
	vals := trace.WebPKI(r, why)
	if !r.OK {
		c.FailAt(StepVerify)
		c.cfg.Trace.Add(StepVerify, c.Actor(), "Refuses the certificate after path validation: revocation or transparency", vals...)
		return alert.Wrap(r.Alert, "tls: the server's certificate passed path validation but not the WebPKI checks", r.Err)
	}
	c.cfg.Trace.Add(StepVerify, c.Actor(), "Checks revocation and transparency beyond path validation", vals...)
	return nil
}

// OCSPResponse returns the OCSP response the server stapled to its
// certificate (client side), or nil.
func (c *Conn) OCSPResponse() []byte { return c.staple }
