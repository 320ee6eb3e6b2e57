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
// expression literals are copied byte for byte (scripts/jssyntax's scanner,
// the one the bundler reads the modules with). The build fails on anything
// unterminated or unbalanced rather than guessing.
// Go's glue (wasm_exec.js, which the engine worker starts with) keeps its
// licence: the comment lines it starts with.

// stripError is a failure at byte at of src, with its line.
func stripError(name string, src []byte, at int, what string) error {
	return fmt.Errorf("%s:%d: %s%s", name, 1+bytes.Count(src[:at], []byte("\n")), what, stripWhy)
}

// stripWhy ends every error of the stripper.
const stripWhy = " (the build strips the page's comments: scripts/sitebuild/strip.go)"

// dropComment writes what replaces a comment: its line breaks, else a space
// when the code on both sides would otherwise touch. The spaces and tabs before
// it go too (they are code's, not a literal's: a comment starts only in code).
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

// stripJS returns the JavaScript src (a file called name) without its
// comments and indentation, from scripts/jssyntax's tokens: every other token
// is copied byte for byte.
func stripJS(name string, src []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(src))
	err := jssyntax.Scan(name, string(src), func(t jssyntax.Token) {
		switch t.Kind {
		case jssyntax.Comment:
			next := byte(0)
			if t.End < len(src) {
				next = src[t.End]
			}
			dropComment(&out, src[t.Start:t.End], next)
		case jssyntax.Space:
			for _, c := range src[t.Start:t.End] {
				if !lineStart(&out) || c == '\n' || c == '\r' {
					out.WriteByte(c)
				}
			}
		default:
			out.Write(src[t.Start:t.End])
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%v%s", err, stripWhy)
	}
	return out.Bytes(), nil
}

// stripCSS returns the stylesheet src (a file called name) without its comments.
func stripCSS(name string, src []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(src))
	text := string(src)
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
			end, ok := jssyntax.StringEnd(text, i)
			if !ok {
				return nil, stripError(name, src, i, "unterminated string")
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
