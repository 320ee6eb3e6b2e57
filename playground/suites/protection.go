package suites

import (
	"crypto"
	_ "crypto/sha1" // registers SHA-1 for the HMAC of the CBC suites
)

// CBC is the record protection of the TLS 1.2 block-cipher suites: HMAC
// over the record, then CBC encryption with an explicit IV per record (RFC
// 5246, Sections 6.2.3.1 and 6.2.3.2), or the reverse order when both sides
// agreed on encrypt_then_mac (RFC 7366).
const CBC = "CBC"

// Protection is how a suite protects records: what a reader of a recorded
// connection needs to remove that protection with the keys from a key log.
// It covers the engine's suites and the ones it does not implement but that
// real peers still negotiate (the CBC suites, DHE), so that an imported
// capture decrypts; only the suites with Implemented set can be played.
type Protection struct {
	ID          uint16
	Name        string // IANA name
	Version     uint16 // VersionTLS12 or VersionTLS13
	Cipher      string // "AES-128-GCM", "AES-256-CBC", "3DES-EDE-CBC", "ChaCha20-Poly1305"
	Mode        string // AESGCM, ChaCha20Poly1305 or CBC
	KeyLen      int    // encryption key length in bytes
	FixedIVLen  int    // implicit IV from the key block (AEAD); 0 for CBC, whose IV travels in each record
	MAC         crypto.Hash
	Hash        crypto.Hash // PRF (TLS 1.2) or HKDF and transcript hash (TLS 1.3)
	Implemented bool        // the engine speaks it: ByID returns it
}

// MACLen is the length of the record MAC (CBC suites), 0 for AEAD suites.
func (p *Protection) MACLen() int {
	if p.MAC == 0 {
		return 0
	}
	return p.MAC.Size()
}

// BlockLen is the cipher's block size for CBC suites, 0 for AEAD suites.
func (p *Protection) BlockLen() int {
	if p.Mode != CBC {
		return 0
	}
	if p.Cipher == "3DES-EDE-CBC" {
		return 8
	}
	return 16
}

// Suites a recorded peer may negotiate that the engine does not implement
// (RFC 5246 Appendix A.5, RFC 5288, RFC 5289, RFC 7905, RFC 8422).
var protectionOnly = []*Protection{
	cbc(0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "3DES-EDE-CBC", 24, crypto.SHA1, crypto.SHA256),
	cbc(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES-128-CBC", 16, crypto.SHA1, crypto.SHA256),
	cbc(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "AES-128-CBC", 16, crypto.SHA1, crypto.SHA256),
	cbc(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES-256-CBC", 32, crypto.SHA1, crypto.SHA256),
	cbc(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "AES-256-CBC", 32, crypto.SHA1, crypto.SHA256),
	cbc(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES-128-CBC", 16, crypto.SHA256, crypto.SHA256),
	cbc(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES-256-CBC", 32, crypto.SHA256, crypto.SHA256),
	cbc(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "AES-128-CBC", 16, crypto.SHA256, crypto.SHA256),
	cbc(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "AES-256-CBC", 32, crypto.SHA256, crypto.SHA256),
	cbc(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "AES-128-CBC", 16, crypto.SHA1, crypto.SHA256),
	cbc(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "AES-256-CBC", 32, crypto.SHA1, crypto.SHA256),
	cbc(0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "3DES-EDE-CBC", 24, crypto.SHA1, crypto.SHA256),
	cbc(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "AES-128-CBC", 16, crypto.SHA1, crypto.SHA256),
	cbc(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "AES-256-CBC", 32, crypto.SHA1, crypto.SHA256),
	cbc(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "AES-128-CBC", 16, crypto.SHA256, crypto.SHA256),
	cbc(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "AES-256-CBC", 32, crypto.SHA384, crypto.SHA384),
	cbc(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "AES-128-CBC", 16, crypto.SHA256, crypto.SHA256),
	cbc(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "AES-256-CBC", 32, crypto.SHA384, crypto.SHA384),
	{ID: 0x009e, Name: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Version: VersionTLS12, Cipher: "AES-128-GCM", Mode: AESGCM, KeyLen: 16, FixedIVLen: 4, Hash: crypto.SHA256},
	{ID: 0x009f, Name: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Version: VersionTLS12, Cipher: "AES-256-GCM", Mode: AESGCM, KeyLen: 32, FixedIVLen: 4, Hash: crypto.SHA384},
	{ID: 0xccaa, Name: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Version: VersionTLS12, Cipher: "ChaCha20-Poly1305", Mode: ChaCha20Poly1305, KeyLen: 32, FixedIVLen: 12, Hash: crypto.SHA256},
}

func cbc(id uint16, name, cipher string, keyLen int, mac, prf crypto.Hash) *Protection {
	return &Protection{ID: id, Name: name, Version: VersionTLS12, Cipher: cipher, Mode: CBC, KeyLen: keyLen, MAC: mac, Hash: prf}
}

// ProtectionOf returns how the suite with code point id protects records,
// or nil when no reader here can remove it (TLS 1.3's CCM suites, export
// and NULL suites, RC4, Camellia, ARIA).
func ProtectionOf(id uint16) *Protection {
	if s := ByID(id); s != nil {
		return &Protection{ID: s.ID, Name: s.Name, Version: s.Version, Cipher: s.Cipher, Mode: s.AEAD,
			KeyLen: s.KeyLen, FixedIVLen: s.FixedIVLen, Hash: s.Hash, Implemented: true}
	}
	for _, p := range protectionOnly {
		if p.ID == id {
			c := *p
			return &c
		}
	}
	return nil
}
