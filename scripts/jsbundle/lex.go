package jsbundle

import (
	"strings"

	"tlsplayground/scripts/jssyntax"
)

// The bundler reads a module's import and export statements and its dynamic
// import() calls from the tokens of scripts/jssyntax's scanner (the one
// scripts/sitebuild strips the page's comments with), without the spaces and
// comments between them.

type tokKind = jssyntax.Kind

const (
	tokIdent  = jssyntax.Ident
	tokPunct  = jssyntax.Punct
	tokString = jssyntax.String
)

type token struct {
	kind       tokKind
	start, end int    // byte offsets in the source
	text       string // the token's source text
	depth      int    // bracket depth before the token: 0 is the module's top level
	line       int    // 1-based line of start
}

// tokenize splits src (a file called name, for errors) into tokens, spaces and comments left out.
func tokenize(name, src string) ([]token, error) {
	var toks []token
	line := 1
	err := jssyntax.Scan(name, src, func(t jssyntax.Token) {
		text := src[t.Start:t.End]
		if t.Kind != jssyntax.Space && t.Kind != jssyntax.Comment {
			toks = append(toks, token{kind: t.Kind, start: t.Start, end: t.End, text: text, depth: t.Depth, line: line})
		}
		line += strings.Count(text, "\n")
	})
	if err != nil {
		return nil, err
	}
	return toks, nil
}
