package main

import (
	"bytes"
	"fmt"

	"tlsplayground/scripts/jssyntax"
)

// The page's code ships without its comments (issue 9, the first view's
// bytes): they were about a third of its brotli size (view-controller.js
// 19.0 KB → 12.6), and its indentation goes too (about 3 % more). Every line
// break stays, so that a line number in an error or a stack trace is the
// source's. Strings, template literals (with ${} inside) and regular
// expression literals are copied byte for byte. The build fails on anything unterminated rather than guessing.
// Go's glue (wasm_exec.js, which the engine worker starts with) keeps its
// licence: the comment lines it starts with.

// The rules shared with scripts/singlefile's tokenizer (scripts/jssyntax).
var (
	regexAfter = jssyntax.RegexAfter
	identStart = jssyntax.IdentStart
	identPart  = jssyntax.IdentPart
)

// stripError is a failure at byte at of src, with its line.
func stripError(name string, src []byte, at int, what string) error {
	return fmt.Errorf("%s:%d: %s (the build strips the page's comments: scripts/sitebuild/strip.go)", name, 1+bytes.Count(src[:at], []byte("\n")), what)
}

// dropComment writes what replaces a comment: its line breaks, else a space
// when the code on both sides would otherwise touch. The spaces and tabs before
// it go too (they are code's, not a literal's: a comment starts only in code).
// stringEnd returns where the quoted string at src[start] ends (just past its
// closing quote), in JavaScript and CSS alike: a backslash escapes the next
// byte, and a line break before the closing quote is an error.
func stringEnd(name string, src []byte, start int) (int, error) {
	quote := src[start]
	i := start + 1
	for {
		if i >= len(src) || src[i] == '\n' {
			return 0, stripError(name, src, start, "unterminated string")
		}
		if src[i] == '\\' {
			i += 2
			continue
		}
		i++
		if src[i-1] == quote {
			return i, nil
		}
	}
}

func dropComment(out *bytes.Buffer, comment []byte, next byte) {
	b := bytes.TrimRight(out.Bytes(), " \t")
	out.Truncate(len(b))
	if n := bytes.Count(comment, []byte("\n")); n > 0 {
		out.Write(bytes.Repeat([]byte("\n"), n))
		return
	}
	if len(b) > 0 && b[len(b)-1] != '\n' && next != 0 && next != '\n' && next != ' ' && next != '\t' && next != '\r' {
		out.WriteByte(' ')
	}
}

// stripJS returns the JavaScript src (a file called name) without its comments.
func stripJS(name string, src []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(src))
	at := func(i int) byte {
		if i < len(src) {
			return src[i]
		}
		return 0
	}
	// What came last, for telling a regular expression from a division: an
	// identifier or keyword (its text), a literal or closing bracket (")"),
	// another punctuator (its character), or nothing yet ("").
	last := ""
	braces := 0
	var templates []int // for each open ${ of a template literal, the brace depth it closes at
	i := 0
	// template copies a template literal's text from i to its closing ` or to the next ${.
	template := func(start int) error {
		for i < len(src) {
			switch src[i] {
			case '\\':
				i += 2
				continue
			case '`':
				i++
				out.Write(src[start:i])
				last = ")"
				return nil
			case '$':
				if at(i+1) == '{' {
					i += 2
					out.Write(src[start:i])
					templates = append(templates, braces)
					braces++
					last = "{"
					return nil
				}
			}
			i++
		}
		return stripError(name, src, start, "unterminated template literal")
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == '/' && at(i+1) == '/':
			end := bytes.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			dropComment(&out, nil, at(i+end))
			i += end
		case c == '/' && at(i+1) == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return nil, stripError(name, src, i, "unterminated /* comment")
			}
			comment := src[i : i+2+end+2]
			i += len(comment)
			dropComment(&out, comment, at(i))
		case c == '\'' || c == '"':
			end, err := stringEnd(name, src, i)
			if err != nil {
				return nil, err
			}
			out.Write(src[i:end])
			i = end
			last = ")"
		case c == '`':
			start := i
			i++
			if err := template(start); err != nil {
				return nil, err
			}
		case c == '}' && len(templates) > 0 && templates[len(templates)-1] == braces-1:
			templates = templates[:len(templates)-1]
			braces--
			start := i
			i++
			if err := template(start); err != nil {
				return nil, err
			}
		case c == '/' && (last == "" || regexAfter[last] || len(last) == 1 && !identStart(last[0]) && last != ")" && last != "]" && last != "}"):
			start := i
			i++
			inClass := false
			for {
				if i >= len(src) || src[i] == '\n' {
					return nil, stripError(name, src, start, "unterminated regular expression (or a division taken for one)")
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
			for i < len(src) && identPart(src[i]) {
				i++
			}
			out.Write(src[start:i])
			last = ")"
		case identStart(c):
			start := i
			for i < len(src) && identPart(src[i]) {
				i++
			}
			out.Write(src[start:i])
			last = string(src[start:i])
		case c >= '0' && c <= '9' || c == '.' && at(i+1) >= '0' && at(i+1) <= '9':
			start := i
			for i < len(src) && (identPart(src[i]) || src[i] == '.' ||
				(src[i] == '+' || src[i] == '-') && (src[i-1] == 'e' || src[i-1] == 'E') && !bytes.HasPrefix(bytes.ToLower(src[start:i]), []byte("0x"))) {
				i++
			}
			out.Write(src[start:i])
			last = ")"
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			if !lineStart(&out) || c == '\n' || c == '\r' {
				out.WriteByte(c)
			}
			i++
		default:
			switch c {
			case '{':
				braces++
			case '}':
				braces--
			}
			if braces < 0 {
				return nil, stripError(name, src, i, "unbalanced }")
			}
			out.WriteByte(c)
			last = string(c)
			i++
		}
	}
	if len(templates) > 0 {
		return nil, stripError(name, src, len(src), "a template literal's ${ left open at the end")
	}
	return out.Bytes(), nil
}

// stripCSS returns the stylesheet src (a file called name) without its comments.
func stripCSS(name string, src []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(src))
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return nil, stripError(name, src, i, "unterminated /* comment")
			}
			comment := src[i : i+2+end+2]
			i += len(comment)
			next := byte(0)
			if i < len(src) {
				next = src[i]
			}
			dropComment(&out, comment, next)
		case c == '\'' || c == '"':
			end, err := stringEnd(name, src, i)
			if err != nil {
				return nil, err
			}
			out.Write(src[i:end])
			i = end
		case (c == ' ' || c == '\t') && lineStart(&out):
			i++
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.Bytes(), nil
}

// lineStart says whether what is written so far ends a line (or is nothing):
// the indentation that would follow is dropped (outside a literal it means
// nothing; a literal is copied whole, its own spaces with it).
func lineStart(out *bytes.Buffer) bool {
	b := out.Bytes()
	return len(b) == 0 || b[len(b)-1] == '\n'
}

// stripGlue returns Go's wasm_exec.js without its comments but the lines of
// // comments it starts with (its copyright and licence), kept as they are.
func stripGlue(src []byte) ([]byte, error) {
	head := 0
	for head < len(src) && bytes.HasPrefix(src[head:], []byte("//")) {
		end := bytes.IndexByte(src[head:], '\n')
		if end < 0 {
			head = len(src)
			break
		}
		head += end + 1
	}
	rest, err := stripJS("wasm_exec.js", src[head:])
	if err != nil {
		return nil, err
	}
	return append(src[:head:head], rest...), nil
}
