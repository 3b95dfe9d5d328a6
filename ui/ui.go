package ui

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"certkiosk/kiosk"
)

// Options configure a UI.
type Options struct {
	// Languages offered, in screen order; nil means Languages. cmd/kiosk passes the machine's
	// Config.Languages so the two agree.
	Languages []string
	// Speaker plays cues and spoken guidance; nil is silent.
	Speaker Speaker
	// Warning is the machine's Config.Warning, for the countdown on the timeout warning.
	Warning time.Duration
	// Target is the smallest height (and width) of a touch target in fyne units; 0 means 96.
	Target float32
	// FullScreen puts the window in kiosk mode: full screen, no padding, no way to close it.
	FullScreen bool
	// Messages are the message files; nil means the bundled ones.
	Messages *Messages
	// Shown, when set, is called on fyne's goroutine each time a screen has been built (logs,
	// start-up measurement, screenshot tours).
	Shown func(v kiosk.View, lang string)
}

// UI is the kiosk's touch screen. It implements kiosk.Display and kiosk.Speaker.
type UI struct {
	app  fyne.App
	win  fyne.Window
	send func(kiosk.Event)
	opts Options
	msgs *Messages
	root *fyne.Container

	mu      sync.Mutex
	pending kiosk.View
	last    kiosk.View // last view applied (read by Screen from any goroutine)
	applied bool
	// What the screen on display can be tapped by, and the texts it shows (tests).
	shownTargets []target
	shownSaid    map[string]bool
	// speakLang is the language on screen, for cues from the machine's goroutine.
	speakLang atomic.Value

	// Below: fyne's goroutine only.
	shown     kiosk.View
	first     bool
	look      Look // as drawn
	large     bool // the resident's preferences
	contrast  bool
	override  string // display language picked with the language button
	picking   bool   // the language picker is open
	letters   bool   // the keypad shows letters
	stopTick  chan struct{}
	countdown *widget.Label
	targets   []target
	demo      DemoControls
	tick      func() (<-chan time.Time, func()) // the countdown's clock; nil: real seconds
	said      map[string]bool
}

// target is something a resident can tap, by the text it shows (tests tap through these).
type target struct {
	text string
	obj  fyne.Tappable
}

// New builds the UI into w and applies the kiosk theme to a. send hands events to the session
// machine (kiosk.Runner.Send); it is called on fyne's goroutine and must not block for long.
func New(a fyne.App, w fyne.Window, send func(kiosk.Event), opts Options) (*UI, error) {
	if opts.Languages == nil {
		opts.Languages = Languages
	}
	for _, l := range opts.Languages {
		if !slices.Contains(Languages, l) {
			return nil, fmt.Errorf("ui: language %q has no message file", l)
		}
	}
	if opts.Target == 0 {
		opts.Target = 96
	}
	msgs := opts.Messages
	if msgs == nil {
		var err error
		if msgs, err = BundledMessages(); err != nil {
			return nil, err
		}
	}
	u := &UI{app: a, win: w, send: send, opts: opts, msgs: msgs, root: container.NewStack(), first: true}
	u.shown = kiosk.View{Screen: kiosk.Idle, Language: opts.Languages[0]}
	w.SetContent(u.root)
	if opts.FullScreen {
		w.SetPadded(false)
		w.SetFullScreen(true)
		w.SetCloseIntercept(func() {})
	}
	u.redraw()
	return u, nil
}

// Render implements kiosk.Display: safe from any goroutine, it never blocks.
func (u *UI) Render(v kiosk.View) {
	u.mu.Lock()
	u.pending = v
	u.mu.Unlock()
	fyne.Do(u.apply)
}

// Cue implements kiosk.Speaker: it passes the cue to the Speaker with the language on screen.
func (u *UI) Cue(key string) {
	if u.opts.Speaker == nil {
		return
	}
	lang, _ := u.speakLang.Load().(string)
	u.opts.Speaker.Cue(lang, key)
}

// Screen is the screen last drawn (for tests and the demo).
func (u *UI) Screen() (kiosk.Screen, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.last.Screen, u.applied
}

// SetPreferences sets the larger-text and high-contrast modes, as the resident's toggles do
// (the kiosk's configuration may start with them on; they return to off at the attract screen).
// Call it on fyne's goroutine.
func (u *UI) SetPreferences(largeText, highContrast bool) {
	u.large, u.contrast = largeText, highContrast
	u.redraw()
}

// Content is the screen's root object.
func (u *UI) Content() fyne.CanvasObject { return u.root }

func (u *UI) apply() {
	u.mu.Lock()
	v := u.pending
	u.mu.Unlock()
	defer func() {
		// Published once the screen is built, so a watcher that sees it can tap it.
		u.mu.Lock()
		u.last, u.applied = v, true
		u.mu.Unlock()
	}()
	prev := u.shown
	u.shown = v
	if v.Screen == kiosk.Idle && (prev.Screen != kiosk.Idle || u.first) {
		// A new resident starts from the defaults.
		u.override = ""
		u.large, u.contrast = false, false
	}
	u.first = false
	if v.Language != prev.Language {
		u.override = ""
	}
	if v.Screen != prev.Screen {
		u.picking, u.letters = false, false
	}
	u.redraw()
}

// lang is the language on screen.
func (u *UI) lang() string {
	if u.override != "" {
		return u.override
	}
	if slices.Contains(u.opts.Languages, u.shown.Language) {
		return u.shown.Language
	}
	return u.opts.Languages[0]
}

// redraw rebuilds the current screen from the last view and the preferences.
func (u *UI) redraw() {
	look := Look{Lang: u.lang(), LargeText: u.large, HighContrast: u.contrast}
	if look != u.look || u.first {
		u.look = look
		// SetTheme drops fyne's parsed fonts and at once lays out and refreshes the whole window
		// in the new theme. Take the old screen out first: it is replaced below anyway, and laid
		// out in the new font it would have its text measured again — an unpainted Chinese
		// screen looking up fallback fonts for hanzi the Japanese font lacks, and names in the
		// Japanese font (a font source of their own) parsing it a third time, 13 MB kept for
		// as long as the new theme lasts, the attract screen's included.
		u.root.Objects = nil
		u.app.Settings().SetTheme(newTheme(look))
	}
	u.speakLang.Store(look.Lang)
	u.stopCountdown()
	u.targets = nil
	u.said = map[string]bool{}
	v := u.shown
	var body fyne.CanvasObject
	if u.picking {
		body = u.languagePicker()
	} else {
		body = u.screen(v)
	}
	var screen fyne.CanvasObject = u.frame(v, body)
	if u.demo != nil {
		screen = container.NewBorder(nil, nil, nil, u.demoPanel(), screen)
	}
	u.root.Objects = []fyne.CanvasObject{screen}
	u.root.Refresh()
	u.mu.Lock()
	u.shownTargets, u.shownSaid = u.targets, u.said
	u.mu.Unlock()
	if u.opts.Shown != nil {
		u.opts.Shown(v, u.look.Lang)
	}
	if v.Screen == kiosk.TimeoutWarning && !u.picking {
		u.startCountdown()
	}
}

// t is key in the language on screen.
func (u *UI) t(key string, data map[string]any) string {
	s, err := u.msgs.Text(u.look.Lang, key, data)
	if err != nil {
		// Shown raw so that a missing message is visible; the tests fail on it.
		s = key
	}
	u.said[s] = true
	return s
}

// tIn is key in another language (language names on the language buttons).
func (u *UI) tIn(lang, key string) string {
	s, err := u.msgs.Text(lang, key, nil)
	if err != nil {
		s = key
	}
	u.said[s] = true
	return s
}

// frame puts the bar with the language, text-size and contrast buttons (and cancel where the
// machine takes it) above the screen's body.
func (u *UI) frame(v kiosk.View, body fyne.CanvasObject) fyne.CanvasObject {
	var left []fyne.CanvasObject
	if v.Screen != kiosk.ChooseLanguage {
		label := u.t("ui.language", nil)
		if en := u.tIn("en", "ui.language"); en != label {
			// Everyone can find the language button, whatever is on screen.
			label += " · " + en
			u.said[label] = true
		}
		left = append(left, u.barButton(label, func() {
			u.picking = !u.picking
			u.redraw()
		}))
	}
	left = append(left,
		u.toggle(u.t("ui.large_text", nil), u.look.LargeText, func() {
			u.large = !u.large
			u.redraw()
		}),
		u.toggle(u.t("ui.high_contrast", nil), u.look.HighContrast, func() {
			u.contrast = !u.contrast
			u.redraw()
		}))
	// The bar's buttons wrap onto a second row rather than push the window past the panel
	// (large text in Tagalog, say); cancel keeps its place on the right.
	var bar fyne.CanvasObject = container.New(layout.NewRowWrapLayout(), left...)
	if cancellable(v.Screen) && !u.picking {
		bar = container.NewBorder(nil, nil, nil,
			u.button(u.t("btn.cancel", nil), widget.DangerImportance, u.tap(kiosk.BtnCancel, "")), bar)
	}
	// The body scrolls rather than push the window past the screen when large text makes a
	// screen taller than the panel (touch cannot drag, but nothing is cut off for good).
	return container.NewBorder(container.NewPadded(bar), nil, nil, nil, container.NewVScroll(container.NewPadded(body)))
}

// cancellable reports whether the bar shows a cancel button on sc (the machine takes
// BtnCancel there and the screen has no own way out).
func cancellable(sc kiosk.Screen) bool {
	switch sc {
	case kiosk.Idle, kiosk.OutOfService, kiosk.Maintenance, kiosk.Refunding, kiosk.Printing,
		kiosk.Resetting, kiosk.Outcome, kiosk.TakeCertificates, kiosk.Receipt, kiosk.ResetDone,
		kiosk.TimeoutWarning, kiosk.ChooseLanguage:
		return false
	}
	return true
}

// tap is the handler that sends Tap{b, arg}.
func (u *UI) tap(b kiosk.Button, arg string) func() {
	return func() { u.send(kiosk.Tap{Button: b, Arg: arg}) }
}

// key is the handler that sends one touch-keypad key.
func (u *UI) key(r rune) func() {
	return func() { u.send(kiosk.Key{Key: r, Source: kiosk.TouchKeypad}) }
}

// languagePicker is the language button's overlay: every offered language in its own script.
func (u *UI) languagePicker() fyne.CanvasObject {
	return u.column(
		u.title(u.t("screen.choose_language", nil)),
		u.languageGrid(func(l string) {
			u.override = l
			u.picking = false
			// The machine takes it on its language screen; elsewhere it changes only the display.
			u.send(kiosk.Tap{Button: kiosk.BtnLanguage, Arg: l})
			u.redraw()
		}),
		u.actions(u.button(u.t("btn.back", nil), widget.MediumImportance, func() { u.picking = false; u.redraw() })),
	)
}

// languageGrid is one button per offered language, each labelled in its own language and font.
func (u *UI) languageGrid(pick func(string)) fyne.CanvasObject {
	var btns []fyne.CanvasObject
	for _, l := range u.opts.Languages {
		l := l
		name := u.tIn(l, "language.name")
		b := widget.NewButton("", func() { pick(l) })
		on := l == u.look.Lang
		if on {
			b.Importance = widget.HighImportance
		}
		u.targets = append(u.targets, target{text: name, obj: b})
		label := container.NewCenter(u.text(name, l, false, on))
		btns = append(btns, sized(container.NewStack(b, label), 2*u.opts.Target, u.opts.Target))
	}
	return container.NewGridWithColumns(4, btns...)
}
