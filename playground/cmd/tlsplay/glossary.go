package main

import "tlsplayground/playground/glossary"

const glossarySynopsis = "glossary"

// glossary prints the terms the steps use, each with its RFC sections (the
// page's glossary, from the same catalogue).
func (c *cli) glossary(args []string) error {
	cmd := c.newCommand("glossary", glossarySynopsis)
	if _, err := cmd.parse(args, 0); err != nil {
		return err
	}
	return glossary.Fprint(c.stdout)
}
