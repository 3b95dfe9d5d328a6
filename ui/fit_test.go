package ui

import (
	"testing"
)

// TestEveryScreenFitsThePanel: no screen, in any language, with or without large text, needs
// more width than the 1280-unit panel (a touch screen cannot scroll sideways, and a wider
// window pushes the demo panel and the cancel button off the glass).
func TestEveryScreenFitsThePanel(t *testing.T) {
	const panel = 1280
	u, _, _ := newTestUI(t)
	for _, large := range []bool{false, true} {
		for _, lang := range Languages {
			for _, sc := range allScreens {
				u.SetPreferences(large, false)
				u.Render(sampleView(sc, lang))
				if w := u.Content().MinSize().Width; w > panel {
					t.Errorf("%s %s large=%v: needs %.0f units of width, the panel has %d", lang, sc, large, w, panel)
				}
			}
		}
	}
}
