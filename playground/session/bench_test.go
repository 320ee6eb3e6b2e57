package session

import (
	"crypto/tls"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
)

// benchCase is one handshake timed, by the engine and by crypto/tls alike:
// one message each way after the handshake, key generation excluded (the
// setup is made once). TestBenchAlike checks that both do the same work.
type benchCase struct {
	name, mode, group string
	keyType           string
	// suites is the engine's suite list on both ends, when its default
	// order would negotiate another suite than crypto/tls does: crypto/tls
	// picks TLS_AES_128_GCM_SHA256 in TLS 1.3 and cannot be told otherwise,
	// the engine prefers TLS_AES_256_GCM_SHA384.
	suites []string
	std    *tls.Config // crypto/tls's version of the same handshake
}

// tls13Suites is crypto/tls's TLS 1.3 order on a machine with AES-GCM in
// hardware.
var tls13Suites = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}

var benchCases = []benchCase{
	{"classic-rsa2048", ModeClassic, "", pki.KeyRSA, nil, &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_256_GCM_SHA384}}},
	{"ecdhe-rsa2048-x25519", ModeECDHE, "x25519", pki.KeyRSA, nil, &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}, CurvePreferences: []tls.CurveID{tls.X25519}}},
	{"tls13-rsa2048-x25519", ModeTLS13, "x25519", pki.KeyRSA, tls13Suites, &tls.Config{MinVersion: tls.VersionTLS13, CurvePreferences: []tls.CurveID{tls.X25519}}},
	{"tls13-ecdsa-x25519", ModeTLS13, "x25519", pki.KeyECDSA, tls13Suites, &tls.Config{MinVersion: tls.VersionTLS13, CurvePreferences: []tls.CurveID{tls.X25519}}},
	{"tls13-ecdsa-mlkem", ModeTLS13, "X25519MLKEM768", pki.KeyECDSA, tls13Suites, &tls.Config{MinVersion: tls.VersionTLS13, CurvePreferences: []tls.CurveID{tls.X25519MLKEM768}}},
}

var benchSetups = map[string]*pki.Setup{}

// benchSetup is the setup of the benchmarks, made once per process from the
// golden exports' fixed RSA keys and a seeded Rand: RSA key generation takes
// a varying time (package pki), and a benchmark process that made its keys
// would cost a varying amount of CPU outside the handshakes timed
// (scripts/cpubench subtracts two runs of the whole process).
func benchSetup(b testing.TB, keyType string) *pki.Setup {
	if s := benchSetups[keyType]; s != nil {
		return s
	}
	ca, key := fixedKeys(b)
	opt := pki.Options{KeyType: keyType, CAKey: ca, Rand: rng.New([]byte("bench " + keyType))}
	if keyType == pki.KeyRSA {
		opt.Key = key
	}
	s, err := pki.NewSetup(opt)
	if err != nil {
		b.Fatal(err)
	}
	benchSetups[keyType] = s
	return s
}

// BenchmarkHandshake is a full handshake by the engine, both ends in one
// process with the page's trace recorded, per mode.
func BenchmarkHandshake(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			setup := benchSetup(b, c.keyType)
			if _, err := New(setup, Options{Mode: c.mode, Group: c.group}); err != nil {
				b.Skip(err) // a mode not built yet
			}
			for b.Loop() {
				engineHandshake(b, setup, c)
			}
		})
	}
}

// BenchmarkHandshakeExport is BenchmarkHandshake and then what the page
// does with the session: its export, in JSON as the page writes it
// (Export.AppendJSON: the trace formatted, hex, decoded certificates).
func BenchmarkHandshakeExport(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			setup := benchSetup(b, c.keyType)
			size := 0
			for b.Loop() {
				s := engineHandshake(b, setup, c)
				size = len(s.Export().AppendJSON(exportBuffer(size)))
			}
		})
	}
}

// BenchmarkCryptoTLSHandshake is the same handshakes between two crypto/tls
// ends over net.Pipe, for comparison.
func BenchmarkCryptoTLSHandshake(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			cfg := stdConfig(benchSetup(b, c.keyType), c.std)
			for b.Loop() {
				stdHandshake(b, cfg)
			}
		})
	}
}

// BenchmarkHandshakeRatio times the engine's handshakes and crypto/tls's in
// turns, batch by batch in one process, and reports the median of the
// ratios of their times (engine/crypto-tls): where CPU time cannot be read
// (Go wasm under Node), a ratio taken batch by batch is what load on the
// machine disturbs least. Each iteration is one batch of each.
func BenchmarkHandshakeRatio(b *testing.B) {
	const batch = 10
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			setup := benchSetup(b, c.keyType)
			cfg := stdConfig(setup, c.std)
			engine := func() {
				for range batch {
					engineHandshake(b, setup, c)
				}
			}
			std := func() {
				for range batch {
					stdHandshake(b, cfg)
				}
			}
			var ratios []float64
			inTurns(b, engine, std, func(e, s time.Duration) {
				ratios = append(ratios, float64(e)/float64(s))
			})
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "engine/crypto-tls")
		})
	}
}

// inTurns runs x and y once per iteration of b's loop, in turns (x first
// on even iterations, y first on odd ones, so that neither always pays for
// the other's garbage), and hands each pair of times to got, x's first.
func inTurns(b *testing.B, x, y func(), got func(tx, ty time.Duration)) {
	for i := 0; b.Loop(); i++ {
		first, second := x, y
		if i%2 == 1 {
			first, second = y, x
		}
		t0 := time.Now()
		first()
		t1 := time.Now()
		second()
		t2 := time.Now()
		tx, ty := t1.Sub(t0), t2.Sub(t1)
		if i%2 == 1 {
			tx, ty = ty, tx
		}
		got(tx, ty)
	}
}

// engineHandshake is one session by the engine: the handshake, then one
// message each way.
func engineHandshake(b testing.TB, setup *pki.Setup, c benchCase) *Session {
	s, err := New(setup, Options{Mode: c.mode, Group: c.group, ClientSuites: c.suites, ServerSuites: c.suites})
	if err != nil || !s.Established() {
		b.Fatal(err, s.Export().Error)
	}
	if _, err := s.Send("client", "ping"); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Send("server", "pong"); err != nil {
		b.Fatal(err)
	}
	return s
}

// stdConfig is crypto/tls's configuration of a handshake with setup's key
// and chain.
func stdConfig(setup *pki.Setup, std *tls.Config) *tls.Config {
	cfg := std.Clone()
	cfg.RootCAs, cfg.ServerName = setup.Roots(), setup.ServerName
	cfg.Certificates = []tls.Certificate{{Certificate: setup.Chain, PrivateKey: setup.Signer}}
	return cfg
}

// stdHandshake is the same session between two crypto/tls ends.
func stdHandshake(b testing.TB, cfg *tls.Config) {
	c1, c2 := net.Pipe()
	srv, cli := tls.Server(c2, cfg), tls.Client(c1, cfg)
	done := make(chan error, 1)
	go func() {
		err := srv.Handshake()
		if err == nil {
			buf := make([]byte, 4)
			if _, err = io.ReadFull(srv, buf); err == nil {
				_, err = srv.Write([]byte("pong"))
			}
		}
		done <- err
	}()
	if err := cli.Handshake(); err != nil {
		b.Fatal(err)
	}
	if _, err := cli.Write([]byte("ping")); err != nil {
		b.Fatal(err)
	}
	if _, err := io.ReadFull(cli, make([]byte, 4)); err != nil {
		b.Fatal(err)
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	c1.Close() // close the raw pipe: tls.Conn.Close on a pipe stalls (DESIGN.md)
	c2.Close()
}
