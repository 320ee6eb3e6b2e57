package session

import (
	"testing"

	"tlsplayground/playground/pki"
)

func TestECDHESession(t *testing.T) {
	for _, keyType := range pki.KeyTypes() {
		for _, group := range []string{"x25519", "secp256r1"} {
			t.Run(keyType+"/"+group, func(t *testing.T) {
				s, err := New(setupOf(t, keyType), Options{Mode: ModeECDHE, Group: group})
				if err != nil {
					t.Fatal(err)
				}
				if !s.Established() {
					t.Fatalf("not established: %+v", s.Export().Error)
				}
				ex, err := s.Send("server", "hello")
				if err != nil || ex.Decrypted != "hello" {
					t.Fatalf("send: %v", err)
				}
				s.Close()
				e := s.Export()
				if e.Version != "TLS 1.2" || e.Group != group || !e.ForwardSecrecy || e.RoundTrips != 2 || e.SignatureScheme == "" {
					t.Fatalf("export: %s %s fs=%v rt=%d scheme=%q", e.Version, e.Group, e.ForwardSecrecy, e.RoundTrips, e.SignatureScheme)
				}
				if e.KeyShare == nil || !e.KeyShare.Match || e.KeyShare.ServerPrivate == "" {
					t.Fatalf("key share: %+v", e.KeyShare)
				}
				found := false
				for _, m := range e.Messages {
					found = found || m.Name == "ServerKeyExchange"
				}
				if !found || e.Steps[4].Title == classicSteps[4].Title {
					t.Fatal("no ServerKeyExchange, or classic step texts")
				}
			})
		}
	}
	if _, err := New(testSetup(t), Options{Mode: ModeECDHE, Group: "X25519MLKEM768"}); err == nil {
		t.Fatal("ML-KEM accepted in TLS 1.2")
	}
}
