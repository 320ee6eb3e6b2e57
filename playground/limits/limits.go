// Package limits is the bound on every length that a user hands the
// playground from outside the TLS engine: a server name, a seed, a PEM
// file, a typed message, a list of names, an argument of the wasm API. The
// terminal edition (playground/cmd/tlsplay) and the wasm API (wasm/) check
// their inputs with these functions before the engine sees them, so that an
// over-long value is refused with an error that names the argument and the
// limit, and never reaches a length prefix it cannot fit (cryptobyte panics
// on a 70,000-byte server name: the server_name extension's HostName has a
// 2-byte length, RFC 6066, Section 3).
//
// What a peer sends is bounded where it is read: records by the record
// layer (2^14 bytes of plaintext, RFC 8446, Section 5.1; RFC 5246, Section
// 6.2.1), flights over HTTP by playground/httpserver (MaxClientBytes), a
// request to tlsplay serve by its reader.
package limits

import (
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"tlsplayground/playground/rng"
)

const (
	// ServerName is the longest DNS host name in text form: 255 octets on
	// the wire (RFC 1035, Section 2.3.4) are 253 characters without the
	// length octets and the root label. The server_name extension could
	// carry 2^16-1 bytes, but RFC 6066, Section 3 says it holds a DNS
	// host name.
	ServerName = 253
	// Label is the longest label of a DNS name (RFC 1035, Section 2.3.4).
	Label = 63
	// Seed is the longest seed, in bytes (hex digits / 2). A seed is
	// hashed (playground/rng), so more bytes add nothing; 32 is what a
	// fresh one has.
	Seed = 64
	// PEM is the largest PEM input: a trust store, a certificate chain, a
	// private key. The Mozilla root bundle is about 220 KB.
	PEM = 1 << 20
	// Message is the longest message a user types to send over a
	// connection. The engine splits it into records of at most 2^14 bytes
	// (RFC 8446, Section 5.1), so it may span several records.
	Message = 1 << 16
	// List is the most entries of a list of names (suites, groups).
	List = 32
	// Argument is the largest argument of a wasm API call (a JSON string):
	// it holds at most a PEM trust store or a flight, escaped.
	Argument = 4 << 20
	// Flight is the largest flight the page hands the client (base64
	// decoded) and the largest trace header it forwards.
	Flight = 1 << 20
)

// Error is an input over its limit.
type Error struct {
	Arg   string // the argument, as the user wrote it: "--servername", "setup: serverName"
	What  string // what was measured: "bytes", "entries"
	Got   int
	Limit int
	Why   string // what the limit is, for a learner
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s is %d %s: the limit is %d", e.Arg, e.Got, e.What, e.Limit)
	if e.Why != "" {
		s += " (" + e.Why + ")"
	}
	return s
}

// Size checks that n, the length of arg in bytes, is at most limit.
func Size(arg string, n, limit int, why string) error {
	if n > limit {
		return &Error{Arg: arg, What: "bytes", Got: n, Limit: limit, Why: why}
	}
	return nil
}

// CheckServerName checks a name the client sends in server_name and checks
// the certificate against: an IP address (which is not sent, RFC 6066,
// Section 3), or a DNS host name in ASCII of at most 253 characters whose
// labels have 1 to 63 letters, digits, '-' or '_'. A final '.' is allowed.
func CheckServerName(arg, name string) error {
	if net.ParseIP(name) != nil {
		return nil
	}
	if err := Size(arg, len(name), ServerName, "a DNS host name has at most 253 characters, RFC 1035 §2.3.4; RFC 6066 §3 sends it in server_name"); err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("%s is empty: give a DNS host name such as example.com", arg)
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if label == "" {
			return fmt.Errorf("%s %q has an empty label: a DNS name is labels separated by single dots", arg, name)
		}
		if len(label) > Label {
			return fmt.Errorf("%s %q has a label of %d characters: the limit is %d (RFC 1035 §2.3.4)", arg, name, len(label), Label)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return fmt.Errorf("%s %q contains %q: a DNS host name has ASCII letters, digits, '-', '_' and '.' only (an internationalized name goes in its xn-- form)", arg, name, r)
			}
		}
	}
	return nil
}

// ParseSeed reads a seed in hex (rng.ParseSeed) of at most Seed bytes.
func ParseSeed(arg, s string) ([]byte, error) {
	if len(s) > 2*Seed {
		return nil, &Error{Arg: arg, What: "hex digits", Got: len(s), Limit: 2 * Seed, Why: "a seed is hashed, so 64 bytes is more than enough; a fresh one has 32"}
	}
	seed, err := rng.ParseSeed(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	return seed, nil
}

// CheckList checks a list of names: at most List entries, none twice.
func CheckList(arg string, items []string) error {
	if len(items) > List {
		return &Error{Arg: arg, What: "entries", Got: len(items), Limit: List, Why: "each name at most once"}
	}
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		if seen[it] {
			return fmt.Errorf("%s names %q twice: give each at most once", arg, it)
		}
		seen[it] = true
	}
	return nil
}

// ReadFile reads a file of at most limit bytes; its errors begin with arg.
// It reads no further than limit+1 bytes, so that a device such as
// /dev/zero is refused rather than read forever.
func ReadFile(arg, path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%s %q is larger than %d bytes: give a PEM file (a trust store, a chain or a key is far smaller)", arg, path, limit)
	}
	return data, nil
}
