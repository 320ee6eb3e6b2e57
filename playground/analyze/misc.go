package analyze

import (
	"strings"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/suites"
)

func unknownContentType(t uint8) string {
	if t == 24 {
		return "heartbeat (24): not supported"
	}
	return "unknown content type " + itoa(int(t))
}

func alertLevel(v uint8) string {
	switch v {
	case 1:
		return "warning (1)"
	case 2:
		return "fatal (2)"
	}
	return itoa(int(v))
}

func alertName(v uint8) string {
	return alert.Alert(v).String() + " (" + itoa(int(v)) + ")"
}

// appDataPreview shows application data as text when it is text.
func appDataPreview(b []byte) string {
	if b == nil {
		return ""
	}
	for _, x := range b {
		if (x < 0x20 && x != '\r' && x != '\n' && x != '\t') || x >= 0x7f {
			return bytesN(len(b))
		}
	}
	s := quote(b[:min(len(b), 60)])
	if len(b) > 60 {
		s += "…"
	}
	return s
}

// cbcSuite is the record layout of a TLS 1.2 CBC suite.
type cbcSuite struct {
	ivLen, macLen int
	mac           string
}

// cbc returns the CBC layout of the negotiated suite, or nil for AEAD
// suites. The engine implements no CBC suite; captures of other
// implementations use them, and their IANA names say the cipher and MAC
// (RFC 5246, Appendix C).
func (a *Analyzer) cbc() *cbcSuite {
	if a.suiteID == 0 || a.version == suites.VersionTLS13 {
		return nil
	}
	name := suites.NameOf(a.suiteID)
	if !strings.Contains(name, "_CBC_") {
		return nil
	}
	iv := 16
	if strings.Contains(name, "3DES") {
		iv = 8
	}
	switch {
	case strings.HasSuffix(name, "_SHA"):
		return &cbcSuite{iv, 20, "HMAC-SHA1"}
	case strings.HasSuffix(name, "_SHA256"):
		return &cbcSuite{iv, 32, "HMAC-SHA256"}
	case strings.HasSuffix(name, "_SHA384"):
		return &cbcSuite{iv, 48, "HMAC-SHA384"}
	}
	return nil
}
