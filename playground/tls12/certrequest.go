// Client authentication asked for by the server: the client reads the
// CertificateRequest and, having no certificate, answers with an empty
// Certificate (RFC 5246, Sections 7.4.4 and 7.4.6).

package tls12

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/trace"
)

// readCertificateRequest reads the server's optional CertificateRequest,
// which comes after ServerKeyExchange (if any) and before ServerHelloDone,
// at most once (RFC 5246, Section 7.4.4). The engine's client has no
// certificate: it remembers the request and, after ServerHelloDone, sends
// an empty Certificate. Whether the server goes on without one is the
// server's choice (Section 7.4.6).
func (c *Conn) readCertificateRequest(raw []byte) error {
	m, err := handshake.UnmarshalCertificateRequest12(raw)
	if err != nil {
		return err
	}
	c.AddTranscript(raw)
	c.certReq = m
	types := make([]string, len(m.CertificateTypes))
	for i, t := range m.CertificateTypes {
		types[i] = certTypeName(t)
	}
	schemes := make([]string, len(m.SignatureSchemes))
	for i, id := range m.SignatureSchemes {
		schemes[i] = sigscheme.NameOf(id)
	}
	cas := make([]string, len(m.CertificateAuthorities))
	for i, dn := range m.CertificateAuthorities {
		cas[i] = distinguishedName(dn)
	}
	c.cfg.Trace.Add(StepCertificate, c.Actor(), "Receives CertificateRequest: the server asks for a client certificate",
		trace.List("Certificate types", types, "the kinds of client key the server accepts"),
		trace.List("Signature schemes", schemes, "what the client's CertificateVerify may use"),
		trace.List("Certificate authorities", cas, "the CAs whose certificates the server would accept; empty means any"),
		trace.Text("This client", "has no certificate", "it will answer with an empty Certificate and no CertificateVerify (RFC 5246, Section 7.4.6)"))
	return nil
}

// sendEmptyCertificate answers a CertificateRequest without a certificate:
// a Certificate message with an empty list, before ClientKeyExchange, and
// no CertificateVerify (RFC 5246, Section 7.4.6).
func (c *Conn) sendEmptyCertificate() {
	m := &handshake.Certificate{}
	m.Raw = m.Marshal()
	wire := c.SendHandshake(m.Raw, "Certificate", StepKeyExchange)
	c.cfg.Trace.Add(StepKeyExchange, c.Actor(), "Sends an empty Certificate: it has no client certificate",
		trace.Text("Certificate list", "empty", "the answer to CertificateRequest of a client without a certificate; no CertificateVerify follows (RFC 5246, Section 7.4.6)"),
		trace.Frozen("Record on the wire", wire, "handshake header (4 bytes) + a zero-length certificate list (3 bytes)"))
}

// certTypeName names a ClientCertificateType (RFC 5246, Section 7.4.4;
// RFC 8422, Section 5.5).
func certTypeName(t uint8) string {
	switch t {
	case handshake.CertTypeRSASign:
		return "rsa_sign"
	case 2:
		return "dss_sign"
	case 3:
		return "rsa_fixed_dh"
	case 4:
		return "dss_fixed_dh"
	case handshake.CertTypeECDSASign:
		return "ecdsa_sign"
	}
	return fmt.Sprintf("certificate_type(%d)", t)
}

// distinguishedName renders a DER DistinguishedName, or says it is not one.
func distinguishedName(der []byte) string {
	var rdn pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &rdn); err != nil || len(rest) != 0 {
		return fmt.Sprintf("(%d bytes that are not a distinguished name)", len(der))
	}
	var n pkix.Name
	n.FillFromRDNSequence(&rdn)
	return n.String()
}
