package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

const handshakeSynopsis = "handshake [--mode classic|ecdhe|tls13] [--suite NAME] [--group NAME] [--server-groups a,b] [--key rsa|ecdsa|ed25519] [--bits 2048] [--no-ems] [--seed HEX] [--message TEXT] [--json] [--bytes] [--pcapng FILE]"

// handshake plays both ends in this process through the session, as the
// page does: it prints the seven steps, sends --message both ways, closes
// and prints the key log; --json prints the session export instead.
func (c *cli) handshake(args []string) error {
	cmd := c.newCommand("handshake", handshakeSynopsis)
	mode := cmd.String("mode", session.ModeClassic, "classic (TLS 1.2, RSA key transport), ecdhe (TLS 1.2, ephemeral ECDH) or tls13")
	suite := cmd.String("suite", "", "cipher suites the client offers, IANA names, comma-separated (default: all of the mode's)")
	group := cmd.String("group", "", "the group of the client's key share: x25519, secp256r1, X25519MLKEM768 (tls13 only) (default: the mode's)")
	serverGroups := cmd.String("server-groups", "", "groups the server accepts, comma-separated; leaving out the client's group makes a TLS 1.3 server ask again (HelloRetryRequest)")
	keyType := cmd.String("key", pki.KeyRSA, "the server's key: rsa, ecdsa (P-256) or ed25519")
	bits := cmd.Int("bits", 2048, "RSA key size: 2048, 3072 or 4096")
	suiteOrder := cmd.String("suite-order", "server", "how the server picks the suite: server (its own order of preference) or client (the client's order, which --suite gives)")
	noEMS := cmd.Bool("no-ems", false, "turn off the extended master secret (RFC 7627) on both sides (TLS 1.2)")
	seedHex := cmd.String("seed", "", "hex seed for the session's randomness, to replay a session (default: a fresh one)")
	message := cmd.String("message", "hello from the terminal", "text sent from the client to the server and back after the handshake (empty: none)")
	asJSON := cmd.Bool("json", false, "print the session export (the page's Export session file) and nothing else")
	showBytes := cmd.Bool("bytes", false, "also print every record byte by byte: each field's offset, bytes, name, value, explanation and RFC section, encrypted records decrypted")
	resume := cmd.Bool("resume", false, "then a second connection resuming the first (TLS 1.3: a NewSessionTicket and a PSK; TLS 1.2: a ticket or session ID, the abbreviated handshake), printed the same way with what it skipped")
	pskOnly := cmd.Bool("psk-only", false, "with --resume in tls13: psk_ke, no new key exchange (not forward secret, RFC 8446 §2.2)")
	earlyData := cmd.String("early-data", "", "with --resume in tls13: TEXT sent as 0-RTT data in the second connection's first flight (RFC 8446 §2.3)")
	pcapngPath := cmd.String("pcapng", "", "write the session to FILE as pcapng, its key log inside: Wireshark and tshark open it decrypted (tshark -r FILE -q -z follow,tls,ascii,0)")
	if _, err := cmd.parse(args, 0); err != nil {
		return err
	}
	if *asJSON && *showBytes {
		return usageErr("--json and --bytes: --json prints the session export alone", "leave out one of them")
	}
	if err := checkMode(*mode); err != nil {
		return err
	}
	if !slices.Contains(session.Modes(), *mode) {
		return usageErr(fmt.Sprintf("mode %q is not available in the engine's session yet", *mode), "choose "+strings.Join(session.Modes(), " or "))
	}
	if (*pskOnly || *earlyData != "") && !*resume {
		return usageErr("--psk-only and --early-data describe the resumed connection", "add --resume")
	}
	if (*pskOnly || *earlyData != "") && *mode != session.ModeTLS13 {
		return usageErr("--psk-only and --early-data are TLS 1.3 features (RFC 8446, Sections 2.2 and 2.3)", "use them with --mode tls13")
	}
	if len(*earlyData) > session.MaxEarlyData {
		return usageErr(fmt.Sprintf("--early-data is %d bytes: the server's max_early_data_size is %d", len(*earlyData), session.MaxEarlyData), "send less")
	}
	if _, err := suites.ParseOrder(*suiteOrder); err != nil {
		return usageErr(err.Error(), "choose --suite-order server or client")
	}
	ss, err := parseSuites(*mode, *suite)
	if err != nil {
		return err
	}
	if _, err := parseGroup(*mode, *group); err != nil {
		return err
	}
	sg := splitList(*serverGroups)
	if err := limits.CheckList("--server-groups", sg); err != nil {
		return usageErr(err.Error(), "name each group once, for example: --server-groups secp256r1,x25519")
	}
	for _, g := range sg {
		if _, err := parseGroup(*mode, g); err != nil {
			return err
		}
	}
	if *noEMS && *mode == session.ModeTLS13 {
		return usageErr("--no-ems: TLS 1.3 has no extended master secret to turn off (its key schedule always hashes the handshake)", "leave out --no-ems, or choose --mode classic or --mode ecdhe")
	}
	if err := checkKeyType(*keyType); err != nil {
		return err
	}
	if err := keyFitsMode(*mode, *keyType); err != nil {
		return err
	}
	var seed []byte
	if *seedHex != "" {
		if seed, err = limits.ParseSeed("--seed", *seedHex); err != nil {
			return usageErr(err.Error(), "give the seed printed by an earlier run, or leave it out")
		}
	}
	if err := limits.Size("--message", len(*message), limits.Message, "the engine splits it into records of at most 16384 bytes, RFC 8446 §5.1"); err != nil {
		return usageErr(err.Error(), "send a shorter message")
	}
	opt := pki.Options{KeyType: *keyType, Now: c.now()}
	if *keyType == pki.KeyRSA {
		opt.KeyBits = *bits
	} else if set(cmd, "bits") {
		return usageErr(fmt.Sprintf("--bits %d: %s keys have a fixed size", *bits, *keyType), "leave out --bits, or use --key rsa")
	}
	setup, err := c.newSetup(opt)
	if err != nil {
		return usageErr(strings.TrimPrefix(err.Error(), "pki: "), "run \"tlsplay handshake -h\" for the flags")
	}

	if *pcapngPath != "" {
		if _, err := createCapture(*pcapngPath); err != nil {
			return err
		}
	}

	newSession := session.New
	if *resume && *mode != session.ModeTLS13 {
		newSession = session.NewResumable // a TLS 1.2 session ID and ticket exist only if the first handshake makes them
	}
	sess, err := newSession(setup, session.Options{
		Mode: *mode, Group: *group, ServerGroups: sg, ClientSuites: suites.Names(ss),
		DisableEMS: *noEMS, SuiteOrder: *suiteOrder, Seed: seed, Now: c.now,
	})
	if err != nil {
		return usageErr(err.Error(), "run \"tlsplay handshake -h\" for the flags")
	}
	var exchanges []*session.Exchange
	var sendErr error
	if sess.Established() && *message != "" {
		for _, from := range []string{trace.Client, trace.Server} {
			ex, err := sess.Send(from, *message)
			if ex != nil {
				exchanges = append(exchanges, ex)
			}
			if err != nil {
				sendErr = fmt.Errorf("sending %q from the %s: %w", *message, from, err)
				break
			}
		}
	}
	var resumed *session.ResumptionExport
	if *resume && sess.Established() && sendErr == nil {
		second, err := sess.Resume(session.ResumeOptions{PSKOnly: *pskOnly, EarlyData: *earlyData})
		if err != nil {
			return fmt.Errorf("--resume: %w", err)
		}
		if second.Established() && *message != "" {
			if _, err := second.Send(trace.Client, *message); err != nil {
				sendErr = fmt.Errorf("sending %q on the resumed connection: %w", *message, err)
			}
		}
		second.Close()
		if resumed, err = second.ResumptionExport(); err != nil {
			return fmt.Errorf("--resume: %w", err)
		}
	}
	sess.Close()
	e := sess.Export()

	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false) // as JSON.stringify writes the page's file
		enc.SetIndent("", "  ")
		var v any = e
		if resumed != nil {
			// The same shape as the page's resume call: both connections and what the second skipped.
			v = struct {
				First      *session.Export     `json:"first"`
				Second     *session.Export     `json:"second"`
				Resumption *session.Resumption `json:"resumption"`
			}{e, resumed.Export, resumed.Resumption}
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else {
		p := &printer{w: c.stdout}
		p.summary(e)
		p.steps(e)
		if len(exchanges) > 0 {
			p.printf("\nMessages:\n")
			for _, ex := range exchanges {
				p.printf("   %s → %s: %q, %s on the wire, decrypted by the %s as %q\n",
					ex.From, ex.To, ex.Plaintext, bytesCount(len(ex.RecordHex)/2), ex.To, ex.Decrypted)
			}
		}
		if *showBytes {
			if err := p.recordBytes(e); err != nil {
				return err
			}
		}
		p.keylog("", e.Keylog)
		if resumed != nil {
			p.resumption(resumed)
		}
	}
	if *pcapngPath != "" {
		if err := os.WriteFile(*pcapngPath, sess.PCAPNG(), 0o644); err != nil {
			return fmt.Errorf("--pcapng: cannot write the capture: %v", err)
		}
		if !*asJSON {
			fmt.Fprintf(c.stdout, "\nCapture written to %s, the key log inside: tshark -r %s -q -z follow,tls,ascii,0\n", *pcapngPath, *pcapngPath)
		}
	}
	if e.Error != nil {
		return handshakeFailure(e.Error)
	}
	if resumed != nil && resumed.Error != nil {
		return handshakeFailure(resumed.Error)
	}
	return sendErr
}

// handshakeFailure says which side failed, why, and with which alert.
func handshakeFailure(info *session.ErrorInfo) error {
	msg := fmt.Sprintf("handshake failed: the %s gave up: %s", info.Side, strings.TrimPrefix(info.Message, "tls: "))
	if info.Alert != "" {
		msg += fmt.Sprintf(" (alert %s sent)", info.Alert)
	}
	return errors.New(msg)
}
