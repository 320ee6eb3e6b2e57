package glossary

import (
	"fmt"
	"regexp"
	"strconv"
	"sync"
)

// A citation names one section of an RFC the way the page and the terminal
// print it: "RFC 8446 §4.1.2", or, for an appendix, "RFC 8446 §D.4".
// Compiled on first use, not at package init (the engine's start).
var citation = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(citationPattern)
})

const citationPattern = `^RFC ([1-9][0-9]{0,4}) §((?:[1-9][0-9]*|[A-Z])(?:\.[1-9][0-9]*)*)$`

// Citation is a parsed citation: the RFC's number and the section, as
// written after the "§" ("4.1.2", "D.4").
type Citation struct {
	RFC     int
	Section string
}

// ParseCitation reads a citation written as "RFC <number> §<section>".
func ParseCitation(s string) (Citation, error) {
	m := citation().FindStringSubmatch(s)
	if m == nil {
		return Citation{}, fmt.Errorf("citation %q is malformed: write it as \"RFC 8446 §4.1.2\" (an appendix as \"RFC 8446 §D.4\")", s)
	}
	n, _ := strconv.Atoi(m[1])
	return Citation{RFC: n, Section: m[2]}, nil
}

// String writes the citation back in its one form.
func (c Citation) String() string { return fmt.Sprintf("RFC %d §%s", c.RFC, c.Section) }

// URL is the section on the RFC Editor's site: #section-4.1.2 for a
// section, #appendix-D.4 for an appendix.
func (c Citation) URL() string {
	kind := "section"
	if c.Section[0] >= 'A' && c.Section[0] <= 'Z' {
		kind = "appendix"
	}
	return fmt.Sprintf("https://www.rfc-editor.org/rfc/rfc%d#%s-%s", c.RFC, kind, c.Section)
}

// CheckCitations reports the first citation in list that is malformed, or
// an empty list: every text the page explains cites where it comes from.
func CheckCitations(list []string) error {
	if len(list) == 0 {
		return fmt.Errorf("no RFC citation: cite the section the text rests on, as \"RFC 8446 §4.1.2\"")
	}
	for _, s := range list {
		if _, err := ParseCitation(s); err != nil {
			return err
		}
	}
	return nil
}
