package main

import (
	"encoding/json"
	"strings"
	"testing"

	"tlsplayground/playground/limits"
	"tlsplayground/playground/session"
)

// The same bound in two places would drift: the session refuses what the
// API lets through.
func TestMessageLimitIsTheSession(t *testing.T) {
	if limits.Message != session.MaxMessage {
		t.Fatalf("limits.Message %d, session.MaxMessage %d", limits.Message, session.MaxMessage)
	}
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

// limitCase is one call of TestAPILimits and the error it must give.
type limitCase struct {
	name string
	call func() (string, error)
	want string
}

// TestAPILimits: every length the page (or any caller of the wasm API)
// gives is checked before the engine sees it, and refused with an error
// naming the method, the argument and the limit, not a recovered panic
// ("internal error"). A 70,000-byte serverName in remoteStart and a list of
// 40,000 suites in newSession used to panic in cryptobyte.
func TestAPILimits(t *testing.T) {
	a, id := withIdentity(t)
	trust := jsonString(id.TrustPEM)
	long := func(n int) string { return strings.Repeat("a", n) }
	list := func(item string, n int) string {
		return `[` + strings.TrimSuffix(strings.Repeat(jsonString(item)+",", n), ",") + `]`
	}
	seed130 := strings.Repeat("ab", 65)

	// remoteDeliver needs a remote session.
	if _, err := a.RemoteStart(`{"serverName":"playground.test","trustPem":` + trust + `}`); err != nil {
		t.Fatal(err)
	}
	for _, c := range append([]limitCase{
		{"setup serverName of 70,000 bytes", func() (string, error) { return a.Setup(`{"serverName":"`+long(70000)+`"}`, nil) }, "setup: serverName is 70000 bytes: the limit is 253"},
		{"setup serverName with a space", func() (string, error) { return a.Setup(`{"serverName":"a b"}`, nil) }, `setup: serverName "a b" contains ' '`},
		{"setup seed of 65 bytes", func() (string, error) { return a.Setup(`{"seed":"`+seed130+`"}`, nil) }, "setup: seed is 130 hex digits: the limit is 128"},
		{"newSession clientSuites of 40,000 entries", func() (string, error) {
			return a.NewSession(`{"mode":"tls13","clientSuites":` + list("TLS_AES_128_GCM_SHA256", 40000) + `}`)
		}, "newSession: clientSuites is 40000 entries: the limit is 32"},
		{"newSession clientSuites naming a suite twice", func() (string, error) {
			return a.NewSession(`{"mode":"tls13","clientSuites":` + list("TLS_AES_128_GCM_SHA256", 2) + `}`)
		}, `newSession: clientSuites names "TLS_AES_128_GCM_SHA256" twice`},
		{"newSession serverSuites of 33 entries", func() (string, error) { return a.NewSession(`{"serverSuites":` + list("x", 33) + `}`) }, "newSession: serverSuites is 33 entries: the limit is 32"},
		{"newSession serverGroups naming a group twice", func() (string, error) {
			return a.NewSession(`{"mode":"tls13","serverGroups":["x25519","x25519"]}`)
		}, `newSession: serverGroups names "x25519" twice`},
		{"newSession tamper of 33 entries", func() (string, error) {
			return a.NewSession(`{"tamper":[` + strings.TrimSuffix(strings.Repeat(`{"record":1},`, 33), ",") + `]}`)
		}, "newSession: tamper is 33 entries: the limit is 32"},
		{"newSession seed of 65 bytes", func() (string, error) { return a.NewSession(`{"seed":"` + seed130 + `"}`) }, "newSession: seed is 130 hex digits"},
		{"send text of 65,537 bytes", func() (string, error) { return a.Send(`{"from":"client","text":"` + long(65537) + `"}`) }, "send: text is 65537 bytes: the limit is 65536 (the engine splits it into records of at most 16384 bytes, RFC 8446 §5.1)"},
		{"remoteStart serverName of 70,000 bytes", func() (string, error) {
			return a.RemoteStart(`{"serverName":"` + long(70000) + `","trustPem":` + trust + `}`)
		}, "remoteStart: serverName is 70000 bytes: the limit is 253"},
		{"remoteStart serverName of 254 bytes", func() (string, error) {
			return a.RemoteStart(`{"serverName":"` + long(60) + "." + long(60) + "." + long(60) + "." + long(60) + "." + long(10) + `","trustPem":` + trust + `}`)
		}, "remoteStart: serverName is 254 bytes: the limit is 253"},
		{"remoteStart serverName with a NUL", func() (string, error) {
			return a.RemoteStart(`{"serverName":"a\u0000b","trustPem":` + trust + `}`)
		}, `remoteStart: serverName "a\x00b" contains '\x00'`},
		{"remoteStart trustPem of 1 MiB + 1", func() (string, error) {
			return a.RemoteStart(`{"serverName":"playground.test","trustPem":"` + long(1<<20+1) + `"}`)
		}, "remoteStart: trustPem is 1048577 bytes: the limit is 1048576"},
		{"remoteStart seed of 65 bytes", func() (string, error) {
			return a.RemoteStart(`{"serverName":"playground.test","trustPem":` + trust + `,"seed":"` + seed130 + `"}`)
		}, "remoteStart: seed is 130 hex digits"},
		{"remoteDeliver records over 1 MiB", func() (string, error) {
			return a.RemoteDeliver(`{"records":"` + strings.Repeat("AAAA", (1<<20)/3+1) + `"}`)
		}, "remoteDeliver: records is 1048578 bytes: the limit is 1048576"},
		{"remoteDeliver trace over 1 MiB", func() (string, error) { return a.RemoteDeliver(`{"trace":"` + long(1<<20+1) + `"}`) }, "remoteDeliver: trace is 1048577 bytes"},
		{"remoteSend text of 65,537 bytes", func() (string, error) { return a.RemoteSend(`{"text":"` + long(65537) + `"}`) }, "remoteSend: text is 65537 bytes"},
		{"an argument over 4 MiB", func() (string, error) { return a.NewSession(`{"mode":"` + long(4<<20) + `"}`) }, "newSession: the argument is 4194315 bytes: the limit is 4194304"},
	}, labLimitCases(a, long, seed130)...) {
		t.Run(c.name, func(t *testing.T) {
			var out string
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic: %.200v", r)
					}
				}()
				out, err = c.call()
			}()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %.300v (%.100s), want an error with %q", err, out, c.want)
			}
			if len(err.Error()) > 400 {
				t.Errorf("the error quotes the whole input: %d bytes", len(err.Error()))
			}
		})
	}
}

// TestAPIArgumentShape: the argument is one JSON object; a number, null,
// an array or two objects are refused, naming the method. Methods without
// an argument take nothing, "" or "{}".
func TestAPIArgumentShape(t *testing.T) {
	a := &API{}
	for _, c := range []struct{ arg, want string }{
		{`123`, `newSession: the argument must be a JSON object such as {} (got "123")`},
		{`null`, `newSession: the argument must be a JSON object such as {} (got "null")`},
		{`[]`, `newSession: the argument must be a JSON object`},
		{`"tls13"`, `newSession: the argument must be a JSON object`},
		{`{} {}`, `newSession: bad argument "{} {}": more than one JSON value`},
	} {
		if _, err := a.NewSession(c.arg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("newSession(%s): %v, want %q", c.arg, err, c.want)
		}
	}
	for _, arg := range []string{"", "{}", " { } "} {
		if err := noArgument("close", arg); err != nil {
			t.Errorf("close(%q): %v", arg, err)
		}
	}
	if err := noArgument("close", `{"now":true}`); err == nil || !strings.Contains(err.Error(), `close: bad argument`) || !strings.Contains(err.Error(), `unknown field "now"`) {
		t.Errorf("close with a field: %v", err)
	}
}

// TestLongMessageSpansRecords: a message over 2^14 bytes is split into
// records of at most 2^14 bytes (RFC 8446 §5.1) and arrives whole.
func TestLongMessageSpansRecords(t *testing.T) {
	a := &API{}
	if _, err := a.Setup(`{"keyType":"ecdsa"}`, nil); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"tls13", "ecdhe"} {
		if _, err := a.NewSession(`{"mode":"` + mode + `"}`); err != nil {
			t.Fatal(err)
		}
		before := len(a.sess.Export().Records)
		text := strings.Repeat("x", 40000)
		out, err := a.Send(`{"from":"client","text":"` + text + `"}`)
		if err != nil {
			t.Fatal(err)
		}
		var ex session.Exchange
		json.Unmarshal([]byte(out), &ex)
		if ex.Decrypted != text {
			t.Fatalf("%s: decrypted %d bytes, want %d", mode, len(ex.Decrypted), len(text))
		}
		if n := len(a.sess.Export().Records) - before; n != 3 {
			t.Errorf("%s: a 40,000-byte message took %d records, want 3 (16384 + 16384 + 7232)", mode, n)
		}
	}
}
