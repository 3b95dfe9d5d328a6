package kiosk_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNoDevicesOrNetwork checks design.md's rule: kiosk (and what it pulls in from this
// module) imports no fyne, scard, periph, bbolt or net/http.
func TestImportsNoDevicesOrNetwork(t *testing.T) {
	forbidden := []string{"fyne.io/", "github.com/ebfe/scard", "periph.io/", "go.etcd.io/bbolt", "net/http"}
	seen := map[string]bool{}
	var visit func(pkg, dir string)
	visit = func(pkg, dir string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range af.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				for _, bad := range forbidden {
					if strings.HasPrefix(p, bad) {
						t.Errorf("%s imports %s (via %s)", pkg, p, filepath.Base(f))
					}
				}
				if rest, ok := strings.CutPrefix(p, "certkiosk/"); ok {
					visit(p, filepath.Join("..", rest))
				}
			}
		}
	}
	visit("certkiosk/kiosk", ".")
	visit("certkiosk/kiosk/sim", "sim")
	if !seen["certkiosk/kiosk/document"] {
		t.Error("the walk did not reach kiosk/document: it does not follow imports")
	}
}
