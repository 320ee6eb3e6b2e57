//go:build ignore

// gen writes site/js/glossary-data.js and glossary-terms.js from the catalogue: run it with
// `go generate ./playground/glossary`.
package main

import (
	"log"
	"os"

	"tlsplayground/playground/glossary"
)

func main() {
	for _, m := range []struct {
		path string
		make func() ([]byte, error)
	}{{glossary.JSPath, glossary.JSModule}, {glossary.JSTermsPath, glossary.JSTermsModule}} {
		b, err := m.make()
		if err != nil {
			log.Fatalf("glossary: %v", err)
		}
		if err := os.WriteFile(m.path, b, 0o644); err != nil {
			log.Fatalf("glossary: %v", err)
		}
	}
}
