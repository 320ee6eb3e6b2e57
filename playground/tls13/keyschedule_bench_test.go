package tls13_test

import (
	"testing"

	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls13"
)

// BenchmarkKeySchedule runs one side's key schedule of a full handshake:
// the stages, both directions' handshake and application keys, both
// Finished keys and the resumption master secret, nodes recorded.
func BenchmarkKeySchedule(b *testing.B) {
	for _, s := range []*suites.Suite{suites.AES128GCMSHA256, suites.AES256GCMSHA384} {
		b.Run(s.Name, func(b *testing.B) {
			shared, th := make([]byte, 32), make([]byte, s.Hash.Size())
			b.ReportAllocs()
			for b.Loop() {
				k := tls13.NewSchedule(s)
				k.Start(shared)
				k.HandshakeTraffic(th)
				k.Keys(s, k.ClientHandshake, "c_hs", "client handshake")
				k.Keys(s, k.ServerHandshake, "s_hs", "server handshake")
				k.FinishedKey(k.ServerHandshake, "s_hs", "server")
				k.FinishedKey(k.ClientHandshake, "c_hs", "client")
				k.AppTraffic(th)
				k.Keys(s, k.ClientApp, "c_ap", "client application")
				k.Keys(s, k.ServerApp, "s_ap", "server application")
				k.ResumptionMaster(th)
			}
		})
	}
}
