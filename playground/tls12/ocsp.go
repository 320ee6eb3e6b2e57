// OCSP stapling in TLS 1.2 (RFC 6066, Section 8): the client asks with an
// empty status_request of type ocsp, a server that has an OCSP response
// for its certificate answers with an empty status_request in ServerHello
// and sends it in a CertificateStatus message right after Certificate, and
// the client checks it, with the certificate's SCTs, once its path
// validation succeeded (pki.CheckWebPKI).

package tls12

import (
	"crypto/x509"
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/trace"
)

// staples reports whether this server sends a CertificateStatus: the
// client asked and the server has a response (RFC 6066, Section 8). A
// resumed session sends no Certificate, so no status either.
func (c *Conn) staples() bool {
	return c.wantsStatus && len(c.cfg.OCSPStaple) > 0 && !c.resumed
}

// sendCertificateStatus sends the stapled OCSP response (RFC 6066,
// Section 8), right after Certificate, in the same flight: it enters the
// transcript like every handshake message, so Finished covers it.
func (c *Conn) sendCertificateStatus() error {
	body, err := pki.MarshalCertificateStatus(c.cfg.OCSPStaple)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: the server's OCSP staple cannot be sent", err)
	}
	var b cryptobyte.Builder
	b.AddUint8(handshake.TypeCertificateStatus)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(body) })
	raw := b.BytesOrPanic()
	wire := c.SendHandshake(raw, "CertificateStatus", StepCertificate)
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Sends CertificateStatus: the OCSP response its CA signed, stapled",
		trace.Text("Why", "the client asked with status_request", "instead of asking the CA itself, which would tell the CA which site it visits and wait for an answer, the client gets the CA's signed, dated statement from the server (RFC 6066, Section 8)"),
		trace.Hex("OCSP response", c.cfg.OCSPStaple, fmt.Sprintf("%d bytes of DER (RFC 6960, Section 4.2.1), signed by the certificate's issuer: the server cannot forge it, only repeat it until it expires", len(c.cfg.OCSPStaple))),
		trace.Frozen("Record on the wire", wire, "status_type ocsp (1), then the response behind a 3-byte length"))
	return nil
}

// readServerStatusRequest checks the server's status_request answer: only
// if offered, and empty (RFC 6066, Section 8). It announces a
// CertificateStatus, which the server may still leave out.
func (c *Conn) readServerStatusRequest(data []byte) error {
	if _, offered := handshake.Find(c.hello.Extensions, handshake.ExtStatusRequest); !offered {
		return alert.New(alert.UnsupportedExtension, "tls: server sent status_request, which the client did not offer")
	}
	if len(data) != 0 {
		return alert.New(alert.DecodeError, "tls: server's status_request extension is not empty (RFC 6066, Section 8)")
	}
	c.expectStatus = true
	return nil
}

// afterPathValidation runs once the chain verified: with Config.WebPKI,
// the checks beyond path validation, now if the server announced no
// CertificateStatus, else when the message after Certificate shows
// whether one came.
func (c *Conn) afterPathValidation(path []*x509.Certificate) error {
	if !c.cfg.WebPKI {
		return nil
	}
	c.verifiedPath = path
	if c.expectStatus {
		c.awaitStatus = true
		return nil
	}
	return c.checkWebPKI(nil, "the server did not answer status_request")
}

// statusOrNot handles the message after Certificate when the server
// announced a CertificateStatus: it is either that message or the next
// one of the flight, since a server may leave the status out even after
// answering status_request (RFC 6066, Section 8). It reports whether typ
// was consumed.
func (c *Conn) statusOrNot(typ uint8, raw []byte) (bool, error) {
	c.awaitStatus = false
	if typ != handshake.TypeCertificateStatus {
		return false, c.checkWebPKI(nil, "the server answered status_request but sent no CertificateStatus, which RFC 6066, Section 8 allows")
	}
	staple, err := pki.ParseCertificateStatus(raw[min(len(raw), handshake.HeaderLen):])
	if err != nil {
		c.FailAt(StepVerify)
		return true, alert.Wrap(alert.DecodeError, "tls: malformed CertificateStatus", err)
	}
	c.AddTranscript(raw)
	c.staple = staple
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives CertificateStatus: a stapled OCSP response",
		trace.Hex("OCSP response", staple, fmt.Sprintf("%d bytes of DER signed by the certificate's issuer (RFC 6960, Section 4.2.1)", len(staple))))
	return true, c.checkWebPKI(staple, "")
}

// checkWebPKI runs pki.CheckWebPKI on the verified path and traces each
// check; an unsatisfactory result aborts with its alert: certificate_revoked
// for a revoked certificate, bad_certificate_status_response for a
// response that is not sound or fresh (RFC 6066, Section 8), bad_certificate
// for too few SCTs.
func (c *Conn) checkWebPKI(staple []byte, why string) error {
	r := pki.CheckWebPKI(c.verifiedPath, staple, c.cfg.LocalRoot, c.cfg.now())
	vals := trace.WebPKI(r, why)
	if !r.OK {
		c.cfg.Trace.Add(StepVerify, c.Actor(), "Refuses the certificate after path validation: revocation or transparency", vals...)
		c.FailAt(StepVerify)
		return alert.Wrap(r.Alert, "tls: the server's certificate passed path validation but not the WebPKI checks", r.Err)
	}
	c.cfg.Trace.Add(StepVerify, c.Actor(), "Checks revocation and transparency beyond path validation", vals...)
	return nil
}

// OCSPResponse returns the OCSP response the server stapled (client
// side), or nil.
func (c *Conn) OCSPResponse() []byte { return c.staple }
