package ui

import (
	"fyne.io/fyne/v2/test"
)

// TapText taps the target showing text on the current screen (the first one, in screen order).
// It reports false when the screen has no such target.
func (u *UI) TapText(text string) bool {
	u.mu.Lock()
	var found *target
	for i := range u.shownTargets {
		if u.shownTargets[i].text == text {
			found = &u.shownTargets[i]
			break
		}
	}
	u.mu.Unlock()
	if found == nil {
		return false
	}
	test.Tap(found.obj)
	return true
}

// Texts are the texts of the current screen's targets.
func (u *UI) Texts() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for _, t := range u.shownTargets {
		out = append(out, t.text)
	}
	return out
}

// Said is every localized text the current screen used.
func (u *UI) Said() map[string]bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := map[string]bool{}
	for k := range u.shownSaid {
		out[k] = true
	}
	return out
}
