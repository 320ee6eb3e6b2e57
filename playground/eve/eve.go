// Package eve is the passive eavesdropper. She holds a recorded session
// (every record, as on the wire) and, later, a leaked key.
//
// With the server's certificate key (Decrypt): against RSA key transport
// that is enough to decrypt everything, since the pre-master secret
// travelled encrypted under that key. Against ephemeral key exchange (ECDHE,
// TLS 1.3) it is not: the key only ever signed, and the ephemeral private
// keys that made the shared secret were overwritten by both ends as soon as
// the next secret was derived. That difference is forward secrecy.
//
// With the token key of the HTTP server (DecryptWithTokenKey): that server
// keeps no state and seals its whole randomness for the connection into a
// token the client carries. Whoever later holds the long-lived token key
// opens a recorded token, makes the server's ephemeral key again, and
// decrypts even an ECDHE or TLS 1.3 session: forward secrecy does not hold
// there, exactly the weakness of a leaked TLS 1.2 session-ticket key (RFC
// 5077, Section 5.5; RFC 8446, Section E.5).
package eve

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"

	"tlsplayground/playground/handshake"
	"tlsplayground/playground/prf"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// Record is one recorded record: who sent it and its bytes (hex).
type Record struct {
	From string `json:"from"`
	Hex  string `json:"hex"`
}

// Plaintext is a record Eve decrypted.
type Plaintext struct {
	Record int    `json:"record"`
	From   string `json:"from"`
	Type   string `json:"type"`
	Text   string `json:"text"`
	Hex    string `json:"hex"`
}

// Result is Eve's attempt, step by step.
type Result struct {
	// Leaked names the key Eve holds, a stable code the page keys on:
	// LeakedServerKey (Decrypt) or LeakedTokenKey (DecryptWithTokenKey).
	Leaked     string        `json:"leaked"`
	OK         bool          `json:"ok"`
	Verdict    string        `json:"verdict"`
	Steps      []trace.Event `json:"steps"`
	Plaintexts []Plaintext   `json:"plaintexts"`
	// Exposure is what the recording gave away before any key leaked
	// (Expose); nil when the recording does not parse.
	Exposure *Exposure `json:"exposure,omitempty"`
}

func (r *Result) step(title string, values ...trace.Value) {
	r.Steps = append(r.Steps, trace.NewEvent(len(r.Steps)+1, "eve", title, values...))
}

// What Eve holds (Result.Leaked).
const (
	LeakedServerKey = "server-key" // the certificate's private key
	LeakedTokenKey  = "token-key"  // the HTTP server's token key
)

// hello is what Eve reads from the clear part of the handshake.
type hello struct {
	clientRandom, serverRandom []byte
	version                    uint16
	suite                      *suites.Suite
	ems                        bool
	ckeRaw                     []byte
	transcript                 []byte // handshake messages up to and including ClientKeyExchange (TLS 1.3: ServerHello)

	// What the token attack reads too.
	skeRaw       []byte                    // TLS 1.2 ECDHE: ServerKeyExchange
	clientShares []handshake.KeyShareEntry // TLS 1.3: the last ClientHello's key shares
	serverShare  handshake.KeyShareEntry   // TLS 1.3: ServerHello's key share
	helloRetry   bool
	afterHello   int // TLS 1.3: the index of the first record after ServerHello
}

// Decrypt tries to read a recorded session with the server's leaked key.
func Decrypt(records []Record, key crypto.Signer) *Result {
	r := &Result{Leaked: LeakedServerKey, Plaintexts: []Plaintext{}}
	r.Exposure, _ = Expose(records)
	h, err := readClear(records, r)
	if err != nil {
		r.Verdict = err.Error()
		return r
	}
	if h.version == suites.VersionTLS13 {
		r.step("Gives up: this is TLS 1.3",
			trace.Text("Why", "In TLS 1.3 the shared secret comes from ephemeral key shares; the server's certificate key only signed the handshake.", "the key shares are public, but turning them into the secret needs one of the two ephemeral private keys, which both ends overwrote with zeros as soon as the handshake secret was derived"),
			trace.Check("Session decrypted", false, "forward secrecy: a key stolen later does not open recorded sessions"))
		r.Verdict = "cannot decrypt: TLS 1.3 uses ephemeral key exchange, and the leaked key only signs"
		return r
	}
	if h.suite.KeyExchange != suites.RSA {
		r.step("Gives up: the key exchange was ephemeral ("+string(h.suite.KeyExchange)+")",
			trace.Text("Why", "ServerKeyExchange carried a fresh ECDH public key, signed with the certificate's key; the pre-master secret is the ECDH result, never sent, and both ends overwrote their ephemeral private keys once the master secret was derived.", "with the leaked key Eve could only forge signatures for new connections, not recompute old secrets"),
			trace.Check("Session decrypted", false, "forward secrecy, already in TLS 1.2 with ECDHE"))
		r.Verdict = "cannot decrypt: the key exchange was ephemeral (ECDHE), and the leaked key only signs"
		return r
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		r.Verdict = "the leaked key is not an RSA key: it cannot be the key of an RSA key transport server"
		return r
	}
	cke, err := handshake.UnmarshalClientKeyExchange(h.ckeRaw)
	if err != nil {
		r.Verdict = "the recorded ClientKeyExchange does not parse"
		return r
	}
	pms, err := rsa.DecryptPKCS1v15(nil, rk, cke.EncryptedPreMaster)
	if err != nil || len(pms) != 48 {
		r.step("Decrypts the ClientKeyExchange with the leaked key", trace.Check("RSA decryption", false, "the key does not open it: it is not this server's key"))
		r.Verdict = "the leaked key does not decrypt this ClientKeyExchange: it belongs to another server"
		return r
	}
	r.step("Decrypts the ClientKeyExchange with the leaked private key",
		trace.Hex("Encrypted pre-master secret", cke.EncryptedPreMaster, "recorded from the wire in step 5"),
		trace.Secret("Pre-master secret", pms, "exactly what the client chose: the leaked key opens it, years later if need be"))
	decrypt12(r, h, pms, records)
	if r.OK {
		r.Verdict = fmt.Sprintf("decrypted %d records: RSA key transport has no forward secrecy", len(r.Plaintexts))
	}
	return r
}

// decrypt12 derives the master secret and the key block from the
// pre-master secret and the recorded hellos, and decrypts every record
// after each side's ChangeCipherSpec.
func decrypt12(r *Result, h *hello, pms []byte, records []Record) {
	var master []byte
	if h.ems {
		hh := h.suite.Hash.New()
		hh.Write(h.transcript)
		sh := hh.Sum(nil)
		master = prf.ExtendedMasterSecret(h.suite.Hash, pms, sh)
		r.step("Derives the master secret (extended: she hashes the recorded handshake herself)",
			trace.Hex("Session hash", sh, "every handshake message was in the clear"),
			trace.Secret("Master secret", master, ""))
	} else {
		master = prf.MasterSecret(h.suite.Hash, pms, h.clientRandom, h.serverRandom)
		r.step("Derives the master secret from the pre-master secret and the two randoms",
			trace.Secret("Master secret", master, "the randoms were in the hellos"))
	}
	k := prf.KeyBlock(h.suite.Hash, master, h.clientRandom, h.serverRandom, h.suite.KeyLen, h.suite.FixedIVLen)
	r.step("Expands the key block: she now has both write keys",
		trace.Secret("client_write_key", k.ClientWriteKey, ""), trace.Secret("server_write_key", k.ServerWriteKey, ""),
		trace.Secret("client_write_IV", k.ClientWriteIV, ""), trace.Secret("server_write_IV", k.ServerWriteIV, ""))
	cw, _ := record.New12(h.suite.AEAD, k.ClientWriteKey, k.ClientWriteIV)
	sw, _ := record.New12(h.suite.AEAD, k.ServerWriteKey, k.ServerWriteIV)
	on := map[string]bool{}
	for i, rr := range records {
		raw, _ := hex.DecodeString(rr.Hex)
		rec, n, err := record.Parse(raw)
		if err != nil || n != len(raw) {
			continue
		}
		if rec.Type == record.TypeChangeCipherSpec {
			on[rr.From] = true
			continue
		}
		if !on[rr.From] {
			continue
		}
		p := cw
		if rr.From == "server" {
			p = sw
		}
		plain, _, err := p.Open(rec)
		if err != nil {
			r.Verdict = fmt.Sprintf("record %d did not decrypt: %v", i, err)
			return
		}
		r.Plaintexts = append(r.Plaintexts, Plaintext{Record: i, From: rr.From, Type: record.TypeName(rec.Type), Text: printable(rec.Type, plain), Hex: trace.HexString(plain)})
	}
	vals := make([]trace.Value, 0, len(r.Plaintexts))
	for _, p := range r.Plaintexts {
		vals = append(vals, trace.Text(fmt.Sprintf("Record %d, from the %s (%s)", p.Record+1, p.From, p.Type), p.Text, ""))
	}
	r.step("Decrypts every recorded record", vals...)
	r.OK = true
}

// printable shows application data as text and the rest by name.
func printable(typ uint8, b []byte) string {
	switch typ {
	case record.TypeApplicationData:
		return string(b)
	case record.TypeHandshake:
		if len(b) > 0 {
			return handshake.TypeName(b[0]) + " (" + fmt.Sprint(len(b)) + " bytes)"
		}
	case record.TypeAlert:
		if len(b) == 2 {
			if b[1] == 0 {
				return "close_notify"
			}
			return fmt.Sprintf("alert %d", b[1])
		}
	}
	return trace.HexString(b)
}

// readClear reads the hellos and the ClientKeyExchange, all in the clear.
func readClear(records []Record, r *Result) (*hello, error) {
	h := &hello{}
	var buf []byte
	var vals []trace.Value
	for i, rr := range records {
		raw, err := hex.DecodeString(rr.Hex)
		if err != nil {
			return nil, errors.New("eve: a recorded record is not hex")
		}
		rec, n, err := record.Parse(raw)
		if err != nil || n == 0 {
			return nil, errors.New("eve: a recorded record does not parse")
		}
		if rec.Type == record.TypeChangeCipherSpec {
			break // the rest is encrypted
		}
		if rec.Type != record.TypeHandshake {
			continue
		}
		buf = append(buf, rec.Payload...)
		for {
			typ, msg, n, err := handshake.Split(buf, 1<<17)
			if err != nil || n == 0 {
				break
			}
			buf = buf[n:]
			switch typ {
			case handshake.TypeClientHello:
				if m, err := handshake.UnmarshalClientHello(msg); err == nil {
					if h.clientRandom == nil {
						h.clientRandom = m.Random
						vals = append(vals, trace.Hex("Client random", m.Random, "ClientHello, in the clear"))
						if d, ok := handshake.Find(m.Extensions, handshake.ExtServerName); ok {
							if name, ok := handshake.ParseServerName(d); ok {
								vals = append(vals, trace.Text("Server name (SNI)", name, "ClientHello, in the clear: Eve learns which site, in TLS 1.3 too (RFC 6066 §3; ECH is the answer)"))
							}
						}
					}
					if d, ok := handshake.Find(m.Extensions, handshake.ExtKeyShare); ok {
						h.clientShares, _ = handshake.ParseClientKeyShares(d)
					}
				}
			case handshake.TypeServerHello:
				m, err := handshake.UnmarshalServerHello(msg)
				if err != nil {
					return nil, errors.New("eve: the recorded ServerHello does not parse")
				}
				h.version = m.Version
				if d, ok := handshake.Find(m.Extensions, handshake.ExtSupportedVersions); ok && len(d) == 2 {
					h.version = uint16(d[0])<<8 | uint16(d[1])
				}
				h.suite = suites.ByID(m.CipherSuite)
				if h.version == suites.VersionTLS13 && bytes.Equal(m.Random, handshake.HelloRetryRandom) {
					// RFC 8446, Section 4.4.1: the first ClientHello is
					// replaced in the transcript by its hash.
					if h.suite == nil {
						return nil, errors.New("eve: the recorded HelloRetryRequest names a suite Eve does not know")
					}
					hh := h.suite.Hash.New()
					hh.Write(h.transcript)
					sum := hh.Sum(nil)
					h.transcript = append([]byte{handshake.TypeMessageHash, 0, 0, byte(len(sum))}, sum...)
					h.transcript = append(h.transcript, msg...)
					h.helloRetry = true
					continue
				}
				h.serverRandom = m.Random
				_, h.ems = handshake.Find(m.Extensions, handshake.ExtExtendedMasterSecret)
				vals = append(vals, trace.Hex("Server random", m.Random, "ServerHello, in the clear"),
					trace.Text("Cipher suite", suites.NameOf(m.CipherSuite), "ServerHello, in the clear"))
				if h.version == suites.VersionTLS13 {
					if d, ok := handshake.Find(m.Extensions, handshake.ExtKeyShare); ok {
						h.serverShare, _ = handshake.ParseServerKeyShare(d)
					}
					h.transcript = append(h.transcript, msg...)
					h.afterHello = i + 1
					if h.suite == nil || h.clientRandom == nil {
						return nil, errors.New("eve: the recording has no ClientHello, or a suite Eve does not know")
					}
					r.step("Reads the hellos (everything after them is encrypted)", vals...)
					return h, nil
				}
			case handshake.TypeServerKeyExchange:
				h.skeRaw = msg
			case handshake.TypeClientKeyExchange:
				h.ckeRaw = msg
			}
			h.transcript = append(h.transcript, msg...)
		}
	}
	if h.suite == nil || h.clientRandom == nil {
		return nil, errors.New("eve: the recording has no ClientHello and ServerHello")
	}
	if h.suite.KeyExchange == suites.RSA && h.ckeRaw == nil {
		return nil, errors.New("eve: the recording has no ClientKeyExchange")
	}
	r.step("Reads the clear part of the recording", vals...)
	return h, nil
}
