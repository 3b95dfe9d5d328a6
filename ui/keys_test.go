package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
)

// TestKeysTheUIUsesAreDefined: every message key written in ui's Go code, and every key the UI
// builds from a code (type.<certificate>, option.<option>, service.<service>, refusal.<code>),
// is in the Japanese file — and so, by TestEveryKeyInEveryLanguage, in every language.
func TestKeysTheUIUsesAreDefined(t *testing.T) {
	m := mustMessages()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && messageKey.MatchString(s) && !strings.HasSuffix(s, ".") {
					used[s] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
	}
	for _, c := range document.Types {
		used["type."+c] = "document.Types"
	}
	for _, o := range []string{document.OptHouseholdHead, document.OptHonseki, document.OptNationality,
		document.OptResidenceCard, document.OptResidenceStatus, document.OptMyNumber, document.OptWholeHousehold} {
		used["option."+o] = "document options"
	}
	for _, s := range []kiosk.Service{kiosk.ServiceCertificates, kiosk.ServiceResetSignaturePIN, kiosk.ServiceResetUserPIN} {
		used["service."+s.String()] = "kiosk services"
	}
	for _, c := range kiosk.RefusalCodes {
		used["refusal."+c] = "kiosk.RefusalCodes"
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k, where := range used {
		if !m.Has("ja", k) {
			t.Errorf("%s: key %s is not in ja.toml", where, k)
		}
	}
}
