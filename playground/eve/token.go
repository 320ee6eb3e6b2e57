package eve

import (
	"bytes"
	"encoding/hex"
	"fmt"

	"tlsplayground/playground/handshake"
	httptoken "tlsplayground/playground/httpserver/token"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// DecryptWithTokenKey tries to read a session recorded on its way to the
// HTTP server (package httpserver) with a token recorded beside it (the
// Tls-Playground-Token header of any of the connection's requests) and the
// server's token key, leaked later. The token holds the seed of all the
// server's randomness for the connection: from it Eve makes the server's
// ephemeral key again, checks it against the key share on the wire, and
// computes the shared secret with the client's public share. For ECDHE and
// TLS 1.3 that is enough to decrypt everything: forward secrecy does not
// hold against a leak of the token key. For RSA key transport the token
// does not help: the client chose the pre-master secret (the certificate's
// key opens it, see Decrypt).
func DecryptWithTokenKey(records []Record, token string, tokenKey []byte) *Result {
	r := &Result{Leaked: LeakedTokenKey, Plaintexts: []Plaintext{}}
	r.Exposure, _ = Expose(records)
	h, err := readClear(records, r)
	if err != nil {
		r.Verdict = err.Error()
		return r
	}
	st, err := httptoken.Open(tokenKey, token)
	if err != nil {
		r.step("Opens the recorded token with the key", trace.Check("Token opened", false, err.Error()))
		r.Verdict = "the key does not open the token: " + err.Error()
		return r
	}
	r.step("Opens a recorded token with the leaked token key",
		trace.Text("Token", fmt.Sprintf("%d characters", len(token)), "the Tls-Playground-Token header, sent in every request after the first: the server's state, sealed with AES-256-GCM under the token key"),
		trace.Text("Mode", st.Mode, ""),
		trace.Secret("Server seed", st.Seed, "32 bytes: every random value the server drew for this connection comes from it"),
		trace.Text("Client bytes inside", fmt.Sprintf("%d", len(st.Client)), "what the client had sent before that request"))
	switch {
	case h.version == suites.VersionTLS13:
		shared, ok := tokenShared13(r, h, st.Seed)
		if !ok {
			return r
		}
		decrypt13(r, h, shared, records)
	case h.suite.KeyExchange == suites.RSA:
		r.step("Gives up: RSA key transport",
			trace.Text("Why", "The client chose the pre-master secret and encrypted it under the certificate's RSA key; nothing of it comes from the server's randomness.", "the token key does not help here; the certificate's key does (no forward secrecy either way)"),
			trace.Check("Session decrypted", false, ""))
		r.Verdict = "cannot decrypt with the token key: in RSA key transport the client chose the pre-master secret"
		return r
	default:
		pms, ok := tokenShared12(r, h, st.Seed)
		if !ok {
			return r
		}
		decrypt12(r, h, pms, records)
	}
	if r.OK {
		r.Verdict = fmt.Sprintf("decrypted %d records with the token key: the server's ephemeral key came back from the seed in the token, so this session had no forward secrecy against a leak of that key", len(r.Plaintexts))
	}
	return r
}

// tokenShared13 makes the server's TLS 1.3 key share again from the seed
// and returns the shared secret.
func tokenShared13(r *Result, h *hello, seed []byte) ([]byte, bool) {
	g := kx.ByID(h.serverShare.Group)
	var clientShare []byte
	for _, ks := range h.clientShares {
		if ks.Group == h.serverShare.Group {
			clientShare = ks.Data
		}
	}
	if g == nil || clientShare == nil {
		r.Verdict = "the recording has no key share of a group Eve knows in both hellos"
		return nil, false
	}
	mine, shared, err := tls13.ServerKeyShare(httptoken.ServerRand(seed), g, clientShare)
	same := err == nil && bytes.Equal(mine.Public, h.serverShare.Data)
	if !same {
		r.step("Makes the server's key share again from the seed", trace.Check("Same key share as on the wire", false, "this token belongs to another connection or another server"))
		r.Verdict = "the seed in the token does not give the key share on the wire: the token is not from this connection"
		return nil, false
	}
	r.step("Makes the server's ephemeral key again from the seed, and the shared secret",
		trace.Text("Group", g.Name, g.Note),
		trace.Secret("Server ephemeral private key", mine.Secret, "drawn from the seed exactly as the server drew it; the server erased its copy, but the seed brings it back"),
		trace.Check("Same key share as on the wire", true, "the public half she computed equals the ServerHello's key share"),
		trace.Hex("Client key share", clientShare, "public, from the recorded ClientHello"),
		trace.Secret("Shared secret", shared, "what both ends computed and erased"))
	return shared, true
}

// tokenShared12 makes the server's TLS 1.2 ECDHE key again from the seed
// and returns the shared secret, the pre-master secret.
func tokenShared12(r *Result, h *hello, seed []byte) ([]byte, bool) {
	ske, err1 := handshake.UnmarshalServerKeyExchange(h.skeRaw)
	cke, err2 := handshake.UnmarshalClientKeyExchangeECDHE(h.ckeRaw)
	if h.skeRaw == nil || h.ckeRaw == nil || err1 != nil || err2 != nil {
		r.Verdict = "the recording has no ServerKeyExchange and ClientKeyExchange that parse"
		return nil, false
	}
	g := kx.ByID(ske.Group)
	if g == nil {
		r.Verdict = "the recorded ServerKeyExchange names a group Eve does not know"
		return nil, false
	}
	eph, err := tls12.ServerEphemeral(httptoken.ServerRand(seed), g)
	if err != nil || !bytes.Equal(eph.Public, ske.Public) {
		r.step("Makes the server's ephemeral key again from the seed", trace.Check("Same public key as on the wire", false, "this token belongs to another connection or another server"))
		r.Verdict = "the seed in the token does not give the ServerKeyExchange's public key: the token is not from this connection"
		return nil, false
	}
	shared, err := eph.Shared(cke.Public)
	if err != nil {
		r.Verdict = "the client's recorded public key is not usable: " + err.Error()
		return nil, false
	}
	r.step("Makes the server's ephemeral key again from the seed, and the shared secret",
		trace.Text("Group", g.Name, g.Note),
		trace.Secret("Server ephemeral private key", eph.Secret, "drawn from the seed exactly as the server drew it (after its 32-byte random); the server erased its copy, but the seed brings it back"),
		trace.Check("Same public key as on the wire", true, "the public half she computed equals the ServerKeyExchange's"),
		trace.Hex("Client ephemeral public key", cke.Public, "public, from the recorded ClientKeyExchange"),
		trace.Secret("Shared secret (pre-master secret)", shared, "what both ends computed and erased"))
	return shared, true
}

// decrypt13 runs the TLS 1.3 key schedule from the shared secret and the
// recorded transcript (RFC 8446, Section 7.1), and decrypts every record
// after ServerHello: the server's encrypted handshake under its handshake
// key (which completes the transcript up to its Finished, for the
// application secrets), the client's Finished under the client's, then the
// application data; a KeyUpdate moves its direction to the next secret
// (Section 7.2).
func decrypt13(r *Result, h *hello, shared []byte, records []Record) {
	s := h.suite
	ks := tls13.NewSchedule(s)
	ks.Start(shared)
	th := func() []byte { x := s.Hash.New(); x.Write(h.transcript); return x.Sum(nil) }
	ks.HandshakeTraffic(th())
	r.step("Runs the key schedule: handshake secret, then both handshake traffic secrets",
		trace.Secret("Handshake secret", ks.Handshake, `HKDF-Extract(Derive-Secret(early, "derived"), shared secret)`),
		trace.Secret("client_handshake_traffic_secret", ks.ClientHandshake, "transcript: ClientHello…ServerHello, all recorded in the clear"),
		trace.Secret("server_handshake_traffic_secret", ks.ServerHandshake, ""))
	type dir struct {
		p       *record.Protector
		secret  []byte
		app     bool
		hsBuf   []byte
		who     string
		pending []byte // the next application secret, set at the server's Finished
	}
	open := func(secret []byte, who string) *record.Protector {
		t := ks.Keys(s, secret, "eve_"+who, who)
		p, _ := record.New13(s.AEAD, t.Key, t.IV)
		return p
	}
	dirs := map[string]*dir{
		"client": {p: open(ks.ClientHandshake, "client"), secret: ks.ClientHandshake, who: "client"},
		"server": {p: open(ks.ServerHandshake, "server"), secret: ks.ServerHandshake, who: "server"},
	}
	for i := h.afterHello; i < len(records); i++ {
		rr := records[i]
		raw, _ := hex.DecodeString(rr.Hex)
		rec, n, err := record.Parse(raw)
		if err != nil || n != len(raw) || rec.Type != record.TypeApplicationData {
			continue // a middlebox-compatibility ChangeCipherSpec, say
		}
		d := dirs[rr.From]
		if d == nil {
			continue
		}
		plain, typ, _, err := d.p.Open13(rec)
		if err != nil {
			r.Verdict = fmt.Sprintf("record %d did not decrypt: %v", i, err)
			return
		}
		r.Plaintexts = append(r.Plaintexts, Plaintext{Record: i, From: rr.From, Type: record.TypeName(typ), Text: printable(typ, plain), Hex: trace.HexString(plain)})
		if typ != record.TypeHandshake {
			continue
		}
		d.hsBuf = append(d.hsBuf, plain...)
		for {
			mt, msg, n, err := handshake.Split(d.hsBuf, 1<<17)
			if err != nil || n == 0 {
				break
			}
			d.hsBuf = d.hsBuf[n:]
			switch {
			case !d.app && mt == handshake.TypeFinished && d.who == "server":
				h.transcript = append(h.transcript, msg...)
				ks.AppTraffic(th())
				dirs["server"].p, dirs["server"].secret, dirs["server"].app = open(ks.ServerApp, "server"), ks.ServerApp, true
				dirs["client"].pending = ks.ClientApp
			case !d.app && mt == handshake.TypeFinished && d.pending != nil:
				d.p, d.secret, d.app = open(d.pending, "client"), d.pending, true
			case !d.app:
				h.transcript = append(h.transcript, msg...)
			case mt == handshake.TypeKeyUpdate:
				d.secret = tls13.NextTrafficSecret(s.Hash, d.secret)
				d.p = open(d.secret, d.who)
			}
		}
	}
	if !dirs["server"].app {
		r.Verdict = "the recording ends before the server's Finished: no application keys to derive"
		return
	}
	r.step("Derives the application traffic secrets from the decrypted handshake",
		trace.Secret("client_application_traffic_secret_0", ks.ClientApp, "transcript: ClientHello…server Finished, the encrypted part now decrypted"),
		trace.Secret("server_application_traffic_secret_0", ks.ServerApp, ""))
	vals := make([]trace.Value, 0, len(r.Plaintexts))
	for _, p := range r.Plaintexts {
		vals = append(vals, trace.Text(fmt.Sprintf("Record %d, from the %s (%s)", p.Record+1, p.From, p.Type), p.Text, ""))
	}
	r.step("Decrypts every recorded record", vals...)
	r.OK = true
}
