// Package jssyntax is the JavaScript scanner the site's build tools share
// (Scan), with the rules of JavaScript's lexical grammar it needs:
// scripts/jsbundle (the bundler) and scripts/sitebuild's comment stripper read
// the site's code the same way.
package jssyntax

// RegexAfter lists the keywords after which a slash starts a regular
// expression literal, not a division (ECMA-262 §12: the goal symbol is
// InputElementRegExp after these).
var RegexAfter = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true,
	"delete": true, "void": true, "throw": true, "case": true, "do": true, "else": true,
	"yield": true, "await": true,
}

// IdentStart says whether c can start an identifier (any non-ASCII byte is
// taken as part of one).
func IdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// IdentPart says whether c can continue an identifier.
func IdentPart(c byte) bool { return IdentStart(c) || c >= '0' && c <= '9' }
