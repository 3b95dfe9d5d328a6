// Package testenv decides what a test does when an outside tool it needs (pcscd, ippeveprinter,
// zbarimg, OpenSC, …) is not installed.
//
// On a developer's machine such a test is skipped with a message naming the tool and the command
// that installs it. Under CI (CI=true) or with KIOSK_REQUIRE_TOOLS=1 it fails instead: a green CI
// must never hide an integration test that did not run.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Strict reports whether missing tools fail tests rather than skip them.
func Strict() bool {
	return os.Getenv("CI") == "true" || os.Getenv("KIOSK_REQUIRE_TOOLS") == "1"
}

// LookPath returns the path of each named program, or skips (or, when Strict, fails) the test
// when one is missing.
func LookPath(t testing.TB, names ...string) []string {
	t.Helper()
	paths := make([]string, 0, len(names))
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			if Strict() {
				t.Fatalf("%s is not installed (run scripts/setup): %v", n, err)
			}
			t.Skipf("%s is not installed (run scripts/setup to install it)", n)
		}
		paths = append(paths, p)
	}
	return paths
}

// Long reports whether the long variants of soak, crash and load tests were asked for
// (KIOSK_LONG=1, as scripts/soak sets it).
func Long() bool { return os.Getenv("KIOSK_LONG") == "1" }
