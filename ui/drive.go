package ui

import "fyne.io/fyne/v2"

// Target is the tappable object showing text on the current screen (the first built, in
// case of two), or nil when the screen has none. With Texts it lets a test outside this package
// drive the whole kiosk by what a resident reads (fyne's test.Tap on the target); residents'
// own taps come from fyne.
func (u *UI) Target(text string) fyne.Tappable {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, t := range u.shownTargets {
		if t.text == text {
			return t.obj
		}
	}
	return nil
}

// Texts are the texts of the current screen's targets, in the order they were built.
func (u *UI) Texts() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]string, 0, len(u.shownTargets))
	for _, t := range u.shownTargets {
		out = append(out, t.text)
	}
	return out
}
