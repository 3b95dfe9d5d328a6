package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"certkiosk/kiosk"
)

// TestThemeChangeDropsOldScreenFirst: when the language or a preference changes the theme, the
// old screen is out of the window before fyne applies the new theme, which lays out and measures
// everything in the window in the new font (an unpainted Chinese screen in the Japanese font:
// fallback-font look-ups for every missing hanzi, and one more parse of the Japanese font for the
// names, kept until the next theme change).
func TestThemeChangeDropsOldScreenFirst(t *testing.T) {
	u, _, _ := newTestUI(t)
	changes, stale := 0, 0
	u.app.Settings().AddListener(func(fyne.Settings) {
		changes++
		stale += len(u.root.Objects)
	})
	u.Render(sampleView(kiosk.ChooseMembers, "zh")) // names in the Japanese font on a Chinese screen
	u.Render(sampleView(kiosk.Idle, "ja"))
	u.SetPreferences(true, false)
	u.SetPreferences(true, true)
	if changes != 4 {
		t.Fatalf("%d theme changes, want 4 (zh, ja, large text, contrast)", changes)
	}
	if stale != 0 {
		t.Errorf("the old screen was still in the window at %d object(s) when the theme changed", stale)
	}
	if len(u.root.Objects) != 1 {
		t.Errorf("root has %d objects after the change, want the new screen", len(u.root.Objects))
	}
}
