// Package suites is the one place that knows each cipher suite: its IANA
// name and code point, its key exchange, its AEAD and its PRF hash, and the
// rules by which a server picks one (RFC 5246, Section 7.4.1.3; RFC 8446,
// Section 4.1.1).
package suites

import (
	"crypto"
	_ "crypto/sha256" // registers SHA-256 for crypto.Hash
	_ "crypto/sha512" // registers SHA-384 for crypto.Hash
	"fmt"
	"strconv"
	"strings"
)

// KeyExchange is how the pre-master (TLS 1.2) or shared secret reaches
// both sides.
type KeyExchange string

// Key exchanges.
const (
	// RSA is key transport: the client encrypts the pre-master secret
	// under the server's RSA public key (RFC 5246, Section 7.4.7.1). No
	// forward secrecy.
	RSA KeyExchange = "RSA"
	// ECDHERSA and ECDHEECDSA are ephemeral elliptic-curve Diffie-Hellman
	// signed with the certificate's RSA or ECDSA key (RFC 8422).
	ECDHERSA   KeyExchange = "ECDHE_RSA"
	ECDHEECDSA KeyExchange = "ECDHE_ECDSA"
	// Any is TLS 1.3: the suite fixes only the AEAD and the hash; the key
	// exchange (always ephemeral) and the signature are negotiated apart.
	Any KeyExchange = "any"
)

// AEAD kinds.
const (
	AESGCM           = "AES-GCM"
	ChaCha20Poly1305 = "ChaCha20-Poly1305"
)

// Protocol versions.
const (
	VersionTLS12 uint16 = 0x0303
	VersionTLS13 uint16 = 0x0304
)

// Suite describes one cipher suite.
type Suite struct {
	ID          uint16
	Name        string // IANA name
	Version     uint16 // VersionTLS12 or VersionTLS13
	KeyExchange KeyExchange
	Cipher      string      // "AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305"
	AEAD        string      // AESGCM or ChaCha20Poly1305
	KeyLen      int         // AEAD key length in bytes
	FixedIVLen  int         // TLS 1.2 implicit IV from the key block: 4 for GCM (RFC 5288), 12 for ChaCha20 (RFC 7905); 12 in TLS 1.3
	Hash        crypto.Hash // PRF / HKDF and transcript hash
	Strength    int         // security level in bits of the symmetric parts
}

// ForwardSecret reports whether a stolen server key leaves past sessions safe.
func (s *Suite) ForwardSecret() bool { return s.KeyExchange != RSA }

// The suites the engine implements.
var (
	// TLS 1.2, RSA key transport, AES-GCM (RFC 5288).
	RSAWithAES128GCMSHA256 = &Suite{0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", VersionTLS12, RSA, "AES-128-GCM", AESGCM, 16, 4, crypto.SHA256, 128}
	RSAWithAES256GCMSHA384 = &Suite{0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", VersionTLS12, RSA, "AES-256-GCM", AESGCM, 32, 4, crypto.SHA384, 256}

	// TLS 1.2, ECDHE (RFC 8422, RFC 5289, RFC 7905).
	ECDHERSAWithAES128GCMSHA256          = &Suite{0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", VersionTLS12, ECDHERSA, "AES-128-GCM", AESGCM, 16, 4, crypto.SHA256, 128}
	ECDHERSAWithAES256GCMSHA384          = &Suite{0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", VersionTLS12, ECDHERSA, "AES-256-GCM", AESGCM, 32, 4, crypto.SHA384, 256}
	ECDHERSAWithChaCha20Poly1305SHA256   = &Suite{0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", VersionTLS12, ECDHERSA, "ChaCha20-Poly1305", ChaCha20Poly1305, 32, 12, crypto.SHA256, 256}
	ECDHEECDSAWithAES128GCMSHA256        = &Suite{0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", VersionTLS12, ECDHEECDSA, "AES-128-GCM", AESGCM, 16, 4, crypto.SHA256, 128}
	ECDHEECDSAWithAES256GCMSHA384        = &Suite{0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", VersionTLS12, ECDHEECDSA, "AES-256-GCM", AESGCM, 32, 4, crypto.SHA384, 256}
	ECDHEECDSAWithChaCha20Poly1305SHA256 = &Suite{0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", VersionTLS12, ECDHEECDSA, "ChaCha20-Poly1305", ChaCha20Poly1305, 32, 12, crypto.SHA256, 256}

	// TLS 1.3 (RFC 8446, Appendix B.4).
	AES128GCMSHA256        = &Suite{0x1301, "TLS_AES_128_GCM_SHA256", VersionTLS13, Any, "AES-128-GCM", AESGCM, 16, 12, crypto.SHA256, 128}
	AES256GCMSHA384        = &Suite{0x1302, "TLS_AES_256_GCM_SHA384", VersionTLS13, Any, "AES-256-GCM", AESGCM, 32, 12, crypto.SHA384, 256}
	ChaCha20Poly1305SHA256 = &Suite{0x1303, "TLS_CHACHA20_POLY1305_SHA256", VersionTLS13, Any, "ChaCha20-Poly1305", ChaCha20Poly1305, 32, 12, crypto.SHA256, 256}
)

// Suite lists by family, each in this engine's default order of
// preference (see All).
var (
	Classic = []*Suite{RSAWithAES256GCMSHA384, RSAWithAES128GCMSHA256}
	ECDHE   = []*Suite{
		ECDHEECDSAWithAES256GCMSHA384, ECDHEECDSAWithChaCha20Poly1305SHA256, ECDHEECDSAWithAES128GCMSHA256,
		ECDHERSAWithAES256GCMSHA384, ECDHERSAWithChaCha20Poly1305SHA256, ECDHERSAWithAES128GCMSHA256,
	}
	TLS13 = []*Suite{AES256GCMSHA384, ChaCha20Poly1305SHA256, AES128GCMSHA256}
)

// All lists every suite the engine knows, in the order a server of this
// engine prefers them when it is not told otherwise: TLS 1.3, then
// forward-secret TLS 1.2, then RSA key transport; within each family
// AES-256-GCM, then ChaCha20-Poly1305, then AES-128-GCM. That last order
// is a stated choice, not a ranking by strength: AES-256-GCM and
// ChaCha20-Poly1305 both have 256-bit keys and no known weakness. Go's
// crypto/tls, for one, puts AES-GCM first when the processor has AES
// instructions and ChaCha20-Poly1305 first when it does not, where
// ChaCha20 is the faster in software. A server's own list (its Config's
// Suites) is its order of preference; see Negotiate.
var All = concat(TLS13, ECDHE, Classic)

func concat(lists ...[]*Suite) []*Suite {
	var out []*Suite
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// ForVersion returns the suites of All for one protocol version.
func ForVersion(v uint16) []*Suite {
	var out []*Suite
	for _, s := range All {
		if s.Version == v {
			out = append(out, s)
		}
	}
	return out
}

// ByID returns the suite with code point id, or nil.
func ByID(id uint16) *Suite {
	for _, s := range All {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// ByName returns the suite with the IANA name (case-insensitive).
func ByName(name string) (*Suite, error) {
	for _, s := range All { // as IANA spells it, the usual case: no case folding
		if s.Name == name {
			return s, nil
		}
	}
	for _, s := range All {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unknown cipher suite %q: choose one of %s", name, strings.Join(Names(All), ", "))
}

// ParseList turns IANA names into suites; an empty list means def.
func ParseList(names []string, def []*Suite) ([]*Suite, error) {
	if len(names) == 0 {
		return def, nil
	}
	out := make([]*Suite, 0, len(names))
	for _, n := range names {
		s, err := ByName(n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Names returns the IANA names of list.
func Names(list []*Suite) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Name
	}
	return out
}

// NameOf returns the IANA name of a code point, known to the engine or not.
func NameOf(id uint16) string {
	if s := ByID(id); s != nil {
		return s.Name
	}
	if p := ProtectionOf(id); p != nil {
		return p.Name
	}
	if n, ok := otherNames[id]; ok {
		return n
	}
	return fmt.Sprintf("0x%04x", id)
}

// otherNames names code points peers commonly offer that the engine does
// not implement, so that the page can show a real client's list.
var otherNames = map[uint16]string{
	0x00ff: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
	0x002f: "TLS_RSA_WITH_AES_128_CBC_SHA",
	0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
	0x000a: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	0xc009: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	0xc00a: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	0xc013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	0xc014: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
}

// Order is the rule by which a server picks one suite among those both
// sides support. RFC 5246, Section 7.4.1.3 and RFC 8446, Section 4.1.1
// only say that the server selects one the client offered; the rule is
// the server's.
type Order string

// Orders.
const (
	// ServerOrder: the server's first preference that the client also
	// offers (the default, and crypto/tls's for TLS 1.3).
	ServerOrder Order = "server"
	// ClientOrder: the client's first choice that the server supports
	// (what OpenSSL does without SSL_OP_CIPHER_SERVER_PREFERENCE).
	ClientOrder Order = "client"
)

// Rule says the order in words.
func (o Order) Rule() string {
	if o == ClientOrder {
		return "the client's order: its first choice that the server supports"
	}
	return "the server's order: its first preference that the client also offers"
}

// ParseOrder reads "server" (or "") and "client".
func ParseOrder(s string) (Order, error) {
	switch Order(s) {
	case "", ServerOrder:
		return ServerOrder, nil
	case ClientOrder:
		return ClientOrder, nil
	}
	return "", fmt.Errorf("suite order %q: choose server (the server's preference) or client (the client's)", s)
}

// Choice is the outcome of negotiation, with the reason in words.
type Choice struct {
	Suite  *Suite   // nil when nothing is shared
	Common []*Suite // suites both sides support, in the order the rule ranks them
	Order  Order    // the rule that picked Suite
	Reason string
}

// Negotiate picks a suite among those the client offered (in its order of
// preference) and the server enables (in the server's order of
// preference), by the rule order: the server's first preference the
// client also offers, or the client's first choice the server supports.
// The server decides either way (RFC 5246, Section 7.4.1.3; RFC 8446,
// Section 4.1.1).
func Negotiate(offered []uint16, enabled []*Suite, order Order) Choice {
	if order == "" {
		order = ServerOrder
	}
	var common []*Suite
	if order == ClientOrder {
		for _, id := range offered {
			for _, s := range enabled {
				if s.ID == id && !contains(common, s) {
					common = append(common, s)
				}
			}
		}
	} else {
		for _, s := range enabled {
			for _, id := range offered {
				if id == s.ID && !contains(common, s) {
					common = append(common, s)
					break
				}
			}
		}
	}
	if len(common) == 0 {
		return Choice{Order: order, Reason: "no suite the client offered is enabled on the server"}
	}
	best := common[0]
	reason := best.Name + " is the only suite both sides support"
	if len(common) > 1 {
		if order == ClientOrder {
			reason = strconv.Itoa(len(common)) + " suites are shared and this server honours the client's order: " + best.Name + " is the client's first choice the server supports"
		} else {
			reason = strconv.Itoa(len(common)) + " suites are shared and this server picks by its own order of preference: " + best.Name + " is the server's first preference the client also offers"
			if first := firstOffered(offered, common); first != nil && first != best {
				reason += " (the client listed " + first.Name + " first)"
			}
		}
	}
	return Choice{Suite: best, Common: common, Order: order, Reason: reason}
}

// firstOffered returns the first suite of offered that is in list.
func firstOffered(offered []uint16, list []*Suite) *Suite {
	for _, id := range offered {
		for _, s := range list {
			if s.ID == id {
				return s
			}
		}
	}
	return nil
}

func contains(list []*Suite, s *Suite) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.SHA256:
		return "SHA-256"
	case crypto.SHA384:
		return "SHA-384"
	}
	return h.String()
}

// HashName returns "SHA-256" or "SHA-384".
func (s *Suite) HashName() string { return hashName(s.Hash) }
