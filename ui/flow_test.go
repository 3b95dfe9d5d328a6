package ui_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"certkiosk/kiosk"
	"certkiosk/kiosk/sim"
	"certkiosk/ui"
	"certkiosk/ui/internal/uisim"
)

// kioskUnderTest is the real session machine on simulated ports, drawn by the UI in fyne's
// test driver, with the demo panel for the resident's hands.
type kioskUnderTest struct {
	t    *testing.T
	u    *ui.UI
	kit  *sim.Kit
	msgs *ui.Messages
	run  *kiosk.Runner
	// views from the machine, drawn on the test's goroutine: fyne's test driver runs fyne.Do
	// on the caller's goroutine, so the test goroutine plays fyne's one UI goroutine.
	views chan kiosk.View
	rec   *recorder
	// stop ends the runner and waits for every call it started: after it, the kit's state can
	// be read without racing the machine.
	stop func()
}

// recorder keeps every view the machine rendered.
type recorder struct {
	mu    sync.Mutex
	views []kiosk.View
}

func (r *recorder) Render(v kiosk.View) { r.mu.Lock(); r.views = append(r.views, v); r.mu.Unlock() }

func (r *recorder) all() []kiosk.View {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]kiosk.View(nil), r.views...)
}

// queue is a Display that hands views to the test goroutine.
type queue chan kiosk.View

func (q queue) Render(v kiosk.View) { q <- v }

func startKiosk(t *testing.T) *kioskUnderTest {
	t.Helper()
	return startKioskWith(t, nil)
}

func startKioskWith(t *testing.T, sp ui.Speaker) *kioskUnderTest {
	t.Helper()
	kit, err := sim.NewKit(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := ui.BundledMessages()
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	var r *kiosk.Runner
	send := func(e kiosk.Event) { r.Send(e) }
	u, err := ui.New(a, w, send, ui.Options{Messages: msgs, Speaker: sp})
	if err != nil {
		t.Fatal(err)
	}
	cfg := kiosk.DefaultConfig()
	cfg.Languages = ui.Languages
	p := kit.Ports()
	views := make(chan kiosk.View, 4096)
	rec := &recorder{}
	p.Display, p.Speaker = both{queue(views), rec}, u
	r, err = kiosk.NewRunner(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	u.SetDemo(&uisim.Controls{Kit: kit, Send: r.Send})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = r.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	k := &kioskUnderTest{t: t, u: u, kit: kit, msgs: msgs, run: r, views: views, rec: rec, stop: stop}
	k.expect(kiosk.Idle)
	return k
}

// both renders on the UI and on the kit's recording screen.
type both [2]kiosk.Display

func (b both) Render(v kiosk.View) { b[0].Render(v); b[1].Render(v) }

// expect draws the machine's views until the screen shows sc.
func (k *kioskUnderTest) expect(sc kiosk.Screen) {
	k.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		if got, ok := k.u.Screen(); ok && got == sc && len(k.views) == 0 {
			return
		}
		select {
		case v := <-k.views:
			k.u.Render(v)
		case <-timeout:
			got, _ := k.u.Screen()
			k.t.Fatalf("screen is %v, want %v", got, sc)
		}
	}
}

// tap taps the target labelled with key's text in lang (or the literal text when key is not
// a message key, e.g. a keypad digit or a resident's name).
func (k *kioskUnderTest) tap(lang, key string) {
	k.t.Helper()
	text := key
	if s, err := k.msgs.Text(lang, key, nil); err == nil {
		text = s
	}
	if !k.u.TapText(text) {
		sc, _ := k.u.Screen()
		k.t.Fatalf("%s: no target %q (%s) on %v; targets %q", lang, text, key, sc, k.u.Texts())
	}
}

// tapYen inserts yen from the demo panel, whose coin buttons show the amount.
func (k *kioskUnderTest) tapYen(lang string, yen int) {
	k.t.Helper()
	k.tap(lang, strconv.Itoa(yen))
}

func (k *kioskUnderTest) typePIN(lang, pin string) {
	k.t.Helper()
	letters := false
	for _, r := range pin {
		isLetter := r >= 'A' && r <= 'Z'
		if isLetter != letters {
			if isLetter {
				k.tap(lang, "btn.letters")
			} else {
				k.tap(lang, "btn.digits")
			}
			letters = isLetter
		}
		k.tap(lang, string(r))
	}
	k.tap(lang, "btn.enter")
}

// login goes from the attract screen to the PIN, in lang, for service.
func (k *kioskUnderTest) login(lang string, svc kiosk.Service) {
	k.t.Helper()
	k.tap(lang, "btn.start") // the attract screen is in the default language
	k.expect(kiosk.ChooseLanguage)
	k.tap(lang, "language.name")
	k.expect(kiosk.Terms)
	k.tap(lang, "btn.agree")
	k.expect(kiosk.ChooseService)
	k.tap(lang, "service."+svc.String())
	k.expect(kiosk.PlaceCard)
	k.tap(lang, sim.DemoName) // demo panel: place the demo resident's card
	k.expect(kiosk.EnterPIN)
	k.typePIN(lang, sim.DemoAuthPIN)
}

// TestIssuanceByTouch taps through a whole issuance in every language: 住民票 with the head of
// household, for the resident and the spouse, two copies, paid with a 500-yen coin, with a
// receipt; the pages are printed and the change given.
func TestIssuanceByTouch(t *testing.T) {
	for _, lang := range ui.Languages {
		t.Run(lang, func(t *testing.T) {
			k := startKiosk(t)
			// The attract screen speaks the default language; its start button is in Japanese.
			k.tap("ja", "btn.start")
			k.expect(kiosk.ChooseLanguage)
			k.tap(lang, "language.name")
			k.expect(kiosk.Terms)
			k.tap(lang, "btn.agree")
			k.expect(kiosk.ChooseService)
			k.tap(lang, "service.certificates")
			k.expect(kiosk.PlaceCard)
			k.tap(lang, sim.DemoName)
			k.expect(kiosk.EnterPIN)
			k.typePIN(lang, sim.DemoAuthPIN)
			k.expect(kiosk.TakeCardBack)
			k.tap(lang, "demo.remove_card")
			k.expect(kiosk.Menu)
			k.tap(lang, "btn.issue")
			k.expect(kiosk.ChooseCertificate)
			k.tap(lang, "type.juminhyo")
			k.expect(kiosk.ChooseOptions)
			k.tap(lang, "option.household_head")
			k.tap(lang, "btn.next")
			k.expect(kiosk.ChooseMembers)
			k.tap(lang, "試験 花子")
			k.tap(lang, "btn.next")
			k.expect(kiosk.ChooseCopies)
			k.tap(lang, "btn.more")
			k.tap(lang, "btn.next")
			k.expect(kiosk.Confirm)
			k.tap(lang, "btn.confirm")
			k.expect(kiosk.Pay)
			k.tapYen(lang, 500)
			k.expect(kiosk.TakeCertificates)
			k.tap(lang, "btn.done")
			k.expect(kiosk.Receipt)
			k.tap(lang, "btn.receipt")
			k.expect(kiosk.Idle)
			k.stop()

			docs := k.kit.Printer.Docs()
			if len(docs) != 2 {
				t.Fatalf("printed %d copies, want 2", len(docs))
			}
			var asked kiosk.View
			for _, v := range k.rec.all() {
				if v.Screen == kiosk.Confirm {
					asked = v
				}
			}
			if fmt.Sprintf("%s %v %v %d %d", asked.Type, asked.Options, asked.Chosen, asked.Copies, asked.Fee) != "juminhyo [household_head] [m1 m2] 2 400" {
				t.Errorf("confirmed %s %v %v %d copies for %d yen", asked.Type, asked.Options, asked.Chosen, asked.Copies, asked.Fee)
			}
			if k.kit.Cashbox.Taken != 500 || k.kit.Cashbox.PaidOut != 100 {
				t.Errorf("cashbox took %d, paid out %d; want 500 and 100", k.kit.Cashbox.Taken, k.kit.Cashbox.PaidOut)
			}
			if n := len(k.kit.Slips.All()); n != 1 {
				t.Errorf("receipts: %d", n)
			}
		})
	}
}

// TestPINResetByTouch resets the signature PIN by touch in every language, typing the new PIN
// with the letter and digit keypads, and checks the card took it.
func TestPINResetByTouch(t *testing.T) {
	for i, lang := range ui.Languages {
		t.Run(lang, func(t *testing.T) {
			k := startKiosk(t)
			k.tap("ja", "btn.start")
			k.expect(kiosk.ChooseLanguage)
			k.tap(lang, "language.name")
			k.expect(kiosk.Terms)
			k.tap(lang, "btn.agree")
			k.expect(kiosk.ChooseService)
			k.tap(lang, "service.reset_signature_pin")
			k.expect(kiosk.PlaceCard)
			k.tap(lang, sim.DemoName)
			k.expect(kiosk.EnterPIN)
			k.typePIN(lang, sim.DemoAuthPIN)
			k.expect(kiosk.ResetReservation)
			k.tap(lang, "btn.next")
			k.expect(kiosk.ResetNewPIN)
			newPIN := fmt.Sprintf("NEW%03d", i)
			k.typePIN(lang, newPIN)
			k.expect(kiosk.ResetConfirmPIN)
			k.typePIN(lang, newPIN)
			k.expect(kiosk.ResetDone)
			k.tap(lang, "btn.done")
			k.expect(kiosk.Idle)

			k.kit.Card.Place()
			res, err := k.kit.Card.Verify(context.Background(), kiosk.SignaturePIN, []byte(newPIN))
			if err != nil || !res.OK {
				t.Fatalf("the card does not take the new signature PIN: %+v %v", res, err)
			}
		})
	}
}

type heardCue struct{ lang, key string }

type recordingSpeaker struct {
	mu   sync.Mutex
	cues []heardCue
}

func (r *recordingSpeaker) Cue(lang, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cues = append(r.cues, heardCue{lang, key})
}

// TestPINFromHardwareKeypad: the PIN typed on the hardware keypad logs in like the touch keypad,
// each key answered by the same click; nothing spoken depends on the digits.
func TestPINFromHardwareKeypad(t *testing.T) {
	sp := &recordingSpeaker{}
	k := startKioskWith(t, sp)
	k.tap("ja", "btn.start")
	k.expect(kiosk.ChooseLanguage)
	k.tap("en", "language.name")
	k.expect(kiosk.Terms)
	k.tap("en", "btn.agree")
	k.expect(kiosk.ChooseService)
	k.tap("en", "service.certificates")
	k.expect(kiosk.PlaceCard)
	k.tap("en", sim.DemoName)
	k.expect(kiosk.EnterPIN)
	sp.mu.Lock()
	sp.cues = nil
	sp.mu.Unlock()
	for _, r := range sim.DemoAuthPIN + "\n" {
		k.run.Send(kiosk.Key{Key: r, Source: kiosk.HardwareKeypad})
	}
	k.expect(kiosk.TakeCardBack)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	clicks := 0
	for _, c := range sp.cues {
		if c.lang != "en" {
			t.Errorf("cue %s in %s, screen is in English", c.key, c.lang)
		}
		if c.key == kiosk.CueKey {
			clicks++
		}
		for _, d := range sim.DemoAuthPIN {
			if strings.ContainsRune(c.key, d) {
				t.Errorf("cue %q carries a digit", c.key)
			}
		}
	}
	if clicks != len(sim.DemoAuthPIN) {
		t.Errorf("%d clicks for %d keys: %v", clicks, len(sim.DemoAuthPIN), sp.cues)
	}
}
