package session

import "testing"

// BenchmarkClassicHandshake is a full classic handshake in one process, key
// generation excluded (the setup is made once): ClientHello to both
// Finished verified, plus one message each way.
func BenchmarkClassicHandshake(b *testing.B) {
	setup := testSetup(b)
	for b.Loop() {
		s, err := New(setup, Options{})
		if err != nil || !s.Established() {
			b.Fatal(err, s.Export().Error)
		}
		if _, err := s.Send("client", "ping"); err != nil {
			b.Fatal(err)
		}
	}
}
