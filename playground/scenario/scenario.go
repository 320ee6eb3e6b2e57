// Package scenario is the playground's gallery of failures: each Scenario
// runs a real handshake between the engine's client and server in which
// exactly one thing is wrong, and says which check stops it, with which
// alert, what a browser would show and why the check exists. Certificates
// are minted when the scenario runs (pki.NewScenarioSetup), relative to the
// injected clock, so that none ever expires.
//
// Scenario IDs are URL-safe, for links such as #scenario=expired.
package scenario

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// Categories.
const (
	Certificate = "certificate" // the client refuses the server's certificate
	Negotiation = "negotiation" // the two sides cannot agree
)

// Scenario is one failure (or the control that succeeds) and what the page
// says about it. The fields are static: Run mints the certificates and runs
// the handshake.
type Scenario struct {
	ID       string   `json:"id"`       // URL-safe: "expired", "no-common-suite"
	Title    string   `json:"title"`    // short, for a list
	Category string   `json:"category"` // Certificate or Negotiation
	Modes    []string `json:"modes"`    // session modes it runs in; the first is Run's default
	Defect   string   `json:"defect"`   // what is wrong, in a sentence

	// Side is the side that refuses and sends the alert ("client" or
	// "server"); empty for the control, whose handshake completes.
	Side  string `json:"side"`
	Alert string `json:"alert"` // the alert Side sends, by its RFC name
	// Error is the verification error as crypto/x509 (or the engine)
	// words it, without the parts that change from run to run (times); the
	// run's own message (Result.Session.Error.Message) contains it.
	Error string `json:"error"`
	// StoppedBy names the check that refuses: "crypto/x509", "the client's
	// key strength policy" or "the server's cipher suite negotiation".
	StoppedBy string `json:"stoppedBy"`

	Browser Browser `json:"browser"` // what a browser would show
	Why     string  `json:"why"`     // why the check exists, in plain sentences
	// RFC names the sections the check rests on, as "RFC 5280 §6.1".
	RFC []string `json:"rfc"`

	kind   string                 // the pki scenario; "" for a valid setup
	suites map[string][2][]string // per mode: the client's and the server's suites; nil: all
}

// Browser is what a browser shows for the same failure: Chrome's and
// Firefox's error codes, and a note where the codes alone would mislead.
type Browser struct {
	Chrome  string `json:"chrome"`
	Firefox string `json:"firefox"`
	Note    string `json:"note"`
}

// certModes are the modes a certificate scenario runs in: the client's
// checks are the same in each.
var certModes = []string{session.ModeTLS13, session.ModeECDHE, session.ModeClassic}

// The checks that refuse.
const (
	byX509       = "crypto/x509"
	byPolicy     = "the client's key strength policy"
	bySuites     = "the server's cipher suite negotiation"
	byRevocation = "the client's revocation check (the stapled OCSP response)"
	byCT         = "the client's Certificate Transparency policy"
)

// all is the catalogue, in teaching order.
var all = []Scenario{
	{
		ID: "valid", kind: pki.ScenarioValid, Category: Certificate, Modes: certModes,
		Title:  "A valid chain (the control)",
		Defect: "Nothing: the server sends its certificate and the intermediate that issued it, and the chain ends at the root the client trusts; the certificate carries two SCTs and the OCSP response the server staples says good.",
		Browser: Browser{Chrome: "the page loads (no warning)", Firefox: "the page loads (no warning)",
			Note: "Every other certificate scenario breaks exactly one thing in this chain."},
		Why: "This is the chain every other scenario breaks. The client trusts a few roots, not the sites themselves: " +
			"it accepts the server's key because a root it already has vouches, through an intermediate, for the server's name.",
		RFC: []string{"RFC 5280 §6.1", "RFC 8446 §4.4.2"},
	},
	{
		ID: "expired", kind: pki.ScenarioExpired, Category: Certificate, Modes: certModes,
		Title:  "An expired certificate",
		Defect: "The server's certificate stopped being valid ten days ago.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error:   "x509: certificate has expired or is not yet valid: current time",
		Browser: Browser{Chrome: "NET::ERR_CERT_DATE_INVALID", Firefox: "SEC_ERROR_EXPIRED_CERTIFICATE"},
		Why: "A CA vouches for a key only for a limited time, so that a stolen key or a wrongly issued certificate stops working " +
			"on its own, and the holder has to prove again that the name is theirs. " +
			"Browsers capped public certificates at 398 days in 2020, and the CA/Browser Forum has voted to lower the cap in steps to 47 days by 2029.",
		RFC: []string{"RFC 5280 §4.1.2.5", "RFC 5280 §6.1.3"},
	},
	{
		ID: "not-yet-valid", kind: pki.ScenarioNotYetValid, Category: Certificate, Modes: certModes,
		Title:  "A certificate that is not yet valid",
		Defect: "The server's certificate becomes valid only in two days: from the client's point of view, it comes from the future.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error: "x509: certificate has expired or is not yet valid: current time",
		Browser: Browser{Chrome: "NET::ERR_CERT_DATE_INVALID", Firefox: "MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE",
			Note: "crypto/x509 reports both ends of the validity period with one reason (Expired); the client sends bad_certificate, as crypto/tls does for every refused chain."},
		Why: "The validity period has two ends, and a certificate is worth nothing before it starts. " +
			"In real life this error nearly always means that the client's clock is wrong — a dead clock battery, a device that has not synchronised yet — " +
			"which is why Chrome says \"Your clock is behind\" when it can tell.",
		RFC: []string{"RFC 5280 §4.1.2.5", "RFC 5280 §6.1.3"},
	},
	{
		ID: "wrong-host", kind: pki.ScenarioWrongHost, Category: Certificate, Modes: certModes,
		Title:  "The wrong host name",
		Defect: "The certificate is genuine and trusted, but it is for " + pki.WrongHostName + ", not for the host the client asked for.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error:   "x509: certificate is valid for " + pki.WrongHostName + ", not ",
		Browser: Browser{Chrome: "NET::ERR_CERT_COMMON_NAME_INVALID", Firefox: "SSL_ERROR_BAD_CERT_DOMAIN"},
		Why: "A trusted certificate only proves that a CA checked who controls the names written in it. " +
			"Without the host name check, anyone holding a valid certificate for their own domain — which takes a minute to get — could impersonate every other site. " +
			"Clients match the names of the subjectAltName extension: Chrome (since version 58) and Go (since 1.15) ignore the common name.",
		RFC: []string{"RFC 6125 §6", "RFC 5280 §4.2.1.6"},
	},
	{
		ID: "self-signed", kind: pki.ScenarioSelfSigned, Category: Certificate, Modes: certModes,
		Title:  "A self-signed certificate",
		Defect: "The server's certificate is signed with its own key: no CA vouches for it.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error:   "x509: certificate signed by unknown authority",
		Browser: Browser{Chrome: "NET::ERR_CERT_AUTHORITY_INVALID", Firefox: "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"},
		Why: "A self-signed certificate proves only that the sender holds the matching key, and an attacker in the middle can say the same of hers. " +
			"Trust has to come from something the attacker cannot make: a root the client already has. " +
			"That is why development tools such as mkcert install a local root instead of skipping the check.",
		RFC: []string{"RFC 5280 §6.1"},
	},
	{
		ID: "untrusted-root", kind: pki.ScenarioUntrustedRoot, Category: Certificate, Modes: certModes,
		Title:  "An untrusted root",
		Defect: "The chain is complete and correctly signed, but it ends at \"" + pki.UntrustedCommonName + "\", which is not in the client's trust store.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error:   "x509: certificate signed by unknown authority",
		Browser: Browser{Chrome: "NET::ERR_CERT_AUTHORITY_INVALID", Firefox: "SEC_ERROR_UNKNOWN_ISSUER"},
		Why: "Anyone can make a root certificate with any name, so a chain that ends at a root the client does not already trust proves nothing. " +
			"The trust store, the short list of roots that ships with the browser or the operating system, anchors the whole system: " +
			"whoever adds a root to it — a corporate TLS proxy, some malware — can impersonate any site to that client.",
		RFC: []string{"RFC 5280 §6.1.1"},
	},
	{
		ID: "missing-intermediate", kind: pki.ScenarioMissingIntermediate, Category: Certificate, Modes: certModes,
		Title:  "A missing intermediate",
		Defect: "The leaf was issued by an intermediate CA under a trusted root, but the server sends the leaf alone.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error: "x509: certificate signed by unknown authority",
		Browser: Browser{Chrome: "NET::ERR_CERT_AUTHORITY_INVALID", Firefox: "SEC_ERROR_UNKNOWN_ISSUER",
			Note: "Browsers often hide this mistake: Chrome fetches the missing certificate from the address in the leaf's Authority Information Access extension, and Firefox ships the intermediates of public CAs, " +
				"so the site works in a browser and fails in curl, Go or Python. This leaf has no such address, so a browser would fail too."},
		Why: "The client trusts roots, not intermediates: the server must send every certificate between its own and the root (RFC 8446, Section 4.4.2). " +
			"Without the intermediate no path leads to a trusted root, although every certificate involved is genuine.",
		RFC: []string{"RFC 8446 §4.4.2", "RFC 5246 §7.4.2", "RFC 5280 §4.2.2.1"},
	},
	{
		ID: "tampered-signature", kind: pki.ScenarioTamperedSignature, Category: Certificate, Modes: certModes,
		Title:  "A tampered signature",
		Defect: "One byte of the CA's signature on the server's certificate was changed; the certificate still parses.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error: "x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: verification error\"",
		Browser: Browser{Chrome: "NET::ERR_CERT_AUTHORITY_INVALID", Firefox: "SEC_ERROR_BAD_SIGNATURE",
			Note: "crypto/x509 words it as an unknown authority: no trusted key verifies the changed signature. The client sends bad_certificate, as crypto/tls does."},
		Why: "The CA's signature is what binds the name to the key. Change one bit of the certificate or of the signature and it no longer verifies with the issuer's public key. " +
			"If clients skipped this check, anyone could edit a genuine certificate — put in their own key — and keep the CA's endorsement.",
		RFC: []string{"RFC 5280 §4.1.1.3", "RFC 5280 §6.1.3"},
	},
	{
		ID: "intermediate-not-ca", kind: pki.ScenarioIntermediateNotCA, Category: Certificate, Modes: certModes,
		Title:  "An intermediate without CA:true",
		Defect: "The certificate that signed the server's says in its basicConstraints that it is not a CA (CA:FALSE), though its key usage claims certificate signing.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error:   "x509: invalid signature: parent certificate cannot sign this kind of certificate",
		Browser: Browser{Chrome: "NET::ERR_CERT_INVALID", Firefox: "SEC_ERROR_CA_CERT_INVALID"},
		Why: "basicConstraints CA:TRUE is what allows a certificate to issue others; every ordinary site's certificate says CA:FALSE. " +
			"In 2002 Moxie Marlinspike showed that Internet Explorer did not check it: with the certificate of his own site he signed one for any other site, and IE accepted it.",
		RFC: []string{"RFC 5280 §4.2.1.9", "RFC 5280 §6.1.4"},
	},
	{
		ID: "no-server-auth", kind: pki.ScenarioNoServerAuth, Category: Certificate, Modes: certModes,
		Title:  "A certificate without serverAuth",
		Defect: "The server's certificate lists clientAuth as its only extended key usage: it was issued to identify a client, not a server.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error:   "x509: certificate specifies an incompatible key usage",
		Browser: Browser{Chrome: "NET::ERR_CERT_INVALID", Firefox: "SEC_ERROR_INADEQUATE_CERT_TYPE"},
		Why: "Extended key usage limits what a certificate may be used for. " +
			"A certificate issued for something else — a client's login, signing code or e-mail — must not let its holder run a server under that name, " +
			"so a TLS client requires serverAuth (crypto/x509 checks it on every certificate of the chain).",
		RFC: []string{"RFC 5280 §4.2.1.12"},
	},
	{
		ID: "rsa-1024", kind: pki.ScenarioRSA1024, Category: Certificate, Modes: certModes,
		Title:  "An RSA-1024 key",
		Defect: "The server's key is RSA with a 1024-bit modulus, signed by a trusted root.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byPolicy,
		Error: "has an RSA-1024 key: this client refuses RSA keys shorter than 2048 bits",
		Browser: Browser{Chrome: "accepted from a trusted root (NET::ERR_CERT_WEAK_KEY is for RSA keys below 1024 bits)",
			Firefox: "accepted (its 2048-bit minimum falls back to 1024 bits)",
			Note: "crypto/x509 accepts it too: this client refuses it by a policy of its own (pki.MinRSABits), as OpenSSL does at Debian's default security level. " +
				"No public CA may issue such a certificate (the CA/Browser Forum's Baseline Requirements ask for 2048 bits since 2014), and Apple's platforms refuse RSA keys under 2048 bits for TLS."},
		Why: "The server's key is its whole identity: whoever factors the modulus has the private key, can sign as the server and, in the classic handshake, decrypt every recorded session. " +
			"A 768-bit RSA modulus was factored in public in 2009 and 1024 bits is within reach of a well-funded attacker, so the minimum became 2048.",
		RFC: []string{"RFC 8446 §4.4.2.4"},
	},
	{
		ID: "sha1", kind: pki.ScenarioSHA1, Category: Certificate, Modes: certModes,
		Title:  "A SHA-1 signature",
		Defect: "The root signed the server's certificate with SHA-1 (sha1WithRSAEncryption).",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byX509,
		Error: "x509: cannot verify signature: insecure algorithm SHA1-RSA",
		Browser: Browser{Chrome: "NET::ERR_CERT_WEAK_SIGNATURE_ALGORITHM", Firefox: "SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED",
			Note: "crypto/x509 has refused SHA-1 signatures since Go 1.18; browsers stopped accepting SHA-1 certificates in 2017."},
		Why: "A CA signs a hash of the certificate, so two certificates with the same hash share one signature: an attacker who gets an innocent certificate signed can move the signature to a forged one. " +
			"That was done with MD5 in 2008 to make a rogue CA certificate; SHA-1 collisions were shown in 2017 (SHAttered) and with chosen prefixes in 2020.",
		RFC: []string{"RFC 8446 §4.2.3", "RFC 9155 §2"},
	},
	{
		ID: "revoked", kind: pki.ScenarioRevoked, Category: Certificate, Modes: certModes,
		Title:  "A revoked certificate",
		Defect: "The chain is valid and logged, but the OCSP response the server staples, signed by the intermediate that issued the certificate, says it was revoked two days ago (keyCompromise).",
		Side:   trace.Client, Alert: "certificate_revoked", StoppedBy: byRevocation,
		Error: "was revoked at",
		Browser: Browser{Chrome: "NET::ERR_CERT_REVOKED", Firefox: "SEC_ERROR_REVOKED_CERTIFICATE",
			Note: "Browsers do not wait for a staple: Chrome makes no OCSP requests and pushes CRLSets, a short list of revoked certificates it deems important; Firefox pushes CRLite, a compact filter of every revoked certificate of the CAs it trusts. " +
				"Without a staple or a list entry, a revoked certificate passes (soft-fail): an attacker who can block the CA's responder could block the check."},
		Why: "A CA revokes a certificate when its key is stolen or it was wrongly issued, but the certificate itself keeps saying it is valid until it expires, so the client has to find out. " +
			"A stapled OCSP response answers with the CA's signature and a date, and the client does not tell the CA which site it visits. " +
			"The Baseline Requirements made OCSP optional for CAs in 2024 and Let's Encrypt switched its responders off in 2025, so browsers rely more and more on the lists they push themselves.",
		RFC: []string{"RFC 6960 §2.2", "RFC 6960 §4.2.2.2", "RFC 6066 §8", "RFC 8446 §4.4.2.1"},
	},
	{
		ID: "ocsp-expired", kind: pki.ScenarioOCSPExpired, Category: Certificate, Modes: certModes,
		Title:  "A stale stapled OCSP response",
		Defect: "The chain is valid and logged, and the stapled OCSP response says good, but its nextUpdate passed two days ago: the server kept stapling an old answer.",
		Side:   trace.Client, Alert: "bad_certificate_status_response", StoppedBy: byRevocation,
		Error: "the stapled OCSP response is out of date",
		Browser: Browser{Chrome: "the page loads: Chrome does not check OCSP responses, stapled or fetched", Firefox: "the page loads: the stale response is set aside and Firefox falls back to CRLite (soft-fail)",
			Note: "RFC 6066 §8 asks a client to abort on an unsatisfactory response, as this one does; browsers are laxer. " +
				"A certificate with the TLS Feature extension (must-staple, RFC 7633) asks for the strict behaviour: Firefox honours it, Chrome does not."},
		Why: "A signed \"good\" is worth only its date: if clients accepted old responses, a thief of the server's key could keep stapling the last good answer from before the CA revoked the certificate. " +
			"So each response says until when it holds (nextUpdate, at most ten days after thisUpdate under the Baseline Requirements), and the server must fetch a fresh one in time.",
		RFC: []string{"RFC 6960 §4.2.2.1", "RFC 6960 §2.4", "RFC 6066 §8", "RFC 7633 §4"},
	},
	{
		ID: "no-sct", kind: pki.ScenarioNoSCT, Category: Certificate, Modes: certModes,
		Title:  "A certificate that was never logged (no SCTs)",
		Defect: "The chain is valid and the stapled OCSP response says good, but the certificate carries no signed certificate timestamps: no Certificate Transparency log has seen it.",
		Side:   trace.Client, Alert: "bad_certificate", StoppedBy: byCT,
		Error: "is not publicly logged",
		Browser: Browser{Chrome: "NET::ERR_CERTIFICATE_TRANSPARENCY_REQUIRED", Firefox: "MOZILLA_PKIX_ERROR_INSUFFICIENT_CERTIFICATE_TRANSPARENCY",
			Note: "Both require SCTs (two, from logs of different operators, for a certificate valid 180 days or less; Firefox since version 135, on desktop) only of certificates that chain to a root of their root programs. " +
				"A root added to the trust store by the user or an administrator — Mallory's, a company's TLS proxy's, mkcert's — is exempt, which is why Mallory's certificate needs no SCTs."},
		Why: "A CA can issue a certificate for any name, by mistake or because an attacker controls it, and the site's owner would never know. " +
			"Certificate Transparency makes issuance public: the CA submits each certificate to append-only logs and embeds their signed promises to publish it (SCTs), so owners can watch the logs for their names. " +
			"That is how Google found, in 2015, test certificates that Symantec had issued for google.com without asking.",
		RFC: []string{"RFC 6962 §3.3", "RFC 6962 §3.2", "RFC 6962 §5.2"},
	},
	{
		ID: "no-common-suite", Category: Negotiation, Modes: []string{session.ModeTLS13, session.ModeECDHE, session.ModeClassic},
		Title:  "No common cipher suite",
		Defect: "The client offers only AES-128-GCM suites and the server enables only AES-256-GCM ones: the two lists have nothing in common.",
		Side:   trace.Server, Alert: "handshake_failure", StoppedBy: bySuites,
		Error: "tls: no cipher suite in common: the client offers none that the server enables",
		Browser: Browser{Chrome: "ERR_SSL_VERSION_OR_CIPHER_MISMATCH", Firefox: "SSL_ERROR_HANDSHAKE_FAILURE_ALERT",
			Note: "The server refuses the ClientHello: no certificate is ever sent."},
		Why: "Each side lists the cipher suites it will use and the server picks one from both lists; with nothing in common it must stop rather than use something the client did not offer. " +
			"It happens when one side has retired suites the other still depends on: RC4 and 3DES were removed this way, and Go 1.22 switched off RSA key exchange.",
		RFC: []string{"RFC 5246 §7.4.1.3", "RFC 8446 §4.1.1"},
		suites: map[string][2][]string{
			session.ModeTLS13: {
				{suites.AES128GCMSHA256.Name},
				{suites.AES256GCMSHA384.Name}},
			session.ModeECDHE: {
				{suites.ECDHEECDSAWithAES128GCMSHA256.Name, suites.ECDHERSAWithAES128GCMSHA256.Name},
				{suites.ECDHEECDSAWithAES256GCMSHA384.Name, suites.ECDHERSAWithAES256GCMSHA384.Name}},
			session.ModeClassic: {
				{suites.RSAWithAES128GCMSHA256.Name},
				{suites.RSAWithAES256GCMSHA384.Name}},
		},
	},
}

// All returns every scenario, in teaching order: the valid control first,
// then the certificate failures, then negotiation.
func All() []Scenario {
	out := make([]Scenario, len(all))
	for i, s := range all {
		s.Modes = slices.Clone(s.Modes)
		s.RFC = slices.Clone(s.RFC)
		out[i] = s
	}
	return out
}

// IDs returns the ID of every scenario, in the order of All.
func IDs() []string {
	ids := make([]string, len(all))
	for i, s := range all {
		ids[i] = s.ID
	}
	return ids
}

// Lookup returns the scenario with the given ID, as a link names it.
func Lookup(id string) (Scenario, error) {
	for _, s := range All() {
		if s.ID == id {
			return s, nil
		}
	}
	return Scenario{}, fmt.Errorf("scenario %q does not exist: choose %s", id, strings.Join(IDs(), ", "))
}

// Options for Run. The zero value runs the default mode with fresh keys,
// a fresh seed and the real clock.
type Options struct {
	Mode string // one of the scenario's Modes; empty: its first (TLS 1.3)
	Seed []byte // the session's seed; nil: a fresh one
	// PKI sets up the certificate authority and the server's key, as for
	// pki.NewSetup: ServerName, KeyType, Rand, Now, and keys generated
	// while the page was idle (CAKey, Key, Signer). Now is also the
	// client's clock; zero means the time Run is called.
	PKI pki.Options
}

// Result is one run of a scenario.
type Result struct {
	ID          string `json:"id"`
	Mode        string `json:"mode"`
	Established bool   `json:"established"` // the handshake completed (the control)
	// Verification is the client's verdict on the chain the server sent,
	// as pki.Verify gives it (the client computed the same in its step 3);
	// nil when the handshake stops before the server's Certificate.
	Verification *Verification `json:"verification"`
	ClientSuites []string      `json:"clientSuites"` // the suites the client offered
	ServerSuites []string      `json:"serverSuites"` // the suites the server enabled
	// Chain is what the server sends, leaf first; TrustStore is the roots
	// the client trusts.
	Chain      []pki.CertInfo  `json:"chain"`
	TrustStore []pki.CertInfo  `json:"trustStore"`
	Session    *session.Export `json:"session"`
	// Revocation and Transparency are the client's WebPKI checks beyond
	// path validation, run when the chain verifies: the stapled OCSP
	// response (pki.CheckOCSP) and the embedded SCTs (pki.CheckSCTs, the
	// root being one of the client's own). nil when they did not run.
	Revocation   *Verification `json:"revocation"`
	Transparency *Verification `json:"transparency"`
}

// Verification is a check's result in JSON terms: pki.Verify's, and
// pki.CheckOCSP's and pki.CheckSCTs'.
type Verification struct {
	OK     bool        `json:"ok"`
	Error  string      `json:"error"`           // "" when OK
	Alert  string      `json:"alert,omitempty"` // the alert the client would send, when a WebPKI check refuses
	Checks []pki.Check `json:"checks"`
}

// alertName names the WebPKI checks' alerts; playground/alert does not
// name bad_certificate_status_response (113, RFC 6066 §8) yet.
func alertName(a alert.Alert) string {
	if a == pki.AlertBadCertificateStatusResponse {
		return "bad_certificate_status_response"
	}
	return a.String()
}

// defaultSuites returns the suites a session enables in mode when none are
// named.
func defaultSuites(mode string) []*suites.Suite {
	switch mode {
	case session.ModeClassic:
		return suites.Classic
	case session.ModeECDHE:
		return suites.ECDHE
	case session.ModeTLS13:
		return suites.TLS13
	}
	return nil
}

// Suites returns the cipher suites the client offers and the server enables
// in mode, by IANA name.
func (s Scenario) Suites(mode string) (client, server []string) {
	if l, ok := s.suites[mode]; ok {
		return slices.Clone(l[0]), slices.Clone(l[1])
	}
	def := suites.Names(defaultSuites(mode))
	return def, slices.Clone(def)
}

// Run mints the scenario's certificates and runs the handshake. A refused
// handshake is the expected outcome, not an error: the result's session
// says which side refused, with which alert and message. Bad options are an
// error.
func (s Scenario) Run(opt Options) (*Result, error) {
	mode := opt.Mode
	if mode == "" {
		mode = s.Modes[0]
	}
	if !slices.Contains(s.Modes, mode) {
		return nil, fmt.Errorf("scenario %q does not run in mode %q: choose %s", s.ID, mode, strings.Join(s.Modes, ", "))
	}
	popt := opt.PKI
	if popt.Now.IsZero() {
		popt.Now = time.Now()
	}
	now := popt.Now.UTC().Truncate(time.Second)
	popt.Now = now

	var setup *pki.Setup
	var err error
	if s.kind != "" {
		setup, err = pki.NewScenarioSetup(s.kind, popt)
	} else {
		setup, err = pki.NewSetup(popt)
	}
	if err != nil {
		return nil, err
	}
	cs, ss := s.Suites(mode)
	sess, err := session.New(setup, session.Options{
		Mode: mode, Seed: opt.Seed, ClientSuites: cs, ServerSuites: ss,
		Now: func() time.Time { return now },
	})
	if err != nil {
		return nil, err
	}

	r := &Result{ID: s.ID, Mode: mode, Established: sess.Established(),
		ClientSuites: cs, ServerSuites: ss, Session: sess.Export()}
	for _, der := range setup.Chain {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("scenario %q: the server's chain does not parse: %w", s.ID, err)
		}
		r.Chain = append(r.Chain, pki.Describe(c))
	}
	trusted := setup.TrustedRoots
	if trusted == nil {
		trusted = []*x509.Certificate{setup.CA}
	}
	for _, c := range trusted {
		r.TrustStore = append(r.TrustStore, pki.Describe(c))
	}
	if s.Category == Certificate {
		v := pki.Verify(setup.Chain, setup.Roots(), setup.ServerName, now)
		r.Verification = &Verification{OK: v.OK, Checks: v.Checks}
		if v.Err != nil {
			r.Verification.Error = v.Err.Error()
		}
		if v.OK {
			o := pki.CheckOCSP(setup.OCSPResponse, setup.Leaf, setup.Issuer(), now)
			r.Revocation = &Verification{OK: o.OK, Checks: o.Checks}
			if o.Err != nil {
				r.Revocation.Error, r.Revocation.Alert = o.Err.Error(), alertName(o.Alert)
			}
			c := pki.CheckSCTs(setup.Leaf, setup.Issuer(), nil, false, now)
			r.Transparency = &Verification{OK: c.OK, Checks: c.Checks}
			if c.Err != nil {
				// Like crypto/tls for a refused chain, bad_certificate.
				r.Transparency.Error, r.Transparency.Alert = c.Err.Error(), alert.BadCertificate.String()
			}
		}
	}
	return r, nil
}
