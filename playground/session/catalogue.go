package session

import (
	"crypto"
	"fmt"
	"strings"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/suites"
)

// The catalogue is the one place that says which modes the engine plays,
// which groups, server keys and suites each allows, what each is called
// for people, and what each check and alert means (issue 13, point 4). The
// page reads it through the engine (the catalogue method), the terminal
// edition (tlsplay) directly; New validates its options against it.

// Catalogue is everything a front end needs to offer choices and explain
// outcomes. Stable JSON: ids never change, labels and texts may.
type Catalogue struct {
	Modes       []ModeInfo        `json:"modes"`       // in teaching order
	Groups      []GroupInfo       `json:"groups"`      // in the order a page lists them
	KeyTypes    []KeyTypeInfo     `json:"keyTypes"`    // the server's key types
	Suites      []SuiteInfo       `json:"suites"`      // every suite the engine plays
	SuiteOrders []ChoiceInfo      `json:"suiteOrders"` // how the server picks a suite
	Checks      []alert.CheckInfo `json:"checks"`      // every check whose failure ends a connection
	Alerts      []AlertInfo       `json:"alerts"`      // every alert the engine names
}

// ModeInfo is one mode: what it allows and what it is called.
type ModeInfo struct {
	ID      string `json:"id"`      // ModeClassic, ModeECDHE, ModeTLS13
	Label   string `json:"label"`   // "Classic"
	Sub     string `json:"sub"`     // "TLS 1.2, RSA key transport"
	Note    string `json:"note"`    // one sentence for the chooser
	Name    string `json:"name"`    // in a sentence: "TLS 1.2 with RSA key transport"
	Version string `json:"version"` // "TLS 1.2" or "TLS 1.3"
	// KeyHint explains the server key's part in this mode; "{key}" stands
	// for the key ("its RSA key").
	KeyHint      string   `json:"keyHint"`
	KeyTypes     []string `json:"keyTypes"`     // server key types the mode can use (KeyTypeInfo.ID)
	Groups       []string `json:"groups"`       // key exchange groups, in the engine's order of preference; none for classic
	DefaultGroup string   `json:"defaultGroup"` // the client's key share when none is chosen
	Suites       []string `json:"suites"`       // IANA names, in the engine's order of preference
}

// GroupInfo is one key exchange group.
type GroupInfo struct {
	ID     string `json:"id"`    // the engine's name: "x25519", "secp256r1", "X25519MLKEM768"
	Code   uint16 `json:"code"`  // IANA code point
	Label  string `json:"label"` // "P-256 (secp256r1)"
	Note   string `json:"note"`
	Hybrid bool   `json:"hybrid"` // post-quantum hybrid (a KEM): TLS 1.3 only
}

// KeyTypeInfo is one type of server key.
type KeyTypeInfo struct {
	ID          string `json:"id"`    // pki.KeyRSA, pki.KeyECDSA, pki.KeyEd25519
	Label       string `json:"label"` // "ECDSA P-256"
	Bits        []int  `json:"bits"`  // the sizes offered (RSA); empty for the others
	DefaultBits int    `json:"defaultBits"`
}

// SuiteInfo is one cipher suite the engine plays.
type SuiteInfo struct {
	Name          string `json:"name"` // IANA name
	Code          uint16 `json:"code"`
	Version       string `json:"version"`     // "TLS 1.2" or "TLS 1.3"
	Mode          string `json:"mode"`        // the mode that offers it
	KeyExchange   string `json:"keyExchange"` // "RSA", "ECDHE_RSA", "ECDHE_ECDSA", "any" (TLS 1.3)
	Cipher        string `json:"cipher"`      // the record cipher: "AES-128-GCM", "ChaCha20-Poly1305"
	Hash          string `json:"hash"`        // PRF or HKDF hash: "SHA-256"
	ForwardSecret bool   `json:"forwardSecret"`
}

// ChoiceInfo is one value of a choice with its label.
type ChoiceInfo struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// AlertInfo is one alert: its code, RFC name and the check it stands for
// when nothing more precise is known.
type AlertInfo struct {
	Code  uint8  `json:"code"`
	Name  string `json:"name"`
	Check string `json:"check"`
}

// keyBits are the RSA sizes offered, the first the default.
var keyBits = []int{2048, 3072, 4096}

// modeTable is the mode policy.
var modeTable = []struct {
	ModeInfo
	suites []*suites.Suite
	groups []*kx.Group
}{
	{ModeInfo{ID: ModeClassic, Label: "Classic", Sub: "TLS 1.2, RSA key transport", Note: "What most articles describe. No forward secrecy.",
		Name: "TLS 1.2 with RSA key transport", Version: "TLS 1.2",
		KeyHint:  "The classic handshake needs an RSA server key: the client encrypts the pre-master secret with it. There is no key exchange group.",
		KeyTypes: []string{pki.KeyRSA}}, suites.Classic, nil},
	{ModeInfo{ID: ModeECDHE, Label: "TLS 1.2 + ECDHE", Sub: "ephemeral Diffie-Hellman", Note: "The common TLS 1.2 deployment. Forward secret.",
		Name: "TLS 1.2 with ECDHE", Version: "TLS 1.2",
		KeyHint:  "Both sides make a fresh key pair for this connection only; the server signs its share with {key} key (RSA, or ECDSA and Ed25519 in the ECDHE_ECDSA suites, RFC 8422).",
		KeyTypes: []string{pki.KeyRSA, pki.KeyECDSA, pki.KeyEd25519}}, suites.ECDHE, []*kx.Group{kx.X25519, kx.P256}},
	{ModeInfo{ID: ModeTLS13, Label: "TLS 1.3", Sub: "what the web uses today", Note: "One round trip; the certificate travels encrypted.",
		Name: "TLS 1.3", Version: "TLS 1.3",
		KeyHint:  "The key shares travel in the two hellos; the server proves it holds {key} key with a signature (CertificateVerify).",
		KeyTypes: pki.KeyTypes()}, suites.TLS13, kx.All},
}

// groupLabels name the groups for people, in the order a page lists them.
var groupLabels = []struct {
	g     *kx.Group
	label string
}{
	{kx.X25519, "X25519"},
	{kx.P256, "P-256 (secp256r1)"},
	{kx.X25519MLKEM768, "X25519MLKEM768 (hybrid, post-quantum)"},
}

var keyTypeLabels = map[string]string{pki.KeyRSA: "RSA", pki.KeyECDSA: "ECDSA P-256", pki.KeyEd25519: "Ed25519"}

// GetCatalogue returns the catalogue.
func GetCatalogue() *Catalogue {
	c := &Catalogue{}
	for _, m := range modeTable {
		mi := m.ModeInfo
		mi.KeyTypes = append([]string{}, mi.KeyTypes...)
		mi.Suites = suites.Names(m.suites)
		mi.Groups = []string{}
		for _, g := range m.groups {
			mi.Groups = append(mi.Groups, g.Name)
		}
		if len(m.groups) > 0 {
			mi.DefaultGroup = m.groups[0].Name
		}
		c.Modes = append(c.Modes, mi)
		for _, s := range m.suites {
			c.Suites = append(c.Suites, SuiteInfo{Name: s.Name, Code: s.ID, Version: versionName(s.Version), Mode: m.ID,
				KeyExchange: string(s.KeyExchange), Cipher: s.Cipher, Hash: hashName(s.Hash), ForwardSecret: s.ForwardSecret()})
		}
	}
	for _, g := range groupLabels {
		c.Groups = append(c.Groups, GroupInfo{ID: g.g.Name, Code: g.g.ID, Label: g.label, Note: g.g.Note, Hybrid: g.g.KEM})
	}
	for _, k := range pki.KeyTypes() {
		ki := KeyTypeInfo{ID: k, Label: keyTypeLabels[k], Bits: []int{}}
		if k == pki.KeyRSA {
			ki.Bits, ki.DefaultBits = append([]int{}, keyBits...), keyBits[0]
		}
		c.KeyTypes = append(c.KeyTypes, ki)
	}
	c.SuiteOrders = []ChoiceInfo{
		{string(suites.ServerOrder), "its own order of preference"},
		{string(suites.ClientOrder), "the client’s order"},
	}
	c.Checks = append([]alert.CheckInfo{}, alert.Checks...)
	for _, a := range alert.All() {
		c.Alerts = append(c.Alerts, AlertInfo{Code: uint8(a), Name: a.String(), Check: alert.AlertCheck(a)})
	}
	return c
}

func versionName(v uint16) string {
	if v == suites.VersionTLS13 {
		return "TLS 1.3"
	}
	return "TLS 1.2"
}

func hashName(h crypto.Hash) string { return h.String() }

// ModeSuites returns the suites mode plays, in the engine's order of
// preference, or nil for an unknown mode.
func ModeSuites(mode string) []*suites.Suite {
	for _, m := range modeTable {
		if m.ID == mode {
			return m.suites
		}
	}
	return nil
}

// ModeGroups returns the key exchange groups mode allows, in the engine's
// order of preference: nil for classic (RSA key transport) and for an
// unknown mode.
func ModeGroups(mode string) []*kx.Group {
	for _, m := range modeTable {
		if m.ID == mode {
			return m.groups
		}
	}
	return nil
}

// ModeName names mode in a sentence ("TLS 1.2 with ECDHE"), or returns it
// as it is when unknown.
func ModeName(mode string) string {
	for _, m := range modeTable {
		if m.ID == mode {
			return m.Name
		}
	}
	return mode
}

// CheckKeyType returns an error when mode cannot use a server key of
// keyType: what it needs, and what to choose instead.
func CheckKeyType(mode, keyType string) error {
	for _, m := range modeTable {
		if m.ID != mode {
			continue
		}
		for _, k := range m.KeyTypes {
			if k == keyType {
				return nil
			}
		}
		if mode == ModeClassic {
			return fmt.Errorf("the classic handshake needs an RSA server key (RSA key transport), not %s", keyType)
		}
		return fmt.Errorf("the %s mode cannot use a %s server key: choose %s", mode, keyType, strings.Join(m.KeyTypes, ", "))
	}
	return fmt.Errorf("mode %q is not available: choose %s", mode, strings.Join(Modes(), ", "))
}
