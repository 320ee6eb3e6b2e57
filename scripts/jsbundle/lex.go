package jsbundle

import (
	"fmt"
	"strings"

	"tlsplayground/scripts/jssyntax"
)

// This file is a JavaScript tokenizer, just good enough to find the import
// and export statements of the site's own modules and the dynamic import()
// calls in them: it knows comments, strings, template literals (with ${}
// inside), regular expression literals and brackets, and fails on anything
// unterminated or unbalanced rather than guessing.

type tokKind int

const (
	tokIdent    tokKind = iota // identifiers and keywords
	tokPunct                   // one punctuator character (multi-character ones are split)
	tokString                  // '…' or "…"
	tokTemplate                // a template literal's text part: `…`, `…${, }…${ or }…`
	tokRegex                   // /…/flags
	tokNumber
)

type token struct {
	kind       tokKind
	start, end int    // byte offsets in the source
	text       string // the token's source text
	depth      int    // bracket depth before the token: 0 is the module's top level
	line       int    // 1-based line of start
	nlBefore   bool   // a line break between the previous token and this one
}

// The rules shared with scripts/sitebuild's comment stripper (scripts/jssyntax).
var (
	regexAfter   = jssyntax.RegexAfter
	isIdentStart = jssyntax.IdentStart
	isIdentPart  = jssyntax.IdentPart
)

// lexError is a tokenizing failure with its place.
func lexError(name string, src string, at int, format string, args ...any) error {
	line := 1 + strings.Count(src[:at], "\n")
	return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
}

// tokenize splits src (a file called name, for errors) into tokens.
func tokenize(name, src string) ([]token, error) {
	var toks []token
	// stack holds the open brackets; '`' marks a ${ … } inside a template.
	var stack []byte
	line := 1
	nl := false
	i := 0
	emit := func(kind tokKind, start, end int) {
		toks = append(toks, token{kind: kind, start: start, end: end, text: src[start:end], depth: len(stack), line: line, nlBefore: nl})
		line += strings.Count(src[start:end], "\n")
		nl = false
	}
	// template scans a template literal's text from i (just after ` or }) to
	// its end (`) or to the next ${, which it pushes.
	template := func(start int) error {
		for i < len(src) {
			switch src[i] {
			case '\\':
				i += 2
				continue
			case '`':
				i++
				emit(tokTemplate, start, i)
				return nil
			case '$':
				if i+1 < len(src) && src[i+1] == '{' {
					i += 2
					emit(tokTemplate, start, i)
					stack = append(stack, '`')
					return nil
				}
			}
			i++
		}
		return lexError(name, src, start, "unterminated template literal")
	}
	regexAllowed := func() bool {
		if len(toks) == 0 {
			return true
		}
		t := toks[len(toks)-1]
		switch t.kind {
		case tokIdent:
			return regexAfter[t.text]
		case tokNumber, tokString, tokRegex:
			return false
		case tokTemplate:
			return strings.HasSuffix(t.text, "${")
		}
		return !strings.Contains(")]}", t.text)
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			nl = true
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			i += end
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, lexError(name, src, i, "unterminated /* comment")
			}
			comment := src[i : i+2+end+2]
			if n := strings.Count(comment, "\n"); n > 0 {
				line += n
				nl = true
			}
			i += len(comment)
		case c == '\'' || c == '"':
			start := i
			i++
			for {
				if i >= len(src) || src[i] == '\n' {
					return nil, lexError(name, src, start, "unterminated string")
				}
				if src[i] == '\\' {
					i += 2
					continue
				}
				if src[i] == c {
					i++
					break
				}
				i++
			}
			emit(tokString, start, i)
		case c == '`':
			start := i
			i++
			if err := template(start); err != nil {
				return nil, err
			}
		case c == '/' && regexAllowed():
			start := i
			i++
			inClass := false
			for {
				if i >= len(src) || src[i] == '\n' {
					return nil, lexError(name, src, start, "unterminated regular expression (or a division the tokenizer took for one)")
				}
				ch := src[i]
				if ch == '\\' {
					i += 2
					continue
				}
				i++
				if ch == '[' {
					inClass = true
				} else if ch == ']' {
					inClass = false
				} else if ch == '/' && !inClass {
					break
				}
			}
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			emit(tokRegex, start, i)
		case isIdentStart(c):
			start := i
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			emit(tokIdent, start, i)
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			start := i
			for i < len(src) && (isIdentPart(src[i]) || src[i] == '.' ||
				(src[i] == '+' || src[i] == '-') && (src[i-1] == 'e' || src[i-1] == 'E') && !strings.HasPrefix(strings.ToLower(src[start:i]), "0x")) {
				i++
			}
			emit(tokNumber, start, i)
		case c == '{' || c == '(' || c == '[':
			emit(tokPunct, i, i+1)
			stack = append(stack, c)
			i++
		case c == '}' || c == ')' || c == ']':
			open := map[byte]byte{'}': '{', ')': '(', ']': '['}[c]
			if len(stack) == 0 {
				return nil, lexError(name, src, i, "unbalanced %q", c)
			}
			top := stack[len(stack)-1]
			if top == '`' && c == '}' {
				stack = stack[:len(stack)-1]
				start := i
				i++
				if err := template(start); err != nil {
					return nil, err
				}
				continue
			}
			if top != open {
				return nil, lexError(name, src, i, "unbalanced %q", c)
			}
			stack = stack[:len(stack)-1]
			emit(tokPunct, i, i+1)
			i++
		default:
			emit(tokPunct, i, i+1)
			i++
		}
	}
	if len(stack) > 0 {
		return nil, lexError(name, src, len(src), "%d bracket(s) or template(s) left open at the end", len(stack))
	}
	return toks, nil
}
