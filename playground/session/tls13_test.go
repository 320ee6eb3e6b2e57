package session

import (
	"regexp"
	"strings"
	"testing"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
)

func setupOf(t testing.TB, keyType string) *pki.Setup {
	t.Helper()
	if keyType == pki.KeyRSA {
		return testSetup(t)
	}
	s, err := pki.NewSetup(pki.Options{KeyType: keyType, Rand: rng.New([]byte("session " + keyType))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTLS13Session(t *testing.T) {
	for _, keyType := range pki.KeyTypes() {
		for _, group := range []string{"", "x25519", "secp256r1", "X25519MLKEM768"} {
			t.Run(keyType+"/"+group, func(t *testing.T) {
				s, err := New(setupOf(t, keyType), Options{Mode: ModeTLS13, Group: group, Seed: []byte("t13")})
				if err != nil {
					t.Fatal(err)
				}
				if !s.Established() {
					t.Fatalf("not established: %+v", s.Export().Error)
				}
				for _, from := range []string{"client", "server"} {
					ex, err := s.Send(from, "hello from the "+from)
					if err != nil || ex.Decrypted != "hello from the "+from {
						t.Fatalf("%s: %v %q", from, err, ex.Decrypted)
					}
				}
				s.Close()
				e := s.Export()
				wantGroup := group
				if wantGroup == "" {
					wantGroup = "X25519MLKEM768"
				}
				if e.Version != "TLS 1.3" || e.Mode != ModeTLS13 || e.Group != wantGroup || e.SignatureScheme == "" || !e.ForwardSecrecy || e.RoundTrips != 1 || e.HelloRetry {
					t.Fatalf("export header: %+v", e)
				}
				if e.KeyShare == nil || !e.KeyShare.Match || e.KeyShare.ClientShared == "" || e.KeyShare.ServerPrivate == "" {
					t.Fatalf("key share: %+v", e.KeyShare)
				}
				for _, label := range []string{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"} {
					if !regexp.MustCompile(`(?m)^` + label + ` [0-9a-f]{64} [0-9a-f]{64,96}$`).MatchString(e.Keylog) {
						t.Fatalf("keylog lacks %s:\n%s", label, e.Keylog)
					}
				}
				if strings.Trim(e.Secrets["masterSecret"], "0") == "" || e.Secrets["clientApplicationKey"] == "" {
					t.Fatalf("secrets: %v", e.Secrets)
				}
				ids := map[string]bool{}
				for _, n := range e.KeySchedule.Nodes {
					ids[n.ID] = true
					for _, p := range n.From {
						if !ids[p] {
							t.Fatalf("node %s comes from %s, which is not before it", n.ID, p)
						}
					}
				}
				for _, id := range []string{"early", "handshake", "master", "c_hs", "s_hs", "c_ap", "s_ap", "c_ap_key", "s_hs_iv"} {
					if !ids[id] {
						t.Fatalf("key schedule lacks %s", id)
					}
				}
				// In TLS 1.3 everything after ServerHello is encrypted.
				for _, m := range e.Messages {
					clear := m.Name == "ClientHello" || m.Name == "ServerHello" || m.Name == "HelloRetryRequest"
					if clear == m.Encrypted {
						t.Fatalf("%s from %s: encrypted=%v", m.Name, m.From, m.Encrypted)
					}
				}
				for i, st := range e.Steps {
					if len(st.Events) == 0 {
						t.Fatalf("step %d has no events", i+1)
					}
				}
			})
		}
	}
}

func TestTLS13HelloRetry(t *testing.T) {
	s, err := New(testSetup(t), Options{Mode: ModeTLS13, Group: "x25519", ServerGroups: []string{"secp256r1"}})
	if err != nil {
		t.Fatal(err)
	}
	e := s.Export()
	if !s.Established() || !e.HelloRetry || e.Group != "secp256r1" || e.RoundTrips != 2 {
		t.Fatalf("hrr %v group %s rt %d err %+v", e.HelloRetry, e.Group, e.RoundTrips, e.Error)
	}
	if e.Messages[1].Name != "HelloRetryRequest" || e.Messages[2].Name != "ClientHello" {
		t.Fatalf("messages: %+v", e.Messages[:3])
	}
}

func TestTLS13Errors(t *testing.T) {
	if _, err := New(testSetup(t), Options{Mode: ModeTLS13, Group: "x448"}); err == nil || !strings.Contains(err.Error(), "x448") {
		t.Fatalf("bad group: %v", err)
	}
	if _, err := New(testSetup(t), Options{Mode: "ssl3"}); err == nil || !strings.Contains(err.Error(), "ssl3") {
		t.Fatalf("bad mode: %v", err)
	}
	s, _ := New(testSetup(t), Options{Mode: ModeTLS13, ClientSuites: []string{"TLS_AES_128_GCM_SHA256"}, ServerSuites: []string{"TLS_AES_256_GCM_SHA384"}})
	if e := s.Export(); e.Error == nil || e.Error.Alert != "handshake_failure" || e.Error.Side != "server" {
		t.Fatalf("no common suite: %+v", e.Error)
	}
	ed := setupOf(t, pki.KeyEd25519)
	if _, err := New(ed, Options{}); err == nil {
		t.Fatal("classic with an Ed25519 key accepted")
	}
}

// TestTLS13Tamper: a changed byte of any encrypted handshake record fails
// with bad_record_mac; a changed ServerHello key share or random fails too,
// and nothing panics.
func TestTLS13Tamper(t *testing.T) {
	base, _ := New(testSetup(t), Options{Mode: ModeTLS13, Group: "x25519", Seed: []byte("tamper13")})
	e := base.Export()
	for idx, r := range e.Records {
		n := len(r.Hex) / 2
		for pos := 0; pos < n; pos++ {
			if idx <= 1 && (pos == 1 || pos == 2) {
				continue // record versions of the hellos are not authenticated
			}
			s, _ := New(testSetup(t), Options{Mode: ModeTLS13, Group: "x25519", Seed: []byte("tamper13"), Deliver: flip(idx, pos)})
			if s.Established() {
				t.Fatalf("record %d (%s) byte %d: handshake succeeded with a changed message", idx, e.Messages[idx].Name, pos)
			}
			if e.Messages[idx].Encrypted && pos >= 5 {
				if got := s.Export().Error; got == nil || got.Alert != "bad_record_mac" {
					t.Fatalf("record %d (%s) byte %d: %+v", idx, e.Messages[idx].Name, pos, got)
				}
			}
		}
	}
}
