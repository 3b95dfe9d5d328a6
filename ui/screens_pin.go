package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certkiosk/kiosk"
)

// typedKind is the PIN the resident types on v's screen.
func typedKind(v kiosk.View) kiosk.PINKind {
	switch v.Screen {
	case kiosk.ResetNewPIN, kiosk.ResetConfirmPIN:
		return v.Rules.Kind
	}
	if v.Service == kiosk.ServiceResetUserPIN {
		return kiosk.SignaturePIN // the user-PIN reset logs in with the signature PIN
	}
	return kiosk.UserAuthPIN
}

// slots is how many dots a PIN of kind shows before anything is typed.
func slots(kind kiosk.PINKind) int {
	if kind == kiosk.SignaturePIN {
		return 6
	}
	return 4
}

func (u *UI) enterPIN(v kiosk.View) fyne.CanvasObject {
	kind := typedKind(v)
	hint := "ui.pin_hint_user"
	if kind == kiosk.SignaturePIN {
		hint = "ui.pin_hint_signature"
	}
	head := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil)), u.para(u.t(hint, nil))}
	if v.TriesLeft > 0 && v.Message == "" {
		head = append(head, u.para(u.t("ui.tries_left", map[string]any{"Tries": v.TriesLeft})))
	}
	head = append(head, u.dots(v.PINLength, slots(kind)), u.message(v))
	return u.pinScreen(head, kind, nil)
}

func (u *UI) resetReservation(v kiosk.View) fyne.CanvasObject {
	parts := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil))}
	if v.Reservation != nil && !v.Reservation.Expires.IsZero() {
		parts = append(parts, u.para(u.t("ui.reservation_until", map[string]any{"Date": u.date(v.Reservation.Expires)})))
	}
	parts = append(parts, u.actions(u.next()))
	return u.column(parts...)
}

func (u *UI) resetNewPIN(v kiosk.View) fyne.CanvasObject {
	kind := v.Rules.Kind
	type rule struct {
		key string
		ok  bool
	}
	var rules []rule
	if kind == kiosk.SignaturePIN {
		rules = []rule{{"rule.length_signature", v.Rules.LengthOK}, {"rule.letter", v.Rules.HasLetter}, {"rule.digit", v.Rules.HasDigit}}
	} else {
		rules = []rule{{"rule.length_user", v.Rules.LengthOK}}
	}
	var rows []fyne.CanvasObject
	for _, r := range rules {
		icon := theme.CheckButtonIcon()
		imp := widget.MediumImportance
		if r.ok {
			icon = theme.ConfirmIcon()
			imp = widget.SuccessImportance
		}
		l := widget.NewLabel(u.t(r.key, nil))
		l.Importance = imp
		// A rule wraps in a column of its own: in large text it would push the keypad off.
		l.Wrapping = fyne.TextWrapWord
		rows = append(rows, container.NewBorder(nil, nil, sized(widget.NewIcon(icon), 40, 40), nil, sized(l, 4*u.opts.Target, 0)))
	}
	head := []fyne.CanvasObject{
		u.title(u.t(v.Screen.Key(), nil)),
		container.NewCenter(container.NewVBox(rows...)),
		u.dots(v.PINLength, slots(kind)),
		u.message(v),
	}
	return u.pinScreen(head, kind, nil)
}

func (u *UI) resetConfirmPIN(v kiosk.View) fyne.CanvasObject {
	kind := v.Rules.Kind
	head := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil)), u.dots(v.PINLength, slots(kind)), u.message(v)}
	return u.pinScreen(head, kind, u.back())
}

// pinScreen puts the heading beside the keypad (a wide screen has room for both).
func (u *UI) pinScreen(head []fyne.CanvasObject, kind kiosk.PINKind, extra fyne.CanvasObject) fyne.CanvasObject {
	info := []fyne.CanvasObject{layout.NewSpacer()}
	info = append(info, head...)
	if extra != nil {
		info = append(info, u.actions(extra))
	}
	info = append(info, layout.NewSpacer())
	// The keypad takes what it needs, the text the rest (an even split pushes large text off screen).
	pad := u.keypad(kind)
	if l, ok := head[0].(*widget.Label); ok {
		u.balance(l, u.bodyWidth()-pad.MinSize().Width-6*theme.Padding())
	}
	return container.NewBorder(nil, nil, nil, container.NewCenter(pad), container.NewVBox(info...))
}

// keypad is the firmware's own keypad: digits, and letters for the signature PIN. Each key
// sends a kiosk.Key; the machine keeps the PIN, the screen only shows how many were typed.
func (u *UI) keypad(kind kiosk.PINKind) fyne.CanvasObject {
	w, h := u.opts.Target*1.25, u.opts.Target
	keyBtn := func(r rune) fyne.CanvasObject {
		text := string(r)
		b := widget.NewButton(text, u.key(r))
		u.targets = append(u.targets, target{text: text, obj: b})
		return sized(b, w, h)
	}
	special := func(key string, r rune, imp widget.Importance) fyne.CanvasObject {
		text := u.t(key, nil)
		b := widget.NewButton(text, u.key(r))
		b.Importance = imp
		u.targets = append(u.targets, target{text: text, obj: b})
		return sized(b, w, h)
	}
	var grid fyne.CanvasObject
	if u.letters && kind == kiosk.SignaturePIN {
		var keys []fyne.CanvasObject
		for r := 'A'; r <= 'Z'; r++ {
			keys = append(keys, keyBtn(r))
		}
		grid = container.NewGridWithColumns(6, keys...)
	} else {
		var keys []fyne.CanvasObject
		for _, r := range "123456789" {
			keys = append(keys, keyBtn(r))
		}
		keys = append(keys, special("btn.clear", kiosk.KeyClear, widget.MediumImportance), keyBtn('0'),
			special("btn.backspace", kiosk.KeyBackspace, widget.MediumImportance))
		grid = container.NewGridWithColumns(3, keys...)
	}
	foot := []fyne.CanvasObject{}
	if kind == kiosk.SignaturePIN {
		label := "btn.letters"
		if u.letters {
			label = "btn.digits"
		}
		text := u.t(label, nil)
		b := widget.NewButton(text, func() { u.letters = !u.letters; u.redraw() })
		u.targets = append(u.targets, target{text: text, obj: b})
		foot = append(foot, sized(b, w, h))
		if u.letters {
			foot = append(foot, special("btn.backspace", kiosk.KeyBackspace, widget.MediumImportance))
		}
	}
	foot = append(foot, special("btn.enter", kiosk.KeyEnter, widget.HighImportance))
	return container.NewVBox(grid, container.NewGridWithColumns(len(foot), foot...))
}
