package ui

import (
	"testing"

	"fyne.io/fyne/v2/widget"
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

// With the demo panel beside it (kiosk -demo), the kiosk screen still gets its full 1280 units
// in a window DemoPanelWidth wider: the panel never pushes the screen or itself off.
func TestDemoPanelBesideEveryScreen(t *testing.T) {
	u, _, _ := newTestUI(t)
	u.SetDemo(&demoApp{}) // with the smartphone app's buttons
	limit := 1280 + DemoPanelWidth(0)
	for _, lang := range Languages {
		for _, sc := range allScreens {
			u.Render(sampleView(sc, lang))
			if w := u.Content().MinSize().Width; w > limit {
				t.Errorf("%s %s with the demo panel: needs %.0f units, the window has %.0f", lang, sc, w, limit)
			}
			// The app's note is one line, as wide as the buttons at most.
			if w := widget.NewLabel(u.t("demo.reserved", nil)).MinSize().Width; w > 3.2*u.opts.Target {
				t.Errorf("%s: the app's note needs %.0f units, the panel's buttons are %.0f", lang, w, 3.2*u.opts.Target)
			}
			if w := u.demoPanel().MinSize().Width + demoGap; w > DemoPanelWidth(0) {
				t.Errorf("%s %s: the demo panel needs %.0f units with its gap, more than its %.0f", lang, sc, w, DemoPanelWidth(0))
			}
		}
	}
}

type fixedDemo struct{}

func (fixedDemo) Residents() []DemoResident {
	return []DemoResident{{ID: "r101", Label: "見本 太郎（何でもできる）"}, {ID: "r110", Label: "見本 次郎（期限切れ）"}}
}
func (fixedDemo) PlaceCard(string) error { return nil }
func (fixedDemo) RemoveCard() error      { return nil }
func (fixedDemo) InsertMoney(int) error  { return nil }
