// Package glossary is the one catalogue of the terms the playground uses:
// each with its expansion, a short explanation for a student and the RFC
// sections it rests on. The terminal edition prints it (Fprint); the page
// reads the same entries from site/js/glossary-data.js, which `go generate`
// writes from this package (a test fails when that file is stale).
package glossary

//go:generate go run gen.go

import (
	"fmt"
	"io"
	"strings"
)

// Entry is one term.
type Entry struct {
	ID        string   `json:"id"`        // URL-safe, the page's anchor is "glossary-" + ID
	Term      string   `json:"term"`      // as the texts write it: "PRF", "forward secrecy"
	Expansion string   `json:"expansion"` // what the abbreviation stands for, or a short gloss
	Text      string   `json:"text"`      // the explanation, a few sentences
	RFC       []string `json:"rfc"`       // "RFC 5246 §5", at least one
	// Match lists the phrases that, in a step text, link to this entry
	// (case-sensitive, whole words); Term when empty.
	Match []string `json:"match"`
}

// Phrases returns the phrases that link to the entry: Match, or the term.
func (e Entry) Phrases() []string {
	if len(e.Match) > 0 {
		return e.Match
	}
	return []string{e.Term}
}

// All returns every entry, in the catalogue's order (the order a student
// meets them in a handshake, roughly).
func All() []Entry {
	out := make([]Entry, len(entries))
	for i, e := range entries {
		e.RFC = append([]string(nil), e.RFC...)
		e.Match = append([]string(nil), e.Phrases()...)
		out[i] = e
	}
	return out
}

// Lookup returns the entry with the given ID.
func Lookup(id string) (Entry, bool) {
	for _, e := range All() {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

// Fprint writes the glossary for a terminal: each term, its expansion,
// its explanation wrapped to 78 columns and its RFC sections with their
// addresses.
func Fprint(w io.Writer) error {
	var b strings.Builder
	b.WriteString("Glossary: the terms of the TLS Playground, each with the RFC sections it rests on.\n")
	for _, e := range All() {
		b.WriteString("\n")
		for i, line := range wrap(e.Term+" — "+e.Expansion, 78) {
			if i > 0 {
				b.WriteString("    ")
			}
			b.WriteString(line + "\n")
		}
		for _, line := range wrap(e.Text, 76) {
			b.WriteString("  " + line + "\n")
		}
		for _, s := range e.RFC {
			c, err := ParseCitation(s)
			if err != nil {
				return fmt.Errorf("glossary entry %q: %w", e.ID, err)
			}
			fmt.Fprintf(&b, "  %s  %s\n", c, c.URL())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap breaks text into lines of at most width runes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var line []rune
	for _, word := range strings.Fields(text) {
		wr := []rune(word)
		if len(line) > 0 && len(line)+1+len(wr) > width {
			lines = append(lines, string(line))
			line = line[:0]
		}
		if len(line) > 0 {
			line = append(line, ' ')
		}
		line = append(line, wr...)
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	return lines
}
