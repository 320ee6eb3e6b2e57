package browserhello

import (
	"fmt"
	"strings"
	"sync"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/jsonlite"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/sigscheme"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// Row is one line of the comparison: a field, its value in each hello,
// what it is for and why the two differ.
type Row struct {
	ID      string `json:"id"`      // stable, for the page and the tests: "key_share", "grease_extensions", …
	Field   string `json:"field"`   // the field as the RFC names it
	Browser string `json:"browser"` // the browser's value ("not sent" when absent); lists one item a line
	Engine  string `json:"engine"`
	About   string `json:"about"` // what the field is for
	Note    string `json:"note"`  // why the two differ, or that they agree
	RFC     string `json:"rfc"`
	Same    bool   `json:"same"` // the two values are equal
}

// Side describes one of the two hellos.
type Side struct {
	Label         string `json:"label"`
	Records       int    `json:"records"`       // records the hello spanned (0: given as a message)
	Length        int    `json:"length"`        // the handshake message, header included
	RecordVersion string `json:"recordVersion"` // legacy_record_version of the first record
	Hex           string `json:"hex"`           // the handshake message
}

// Comparison is the browser's hello beside the engine's.
type Comparison struct {
	Browser Side  `json:"browser"`
	Engine  Side  `json:"engine"`
	Rows    []Row `json:"rows"`
}

// notSent stands for an absent field or extension.
const notSent = "not sent"

// Extension code points the engine does not speak but browsers send (IANA
// TLS ExtensionType Values, and the drafts Chromium experiments with).
const (
	extCompressCertificate uint16 = 27     // RFC 8879
	extALPSOld             uint16 = 17513  // draft-vvv-tls-alps, first code point
	extALPS                uint16 = 17613  // draft-vvv-tls-alps, the code point Chromium uses now
	extECH                 uint16 = 0xfe0d // RFC 9849
	extTrustAnchors        uint16 = 0xca34 // draft-ietf-tls-trust-anchor-ids, experimental code point
)

// IsGREASE reports whether v is one of the sixteen reserved GREASE values
// 0x0a0a, 0x1a1a, … 0xfafa (RFC 8701, Section 2).
func IsGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

func grease(v uint16) string { return fmt.Sprintf("GREASE 0x%04x", v) }

// extName names extension i of h as the analyzer does (GREASE with its value).
func (h *Hello) extName(i int) string {
	if t := h.Extensions[i].Type; IsGREASE(t) {
		return grease(t)
	}
	return h.Fields[i].Name
}

func suiteName(id uint16) string {
	if IsGREASE(id) {
		return grease(id)
	}
	return suites.NameOf(id)
}

func groupName(id uint16) string {
	if IsGREASE(id) {
		return grease(id)
	}
	return kx.NameOf(id)
}

func schemeName(id uint16) string {
	if IsGREASE(id) {
		return grease(id)
	}
	return sigscheme.NameOf(id)
}

func versionName(v uint16) string {
	if IsGREASE(v) {
		return grease(v)
	}
	return fmt.Sprintf("%s (0x%04x)", handshake.VersionName(v), v)
}

func bytesCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func lines(vals []uint16, name func(uint16) string) string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = name(v)
	}
	return strings.Join(out, "\n")
}

// find returns the data of the first extension of type t.
func (h *Hello) find(t uint16) ([]byte, bool) { return handshake.Find(h.Extensions, t) }

// field returns the analyzer's field of the first extension of type t.
func (h *Hello) field(t uint16) *analyze.Field {
	for i, e := range h.Extensions {
		if e.Type == t {
			return h.Fields[i]
		}
	}
	return nil
}

// Compare puts the browser's hello beside the engine's; both are records
// or handshake messages (see Parse). The labels name the two sides.
func Compare(engine, browser []byte, engineLabel, browserLabel string) (*Comparison, error) {
	e, err := Parse(engine)
	if err != nil {
		return nil, fmt.Errorf("the engine's hello: %w", err)
	}
	b, err := Parse(browser)
	if err != nil {
		return nil, fmt.Errorf("the browser's hello: %w", err)
	}
	side := func(h *Hello, label string) Side {
		s := Side{Label: label, Records: h.Records, Length: len(h.Raw), Hex: trace.HexString(h.Raw)}
		if h.Records > 0 {
			s.RecordVersion = versionName(h.RecordVersion)
		}
		return s
	}
	c := &Comparison{Browser: side(b, browserLabel), Engine: side(e, engineLabel)}
	for _, f := range rowMakers() {
		c.Rows = append(c.Rows, f(b, e)...)
	}
	c.Rows = append(c.Rows, otherRows(b, e)...)
	return c, nil
}

// CompareJSON is the page's entry point (the wasm bridge's browserHello):
// the comparison as JSON. engineHello is the engine's hello (records or
// message; nil: a fresh one from the tls13 mode, EngineHello); browser is
// a browser's hello (records or message; nil: the bundled Chromium one).
func CompareJSON(engineHello, browser []byte) (string, error) {
	engineLabel := "This engine (the tls13 mode)"
	if engineHello == nil {
		var err error
		if engineHello, err = EngineHello(); err != nil {
			return "", err
		}
	}
	browserLabel := "The imported capture's client"
	if browser == nil {
		browser, browserLabel = chromiumHello, ChromiumSource()
	}
	c, err := Compare(engineHello, browser, engineLabel, browserLabel)
	if err != nil {
		return "", err
	}
	out, err := jsonlite.Marshal(c)
	return string(out), err
}

// rowMakers make the rows in the order a student reads a ClientHello: the
// fixed fields, then the extensions, the ones a browser adds last. A function,
// not a package-level table, so that a build that never compares hellos (the
// page's core module, which reaches this package only for the bundled
// Chromium hello) does not link the rows.
func rowMakers() []func(b, e *Hello) []Row {
	return []func(b, e *Hello) []Row{
		recordVersionRow, legacyVersionRow, randomRow, sessionIDRow, ccsRow, suitesRow, compressionRow,
		extensionOrderRow, greaseExtensionsRow,
		extRow("server_name", "server_name", handshake.ExtServerName, describeServerName,
			"The host name the client wants, in the clear, so that one address can serve many sites with the right certificate.",
			"RFC 6066, Section 3"),
		extRow("alpn", "application_layer_protocol_negotiation (ALPN)", handshake.ExtALPN, describe,
			"The application protocols the client speaks, best first, so that the server can pick HTTP/2 inside the handshake instead of after it.",
			"RFC 7301, Section 3.1"),
		extRow("supported_groups", "supported_groups", handshake.ExtSupportedGroups, describeList(2, groupName),
			"Every key exchange group the client accepts, in its order of preference; the server picks one.",
			"RFC 8446, Section 4.2.7"),
		keyShareRow,
		extRow("signature_algorithms", "signature_algorithms", handshake.ExtSignatureAlgorithms, describeList(2, schemeName),
			"The signatures the client can verify, in CertificateVerify and in certificates.",
			"RFC 8446, Section 4.2.3"),
		extRow("supported_versions", "supported_versions", handshake.ExtSupportedVersions, describeList(1, versionName),
			"The versions the client really speaks, best first: this list, not legacy_version, negotiates TLS 1.3.",
			"RFC 8446, Section 4.2.1"),
		extRow("psk_key_exchange_modes", "psk_key_exchange_modes", handshake.ExtPSKModes, describe,
			"How a resumed session may use a ticket's pre-shared key: psk_dhe_ke adds a fresh (EC)DHE exchange, so resumption keeps forward secrecy.",
			"RFC 8446, Section 4.2.9"),
		extRow("compress_certificate", "compress_certificate", extCompressCertificate, describe,
			"The algorithms the server may compress its Certificate message with, which saves kilobytes of the first round trip.",
			"RFC 8879, Section 3"),
		alpsRow,
		echRow,
		extRow("status_request", "status_request", handshake.ExtStatusRequest, describe,
			"Asks the server to staple a fresh OCSP response to its certificate, so the client need not ask the CA whether it was revoked.",
			"RFC 6066, Section 8"),
		extRow("signed_certificate_timestamp", "signed_certificate_timestamp (SCT)", handshake.ExtSCT, describe,
			"Asks for Certificate Transparency timestamps, proof that the certificate was logged publicly; Chromium requires them for publicly trusted certificates.",
			"RFC 6962, Section 3.3.1"),
		extRow("extended_master_secret", "extended_master_secret", handshake.ExtExtendedMasterSecret, describe,
			"In TLS 1.2, binds the master secret to the whole handshake (the triple-handshake fix); TLS 1.3 does that by design and ignores it.",
			"RFC 7627, Section 5.1"),
		extRow("renegotiation_info", "renegotiation_info", handshake.ExtRenegotiationInfo, describe,
			"In TLS 1.2, ties a renegotiation to the connection it renegotiates; TLS 1.3 has no renegotiation.",
			"RFC 5746, Section 3.4"),
		extRow("session_ticket", "session_ticket", handshake.ExtSessionTicket, describe,
			"In TLS 1.2, asks for a session ticket to resume with later; TLS 1.3 sends tickets after the handshake instead.",
			"RFC 5077, Section 3.2"),
		extRow("ec_point_formats", "ec_point_formats", handshake.ExtECPointFormats, describe,
			"In TLS 1.2, the elliptic curve point encodings the client reads; only uncompressed points are left.",
			"RFC 8422, Section 5.1.2"),
		paddingRow,
	}
}

// known lists the extensions that have a row of their own (built on first
// use, not at the engine's start).
var (
	knownOnce sync.Once
	knownMap  map[uint16]bool
)

func known() map[uint16]bool {
	knownOnce.Do(func() { knownMap = knownExtensions() })
	return knownMap
}

// knownExtensions builds known's map: a function, for the reason rowMakers is.
func knownExtensions() map[uint16]bool {
	return map[uint16]bool{
		handshake.ExtServerName: true, handshake.ExtALPN: true, handshake.ExtSupportedGroups: true, handshake.ExtKeyShare: true,
		handshake.ExtSignatureAlgorithms: true, handshake.ExtSupportedVersions: true, handshake.ExtPSKModes: true,
		extCompressCertificate: true, extALPS: true, extALPSOld: true, extECH: true, handshake.ExtStatusRequest: true,
		handshake.ExtSCT: true, handshake.ExtExtendedMasterSecret: true, handshake.ExtRenegotiationInfo: true,
		handshake.ExtSessionTicket: true, handshake.ExtECPointFormats: true, handshake.ExtPadding: true,
	}
}

// presence picks the note for who sent an extension.
func presence(inB, inE bool, both, browserOnly, engineOnly, neither string) string {
	switch {
	case inB && inE:
		return both
	case inB:
		return browserOnly
	case inE:
		return engineOnly
	}
	return neither
}

// extRow makes the row of one extension from a describer of its data.
func extRow(id, field string, t uint16, describe func(*analyze.Field, []byte) string, about, rfc string) func(b, e *Hello) []Row {
	return func(b, e *Hello) []Row {
		bd, inB := b.find(t)
		ed, inE := e.find(t)
		val := func(h *Hello, d []byte, ok bool) string {
			if !ok {
				return notSent
			}
			return describe(h.field(t), d)
		}
		r := Row{ID: id, Field: field, Browser: val(b, bd, inB), Engine: val(e, ed, inE), About: about, RFC: rfc}
		r.Same = r.Browser == r.Engine
		r.Note = presence(inB, inE, sameOr(r.Same, "Both send the same.", "Both send it, with different values."),
			extNotes()[id].browserOnly, extNotes()[id].engineOnly, "Neither sends it.")
		if inB && inE && !r.Same && strings.Contains(r.Browser, "\n") {
			r.Note = listNote(r.Browser, r.Engine)
		}
		return []Row{r}
	}
}

// listNote says what only one side's list holds, or that only the order
// differs.
func listNote(browser, engine string) string {
	bl, el := strings.Split(browser, "\n"), strings.Split(engine, "\n")
	only := func(a, b []string) []string {
		in := map[string]bool{}
		for _, x := range b {
			in[x] = true
		}
		var out []string
		for _, x := range a {
			if !in[x] {
				out = append(out, x)
			}
		}
		return out
	}
	ob, oe := only(bl, el), only(el, bl)
	var parts []string
	if len(ob) > 0 {
		parts = append(parts, "only the browser lists "+strings.Join(ob, ", "))
	}
	if len(oe) > 0 {
		parts = append(parts, "only the engine lists "+strings.Join(oe, ", "))
	}
	if len(parts) == 0 {
		return "The same entries, in a different order of preference."
	}
	return capitalize(strings.Join(parts, "; ")) + "."
}

func sameOr(same bool, yes, no string) string {
	if same {
		return yes
	}
	return no
}

// extNotes say why only one side sends an extension (built on first use).
var (
	extNotesOnce sync.Once
	extNotesMap  map[string]struct{ browserOnly, engineOnly string }
)

func extNotes() map[string]struct{ browserOnly, engineOnly string } {
	extNotesOnce.Do(func() { extNotesMap = extensionNotes() })
	return extNotesMap
}

// extensionNotes builds extNotes's map. A function, not a package-level
// initializer, so that a build that never compares hellos (the page's core
// module) does not link it.
func extensionNotes() map[string]struct{ browserOnly, engineOnly string } {
	return map[string]struct{ browserOnly, engineOnly string }{
		"server_name": {"The engine leaves it out when the server is named by an IP address (RFC 6066 allows only host names) or none is set.",
			"The browser left it out: it reached the server by an IP address, which SNI may not carry."},
		"alpn": {"The engine speaks only HTTP/1.1, and a server that sees no ALPN assumes that, so it offers nothing to choose from.",
			"The browser offered no protocol list."},
		"supported_groups":     {"The engine's hello has no groups list.", "The browser's hello has no groups list: a TLS 1.2-only RSA client?"},
		"signature_algorithms": {"The engine's hello has no signature list.", "The browser's hello has no signature list."},
		"supported_versions": {"The engine's hello offers only TLS 1.2, which needs no supported_versions.",
			"The browser offers only TLS 1.2 (no supported_versions)."},
		"psk_key_exchange_modes": {"The engine never resumes a session (it keeps no tickets), so it has no use for pre-shared key modes.",
			"The browser does not offer resumption."},
		"compress_certificate": {"The engine sends and reads certificates uncompressed; a server without this extension does the same.",
			"The browser does not offer certificate compression."},
		"status_request": {"The engine asks for a stapled OCSP response with the same extension (ocsp, empty lists) when its CA is the page's own, and checks it after the chain (RFC 6066 §8).",
			"The browser does not ask for a stapled OCSP response."},
		"signed_certificate_timestamp": {"The engine's client does not check Certificate Transparency: its own CA logs nothing.",
			"The browser does not ask for SCTs."},
		"extended_master_secret": {"The engine's tls13 mode offers only TLS 1.3, which has no use for it; its TLS 1.2 modes do send it.",
			"The browser's hello lacks it."},
		"renegotiation_info": {"The engine's tls13 mode offers only TLS 1.3, which has no renegotiation; its TLS 1.2 modes do send it.",
			"The browser's hello lacks it."},
		"session_ticket": {"The engine does not resume sessions, so it asks for no ticket.", "The browser does not ask for a ticket."},
		"alps":           {"The engine negotiates no application protocol, so it has no settings to carry.", "The browser does not offer ALPS."},
		"ech":            {"The engine does not implement ECH: its server name travels in the clear.", "The browser sends no ECH."},
		"ec_point_formats": {"The engine's tls13 mode offers only TLS 1.3, where the point format is fixed per group.",
			"The browser's hello lacks it."},
	}
}

func recordVersionRow(b, e *Hello) []Row {
	if b.Records == 0 || e.Records == 0 {
		return nil
	}
	r := Row{ID: "record_version", Field: "legacy_record_version (record header)", Browser: versionName(b.RecordVersion), Engine: versionName(e.RecordVersion),
		About: "The version in the header of the record that carries the first ClientHello: TLS 1.3 lets it say 0x0301 (TLS 1.0) for old servers, and every receiver ignores it.",
		RFC:   "RFC 8446, Section 5.1"}
	r.Same = r.Browser == r.Engine
	r.Note = sameOr(r.Same, "Both write the same.", "Both values are allowed for the first ClientHello; nobody reads them.")
	return []Row{r}
}

func legacyVersionRow(b, e *Hello) []Row {
	r := Row{ID: "legacy_version", Field: "legacy_version", Browser: versionName(b.Version), Engine: versionName(e.Version),
		About: "Frozen at TLS 1.2 so that servers and middleboxes that compare version numbers keep working; the real versions travel in supported_versions.",
		RFC:   "RFC 8446, Section 4.1.2"}
	r.Same = b.Version == e.Version
	r.Note = sameOr(r.Same, "Both say TLS 1.2, as TLS 1.3 requires.", "They differ: a TLS 1.3 client must say 0x0303 here.")
	return []Row{r}
}

func randomRow(b, e *Hello) []Row {
	return []Row{{ID: "random", Field: "random", Browser: trace.HexString(b.Random), Engine: trace.HexString(e.Random),
		About: "32 fresh random bytes that enter every key derivation, so that no two handshakes share keys.",
		Note:  "Different, as they must be: each side drew its own.", RFC: "RFC 8446, Section 4.1.2",
		Same: string(b.Random) == string(e.Random)}}
}

func describeSessionID(id []byte) string {
	if len(id) == 0 {
		return "empty"
	}
	return fmt.Sprintf("%d bytes: %s", len(id), trace.HexString(id))
}

func sessionIDRow(b, e *Hello) []Row {
	r := Row{ID: "legacy_session_id", Field: "legacy_session_id", Browser: describeSessionID(b.SessionID), Engine: describeSessionID(e.SessionID),
		About: "Middlebox compatibility mode: 32 random bytes make a TLS 1.3 hello look like a TLS 1.2 resumption, and the server echoes them, so middleboxes that expect TLS 1.2 let the handshake through.",
		RFC:   "RFC 8446, Appendix D.4"}
	switch {
	case len(b.SessionID) == 32 && len(e.SessionID) == 32:
		r.Note = "Both use compatibility mode; the values differ because each is random."
	case len(b.SessionID) == 0 && len(e.SessionID) == 0:
		r.Note = "Neither uses compatibility mode."
	default:
		r.Note = "Only one side uses compatibility mode (a session ID of 32 bytes)."
	}
	return []Row{r}
}

// ccsRow explains the other half of compatibility mode, which is not in
// the hello itself: the dummy ChangeCipherSpec record.
func ccsRow(b, e *Hello) []Row {
	compat := func(h *Hello, who string) string {
		if len(h.SessionID) == 0 {
			return "no compatibility mode: no ChangeCipherSpec"
		}
		return who
	}
	r := Row{ID: "change_cipher_spec", Field: "change_cipher_spec (compatibility mode)",
		Browser: compat(b, "a non-empty session ID: in compatibility mode the client also sends a dummy ChangeCipherSpec record (14 03 03 00 01 01) before its second flight"),
		Engine:  compat(e, "the engine sends no ChangeCipherSpec in TLS 1.3, and ignores one that arrives during the handshake"),
		About:   "A one-byte record from TLS 1.2 that TLS 1.3 keeps only to look familiar to middleboxes; it changes nothing, and the receiver drops it.",
		RFC:     "RFC 8446, Appendix D.4 and Section 5"}
	r.Note = "Not part of the hello itself: the session ID announces it."
	if len(b.SessionID) > 0 && len(e.SessionID) > 0 {
		r.Note = "The engine sends the session ID but not the dummy record, one record fewer; a peer may send it or not, and every TLS 1.3 peer must accept both."
	}
	return []Row{r}
}

func suitesRow(b, e *Hello) []Row {
	r := Row{ID: "cipher_suites", Field: "cipher_suites", Browser: lines(b.CipherSuites, suiteName), Engine: lines(e.CipherSuites, suiteName),
		About: "The suites the client accepts, best first; the server picks one. A GREASE value is a made-up suite that a correct server ignores, sent so that servers never come to choke on values they do not know.",
		RFC:   "RFC 8446, Section 4.1.2; RFC 8701, Section 3"}
	r.Same = r.Browser == r.Engine
	bG, eG := countGREASE(b.CipherSuites), countGREASE(e.CipherSuites)
	b12, e12 := countTLS12(b.CipherSuites), countTLS12(e.CipherSuites)
	var parts []string
	if bG > 0 && eG == 0 {
		parts = append(parts, "the browser adds a GREASE suite, the engine none")
	}
	if b12 > 0 && e12 == 0 {
		parts = append(parts, fmt.Sprintf("the browser also offers %d TLS 1.2 suites for servers without TLS 1.3, while the engine's tls13 mode offers TLS 1.3 suites only", b12))
	}
	if len(parts) == 0 {
		r.Note = sameOr(r.Same, "The same list.", "Different lists or order.")
	} else {
		r.Note = capitalize(strings.Join(parts, "; ")) + "."
	}
	return []Row{r}
}

func countGREASE(vals []uint16) int {
	n := 0
	for _, v := range vals {
		if IsGREASE(v) {
			n++
		}
	}
	return n
}

// countTLS12 counts suites that are not TLS 1.3 ones (0x13xx) nor GREASE.
func countTLS12(ids []uint16) int {
	n := 0
	for _, id := range ids {
		if id>>8 != 0x13 && !IsGREASE(id) {
			n++
		}
	}
	return n
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func compressionRow(b, e *Hello) []Row {
	desc := func(c []uint8) string {
		out := make([]string, len(c))
		for i, m := range c {
			if m == 0 {
				out[i] = "null (0)"
			} else {
				out[i] = fmt.Sprintf("%d", m)
			}
		}
		return strings.Join(out, "\n")
	}
	r := Row{ID: "legacy_compression_methods", Field: "legacy_compression_methods", Browser: desc(b.Compression), Engine: desc(e.Compression),
		About: "TLS-level compression, gone since the CRIME attack: a TLS 1.3 client must offer exactly one method, null.",
		RFC:   "RFC 8446, Section 4.1.2"}
	r.Same = r.Browser == r.Engine
	r.Note = sameOr(r.Same, "Both offer null only.", "They differ.")
	return []Row{r}
}

func extensionOrderRow(b, e *Hello) []Row {
	names := func(h *Hello) string {
		out := make([]string, len(h.Extensions))
		for i := range h.Extensions {
			out[i] = h.extName(i)
		}
		return strings.Join(out, "\n")
	}
	r := Row{ID: "extension_order", Field: "extensions (in the order sent)", Browser: names(b), Engine: names(e),
		About: "The order of the extensions means nothing (only pre_shared_key must come last); Chromium shuffles its own on every connection so that no server comes to depend on one order.",
		Note: fmt.Sprintf("The browser sends %d extensions, the engine %d, always in the same order; record the browser twice and its order changes.",
			len(b.Extensions), len(e.Extensions)),
		RFC: "RFC 8446, Section 4.2"}
	r.Same = r.Browser == r.Engine
	return []Row{r}
}

func greaseExtensionsRow(b, e *Hello) []Row {
	desc := func(h *Hello) string {
		var out []string
		for i, x := range h.Extensions {
			if IsGREASE(x.Type) {
				out = append(out, fmt.Sprintf("%s (%s, extension %d of %d)", grease(x.Type), bytesCount(len(x.Data)), i+1, len(h.Extensions)))
			}
		}
		if out == nil {
			return "none"
		}
		return strings.Join(out, "\n")
	}
	r := Row{ID: "grease_extensions", Field: "GREASE extensions", Browser: desc(b), Engine: desc(e),
		About: "Extensions with reserved, meaningless type numbers: a server must ignore extensions it does not know, and GREASE keeps servers honest about that, so that new extensions can be deployed later.",
		RFC:   "RFC 8701, Sections 3 and 4"}
	r.Same = r.Browser == r.Engine
	r.Note = presence(r.Browser != "none", r.Engine != "none", "Both send GREASE extensions.",
		"Only the browser sends them: it must keep the whole web tolerant, while the engine talks to servers whose tolerance is not its lesson.",
		"Only the engine sends them.", "Neither sends any.")
	return []Row{r}
}

func keyShareRow(b, e *Hello) []Row {
	desc := func(h *Hello) (string, []handshake.KeyShareEntry, bool) {
		d, ok := h.find(handshake.ExtKeyShare)
		if !ok {
			return notSent, nil, false
		}
		ks, ok := handshake.ParseClientKeyShares(d)
		if !ok {
			return fmt.Sprintf("malformed (%d bytes)", len(d)), nil, true
		}
		var entries []*analyze.Field
		if f := child(h.field(handshake.ExtKeyShare), "ext.key_share.client_shares"); f != nil {
			entries = content(f.Children)
		}
		out := make([]string, len(ks))
		for i, k := range ks {
			var entry *analyze.Field
			if len(entries) == len(ks) {
				entry = entries[i]
			}
			out[i] = describeShare(k, entry)
		}
		return strings.Join(out, "\n"), ks, true
	}
	bv, bks, inB := desc(b)
	ev, eks, inE := desc(e)
	r := Row{ID: "key_share", Field: "key_share", Browser: bv, Engine: ev,
		About: "The client's ephemeral public keys, sent ahead for the groups it guesses the server will pick, so that the key exchange fits in one round trip; X25519MLKEM768 is ML-KEM-768 (post-quantum) and X25519 together, so both must be broken to break it.",
		RFC:   "RFC 8446, Section 4.2.8; draft-ietf-tls-ecdhe-mlkem, Section 3"}
	hasX := func(ks []handshake.KeyShareEntry, id uint16) bool {
		for _, k := range ks {
			if k.Group == id {
				return true
			}
		}
		return false
	}
	switch {
	case inB && inE && hasX(bks, kx.X25519MLKEM768.ID) && hasX(bks, kx.X25519.ID) && !hasX(eks, kx.X25519.ID):
		r.Note = "The browser sends a second, plain X25519 share so that a server without the post-quantum hybrid can still answer in one round trip; the engine sends only the hybrid and, if the server refuses it, pays a HelloRetryRequest."
	case inB && inE:
		r.Note = fmt.Sprintf("The browser sends %d shares, the engine %d; each is a fresh key, so the bytes always differ.", len(bks), len(eks))
	default:
		r.Note = presence(inB, inE, "", "Only the browser offers TLS 1.3 key shares.", "Only the engine offers TLS 1.3 key shares.", "Neither offers TLS 1.3.")
	}
	return []Row{r}
}

// describeShare names one key share and its size and, where the analyzer
// splits it (a hybrid: draft-ietf-tls-ecdhe-mlkem, Section 3), its parts in
// the order they are concatenated.
func describeShare(k handshake.KeyShareEntry, entry *analyze.Field) string {
	s := fmt.Sprintf("%s: %s", groupName(k.Group), bytesCount(len(k.Data)))
	if IsGREASE(k.Group) {
		return s + " (a meaningless share for a meaningless group)"
	}
	if ex := child(entry, "ext.key_share.key_exchange"); ex != nil {
		if parts := content(ex.Children); len(parts) > 1 {
			names := make([]string, len(parts))
			for i, p := range parts {
				names[i] = fmt.Sprintf("%s (%d)", p.Name, p.Length)
			}
			s += " = " + strings.Join(names, " ‖ ")
		}
	}
	return s
}

func alpsRow(b, e *Hello) []Row {
	t := extALPS
	if _, ok := b.find(extALPSOld); ok {
		t = extALPSOld
	}
	return extRow("alps", "application_settings (ALPS)", t, describe,
		"Application-Layer Protocol Settings: lets HTTP/2 settings travel inside the encrypted handshake, for the protocols listed (a Chromium experiment).",
		"draft-vvv-tls-alps")(b, e)
}

func echRow(b, e *Hello) []Row {
	r := extRow("ech", "encrypted_client_hello (ECH)", extECH, describe,
		"Encrypts the real ClientHello, the server name included, to a key the site publishes in DNS; without such a key a client sends GREASE ECH, random bytes shaped like the real thing, so that real ECH does not stand out.",
		"RFC 9849, Sections 5 and 6.2")(b, e)
	if _, ok := b.find(extECH); ok && r[0].Engine == notSent {
		r[0].Note = "The engine does not implement ECH. Real ECH and GREASE look alike on the wire, by design; a browser sends GREASE when the site publishes no ECH key, as playground.test does not."
	}
	return r
}

func paddingRow(b, e *Hello) []Row {
	r := extRow("padding", "padding", handshake.ExtPadding, describe,
		"Zero bytes that push a ClientHello out of the 256–511 byte range, which some old servers mishandled; a hello with a post-quantum key share is far larger already.",
		"RFC 7685, Section 4")(b, e)
	if r[0].Browser == notSent && r[0].Engine == notSent {
		r[0].Note = fmt.Sprintf("Neither sends it: at %d and %d bytes, both hellos are far past the range it avoids.", len(b.Raw), len(e.Raw))
	}
	return r
}

// otherRows cover the extensions without a row of their own, so that
// every extension either side sent is in the table.
func otherRows(b, e *Hello) []Row {
	var out []Row
	seen := map[uint16]bool{}
	for _, h := range []*Hello{b, e} {
		for _, x := range h.Extensions {
			if known()[x.Type] || IsGREASE(x.Type) || seen[x.Type] {
				continue
			}
			seen[x.Type] = true
			bd, inB := b.find(x.Type)
			ed, inE := e.find(x.Type)
			val := func(h *Hello, d []byte, ok bool) string {
				if !ok {
					return notSent
				}
				return describe(h.field(x.Type), d)
			}
			r := Row{ID: fmt.Sprintf("ext_%d", x.Type), Field: h.field(x.Type).Name, Browser: val(b, bd, inB), Engine: val(e, ed, inE), RFC: "IANA TLS ExtensionType Values"}
			r.Same = r.Browser == r.Engine
			r.About, r.RFC = otherAbout(x.Type)
			r.Note = presence(inB, inE, sameOr(r.Same, "Both send the same.", "Both send it, with different values."),
				"Only the browser sends it.", "Only the engine sends it.", "")
			out = append(out, r)
		}
	}
	return out
}

func otherAbout(t uint16) (about, rfc string) {
	switch t {
	case extTrustAnchors:
		return "Trust Anchor Identifiers: the root CAs the client trusts, named by short IDs, so that a server holding several certificate chains can send one the client will accept (a Chromium experiment).",
			"draft-ietf-tls-trust-anchor-ids"
	case handshake.ExtPreSharedKey:
		return "A ticket from an earlier connection, offered for resumption; always the last extension.", "RFC 8446, Section 4.2.11"
	case handshake.ExtEarlyData:
		return "The client sends application data before the handshake completes (0-RTT), under the ticket's key.", "RFC 8446, Section 4.2.10"
	case handshake.ExtCookie:
		return "Echoes the cookie of a HelloRetryRequest.", "RFC 8446, Section 4.2.2"
	case handshake.ExtRecordSizeLimit:
		return "The largest record the client is willing to receive.", "RFC 8449, Section 4"
	case handshake.ExtEncryptThenMAC:
		return "In TLS 1.2 with CBC suites, MAC the ciphertext instead of the plaintext.", "RFC 7366, Section 2"
	case handshake.ExtSignatureAlgorithmsCert:
		return "The signatures the client accepts inside certificates, when they differ from signature_algorithms.", "RFC 8446, Section 4.2.3"
	case handshake.ExtPostHandshakeAuth:
		return "The client is willing to present a certificate after the handshake, if asked.", "RFC 8446, Section 4.2.6"
	case handshake.ExtCertificateAuthorities:
		return "The CAs the client trusts, by distinguished name.", "RFC 8446, Section 4.2.4"
	}
	return "An extension this table has no words for; its bytes are shown as sent.", "IANA TLS ExtensionType Values"
}

// Describers of extension data. The lists of code points (groups, schemes,
// versions) are read with the engine's handshake package and named by the
// one package that knows each kind; every other extension is described from
// the analyzer's fields (playground/analyze), so no extension is parsed here.

func describeServerName(_ *analyze.Field, d []byte) string {
	n, ok := handshake.ParseServerName(d)
	if !ok {
		return malformed(d)
	}
	return n
}

func malformed(d []byte) string {
	return fmt.Sprintf("malformed (%s): %s", bytesCount(len(d)), trace.HexString(d))
}

func describeList(lenBytes int, name func(uint16) string) func(*analyze.Field, []byte) string {
	return func(_ *analyze.Field, d []byte) string {
		v, ok := handshake.ParseUint16List(d, lenBytes)
		if !ok {
			return malformed(d)
		}
		return lines(v, name)
	}
}

// maxLines bounds the lines of one described extension.
const maxLines = 12

// describe turns an extension's field into the lines a student reads: the
// values the analyzer decoded (each named, unless they are all of one kind,
// as the items of a list are), leaving out the extension's type and length
// and every length prefix; a long byte string is counted, not shown.
func describe(f *analyze.Field, d []byte) string {
	if f == nil {
		return malformed(d)
	}
	type item struct {
		kind, name, value string
		empty             bool // a vector with nothing but its length
	}
	var items []item
	var walk func(f *analyze.Field)
	walk = func(f *analyze.Field) {
		body := content(f.Children)
		switch {
		case len(f.Children) > 0 && len(body) == 0: // only a length prefix: say how long
			items = append(items, item{f.Kind, f.Name, bytesCount(f.Length - f.Children[0].Length), true})
		case len(body) == 0:
			v := f.Value
			if v == "" || len(v) > 40 && isHex(v) {
				v = bytesCount(f.Length)
			}
			items = append(items, item{f.Kind, f.Name, v, false})
		default:
			for _, c := range body {
				walk(c)
			}
		}
	}
	for _, c := range content(f.Children) {
		walk(c)
	}
	if len(items) == 0 {
		return "empty"
	}
	same := true
	for _, it := range items {
		same = same && it.kind == items[0].kind && !it.empty
	}
	var out []string
	for i, it := range items {
		if i == maxLines-1 && len(items) > maxLines {
			out = append(out, fmt.Sprintf("… and %d more", len(items)-i))
			break
		}
		if same {
			out = append(out, it.value)
		} else {
			out = append(out, it.name+": "+it.value)
		}
	}
	return strings.Join(out, "\n")
}

// content leaves out an extension's type and length and every length prefix.
func content(fs []*analyze.Field) []*analyze.Field {
	var out []*analyze.Field
	for _, f := range fs {
		if f.Kind == "ext.type" || strings.HasSuffix(f.Kind, "length") {
			continue
		}
		out = append(out, f)
	}
	return out
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}
