package interop_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/internal/interop"
	"tlsplayground/playground/internal/tooltest"
	"tlsplayground/playground/kx"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/rng"
	"tlsplayground/playground/suites"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

// A peer case is one row of the matrix: a mode of the playground with the
// parameters that matter to a peer (group, server key, suite), and whether
// the peer's server asks for a client certificate.
type peerCase struct {
	name  string
	mode  string        // "classic", "ecdhe" or "tls13"
	key   string        // the server's key: pki.KeyRSA, KeyECDSA, KeyEd25519
	group *kx.Group     // the engine client's key share (tls13) or only group (ecdhe); nil for classic
	suite *suites.Suite // classic: the one suite; nil: any of the mode's
	// certRequest: the peer's server asks for a client certificate, which
	// the engine client does not have (RFC 5246 §7.4.6, RFC 8446 §4.4.2:
	// it answers with an empty Certificate). Engine client rows only.
	certRequest bool
	// requireCert: the peer's server requires a client certificate; the
	// engine client, which has none, must be refused with the alert the
	// RFC names: certificate_required in TLS 1.3 (RFC 8446 §4.4.2.4),
	// handshake_failure in TLS 1.2 (RFC 5246 §7.4.6).
	requireCert bool
	// alsoP256: P-256 follows group in supported_groups (for the curve of
	// an ECDSA certificate); the key exchange must still use group.
	alsoP256 bool
}

var peerCases = []peerCase{
	{name: "classic-aes128gcm", mode: "classic", key: pki.KeyRSA, suite: suites.RSAWithAES128GCMSHA256},
	{name: "classic-aes256gcm", mode: "classic", key: pki.KeyRSA, suite: suites.RSAWithAES256GCMSHA384},
	{name: "classic-certreq", mode: "classic", key: pki.KeyRSA, suite: suites.RSAWithAES128GCMSHA256, certRequest: true},
	{name: "ecdhe-x25519-rsa", mode: "ecdhe", key: pki.KeyRSA, group: kx.X25519},
	{name: "ecdhe-p256-rsa", mode: "ecdhe", key: pki.KeyRSA, group: kx.P256},
	// The ECDSA certificate's key is on P-256, so P-256 must be in
	// supported_groups too: in TLS 1.2 that list also limits the curves of
	// the certificates (RFC 8422 §5.1.1; the engine's and OpenSSL's servers
	// hold to it, GnuTLS's and crypto/tls's do not). x25519 comes first.
	{name: "ecdhe-x25519-ecdsa", mode: "ecdhe", key: pki.KeyECDSA, group: kx.X25519, alsoP256: true},
	{name: "ecdhe-p256-ecdsa", mode: "ecdhe", key: pki.KeyECDSA, group: kx.P256},
	{name: "ecdhe-certreq", mode: "ecdhe", key: pki.KeyRSA, group: kx.X25519, certRequest: true},
	{name: "tls13-x25519", mode: "tls13", key: pki.KeyRSA, group: kx.X25519},
	{name: "tls13-p256", mode: "tls13", key: pki.KeyRSA, group: kx.P256},
	{name: "tls13-x25519-ecdsa", mode: "tls13", key: pki.KeyECDSA, group: kx.X25519},
	{name: "tls13-x25519-ed25519", mode: "tls13", key: pki.KeyEd25519, group: kx.X25519},
	// The engine client's default: one key share, the post-quantum hybrid.
	// A peer without ML-KEM answers with a HelloRetryRequest for a group
	// it has (RFC 8446 §4.1.4), and the client tries again.
	{name: "tls13-x25519mlkem768", mode: "tls13", key: pki.KeyRSA, group: kx.X25519MLKEM768},
	{name: "tls13-certreq", mode: "tls13", key: pki.KeyRSA, group: kx.X25519, certRequest: true},
	{name: "classic-certreq-required", mode: "classic", key: pki.KeyRSA, suite: suites.RSAWithAES128GCMSHA256, certRequest: true, requireCert: true},
	{name: "ecdhe-certreq-required", mode: "ecdhe", key: pki.KeyRSA, group: kx.X25519, certRequest: true, requireCert: true},
	{name: "tls13-certreq-required", mode: "tls13", key: pki.KeyRSA, group: kx.X25519, certRequest: true, requireCert: true},
}

// groups are the case's supported_groups, in order.
func (c peerCase) groups() []*kx.Group {
	if c.alsoP256 {
		return []*kx.Group{c.group, kx.P256}
	}
	return []*kx.Group{c.group}
}

// Directions of a case: the engine's client against the peer's server, or
// the peer's client against the engine's server.
const (
	engineClient = "engine client"
	engineServer = "engine server"
)

// A peer is an independent TLS implementation.
type peer struct {
	name       string
	serverName string // its server, for test names: "engine→gnutls-serv"
	clientName string // its client: "gnutls-cli→engine"
	hasMLKEM   bool   // it offers and accepts X25519MLKEM768
	// noCert12 is the alert its TLS 1.2 server refuses a missing required
	// client certificate with, when not handshake_failure (RFC 5246 §7.4.6).
	noCert12 alert.Alert
	// server starts the peer's server for the case (stopped when the test
	// ends) and returns its address and log. The engine client sends a
	// line, and the server's answer must be want(line).
	server func(t *testing.T, c peerCase, s *pki.Setup) (addr string, want func(string) string, log func() string, err error)
	// client runs the peer's client against the engine's server: it sends
	// "hello engine\n" and must receive "hello <peer>\n" (see
	// clientExchange); it returns runEngineServer's note.
	client func(t *testing.T, p peer, c peerCase, s *pki.Setup) (string, error)
}

// result is one cell of the matrix.
type result struct {
	ok   bool
	note string
}

// matrix collects the cells while the subtests run.
type matrix struct {
	mu    sync.Mutex
	cells map[string]result // peer|dir|case
}

func (m *matrix) set(p, dir, c string, r result) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cells[p+"|"+dir+"|"+c] = r
}

// TestPeers is the peer matrix: every case against every peer, both
// directions. It ends by logging the matrix as a Markdown table.
func TestPeers(t *testing.T) {
	m := &matrix{cells: map[string]result{}}
	setups := map[string]*pki.Setup{}
	for _, k := range pki.KeyTypes() {
		s, err := pki.NewSetup(pki.Options{KeyType: k, Rand: rng.New([]byte("peer matrix " + k))})
		if err != nil {
			t.Fatal(err)
		}
		setups[k] = s
	}
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			for _, dir := range []string{engineClient, engineServer} {
				dirName := "engine→" + p.serverName
				if dir == engineServer {
					dirName = p.clientName + "→engine"
				}
				t.Run(dirName, func(t *testing.T) {
					for _, c := range peerCases {
						if why := skipCase(p, c, dir); why != "" {
							m.set(p.name, dir, c.name, result{note: "n/a: " + why})
							continue
						}
						t.Run(c.name, func(t *testing.T) {
							var note string
							var err error
							if dir == engineClient {
								note, err = runEngineClient(t, p, c, setups[c.key])
							} else {
								note, err = runEngineServer(t, p, c, setups[c.key])
							}
							if err != nil {
								m.set(p.name, dir, c.name, result{note: firstLine(err.Error())})
								t.Fatal(err)
							}
							m.set(p.name, dir, c.name, result{ok: true, note: note})
						})
					}
				})
			}
		})
	}
	t.Log("\n" + m.table())
}

// skipCase says why a case does not apply, or "".
func skipCase(p peer, c peerCase, dir string) string {
	if dir == engineServer && c.certRequest {
		return "the engine server does not ask for client certificates"
	}
	if dir == engineServer && c.group == kx.X25519MLKEM768 && !p.hasMLKEM {
		return "the peer has no ML-KEM"
	}
	return ""
}

// table renders the matrix: one row per case, one column per peer and
// direction.
func (m *matrix) table() string {
	var b strings.Builder
	type col struct {
		p          peer
		dir, title string
	}
	var cols []col
	for _, p := range peers {
		cols = append(cols, col{p, engineClient, "engine → " + p.serverName}, col{p, engineServer, p.clientName + " → engine"})
	}
	b.WriteString("| case |")
	for _, c := range cols {
		b.WriteString(" " + c.title + " |")
	}
	b.WriteString("\n|---|")
	for range cols {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	var fails []string
	pass, total := 0, 0
	for _, c := range peerCases {
		b.WriteString("| " + c.name + " |")
		for _, col := range cols {
			r, ok := m.cells[col.p.name+"|"+col.dir+"|"+c.name]
			cell := "not run"
			switch {
			case ok && strings.HasPrefix(r.note, "n/a"):
				cell = "–"
			case !ok:
				total++
			case r.ok && r.note == "":
				cell = "pass"
				pass, total = pass+1, total+1
			case r.ok:
				cell = "pass (" + r.note + ")"
				pass, total = pass+1, total+1
			default:
				cell = "**FAIL**"
				total++
				fails = append(fails, fmt.Sprintf("%s, %s: %s", c.name, col.title, r.note))
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	sort.Strings(fails)
	fmt.Fprintf(&b, "\n%d of %d cases pass.\n", pass, total)
	if len(fails) > 0 {
		b.WriteString("\nFailures:\n")
		for _, n := range fails {
			b.WriteString("- " + n + "\n")
		}
	}
	b.WriteString("\n– : not applicable (the engine server asks for no client certificate; the peer has no ML-KEM)\n")
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// ---- the engine's side ---------------------------------------------------

// engineConn is what the matrix checks after a handshake.
type engineConn interface {
	endpoint.Endpoint
}

// newEngineClient is the engine's client for a case, with the trace it
// records.
func newEngineClient(t *testing.T, c peerCase, s *pki.Setup, rec *trace.Recorder) engineConn {
	r := rng.New([]byte("client " + t.Name()))
	if c.mode == "tls13" {
		return tls13.Client(&tls13.Config{Rand: r, ServerName: s.ServerName, Roots: s.Roots(), KeyShares: []*kx.Group{c.group}, Trace: rec})
	}
	cfg := &tls12.Config{Rand: r, ServerName: s.ServerName, Roots: s.Roots(), Suites: suites.ECDHE, Trace: rec}
	if c.mode == "classic" {
		cfg.Suites = []*suites.Suite{c.suite}
	} else {
		cfg.Groups = c.groups()
	}
	return tls12.Client(cfg)
}

// newEngineServer is the engine's server for a case.
func newEngineServer(t *testing.T, c peerCase, s *pki.Setup) engineConn {
	r := rng.New([]byte("server " + t.Name()))
	if c.mode == "tls13" {
		return tls13.Server(&tls13.Config{Rand: r, Certificates: s.Chain, Signer: s.Signer, Groups: []*kx.Group{c.group}})
	}
	cfg := &tls12.Config{Rand: r, Certificates: s.Chain, Key: s.Key, Signer: s.Signer, Suites: suites.ECDHE}
	if c.mode == "classic" {
		cfg.Suites = []*suites.Suite{c.suite}
	} else {
		cfg.Groups = c.groups()
	}
	return tls12.Server(cfg)
}

// checkNegotiated checks what the engine's end agreed on, and returns a
// note for the matrix (the group after a HelloRetryRequest).
func checkNegotiated(p peer, c peerCase, ep engineConn) (string, error) {
	switch conn := ep.(type) {
	case *tls13.Conn:
		if conn.Suite() == nil || conn.Suite().Version != suites.VersionTLS13 {
			return "", fmt.Errorf("not TLS 1.3")
		}
		if c.group == kx.X25519MLKEM768 && conn.IsClient() && !p.hasMLKEM {
			if !conn.HelloRetry() {
				return "", fmt.Errorf("the peer has no ML-KEM but sent no HelloRetryRequest (group %s)", conn.Group().Name)
			}
			return "HelloRetryRequest → " + conn.Group().Name, nil
		}
		if conn.Group() != c.group {
			return "", fmt.Errorf("group %s, want %s", conn.Group().Name, c.group.Name)
		}
		if conn.HelloRetry() {
			return "", fmt.Errorf("unexpected HelloRetryRequest")
		}
	case *tls12.Conn:
		if c.mode == "classic" {
			if conn.Suite() != c.suite {
				return "", fmt.Errorf("suite %s, want %s", conn.Suite().Name, c.suite.Name)
			}
			return "", nil
		}
		e := conn.ECDHE()
		if e == nil || e.Group != c.group {
			return "", fmt.Errorf("ECDHE group %v, want %s", e, c.group.Name)
		}
	}
	return "", nil
}

// runEngineClient: the engine client against the peer's server.
func runEngineClient(t *testing.T, p peer, c peerCase, s *pki.Setup) (string, error) {
	addr, want, log, err := p.server(t, c, s)
	if err != nil {
		return "", err
	}
	conn, err := dialRetry(addr)
	if err != nil {
		return "", fmt.Errorf("%s did not start: %v\n%s", p.serverName, err, log())
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	rec := &trace.Recorder{}
	ep := newEngineClient(t, c, s, rec)
	line := "hello " + p.name + "\n"
	err = endpoint.Handshake(ep, conn)
	if c.requireCert {
		// In TLS 1.3 the server refuses after the client's Finished: the
		// client's handshake is over, the alert arrives with the data.
		if err == nil {
			ep.Write([]byte(line))
			_, err = readEngineLine(ep, conn)
		}
		return checkRefused(p, c, err, rec)
	}
	if err != nil {
		return "", fmt.Errorf("handshake: %v\n%s", err, log())
	}
	if err := checkCertRequest(c, rec); err != nil {
		return "", err
	}
	note, err := checkNegotiated(p, c, ep)
	if err != nil {
		return "", err
	}
	ep.Write([]byte(line))
	got, err := readEngineLine(ep, conn)
	if err != nil {
		return "", fmt.Errorf("read: %v (got %q)\n%s", err, got, log())
	}
	if got != want(line) {
		return "", fmt.Errorf("the server answered %q, want %q", got, want(line))
	}
	ep.Close()
	endpoint.Flush(ep, conn)
	if p.name == "gnutls" {
		if err := checkGnuTLSView(ep, log); err != nil {
			return "", err
		}
	}
	return note, nil
}

// gnutlsDescription matches the line GnuTLS prints for a connection,
// "- Description: (TLS1.3-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-(AES-256-GCM)"
// or, for RSA key transport, "(TLS1.2-X.509)-(RSA)-(AES-256-GCM)":
// version, key exchange, [signature,] cipher.
var gnutlsDescription = regexp.MustCompile(`- Description: \((TLS1\.[23])-X\.509\)-\(([A-Z0-9-]+)\)(?:-\([A-Za-z0-9-]+\))?-\(([A-Z0-9-]+)\)`)

// checkGnuTLSView checks that GnuTLS saw the version, key exchange and
// cipher the engine negotiated: the other side's own account of the
// connection. GnuTLS prints it once the handshake is done, so the log is
// polled for a moment.
func checkGnuTLSView(ep endpoint.Endpoint, log func() string) error {
	var m []string
	for i := 0; i < 250 && m == nil; i++ {
		if m = gnutlsDescription.FindStringSubmatch(log()); m == nil {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if m == nil {
		return fmt.Errorf("GnuTLS printed no description of the connection:\n%s", log())
	}
	suite := ep.Suite()
	version, kx := "TLS1.2", "RSA"
	switch conn := ep.(type) {
	case *tls13.Conn:
		version, kx = "TLS1.3", "ECDHE-"+gnutlsCurve[conn.Group()]
	case *tls12.Conn:
		if e := conn.ECDHE(); e != nil {
			kx = "ECDHE-" + gnutlsCurve[e.Group]
		}
	}
	cipher := strings.ToUpper(suite.Cipher)
	if m[1] != version || m[2] != kx || m[3] != cipher {
		return fmt.Errorf("GnuTLS saw %s %s %s, the engine %s %s %s", m[1], m[2], m[3], version, kx, cipher)
	}
	return nil
}

// gnutlsCurve is GnuTLS's name for a group in its description.
var gnutlsCurve = map[*kx.Group]string{kx.X25519: "X25519", kx.P256: "SECP256R1"}

// checkCertRequest checks, in the engine client's trace, that it received
// a CertificateRequest and answered with an empty Certificate exactly when
// the case's server asks for a certificate.
func checkCertRequest(c peerCase, rec *trace.Recorder) error {
	got, empty := hasEvent(rec, "Receives CertificateRequest"), hasEvent(rec, "Sends an empty Certificate")
	if got != c.certRequest || empty != c.certRequest {
		return fmt.Errorf("CertificateRequest received: %v, empty Certificate sent: %v; want %v", got, empty, c.certRequest)
	}
	return nil
}

func hasEvent(rec *trace.Recorder, prefix string) bool {
	for _, e := range rec.Events {
		if strings.HasPrefix(e.Title, prefix) {
			return true
		}
	}
	return false
}

// checkRefused checks that a server that requires a client certificate
// refused the engine client's empty one with the RFC's alert.
func checkRefused(p peer, c peerCase, err error, rec *trace.Recorder) (string, error) {
	if err == nil {
		return "", errors.New("the server requires a client certificate, yet accepted the connection without one")
	}
	if e := checkCertRequest(c, rec); e != nil {
		return "", fmt.Errorf("%v (then: %v)", e, err)
	}
	var ae *alert.Error
	if !errors.As(err, &ae) || !ae.Received {
		return "", fmt.Errorf("want a received alert, got %v", err)
	}
	want, name := alert.HandshakeFailure, "handshake_failure"
	switch {
	case c.mode == "tls13":
		want, name = certificateRequired, "certificate_required"
	case p.noCert12 != 0:
		want, name = p.noCert12, p.noCert12.String()+", not the RFC's handshake_failure"
	}
	if ae.Alert != want {
		return "", fmt.Errorf("refused with %v, want %s", ae.Alert, name)
	}
	return "refused: " + name, nil
}

// certificateRequired is the TLS 1.3 alert for a missing client
// certificate (RFC 8446 §6.2), which the engine never sends itself.
const certificateRequired alert.Alert = 116

// runEngineServer: the peer's client against the engine server.
func runEngineServer(t *testing.T, p peer, c peerCase, s *pki.Setup) (string, error) {
	return p.client(t, p, c, s)
}

// readEngineLine reads application data until a newline.
func readEngineLine(ep endpoint.Endpoint, conn net.Conn) (string, error) {
	var got []byte
	for !bytes.Contains(got, []byte("\n")) {
		d, err := endpoint.ReadApplicationData(ep, conn)
		if err != nil {
			return string(got), err
		}
		got = append(got, d...)
	}
	return string(got), nil
}

func dialRetry(addr string) (net.Conn, error) {
	var err error
	for i := 0; i < 250; i++ {
		var conn net.Conn
		if conn, err = net.Dial("tcp", addr); err == nil {
			return conn, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil, err
}

// ---- processes -------------------------------------------------------------

// need finds a tool. A missing one skips the case (its cell says "not
// run"), or fails it with TLSPLAY_REQUIRE_TOOLS=1.
func need(t *testing.T, name string) (string, error) {
	return tooltest.Need(t, name), nil
}

// writePEMs writes the server's chain, key and the CA as PEM files.
func writePEMs(t *testing.T, s *pki.Setup) (cert, key, ca string) {
	dir := t.TempDir()
	cert, key, ca = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	var chain []byte
	for _, der := range s.Chain {
		chain = append(chain, pki.CertPEM(der)...)
	}
	for path, data := range map[string][]byte{cert: chain, key: s.KeyPEM(), ca: pki.CertPEM(s.CA.Raw)} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// startServer runs a server process until the test ends.
func startServer(t *testing.T, bin string, args ...string) (*interop.LockedBuffer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	cmd := exec.CommandContext(ctx, bin, args...)
	log := &interop.LockedBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	return log, nil
}

// clientExchange runs a client process whose stdin/stdout carry the
// application data: it sends "hello engine\n" once the engine server has
// finished the handshake, and must print the engine's line.
// view, when set, is the client's log: GnuTLS's account of the connection,
// checked against the engine's (checkGnuTLSView).
func clientExchange(t *testing.T, p peer, c peerCase, s *pki.Setup, bin string, args func(addr string) []string, view func() string) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args(l.Addr().String())...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	stderr := &interop.LockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	defer func() { stdin.Close(); cancel(); cmd.Wait() }()
	l.(*net.TCPListener).SetDeadline(time.Now().Add(15 * time.Second))
	conn, err := l.Accept()
	if err != nil {
		return "", fmt.Errorf("the client did not connect: %v\n%s", err, stderr.String())
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	srv := newEngineServer(t, c, s)
	if err := endpoint.Handshake(srv, conn); err != nil {
		return "", fmt.Errorf("handshake: %v\n%s", err, stderr.String())
	}
	note, err := checkNegotiated(p, c, srv)
	if err != nil {
		return "", err
	}
	io.WriteString(stdin, "hello engine\n")
	got, err := readEngineLine(srv, conn)
	if err != nil || got != "hello engine\n" {
		return "", fmt.Errorf("the engine read %q, %v\n%s", got, err, stderr.String())
	}
	line := "hello " + p.name + "\n"
	srv.Write([]byte(line))
	endpoint.Flush(srv, conn)
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		for {
			l, err := r.ReadString('\n')
			if err != nil || l == line {
				lines <- l
				return
			}
		}
	}()
	select {
	case got := <-lines:
		if got != line {
			return "", fmt.Errorf("the client printed %q, want %q\n%s", got, line, stderr.String())
		}
	case <-time.After(15 * time.Second):
		return "", fmt.Errorf("the client did not print the engine's line\n%s", stderr.String())
	}
	srv.Close()
	endpoint.Flush(srv, conn)
	if view != nil {
		if err := checkGnuTLSView(srv, view); err != nil {
			return "", err
		}
	}
	return note, nil
}

// ---- the peers ---------------------------------------------------------------

// gnutlsPriority is GnuTLS's priority string for a case.
func gnutlsPriority(c peerCase) string {
	switch c.mode {
	case "classic":
		return "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA:-CIPHER-ALL:+" + map[*suites.Suite]string{
			suites.RSAWithAES128GCMSHA256: "AES-128-GCM", suites.RSAWithAES256GCMSHA384: "AES-256-GCM"}[c.suite]
	case "ecdhe":
		var g []string
		for _, x := range c.groups() {
			g = append(g, "+"+gnutlsGroup[x])
		}
		return "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-RSA:+ECDHE-ECDSA:-GROUP-ALL:" + strings.Join(g, ":")
	}
	if c.group == kx.X25519MLKEM768 {
		return "NORMAL:-VERS-ALL:+VERS-TLS1.3" // GnuTLS 3.7 has no ML-KEM: its defaults
	}
	return "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+" + gnutlsGroup[c.group]
}

var gnutlsGroup = map[*kx.Group]string{kx.X25519: "GROUP-X25519", kx.P256: "GROUP-SECP256R1"}

// opensslArgs are s_server's or s_client's options for a case.
func opensslArgs(c peerCase) []string {
	switch c.mode {
	case "classic":
		return []string{"-tls1_2", "-cipher", map[*suites.Suite]string{
			suites.RSAWithAES128GCMSHA256: "AES128-GCM-SHA256", suites.RSAWithAES256GCMSHA384: "AES256-GCM-SHA384"}[c.suite]}
	case "ecdhe":
		var g []string
		for _, x := range c.groups() {
			g = append(g, opensslGroup[x])
		}
		return []string{"-tls1_2", "-cipher", "ECDHE", "-groups", strings.Join(g, ":")}
	}
	if c.group == kx.X25519MLKEM768 {
		return []string{"-tls1_3"} // OpenSSL 3.0 has no ML-KEM: its defaults
	}
	return []string{"-tls1_3", "-groups", opensslGroup[c.group]}
}

var opensslGroup = map[*kx.Group]string{kx.X25519: "X25519", kx.P256: "P-256"}

var peers = []peer{
	{
		name: "gnutls", serverName: "gnutls-serv", clientName: "gnutls-cli",
		// GnuTLS 3.7 answers an empty client Certificate that it requires
		// with decode_error, whoever the client (gnutls-cli and s_client too).
		noCert12: alert.DecodeError,
		server: func(t *testing.T, c peerCase, s *pki.Setup) (string, func(string) string, func() string, error) {
			bin, err := need(t, "gnutls-serv")
			if err != nil {
				return "", nil, nil, err
			}
			cert, key, _ := writePEMs(t, s)
			port := freePort(t)
			args := []string{"--echo", "-p", port, "--x509certfile", cert, "--x509keyfile", key, "--priority", gnutlsPriority(c)}
			switch {
			case c.requireCert:
				args = append(args, "--require-client-cert")
			case !c.certRequest:
				// gnutls-serv asks for a client certificate unless told not to.
				args = append(args, "--disable-client-cert")
			}
			log, err := startServer(t, bin, args...)
			if err != nil {
				return "", nil, nil, err
			}
			return "127.0.0.1:" + port, func(l string) string { return l }, log.String, nil
		},
		client: gnutlsClient,
	},
	{
		name: "openssl", serverName: "s_server", clientName: "s_client",
		server: func(t *testing.T, c peerCase, s *pki.Setup) (string, func(string) string, func() string, error) {
			bin, err := need(t, "openssl")
			if err != nil {
				return "", nil, nil, err
			}
			cert, key, _ := writePEMs(t, s)
			port := freePort(t)
			args := append([]string{"s_server", "-accept", "127.0.0.1:" + port, "-cert", cert, "-key", key, "-rev", "-naccept", "1"}, opensslArgs(c)...)
			switch {
			case c.requireCert:
				args = append(args, "-Verify", "1")
			case c.certRequest:
				args = append(args, "-verify", "1")
			}
			log, err := startServer(t, bin, args...)
			if err != nil {
				return "", nil, nil, err
			}
			return "127.0.0.1:" + port, reverseLine, log.String, nil
		},
		client: opensslClient,
	},
	{
		name: "crypto-tls", serverName: "tls.Server", clientName: "tls.Client", hasMLKEM: true,
		server: stdServer,
		client: stdClient,
	},
}

// reverseLine is what `openssl s_server -rev` answers.
func reverseLine(l string) string {
	r := []rune(strings.TrimSuffix(l, "\n"))
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r) + "\n"
}

// gnutlsClient runs gnutls-cli, verifying the engine's chain against the
// CA and the host name; its informational output goes to a log file.
func gnutlsClient(t *testing.T, p peer, c peerCase, s *pki.Setup) (string, error) {
	bin, err := need(t, "gnutls-cli")
	if err != nil {
		return "", err
	}
	_, _, ca := writePEMs(t, s)
	logfile := filepath.Join(t.TempDir(), "gnutls-cli.log")
	log := func() string { b, _ := os.ReadFile(logfile); return string(b) }
	note, err := clientExchange(t, p, c, s, bin, func(addr string) []string {
		host, port, _ := net.SplitHostPort(addr)
		return []string{"--logfile", logfile, "--x509cafile", ca, "--verify-hostname", s.ServerName, "--sni-hostname", s.ServerName,
			"--priority", gnutlsPriority(c), "-p", port, host}
	}, log)
	if err != nil {
		return "", fmt.Errorf("%w\ngnutls-cli log:\n%s", err, log())
	}
	return note, nil
}

// opensslClient runs s_client, verifying the chain and the host name.
func opensslClient(t *testing.T, p peer, c peerCase, s *pki.Setup) (string, error) {
	bin, err := need(t, "openssl")
	if err != nil {
		return "", err
	}
	_, _, ca := writePEMs(t, s)
	return clientExchange(t, p, c, s, bin, func(addr string) []string {
		return append([]string{"s_client", "-connect", addr, "-servername", s.ServerName, "-CAfile", ca,
			"-verify_return_error", "-verify_hostname", s.ServerName, "-quiet"}, opensslArgs(c)...)
	}, nil)
}

// stdConfig is crypto/tls's configuration for a case.
func stdConfig(c peerCase, s *pki.Setup) *tls.Config {
	cfg := &tls.Config{RootCAs: s.Roots(), ServerName: s.ServerName,
		Certificates: []tls.Certificate{{Certificate: s.Chain, PrivateKey: s.Signer}}}
	switch c.mode {
	case "classic":
		cfg.MinVersion, cfg.MaxVersion, cfg.CipherSuites = tls.VersionTLS12, tls.VersionTLS12, []uint16{c.suite.ID}
	case "ecdhe":
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		for _, g := range c.groups() {
			cfg.CurvePreferences = append(cfg.CurvePreferences, stdCurve[g])
		}
	default:
		cfg.MinVersion = tls.VersionTLS13
		cfg.CurvePreferences = []tls.CurveID{stdCurve[c.group]}
	}
	switch {
	case c.requireCert:
		cfg.ClientAuth = tls.RequireAnyClientCert
	case c.certRequest:
		cfg.ClientAuth = tls.RequestClientCert
	}
	return cfg
}

var stdCurve = map[*kx.Group]tls.CurveID{kx.X25519: tls.X25519, kx.P256: tls.CurveP256, kx.X25519MLKEM768: tls.X25519MLKEM768}

// stdServer runs a crypto/tls server that answers each line with itself.
func stdServer(t *testing.T, c peerCase, s *pki.Setup) (string, func(string) string, func() string, error) {
	l, err := tls.Listen("tcp", "127.0.0.1:0", stdConfig(c, s))
	if err != nil {
		return "", nil, nil, err
	}
	log := &interop.LockedBuffer{}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(15 * time.Second))
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			fmt.Fprintf(log, "crypto/tls server: %v\n", err)
			return
		}
		io.WriteString(conn, line)
	}()
	return l.Addr().String(), func(l string) string { return l }, log.String, nil
}

// stdClient runs a crypto/tls client against the engine server.
func stdClient(t *testing.T, p peer, c peerCase, s *pki.Setup) (string, error) {
	cc, sc := interop.TCPPair(t)
	cli := tls.Client(cc, stdConfig(c, s))
	errc := make(chan error, 1)
	line := "hello " + p.name + "\n"
	go func() {
		defer close(errc)
		if err := cli.Handshake(); err != nil {
			errc <- err
			return
		}
		if _, err := io.WriteString(cli, "hello engine\n"); err != nil {
			errc <- err
			return
		}
		got, err := bufio.NewReader(cli).ReadString('\n')
		if err != nil || got != line {
			errc <- fmt.Errorf("crypto/tls read %q, %v", got, err)
			return
		}
		cli.Close()
	}()
	srv := newEngineServer(t, c, s)
	if err := endpoint.Handshake(srv, sc); err != nil {
		return "", fmt.Errorf("handshake: %v (client: %v)", err, <-errc)
	}
	note, err := checkNegotiated(p, c, srv)
	if err != nil {
		return "", err
	}
	got, err := readEngineLine(srv, sc)
	if err != nil || got != "hello engine\n" {
		return "", fmt.Errorf("the engine read %q, %v", got, err)
	}
	srv.Write([]byte(line))
	endpoint.Flush(srv, sc)
	if err := <-errc; err != nil {
		return "", err
	}
	return note, nil
}
