//go:build !core

package session

// TLS 1.2 resumption, in every build but the page's core engine (see
// resume12).
func init() { resume12 = resumeTLS12 }
