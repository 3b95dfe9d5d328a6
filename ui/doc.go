// Package ui is the kiosk's touch screen: one fyne screen per kiosk.Screen, in the eight
// languages Japan's residents read most (ja, en, zh, ko, vi, pt, es, tl), usable with one finger,
// a hardware keypad or by ear.
//
// The UI shows, it never decides. *UI implements kiosk.Display: Render takes a kiosk.View from
// any goroutine and rebuilds the screen on fyne's goroutine (fyne.Do). Each screen is a function
// from the View (and the language) to a fyne.CanvasObject whose buttons send kiosk events (Tap,
// Key) through the send function it was given. *UI also implements kiosk.Speaker and passes cues
// to a Speaker (buzzer patterns, sound files).
//
// Presentation preferences live here, not in the machine, because they change no step of a
// flow: larger text, high contrast, and the display language picked with the language button
// present on every screen. A language picked mid-session re-renders the current screen at once
// and is also sent as Tap{BtnLanguage} (the machine takes it on its language screen); the
// preferences are dropped when the kiosk returns to the attract screen, so the next resident
// starts from the defaults.
//
// Text: every user-visible string comes from the message files in assets/messages through
// go-i18n (fyne's own lang package cannot switch language at run time). Go code holds message
// keys only; TestNoUserVisibleLiterals enforces the rule (see literals_test.go for what counts as
// user-visible). Fonts are bundled so that every machine and every test renders the same glyphs:
// IPAexGothic for Japanese, Droid Sans Fallback for Chinese, NanumGothic for Korean, and fyne's
// own Noto Sans for the Latin-script languages (Vietnamese included); text that belongs to
// another language than the screen's (language names, names of residents from the center) is
// drawn with its own language's font.
//
// Touch arrives as mouse events under X11: no drag, no long press and no OS keyboard are used;
// the UI draws its own keypads, and every target is at least Options.Target units high (96 by
// default: 15 mm or more on the 10–16 inch panels kiosks use).
//
// This package must never import fyne.io/fyne/v2/app, hardware drivers (hw/...), scard,
// periph or net/http: cmd/kiosk creates the fyne app and window and wires real devices; this
// package is tested headless with fyne's test driver.
package ui
