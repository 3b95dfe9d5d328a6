package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certkiosk/kiosk"
)

// screen builds the body of the screen that shows v.
func (u *UI) screen(v kiosk.View) fyne.CanvasObject {
	switch v.Screen {
	case kiosk.Idle:
		return u.idle(v)
	case kiosk.ChooseLanguage:
		return u.chooseLanguage(v)
	case kiosk.Terms:
		return u.terms(v)
	case kiosk.ChooseService:
		return u.chooseService(v)
	case kiosk.PlaceCard:
		return u.column(u.title(u.t(v.Screen.Key(), nil)), u.para(u.t("ui.place_card_help", nil)),
			u.actions(u.back()))
	case kiosk.ReadingCard, kiosk.Verifying, kiosk.LoggingIn, kiosk.Resetting:
		return u.waiting(v, "ui.dont_move_card")
	case kiosk.Issuing, kiosk.RegisteringKoseki, kiosk.Refunding:
		return u.waiting(v, "ui.please_wait")
	case kiosk.EnterPIN:
		return u.enterPIN(v)
	case kiosk.ConfirmLastTry:
		return u.confirmLastTry(v)
	case kiosk.TakeCardBack:
		return u.column(u.title(u.t(v.Screen.Key(), nil)), u.para(u.t("ui.take_card_help", nil)))
	case kiosk.Menu:
		return u.menu(v)
	case kiosk.ChooseCertificate:
		return u.chooseCertificate(v)
	case kiosk.ChooseOptions:
		return u.chooseOptions(v)
	case kiosk.ChooseMembers:
		return u.chooseMembers(v)
	case kiosk.ChooseCopies:
		return u.chooseCopies(v)
	case kiosk.Confirm:
		return u.confirm(v)
	case kiosk.Pay:
		return u.pay(v)
	case kiosk.Printing:
		return u.printing(v)
	case kiosk.TakeCertificates:
		return u.column(u.title(u.t(v.Screen.Key(), nil)), u.para(u.t("ui.take_certificates_help", nil)),
			u.actions(u.button(u.t("btn.done", nil), widget.HighImportance, u.tap(kiosk.BtnDone, ""))))
	case kiosk.Receipt:
		return u.column(u.title(u.t(v.Screen.Key(), nil)), u.actions(
			u.button(u.t("btn.no_receipt", nil), widget.MediumImportance, u.tap(kiosk.BtnNoReceipt, "")),
			u.button(u.t("btn.receipt", nil), widget.HighImportance, u.tap(kiosk.BtnReceipt, ""))))
	case kiosk.KosekiConfirm:
		return u.column(u.title(u.t(v.Screen.Key(), nil)), u.para(u.t("ui.koseki_help", nil)), u.message(v),
			u.actions(u.back(), u.button(u.t("btn.confirm", nil), widget.HighImportance, u.tap(kiosk.BtnConfirm, ""))))
	case kiosk.ResetReservation:
		return u.resetReservation(v)
	case kiosk.ResetNewPIN:
		return u.resetNewPIN(v)
	case kiosk.ResetConfirmPIN:
		return u.resetConfirmPIN(v)
	case kiosk.ResetDone:
		return u.column(u.title(u.t(v.Screen.Key(), nil)), u.para(u.t("ui.take_card_help", nil)),
			u.actions(u.button(u.t("btn.done", nil), widget.HighImportance, u.tap(kiosk.BtnDone, ""))))
	case kiosk.Outcome:
		return u.outcome(v)
	case kiosk.TimeoutWarning:
		return u.timeoutWarning(v)
	case kiosk.OutOfService:
		return u.outOfService(v)
	case kiosk.TechnicianLogin:
		return u.technicianLogin(v)
	case kiosk.Maintenance:
		return u.maintenance(v)
	}
	return u.column(u.title(u.t(v.Screen.Key(), nil)))
}

// column stacks a screen's parts, centred vertically.
func (u *UI) column(parts ...fyne.CanvasObject) fyne.CanvasObject {
	objs := []fyne.CanvasObject{layout.NewSpacer()}
	objs = append(objs, parts...)
	objs = append(objs, layout.NewSpacer())
	return container.NewVBox(objs...)
}

// actions is the row of buttons at the foot of a screen; the last one is the step forward.
func (u *UI) actions(btns ...fyne.CanvasObject) fyne.CanvasObject {
	objs := []fyne.CanvasObject{layout.NewSpacer()}
	for _, b := range btns {
		objs = append(objs, b)
	}
	objs = append(objs, layout.NewSpacer())
	return container.NewHBox(objs...)
}

func (u *UI) back() fyne.CanvasObject {
	return u.button(u.t("btn.back", nil), widget.MediumImportance, u.tap(kiosk.BtnBack, ""))
}

func (u *UI) next() fyne.CanvasObject {
	return u.button(u.t("btn.next", nil), widget.HighImportance, u.tap(kiosk.BtnNext, ""))
}

// message is the screen's inline message (View.Message), or nothing.
func (u *UI) message(v kiosk.View) fyne.CanvasObject {
	if v.Message == "" {
		return layout.NewSpacer()
	}
	return u.alert(u.t(v.Message, map[string]any{"Tries": v.TriesLeft}))
}

// date formats a date the way the language on screen writes it.
func (u *UI) date(t time.Time) string {
	return u.t("format.date", map[string]any{
		"Y": t.Year(), "M": int(t.Month()), "D": t.Day(),
		"MM": twoDigits(int(t.Month())), "DD": twoDigits(t.Day()),
	})
}

func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10%10), byte('0' + n%10)})
}

func (u *UI) idle(v kiosk.View) fyne.CanvasObject {
	return container.NewBorder(nil, u.staffButton(), nil, nil, u.column(
		u.title(u.t(v.Screen.Key(), nil)),
		u.para(u.t("ui.idle_touch", nil)),
		u.actions(sized(u.button(u.t("btn.start", nil), widget.HighImportance, u.tap(kiosk.BtnStart, "")),
			4*u.opts.Target, 1.5*u.opts.Target)),
	))
}

func (u *UI) chooseLanguage(v kiosk.View) fyne.CanvasObject {
	return u.column(
		u.title(u.t(v.Screen.Key(), nil)),
		u.languageGrid(func(l string) { u.send(kiosk.Tap{Button: kiosk.BtnLanguage, Arg: l}) }),
		u.actions(u.back()),
	)
}

func (u *UI) terms(v kiosk.View) fyne.CanvasObject {
	return u.column(
		u.title(u.t(v.Screen.Key(), nil)),
		u.para(u.t("ui.terms_body", nil)),
		u.actions(u.back(),
			u.button(u.t("btn.decline", nil), widget.MediumImportance, u.tap(kiosk.BtnDecline, "")),
			u.button(u.t("btn.agree", nil), widget.HighImportance, u.tap(kiosk.BtnAgree, ""))),
	)
}

func (u *UI) chooseService(v kiosk.View) fyne.CanvasObject {
	parts := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil))}
	for _, s := range []kiosk.Service{kiosk.ServiceCertificates, kiosk.ServiceResetSignaturePIN, kiosk.ServiceResetUserPIN} {
		imp := widget.MediumImportance
		if s == kiosk.ServiceCertificates {
			imp = widget.HighImportance
		}
		parts = append(parts, container.NewCenter(sized(
			u.button(u.t("service."+s.String(), nil), imp, u.tap(kiosk.BtnService, s.String())), 6*u.opts.Target, u.opts.Target)))
	}
	parts = append(parts, u.actions(u.back()))
	return u.column(parts...)
}

// waiting is a screen where a device or the center works: no action but cancel.
func (u *UI) waiting(v kiosk.View, hint string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	return u.column(u.title(u.t(v.Screen.Key(), nil)), container.NewPadded(bar), u.para(u.t(hint, nil)), u.message(v))
}

func (u *UI) confirmLastTry(v kiosk.View) fyne.CanvasObject {
	return u.column(
		u.title(u.t(v.Screen.Key(), nil)),
		u.message(v),
		u.actions(u.back(),
			u.button(u.t("btn.proceed", nil), widget.WarningImportance, u.tap(kiosk.BtnProceed, ""))),
	)
}

func (u *UI) outcome(v kiosk.View) fyne.CanvasObject {
	var data map[string]any
	if !v.Outcome.Date.IsZero() {
		data = map[string]any{"Date": u.date(v.Outcome.Date)}
	}
	parts := []fyne.CanvasObject{container.NewCenter(sized(widget.NewIcon(theme.WarningIcon()), 72, 72))}
	if v.Outcome.Key != "" {
		parts = append(parts, u.title(u.t(v.Outcome.Key, data)))
	} else {
		parts = append(parts, u.title(u.t(v.Screen.Key(), nil)))
	}
	if v.Outcome.Next != "" {
		parts = append(parts, u.para(u.t(v.Outcome.Next, data)))
	}
	parts = append(parts, u.actions(u.button(u.t("btn.done", nil), widget.HighImportance, u.tap(kiosk.BtnDone, ""))))
	return u.column(parts...)
}

func (u *UI) timeoutWarning(v kiosk.View) fyne.CanvasObject {
	u.countdown = widget.NewLabel("")
	u.countdown.Alignment = fyne.TextAlignCenter
	u.countdown.TextStyle = fyne.TextStyle{Bold: true}
	if u.opts.Warning > 0 {
		u.countdown.SetText(u.t("ui.countdown", map[string]any{"N": int(u.opts.Warning / time.Second)}))
	}
	return u.column(
		u.title(u.t(v.Screen.Key(), nil)),
		u.countdown,
		u.actions(
			u.button(u.t("btn.cancel", nil), widget.MediumImportance, u.tap(kiosk.BtnCancel, "")),
			u.button(u.t("btn.continue", nil), widget.HighImportance, u.tap(kiosk.BtnContinue, ""))),
	)
}

// startCountdown counts the warning's seconds down on screen. Display only: the machine's own
// timer ends the session.
func (u *UI) startCountdown() {
	if u.opts.Warning <= 0 || u.countdown == nil {
		return
	}
	stop := make(chan struct{})
	u.stopTick = stop
	label, lang := u.countdown, u.look.Lang
	ticks, stopTicker := u.ticker()
	start := time.Now()
	go func() {
		defer stopTicker()
		for {
			select {
			case <-stop:
				return
			case now := <-ticks:
				left := int((u.opts.Warning - now.Sub(start)).Round(time.Second) / time.Second)
				if left < 0 {
					left = 0
				}
				fyne.Do(func() {
					select {
					case <-stop:
						return
					default:
					}
					u.showLeft(label, lang, left)
				})
			}
		}
	}()
}

// showLeft puts the seconds left on the countdown label (on fyne's goroutine).
func (u *UI) showLeft(label *widget.Label, lang string, left int) {
	if s, err := u.msgs.Text(lang, "ui.countdown", map[string]any{"N": left}); err == nil {
		label.SetText(s)
	}
}

// ticker is the countdown's clock: a tick every second (tests replace it).
func (u *UI) ticker() (<-chan time.Time, func()) {
	if u.tick != nil {
		return u.tick()
	}
	t := time.NewTicker(time.Second)
	return t.C, t.Stop
}

func (u *UI) stopCountdown() {
	if u.stopTick != nil {
		close(u.stopTick)
		u.stopTick = nil
	}
	u.countdown = nil
}

func (u *UI) outOfService(v kiosk.View) fyne.CanvasObject {
	parts := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil))}
	for _, f := range serviceFlags {
		if v.Flags&f.flag != 0 {
			parts = append(parts, u.para(u.t(f.key, nil)))
		}
	}
	parts = append(parts, u.para(u.t("ui.sorry", nil)))
	return container.NewBorder(nil, u.staffButton(), nil, nil, u.column(parts...))
}
