package conn_test

import (
	"testing"

	"tlsplayground/playground/trace"
)

// BenchmarkHandshake is a full handshake between the engine's own ends,
// both versions, with the page's trace and without one (the HTTP server
// records none unless the client asks).
func BenchmarkHandshake(b *testing.B) {
	s := setup(b)
	for _, v := range versions {
		for _, traced := range []bool{false, true} {
			name := v.name + "/no trace"
			if traced {
				name = v.name + "/trace"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var rec *trace.Recorder
					if traced {
						rec = &trace.Recorder{}
					}
					cli, srv := v.pair("bench", s, rec)
					if err := handshake(cli, srv); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
