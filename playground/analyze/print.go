package analyze

import (
	"fmt"
	"io"
	"strings"
)

// Fprint writes a tree as indented text: for each field its offset, the
// hex of each leaf, name = value, the explanation and the RFC section.
func Fprint(w io.Writer, t *Tree) error {
	if t == nil {
		return nil
	}
	if err := fprint(w, t.Wire, t.wire, 0); err != nil {
		return err
	}
	if t.Plain != nil {
		if _, err := fmt.Fprintln(w, "decrypted:"); err != nil {
			return err
		}
		return fprint(w, t.Plain, t.plain, 1)
	}
	return nil
}

// maxHex is how many bytes of a leaf are printed before "…".
const maxHex = 24

func fprint(w io.Writer, f *Field, b []byte, depth int) error {
	if f == nil {
		return nil
	}
	var line strings.Builder
	fmt.Fprintf(&line, "%04x  %s%s", f.Offset, strings.Repeat("  ", depth), f.Name)
	leaf := len(f.Children) == 0 && f.Offset+f.Length <= len(b)
	if f.Value != "" {
		line.WriteString(" = " + f.Value)
	}
	if leaf && f.Value == hexValue(b[f.Offset:f.Offset+f.Length]) {
		leaf = false // the value is the hex already: shown once
	}
	if f.Continued {
		line.WriteString(" (continued across records)")
	}
	if leaf {
		h := hexValue(b[f.Offset:min(f.Offset+f.Length, f.Offset+maxHex)])
		if f.Length > maxHex {
			h = hexValue(b[f.Offset:f.Offset+maxHex]) + "… (" + itoa(f.Length) + " bytes)"
		}
		line.WriteString("  [" + h + "]")
	}
	if f.Explain != "" {
		line.WriteString("  — " + f.Explain)
	}
	if f.RFC != "" {
		line.WriteString(" (" + f.RFC + ")")
	}
	line.WriteByte('\n')
	if _, err := io.WriteString(w, line.String()); err != nil {
		return err
	}
	for _, c := range f.Children {
		if err := fprint(w, c, b, depth+1); err != nil {
			return err
		}
	}
	return nil
}
