package tls13

import (
	"bytes"
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
)

// rfc8448Octets is the length the RFC prints, "(N octets)", for every value
// of testdata/rfc8448.json: a transcription error shows up as a wrong
// length here, not as a failure of the engine.
var rfc8448Octets = map[string]int{
	"client_x25519_private_key": 32,
	"client_x25519_public_key":  32,
	"server_x25519_private_key": 32,
	"server_x25519_public_key":  32,

	"client_hello":         196,
	"server_hello":         90,
	"encrypted_extensions": 40,
	"certificate":          445,
	"certificate_verify":   136,
	"server_finished":      36,
	"client_finished":      36,
	"new_session_ticket":   205,

	"shared_secret_ikm":                               32,
	"early_secret":                                    32,
	"empty_hash":                                      32,
	"derived_secret_for_handshake":                    32,
	"handshake_secret":                                32,
	"transcript_hash_client_hello_server_hello":       32,
	"client_handshake_traffic_secret":                 32,
	"server_handshake_traffic_secret":                 32,
	"derived_secret_for_master":                       32,
	"master_secret":                                   32,
	"server_handshake_write_key":                      16,
	"server_handshake_write_iv":                       12,
	"client_handshake_write_key":                      16,
	"client_handshake_write_iv":                       12,
	"server_finished_key":                             32,
	"server_finished_verify_data":                     32,
	"transcript_hash_client_hello_to_server_finished": 32,
	"client_application_traffic_secret_0":             32,
	"server_application_traffic_secret_0":             32,
	"exporter_master_secret":                          32,
	"server_application_write_key":                    16,
	"server_application_write_iv":                     12,
	"client_finished_key":                             32,
	"client_finished_verify_data":                     32,
	"client_application_write_key":                    16,
	"client_application_write_iv":                     12,
	"transcript_hash_client_hello_to_client_finished": 32,
	"resumption_master_secret":                        32,

	"server_handshake_record":          679,
	"client_finished_record":           58,
	"server_new_session_ticket_record": 227,
	"client_application_data_payload":  50,
	"client_application_data_record":   72,
	"server_application_data_payload":  50,
	"server_application_data_record":   72,
	"alert_payload_close_notify":       2,
	"client_alert_record":              24,
	"server_alert_record":              24,
}

// loadRFC8448 reads testdata/rfc8448.json and checks that it holds exactly
// the values of rfc8448Octets, each as long as the RFC says.
func loadRFC8448(t *testing.T) map[string][]byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/rfc8448.json")
	if err != nil {
		t.Fatal(err)
	}
	var strs map[string]string
	if err := json.Unmarshal(raw, &strs); err != nil {
		t.Fatalf("testdata/rfc8448.json: %v", err)
	}
	v := make(map[string][]byte, len(strs))
	for name, s := range strs {
		if strings.HasPrefix(name, "_") { // comments
			continue
		}
		want, ok := rfc8448Octets[name]
		if !ok {
			t.Errorf("testdata: %s has no RFC length in rfc8448Octets", name)
			continue
		}
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Errorf("testdata: %s: %v", name, err)
			continue
		}
		if len(b) != want {
			t.Errorf("testdata: %s is %d octets, the RFC prints %d", name, len(b), want)
		}
		v[name] = b
	}
	var missing []string
	for name := range rfc8448Octets {
		if _, ok := v[name]; !ok {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("testdata: missing %s", strings.Join(missing, ", "))
	}
	if t.Failed() {
		t.FailNow()
	}
	return v
}

// rfc8448Expect reports, without stopping, a value that differs from the RFC's.
func rfc8448Expect(t *testing.T, name string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from RFC 8448:\n got %x\nwant %x", name, got, want)
	}
}

// rfc8448Node returns the value of the key schedule node id, for the values the
// Schedule keeps only as nodes (the two "derived" secrets).
func rfc8448Node(t *testing.T, k *Schedule, id string) []byte {
	t.Helper()
	for _, n := range k.Nodes {
		if n.ID == id {
			b, err := hex.DecodeString(n.Hex())
			if err != nil {
				t.Fatalf("node %s: %v", id, err)
			}
			return b
		}
	}
	t.Errorf("key schedule has no node %q", id)
	return nil
}

func rfc8448Transcript(msgs ...[]byte) []byte {
	h := sha256.New()
	for _, m := range msgs {
		h.Write(m)
	}
	return h.Sum(nil)
}

// rfc8448Open splits one whole record with record.Parse and removes its
// protection with Open13, checking the inner content type and the sequence
// number the protector used.
func rfc8448Open(t *testing.T, name string, p *record.Protector, wire []byte, wantSeq uint64, wantType uint8, want []byte) {
	t.Helper()
	r, n, err := record.Parse(wire)
	if err != nil || n != len(wire) {
		t.Fatalf("%s: record.Parse read %d of %d bytes, err %v", name, n, len(wire), err)
	}
	if r.Type != record.TypeApplicationData || r.Version != record.VersionTLS12 {
		t.Errorf("%s: outer header type %d version 0x%04x, want application_data 0x0303", name, r.Type, r.Version)
	}
	content, typ, d, err := p.Open13(r)
	if err != nil {
		t.Fatalf("%s: Open13 (sequence number %d): %v", name, wantSeq, err)
	}
	if d.Seq != wantSeq {
		t.Errorf("%s: opened with sequence number %d, want %d", name, d.Seq, wantSeq)
	}
	if typ != wantType || d.InnerType != wantType {
		t.Errorf("%s: inner content type %d (detail %d), want %s (%d)", name, typ, d.InnerType, record.TypeName(wantType), wantType)
	}
	if d.Padding != 0 {
		t.Errorf("%s: %d padding bytes, RFC 8448 uses none", name, d.Padding)
	}
	rfc8448Expect(t, name+" plaintext", content, want)
}

// TestRFC8448SimpleOneRTT runs the engine's key schedule and TLS 1.3 record
// protection on RFC 8448, Section 3 (TLS_AES_128_GCM_SHA256 with x25519, no
// PSK) and compares every secret, key, IV, verify_data and record the RFC
// prints.
func TestRFC8448SimpleOneRTT(t *testing.T) {
	v := loadRFC8448(t)
	suite := suites.AES128GCMSHA256

	// (EC)DHE: both sides' x25519 shared secret is the RFC's IKM.
	x := ecdh.X25519()
	clientPriv, err := x.NewPrivateKey(v["client_x25519_private_key"])
	if err != nil {
		t.Fatal(err)
	}
	serverPriv, err := x.NewPrivateKey(v["server_x25519_private_key"])
	if err != nil {
		t.Fatal(err)
	}
	rfc8448Expect(t, "client_x25519_public_key", clientPriv.PublicKey().Bytes(), v["client_x25519_public_key"])
	rfc8448Expect(t, "server_x25519_public_key", serverPriv.PublicKey().Bytes(), v["server_x25519_public_key"])
	serverPub, err := x.NewPublicKey(v["server_x25519_public_key"])
	if err != nil {
		t.Fatal(err)
	}
	clientPub, err := x.NewPublicKey(v["client_x25519_public_key"])
	if err != nil {
		t.Fatal(err)
	}
	sharedClient, err := clientPriv.ECDH(serverPub)
	if err != nil {
		t.Fatal(err)
	}
	sharedServer, err := serverPriv.ECDH(clientPub)
	if err != nil {
		t.Fatal(err)
	}
	rfc8448Expect(t, "shared secret (client side) = shared_secret_ikm", sharedClient, v["shared_secret_ikm"])
	rfc8448Expect(t, "shared secret (server side) = shared_secret_ikm", sharedServer, v["shared_secret_ikm"])

	// Early secret → handshake secret.
	k := NewSchedule(suite)
	if k.Hash() != suite.Hash {
		t.Fatalf("schedule hash %v, want %v", k.Hash(), suite.Hash)
	}
	k.Start(sharedClient)
	rfc8448Expect(t, "early_secret", k.Early, v["early_secret"])
	rfc8448Expect(t, "derived_secret_for_handshake (node derived_early)", rfc8448Node(t, k, "derived_early"), v["derived_secret_for_handshake"])
	rfc8448Expect(t, "handshake_secret", k.Handshake, v["handshake_secret"])
	rfc8448Expect(t, "empty_hash", sha256.New().Sum(nil), v["empty_hash"])

	// Handshake traffic secrets over ClientHello‖ServerHello; master secret.
	ch, sh := v["client_hello"], v["server_hello"]
	ee, cert, cv := v["encrypted_extensions"], v["certificate"], v["certificate_verify"]
	sfin, cfin := v["server_finished"], v["client_finished"]
	// Both Finished messages are a 4-byte header (finished, 32) and verify_data.
	for _, f := range []struct {
		name string
		msg  []byte
	}{{"server_finished", sfin}, {"client_finished", cfin}} {
		if !bytes.Equal(f.msg[:4], []byte{20, 0, 0, 32}) {
			t.Fatalf("testdata: %s does not start with a Finished header of 32 bytes: %x", f.name, f.msg[:4])
		}
	}
	thHello := rfc8448Transcript(ch, sh)
	rfc8448Expect(t, "transcript_hash_client_hello_server_hello", thHello, v["transcript_hash_client_hello_server_hello"])
	k.HandshakeTraffic(thHello)
	rfc8448Expect(t, "client_handshake_traffic_secret", k.ClientHandshake, v["client_handshake_traffic_secret"])
	rfc8448Expect(t, "server_handshake_traffic_secret", k.ServerHandshake, v["server_handshake_traffic_secret"])
	rfc8448Expect(t, "derived_secret_for_master (node derived_hs)", rfc8448Node(t, k, "derived_hs"), v["derived_secret_for_master"])
	rfc8448Expect(t, "master_secret", k.Master, v["master_secret"])

	serverHS := k.Keys(suite, k.ServerHandshake, "s_hs", "server")
	clientHS := k.Keys(suite, k.ClientHandshake, "c_hs", "client")
	rfc8448Expect(t, "server_handshake_write_key", serverHS.Key, v["server_handshake_write_key"])
	rfc8448Expect(t, "server_handshake_write_iv", serverHS.IV, v["server_handshake_write_iv"])
	rfc8448Expect(t, "client_handshake_write_key", clientHS.Key, v["client_handshake_write_key"])
	rfc8448Expect(t, "client_handshake_write_iv", clientHS.IV, v["client_handshake_write_iv"])

	// Server Finished over ClientHello…CertificateVerify.
	serverFK := k.FinishedKey(k.ServerHandshake, "s_hs", "server")
	rfc8448Expect(t, "server_finished_key", serverFK, v["server_finished_key"])
	serverVD := FinishedMAC(suite.Hash, serverFK, rfc8448Transcript(ch, sh, ee, cert, cv))
	rfc8448Expect(t, "server_finished_verify_data", serverVD, v["server_finished_verify_data"])
	rfc8448Expect(t, "verify_data inside server_finished", serverVD, sfin[4:])

	// Application traffic and exporter secrets over ClientHello…server Finished.
	thServerFin := rfc8448Transcript(ch, sh, ee, cert, cv, sfin)
	rfc8448Expect(t, "transcript_hash_client_hello_to_server_finished", thServerFin, v["transcript_hash_client_hello_to_server_finished"])
	k.AppTraffic(thServerFin)
	rfc8448Expect(t, "client_application_traffic_secret_0", k.ClientApp, v["client_application_traffic_secret_0"])
	rfc8448Expect(t, "server_application_traffic_secret_0", k.ServerApp, v["server_application_traffic_secret_0"])
	rfc8448Expect(t, "exporter_master_secret", k.Exporter, v["exporter_master_secret"])
	serverAP := k.Keys(suite, k.ServerApp, "s_ap", "server")
	clientAP := k.Keys(suite, k.ClientApp, "c_ap", "client")
	rfc8448Expect(t, "server_application_write_key", serverAP.Key, v["server_application_write_key"])
	rfc8448Expect(t, "server_application_write_iv", serverAP.IV, v["server_application_write_iv"])
	rfc8448Expect(t, "client_application_write_key", clientAP.Key, v["client_application_write_key"])
	rfc8448Expect(t, "client_application_write_iv", clientAP.IV, v["client_application_write_iv"])

	// Client Finished over ClientHello…server Finished.
	clientFK := k.FinishedKey(k.ClientHandshake, "c_hs", "client")
	rfc8448Expect(t, "client_finished_key", clientFK, v["client_finished_key"])
	clientVD := FinishedMAC(suite.Hash, clientFK, thServerFin)
	rfc8448Expect(t, "client_finished_verify_data", clientVD, v["client_finished_verify_data"])
	rfc8448Expect(t, "verify_data inside client_finished", clientVD, cfin[4:])

	// Resumption master secret over ClientHello…client Finished.
	thClientFin := rfc8448Transcript(ch, sh, ee, cert, cv, sfin, cfin)
	rfc8448Expect(t, "transcript_hash_client_hello_to_client_finished", thClientFin, v["transcript_hash_client_hello_to_client_finished"])
	k.ResumptionMaster(thClientFin)
	rfc8448Expect(t, "resumption_master_secret", k.Resumption, v["resumption_master_secret"])

	if t.Failed() {
		t.FailNow() // the records below would only fail for the same reason
	}

	newProtector := func(name string, tk TrafficKeys) *record.Protector {
		t.Helper()
		p, err := record.New13(suite.AEAD, tk.Key, tk.IV)
		if err != nil {
			t.Fatalf("%s: record.New13: %v", name, err)
		}
		return p
	}

	// The server's encrypted flight: one record, sequence number 0 under
	// the server handshake keys.
	flight := bytes.Join([][]byte{ee, cert, cv, sfin}, nil)
	rfc8448Open(t, "server_handshake_record", newProtector("server handshake", serverHS),
		v["server_handshake_record"], 0, record.TypeHandshake, flight)

	// The client's Finished: sealed again under the client handshake keys it
	// is the RFC's record byte for byte, and it opens.
	seal := newProtector("client handshake (seal)", clientHS)
	rec, d := seal.Seal13(record.TypeHandshake, cfin, 0)
	if d.Seq != 0 {
		t.Errorf("client Finished sealed with sequence number %d, want 0", d.Seq)
	}
	rfc8448Expect(t, "client_finished_record (Seal13)", rec.Marshal(), v["client_finished_record"])
	rfc8448Open(t, "client_finished_record", newProtector("client handshake (open)", clientHS),
		v["client_finished_record"], 0, record.TypeHandshake, cfin)

	// The server application keys protect the NewSessionTicket first
	// (sequence number 0), then the application data (1), then close_notify (2).
	serverApp := newProtector("server application", serverAP)
	rfc8448Open(t, "server_new_session_ticket_record", serverApp,
		v["server_new_session_ticket_record"], 0, record.TypeHandshake, v["new_session_ticket"])
	rfc8448Open(t, "server_application_data_record", serverApp,
		v["server_application_data_record"], 1, record.TypeApplicationData, v["server_application_data_payload"])
	rfc8448Open(t, "server_alert_record", serverApp,
		v["server_alert_record"], 2, record.TypeAlert, v["alert_payload_close_notify"])

	// The client application keys: application data (0), then close_notify (1),
	// both opened and sealed again.
	clientApp := newProtector("client application (open)", clientAP)
	rfc8448Open(t, "client_application_data_record", clientApp,
		v["client_application_data_record"], 0, record.TypeApplicationData, v["client_application_data_payload"])
	rfc8448Open(t, "client_alert_record", clientApp,
		v["client_alert_record"], 1, record.TypeAlert, v["alert_payload_close_notify"])
	clientSeal := newProtector("client application (seal)", clientAP)
	rec, _ = clientSeal.Seal13(record.TypeApplicationData, v["client_application_data_payload"], 0)
	rfc8448Expect(t, "client_application_data_record (Seal13)", rec.Marshal(), v["client_application_data_record"])
	rec, _ = clientSeal.Seal13(record.TypeAlert, v["alert_payload_close_notify"], 0)
	rfc8448Expect(t, "client_alert_record (Seal13)", rec.Marshal(), v["client_alert_record"])
}
