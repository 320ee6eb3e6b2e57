package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"time"

	"tlsplayground/playground/alert"
	"tlsplayground/playground/endpoint"
	"tlsplayground/playground/limits"
	"tlsplayground/playground/pki"
	"tlsplayground/playground/session"
	"tlsplayground/playground/trace"
)

const serveSynopsis = "serve ADDR [--mode tls13|ecdhe|classic] [--key rsa|ecdsa|ed25519] [--cert FILE --keyfile FILE] [--name HOST] [--once] [--max-conns 100] [--handshake-timeout 10s] [--idle-timeout 30s] [--pcapng FILE]"

// helloBody is the first line of every answer.
const helloBody = "hello from the TLS Playground engine"

// serve runs the engine's server on ADDR: a generated root CA and server
// certificate (the CA written to a file for the clients to trust), or a
// given certificate and key. Each connection prints its steps as they
// happen and gets a small HTTP/1.1 answer.
func (c *cli) serve(args []string) error {
	cmd := c.newCommand("serve", serveSynopsis)
	mode := cmd.String("mode", session.ModeTLS13, "tls13, ecdhe (TLS 1.2, ephemeral ECDH) or classic (TLS 1.2, RSA key transport)")
	keyType := cmd.String("key", pki.KeyRSA, "the generated server key: rsa, ecdsa (P-256) or ed25519")
	certFile := cmd.String("cert", "", "PEM certificate chain to serve, leaf first, instead of a generated one (with --keyfile)")
	keyFile := cmd.String("keyfile", "", "PEM private key of the --cert leaf (PKCS #8, PKCS #1 or SEC 1)")
	name := cmd.String("name", pki.DefaultServerName, "the host name the generated certificate is issued for")
	once := cmd.Bool("once", false, "exit after one connection (status 1 if it failed)")
	maxConns := cmd.Int("max-conns", defaultMaxConns, "connections handled at once; more wait in the listen queue until one ends")
	handshakeTimeout := cmd.Duration("handshake-timeout", defaultHandshakeTimeout, "limit for a client's whole handshake; a client that sends nothing is dropped after it")
	idleTimeout := cmd.Duration("idle-timeout", defaultIdleTimeout, "limit for the request after the handshake, and for the client's close_notify")
	pcapngPath := cmd.String("pcapng", "", "write every connection to FILE as pcapng, with the key logs inside, rewritten after each one: Wireshark and tshark open it decrypted")
	pos, err := cmd.parse(args, 1)
	if err != nil {
		return err
	}
	if *maxConns < 1 {
		return usageErr(fmt.Sprintf("--max-conns %d: give at least 1", *maxConns), "for example: --max-conns 100")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--handshake-timeout", *handshakeTimeout}, {"--idle-timeout", *idleTimeout}} {
		if d.v <= 0 {
			return usageErr(fmt.Sprintf("%s %s: give a positive duration", d.name, d.v), "for example: "+d.name+" 10s")
		}
	}
	addr := pos[0]
	if _, err := checkAddr(addr); err != nil {
		return usageErr(fmt.Sprintf("serve: %q is not HOST:PORT", addr), "for example: tlsplay serve 127.0.0.1:8443, or :8443 for every interface")
	}
	if err := checkMode(*mode); err != nil {
		return err
	}
	var id identity
	var caPath string
	if *certFile != "" || *keyFile != "" {
		if *certFile == "" || *keyFile == "" {
			return usageErr("--cert and --keyfile go together", "give both, or neither for a generated certificate")
		}
		if set(cmd, "key") || set(cmd, "name") {
			return usageErr("--key and --name are for the generated certificate, not with --cert", "leave out --key and --name: the certificate says which key and name it has")
		}
		if id, err = loadIdentity(*certFile, *keyFile); err != nil {
			return err
		}
		if _, isRSA := id.signer.(*rsa.PrivateKey); *mode == session.ModeClassic && !isRSA {
			return usageErr("the classic handshake needs an RSA server key (RSA key transport)", "give an RSA certificate and key, or choose --mode ecdhe or --mode tls13")
		}
	} else {
		if err := checkKeyType(*keyType); err != nil {
			return err
		}
		if err := limits.CheckServerName("--name", *name); err != nil {
			return usageErr(err.Error(), "give a DNS name such as playground.test")
		}
		if err := keyFitsMode(*mode, *keyType); err != nil {
			return err
		}
		setup, err := c.newSetup(pki.Options{ServerName: *name, KeyType: *keyType, Now: c.now()})
		if err != nil {
			return usageErr(strings.TrimPrefix(err.Error(), "pki: "), "run \"tlsplay serve -h\" for the flags")
		}
		f, err := os.CreateTemp("", "tlsplay-ca-*.pem")
		if err != nil {
			return fmt.Errorf("cannot write the CA certificate: %v", err)
		}
		_, werr := f.Write(pki.CertPEM(setup.CA.Raw))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(f.Name())
			return fmt.Errorf("cannot write the CA certificate: %v", werr)
		}
		caPath = f.Name()
		defer os.Remove(caPath) // the root's key dies with this process
		id = identity{chain: setup.Chain, signer: setup.Signer, ocsp: setup.OCSPResponse}
	}

	var capture *captureFile
	if *pcapngPath != "" {
		if capture, err = createCapture(*pcapngPath); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", addr, dialReason(err))
	}
	defer ln.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C stops the process at once
		ln.Close()
	}()

	out := &lockedWriter{w: c.stdout}
	leaf, _ := x509.ParseCertificate(id.chain[0])
	s := &server{mode: *mode, id: id, out: out, capture: capture,
		limits: serveLimits{maxConns: *maxConns, handshakeTimeout: *handshakeTimeout, idleTimeout: *idleTimeout}.withDefaults()}
	s.banner(ln.Addr().(*net.TCPAddr), leaf, caPath, *once)

	err = s.acceptLoop(ctx, ln, *once)
	if ctx.Err() != nil {
		fmt.Fprintf(out, "\nStopped.\n")
	}
	return err
}

// server is what every connection of serve shares.
type server struct {
	mode    string
	id      identity
	out     io.Writer
	limits  serveLimits
	capture *captureFile // --pcapng, or nil
}

// banner says what is served, where, and how to trust it.
func (s *server) banner(at *net.TCPAddr, leaf *x509.Certificate, caPath string, once bool) {
	var b bytes.Buffer
	p := &printer{w: &b}
	host := at.IP.String()
	if at.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	name := host
	if leaf != nil && len(leaf.DNSNames) > 0 {
		name = leaf.DNSNames[0]
	}
	if leaf != nil {
		info := pki.Describe(leaf)
		p.printf("Serving %s with the engine's server (%s)\n", name, session.ModeName(s.mode))
		p.cert("   ", "certificate", &info)
	}
	if caPath != "" {
		p.printf("\nThe root CA certificate is in %s (deleted when the server stops).\nTrust it to verify the server:\n", caPath)
		p.printf("   curl --cacert %s --resolve %s:%d:%s https://%s:%d/\n", caPath, name, at.Port, host, name, at.Port)
		p.printf("   openssl s_client -connect %s:%d -servername %s -CAfile %s -verify_return_error\n", host, at.Port, name, caPath)
		p.printf("   tlsplay connect %s:%d --servername %s --cafile %s --mode %s\n", host, at.Port, name, caPath, s.mode)
	}
	stop := "Ctrl-C stops"
	if once {
		stop = "exits after one connection"
	}
	if s.capture != nil {
		p.printf("\nEach connection is added to %s when it ends, its key log inside: tshark -r %s -q -z follow,tls,ascii,0\n", s.capture.path, s.capture.path)
	}
	p.printf("\nListening on %s (%s)\n", at, stop)
	if !once {
		p.printf("Each client: the handshake within %s, the request within %s; %d clients at once, more wait their turn\n",
			s.limits.handshakeTimeout, s.limits.idleTimeout, s.limits.maxConns)
	}
	s.out.Write(b.Bytes())
}

// handle runs one connection: handshake, one request, one answer, close.
func (s *server) handle(n int, nc net.Conn) error {
	defer nc.Close()
	tag := fmt.Sprintf("#%d ", n)
	peer := nc.RemoteAddr().String()
	say := func(format string, args ...any) {
		fmt.Fprintf(s.out, tag+format+"\n", args...)
	}
	say("connection from %s", peer)
	rec := &trace.Recorder{}
	srv := newServer(s.mode, s.id, rec)
	live := &liveTrace{rec: rec, out: s.out, tag: tag, mode: s.mode}
	var wire *wireLog
	var keylog string
	if s.capture != nil {
		wire = &wireLog{}
		defer func() {
			if keylog == "" {
				keylog = srv.KeyLog() // a failed handshake: what secrets there were
			}
			switch added, err := s.capture.add(wire.conn(nc), keylog); {
			case err != nil:
				say("✗ %v", err)
			case !added:
				say("not added to the capture: it holds %d connections or %s already", maxCapturedConns, bytesCount(maxCapturedBytes))
			}
		}()
	}
	tc := &tracedConn{Conn: nc, live: live, wire: wire}
	defer live.flush()

	// One deadline for the whole handshake, not one per read: a client
	// that sends a byte now and then cannot keep its slot.
	nc.SetDeadline(time.Now().Add(s.limits.handshakeTimeout))
	if err := endpoint.Handshake(srv, tc); err != nil {
		live.flush()
		if e := srv.Err(); e != nil {
			err = e // why the engine gave up, rather than the failed write of its alert
		}
		ferr := failure(peer, "client", s.limits.handshakeTimeout, err)
		say("✗ %s", ferr)
		if a, ok := alert.Of(err); ok && isCertificateAlert(a) {
			say("hint: the client does not accept the certificate: give it the root CA (curl --cacert FILE, openssl s_client -CAfile FILE) and the name the certificate is for")
		}
		return ferr
	}
	live.flush()
	say("established: %s", established(srv))
	keylog = srv.KeyLog() // before close_notify, which erases the secrets

	nc.SetDeadline(time.Now().Add(s.limits.idleTimeout))
	req, rerr := readRequest(srv, tc)
	live.flush()
	if len(req) == 0 {
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			err := failure(peer, "client", s.limits.idleTimeout, rerr)
			say("✗ %s", err)
			return err
		}
		say("the client closed the connection without a request")
	} else {
		first, _, _ := strings.Cut(string(req), "\n")
		say("request (%s): %s", bytesCount(len(req)), strings.TrimSpace(first))
		if _, err := srv.Write(answer(req, established(srv))); err != nil {
			return err
		}
	}
	if srv.Err() == nil {
		srv.Close()
	}
	if err := endpoint.Flush(srv, tc); err != nil {
		return failure(peer, "client", s.limits.idleTimeout, err)
	}
	drain(srv, tc)
	live.flush()
	var b bytes.Buffer
	(&printer{w: &b}).keylog(tag, keylog)
	s.out.Write(b.Bytes())
	say("closed")
	return nil
}

// readRequest reads until the end of an HTTP request's header, or of the
// first line when it is not HTTP (openssl s_client sends what is typed).
func readRequest(srv conn, rw io.ReadWriter) ([]byte, error) {
	var req []byte
	for len(req) < 1<<16 {
		d, err := endpoint.ReadApplicationData(srv, rw)
		req = append(req, d...)
		if err != nil {
			return req, err
		}
		if bytes.Contains(req, []byte("\r\n\r\n")) || bytes.Contains(req, []byte("\n\n")) {
			break
		}
		if first, _, ok := bytes.Cut(req, []byte("\n")); ok && !bytes.Contains(first, []byte(" HTTP/")) {
			break
		}
	}
	return req, nil
}

// answer is the HTTP/1.1 response to any request.
func answer(req []byte, negotiated string) []byte {
	first, _, _ := strings.Cut(string(req), "\n")
	body := fmt.Sprintf("%s\nover %s\nyou sent: %s\n", helloBody, negotiated, strings.TrimSpace(first))
	head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	if strings.HasPrefix(first, "HEAD ") {
		body = ""
	}
	return []byte(head + body)
}

// drain waits briefly for the client's close_notify (and the end of the
// stream), so that closing the socket does not reset a connection whose
// answer the client has not read yet.
func drain(srv conn, nc *tracedConn) {
	if tcp, ok := nc.Conn.(*net.TCPConn); ok {
		tcp.CloseWrite()
	}
	nc.SetDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 1<<14)
	for !srv.PeerClosed() {
		n, err := nc.Read(buf)
		if n > 0 {
			srv.Receive(buf[:n])
			srv.TakeOutput()
		}
		if err != nil {
			return
		}
	}
}

// loadIdentity reads a certificate chain and its private key from PEM files.
func loadIdentity(certFile, keyFile string) (identity, error) {
	certPEM, err := limits.ReadFile("--cert", certFile, limits.PEM)
	if err != nil {
		return identity{}, usageErr(err.Error(), "give a PEM certificate chain, leaf first")
	}
	var chain [][]byte
	for rest := certPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			chain = append(chain, b.Bytes)
		}
	}
	if len(chain) == 0 {
		return identity{}, usageErr(fmt.Sprintf("--cert %q holds no PEM certificate", certFile), "give a PEM certificate chain (-----BEGIN CERTIFICATE-----), leaf first")
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return identity{}, usageErr(fmt.Sprintf("--cert %q: the first certificate does not parse: %v", certFile, err), "give a PEM certificate chain, leaf first")
	}
	keyPEM, err := limits.ReadFile("--keyfile", keyFile, limits.PEM)
	if err != nil {
		return identity{}, usageErr(err.Error(), "give the leaf's private key as PEM")
	}
	signer, err := parseKey(keyPEM)
	if err != nil {
		return identity{}, usageErr(fmt.Sprintf("--keyfile %q: %v", keyFile, err), "give a PEM private key: PKCS #8 (PRIVATE KEY), PKCS #1 (RSA PRIVATE KEY) or SEC 1 (EC PRIVATE KEY)")
	}
	if !samePublic(signer.Public(), leaf.PublicKey) {
		return identity{}, usageErr(fmt.Sprintf("--keyfile %q is not the key of the certificate in %q", keyFile, certFile), "give the private key that belongs to the leaf certificate")
	}
	return identity{chain: chain, signer: signer}, nil
}

// parseKey reads the first private key in a PEM file.
func parseKey(data []byte) (crypto.Signer, error) { return pki.ParseKeyPEM(data) }

func samePublic(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}
