package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"certkiosk/kiosk"
)

// staffButton is the small staff sign-in target at the foot of the attract and out-of-service
// screens. It is a full-size target (a technician's finger is a finger too) but plain, away
// from the resident's one action.
func (u *UI) staffButton() fyne.CanvasObject {
	b := widget.NewButton(u.t("btn.staff", nil), u.tap(kiosk.BtnStaff, ""))
	b.Importance = widget.LowImportance
	u.targets = append(u.targets, target{text: u.t("btn.staff", nil), obj: b})
	return container.NewHBox(layout.NewSpacer(), sized(b, 1.5*u.opts.Target, u.opts.Target))
}

// technicianLogin is the credential keypad: letters and digits, dots for what was typed.
func (u *UI) technicianLogin(v kiosk.View) fyne.CanvasObject {
	head := []fyne.CanvasObject{
		u.title(u.t(v.Screen.Key(), nil)),
		u.para(u.t("ui.technician_hint", nil)),
		u.dots(v.PINLength, 6),
		u.message(v),
	}
	return u.pinScreen(head, kiosk.SignaturePIN, u.back())
}

// maintenance is the technician's screen: the actions down the side, the report of the last
// one beside them, the machine's own counters on top.
func (u *UI) maintenance(v kiosk.View) fyne.CanvasObject {
	var side []fyne.CanvasObject
	for _, a := range v.MaintOffer {
		imp := widget.MediumImportance
		switch {
		case a == kiosk.MaintServiceOn || a == kiosk.MaintServiceOff:
			imp = widget.WarningImportance
		case a == kiosk.MaintExit:
			imp = widget.DangerImportance
		case a == v.MaintPage:
			imp = widget.HighImportance
		}
		side = append(side, sized(u.button(u.t("maint.action."+string(a), nil), imp, u.tap(kiosk.BtnMaint, string(a))),
			2*u.opts.Target, u.opts.Target))
	}

	c := v.Counters
	head := []fyne.CanvasObject{
		u.title(u.t(v.Screen.Key(), nil)),
		u.para(u.t("maint.counters", map[string]any{
			"Sessions": c.Sessions, "In": c.Totals.In, "Spent": c.Totals.Spent, "Change": c.Totals.Change,
			"Refunded": c.Totals.Refunded, "Owed": c.Totals.Owed,
		})),
	}
	for _, f := range serviceFlags {
		if v.Flags&f.flag != 0 {
			head = append(head, u.alert(u.t(f.key, nil)))
		}
	}
	if v.KeyOn {
		head = append(head, u.para(u.t("maint.key_on", nil)))
	}
	var body []fyne.CanvasObject
	switch {
	case v.MaintBusy:
		body = append(body, u.para(u.t("maint.busy", nil)), widget.NewProgressBarInfinite())
	case v.MaintReport == nil:
		body = append(body, u.para(u.t("maint.choose", nil)))
	default:
		r := v.MaintReport
		if r.Err != "" {
			body = append(body, u.alert(u.t("maint.failed", nil)), u.reportValue(r.Err, true))
		}
		for _, l := range r.Lines {
			body = append(body, u.reportLine(l))
		}
	}
	report := container.NewVBox(append(head, body...)...)
	// Two columns of actions: eight full-size targets fit the height of the screen.
	return container.NewBorder(nil, nil, container.NewVBox(container.NewGridWithColumns(2, side...), layout.NewSpacer()), nil, report)
}

// reportLine is label, word and value side by side: the label and word in the screen's language,
// the value as the device or configuration gave it.
func (u *UI) reportLine(l kiosk.MaintLine) fyne.CanvasObject {
	// The label gets a column of its own width and wraps in it: a long label in large text
	// must not push the screen wider than the panel.
	label := u.reportText(u.t("maint.label."+l.Label, nil), l.Bad, true)
	label.Wrapping = fyne.TextWrapWord
	var value fyne.CanvasObject = u.reportValue(l.Value, l.Bad)
	if l.Code != "" {
		value = container.NewBorder(nil, nil, u.reportText(u.t("maint.value."+l.Code, nil), l.Bad, false), nil, value)
	}
	return container.NewBorder(nil, nil, sized(label, 2.5*u.opts.Target, 0), nil, value)
}

func (u *UI) reportText(s string, bad, bold bool) *widget.Label {
	lb := widget.NewLabel(s)
	lb.TextStyle = fyne.TextStyle{Bold: bold}
	if bad {
		lb.Importance = widget.DangerImportance
	}
	return lb
}

func (u *UI) reportValue(s string, bad bool) fyne.CanvasObject {
	lb := widget.NewLabel(s)
	lb.Wrapping = fyne.TextWrapBreak
	if bad {
		lb.Importance = widget.DangerImportance
	}
	return lb
}

// serviceFlags are the out-of-service reasons with their message keys.
var serviceFlags = []struct {
	flag kiosk.ServiceFlag
	key  string
}{
	{kiosk.FlagOutboxFull, "flag.outbox_full"},
	{kiosk.FlagPaperOut, "flag.paper_out"},
	{kiosk.FlagPrinterFault, "flag.printer_fault"},
	{kiosk.FlagSelfTestFailed, "flag.self_test_failed"},
	{kiosk.FlagCashboxFault, "flag.cashbox_fault"},
	{kiosk.FlagTechnician, "flag.technician"},
	{kiosk.FlagTrayNotEmpty, "flag.tray_not_empty"},
	{kiosk.FlagStorageFault, "flag.storage_fault"},
}
