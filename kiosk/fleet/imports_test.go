package fleet_test

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestImports checks the package doc's rule: fleet (and what it pulls in from this module) imports
// no fyne, no scard and no ui or cmd package, so the metrics server can run in any binary.
func TestImports(t *testing.T) {
	forbidden := []string{"fyne.io/", "github.com/ebfe/scard", "certkiosk/ui", "certkiosk/cmd"}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var visit func(pkg, from string)
	visit = func(pkg, from string) {
		for _, f := range forbidden {
			if strings.HasPrefix(pkg, f) {
				t.Errorf("%s imports %s", from, pkg)
			}
		}
		if seen[pkg] || !strings.HasPrefix(pkg, "certkiosk/") {
			return
		}
		seen[pkg] = true
		p, err := build.ImportDir(filepath.Join(root, strings.TrimPrefix(pkg, "certkiosk/")), 0)
		if err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		for _, im := range p.Imports {
			visit(im, pkg)
		}
	}
	visit("certkiosk/kiosk/fleet", "test")
	if !seen["certkiosk/kiosk/outbox"] {
		t.Fatal("walk did not reach kiosk/outbox: the test is not reading the imports")
	}
}
