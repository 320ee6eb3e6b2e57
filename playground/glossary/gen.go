//go:build ignore

// gen writes site/js/glossary-data.js from the catalogue: run it with
// `go generate ./playground/glossary`.
package main

import (
	"log"
	"os"

	"tlsplayground/playground/glossary"
)

func main() {
	b, err := glossary.JSModule()
	if err != nil {
		log.Fatalf("glossary: %v", err)
	}
	if err := os.WriteFile(glossary.JSPath, b, 0o644); err != nil {
		log.Fatalf("glossary: %v", err)
	}
}
