// Package decrypt reads a recorded TLS connection with the secrets of an
// NSS key log: it finds the hellos, removes the protection of every record
// (TLS 1.3, RFC 8446 Section 5.2; TLS 1.2 AEAD, RFC 5288 and RFC 7905; TLS
// 1.2 CBC, RFC 5246 Section 6.2.3.2 and RFC 7366), checks both Finished
// messages and lays out the part of the key schedule the logged secrets
// give. It never needs a private key: the key log is what a browser writes
// with SSLKEYLOGFILE, or what the engine exports.
package decrypt

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
)

// Key log labels (the NSS key log format, also draft-ietf-tls-keylogfile).
const (
	LabelClientRandom          = "CLIENT_RANDOM" // TLS 1.2: the 48-byte master secret
	LabelRSA                   = "RSA"           // TLS 1.2 RSA key transport: first 8 bytes of the encrypted pre-master secret → the pre-master secret
	LabelClientEarlyTraffic    = "CLIENT_EARLY_TRAFFIC_SECRET"
	LabelClientHandshake       = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
	LabelServerHandshake       = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
	LabelClientTraffic0        = "CLIENT_TRAFFIC_SECRET_0"
	LabelServerTraffic0        = "SERVER_TRAFFIC_SECRET_0"
	LabelEarlyExporter         = "EARLY_EXPORTER_SECRET"
	LabelExporter              = "EXPORTER_SECRET"
	LabelECHSecret             = "ECH_SECRET"
	LabelECHConfig             = "ECH_CONFIG"
	clientTrafficPrefix        = "CLIENT_TRAFFIC_SECRET_"
	serverTrafficPrefix        = "SERVER_TRAFFIC_SECRET_"
	maxKeyLogLineLen           = 4096
	hexRandomLen, hexMasterLen = 64, 96
)

// Entry is one line of a key log.
type Entry struct {
	Line   int    // 1-based line number in the file it came from
	Label  string // CLIENT_RANDOM, CLIENT_HANDSHAKE_TRAFFIC_SECRET, … or a label this package does not know
	Random []byte // the client random (32 bytes); for RSA the first 8 bytes of the encrypted pre-master secret
	Secret []byte // the secret (for ECH_CONFIG the ECHConfig)
	Raw    string // the line as written, without its end
}

// KeyLog is a parsed NSS key log, lines in file order.
type KeyLog struct {
	Entries []Entry
}

// Find returns the secret logged for label and a client random, or nil.
// When a label appears twice for one random, the last line wins, as in
// Wireshark.
func (k KeyLog) Find(label string, random []byte) []byte {
	var out []byte
	for _, e := range k.Entries {
		if e.Label == label && e.Random != nil && bytes.Equal(e.Random, random) {
			out = e.Secret
		}
	}
	return out
}

// HasRandom reports whether any line names this client random.
func (k KeyLog) HasRandom(random []byte) bool {
	for _, e := range k.Entries {
		if e.Label != LabelRSA && bytes.Equal(e.Random, random) {
			return true
		}
	}
	return false
}

func (k KeyLog) hasLabel(label string) bool {
	for _, e := range k.Entries {
		if e.Label == label {
			return true
		}
	}
	return false
}

// Labels returns the labels logged for a client random, in file order.
func (k KeyLog) Labels(random []byte) []string {
	var out []string
	for _, e := range k.Entries {
		if e.Label != LabelRSA && bytes.Equal(e.Random, random) {
			out = append(out, e.Label)
		}
	}
	return out
}

// Merge returns k followed by other (other's lines win on a repeated label).
func (k KeyLog) Merge(other KeyLog) KeyLog {
	out := KeyLog{Entries: make([]Entry, 0, len(k.Entries)+len(other.Entries))}
	out.Entries = append(append(out.Entries, k.Entries...), other.Entries...)
	return out
}

// secretLen says how long each known label's secret may be: TLS 1.3
// secrets are as long as the suite's hash (32 for SHA-256, 48 for SHA-384).
func secretLens(label string) []int {
	switch {
	case label == LabelClientRandom, label == LabelRSA:
		return []int{48}
	case label == LabelECHConfig:
		return nil // an ECHConfig: any length
	case isTrafficLabel(label), label == LabelClientEarlyTraffic, label == LabelClientHandshake,
		label == LabelServerHandshake, label == LabelEarlyExporter, label == LabelExporter, label == LabelECHSecret:
		return []int{32, 48, 64}
	}
	return nil
}

// isTrafficLabel matches CLIENT_TRAFFIC_SECRET_N and SERVER_TRAFFIC_SECRET_N.
func isTrafficLabel(label string) bool {
	for _, p := range []string{clientTrafficPrefix, serverTrafficPrefix} {
		if n, ok := strings.CutPrefix(label, p); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return true
		}
	}
	return false
}

func knownLabel(label string) bool {
	switch label {
	case LabelClientRandom, LabelRSA, LabelClientEarlyTraffic, LabelClientHandshake, LabelServerHandshake,
		LabelEarlyExporter, LabelExporter, LabelECHSecret, LabelECHConfig:
		return true
	}
	return isTrafficLabel(label)
}

// isLabel: a label is upper-case letters, digits and '_', starting with a
// letter.
func isLabel(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// ParseKeyLog reads an NSS key log: one "LABEL <client random> <secret>"
// per line, both in hex; lines starting with '#' and blank lines are
// skipped; LF or CRLF line ends. A label this package does not know is
// kept, not refused (new labels appear: ECH, future drafts). A malformed
// line is an error naming its number and what is wrong.
func ParseKeyLog(b []byte) (KeyLog, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark some editors write
	var kl KeyLog
	for i, line := range strings.Split(string(b), "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if len(t) > maxKeyLogLineLen {
			return KeyLog{}, fmt.Errorf("key log line %d is %d characters long: a key log line is a label and two hex values, at most a few hundred characters; is this a key log file?", n, len(t))
		}
		f := strings.Fields(t)
		if !isLabel(f[0]) {
			return KeyLog{}, fmt.Errorf("key log line %d starts with %q, not a label such as CLIENT_RANDOM: is this an NSS key log (SSLKEYLOGFILE)?", n, clip(f[0]))
		}
		if len(f) != 3 {
			return KeyLog{}, fmt.Errorf("key log line %d has %d fields: an NSS key log line is LABEL <client random> <secret>, separated by spaces", n, len(f))
		}
		e := Entry{Line: n, Label: f[0], Raw: line}
		r, errR := hex.DecodeString(f[1])
		s, errS := hex.DecodeString(f[2])
		if !knownLabel(f[0]) {
			// A label this package does not know is kept; only the
			// format's grammar is checked: two hex values.
			if errR != nil || errS != nil {
				return KeyLog{}, fmt.Errorf("key log line %d: the values after %s are not hex: an NSS key log line is LABEL <client random> <secret>, both in hex", n, clip(f[0]))
			}
			e.Random, e.Secret = r, s
			kl.Entries = append(kl.Entries, e)
			continue
		}
		what := "client random"
		wantR := 32
		if f[0] == LabelRSA {
			what, wantR = "encrypted pre-master secret prefix", 8
		}
		if errR != nil {
			return KeyLog{}, fmt.Errorf("key log line %d: the %s of %s is not hex (%q)", n, what, f[0], clip(f[1]))
		}
		if len(r) != wantR {
			return KeyLog{}, fmt.Errorf("key log line %d: the %s of %s is %d bytes: it must be %d (%d hex digits)", n, what, f[0], len(r), wantR, 2*wantR)
		}
		if errS != nil {
			return KeyLog{}, fmt.Errorf("key log line %d: the secret of %s is not hex (%q)", n, f[0], clip(f[2]))
		}
		if lens := secretLens(f[0]); lens != nil && !contains(lens, len(s)) {
			return KeyLog{}, fmt.Errorf("key log line %d: the secret of %s is %d bytes: it must be %s", n, f[0], len(s), lensText(lens))
		}
		if len(s) == 0 {
			return KeyLog{}, fmt.Errorf("key log line %d: the value of %s is empty", n, f[0])
		}
		e.Random, e.Secret = r, s
		kl.Entries = append(kl.Entries, e)
	}
	return kl, nil
}

func contains(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

func lensText(lens []int) string {
	if len(lens) == 1 {
		return fmt.Sprintf("%d (%d hex digits)", lens[0], 2*lens[0])
	}
	return "32, 48 or 64 (as long as the suite's hash: 64, 96 or 128 hex digits)"
}

func clip(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
