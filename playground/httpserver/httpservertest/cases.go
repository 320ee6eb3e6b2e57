// Package httpservertest is the contract's catalogue of bad requests to the
// engine's server behind HTTP (playground/httpserver): each request with
// the status and JSON error code it must get. The handler's own tests and
// the client that checks a running server from outside (tests/workerd/client:
// the Worker under workerd, the in-page server under Node, scripts/serve)
// run this one table.
package httpservertest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
)

// Inputs are what the bad requests are made of.
type Inputs struct {
	ClientHello []byte // a real first flight: a TLS 1.3 ClientHello
	Token       string // the token the server answered ClientHello with
	Foreign     string // a genuine token sealed by another server (ForeignToken)
	Expired     string // an expired token of this server; "" leaves the case out (making one needs the server's key or clock)
	MaxBody     int    // maxBody of GET /tls/info
}

// Case is one bad request and the answer the contract gives it.
type Case struct {
	Name        string
	Method      string
	Path        string
	ContentType string
	Token       string
	Header      map[string]string // more header fields
	Body        []byte
	Status      int
	Code        string
	// FrontMayAnswer: a server in front of the handler may answer this
	// request by itself, with the same status but not the JSON body (its
	// own header limit, below the handler's: Node's is 16 KiB).
	FrontMayAnswer bool
}

// BadRequests returns the table, in the order a reader meets the contract:
// the body, the method and content type, the mode, the token, the TLS
// flight, the route.
func BadRequests(in Inputs) []Case {
	flight, ct, ch := httpserver.PathFlight, httpserver.ContentType, in.ClientHello
	// A Finished as the first flight, before any ClientHello.
	finishedFirst := append([]byte{22, 3, 3, 0, 36, 20, 0, 0, 32}, make([]byte, 32)...)
	cases := []Case{
		{Name: "empty body", Method: "POST", Path: flight, ContentType: ct, Status: 400, Code: "empty_body"},
		{Name: "garbage (an HTTP request)", Method: "POST", Path: flight, ContentType: ct, Body: []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Status: 409, Code: "out_of_order"},
		{Name: "garbage record", Method: "POST", Path: flight, ContentType: ct, Body: []byte{22, 3, 3, 0, 5, 1, 0, 0, 1, 0}, Status: 422, Code: "tls_alert"},
		{Name: "oversize body", Method: "POST", Path: flight, ContentType: ct, Body: bytes.Repeat([]byte{22}, in.MaxBody+1), Status: 413, Code: "body_too_large"},
		{Name: "header over the limit", Method: "POST", Path: flight, ContentType: ct, Body: ch,
			Header: map[string]string{"X-Padding": strings.Repeat("p", httpserver.MaxHeaderBytes)}, Status: 431, Code: "headers_too_large", FrontMayAnswer: true},
		{Name: "wrong method (GET)", Method: "GET", Path: flight, Status: 405, Code: "wrong_method"},
		{Name: "wrong method (PUT)", Method: "PUT", Path: flight, ContentType: ct, Body: ch, Status: 405, Code: "wrong_method"},
		{Name: "wrong content type", Method: "POST", Path: flight, ContentType: "text/plain", Body: ch, Status: 415, Code: "wrong_content_type"},
		{Name: "no content type", Method: "POST", Path: flight, Body: ch, Status: 415, Code: "wrong_content_type"},
		{Name: "bad mode", Method: "POST", Path: flight + "?mode=ssl3", ContentType: ct, Body: ch, Status: 400, Code: "bad_mode"},
		{Name: "tampered token", Method: "POST", Path: flight, ContentType: ct, Token: Tamper(in.Token), Body: ch, Status: 400, Code: "bad_token"},
		{Name: "truncated token", Method: "POST", Path: flight, ContentType: ct, Token: in.Token[:20], Body: ch, Status: 400, Code: "bad_token"},
		{Name: "token not base64", Method: "POST", Path: flight, ContentType: ct, Token: "***", Body: ch, Status: 400, Code: "bad_token"},
		{Name: "foreign token", Method: "POST", Path: flight, ContentType: ct, Token: in.Foreign, Body: ch, Status: 400, Code: "bad_token"},
		{Name: "expired token", Method: "POST", Path: flight, ContentType: ct, Token: in.Expired, Body: ch, Status: 410, Code: "expired_token"},
		{Name: "flight out of order", Method: "POST", Path: flight, ContentType: ct, Body: finishedFirst, Status: 409, Code: "out_of_order"},
		// The token says the ClientHello was received and the server's keys are set: a
		// plaintext ClientHello record is unexpected (RFC 8446 §5: unexpected_message).
		{Name: "replayed token, ClientHello again", Method: "POST", Path: flight, ContentType: ct, Token: in.Token, Body: ch, Status: 409, Code: "out_of_order"},
		{Name: "unknown route", Method: "GET", Path: "/nope", Status: 404, Code: "not_found"},
	}
	out := cases[:0]
	for _, c := range cases {
		if c.Code == "expired_token" && in.Expired == "" {
			continue
		}
		out = append(out, c)
	}
	return out
}

// Request builds the case's request against base ("http://host:port").
func (c Case) Request(base string) (*http.Request, error) {
	var body *bytes.Reader
	if c.Body != nil {
		body = bytes.NewReader(c.Body)
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(c.Method, base+c.Path, body)
	} else {
		req, err = http.NewRequest(c.Method, base+c.Path, nil)
	}
	if err != nil {
		return nil, err
	}
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	if c.Token != "" {
		req.Header.Set(httpserver.HeaderToken, c.Token)
	}
	for k, v := range c.Header {
		req.Header.Set(k, v)
	}
	return req, nil
}

// Tamper changes one character in the middle of a token.
func Tamper(tok string) string {
	if tok == "" {
		return tok
	}
	b := []byte(tok)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// ForeignToken is a genuine token from another server (another identity,
// another token key): the first flight ch answered by a handler in this
// process.
func ForeignToken(ch []byte) (string, error) {
	s, err := pki.NewSetup(pki.Options{KeyType: pki.KeyECDSA})
	if err != nil {
		return "", err
	}
	var chain []byte
	for _, der := range s.Chain {
		chain = append(chain, pki.CertPEM(der)...)
	}
	id, err := httpserver.IdentityFromPEM(chain, s.KeyPEM(), strings.Repeat("5a", 32))
	if err != nil {
		return "", err
	}
	srv := httptest.NewServer(httpserver.New(id, httpserver.Options{}))
	defer srv.Close()
	resp, err := http.Post(srv.URL+httpserver.PathFlight+"?mode=tls13", httpserver.ContentType, bytes.NewReader(ch))
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	tok := resp.Header.Get(httpserver.HeaderToken)
	if resp.StatusCode != 200 || tok == "" {
		return "", fmt.Errorf("the foreign server answered %d without a token", resp.StatusCode)
	}
	return tok, nil
}
