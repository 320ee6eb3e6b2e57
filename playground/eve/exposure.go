package eve

// What TLS never hides. Even with perfect TLS and no key ever leaking, a
// passive observer of the recording learns the addresses around it, the name
// of the site, the certificate (TLS 1.2), the application protocol offered,
// the length of every record and the shape of the handshake. Expose lists
// these as data the page renders: each item names the bytes it comes from by
// the analyzer's field kinds (playground/analyze), never by English text.

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"tlsplayground/playground/analyze"
	"tlsplayground/playground/browserhello"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/pcap"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
)

// Exposure is what a passive observer learns from a recorded session
// without any key.
type Exposure struct {
	// Version and Suite are read from the ServerHello ("" when absent).
	Version string `json:"version"`
	Suite   string `json:"suite"`
	// Items are the facts Eve learns, in the order the page shows them.
	Items []Item `json:"items"`
	// Records are the sizes of every record, as Eve measures them.
	Records []RecordSize `json:"records"`
	// Shape is the handshake's outline: who sent how many records, when.
	Shape Shape `json:"shape"`
	// PadBlocks are the padding blocks RecordSize.Padded assumes, in order.
	PadBlocks []int `json:"padBlocks"`
	// Browser is what the bundled Chromium ClientHello shows a real
	// observer that the engine's hello lacks (ALPN, ECH GREASE).
	Browser BrowserHello `json:"browser"`
}

// Item ids (Item.ID): the page keys its words on these.
const (
	ItemAddresses   = "addresses"   // IP addresses and TCP ports
	ItemDNS         = "dns"         // the DNS query before the connection
	ItemSNI         = "sni"         // server_name in the ClientHello
	ItemCertificate = "certificate" // the server's certificate
	ItemALPN        = "alpn"        // application protocols
	ItemSizes       = "sizes"       // record lengths: the plaintext's length
	ItemShape       = "shape"       // number, direction and order of records
	ItemTiming      = "timing"      // when each record was sent
)

// Item statuses (Item.Status).
const (
	// StatusClear: the bytes of this recording show it.
	StatusClear = "clear"
	// StatusEncrypted: encrypted in this recording, yet learnable another
	// way (anyone can connect and fetch the certificate; sizes remain).
	StatusEncrypted = "encrypted"
	// StatusAround: not in the TLS bytes at all but in the packets and
	// queries around them (IP, TCP, DNS, time), which TLS never covers.
	StatusAround = "around"
	// StatusAbsent: this session does not carry it (the engine sends no
	// ALPN); a real browser's hello does (Exposure.Browser).
	StatusAbsent = "absent"
)

// Real-world answers (Item.Answer).
const (
	AnswerVPN     = "vpn-tor" // hide the addresses behind a tunnel
	AnswerDoH     = "doh-dot" // DNS over HTTPS (RFC 8484) or TLS (RFC 7858)
	AnswerECH     = "ech"     // Encrypted Client Hello
	AnswerTLS13   = "tls13"   // TLS 1.3 encrypts the certificate (not from an active prober)
	AnswerPadding = "padding" // record padding (RFC 8446 §5.4)
	AnswerNone    = "none"    // nothing in TLS: the protocol's shape is public
	AnswerTraffic = "shaping" // constant-rate or batched sending (Tor's cells, traffic shaping)
)

// Item is one thing Eve learns.
type Item struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// Values are what Eve reads, verbatim data: a host name, protocol
	// names, a certificate's names, the plaintext lengths, addresses.
	Values []string `json:"values"`
	// Spans are the bytes she reads it from (empty for StatusAround).
	Spans []Span `json:"spans"`
	// RFC is where the protocol puts (or leaves) it in the clear.
	RFC []string `json:"rfc"`
	// Answer is the real-world answer's id; AnswerRFC its sections.
	Answer    string   `json:"answer"`
	AnswerRFC []string `json:"answerRfc"`
}

// Span is a run of bytes in a record, named by the analyzer's field kind.
type Span struct {
	Record int    `json:"record"` // index into the recording (-1: the bundled browser hello)
	Offset int    `json:"offset"` // from the start of the record's header
	Length int    `json:"length"`
	Kind   string `json:"kind"`
}

// RecordSize is one record as Eve measures it.
type RecordSize struct {
	Index int    `json:"index"`
	From  string `json:"from"`
	// Type is the content type in the record header (in TLS 1.3 every
	// encrypted record says application_data; the real type is inside).
	Type string `json:"type"`
	// Wire is the record's length on the wire, header included; Fragment
	// the length field's value (RFC 8446 §5.1, RFC 5246 §6.2.1).
	Wire     int `json:"wire"`
	Fragment int `json:"fragment"`
	// Encrypted says whether the fragment is protected.
	Encrypted bool `json:"encrypted"`
	// Overhead is what protection adds, known from the suite in the clear:
	// the AEAD tag (16), TLS 1.2 AES-GCM's explicit nonce (8), TLS 1.3's
	// inner content type (1). Plaintext = Fragment - Overhead, exactly,
	// because this engine does not pad (RFC 8446 §5.4 allows it).
	Overhead  int `json:"overhead"`
	Plaintext int `json:"plaintext"`
	// Phase is Eve's reading of what the record is: PhaseHandshake,
	// PhaseData, PhaseAlert or PhaseCCS.
	Phase string `json:"phase"`
	// Padded are the fragment's lengths had the sender padded the
	// TLSInnerPlaintext to a multiple of each of Exposure.PadBlocks (TLS
	// 1.3's encrypted records only: TLS 1.2's AEAD records cannot be
	// padded; empty otherwise). The engine itself never pads.
	Padded []int `json:"padded"`
}

// Phases (RecordSize.Phase).
const (
	PhaseHandshake = "handshake"
	PhaseData      = "data"
	PhaseAlert     = "alert"
	PhaseCCS       = "change_cipher_spec"
)

// Shape is the handshake's outline as it shows on the wire.
type Shape struct {
	// Flights are runs of records from one side, in order.
	Flights []Flight `json:"flights"`
	// Kind is ShapeTLS12Full, ShapeTLS12Resumed, ShapeTLS13Full,
	// ShapeTLS13Resumed or "" when the recording has no ServerHello.
	Kind string `json:"kind"`
	// HelloRetry: a TLS 1.3 HelloRetryRequest made it two round trips.
	HelloRetry bool `json:"helloRetry"`
	// HandshakeRecords counts the records of the handshake (up to the
	// last Finished as Eve places it); the rest are data and alerts.
	HandshakeRecords int `json:"handshakeRecords"`
	// Evidence are the bytes that tell the shape apart.
	Evidence []Span `json:"evidence"`
}

// Handshake shapes (Shape.Kind).
const (
	ShapeTLS12Full    = "tls12-full"
	ShapeTLS12Resumed = "tls12-abbreviated"
	ShapeTLS13Full    = "tls13-full"
	ShapeTLS13Resumed = "tls13-psk"
)

// Flight is a run of consecutive records from one side.
type Flight struct {
	From    string `json:"from"`
	Records []int  `json:"records"`
	Bytes   int    `json:"bytes"` // on the wire, headers included
}

// BrowserHello is what the bundled Chromium ClientHello shows in the clear.
type BrowserHello struct {
	Source string `json:"source"` // which Chromium, when (browserhello.ChromiumSource)
	// SNI: the host name it names (the recording's was playground.test).
	SNI []string `json:"sni"`
	// ALPN: the protocols it offers, in order.
	ALPN []string `json:"alpn"`
	// ECH: the encrypted_client_hello extension's length in bytes (0: none).
	// With no ECH key for the site Chromium sends GREASE: random bytes of
	// the real extension's shape, so that real ECH does not stand out.
	ECH int `json:"ech"`
	// Spans are in the hello's own record (Span.Record -1).
	Spans []Span `json:"spans"`
}

// PadBlocks are the padding policies Expose works out for TLS 1.3 records:
// pad each record's TLSInnerPlaintext to a multiple of this many bytes
// (RFC 8446 §5.4 leaves the policy to the sender).
var PadBlocks = []int{32, 256, 1024}

// Expose reads a recorded session as a passive observer with no key and
// lists what TLS leaves visible.
func Expose(records []Record) (*Exposure, error) {
	x := &Exposure{Items: []Item{}, Records: []RecordSize{}, PadBlocks: PadBlocks}
	x.Shape.Flights = []Flight{}
	x.Shape.Evidence = []Span{}
	an := analyze.New()
	wires := make([][]byte, len(records))
	trees := make([]*analyze.Field, len(records))
	for i, r := range records {
		raw, err := hex.DecodeString(r.Hex)
		if err != nil {
			return nil, fmt.Errorf("eve: record %d is not hex", i)
		}
		if r.From != "client" && r.From != "server" {
			return nil, fmt.Errorf("eve: record %d is from %q: give client or server", i, r.From)
		}
		wires[i] = raw
		trees[i] = an.Record(analyze.Record{FromClient: r.From == "client", Wire: raw}).Wire
	}

	// The clear fields, found by kind.
	var (
		sni, alpn, certs, versionSel, psk []Span
		suiteID, version                  uint16
	)
	for i, root := range trees {
		walk(root, func(f *analyze.Field, ext string) {
			s := Span{Record: i, Offset: f.Offset, Length: f.Length, Kind: f.Kind}
			if f.Continued || f.Offset+f.Length > len(wires[i]) {
				return
			}
			switch f.Kind {
			case "ext.server_name.host_name":
				sni = append(sni, s)
			case "ext.alpn.protocol_name":
				if ext == "ext.alpn" {
					alpn = append(alpn, s)
				}
			case "asn1.certificate":
				certs = append(certs, s)
			case "ext.supported_versions.selected_version":
				versionSel = append(versionSel, s)
			case "ext.pre_shared_key.selected_identity":
				psk = append(psk, s)
			case "handshake.hello_retry_request":
				// A ServerHello with the special random (RFC 8446 §4.1.4):
				// the server asked for another key share, a round trip more.
				x.Shape.HelloRetry = true
				x.Shape.Evidence = append(x.Shape.Evidence, s)
			case "handshake.server_hello":
				if m, err := handshake.UnmarshalServerHello(wires[i][f.Offset : f.Offset+f.Length]); err == nil {
					version, suiteID = m.Version, m.CipherSuite
					if d, ok := handshake.Find(m.Extensions, handshake.ExtSupportedVersions); ok && len(d) == 2 {
						version = uint16(d[0])<<8 | uint16(d[1])
					}
				}
			}
		})
	}
	suite := suites.ByID(suiteID)
	if version != 0 {
		x.Version = handshake.VersionName(version)
	}
	if suite != nil {
		x.Suite = suite.Name
	}

	x.Records = sizes(records, wires, version, suite)
	shape(x, records, wires, version, versionSel, psk)

	host := spanStrings(wires, sni, 2) // host_name's field holds its 2-byte length (RFC 6066 §3)
	x.Items = append(x.Items,
		Item{ID: ItemAddresses, Status: StatusAround, Spans: []Span{},
			// What a real network shows: playground/pcap writes the page's
			// sessions with these addresses.
			Values: []string{pcap.DefaultClient.String(), pcap.DefaultServer.String()},
			RFC:    []string{"RFC 791 §3.1", "RFC 9293 §3.1"}, Answer: AnswerVPN, AnswerRFC: []string{}},
		Item{ID: ItemDNS, Status: StatusAround, Spans: []Span{}, Values: host,
			RFC: []string{"RFC 1035 §4.1"}, Answer: AnswerDoH, AnswerRFC: []string{"RFC 8484 §4.1", "RFC 7858 §3"}},
		Item{ID: ItemSNI, Status: clearIf(len(sni) > 0), Spans: nonNil(sni), Values: host,
			RFC: []string{"RFC 6066 §3", "RFC 8446 §4.1.2"}, Answer: AnswerECH, AnswerRFC: []string{"RFC 9849 §5", "RFC 9849 §6.2"}},
	)
	x.Items = append(x.Items, certificateItem(x, wires, certs, version))
	x.Items = append(x.Items,
		Item{ID: ItemALPN, Status: clearOr(len(alpn) > 0, StatusAbsent), Spans: nonNil(alpn), Values: spanStrings(wires, alpn, 1),
			RFC: []string{"RFC 7301 §3.1", "RFC 8446 §4.3.1"}, Answer: AnswerECH, AnswerRFC: []string{"RFC 9849 §6.1"}},
		sizesItem(x),
		Item{ID: ItemShape, Status: clearIf(x.Shape.Kind != ""), Spans: x.Shape.Evidence, Values: shapeValues(x),
			RFC: []string{"RFC 8446 §2", "RFC 5246 §7.3"}, Answer: AnswerNone, AnswerRFC: []string{}},
		Item{ID: ItemTiming, Status: StatusAround, Spans: []Span{}, Values: []string{},
			RFC: []string{"RFC 8446 §E.3"}, Answer: AnswerTraffic, AnswerRFC: []string{"RFC 8446 §5.4"}},
	)
	b, err := browser()
	if err != nil {
		return nil, err
	}
	x.Browser = b
	return x, nil
}

// walk calls fn on f and every field below it, with the kind of the
// extension it sits in ("" outside one): ALPS (application_settings) names
// protocols too, with ALPN's field kind.
func walk(f *analyze.Field, fn func(f *analyze.Field, ext string)) {
	walkIn(f, "", fn)
}

func walkIn(f *analyze.Field, ext string, fn func(*analyze.Field, string)) {
	if f == nil {
		return
	}
	if strings.HasPrefix(f.Kind, "ext.") && !strings.Contains(f.Kind[4:], ".") {
		ext = f.Kind
	}
	fn(f, ext)
	for _, c := range f.Children {
		walkIn(c, ext, fn)
	}
}

// spanStrings reads each span's bytes as text, skipping a length prefix of
// skip bytes (ALPN's protocol_name carries its own 1-byte length).
func spanStrings(wires [][]byte, spans []Span, skip int) []string {
	out := []string{}
	for _, s := range spans {
		var b []byte
		if s.Record >= 0 {
			b = wires[s.Record][s.Offset : s.Offset+s.Length]
		}
		if len(b) >= skip {
			out = append(out, string(b[skip:]))
		}
	}
	return out
}

func clearIf(ok bool) string { return clearOr(ok, StatusEncrypted) }

func clearOr(ok bool, otherwise string) string {
	if ok {
		return StatusClear
	}
	return otherwise
}

func nonNil(s []Span) []Span {
	if s == nil {
		return []Span{}
	}
	return s
}

// overhead is what protection adds to a record's plaintext under suite.
func overhead(version uint16, suite *suites.Suite) int {
	const tag = 16 // AES-GCM and ChaCha20-Poly1305 (RFC 5116 §5.1, RFC 8439 §2.8)
	if suite == nil {
		return 0
	}
	if version == suites.VersionTLS13 {
		return tag + 1 // the inner content type (RFC 8446 §5.2); no padding here
	}
	if suite.AEAD == suites.AESGCM {
		return tag + record.ExplicitNonceLen // RFC 5288 §3
	}
	return tag // ChaCha20-Poly1305 has no explicit nonce (RFC 7905 §2)
}

// sizes measures every record as Eve can: its length, whether it is
// encrypted (TLS 1.2: after the sender's ChangeCipherSpec; TLS 1.3: every
// application_data record after the ServerHello) and, from the suite in the
// clear, the plaintext's length.
func sizes(records []Record, wires [][]byte, version uint16, suite *suites.Suite) []RecordSize {
	out := make([]RecordSize, 0, len(records))
	ccs := map[string]bool{}
	over := overhead(version, suite)
	for i, r := range records {
		w := wires[i]
		rs := RecordSize{Index: i, From: r.From, Wire: len(w), Plaintext: -1, Padded: []int{}}
		if len(w) >= record.HeaderLen {
			rs.Type = record.TypeName(w[0])
			rs.Fragment = len(w) - record.HeaderLen
			switch {
			case w[0] == record.TypeChangeCipherSpec:
				ccs[r.From] = true
				rs.Phase = PhaseCCS
			case version == suites.VersionTLS13 && w[0] == record.TypeApplicationData:
				rs.Encrypted = true
			case version != suites.VersionTLS13 && ccs[r.From]:
				rs.Encrypted = true
			}
			if rs.Phase == "" {
				switch w[0] {
				case record.TypeHandshake:
					rs.Phase = PhaseHandshake
				case record.TypeAlert:
					rs.Phase = PhaseAlert
				default:
					rs.Phase = PhaseData
				}
			}
			rs.Plaintext = rs.Fragment
			if rs.Encrypted {
				rs.Overhead = over
				rs.Plaintext = rs.Fragment - over
			}
			if rs.Encrypted && version == suites.VersionTLS13 {
				// TLSInnerPlaintext: content, type byte, zeros (RFC 8446 §5.4).
				for _, b := range PadBlocks {
					inner := (rs.Plaintext + 1 + b - 1) / b * b
					rs.Padded = append(rs.Padded, inner+rs.Overhead-1)
				}
			}
		}
		out = append(out, rs)
	}
	// TLS 1.3: the encrypted records up to the client's first one (its
	// Finished) are the handshake's; Eve cannot read their inner type, but
	// the order gives them away (RFC 8446 §2).
	if version == suites.VersionTLS13 {
		for i := range out {
			if !out[i].Encrypted {
				continue
			}
			out[i].Phase = PhaseHandshake
			if out[i].From == "client" {
				break
			}
		}
	}
	// TLS 1.2: the Finished right after each ChangeCipherSpec is encrypted
	// but still says handshake (22) in its header.
	return out
}

// shape groups the records into flights and names the handshake.
func shape(x *Exposure, records []Record, wires [][]byte, version uint16, versionSel, psk []Span) {
	for i, r := range records {
		n := len(x.Shape.Flights)
		if n == 0 || x.Shape.Flights[n-1].From != r.From {
			x.Shape.Flights = append(x.Shape.Flights, Flight{From: r.From, Records: []int{}})
			n++
		}
		f := &x.Shape.Flights[n-1]
		f.Records = append(f.Records, i)
		f.Bytes += len(wires[i])
	}
	hs := 0
	for i, rs := range x.Records {
		if rs.Phase == PhaseHandshake || rs.Phase == PhaseCCS {
			hs = i + 1
		}
	}
	x.Shape.HandshakeRecords = hs
	switch version {
	case 0:
		return
	case suites.VersionTLS13:
		x.Shape.Kind = ShapeTLS13Full
		x.Shape.Evidence = append(x.Shape.Evidence, versionSel...)
		if len(psk) > 0 {
			// The server accepted a ticket (RFC 8446 §4.2.11): no
			// Certificate follows, and the server's flight is short.
			x.Shape.Kind = ShapeTLS13Resumed
			x.Shape.Evidence = append(x.Shape.Evidence, psk...)
		}
	default:
		x.Shape.Kind = ShapeTLS12Full
		// The abbreviated handshake: the server's ChangeCipherSpec comes
		// before the client's (RFC 5246 §7.3, RFC 5077 §3.1).
		for i, rs := range x.Records {
			if rs.Phase != PhaseCCS {
				continue
			}
			x.Shape.Evidence = append(x.Shape.Evidence, Span{Record: i, Offset: 0, Length: 1, Kind: "record.type"})
			if len(x.Shape.Evidence) == 1 && rs.From == "server" {
				x.Shape.Kind = ShapeTLS12Resumed
			}
		}
	}
}

// shapeValues are the flights as "client:2" (side:records), in order.
func shapeValues(x *Exposure) []string {
	out := []string{}
	for _, f := range x.Shape.Flights {
		out = append(out, fmt.Sprintf("%s:%d", f.From, len(f.Records)))
	}
	return out
}

// certificateItem reads the certificates Eve sees (TLS 1.2) or measures the
// encrypted flight that hides them (TLS 1.3).
func certificateItem(x *Exposure, wires [][]byte, certs []Span, version uint16) Item {
	it := Item{ID: ItemCertificate, Values: []string{}, Spans: nonNil(certs),
		RFC: []string{"RFC 5246 §7.4.2", "RFC 8446 §4.4.2"}, Answer: AnswerTLS13, AnswerRFC: []string{"RFC 8446 §2"}}
	if len(certs) > 0 {
		it.Status = StatusClear
		for _, s := range certs {
			c, err := x509.ParseCertificate(wires[s.Record][s.Offset : s.Offset+s.Length])
			if err != nil {
				continue
			}
			v := "subject=" + c.Subject.String()
			for _, n := range c.DNSNames {
				v += " dns=" + n
			}
			it.Values = append(it.Values, v+" issuer="+c.Issuer.String())
		}
		return it
	}
	it.Status = StatusEncrypted
	if version == suites.VersionTLS13 {
		// The server's encrypted handshake records: EncryptedExtensions,
		// Certificate, CertificateVerify, Finished. Their total length
		// tells the certificate chain's size to within a few dozen bytes.
		total := 0
		for _, rs := range x.Records {
			if rs.From == "server" && rs.Encrypted && rs.Phase == PhaseHandshake {
				it.Spans = append(it.Spans, Span{Record: rs.Index, Offset: 3, Length: 2, Kind: "record.length"})
				total += rs.Plaintext
			}
		}
		it.Values = append(it.Values, fmt.Sprint(total))
	}
	return it
}

// sizesItem names the application data records' lengths: the plaintexts'.
func sizesItem(x *Exposure) Item {
	it := Item{ID: ItemSizes, Status: StatusClear, Values: []string{}, Spans: []Span{},
		RFC: []string{"RFC 8446 §5.1", "RFC 8446 §5.2", "RFC 5246 §6.2.3.3"}, Answer: AnswerPadding, AnswerRFC: []string{"RFC 8446 §5.4", "RFC 8446 §E.3"}}
	for _, rs := range x.Records {
		if rs.Phase != PhaseData || !rs.Encrypted {
			continue
		}
		it.Spans = append(it.Spans, Span{Record: rs.Index, Offset: 3, Length: 2, Kind: "record.length"})
		it.Values = append(it.Values, fmt.Sprint(rs.Plaintext))
	}
	if len(it.Spans) == 0 {
		it.Status = StatusAbsent // no data sent yet
	}
	return it
}

// browser reads the bundled Chromium hello for what a real browser shows.
func browser() (BrowserHello, error) {
	b := BrowserHello{Source: browserhello.ChromiumSource(), SNI: []string{}, ALPN: []string{}, Spans: []Span{}}
	raw := browserhello.Chromium()
	if _, n, err := record.Parse(raw); err != nil || n != len(raw) {
		return b, errors.New("eve: the bundled Chromium hello is not one record")
	}
	root := analyze.New().Record(analyze.Record{FromClient: true, Wire: raw}).Wire
	wires := [][]byte{raw}
	var sni, alpn []Span
	walk(root, func(f *analyze.Field, ext string) {
		s := Span{Record: -1, Offset: f.Offset, Length: f.Length, Kind: f.Kind}
		switch f.Kind {
		case "ext.server_name.host_name":
			sni = append(sni, s)
		case "ext.alpn.protocol_name":
			if ext == "ext.alpn" {
				alpn = append(alpn, s)
			}
		case "ext.encrypted_client_hello":
			b.ECH = f.Length
			b.Spans = append(b.Spans, s)
		}
	})
	b.Spans = append(b.Spans, sni...)
	b.Spans = append(b.Spans, alpn...)
	for i := range sni {
		sni[i].Record = 0
	}
	for i := range alpn {
		alpn[i].Record = 0
	}
	b.SNI = spanStrings(wires, sni, 2)
	b.ALPN = spanStrings(wires, alpn, 1)
	return b, nil
}
