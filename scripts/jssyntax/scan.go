package jssyntax

import (
	"fmt"
	"strings"
)

// This file is the one JavaScript scanner of the site's build tools:
// scripts/jsbundle reads the import and export statements of the page's
// modules from its tokens, and scripts/sitebuild writes the page's code
// without its comments from the same tokens. It is just good enough for the
// site's own code: it knows comments, strings, template literals (with ${}
// inside), regular expression literals and brackets, and fails on anything
// unterminated or unbalanced rather than guessing.

// Kind is what a token is.
type Kind int

const (
	Space    Kind = iota // a run of spaces, tabs and line breaks
	Comment              // // … (without its line break) or /* … */
	Ident                // an identifier or keyword
	Punct                // one punctuator character (multi-character ones are split)
	String               // '…' or "…"
	Template             // a template literal's text part: `…`, `…${, }…${ or }…`
	Regex                // /…/flags
	Number               // a numeric literal
)

// Token is one token of a source: src[Start:End]. The tokens of a source,
// in order, cover it whole.
type Token struct {
	Kind       Kind
	Start, End int
	// Depth is the number of brackets (and template ${) open before the
	// token: 0 is the script's top level. A closing bracket has the depth of
	// its opening one.
	Depth int
}

// Scan calls emit with each token of the JavaScript src (a file called name,
// for errors), in order. It fails on a comment, string, template or regular
// expression left unterminated, or a bracket left unbalanced, with an error
// that says "name:line: what".
func Scan(name, src string, emit func(Token)) error {
	var stack []byte // the open brackets; '`' marks a template's ${
	// What came last (not a space or a comment), for telling a regular
	// expression from a division.
	var last Token
	seen := false
	i := 0
	out := func(kind Kind, start int) {
		t := Token{Kind: kind, Start: start, End: i, Depth: len(stack)}
		if kind != Space && kind != Comment {
			last, seen = t, true
		}
		emit(t)
	}
	fail := func(at int, what string) error {
		return fmt.Errorf("%s:%d: %s", name, 1+strings.Count(src[:at], "\n"), what)
	}
	// template scans a template literal's text from i (just after ` or }) to
	// its end (`) or to the next ${, which it opens.
	template := func(start int) error {
		for i < len(src) {
			switch src[i] {
			case '\\':
				i += 2
				continue
			case '`':
				i++
				out(Template, start)
				return nil
			case '$':
				if i+1 < len(src) && src[i+1] == '{' {
					i += 2
					out(Template, start)
					stack = append(stack, '`')
					return nil
				}
			}
			i++
		}
		return fail(start, "unterminated template literal")
	}
	regexAllowed := func() bool {
		if !seen {
			return true
		}
		text := src[last.Start:last.End]
		switch last.Kind {
		case Ident:
			return RegexAfter[text]
		case Number, String, Regex:
			return false
		case Template:
			return text[len(text)-1] == '{' // after `…${ or }…${, not after a closing `
		}
		return text != ")" && text != "]" && text != "}"
	}
	for i < len(src) {
		c := src[i]
		start := i
		switch {
		case isSpace(c):
			for i < len(src) && isSpace(src[i]) {
				i++
			}
			out(Space, start)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			out(Comment, start)
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return fail(start, "unterminated /* comment")
			}
			i += 2 + end + 2
			out(Comment, start)
		case c == '\'' || c == '"':
			end, ok := StringEnd(src, i)
			if !ok {
				return fail(start, "unterminated string")
			}
			i = end
			out(String, start)
		case c == '`':
			i++
			if err := template(start); err != nil {
				return err
			}
		case c == '/' && regexAllowed():
			i++
			inClass := false
			for {
				if i >= len(src) || src[i] == '\n' {
					return fail(start, "unterminated regular expression (or a division taken for one)")
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
			for i < len(src) && IdentPart(src[i]) {
				i++
			}
			out(Regex, start)
		case IdentStart(c):
			for i < len(src) && IdentPart(src[i]) {
				i++
			}
			out(Ident, start)
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			hex := c == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X')
			for i < len(src) && (IdentPart(src[i]) || src[i] == '.' ||
				(src[i] == '+' || src[i] == '-') && (src[i-1] == 'e' || src[i-1] == 'E') && !hex) {
				i++
			}
			out(Number, start)
		case c == '{' || c == '(' || c == '[':
			i++
			out(Punct, start) // at the depth before it
			stack = append(stack, c)
		case c == '}' || c == ')' || c == ']':
			open := map[byte]byte{'}': '{', ')': '(', ']': '['}[c]
			if len(stack) == 0 {
				return fail(start, fmt.Sprintf("unbalanced %q", c))
			}
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			i++
			if top == '`' && c == '}' {
				if err := template(start); err != nil {
					return err
				}
				continue
			}
			if top != open {
				return fail(start, fmt.Sprintf("unbalanced %q", c))
			}
			out(Punct, start)
		default:
			i++
			out(Punct, start)
		}
	}
	if len(stack) > 0 {
		return fail(len(src), fmt.Sprintf("%d bracket(s) or template(s) left open at the end", len(stack)))
	}
	return nil
}

// StringEnd returns where the quoted string at src[start] ends (just past its
// closing quote), in JavaScript and CSS alike: a backslash escapes the next
// byte; ok is false when a line break or the end comes before the closing quote.
func StringEnd(src string, start int) (end int, ok bool) {
	quote := src[start]
	i := start + 1
	for {
		if i >= len(src) || src[i] == '\n' {
			return 0, false
		}
		if src[i] == '\\' {
			i += 2
			continue
		}
		i++
		if src[i-1] == quote {
			return i, true
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
