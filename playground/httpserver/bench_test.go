package httpserver_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"tlsplayground/playground/httpserver"
	"tlsplayground/playground/pki"
)

// handlerTransport hands each request straight to a handler, in process:
// the cost of the server's work alone, as one long-lived instance does it.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}

// BenchmarkHandshake is one whole handshake per mode against one handler
// with an RSA-2048 identity (the Worker's load runs use one): every flight
// of a handshake, the token sealed and opened, the connection rebuilt.
//
//	go test ./playground/httpserver -run '^$' -bench Handshake -benchmem
func BenchmarkHandshake(b *testing.B) {
	s := newServer(b, pki.KeyRSA, httpserver.Options{})
	h := handlerTransport{httpserver.New(s.id, httpserver.Options{})}
	for _, mode := range []string{httpserver.ModeTLS13, httpserver.ModeECDHE, httpserver.ModeClassic} {
		b.Run(mode, func(b *testing.B) {
			i := 0
			for b.Loop() {
				cl := s.clientSeeded(mode, fmt.Sprint(i))
				cl.BaseURL = "http://in-process"
				cl.HTTP = &http.Client{Transport: h}
				if err := cl.Handshake(context.Background()); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
