// Package tooltest finds the external programs that interop tests run
// (openssl, tshark).
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of program name. When it is missing the test is
// skipped, or fails if TLSPLAY_REQUIRE_TOOLS=1 (scripts/test.sh sets it, so
// that CI never passes by skipping).
func Need(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TLSPLAY_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is not installed (scripts/test.sh installs it)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}
