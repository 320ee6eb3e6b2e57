//go:build !core

package tls13

// The server's side of resumption, in every build but the page's core
// engine (see serverResumption).
func init() {
	serverResumption = &serverResumer{acceptPSK: (*Conn).acceptPSK, ticket: (*Conn).sendTicket}
}
