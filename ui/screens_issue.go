package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certkiosk/kiosk"
)

func (u *UI) yen(n int) string { return u.t("format.yen", map[string]any{"Yen": n}) }

func (u *UI) menu(v kiosk.View) fyne.CanvasObject {
	parts := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil))}
	if v.Municipality != "" {
		parts = append(parts, u.data(v.Municipality))
	}
	for _, n := range v.Notices {
		parts = append(parts, u.para(u.t(n.Key, map[string]any{"Date": u.date(n.Date)})))
	}
	parts = append(parts, u.message(v),
		container.NewCenter(sized(u.button(u.t("btn.issue", nil), widget.HighImportance, u.tap(kiosk.BtnIssue, "")),
			6*u.opts.Target, u.opts.Target)),
		container.NewCenter(sized(u.button(u.t("btn.koseki", nil), widget.MediumImportance, u.tap(kiosk.BtnKoseki, "")),
			6*u.opts.Target, u.opts.Target)))
	return u.column(parts...)
}

func (u *UI) chooseCertificate(v kiosk.View) fyne.CanvasObject {
	parts := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil)), u.message(v)}
	// A grid, not a list: a municipality offers up to nine types, and a touch screen cannot
	// scroll a list by dragging (fyne's desktop driver), so every type must fit on the screen.
	cols := 1
	if len(v.Catalog) > 3 {
		cols = 2
	}
	textW := u.bodyWidth()/float32(cols) - 8*theme.Padding()
	var tiles []fyne.CanvasObject
	for _, o := range v.Catalog {
		name := u.t("type."+o.Type, nil)
		second := u.t("ui.fee_per_copy", map[string]any{"Yen": o.Fee})
		var icon fyne.Resource
		if !o.Available {
			// Still a tile (tapping it says why, with a cue, for those who cannot read it),
			// marked with the warning sign.
			icon = theme.WarningIcon()
			code := o.Refusal
			if code == "" {
				code = "other"
			}
			second = u.t("refusal."+code, nil)
		}
		w := textW
		if icon != nil {
			w -= 44 + 4*theme.Padding() // the sign beside the text
		}
		lines := append(u.wrapped(name, true, false, w), u.wrapped(second, false, false, w)...)
		tiles = append(tiles, u.tile(lines, icon, widget.MediumImportance, name, u.tap(kiosk.BtnChooseType, o.Type)))
	}
	parts = append(parts, container.NewGridWithColumns(cols, tiles...), u.actions(u.back()))
	return u.column(parts...)
}

// offer is the catalog entry of the chosen type.
func offer(v kiosk.View) kiosk.Offer {
	for _, o := range v.Catalog {
		if o.Type == v.Type {
			return o
		}
	}
	return kiosk.Offer{}
}

func checkIcon(on bool) fyne.Resource {
	if on {
		// Drawn in the background colour: it sits on the primary colour of a chosen tile.
		return theme.NewInvertedThemedResource(theme.CheckButtonCheckedIcon())
	}
	return theme.CheckButtonIcon()
}

func (u *UI) chooseOptions(v kiosk.View) fyne.CanvasObject {
	parts := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil)), u.para(u.t("type."+v.Type, nil)), u.message(v)}
	var tiles []fyne.CanvasObject
	for _, opt := range offer(v).Options {
		name := u.t("option."+opt, nil)
		on := slices.Contains(v.Options, opt)
		imp := widget.MediumImportance
		if on {
			imp = widget.HighImportance
		}
		tiles = append(tiles, u.tile(u.wrapped(name, true, on, u.bodyWidth()*0.6), checkIcon(on), imp, name,
			u.tap(kiosk.BtnToggleOption, opt)))
	}
	parts = append(parts, container.NewCenter(container.NewVBox(tiles...)), u.actions(u.back(), u.next()))
	return u.column(parts...)
}

func (u *UI) chooseMembers(v kiosk.View) fyne.CanvasObject {
	parts := []fyne.CanvasObject{u.title(u.t(v.Screen.Key(), nil)), u.message(v)}
	var tiles []fyne.CanvasObject
	for _, m := range v.Members {
		on := slices.Contains(v.Chosen, m.ID)
		imp := widget.MediumImportance
		if on {
			imp = widget.HighImportance
		}
		// Names and relationships come from the center, in Japanese.
		lines := []fyne.CanvasObject{u.text(m.Name, "ja", true, on), u.text(m.Relationship, "ja", false, on)}
		tiles = append(tiles, u.tile(lines, checkIcon(on), imp, m.Name, u.tap(kiosk.BtnToggleMember, m.ID)))
	}
	parts = append(parts, container.NewCenter(container.NewVBox(tiles...)), u.actions(u.back(), u.next()))
	return u.column(parts...)
}

func (u *UI) chooseCopies(v kiosk.View) fyne.CanvasObject {
	// One line, never wrapped: inside a centring box a wrapping label gets no width and breaks
	// "Copies: 1" into one letter a line.
	n := widget.NewLabel(u.t("ui.copies", map[string]any{"N": v.Copies}))
	n.SizeName = theme.SizeNameHeadingText
	n.TextStyle = fyne.TextStyle{Bold: true}
	n.Alignment = fyne.TextAlignCenter
	return u.column(
		u.title(u.t(v.Screen.Key(), nil)),
		u.para(u.t("type."+v.Type, nil)),
		u.actions(
			u.button(u.t("btn.less", nil), widget.MediumImportance, u.tap(kiosk.BtnLess, "")),
			sized(container.NewCenter(n), 3*u.opts.Target, u.opts.Target),
			u.button(u.t("btn.more", nil), widget.MediumImportance, u.tap(kiosk.BtnMore, ""))),
		u.para(u.t("ui.total", map[string]any{"Yen": v.Fee})),
		u.message(v),
		u.actions(u.back(), u.next()),
	)
}

func (u *UI) confirm(v kiosk.View) fyne.CanvasObject {
	var opts []string
	for _, o := range v.Options {
		opts = append(opts, u.t("option."+o, nil))
	}
	parts := []fyne.CanvasObject{
		u.title(u.t(v.Screen.Key(), nil)),
		u.para(u.t("type."+v.Type, nil)),
	}
	if len(opts) > 0 {
		parts = append(parts, u.para(strings.Join(opts, " / ")))
	}
	if len(v.Chosen) > 0 && offer(v).PerPerson {
		var names []string
		for _, m := range v.Members {
			if slices.Contains(v.Chosen, m.ID) {
				names = append(names, m.Name)
			}
		}
		parts = append(parts, u.data(strings.Join(names, " / ")))
	}
	parts = append(parts,
		u.para(u.t("ui.copies", map[string]any{"N": v.Copies})),
		u.title(u.t("ui.total", map[string]any{"Yen": v.Fee})),
		u.message(v),
		u.actions(u.back(), u.button(u.t("btn.confirm", nil), widget.HighImportance, u.tap(kiosk.BtnConfirm, ""))))
	return u.column(parts...)
}

func (u *UI) pay(v kiosk.View) fyne.CanvasObject {
	// View.Due is the issuance's fee as the center set it; what is still to pay is shown, not
	// decided, here (the machine starts printing when the money covers the fee).
	left := max(v.Due-v.Paid, 0)
	hint := u.para(u.t(kiosk.MsgInsertMoney, nil))
	if v.Message != "" && v.Message != kiosk.MsgInsertMoney {
		hint = u.message(v)
	}
	return u.column(
		u.title(u.t(v.Screen.Key(), nil)),
		u.para(u.t("ui.total", map[string]any{"Yen": v.Due})),
		u.para(u.t("ui.paid", map[string]any{"Yen": v.Paid})),
		u.title(u.t("ui.due", map[string]any{"Yen": left})),
		hint,
	)
}

func (u *UI) printing(v kiosk.View) fyne.CanvasObject {
	bar := widget.NewProgressBar()
	bar.TextFormatter = func() string { return "" }
	if v.Copies > 0 {
		bar.Max = float64(v.Copies)
		bar.Value = float64(v.Printed)
	}
	// The copy under way is the one after those printed.
	done := min(v.Printed+1, v.Copies)
	return u.column(
		u.title(u.t(v.Screen.Key(), nil)),
		container.NewPadded(bar),
		u.para(u.t("ui.printing_progress", map[string]any{"Done": done, "Total": v.Copies})),
		u.para(u.t("ui.printing_long", nil)),
		u.message(v),
	)
}
