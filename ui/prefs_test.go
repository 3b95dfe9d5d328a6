package ui

import (
	"image/color"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"certkiosk/kiosk"
)

// TestLanguageSwitchMidSession: the language button on any screen rebuilds the current screen in
// the language picked, tells the machine, keeps it while the session goes on, and drops it at
// the attract screen.
func TestLanguageSwitchMidSession(t *testing.T) {
	u, _, sent := newTestUI(t)
	m := mustMessages()
	tx := func(lang, key string) string { s, _ := m.Text(lang, key, nil); return s }

	u.Render(sampleView(kiosk.ChooseCopies, "ja"))
	if !slices.Contains(u.Texts(), tx("ja", "btn.more")) {
		t.Fatalf("not in Japanese: %q", u.Texts())
	}
	if !u.TapText(tx("ja", "ui.language") + " · " + tx("en", "ui.language")) {
		t.Fatalf("no language button: %q", u.Texts())
	}
	*sent = nil
	if !u.TapText("한국어") {
		t.Fatalf("no Korean in the picker: %q", u.Texts())
	}
	if len(*sent) != 1 || (*sent)[0] != (kiosk.Tap{Button: kiosk.BtnLanguage, Arg: "ko"}) {
		t.Errorf("sent %v", *sent)
	}
	if !slices.Contains(u.Texts(), tx("ko", "btn.more")) {
		t.Fatalf("copies screen not rebuilt in Korean: %q", u.Texts())
	}
	if got := u.app.Settings().Theme().Font(fyne.TextStyle{}); got != fontKorean {
		t.Errorf("theme font %s, want the Korean font", got.Name())
	}
	// The machine moves on in the same session (its language still ja): Korean stays.
	u.Render(sampleView(kiosk.Confirm, "ja"))
	if !slices.Contains(u.Texts(), tx("ko", "btn.confirm")) {
		t.Fatalf("language lost on the next screen: %q", u.Texts())
	}
	// Back at the attract screen the next resident starts in the default language.
	u.Render(sampleView(kiosk.Idle, "ja"))
	if !slices.Contains(u.Texts(), tx("ja", "btn.start")) {
		t.Fatalf("attract screen not in Japanese: %q", u.Texts())
	}
}

// TestLargeTextAndContrast: the toggles change the theme, on every screen, until the attract
// screen.
func TestLargeTextAndContrast(t *testing.T) {
	u, _, sent := newTestUI(t)
	tx := func(key string) string { s, _ := mustMessages().Text("en", key, nil); return s }
	u.Render(sampleView(kiosk.Terms, "en"))
	normal := theme.TextSize()
	bg := theme.Color(theme.ColorNameBackground)
	if !u.TapText(tx("ui.large_text")) || !u.TapText(tx("ui.high_contrast")) {
		t.Fatalf("no toggles: %q", u.Texts())
	}
	if len(*sent) != 0 {
		t.Errorf("preferences sent events to the machine: %v", *sent)
	}
	if got := theme.TextSize(); got <= normal {
		t.Errorf("text size %v after larger text, was %v", got, normal)
	}
	if got := theme.Color(theme.ColorNameBackground); got == bg || got != (color.NRGBA{0, 0, 3, 0xff}) {
		t.Errorf("background %v in high contrast", got)
	}
	u.Render(sampleView(kiosk.ChooseService, "en"))
	if theme.TextSize() <= normal {
		t.Error("larger text lost on the next screen")
	}
	u.Render(sampleView(kiosk.Idle, "en"))
	if theme.TextSize() != normal || theme.Color(theme.ColorNameBackground) != bg {
		t.Error("preferences kept for the next resident")
	}
}

type heard struct{ lang, key string }

type recordingSpeaker struct{ cues []heard }

func (r *recordingSpeaker) Cue(lang, key string) { r.cues = append(r.cues, heard{lang, key}) }

// TestCuesInTheLanguageOnScreen: the UI passes the machine's cues to its speaker with the
// language the resident is reading.
func TestCuesInTheLanguageOnScreen(t *testing.T) {
	a, w := newTestUIParts(t)
	sp := &recordingSpeaker{}
	u, err := New(a, w, func(kiosk.Event) {}, Options{Messages: mustMessages(), Speaker: sp})
	if err != nil {
		t.Fatal(err)
	}
	u.Render(sampleView(kiosk.TakeCardBack, "vi"))
	u.Cue(kiosk.CueTakeCard)
	if len(sp.cues) != 1 || sp.cues[0] != (heard{"vi", kiosk.CueTakeCard}) {
		t.Fatalf("heard %v", sp.cues)
	}
}

// TestNewRejectsUnknownLanguage: a configured language without a message file is a clear error.
func TestNewRejectsUnknownLanguage(t *testing.T) {
	a, w := newTestUIParts(t)
	if _, err := New(a, w, func(kiosk.Event) {}, Options{Languages: []string{"ja", "fr"}}); err == nil {
		t.Fatal("no error for a language without messages")
	}
}

// TestTextColourDiffersPerFont: each font family draws text in a slightly different colour, so
// fyne's text texture cache (keyed by colour, not font) never hands one font's glyphs to another.
func TestTextColourDiffersPerFont(t *testing.T) {
	seen := map[color.Color]string{}
	for _, lang := range []string{"ja", "zh", "ko", "vi"} {
		c := newTheme(Look{Lang: lang}).Color(theme.ColorNameForeground, theme.VariantLight)
		if other, ok := seen[c]; ok {
			t.Errorf("%s and %s draw text in the same colour %v", lang, other, c)
		}
		seen[c] = lang
	}
	if newTheme(Look{Lang: "en"}).Color(theme.ColorNameForeground, theme.VariantLight) !=
		newTheme(Look{Lang: "vi"}).Color(theme.ColorNameForeground, theme.VariantLight) {
		t.Error("languages with the same font differ in colour")
	}
}

// TestLanguageSwitchOnEveryScreen: on every screen that has the language button, picking
// another language rebuilds that same screen in it (title included), mid-session.
func TestLanguageSwitchOnEveryScreen(t *testing.T) {
	m := mustMessages()
	tx := func(lang, key string) string { s, _ := m.Text(lang, key, map[string]any{"Date": "x"}); return s }
	for _, sc := range allScreens {
		if sc == kiosk.ChooseLanguage {
			continue // the screen is the language choice itself
		}
		for _, to := range []string{"vi", "tl"} {
			u, _, _ := newTestUI(t)
			v := sampleView(sc, "ja")
			u.Render(v)
			if !u.TapText(tx("ja", "ui.language") + " · " + tx("en", "ui.language")) {
				t.Fatalf("%s: no language button: %q", sc, u.Texts())
			}
			if !u.TapText(tx(to, "language.name")) {
				t.Fatalf("%s: no %s in the picker", sc, to)
			}
			titleKey := sc.Key()
			if sc == kiosk.Outcome {
				titleKey = v.Outcome.Key
			}
			if s, ok := u.Screen(); !ok || s != sc {
				t.Errorf("%s: the screen changed to %v", sc, s)
			}
			if texts := visibleTexts(u.Content()); !slices.Contains(texts, tx(to, titleKey)) {
				t.Errorf("%s in %s: title %q not on screen: %q", sc, to, tx(to, titleKey), texts)
			}
		}
	}
}
