package ui

import (
	"fyne.io/fyne/v2/test"
)

// TapText taps the target showing text on the current screen (the first one, in screen order).
// It reports false when the screen has no such target.
func (u *UI) TapText(text string) bool {
	obj := u.Target(text)
	if obj == nil {
		return false
	}
	test.Tap(obj)
	return true
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
