//go:build !core

package tls12

// The server's side of resumption, in every build but the page's core
// engine (see serverResumption).
func init() {
	serverResumption = &serverResumer{hello: (*Conn).resumeFromHello, ticket: (*Conn).sendNewSessionTicket}
}
