package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no command given"},
		{[]string{"shake"}, `unknown command "shake"`},
		{[]string{"handshake", "--bogus"}, "unknown flag -bogus"},
		{[]string{"handshake", "extra"}, `unexpected argument "extra"`},
		{[]string{"handshake", "--mode", "ssl3"}, `unknown mode "ssl3"`},
		{[]string{"handshake", "--mode", "classic", "--key", "ecdsa"}, "needs an RSA server key"},
		{[]string{"handshake", "--mode", "classic", "--group", "x25519"}, "no key exchange group"},
		{[]string{"handshake", "--mode", "tls13", "--group", "secp384r1"}, `unknown group "secp384r1"`},
		{[]string{"handshake", "--mode", "tls13", "--suite", "TLS_RSA_WITH_AES_128_GCM_SHA256"}, "is not one of the tls13 mode"},
		{[]string{"handshake", "--seed", "xyz"}, "not hex"},
		{[]string{"handshake", "--mode", "tls13", "--no-ems"}, "TLS 1.3 has no extended master secret"},
		{[]string{"handshake", "--bits", "1024"}, "key size 1024 is not offered"},
		{[]string{"handshake", "--key", "dsa"}, `unknown key type "dsa"`},
		{[]string{"connect"}, "connect takes one argument, got 0"},
		{[]string{"connect", "example.com"}, `"example.com" is not HOST:PORT`},
		{[]string{"connect", "127.0.0.1:1", "--timeout", "0s"}, "give a positive duration"},
		{[]string{"connect", "127.0.0.1:1", "--cafile", "/nonexistent/ca.pem"}, "--cafile: open /nonexistent/ca.pem"},
		{[]string{"connect", "127.0.0.1:1", "--mode", "ecdhe", "--group", "X25519MLKEM768"}, "exist only in TLS 1.3"},
		{[]string{"connect", "127.0.0.1:1", "--request", `bad \q escape`}, "bad escape"},
		{[]string{"connect", "127.0.0.1:99999"}, `"127.0.0.1:99999" is not HOST:PORT`},
		{[]string{"serve"}, "serve takes one argument, got 0"},
		{[]string{"serve", "127.0.0.1:99999"}, `"127.0.0.1:99999" is not HOST:PORT`},
		{[]string{"serve", "127.0.0.1:0", "--cert", "x.pem"}, "--cert and --keyfile go together"},
		{[]string{"serve", "127.0.0.1:0", "--mode", "classic", "--key", "ed25519"}, "needs an RSA server key"},
		{[]string{"handshake", "--json", "--bytes"}, "--json and --bytes"},
		{[]string{"handshake", "--pcapng", "/nonexistent/dir/s.pcapng"}, "--pcapng: cannot write the capture"},
		{[]string{"explain"}, "explain takes one argument, got 0"},
		{[]string{"explain", "/nonexistent/capture.pcap"}, "explain: open /nonexistent/capture.pcap"},
		{[]string{"explain", "a.pcap", "b.pcap"}, `unexpected argument "b.pcap"`},
		{[]string{"glossary", "x"}, `unexpected argument "x"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errb.String())
			}
			errs := errb.String()
			if !strings.HasPrefix(errs, "tlsplay: ") || !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q lacks %q", errs, tc.want)
			}
			if !strings.Contains(errs, "\ntlsplay: hint: ") {
				t.Errorf("stderr %q has no hint", errs)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"handshake", "-h"}, {"connect", "--help"}, {"serve", "-h"}, {"explain", "-h"}, {"glossary", "-h"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 || !strings.Contains(out.String(), "tlsplay") || errb.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out.String(), errb.String())
		}
	}
}
