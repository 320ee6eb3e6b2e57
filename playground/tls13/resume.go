package tls13

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/conn"
	"tlsplayground/playground/handshake"
	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/trace"
)

// PSK key exchange modes (RFC 8446, Section 4.2.9).
const (
	pskModeKE    uint8 = 0 // psk_ke: the PSK alone, NOT forward secret
	pskModeDHEKE uint8 = 1 // psk_dhe_ke: the PSK and an (EC)DHE exchange
)

// TicketLifetime is what this server promises a ticket lives: 7 days, the
// most RFC 8446, Section 4.6.1 allows.
const TicketLifetime = 7 * 24 * 3600

// ticketAgeWindow is how far the age a client reports may be from the age
// the server computes before 0-RTT is refused (RFC 8446, Section 8.3).
const ticketAgeWindow = 10 * time.Second

// Ticket is what a client keeps of a NewSessionTicket to resume later: the
// opaque ticket the server sealed, and the PSK both sides derive from the
// resumption master secret and the ticket nonce (RFC 8446, Section 4.6.1).
// The caller keeps it (it is the client's session cache) and hands it back
// in Config.Resume.
type Ticket struct {
	Ticket       []byte // opaque: sealed under the server's ticket key
	PSK          []byte // the resumption PSK: as secret as the session's keys
	Nonce        []byte
	Suite        *suites.Suite
	Lifetime     uint32 // seconds
	AgeAdd       uint32
	MaxEarlyData uint32 // 0: the server allows no 0-RTT data with it
	Received     time.Time
	ServerName   string
}

// ticketState is what the server seals into a ticket: everything it needs
// to resume without keeping any state of its own.
type ticketState struct {
	suite        uint16
	created      time.Time
	lifetime     uint32
	ageAdd       uint32
	maxEarlyData uint32
	psk          []byte
}

// ticketAAD binds a sealed ticket to its purpose.
var ticketAAD = []byte("tlsplayground TLS 1.3 ticket v1")

func ticketAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("tls: the ticket key has %d bytes: give the server 32 (an AES-256-GCM key)", len(key))
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// sealTicket encrypts st under key: a 12-byte random nonce, then the
// AES-256-GCM ciphertext and tag.
func sealTicket(key []byte, rand io.Reader, st *ticketState) ([]byte, error) {
	aead, err := ticketAEAD(key)
	if err != nil {
		return nil, err
	}
	var b cryptobyte.Builder
	b.AddUint16(st.suite)
	b.AddUint64(uint64(st.created.UnixMilli()))
	b.AddUint32(st.lifetime)
	b.AddUint32(st.ageAdd)
	b.AddUint32(st.maxEarlyData)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(st.psk) })
	plain := b.BytesOrPanic()
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return nil, err
	}
	out := aead.Seal(nonce, nonce, plain, ticketAAD)
	clear(plain)
	return out, nil
}

// OpenTicket decrypts a ticket sealed by a server with key: what Eve does
// once the ticket key leaks. It returns the suite and the resumption PSK.
func OpenTicket(key, ticket []byte) (suite *suites.Suite, psk []byte, err error) {
	st, err := openTicket(key, ticket)
	if err != nil {
		return nil, nil, err
	}
	return suites.ByID(st.suite), st.psk, nil
}

func openTicket(key, ticket []byte) (*ticketState, error) {
	aead, err := ticketAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(ticket) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("the ticket is too short to be one of this server's")
	}
	plain, err := aead.Open(nil, ticket[:aead.NonceSize()], ticket[aead.NonceSize():], ticketAAD)
	if err != nil {
		return nil, errors.New("the ticket does not open under this server's ticket key: sealed under another key, or changed")
	}
	s := cryptobyte.String(plain)
	st := &ticketState{}
	var ms uint64
	var psk cryptobyte.String
	if !s.ReadUint16(&st.suite) || !s.ReadUint64(&ms) || !s.ReadUint32(&st.lifetime) || !s.ReadUint32(&st.ageAdd) ||
		!s.ReadUint32(&st.maxEarlyData) || !s.ReadUint8LengthPrefixed(&psk) || !s.Empty() {
		return nil, errors.New("the ticket opens but its contents are malformed")
	}
	st.created = time.UnixMilli(int64(ms))
	st.psk = append([]byte(nil), psk...)
	return st, nil
}

// ReplayCache is a server's anti-replay memory for 0-RTT (RFC 8446,
// Section 8.2, ClientHello recording): every ClientHello whose early data
// was accepted is recorded by its binder, unique to it; the same
// ClientHello again (a replay) has its early data refused, and the
// handshake goes on in 1-RTT. Share one between the connections of a
// server. The freshness check of Section 8.3 bounds how long an entry
// matters; this playground keeps them all.
type ReplayCache struct {
	mu   sync.Mutex
	seen map[string]int
}

// NewReplayCache returns an empty cache.
func NewReplayCache() *ReplayCache { return &ReplayCache{seen: map[string]int{}} }

// check records key and reports how many times it was seen before.
func (r *ReplayCache) check(key []byte) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.seen[string(key)]
	r.seen[string(key)] = n + 1
	return n
}

// Tickets returns the tickets the server sent on this connection (client
// side), newest last.
func (c *Conn) Tickets() []*Ticket { return c.tickets }

// ResumedWithPSK reports whether the handshake resumed a session (a PSK
// was accepted), and whether with psk_dhe_ke (forward secret) or psk_ke.
func (c *Conn) ResumedWithPSK() (resumed, dhe bool) { return c.pskAccepted, c.pskDHE }

// EarlyDataAccepted reports whether the server took the client's 0-RTT data.
func (c *Conn) EarlyDataAccepted() bool { return c.earlyAccepted }

// EarlyData returns the 0-RTT data the server accepted (server side).
func (c *Conn) EarlyData() [][]byte { return c.earlyData }

// SendSessionTicket sends a NewSessionTicket sealed under key (RFC 8446,
// Section 4.6.1: any time after the client's Finished), allowing up to
// maxEarlyData bytes of 0-RTT data with it (0: none). The server end of an
// established connection only.
func (c *Conn) SendSessionTicket(key []byte, maxEarlyData uint32) error {
	if c.IsClient() || c.Phase() != conn.Established {
		return errors.New("tls: only the server of an established connection sends a session ticket")
	}
	if c.ks == nil || len(c.ks.Resumption) == 0 || allZero(c.ks.Resumption) {
		return errors.New("tls: the resumption master secret is gone (the connection discarded its keys): no ticket can be made")
	}
	return c.sendTicket(key, maxEarlyData)
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// sendTicket is NewSessionTicket: a lifetime, a random ticket_age_add, a
// nonce (a counter: unique per ticket on the connection), the ticket (the
// session state sealed under the server's key) and, when 0-RTT is allowed,
// early_data with max_early_data_size.
func (c *Conn) sendTicket(key []byte, maxEarly uint32) error {
	var ageAdd [4]byte
	if _, err := io.ReadFull(c.cfg.Rand, ageAdd[:]); err != nil {
		return alert.Wrap(alert.InternalError, "tls: no randomness for ticket_age_add", err)
	}
	nonce := []byte{byte(c.ticketsSent)}
	c.ticketsSent++
	psk := ResumptionPSK(c.suite.Hash, c.ks.Resumption, nonce)
	st := &ticketState{suite: c.suite.ID, created: c.cfg.now(), lifetime: TicketLifetime, ageAdd: binary.BigEndian.Uint32(ageAdd[:]), maxEarlyData: maxEarly, psk: psk}
	sealed, err := sealTicket(key, c.cfg.Rand, st)
	if err != nil {
		return alert.Wrap(alert.InternalError, "tls: cannot seal the session ticket", err)
	}
	m := &handshake.NewSessionTicket{Lifetime: st.lifetime, AgeAdd: st.ageAdd, Nonce: nonce, Ticket: sealed, Extensions: []handshake.Extension{}}
	if maxEarly > 0 {
		m.Extensions = append(m.Extensions, handshake.Extension{Type: handshake.ExtEarlyData, Data: binary.BigEndian.AppendUint32(nil, maxEarly)})
	}
	m.Raw = m.Marshal()
	wire := c.Queue(record.TypeHandshake, m.Raw, "NewSessionTicket", StepApplication)
	early := "none: this ticket allows no 0-RTT data"
	if maxEarly > 0 {
		early = fmt.Sprintf("%d bytes (the early_data extension)", maxEarly)
	}
	c.cfg.Trace.Add(StepApplication, c.Actor(), "Sends a NewSessionTicket: the client may resume this session later",
		trace.Text("ticket_lifetime", fmt.Sprintf("%d s (7 days)", st.lifetime), "the longest RFC 8446, Section 4.6.1 allows"),
		trace.Hex("ticket_age_add", ageAdd[:], "random: added to the ticket's age so that an eavesdropper cannot link two connections by it"),
		trace.Hex("ticket_nonce", nonce, "unique per ticket of this connection"),
		trace.Secret("resumption_master_secret", c.ks.Resumption, `Derive-Secret(master, "res master", ClientHello…client Finished)`),
		trace.Secret("Resumption PSK", psk, `HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce): the client derives the same value`),
		trace.Hex("Ticket", sealed, "the PSK, suite, creation time and age_add sealed with AES-256-GCM under the server's ticket key: the server keeps no state, and whoever gets that key opens every ticket"),
		trace.Text("Max early data", early, "RFC 8446, Section 4.2.10"),
		trace.Frozen("Record on the wire", wire, "encrypted with the server application key"))
	clear(psk)
	return nil
}

func (c *Conn) readNewSessionTicket(raw []byte) error {
	if !c.IsClient() {
		return alert.New(alert.UnexpectedMessage, "tls: a client sent NewSessionTicket")
	}
	m, err := handshake.UnmarshalNewSessionTicket(raw)
	if err != nil {
		return err
	}
	if m.Lifetime > TicketLifetime {
		return alert.New(alert.IllegalParameter, "tls: a ticket lifetime over 7 days (RFC 8446, Section 4.6.1)")
	}
	var maxEarly uint32
	for _, e := range m.Extensions {
		if e.Type == handshake.ExtEarlyData {
			if len(e.Data) != 4 {
				return alert.New(alert.DecodeError, "tls: malformed early_data in NewSessionTicket")
			}
			maxEarly = binary.BigEndian.Uint32(e.Data)
		}
	}
	t := &Ticket{Ticket: m.Ticket, Nonce: m.Nonce, Suite: c.suite, Lifetime: m.Lifetime, AgeAdd: m.AgeAdd, MaxEarlyData: maxEarly,
		Received: c.cfg.now(), ServerName: c.cfg.ServerName}
	if c.ks != nil && len(c.ks.Resumption) > 0 {
		t.PSK = ResumptionPSK(c.suite.Hash, c.ks.Resumption, m.Nonce)
	}
	c.tickets = append(c.tickets, t)
	c.cfg.Trace.Add(StepApplication, c.Actor(), "Receives a NewSessionTicket and keeps it to resume later",
		trace.Text("Lifetime", fmt.Sprintf("%d s", m.Lifetime), "it must not use the ticket after that"),
		trace.Text("ticket_age_add", fmt.Sprint(m.AgeAdd), "added to the ticket's age in milliseconds when it resumes: the obfuscated age"),
		trace.Hex("ticket_nonce", m.Nonce, ""),
		trace.Secret("Resumption PSK", t.PSK, `HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce): never sent`),
		trace.Hex("Ticket", m.Ticket, "opaque to the client: the server's sealed session state"),
		trace.Text("Max early data", fmt.Sprint(maxEarly), "0: no 0-RTT data with this ticket"))
	return nil
}

// pskOffer is the client's pre_shared_key extension (RFC 8446, Section
// 4.2.11), one identity.
type pskOffer struct {
	identity   []byte
	obfAge     uint32
	binder     []byte
	bindersLen int // the bytes of the binders list, its length included, at the end of the ClientHello
}

func marshalPSK(identity []byte, obfAge uint32, binder []byte) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(identity) })
		b.AddUint32(obfAge)
	})
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(binder) })
	})
	return b.BytesOrPanic()
}

// parsePSK reads the first identity and binder of a pre_shared_key; this
// server only considers the first (it may pick any, Section 4.2.11).
func parsePSK(d []byte) (*pskOffer, bool) {
	s := cryptobyte.String(d)
	var ids, binders cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&ids) || len(ids) == 0 {
		return nil, false
	}
	rest := len(s)
	if !s.ReadUint16LengthPrefixed(&binders) || !s.Empty() || len(binders) == 0 {
		return nil, false
	}
	o := &pskOffer{bindersLen: rest}
	var id, binder cryptobyte.String
	if !ids.ReadUint16LengthPrefixed(&id) || len(id) == 0 || !ids.ReadUint32(&o.obfAge) {
		return nil, false
	}
	for !ids.Empty() { // the other identities, checked for form only
		var x cryptobyte.String
		var age uint32
		if !ids.ReadUint16LengthPrefixed(&x) || len(x) == 0 || !ids.ReadUint32(&age) {
			return nil, false
		}
	}
	if !binders.ReadUint8LengthPrefixed(&binder) || len(binder) < 32 {
		return nil, false
	}
	o.identity, o.binder = append([]byte(nil), id...), append([]byte(nil), binder...)
	return o, true
}

// binderFor is the PSK binder: HMAC(finished_key of binder_key, Hash of
// the ClientHello truncated before the binders list) (RFC 8446, Section
// 4.2.11.2).
func binderFor(ks *Schedule, truncatedHash []byte) (fk, binder []byte) {
	fk = ExpandLabel(ks.hash, ks.BinderKey, labelFinished, nil, ks.hash.Size())
	return fk, FinishedMAC(ks.hash, fk, truncatedHash)
}

func hashOf(s *suites.Suite, b []byte) []byte {
	h := s.Hash.New()
	h.Write(b)
	return h.Sum(nil)
}

// replayKey is what the server records of an accepted 0-RTT ClientHello.
func replayKey(binder []byte) []byte {
	k := sha256.Sum256(binder)
	return k[:]
}

// bindersEqual compares binders in constant time.
func bindersEqual(a, b []byte) bool { return hmac.Equal(a, b) }

// TicketInHello returns the ticket (the first PSK identity) a ClientHello
// offers in its pre_shared_key, in the clear: what Eve reads off the wire.
func TicketInHello(m *handshake.ClientHello) ([]byte, bool) {
	d, ok := handshake.Find(m.Extensions, handshake.ExtPreSharedKey)
	if !ok {
		return nil, false
	}
	o, ok := parsePSK(d)
	if !ok {
		return nil, false
	}
	return o.identity, true
}
