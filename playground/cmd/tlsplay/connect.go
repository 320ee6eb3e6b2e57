package main

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/tls12"
	"tlsplayground/playground/tls13"
	"tlsplayground/playground/trace"
)

const connectSynopsis = "connect HOST:PORT [--mode tls13|ecdhe|classic] [--servername NAME] [--cafile FILE] [--group NAME] [--suite NAME] [--request TEXT] [--timeout 10s] [--pcapng FILE]"

// responseLines is how many lines of the response connect prints.
const responseLines = 12

// connect runs the engine's client against a TLS server over TCP and prints
// each step as it happens, then the server's chain.
func (c *cli) connect(args []string) error {
	cmd := c.newCommand("connect", connectSynopsis)
	mode := cmd.String("mode", session.ModeTLS13, "tls13, ecdhe (TLS 1.2, ephemeral ECDH) or classic (TLS 1.2, RSA key transport)")
	serverName := cmd.String("servername", "", "the name sent in SNI and checked against the certificate (default: the host part of HOST:PORT)")
	caFile := cmd.String("cafile", "", "PEM file of the roots to trust (default: the system's trust store)")
	group := cmd.String("group", "", "the group of the client's key share: x25519, secp256r1, X25519MLKEM768 (tls13 only) (default: the mode's)")
	suite := cmd.String("suite", "", "cipher suites the client offers, IANA names, comma-separated (default: all of the mode's)")
	request := cmd.String("request", "", `application data to send after the handshake, with \r \n \t escapes, e.g. "GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"`)
	timeout := cmd.Duration("timeout", 10*time.Second, "limit for connecting, for the handshake, and for the response")
	pcapngPath := cmd.String("pcapng", "", pcapngUsage)
	pos, err := cmd.parse(args, 1)
	if err != nil {
		return err
	}
	addr := pos[0]
	host, err := checkAddr(addr)
	if err != nil || host == "" {
		return usageErr(fmt.Sprintf("connect: %q is not HOST:PORT", addr), "for example: tlsplay connect example.com:443")
	}
	if err := checkMode(*mode); err != nil {
		return err
	}
	ss, err := parseSuites(*mode, *suite)
	if err != nil {
		return err
	}
	g, err := parseGroup(*mode, *group)
	if err != nil {
		return err
	}
	if *timeout <= 0 {
		return usageErr(fmt.Sprintf("--timeout %s: give a positive duration", *timeout), "for example: --timeout 10s")
	}
	req, err := unescape(*request)
	if err != nil {
		return usageErr(fmt.Sprintf("--request %.40q: %v", *request, err), `escapes are \r, \n, \t, \\ and \xHH`)
	}
	if err := limits.Size("--request", len(req), limits.Message, "the engine splits it into records of at most 16384 bytes, RFC 8446 §5.1"); err != nil {
		return usageErr(err.Error(), "send a shorter request")
	}
	name, nameArg := *serverName, "--servername"
	if name == "" {
		name, nameArg = host, "the host in HOST:PORT"
	}
	if err := limits.CheckServerName(nameArg, name); err != nil {
		return usageErr(err.Error(), "give the DNS name the server's certificate is for, e.g. --servername example.com")
	}
	roots, trust, err := loadRoots(*caFile)
	if err != nil {
		return err
	}
	var capture *captureFile
	if *pcapngPath != "" {
		if capture, err = createCapture(*pcapngPath); err != nil {
			return err
		}
	}

	out := c.stdout
	fmt.Fprintf(out, "Connecting to %s as %q with the engine's client (%s), trusting %s\n", addr, name, session.ModeName(*mode), trust)
	nc, err := net.DialTimeout("tcp", addr, *timeout)
	if err != nil {
		return fmt.Errorf("%s: cannot connect: %v", addr, dialReason(err))
	}
	defer nc.Close()
	fmt.Fprintf(out, "TCP connection from %s to %s\n", nc.LocalAddr(), nc.RemoteAddr())

	rec := &trace.Recorder{}
	cl := newClient(clientOptions{mode: *mode, suites: ss, group: g, serverName: name, roots: roots, rec: rec})
	live := &liveTrace{rec: rec, out: out, mode: *mode}
	wire := &wireLog{localIsClient: true}
	tc := &tracedConn{Conn: nc, live: live, wire: wire}
	var keylog string
	err = func() error {
		nc.SetDeadline(time.Now().Add(*timeout))
		herr := endpoint.Handshake(cl, tc)
		live.flush()

		p := &printer{w: out}
		if chain := cl.PeerChain(); len(chain) > 0 {
			p.printf("\nThe server's chain, as sent (leaf first), checked against %s:\n", trust)
			p.chain("   ", chain)
			if res := pki.Verify(chain, roots, name, c.now()); res.OK {
				path := make([]string, len(res.Chain))
				for i, cert := range res.Chain {
					path[i] = cert.Subject.String()
				}
				p.wrap("   ✓ verified for "+strconv.Quote(name)+": ", "       ", strings.Join(path, " → "))
			} else {
				p.wrap("   ✗ not trusted for "+strconv.Quote(name)+": ", "       ", res.Err.Error())
			}
		}
		if herr != nil {
			if e := cl.Err(); e != nil {
				herr = e // why the engine gave up, rather than the failed write of its alert
			}
			return failure(addr, "server", *timeout, herr)
		}
		p.printf("\nEstablished: %s\n", established(cl))
		keylog = cl.KeyLog() // before close_notify, which erases the secrets

		if req != "" {
			if err := c.exchange(p, cl, tc, req, *timeout); err != nil {
				return failure(addr, "server", *timeout, err)
			}
		}
		nc.SetDeadline(time.Now().Add(*timeout))
		if cl.Err() == nil {
			cl.Close() // close_notify, also in answer to the server's
			endpoint.Flush(cl, tc)
		}
		live.flush()
		p.keylog("", keylog)
		return nil
	}()
	if capture != nil {
		if keylog == "" {
			keylog = cl.KeyLog() // a failed handshake: what secrets there were
		}
		if _, werr := capture.add(wire.conn(nc), keylog); werr != nil {
			return werr
		}
		fmt.Fprintf(out, "\nCapture written to %s (%s), the key log inside: tshark -r %s -q -z follow,tls,ascii,0\n", *pcapngPath, bytesCount(wire.bytes), *pcapngPath)
	}
	return err
}

// exchange sends the request and prints the first lines of the response.
func (c *cli) exchange(p *printer, cl conn, tc *tracedConn, req string, timeout time.Duration) error {
	if _, err := cl.Write([]byte(req)); err != nil {
		return err
	}
	tc.SetDeadline(time.Now().Add(timeout))
	if err := endpoint.Flush(cl, tc); err != nil {
		return fmt.Errorf("tls: cannot write to the peer: %w", err)
	}
	var resp []byte
	var rerr error
	for bytes.Count(resp, []byte("\n")) < responseLines && len(resp) < 1<<20 {
		d, err := endpoint.ReadApplicationData(cl, tc)
		resp = append(resp, d...)
		if err != nil {
			rerr = err
			break
		}
	}
	tc.live.flush()
	end := ""
	switch {
	case rerr == nil:
		end = "more may follow; connect reads only the first lines"
	case errors.Is(rerr, io.EOF):
		end = "the server then closed the connection with close_notify"
	case errors.Is(rerr, io.ErrUnexpectedEOF):
		end = "the server then closed the TCP connection without close_notify"
	case errors.Is(rerr, os.ErrDeadlineExceeded) && len(resp) > 0:
		end = fmt.Sprintf("nothing more arrived within %s", timeout)
	default:
		return rerr
	}
	p.printf("\nResponse (%s, first lines):\n", bytesCount(len(resp)))
	lines := strings.SplitAfter(string(resp), "\n")
	for i, l := range lines {
		if i == responseLines {
			p.printf("   …\n")
			break
		}
		l = strings.TrimRight(l, "\r\n")
		if i == len(lines)-1 && l == "" {
			break
		}
		if strconv.CanBackquote(l) || l == "" {
			p.printf("   %s\n", l)
		} else {
			p.printf("   %s\n", strconv.Quote(l))
		}
	}
	p.printf("(%s)\n", end)
	return nil
}

// loadRoots returns the client's trust store: the roots in caFile, or the
// system's, and how to name it.
func loadRoots(caFile string) (*x509.CertPool, string, error) {
	if caFile == "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			return nil, "", fmt.Errorf("cannot load the system's trust store: %v", err)
		}
		return pool, "the system roots", nil
	}
	pem, err := limits.ReadFile("--cafile", caFile, limits.PEM)
	if err != nil {
		return nil, "", usageErr(err.Error(), "give a PEM file of CA certificates, such as the one tlsplay serve writes")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, "", usageErr(fmt.Sprintf("--cafile %q holds no PEM certificate", caFile), "give a PEM file of CA certificates (-----BEGIN CERTIFICATE-----)")
	}
	return pool, caFile, nil
}

// established names what was negotiated.
func established(cl conn) string {
	c13, is13 := cl.(*tls13.Conn)
	parts := []string{"TLS 1.2"}
	if is13 {
		parts[0] = "TLS 1.3"
	}
	if s := cl.Suite(); s != nil {
		parts = append(parts, s.Name)
	}
	if is13 {
		if g := c13.Group(); g != nil {
			parts = append(parts, g.Name)
		}
		if s := c13.Scheme(); s != nil {
			parts = append(parts, s.Name)
		}
		if c13.HelloRetry() {
			parts = append(parts, "after a HelloRetryRequest")
		}
	}
	if c12, ok := cl.(*tls12.Conn); ok {
		if k := c12.ECDHE(); k != nil && k.Group != nil {
			parts = append(parts, k.Group.Name)
			if k.Scheme != nil {
				parts = append(parts, k.Scheme.Name)
			}
		}
		if c12.EMS() {
			parts = append(parts, "extended master secret")
		}
	}
	return strings.Join(parts, " · ")
}

// failure is the one line that says why a connection to or from addr
// failed; peer is "server" for connect, "client" for serve.
func failure(addr, peer string, timeout time.Duration, err error) error {
	var ae *alert.Error
	if errors.As(err, &ae) {
		switch {
		case ae.Received && ae.Alert == alert.CloseNotify:
			return fmt.Errorf("%s: the %s closed the connection during the handshake (close_notify)", addr, peer)
		case ae.Received:
			return fmt.Errorf("%s: the %s sent a fatal %s alert: it refused the handshake", addr, peer, ae.Alert)
		case certificateError(ae):
			why := strings.TrimPrefix(ae.Msg, "tls: ")
			if ae.Err != nil {
				why = ae.Err.Error()
			}
			return fmt.Errorf("%s: certificate rejected: %s (alert %s sent)", addr, why, ae.Alert)
		}
		return fmt.Errorf("%s: handshake failed: %s (alert %s sent)", addr, strings.TrimPrefix(ae.Error(), "tls: "), ae.Alert)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: the %s closed the connection during the handshake without an alert (does it speak TLS, and this version? try another --mode)", addr, peer)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%s: no answer from the %s within %s", addr, peer, timeout)
	}
	return fmt.Errorf("%s: %s", addr, strings.TrimPrefix(err.Error(), "tls: "))
}

// certificateError reports whether the client gave up over the server's
// certificate.
func certificateError(ae *alert.Error) bool {
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var he x509.HostnameError
	var sr x509.SystemRootsError
	if errors.As(ae, &ua) || errors.As(ae, &ci) || errors.As(ae, &he) || errors.As(ae, &sr) {
		return true
	}
	return isCertificateAlert(ae.Alert)
}

// isCertificateAlert reports whether an alert is about the certificate.
func isCertificateAlert(a alert.Alert) bool {
	switch a {
	case alert.BadCertificate, alert.UnsupportedCertificate, alert.CertificateRevoked, alert.CertificateExpired, alert.CertificateUnknown, alert.UnknownCA:
		return true
	}
	return false
}

// dialReason shortens a dial error to its cause: "connection refused"
// rather than "dial tcp 127.0.0.1:1: connect: connection refused".
func dialReason(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err.Error()
		}
		return oe.Err.Error()
	}
	return err.Error()
}

// checkAddr checks HOST:PORT (the port a number or a service name such as
// "https") and returns the host.
func checkAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return "", err
	}
	return host, nil
}

// unescape turns the escapes of a --request value into bytes.
func unescape(s string) (string, error) {
	var b strings.Builder
	for s != "" {
		r, multi, tail, err := strconv.UnquoteChar(s, 0)
		if err != nil {
			return "", fmt.Errorf("bad escape near %q", s[:min(len(s), 4)])
		}
		if multi {
			b.WriteRune(r)
		} else {
			b.WriteByte(byte(r))
		}
		s = tail
	}
	return b.String(), nil
}
