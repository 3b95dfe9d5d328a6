package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"certkiosk/kiosk"
	"certkiosk/kiosk/center/server"
	"certkiosk/ui"
)

// viewQueue is a Display that hands the machine's views to the test goroutine: fyne's test
// driver runs fyne.Do on the caller's goroutine, so the test goroutine plays fyne's one UI
// goroutine and draws them.
type viewQueue chan kiosk.View

func (q viewQueue) Render(v kiosk.View) { q <- v }

// demoTouch is a person at the demo window: they read the screen and tap what it says.
type demoTouch struct {
	t     *testing.T
	u     *ui.UI
	msgs  *ui.Messages
	views viewQueue
	last  kiosk.View
}

func (p *demoTouch) expect(sc kiosk.Screen) {
	p.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		if got, ok := p.u.Screen(); ok && got == sc && len(p.views) == 0 {
			return
		}
		select {
		case v := <-p.views:
			p.last = v
			p.u.Render(v)
		case <-timeout:
			got, _ := p.u.Screen()
			p.t.Fatalf("screen is %v (outcome %q), want %v", got, p.last.Outcome.Key, sc)
		}
	}
}

// tap taps what shows key's text in lang (or the literal text: a key, a resident's label).
func (p *demoTouch) tap(lang, key string, data map[string]any) {
	p.t.Helper()
	text := key
	if s, err := p.msgs.Text(lang, key, data); err == nil {
		text = s
	}
	obj := p.u.Target(text)
	if obj == nil {
		sc, _ := p.u.Screen()
		p.t.Fatalf("%s: no target %q (%s) on %v; targets %q", lang, text, key, sc, p.u.Texts())
	}
	test.Tap(obj)
}

func (p *demoTouch) typePIN(lang, pin string) {
	p.t.Helper()
	letters := false
	for _, r := range pin {
		if isLetter := r >= 'A' && r <= 'Z'; isLetter != letters {
			if isLetter {
				p.tap(lang, "btn.letters", nil)
			} else {
				p.tap(lang, "btn.digits", nil)
			}
			letters = isLetter
		}
		p.tap(lang, string(r), nil)
	}
	p.tap(lang, "btn.enter", nil)
}

// begin goes from the attract screen (in the default language) to the PIN, in lang, for svc.
func (p *demoTouch) begin(lang string, svc kiosk.Service, card string) {
	p.t.Helper()
	p.expect(kiosk.Idle)
	p.tap("ja", "btn.start", nil)
	p.expect(kiosk.ChooseLanguage)
	p.tap(lang, "language.name", nil)
	p.expect(kiosk.Terms)
	p.tap(lang, "btn.agree", nil)
	p.expect(kiosk.ChooseService)
	p.tap(lang, "service."+svc.String(), nil)
	p.expect(kiosk.PlaceCard)
	p.tap(lang, card, nil) // the demo panel: place the resident's card
	p.expect(kiosk.EnterPIN)
	p.typePIN(lang, "1234")
}

// TestDemoWindowByTouch is the demo window a person opens with the README's first command —
// the touch screen on the demo's embedded center (mutual TLS), simulated card, cashbox, page
// printer and outbox, with the demo panel — drawn in fyne's test driver. In every language, one
// after the other on the same kiosk, it taps through a whole issuance paid with a coin from the
// panel, and a signature-PIN reset reserved in the panel's smartphone app; before the first
// reservation, the reset is refused with what to do.
func TestDemoWindowByTouch(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280+ui.DemoPanelWidth(0), 800))
	views := make(viewQueue, 4096)
	msgs, err := ui.BundledMessages()
	if err != nil {
		t.Fatal(err)
	}
	k, err := newDemoKiosk(a, w, demoKioskOptions{Dir: t.TempDir(), UI: ui.Options{Messages: msgs},
		Display: func(*ui.UI) kiosk.Display { return views }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- k.d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		k.d.Close()
	})
	rs := demoControls{d: k.d, residents: mustResidents(t, k)}.Residents()
	card := rs[0].Label
	p := &demoTouch{t: t, u: k.u, msgs: msgs, views: views}

	t.Run("reset without a reservation", func(t *testing.T) {
		p.t = t
		p.begin("ja", kiosk.ServiceResetSignaturePIN, card)
		p.expect(kiosk.Outcome)
		if o := p.last.Outcome; o.Key != "refusal.reservation_not_found" || o.Next != kiosk.NextReserveInApp {
			t.Fatalf("outcome %+v, want no reservation, reserve in the app", o)
		}
		p.tap("ja", "demo.remove_card", nil)
		p.tap("ja", "btn.done", nil)
		p.expect(kiosk.Idle)
	})

	for i, lang := range ui.Languages {
		t.Run(lang, func(t *testing.T) {
			p.t = t
			// An issuance: 住民票の写し for the resident, one copy (200 yen), paid with 500 yen.
			p.begin(lang, kiosk.ServiceCertificates, card)
			p.expect(kiosk.TakeCardBack)
			p.tap(lang, "demo.remove_card", nil)
			p.expect(kiosk.Menu)
			p.tap(lang, "btn.issue", nil)
			p.expect(kiosk.ChooseCertificate)
			p.tap(lang, "type.juminhyo", nil)
			p.expect(kiosk.ChooseOptions)
			p.tap(lang, "btn.next", nil)
			p.expect(kiosk.ChooseMembers)
			p.tap(lang, "btn.next", nil)
			p.expect(kiosk.ChooseCopies)
			p.tap(lang, "btn.next", nil)
			p.expect(kiosk.Confirm)
			p.tap(lang, "btn.confirm", nil)
			p.expect(kiosk.Pay)
			p.tap(lang, "500", nil) // the demo panel's coin
			p.expect(kiosk.TakeCertificates)
			p.tap(lang, "btn.done", nil)
			p.expect(kiosk.Receipt)
			p.tap(lang, "btn.no_receipt", nil)
			p.expect(kiosk.Idle)
			jobs, err := filepath.Glob(filepath.Join(k.d.PagesDir, "job-*"))
			if err != nil || len(jobs) != i+1 {
				t.Fatalf("printed jobs %d, want %d (%v)", len(jobs), i+1, err)
			}
			if pages, _ := filepath.Glob(filepath.Join(jobs[len(jobs)-1], "page-*.png")); len(pages) == 0 {
				t.Fatal("the job has no page")
			}
			if got := k.d.Cashbox.Taken; got != 500*(i+1) {
				t.Fatalf("cashbox took %d, want %d", got, 500*(i+1))
			}

			// A signature-PIN reset, reserved on the panel's smartphone app (the attract screen
			// and its panel are in the default language).
			p.tap("ja", "demo.reserve.reset_signature_pin", nil)
			p.begin(lang, kiosk.ServiceResetSignaturePIN, card)
			p.expect(kiosk.ResetReservation)
			p.tap(lang, "btn.next", nil)
			p.expect(kiosk.ResetNewPIN)
			newPIN := fmt.Sprintf("NEW%03d", i)
			p.typePIN(lang, newPIN)
			p.expect(kiosk.ResetConfirmPIN)
			p.typePIN(lang, newPIN)
			p.expect(kiosk.ResetDone)
			p.tap(lang, "demo.remove_card", nil)
			p.expect(kiosk.Idle)
			waitResets(t, k, i+1)
		})
	}
}

func mustResidents(t *testing.T, k *demoKiosk) []server.ResidentCase {
	t.Helper()
	rs, err := k.d.Residents()
	if err != nil || len(rs) == 0 {
		t.Fatalf("demo residents: %d, %v", len(rs), err)
	}
	return rs
}

// waitResets waits until the center has n successful reset results, delivered through the
// kiosk's outbox.
func waitResets(t *testing.T, k *demoKiosk, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rs, err := k.d.Center.ResetResults()
		if err != nil {
			t.Fatal(err)
		}
		ok := 0
		for _, r := range rs {
			if r == "ok" {
				ok++
			}
		}
		if ok == n && len(rs) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("reset results at the center %v, want %d ok", rs, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
