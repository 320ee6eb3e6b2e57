package main

import (
	"crypto/x509"
	"fmt"
	"io"
	"strings"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

// This file turns the engine's trace (steps, events, values) into text laid
// out as the page lays it out: a step's title, what the articles say and
// what really happens, then each event with its values.

const (
	width     = 80 // wrap prose at this column
	hexInline = 16 // byte strings up to this long are shown whole
	hexShown  = 12 // longer ones show this many bytes, then "…"
)

// printer writes text to w.
type printer struct {
	w io.Writer
}

func (p *printer) printf(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

// wrap writes text wrapped at width: the first line after first (which is
// already on the line, counted in len(first)), the rest indented by indent.
func (p *printer) wrap(first, indent, text string) {
	col := len([]rune(first))
	p.printf("%s", first)
	text = strings.TrimRight(text, "\r\n")
	for i, para := range strings.Split(text, "\n") {
		if i > 0 {
			p.printf("\n%s", indent)
			col = len(indent)
		}
		for j, word := range strings.Fields(para) {
			n := len([]rune(word))
			switch {
			case j == 0:
			case col+1+n > width:
				p.printf("\n%s", indent)
				col = len(indent)
			default:
				p.printf(" ")
				col++
			}
			p.printf("%s", word)
			col += n
		}
	}
	p.printf("\n")
}

// summary is the session's one-line identity card.
func (p *printer) summary(e *session.Export) {
	parts := []string{e.Version, e.Suite}
	if e.Group != "" {
		parts = append(parts, e.Group)
	}
	if e.SignatureScheme != "" {
		parts = append(parts, e.SignatureScheme)
	}
	if e.Version == "TLS 1.2" && e.Suite != "" {
		parts = append(parts, map[bool]string{true: "extended master secret", false: "no extended master secret"}[e.EMS])
	}
	parts = append(parts, plural(e.RoundTrips, "round trip"))
	if e.HelloRetry {
		parts = append(parts, "HelloRetryRequest")
	}
	parts = append(parts, map[bool]string{true: "forward secrecy", false: "no forward secrecy"}[e.ForwardSecrecy])
	p.printf("%s\n", strings.Join(nonEmpty(parts), " · "))
	key := e.Server.KeyType
	p.printf("server %s (%s key, certificate issued by the playground's own CA)\n", e.Server.Name, key)
	p.printf("seed %s (--seed replays the randoms and ephemeral keys; the CA and server keys are new each run)\n", e.Seed)
}

// steps writes the seven steps of an export.
func (p *printer) steps(e *session.Export) {
	for _, st := range e.Steps {
		p.printf("\n── Step %d of %d · %s\n", st.N, len(e.Steps), st.Title)
		p.wrap("   Articles say  ", "                 ", st.Article)
		p.wrap("   Really        ", "                 ", st.Really)
		if len(st.RFC) > 0 {
			p.wrap("   RFC           ", "                 ", strings.Join(st.RFC, ", "))
		}
		if len(st.Events) == 0 {
			p.printf("\n   (nothing was recorded for this step)\n")
		}
		for _, ev := range st.Events {
			p.printf("\n")
			p.event("   ", "", ev)
		}
		p.records(e, st.N)
	}
}

// records lists the records sent during step n, each once.
func (p *printer) records(e *session.Export, n int) {
	var order []int
	names := map[int][]string{}
	enc := map[int]bool{}
	for _, m := range e.Messages {
		if m.Step != n {
			continue
		}
		if _, ok := names[m.Record]; !ok {
			order = append(order, m.Record)
		}
		names[m.Record] = append(names[m.Record], m.Name)
		enc[m.Record] = enc[m.Record] || m.Encrypted
	}
	if len(order) == 0 {
		return
	}
	p.printf("\n   On the wire:\n")
	for _, i := range order {
		if i >= len(e.Records) {
			continue
		}
		r := e.Records[i]
		how := "in the clear"
		if enc[i] {
			how = "encrypted"
		}
		p.printf("     record %-3d %-6s %s (%s, %s)\n", i+1, r.From, strings.Join(names[i], " + "), bytesCount(len(r.Hex)/2), how)
	}
}

// event writes what one side did, and its values, indented, its first
// line starting with tag.
func (p *printer) event(indent, tag string, ev trace.Event) {
	p.wrap(indent+tag+ev.Actor+" · ", indent+"    ", ev.Title)
	for _, v := range ev.Values {
		p.value(indent+"    ", v)
	}
}

// value writes one labelled value.
func (p *printer) value(indent string, v trace.Value) {
	label := v.Label
	if v.Secret {
		label += " [secret]"
	}
	more := indent + "    "
	switch v.Kind {
	case trace.KindHex:
		p.printf("%s%s: %s\n", indent, label, shortHex(v.Hex(), v.Len))
	case trace.KindText:
		p.wrap(indent+label+": ", more, v.Text)
	case trace.KindList:
		p.list(indent, label, v.Items)
	case trace.KindPEM:
		p.printf("%s%s: %s\n", indent, label, pemSummary(v.Text))
	case trace.KindCert:
		var info *pki.CertInfo
		if v.Cert != nil {
			i := v.Cert.Info()
			info = &i
		}
		p.cert(indent, label, info)
	case trace.KindCheck:
		mark := "✗"
		if v.OK != nil && *v.OK {
			mark = "✓"
		}
		if v.Text == "" {
			p.printf("%s%s %s\n", indent, mark, v.Label)
		} else {
			p.wrap(indent+mark+" "+v.Label+": ", more, v.Text)
		}
	default:
		p.wrap(indent+label+": ", more, v.Text)
	}
	if v.Note != "" {
		p.wrap(more+"(", more+" ", v.Note+")")
	}
}

// list writes a short list on one line, a longer one an item a line.
func (p *printer) list(indent, label string, items []string) {
	joined := strings.Join(items, ", ")
	if len(items) == 0 {
		p.printf("%s%s: (none)\n", indent, label)
		return
	}
	if len(indent)+len(label)+2+len(joined) <= width && !strings.Contains(joined, "\n") {
		p.printf("%s%s: %s\n", indent, label, joined)
		return
	}
	p.printf("%s%s:\n", indent, label)
	for i, it := range items {
		p.wrap(fmt.Sprintf("%s  %d. ", indent, i+1), indent+"     ", it)
	}
}

// cert writes a certificate's summary: who, by whom, when, for what.
func (p *printer) cert(indent, label string, c *pki.CertInfo) {
	if c == nil {
		p.printf("%s%s: (no certificate)\n", indent, label)
		return
	}
	in := indent + "    "
	p.printf("%s%s: %s\n", indent, label, c.Subject)
	issuer := c.Issuer
	if c.Issuer == c.Subject {
		issuer += " (self-signed)"
	}
	p.printf("%sissuer   %s\n", in, issuer)
	p.printf("%svalid    %s → %s\n", in, shortDate(c.NotBefore), shortDate(c.NotAfter))
	if len(c.DNSNames) > 0 {
		names := make([]string, len(c.DNSNames))
		for i, n := range c.DNSNames {
			names[i] = "DNS:" + n
		}
		p.wrap(in+"names    ", in+"         ", strings.Join(names, " "))
	}
	ca := "not a CA"
	if c.IsCA {
		ca = "CA"
	}
	p.printf("%skey      %s, signed with %s, %s\n", in, c.PublicKey, c.SignatureAlgorithm, ca)
	if use := append(append([]string{}, c.KeyUsage...), c.ExtKeyUsage...); len(use) > 0 {
		p.printf("%susage    %s\n", in, strings.Join(use, ", "))
	}
	p.printf("%sSHA-256  %s\n", in, c.SHA256)
}

// chain writes a certificate chain as the server sent it.
func (p *printer) chain(indent string, chain [][]byte) {
	for i, der := range chain {
		label := "leaf"
		if i > 0 {
			label = fmt.Sprintf("certificate %d", i+1)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			p.printf("%s%s: does not parse: %v\n", indent, label, err)
			continue
		}
		info := pki.Describe(c)
		p.cert(indent, label, &info)
	}
}

// keylog writes the NSS key log, the lines Wireshark and tshark read to
// decrypt a capture of the session, under a heading that starts with tag.
func (p *printer) keylog(tag, log string) {
	if log == "" {
		p.printf("\n%sKey log: none (the handshake did not get as far as keys)\n", tag)
		return
	}
	p.printf("\n%sKey log (NSS format; Wireshark and tshark decrypt the session's records with it):\n", tag)
	p.printf("%s", log)
	if !strings.HasSuffix(log, "\n") {
		p.printf("\n")
	}
}

// shortHex shows a hex string whole when short, else its first bytes, and
// always its length.
func shortHex(h string, n int) string {
	if n == 0 {
		n = len(h) / 2
	}
	if n == 0 {
		return "(empty)"
	}
	if n <= hexInline {
		return spaced(h) + " (" + bytesCount(n) + ")"
	}
	return spaced(h[:2*hexShown]) + " … (" + bytesCount(n) + ")"
}

// spaced groups hex digits in bytes: "16 03 01".
func spaced(h string) string {
	var b strings.Builder
	for i := 0; i+1 < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

func bytesCount(n int) string { return plural(n, "byte") }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%s %ss", thousands(n), what)
}

// thousands writes n with comma separators, as the page does.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func pemSummary(pem string) string {
	lines := strings.Count(strings.TrimSpace(pem), "\n") + 1
	kind := "PEM"
	if i := strings.Index(pem, "-----BEGIN "); i >= 0 {
		rest := pem[i+len("-----BEGIN "):]
		if j := strings.Index(rest, "-----"); j >= 0 {
			kind = "PEM " + strings.ToLower(rest[:j])
		}
	}
	return fmt.Sprintf("%s, %d lines (not shown)", kind, lines)
}

func shortDate(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return rfc3339
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// resumption writes the second connection of --resume: what it skipped,
// whether the server took the ticket, its steps and its key log.
func (p *printer) resumption(r *session.ResumptionExport) {
	res := r.Resumption
	p.printf("\n══ The resumed connection (%s)\n", res.Mode)
	if len(res.Skipped) > 0 {
		p.wrap("   Skipped       ", "                 ", strings.Join(res.Skipped, ", "))
	}
	if res.ForwardSecrecyNote != "" {
		p.wrap("   Secrecy       ", "                 ", res.ForwardSecrecyNote)
	}
	if res.EarlyData.Offered {
		p.printf("   0-RTT         %s\n", map[bool]string{true: "accepted by the server", false: "refused by the server (the request goes again after the handshake)"}[res.EarlyData.Accepted])
	}
	p.summary(r.Export)
	p.steps(r.Export)
	p.keylog("resumed", r.Keylog)
}
