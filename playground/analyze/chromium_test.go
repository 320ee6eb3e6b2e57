package analyze

import (
	"bytes"
	"os"
	"testing"
)

// TestChromiumClientHello: a real browser's ClientHello (headless Chromium,
// recorded into testdata by scripts/record-chromium-hello) is covered byte
// by byte with nothing unknown: GREASE in every list and as extensions,
// ECH (GREASE), ALPS, compress_certificate and the hybrid key share are all
// named.
func TestChromiumClientHello(t *testing.T) {
	b, err := os.ReadFile("testdata/chromium.hello")
	if err != nil {
		t.Fatal(err)
	}
	a := New()
	seen := map[string]int{}
	values := map[string][]string{}
	for off, i := 0, 0; off < len(b); i++ {
		if off+5 > len(b) {
			t.Fatalf("%d bytes after the last record", len(b)-off)
		}
		n := 5 + (int(b[off+3])<<8 | int(b[off+4]))
		wire := b[off : off+n]
		off += n
		tr := a.Record(Record{FromClient: true, Wire: wire})
		checkTree(t, "chromium record "+itoa(i), tr.Wire, len(wire), false)
		if !bytes.Equal(leaves(tr.Wire, wire), wire) {
			t.Error("the leaves do not re-encode the record")
		}
		kindsSeen(tr.Wire, seen)
		var collect func(f *Field)
		collect = func(f *Field) {
			values[f.Kind] = append(values[f.Kind], f.Value)
			for _, c := range f.Children {
				collect(c)
			}
		}
		collect(tr.Wire)
		if t.Failed() {
			t.Log(dump(t, tr))
			t.FailNow()
		}
	}
	for _, k := range []string{
		"handshake.client_hello",
		"client_hello.cipher_suite.grease", "ext.grease", "ext.supported_groups.group.grease",
		"ext.supported_versions.version.grease", "ext.key_share.group.grease",
		"ext.encrypted_client_hello", "ext.encrypted_client_hello.payload",
		"ext.application_settings", "ext.compress_certificate", "ext.compress_certificate.algorithm",
		"ext.alpn", "ext.server_name", "ext.status_request", "ext.signed_certificate_timestamp",
		"ext.extended_master_secret", "ext.renegotiation_info", "ext.session_ticket", "ext.psk_key_exchange_modes",
		"ext.signature_algorithms", "ext.ec_point_formats",
		"key_share.mlkem768_encapsulation_key", "key_share.x25519",
	} {
		if seen[k] == 0 {
			t.Errorf("no %s in Chromium's ClientHello", k)
		}
	}
	if seen["ext.grease"] < 2 {
		t.Errorf("%d GREASE extensions, Chromium sends 2", seen["ext.grease"])
	}
	found := false
	for _, v := range values["ext.alpn.protocol_name.data"] {
		found = found || v == `"h2"`
	}
	if !found {
		t.Errorf("ALPN protocols %q: no h2", values["ext.alpn.protocol_name.data"])
	}
}

// TestOtherClientHellos: OpenSSL's and GnuTLS's ClientHellos (s_client
// and gnutls-cli, recorded into testdata the same way) are covered with
// nothing unknown.
func TestOtherClientHellos(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string
	}{
		{"testdata/openssl.hello", []string{"ext.server_name", "ext.alpn", "ext.status_request", "ext.encrypt_then_mac", "ext.extended_master_secret",
			"ext.session_ticket", "ext.supported_versions", "ext.key_share", "ext.psk_key_exchange_modes", "ext.ec_point_formats"}},
		{"testdata/gnutls.hello", []string{"ext.server_name", "ext.alpn", "ext.status_request", "ext.record_size_limit", "ext.renegotiation_info",
			"ext.supported_versions", "ext.key_share", "ext.psk_key_exchange_modes", "ext.extended_master_secret", "ext.encrypt_then_mac"}},
	} {
		b, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		a := New()
		seen := map[string]int{}
		for off := 0; off < len(b); {
			n := 5 + (int(b[off+3])<<8 | int(b[off+4]))
			tr := a.Record(Record{FromClient: true, Wire: b[off : off+n]})
			checkTree(t, c.file, tr.Wire, n, false)
			kindsSeen(tr.Wire, seen)
			if t.Failed() {
				t.Log(dump(t, tr))
				t.FailNow()
			}
			off += n
		}
		for _, k := range c.want {
			if seen[k] == 0 {
				t.Errorf("%s: no %s", c.file, k)
			}
		}
	}
}
