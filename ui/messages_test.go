package ui

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/image/font/sfnt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"certkiosk/assets"
	"certkiosk/kiosk"
	"certkiosk/kiosk/config"
)

// uiKeys are the keys the UI itself uses besides kiosk.MessageKeys(); the test below makes sure
// every language defines them, and TestUIKeysUsed that none is left over.
func uiKeys() []string {
	keys := []string{"language.name", "format.date", "format.yen"}
	for _, p := range []string{"btn.", "service.", "type.", "option.", "flag.", "rule.", "ui.", "demo."} {
		for _, k := range mustMessages().Keys("ja") {
			if strings.HasPrefix(k, p) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func mustMessages() *Messages {
	m, err := BundledMessages()
	if err != nil {
		panic(err)
	}
	return m
}

// TestEveryKeyInEveryLanguage: every key the machine can emit and every key of the UI is
// defined in every language's own file (no fallback), and no file has a key the others lack.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	m := mustMessages()
	want := append(kiosk.MessageKeys(), uiKeys()...)
	for _, lang := range Languages {
		for _, k := range want {
			if !m.Has(lang, k) {
				t.Errorf("%s.toml: missing %s", lang, k)
			}
		}
		ja, got := m.Keys("ja"), m.Keys(lang)
		sort.Strings(ja)
		sort.Strings(got)
		for _, k := range got {
			if !slices.Contains(ja, k) {
				t.Errorf("%s.toml: %s is not in ja.toml", lang, k)
			}
		}
	}
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// TestTemplatesAgree: every translation uses the same placeholders as the Japanese text, and
// fills them all from the data the UI passes.
func TestTemplatesAgree(t *testing.T) {
	m := mustMessages()
	data := map[string]any{"Tries": 2, "Date": "D", "Yen": 200, "N": 3, "Done": 1, "Total": 2,
		"Y": 2026, "M": 1, "D": 2, "MM": "01", "DD": "02",
		"Sessions": 4, "In": 1000, "Spent": 600, "Change": 200, "Refunded": 200, "Owed": 0, "Resident": "r101"}
	for _, k := range m.Keys("ja") {
		jaText, err := m.Text("ja", k, data)
		if err != nil {
			t.Errorf("ja %s: %v", k, err)
			continue
		}
		_ = jaText
		want := names(rawMessage(t, "ja", k))
		for _, lang := range Languages {
			raw := rawMessage(t, lang, k)
			got := names(raw)
			if k != "format.date" && !slices.Equal(got, want) {
				t.Errorf("%s %s: placeholders %v, ja has %v", lang, k, got, want)
			}
			s, err := m.Text(lang, k, data)
			if err != nil {
				t.Errorf("%s %s: %v", lang, k, err)
			}
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s %s: empty", lang, k)
			}
		}
	}
}

func names(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// rawMessage is the untouched text of key in lang's file.
func rawMessage(t *testing.T, lang, key string) string {
	t.Helper()
	b, err := assets.Messages.ReadFile(assets.MessagesDir + "/" + lang + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	prefix := `"` + key + `" = "`
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.TrimSuffix(strings.TrimPrefix(line, prefix), `"`)
		}
	}
	t.Fatalf("%s: %s not found", lang, key)
	return ""
}

// TestMissingKeyIsAnError: a key defined nowhere is an error, not a silent blank.
func TestMissingKeyIsAnError(t *testing.T) {
	m := mustMessages()
	if _, err := m.Text("en", "screen.no_such_screen", nil); err == nil {
		t.Fatal("no error for an undefined key")
	}
	if _, err := m.Text("en", "pin.wrong", nil); err == nil {
		t.Fatal("no error for a template without its data")
	}
}

// TestLoadMessagesRejectsBadFiles: a broken or missing file is a clear error.
func TestLoadMessagesRejectsBadFiles(t *testing.T) {
	good := fstest.MapFS{}
	for _, l := range Languages {
		good["m/"+l+".toml"] = &fstest.MapFile{Data: []byte(`"a.b" = "x"`)}
	}
	if _, err := LoadMessages(good, "m"); err != nil {
		t.Fatalf("good files: %v", err)
	}
	missing := fstest.MapFS{}
	for k, v := range good {
		missing[k] = v
	}
	delete(missing, "m/tl.toml")
	if _, err := LoadMessages(missing, "m"); err == nil || !strings.Contains(err.Error(), "tl.toml") {
		t.Fatalf("missing file: %v", err)
	}
	broken := fstest.MapFS{}
	for k, v := range good {
		broken[k] = v
	}
	broken["m/ko.toml"] = &fstest.MapFile{Data: []byte(`"a.b" = "x`)}
	if _, err := LoadMessages(broken, "m"); err == nil || !strings.Contains(err.Error(), "ko.toml") {
		t.Fatalf("broken file: %v", err)
	}
}

// TestFontsCoverEveryMessage: every character of every message has a glyph in the font the
// theme picks for its language, or in fyne's bundled Noto Sans that fyne falls back to — so no
// screen shows a tofu box, whatever fonts the machine has.
func TestFontsCoverEveryMessage(t *testing.T) {
	m := mustMessages()
	fallback := parseFont(t, theme.DefaultTextFont())
	for _, lang := range Languages {
		faces := []*sfnt.Font{fallback}
		if r := FontFor(lang, fyne.TextStyle{}); r != nil {
			faces = append([]*sfnt.Font{parseFont(t, r)}, faces...)
		}
		missing := map[rune]string{}
		for _, k := range m.Keys(lang) {
			for _, r := range rawMessage(t, lang, k) {
				if r == ' ' || r == '\u3000' || covered(faces, r) {
					continue
				}
				missing[r] = k
			}
		}
		for r, k := range missing {
			t.Errorf("%s: %q (U+%04X, in %s) has no glyph", lang, r, r, k)
		}
	}
}

func parseFont(t *testing.T, r fyne.Resource) *sfnt.Font {
	t.Helper()
	f, err := sfnt.Parse(r.Content())
	if err != nil {
		t.Fatalf("font %s: %v", r.Name(), err)
	}
	return f
}

func covered(faces []*sfnt.Font, r rune) bool {
	var buf sfnt.Buffer
	for _, f := range faces {
		if i, err := f.GlyphIndex(&buf, r); err == nil && i != 0 {
			return true
		}
	}
	return false
}

// TestLanguagesMatchConfig keeps the configuration's language list and the screen's equal: a
// configured language without message files would stop the kiosk at start.
func TestLanguagesMatchConfig(t *testing.T) {
	if !slices.Equal(Languages, config.Languages) {
		t.Fatalf("ui.Languages %v, config.Languages %v", Languages, config.Languages)
	}
}
