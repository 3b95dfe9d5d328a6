package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The rule for user-visible literals in ui's Go code (non-test files):
//
// A string literal is taken as user-visible text, and fails the test, when it holds a letter
// outside ASCII (Japanese, Korean, accented Latin, …), or when it holds an ASCII letter and
// either starts with an upper-case letter or contains a space ("Start", "Insert money").
// Allowed: message keys and identifiers ("screen.idle", "ja", "juminhyo"), format verbs and
// punctuation (" · ", "%d"), template data names as keys of map literals ({"Yen": 200}), import paths and struct tags, the text of developer errors (in
// fmt.Errorf, errors.New, panic, and Error methods), and a literal on a line marked
// "//lint:notext" with a reason (file-format magic such as a WAV header). The dev-only
// internal/uidemo command is not checked: it shows residents nothing of its own.
var (
	messageKey = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

func userVisible(s string) bool {
	if messageKey.MatchString(s) {
		return false
	}
	hasASCIILetter := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if r > unicode.MaxASCII {
				return true
			}
			hasASCIILetter = true
		}
	}
	if !hasASCIILetter {
		return false
	}
	first := []rune(strings.TrimLeft(s, " %"))
	return strings.Contains(s, " ") || (len(first) > 0 && unicode.IsUpper(first[0]))
}

func TestUserVisibleRule(t *testing.T) {
	for s, want := range map[string]bool{
		"Start": true, "はじめる": true, "Insert money": true, "Tiếng": true, "한국어": true,
		"screen.idle": false, "ja": false, "juminhyo": false, "%d": false, " · ": false, "-q": false,
		"123": false,
	} {
		if got := userVisible(s); got != want {
			t.Errorf("userVisible(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestNoUserVisibleLiterals walks every non-test Go file under ui/ and fails on a literal the
// rule above takes for user-visible text: such text belongs in assets/messages.
func TestNoUserVisibleLiterals(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// uidemo is a developer's command: its flag help and logs are for developers.
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "uidemo") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		checkFile(t, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkFile(t *testing.T, path string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	marked := map[int]bool{}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//lint:notext") {
				marked[fset.Position(c.Pos()).Line] = true
			}
		}
	}
	skip := map[ast.Node]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportSpec:
			return false
		case *ast.Field:
			if n.Tag != nil {
				skip[n.Tag] = true
			}
		case *ast.KeyValueExpr:
			// Template data names in map literals: {"Yen": 200}.
			if lit, ok := n.Key.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if name, err := strconv.Unquote(lit.Value); err == nil && identifier.MatchString(name) {
					skip[lit] = true
				}
			}
		case *ast.FuncDecl:
			if n.Name.Name == "Error" && n.Recv != nil {
				return false
			}
		case *ast.CallExpr:
			if developerText(n.Fun) {
				return false
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING || skip[n] {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				t.Errorf("%s: %v", fset.Position(n.Pos()), err)
				return true
			}
			pos := fset.Position(n.Pos())
			if userVisible(s) && !marked[pos.Line] {
				t.Errorf("%s: user-visible literal %q: put it in assets/messages", pos, s)
			}
		}
		return true
	})
}

// developerText reports whether fun takes developer text (errors), not resident text.
func developerText(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			name := x.Name + "." + f.Sel.Name
			return name == "fmt.Errorf" || name == "errors.New"
		}
	case *ast.Ident:
		return f.Name == "panic"
	}
	return false
}
