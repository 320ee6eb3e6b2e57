//go:build !core

package session

// resumableModes are the modes whose sessions the corpus tests resume: every
// mode, in every build but the page's core engine (resumable_core_test.go).
func resumableModes() []string { return Modes() }
