package ui

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certkiosk/kiosk"
)

// DemoResident is a made-up resident whose card the demo panel can place.
type DemoResident struct {
	ID    string
	Label string // shown on the panel (data of the demo, not a message)
}

// DemoControls are the physical acts of a demo resident: cmd/kiosk implements them over the
// simulated card (through the card reader path) and the simulated cashbox, so the kiosk sees
// what it would see from real devices. The panel calls them on fyne's goroutine: they must
// return quickly (hand slow work to a goroutine). An error is shown on the panel.
type DemoControls interface {
	Residents() []DemoResident
	PlaceCard(id string) error
	RemoveCard() error
	InsertMoney(yen int) error
}

// DemoReserver is the demo resident's smartphone app, where a PIN reset is reserved before
// coming to the kiosk (valid 24 hours). When the controls implement it, the panel offers the
// app's two reservations (service is kiosk.ServiceResetSignaturePIN or ServiceResetUserPIN) for
// the first resident it lists.
type DemoReserver interface {
	ReserveReset(id string, service kiosk.Service) error
}

// DemoCoins are the coins and bills the demo panel offers.
var DemoCoins = []int{10, 50, 100, 500, 1000}

// SetDemo shows the demo panel beside the kiosk screen (kiosk -demo), in its own colour and
// apart from the screen, so nobody takes it for part of the kiosk. nil removes it. Call it on
// fyne's goroutine (or before the app runs).
func (u *UI) SetDemo(ctrl DemoControls) {
	u.demo = ctrl
	u.redraw()
}

// DemoPanelWidth is the width the demo panel takes beside the kiosk screen for a UI with the
// given Options.Target (0: the default): a demo window must be this much wider than the
// kiosk's panel (cmd/kiosk -demo -windowed sizes its window by it).
func DemoPanelWidth(target float32) float32 {
	if target == 0 {
		target = 96
	}
	// The buttons, the padding around them (2×8), the stripe (8), the gap between stripe and
	// buttons (8) and the gap between the kiosk screen and the panel (8).
	return 3.2*target + 16 + 8 + 8 + 8
}

// demoGap is the theme's padding between the kiosk screen and the demo panel.
const demoGap = 8

// demoPanel is the panel for the language on screen.
func (u *UI) demoPanel() fyne.CanvasObject {
	ctrl := u.demo
	errLabel := widget.NewLabel("")
	errLabel.Wrapping = fyne.TextWrapWord
	errLabel.Importance = widget.DangerImportance
	errLabel.Hide()
	okLabel := widget.NewLabel("") // one short line: it must fit the panel (TestDemoPanelBesideEveryScreen)
	okLabel.Importance = widget.SuccessImportance
	okLabel.Hide()
	var scroll *container.Scroll // the panel's column, laid out again when a note comes or goes
	say := func(l *widget.Label, text string) {
		l.SetText(text)
		if text == "" {
			l.Hide()
		} else {
			l.Show()
		}
		if scroll != nil {
			scroll.Refresh()
		}
	}
	report := func(err error) {
		say(okLabel, "")
		if err != nil {
			say(errLabel, err.Error())
		} else {
			say(errLabel, "")
		}
	}
	w, h := 3.2*u.opts.Target, 0.7*u.opts.Target
	btn := func(text string, tap func()) fyne.CanvasObject {
		b := widget.NewButton(text, tap)
		u.targets = append(u.targets, target{text: text, obj: b})
		return sized(b, w, h)
	}
	heading := func(text string) fyne.CanvasObject {
		l := widget.NewLabel(text)
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.Wrapping = fyne.TextWrapWord // a long heading takes two lines, not a wider panel
		return l
	}
	title := []fyne.CanvasObject{heading(u.t("demo.title", nil)), errLabel}
	remove := []fyne.CanvasObject{btn(u.t("demo.remove_card", nil), func() { report(ctrl.RemoveCard()) })}
	// Coins two to a row, so that what follows stays in view; the heading names the currency and
	// the buttons only the amount, which fits half the panel in every language.
	coins := container.NewGridWithColumns(2)
	for _, yen := range DemoCoins {
		yen := yen
		amount := strconv.Itoa(yen)
		b := widget.NewButton(amount, func() { report(ctrl.InsertMoney(yen)) })
		u.targets = append(u.targets, target{text: amount, obj: b})
		coins.Add(sized(b, 0, h))
	}
	money := []fyne.CanvasObject{heading(u.t("demo.insert", nil)), coins}
	residents := ctrl.Residents()
	var phone []fyne.CanvasObject
	if app, ok := ctrl.(DemoReserver); ok && len(residents) > 0 {
		id := residents[0].ID
		phone = append(phone, heading(u.t("demo.app", map[string]any{"Resident": id})))
		for _, svc := range []kiosk.Service{kiosk.ServiceResetSignaturePIN, kiosk.ServiceResetUserPIN} {
			svc := svc
			phone = append(phone, btn(u.t("demo.reserve."+svc.String(), nil), func() {
				report(app.ReserveReset(id, svc))
				if errLabel.Hidden {
					say(okLabel, u.t("demo.reserved", nil))
				}
			}))
		}
		phone = append(phone, okLabel)
	}
	cards := []fyne.CanvasObject{heading(u.t("demo.place_card", nil))}
	for _, r := range residents {
		r := r
		b := widget.NewButton("", func() { report(ctrl.PlaceCard(r.ID)) })
		u.targets = append(u.targets, target{text: r.Label, obj: b})
		cards = append(cards, sized(container.NewStack(b, container.NewCenter(u.text(r.Label, "ja", false, false))), w, h))
	}
	// What the kiosk waits for comes first: the residents' cards while it asks for a card (the
	// list is long), otherwise taking the card away and paying, which every session needs.
	sections := [][]fyne.CanvasObject{title, remove, money, phone, cards}
	if u.shown.Screen == kiosk.PlaceCard {
		sections = [][]fyne.CanvasObject{title, cards, remove, money, phone}
	}
	var objs []fyne.CanvasObject
	for _, sec := range sections {
		objs = append(objs, sec...)
	}
	scroll = container.NewVScroll(container.NewPadded(container.NewVBox(objs...)))
	bg := canvas.NewRectangle(color.NRGBA{0xff, 0xe9, 0xb8, 0xff})
	if u.look.HighContrast {
		bg.FillColor = color.NRGBA{0x40, 0x30, 0x00, 0xff}
	}
	stripe := canvas.NewRectangle(color.NRGBA{0xe0, 0x80, 0x00, 0xff})
	stripe.SetMinSize(fyne.NewSize(8, 8))
	// The panel scrolls (down only: its buttons fit its width) so that it never pushes the kiosk
	// screen off the display.
	panel := container.NewBorder(nil, nil, stripe, nil,
		container.NewStack(bg, scroll))
	return sized(panel, w+16, 0)
}
