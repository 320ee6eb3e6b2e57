package browserhello

import (
	"crypto/ecdh"
	"crypto/mlkem"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/kx"
)

func bundled(t *testing.T) *Hello {
	t.Helper()
	h, err := Parse(Chromium())
	if err != nil {
		t.Fatalf("the bundled Chromium hello does not parse: %v", err)
	}
	return h
}

func TestBundledHelloParses(t *testing.T) {
	h := bundled(t)
	if h.Records != 1 || h.RecordVersion != 0x0301 || h.Version != 0x0303 || len(h.Random) != 32 {
		t.Errorf("records %d, record version %#04x, legacy_version %#04x: want one record, 0x0301, 0x0303", h.Records, h.RecordVersion, h.Version)
	}
	if len(h.SessionID) != 32 {
		t.Errorf("legacy_session_id has %d bytes, want 32 (compatibility mode, RFC 8446 D.4)", len(h.SessionID))
	}
	if !strings.HasPrefix(ChromiumSource(), "Chromium ") || !strings.Contains(ChromiumSource(), "recorded 20") {
		t.Errorf("ChromiumSource() = %q: want the version and the date of the recording", ChromiumSource())
	}
	if n, _ := handshake.ParseServerName(mustExt(t, h, handshake.ExtServerName)); n != "playground.test" {
		t.Errorf("server_name %q, want playground.test", n)
	}
}

func mustExt(t *testing.T, h *Hello, typ uint16) []byte {
	t.Helper()
	d, ok := h.find(typ)
	if !ok {
		t.Fatalf("the bundled hello has no extension %d", typ)
	}
	return d
}

func TestBundledHelloHasGREASE(t *testing.T) {
	h := bundled(t)
	if countGREASE(h.CipherSuites) != 1 || !IsGREASE(h.CipherSuites[0]) {
		t.Errorf("cipher suites %x: want one GREASE value, first", h.CipherSuites)
	}
	var exts []uint16
	for _, e := range h.Extensions {
		exts = append(exts, e.Type)
	}
	if countGREASE(exts) != 2 || !IsGREASE(exts[0]) || !IsGREASE(exts[len(exts)-1]) {
		t.Errorf("extensions %x: want a GREASE extension first and last (RFC 8701, Section 3)", exts)
	}
	groups, _ := handshake.ParseUint16List(mustExt(t, h, handshake.ExtSupportedGroups), 2)
	if countGREASE(groups) != 1 {
		t.Errorf("supported_groups %x: want one GREASE group", groups)
	}
	for _, v := range []uint16{0x0a0a, 0x1a1a, 0xfafa} {
		if !IsGREASE(v) {
			t.Errorf("IsGREASE(%#04x) = false", v)
		}
	}
	for _, v := range []uint16{0x0a1a, 0x1301, 0x0a0b, 0xfefe} {
		if IsGREASE(v) {
			t.Errorf("IsGREASE(%#04x) = true", v)
		}
	}
}

// TestBundledKeyShares checks both key shares, and that the hybrid is ML-KEM
// first, X25519 second: each half is a valid key of its kind.
func TestBundledKeyShares(t *testing.T) {
	h := bundled(t)
	ks, ok := handshake.ParseClientKeyShares(mustExt(t, h, handshake.ExtKeyShare))
	if !ok {
		t.Fatal("key_share does not parse")
	}
	shares := map[uint16][]byte{}
	for _, k := range ks {
		shares[k.Group] = k.Data
	}
	hybrid, x := shares[kx.X25519MLKEM768.ID], shares[kx.X25519.ID]
	if len(hybrid) != 1184+32 || len(x) != 32 {
		t.Fatalf("X25519MLKEM768 share %d bytes, X25519 share %d: want 1216 and 32", len(hybrid), len(x))
	}
	if _, err := mlkem.NewEncapsulationKey768(hybrid[:1184]); err != nil {
		t.Errorf("the hybrid's first 1184 bytes are not an ML-KEM-768 encapsulation key: %v", err)
	}
	for name, pub := range map[string][]byte{"the hybrid's last 32 bytes": hybrid[1184:], "the X25519 share": x} {
		if _, err := ecdh.X25519().NewPublicKey(pub); err != nil {
			t.Errorf("%s: not an X25519 public key: %v", name, err)
		}
	}
}

// TestBundledALPNAndECH reads the extensions through the analyzer's fields.
func TestBundledALPNAndECH(t *testing.T) {
	h := bundled(t)
	ext := func(typ uint16) string { return describe(h.field(typ), mustExt(t, h, typ)) }
	if got := ext(handshake.ExtALPN); got != "\"h2\"\n\"http/1.1\"" {
		t.Errorf("ALPN %q, want h2 then http/1.1", got)
	}
	if got := ext(extECH); !strings.HasPrefix(got, "ECH type: outer (0)\nKDF: HKDF-SHA256") || !strings.Contains(got, "payload: ") {
		t.Errorf("encrypted_client_hello reads %q: want an outer ECHClientHello (GREASE)", got)
	}
	if got := ext(extCompressCertificate); got != "brotli (2)" {
		t.Errorf("compress_certificate %q, want brotli", got)
	}
	if got := ext(handshake.ExtExtendedMasterSecret); got != "empty" {
		t.Errorf("extended_master_secret %q, want empty", got)
	}
	if got := ext(extTrustAnchors); !strings.Contains(got, "… and ") || strings.Count(got, "\n") != maxLines-1 {
		t.Errorf("trust_anchors %q: want %d lines, the last counting the rest", got, maxLines)
	}
	if got := ext(handshake.ExtRenegotiationInfo); got != "renegotiated connection: 0 bytes" {
		t.Errorf("renegotiation_info %q", got)
	}
}

func rows(t *testing.T, engine, browser []byte) map[string]Row {
	t.Helper()
	s, err := CompareJSON(engine, browser)
	if err != nil {
		t.Fatal(err)
	}
	var c Comparison
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.Browser.Label, "Chromium ") && browser == nil {
		t.Errorf("browser label %q: want the Chromium version", c.Browser.Label)
	}
	m := map[string]Row{}
	for _, r := range c.Rows {
		if r.Field == "" || r.About == "" || r.RFC == "" || r.Browser == "" || r.Engine == "" {
			t.Errorf("row %q has an empty column: %+v", r.ID, r)
		}
		if _, dup := m[r.ID]; dup {
			t.Errorf("two rows %q", r.ID)
		}
		m[r.ID] = r
	}
	return m
}

func TestComparisonRows(t *testing.T) {
	m := rows(t, nil, nil)
	want := map[string]struct{ browser, engine []string }{
		"legacy_version":    {[]string{"0x0303"}, []string{"0x0303"}},
		"legacy_session_id": {[]string{"32 bytes: "}, []string{"32 bytes: "}},
		"cipher_suites":     {[]string{"GREASE 0x", "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_"}, []string{"TLS_AES_128_GCM_SHA256"}},
		"grease_extensions": {[]string{"GREASE 0x", "extension 1 of"}, []string{"none"}},
		"key_share": {[]string{"X25519MLKEM768: 1216 bytes = ML-KEM-768 encapsulation key (1184) ‖ X25519 public key (32)", "x25519: 32 bytes", "GREASE"},
			[]string{"X25519MLKEM768: 1216 bytes"}},
		"alpn":                 {[]string{"\"h2\"\n\"http/1.1\""}, []string{notSent}},
		"ech":                  {[]string{"outer", "config id: "}, []string{notSent}},
		"supported_versions":   {[]string{"TLS 1.3 (0x0304)", "TLS 1.2"}, []string{"TLS 1.3 (0x0304)"}},
		"server_name":          {[]string{"playground.test"}, []string{"playground.test"}},
		"compress_certificate": {[]string{"brotli"}, []string{notSent}},
		"alps":                 {[]string{"\"h2\""}, []string{notSent}},
		"extension_order":      {[]string{"key_share", "GREASE"}, []string{"key_share"}},
		"change_cipher_spec":   {[]string{"ChangeCipherSpec"}, []string{"no ChangeCipherSpec"}},
	}
	for id, w := range want {
		r, ok := m[id]
		if !ok {
			t.Errorf("no %q row", id)
			continue
		}
		for _, s := range w.browser {
			if !strings.Contains(r.Browser, s) {
				t.Errorf("%s: browser %q lacks %q", id, r.Browser, s)
			}
		}
		for _, s := range w.engine {
			if !strings.Contains(r.Engine, s) {
				t.Errorf("%s: engine %q lacks %q", id, r.Engine, s)
			}
		}
	}
	if strings.Contains(m["key_share"].Engine, "x25519") || !strings.Contains(m["key_share"].Note, "HelloRetryRequest") {
		t.Errorf("key_share: the engine sends only the hybrid, and the note must say what that costs: %+v", m["key_share"])
	}
	for _, id := range []string{"psk_key_exchange_modes", "status_request", "signed_certificate_timestamp", "extended_master_secret",
		"renegotiation_info", "session_ticket", "padding", "signature_algorithms", "supported_groups", "random"} {
		if _, ok := m[id]; !ok {
			t.Errorf("no %q row", id)
		}
	}
	// Every extension either side sent has a row.
	for _, e := range bundled(t).Extensions {
		if _, ok := m[fmt.Sprintf("ext_%d", e.Type)]; !ok && !known()[e.Type] && !IsGREASE(e.Type) {
			t.Errorf("extension %d has no row", e.Type)
		}
	}
}

func TestCompareGivenHellos(t *testing.T) {
	engine, err := EngineHello()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Parse(engine)
	if err != nil {
		t.Fatal(err)
	}
	// The handshake message alone, and the hello split over two records,
	// read the same as the records.
	b := bundled(t)
	split := splitRecords(b.Raw, 100)
	for name, in := range map[string][]byte{"message": b.Raw, "two records": split} {
		m := rows(t, e.Raw, in)
		if got, want := m["random"].Browser, fmt.Sprintf("%x", b.Random); got != want {
			t.Errorf("%s: random %s, want %s", name, got, want)
		}
	}
	if h, err := Parse(split); err != nil || h.Records != 2 {
		t.Errorf("Parse(two records) = %v, %v: want 2 records", h, err)
	}
}

func splitRecords(msg []byte, at int) []byte {
	rec := func(p []byte) []byte {
		return append([]byte{22, 3, 1, byte(len(p) >> 8), byte(len(p))}, p...)
	}
	return append(rec(msg[:at]), rec(msg[at:])...)
}

func TestParseErrors(t *testing.T) {
	hello := Chromium()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"a PNG", png, "not a ClientHello: the first byte is 0x89"},
		{"cut in the record header", hello[:3], "cut short"},
		{"cut in the record", hello[:len(hello)-1], "cut short"},
		{"a ServerHello", []byte{22, 3, 3, 0, 4, 2, 0, 0, 0}, "ServerHello, not ClientHello"},
		{"an alert after half a hello", append(splitRecords(bundled(t).Raw, 100)[:105], 21, 3, 3, 0, 2, 2, 40), "content type 21"},
		{"a bad length inside", append([]byte{1, 0, 0, 3}, 3, 3, 0), "does not parse"},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := CompareJSON(nil, png); err == nil || !strings.HasPrefix(err.Error(), "the browser's hello: ") {
		t.Errorf("CompareJSON(nil, PNG) err %v: want it to name the browser's hello", err)
	}
}
