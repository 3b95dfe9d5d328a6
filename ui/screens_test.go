package ui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"certkiosk/kiosk"
	"certkiosk/kiosk/sim"
)

func newTestUIParts(t *testing.T) (fyne.App, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	return a, test.NewTempWindow(t, nil)
}

// newTestUI is a UI in fyne's test driver on a 1280×800 window, recording what it sends.
func newTestUI(t *testing.T) (*UI, fyne.Window, *[]kiosk.Event) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	var sent []kiosk.Event
	u, err := New(a, w, func(e kiosk.Event) { sent = append(sent, e) }, Options{Messages: mustMessages(), Warning: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// No real ticker: fyne's test driver runs fyne.Do on the ticking goroutine.
	u.tick = func() (<-chan time.Time, func()) { return nil, func() {} }
	w.Resize(fyne.NewSize(1280, 800))
	return u, w, &sent
}

var day = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// sampleView is a typical view of sc: what a resident would meet there.
func sampleView(sc kiosk.Screen, lang string) kiosk.View {
	v := kiosk.View{Screen: sc, Language: lang, Service: kiosk.ServiceCertificates, TriesLeft: 3,
		Municipality: "試験区", Catalog: sim.DemoCatalog(), Type: "juminhyo",
		Options: []string{"household_head"}, Chosen: []string{"m1", "m2"}, Copies: 2, Fee: 400,
		Members: []kiosk.Member{{ID: "m1", Name: sim.DemoName, Relationship: "本人", Self: true},
			{ID: "m2", Name: "試験 花子", Relationship: "妻"}},
		Rules: kiosk.PINRules{Kind: kiosk.SignaturePIN, HasLetter: true}}
	switch sc {
	case kiosk.EnterPIN:
		v.PINLength = 2
	case kiosk.ConfirmLastTry:
		v.Message, v.TriesLeft = kiosk.MsgLastTry, 1
	case kiosk.Menu:
		v.Notices = []kiosk.OutcomeInfo{{Key: kiosk.NoticeRenewalFrom, Date: day}}
	case kiosk.Pay:
		v.Due, v.Paid, v.Message = 400, 100, kiosk.MsgInsertMoney
	case kiosk.Printing:
		v.Printed = 1
	case kiosk.ResetReservation:
		v.Reservation = &kiosk.Reservation{ID: "r", PIN: kiosk.SignaturePIN, Expires: day}
	case kiosk.ResetNewPIN, kiosk.ResetConfirmPIN:
		v.PINLength = 3
	case kiosk.Outcome:
		v.Outcome = kiosk.OutcomeInfo{Key: "refusal.expired", Next: kiosk.NextRenew, Date: day}
	case kiosk.OutOfService:
		v.Flags = kiosk.FlagPaperOut | kiosk.FlagCashboxFault
	case kiosk.TimeoutWarning:
		v.Prev = kiosk.ChooseCopies
	case kiosk.TechnicianLogin:
		v.PINLength, v.Message = 4, kiosk.MsgTechnicianWrong
	case kiosk.Maintenance:
		v.Flags, v.KeyOn, v.MaintPage = kiosk.FlagTechnician, true, kiosk.MaintStatus
		v.MaintOffer = append(append([]kiosk.MaintAction(nil), kiosk.MaintActions...), kiosk.MaintServiceOn, kiosk.MaintExit)
		v.Counters = kiosk.Counters{Sessions: 12, Totals: kiosk.Totals{In: 3000, Spent: 2400, Change: 400, Refunded: 200}}
		v.MaintReport = &kiosk.MaintReport{Lines: []kiosk.MaintLine{
			{Label: kiosk.LabelBuild, Value: "rev 1234abcd 2026-12-01"},
			{Label: kiosk.LabelCenter, Code: kiosk.ValueFailed, Value: "https://center.test:8443: dial tcp 127.0.0.1:8443: connection refused", Bad: true},
			{Label: kiosk.LabelOutboxPending, Value: "3"},
			{Label: kiosk.LabelOutboxOldest, Value: "12m4s"},
			{Label: kiosk.LabelDocumentPrinter, Value: "stopped media-empty (media-empty-error)", Bad: true},
			{Label: kiosk.LabelReceiptPrinter, Code: kiosk.ValueNotFitted},
			{Label: kiosk.LabelSensor, Code: kiosk.ValueActive, Value: "paper"},
		}}
	}
	return v
}

var allScreens = func() []kiosk.Screen {
	var out []kiosk.Screen
	for s := kiosk.Idle; ; s++ {
		if _, ok := kiosk.ParseScreen(s.String()); !ok {
			return out
		}
		out = append(out, s)
	}
}()

// visibleTexts collects the text of every label, button and text on screen (not hidden).
func visibleTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(o.Content)
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.Button:
			out = append(out, o.Text)
		case *canvas.Text:
			out = append(out, o.Text)
		}
	}
	walk(o)
	return out
}

var rawKey = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// TestEveryScreenInEveryLanguage draws every screen of the machine in every language and checks
// that the title is there and that every text on screen came from the message files (or is the
// resident's data, or has no letters at all): no raw key, no empty title, no unfilled template.
func TestEveryScreenInEveryLanguage(t *testing.T) {
	u, _, _ := newTestUI(t)
	m := mustMessages()
	for _, lang := range Languages {
		for _, sc := range allScreens {
			v := sampleView(sc, lang)
			u.Render(v)
			said := u.Said()
			titleKey := sc.Key()
			if sc == kiosk.Outcome {
				titleKey = v.Outcome.Key
			}
			title, err := m.Text(lang, titleKey, map[string]any{"Date": "x"})
			if err != nil {
				t.Fatal(err)
			}
			texts := visibleTexts(u.Content())
			if !slices.Contains(texts, title) {
				t.Errorf("%s %v: title %q not on screen", lang, sc, title)
			}
			data := []string{v.Municipality, sim.DemoName, "試験 花子", "本人", "妻", sim.DemoName + " / 試験 花子"}
			if v.MaintReport != nil {
				for _, l := range v.MaintReport.Lines {
					data = append(data, l.Value) // a technician's report: device answers, shown as given
				}
			}
			for _, s := range texts {
				switch {
				case rawKey.MatchString(s):
					t.Errorf("%s %v: raw key %q on screen", lang, sc, s)
				case strings.Contains(s, "<no value>"):
					t.Errorf("%s %v: unfilled template %q", lang, sc, s)
				case !hasLetter(s) || said[s] || slices.Contains(data, s):
				default:
					t.Errorf("%s %v: %q is on screen but not from the message files", lang, sc, s)
				}
			}
		}
	}
}

func hasLetter(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f {
			return true
		}
	}
	return false
}

// TestScreensSendTheirEvents: the buttons of the screens send the events the machine expects.
func TestScreensSendTheirEvents(t *testing.T) {
	u, _, sent := newTestUI(t)
	m := mustMessages()
	tx := func(key string) string { s, _ := m.Text("en", key, nil); return s }
	cases := []struct {
		sc   kiosk.Screen
		tap  string
		want kiosk.Event
	}{
		{kiosk.Idle, tx("btn.start"), kiosk.Tap{Button: kiosk.BtnStart}},
		{kiosk.ChooseLanguage, "Tiếng Việt", kiosk.Tap{Button: kiosk.BtnLanguage, Arg: "vi"}},
		{kiosk.Terms, tx("btn.decline"), kiosk.Tap{Button: kiosk.BtnDecline}},
		{kiosk.ChooseService, tx("service.reset_user_pin"), kiosk.Tap{Button: kiosk.BtnService, Arg: "reset_user_pin"}},
		{kiosk.EnterPIN, "7", kiosk.Key{Key: '7', Source: kiosk.TouchKeypad}},
		{kiosk.EnterPIN, tx("btn.backspace"), kiosk.Key{Key: kiosk.KeyBackspace, Source: kiosk.TouchKeypad}},
		{kiosk.EnterPIN, tx("btn.clear"), kiosk.Key{Key: kiosk.KeyClear, Source: kiosk.TouchKeypad}},
		{kiosk.EnterPIN, tx("btn.enter"), kiosk.Key{Key: kiosk.KeyEnter, Source: kiosk.TouchKeypad}},
		{kiosk.EnterPIN, tx("btn.cancel"), kiosk.Tap{Button: kiosk.BtnCancel}},
		{kiosk.ConfirmLastTry, tx("btn.proceed"), kiosk.Tap{Button: kiosk.BtnProceed}},
		{kiosk.Menu, tx("btn.koseki"), kiosk.Tap{Button: kiosk.BtnKoseki}},
		{kiosk.ChooseCertificate, tx("type.inkan"), kiosk.Tap{Button: kiosk.BtnChooseType, Arg: "inkan"}},
		{kiosk.ChooseOptions, tx("option.honseki"), kiosk.Tap{Button: kiosk.BtnToggleOption, Arg: "honseki"}},
		{kiosk.ChooseMembers, "試験 花子", kiosk.Tap{Button: kiosk.BtnToggleMember, Arg: "m2"}},
		{kiosk.ChooseCopies, tx("btn.less"), kiosk.Tap{Button: kiosk.BtnLess}},
		{kiosk.Confirm, tx("btn.back"), kiosk.Tap{Button: kiosk.BtnBack}},
		{kiosk.Receipt, tx("btn.no_receipt"), kiosk.Tap{Button: kiosk.BtnNoReceipt}},
		{kiosk.KosekiConfirm, tx("btn.confirm"), kiosk.Tap{Button: kiosk.BtnConfirm}},
		{kiosk.ResetReservation, tx("btn.next"), kiosk.Tap{Button: kiosk.BtnNext}},
		{kiosk.ResetConfirmPIN, tx("btn.back"), kiosk.Tap{Button: kiosk.BtnBack}},
		{kiosk.ResetDone, tx("btn.done"), kiosk.Tap{Button: kiosk.BtnDone}},
		{kiosk.Outcome, tx("btn.done"), kiosk.Tap{Button: kiosk.BtnDone}},
		{kiosk.TimeoutWarning, tx("btn.continue"), kiosk.Tap{Button: kiosk.BtnContinue}},
	}
	for _, c := range cases {
		u.Render(sampleView(c.sc, "en"))
		*sent = nil
		if !u.TapText(c.tap) {
			t.Errorf("%v: no %q; targets %q", c.sc, c.tap, u.Texts())
			continue
		}
		if len(*sent) != 1 || fmt.Sprint((*sent)[0]) != fmt.Sprint(c.want) {
			t.Errorf("%v: tapping %q sent %v, want %v", c.sc, c.tap, *sent, c.want)
		}
	}
}

// TestNoCancelWhereTheMachineRefusesIt: printing and writing the card show no cancel button.
func TestNoCancelWhereTheMachineRefusesIt(t *testing.T) {
	u, _, _ := newTestUI(t)
	cancel, _ := mustMessages().Text("en", "btn.cancel", nil)
	for _, sc := range []kiosk.Screen{kiosk.Printing, kiosk.Resetting, kiosk.Idle, kiosk.OutOfService} {
		u.Render(sampleView(sc, "en"))
		if slices.Contains(u.Texts(), cancel) {
			t.Errorf("%v offers cancel", sc)
		}
	}
	u.Render(sampleView(kiosk.Pay, "en"))
	if !slices.Contains(u.Texts(), cancel) {
		t.Error("the payment screen offers no cancel")
	}
}

// TestSignatureKeypadHasLetters: the signature PIN gets a letter keypad, the 4-digit PIN none.
func TestSignatureKeypadHasLetters(t *testing.T) {
	u, _, sent := newTestUI(t)
	abc, _ := mustMessages().Text("en", "btn.letters", nil)
	u.Render(sampleView(kiosk.EnterPIN, "en"))
	if slices.Contains(u.Texts(), abc) {
		t.Error("letters offered for the 4-digit PIN")
	}
	v := sampleView(kiosk.ResetNewPIN, "en")
	u.Render(v)
	if !u.TapText(abc) {
		t.Fatalf("no letter keypad: %q", u.Texts())
	}
	*sent = nil
	if !u.TapText("Q") || len(*sent) != 1 || (*sent)[0] != (kiosk.Key{Key: 'Q', Source: kiosk.TouchKeypad}) {
		t.Fatalf("letter key sent %v", *sent)
	}
	// A new screen starts with digits again.
	v.Screen = kiosk.ResetConfirmPIN
	u.Render(v)
	if slices.Contains(u.Texts(), "Q") {
		t.Error("the letter keypad stayed on after the screen changed")
	}
}

// TestPINShowsOnlyItsLength: the PIN screen draws one filled dot per typed character and no
// character of the PIN.
func TestPINShowsOnlyItsLength(t *testing.T) {
	u, _, _ := newTestUI(t)
	for n := 0; n <= 4; n++ {
		v := sampleView(kiosk.EnterPIN, "ja")
		v.PINLength = n
		u.Render(v)
		filled, empty := 0, 0
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch o := o.(type) {
			case *fyne.Container:
				for _, c := range o.Objects {
					walk(c)
				}
			case *container.Scroll:
				walk(o.Content)
			case *canvas.Circle:
				if o.FillColor == nil || o.FillColor == (canvas.NewCircle(nil).FillColor) {
					empty++
				} else if _, _, _, a := o.FillColor.RGBA(); a == 0 {
					empty++
				} else {
					filled++
				}
			}
		}
		walk(u.Content())
		if filled != n || filled+empty != 4 {
			t.Errorf("PIN length %d: %d filled of %d dots", n, filled, filled+empty)
		}
	}
}

// TestPayShowsWhatIsLeft: the payment screen shows the fee, the money in and what is left.
func TestPayShowsWhatIsLeft(t *testing.T) {
	u, _, _ := newTestUI(t)
	m := mustMessages()
	u.Render(sampleView(kiosk.Pay, "en"))
	texts := visibleTexts(u.Content())
	for key, yen := range map[string]int{"ui.total": 400, "ui.paid": 100, "ui.due": 300} {
		s, _ := m.Text("en", key, map[string]any{"Yen": yen})
		if !slices.Contains(texts, s) {
			t.Errorf("%q not on the payment screen: %q", s, texts)
		}
	}
}

// TestCountdown: the timeout warning shows the machine's warning time and counts it down; its
// ticker stops when the screen changes.
func TestCountdown(t *testing.T) {
	u, _, _ := newTestUI(t)
	stopped := make(chan struct{})
	u.tick = func() (<-chan time.Time, func()) { return nil, func() { close(stopped) } }
	m := mustMessages()
	want := func(n int) string { s, _ := m.Text("en", "ui.countdown", map[string]any{"N": n}); return s }
	u.Render(sampleView(kiosk.TimeoutWarning, "en"))
	label := u.countdown
	if label == nil || label.Text != want(20) {
		t.Fatalf("countdown shows %v, want %q", label, want(20))
	}
	u.showLeft(label, "en", 15)
	if label.Text != want(15) {
		t.Errorf("countdown shows %q, want %q", label.Text, want(15))
	}
	u.Render(sampleView(kiosk.Terms, "en"))
	select {
	case <-stopped:
	case <-time.After(time.Second):
		t.Fatal("the countdown kept ticking after the warning")
	}
}
