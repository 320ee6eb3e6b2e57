package analyze

import (
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

// cbc returns the CBC layout of the negotiated suite (suites.ProtectionOf
// knows the CBC suites real peers negotiate), or nil for AEAD suites.
func (a *Analyzer) cbc() *cbcSuite {
	if a.tls13() {
		return nil
	}
	p := suites.ProtectionOf(a.suiteID)
	if p == nil || p.Mode != suites.CBC {
		return nil
	}
	return &cbcSuite{p.BlockLen(), p.MACLen(), "HMAC-" + hashName(p.MACLen())}
}

func hashName(n int) string {
	switch n {
	case 20:
		return "SHA1"
	case 32:
		return "SHA256"
	case 48:
		return "SHA384"
	}
	return itoa(8*n) + "-bit"
}
