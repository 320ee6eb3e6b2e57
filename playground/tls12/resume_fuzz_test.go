//go:build !core

package tls12_test

import (
	"testing"

	"tlsplayground/playground/rng"
	"tlsplayground/playground/tls12"
)

// resumeFlights returns the records of a resumption by ticket, as seeds,
// with the session the client offered and the server's ticket key.
func resumeFlights(t testing.TB) (toServer, toClient [][]byte, sess *tls12.Session) {
	s := setup(t)
	srvCfg := func(seed string) *tls12.Config {
		return &tls12.Config{Rand: rng.New([]byte(seed)), Certificates: s.Chain, Key: s.Key, TicketKey: ticketKey, SessionCache: tls12.NewSessionCache()}
	}
	c1 := tls12.Client(&tls12.Config{Rand: rng.New([]byte("fuzz resume 1")), ServerName: s.ServerName, Roots: s.Roots(), SessionTickets: true})
	converse(c1, tls12.Server(srvCfg("fuzz resume srv 1")), nil)
	sess = c1.Session()
	if sess == nil {
		t.Fatal("seed handshake failed")
	}
	c := tls12.Client(&tls12.Config{Rand: rng.New([]byte("fuzz resume 2")), ServerName: s.ServerName, Roots: s.Roots(), SessionTickets: true, Resume: sess})
	srv := tls12.Server(srvCfg("fuzz resume srv 2"))
	converse(c, srv, func(from, name string, w []byte) []byte {
		if from == "client" {
			toServer = append(toServer, w)
		} else {
			toClient = append(toClient, w)
		}
		return w
	})
	if !c.Resumed() {
		t.Fatal("seed resumption failed")
	}
	return toServer, toClient, sess
}

// FuzzResumeServerReceive feeds arbitrary bytes to a server with a ticket
// key and a session cache: it may fail, never panic, and a failure always
// queues an alert.
func FuzzResumeServerReceive(f *testing.F) {
	toServer, _, _ := resumeFlights(f)
	for _, r := range toServer {
		f.Add(r)
	}
	s := setup(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		srv := tls12.Server(&tls12.Config{Rand: rng.New([]byte("fuzz")), Certificates: s.Chain, Key: s.Key, TicketKey: ticketKey, SessionCache: tls12.NewSessionCache()})
		if err := srv.Receive(data); err != nil && len(srv.TakeOutput()) == 0 && srv.Err() == nil {
			t.Fatal("error without state")
		}
	})
}

// FuzzResumeClientReceive feeds arbitrary bytes to a client that offered a
// session.
func FuzzResumeClientReceive(f *testing.F) {
	_, toClient, sess := resumeFlights(f)
	var all []byte
	for _, r := range toClient {
		f.Add(r)
		all = append(all, r...)
	}
	f.Add(all)
	s := setup(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := tls12.Client(&tls12.Config{Rand: rng.New([]byte("fuzz")), ServerName: s.ServerName, Roots: s.Roots(), SessionTickets: true, Resume: sess})
		c.Start()
		c.TakeOutput()
		c.Receive(data)
	})
}
