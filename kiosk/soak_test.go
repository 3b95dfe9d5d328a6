package kiosk_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"certkiosk/internal/testenv"
	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/sim"
)

// forget drops the states already looked at, so a long soak does not keep them all.
func (h *harness) forget() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.states = append([]kiosk.State(nil), h.states[h.seen:]...)
	h.events = append([]kiosk.Event(nil), h.events[h.seen:]...)
	h.seen = 0
}

// TestSoakRunner runs whole sessions one after another through the real Runner and the simulated
// ports on a fake clock: issuances with random copies and coins, wrong PINs, cancels, timeouts,
// printer faults, a center that is down, PIN resets. After each the kiosk must be idle, every
// yen accounted for, every printed copy the logged-in resident's. 200 sessions by default,
// 10,000 with KIOSK_LONG=1.
func TestSoakRunner(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 30
	}
	if testenv.Long() {
		n = 10000
	}
	h := newHarness(t, nil)
	rng := rand.New(rand.NewPCG(7, 11))
	start := time.Now()
	counts := map[string]int{}
	printed, owed := 0, 0
	for i := range n {
		kind := []string{"issue", "issue", "issue", "wrong_pin", "cancel", "timeout", "printer_fault", "center_down", "reset"}[rng.IntN(9)]
		counts[kind]++
		h.kind = fmt.Sprintf("session %d %s", i, kind)
		h.soakSession(rng, kind)
		s := h.waitIdleAcking() // reached only once every payout is answered
		if s.Totals.Owed > owed {
			counts["owed"]++
			owed = s.Totals.Owed
		}
		if s.Screen != kiosk.Idle || !s.Ledger.Balanced() || len(s.Payouts) != 0 || !s.Totals.Balanced() {
			t.Fatalf("session %d (%s): screen %s ledger %+v totals %+v", i, kind, s.Screen, s.Ledger, s.Totals)
		}
		if s.Totals.In != h.k.Cashbox.Taken || s.Totals.Change+s.Totals.Refunded != h.k.Cashbox.PaidOut {
			t.Fatalf("session %d: totals %+v, cashbox took %d paid %d", i, s.Totals, h.k.Cashbox.Taken, h.k.Cashbox.PaidOut)
		}
		if s.Tx.ID != "" {
			t.Fatalf("session %d: transaction left", i)
		}
		for _, d := range h.k.Printer.Docs() {
			if d.Content().Persons[0].Fields[0].Value != sim.DemoName {
				t.Fatalf("printed someone else's document")
			}
		}
		printed += len(h.k.Printer.Docs())
		h.k.Printer.Printed = nil
		h.forget()
	}
	el := time.Since(start)
	t.Logf("%d sessions in %v (%.2f ms/session): %v; %d copies printed; %d outbox records",
		n, el.Round(time.Millisecond), float64(el.Microseconds())/1000/float64(n), counts, printed, len(h.k.Outbox.All()))
}

// waitIdleAcking waits for Idle, acknowledging an outcome screen on the way (the cashbox's float
// runs dry now and then: the owed refund is shown before Idle).
func (h *harness) waitIdleAcking() kiosk.State {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		h.mu.Lock()
		for h.seen < len(h.states) {
			s := h.states[h.seen]
			h.seen++
			switch s.Screen {
			case kiosk.Idle:
				h.mu.Unlock()
				return s
			case kiosk.Outcome:
				go h.tap(kiosk.BtnDone)
			}
		}
		h.mu.Unlock()
		select {
		case <-h.signal:
		case <-deadline:
			h.t.Fatalf("%s: not idle within 5s", h.kind)
		}
	}
}

func (h *harness) soakSession(rng *rand.Rand, kind string) {
	h.t.Helper()
	k := h.k
	switch kind {
	case "issue":
		h.login()
		h.tap(kiosk.BtnIssue)
		h.tap(kiosk.BtnChooseType, document.TypeInkan)
		h.wait(kiosk.ChooseCopies)
		for range rng.IntN(3) {
			h.tap(kiosk.BtnMore)
		}
		h.tap(kiosk.BtnNext)
		h.tap(kiosk.BtnConfirm)
		pay := h.wait(kiosk.Pay)
		for paid := 0; paid < pay.Ledger.Due; {
			y := []int{10, 50, 100, 500, 1000}[rng.IntN(5)]
			paid += y
			h.send(k.Cashbox.Insert(y))
		}
		h.wait(kiosk.TakeCertificates)
		h.tap(kiosk.BtnDone)
		h.tap([]kiosk.Button{kiosk.BtnReceipt, kiosk.BtnNoReceipt}[rng.IntN(2)])
	case "wrong_pin":
		reachPlace(h)
		k.Card.Place()
		h.send(kiosk.CardPlaced{})
		h.wait(kiosk.EnterPIN)
		h.keys("0000\n")
		h.wait(kiosk.Verifying)
		h.wait(kiosk.EnterPIN)
		h.keys(sim.DemoAuthPIN + "\n")
		h.wait(kiosk.TakeCardBack)
		k.Card.Remove()
		h.send(kiosk.CardRemoved{})
		h.wait(kiosk.Menu)
		h.tap(kiosk.BtnCancel)
	case "cancel":
		h.toPay(2)
		h.send(k.Cashbox.Insert(100))
		h.tap(kiosk.BtnCancel)
		h.wait(kiosk.Outcome)
		h.tap(kiosk.BtnDone)
	case "timeout":
		h.login()
		h.tap(kiosk.BtnIssue)
		// The Runner arms a screen's timer before the screen is observed: no need to settle.
		h.wait(kiosk.ChooseCertificate)
		k.Clock.Advance(h.cfg.Inactivity)
		h.wait(kiosk.TimeoutWarning)
		k.Clock.Advance(h.cfg.Warning)
		h.wait(kiosk.Outcome)
		k.Clock.Advance(h.cfg.Hold)
	case "printer_fault":
		k.Printer.FaultAt(1, "jam")
		h.toPay(1)
		h.send(k.Cashbox.Insert(500))
		h.wait(kiosk.Outcome)
		k.Clock.Advance(h.cfg.Hold)
		h.wait(kiosk.OutOfService)
		h.send(kiosk.ServiceChanged{Flag: kiosk.FlagPrinterFault})
	case "center_down":
		k.Center.Set(func(c *sim.Center) { c.Down = true })
		reachPlace(h)
		k.Card.Place()
		h.send(kiosk.CardPlaced{})
		h.wait(kiosk.EnterPIN)
		h.keys(sim.DemoAuthPIN + "\n")
		h.wait(kiosk.Outcome)
		k.Center.Set(func(c *sim.Center) { c.Down = false })
		k.Card.Remove()
		h.send(kiosk.CardRemoved{})
		h.tap(kiosk.BtnDone)
	case "reset":
		k.Center.Set(func(*sim.Center) {
			k.Resident.Reservation = &kiosk.Reservation{ID: "rsv", PIN: kiosk.SignaturePIN, Expires: k.Clock.Now().Add(time.Hour)}
		})
		h.tap(kiosk.BtnStart)
		h.tap(kiosk.BtnLanguage, "ja")
		h.tap(kiosk.BtnAgree)
		h.tap(kiosk.BtnService, kiosk.ServiceResetSignaturePIN.String())
		h.wait(kiosk.PlaceCard)
		k.Card.Place()
		h.send(kiosk.CardPlaced{})
		h.wait(kiosk.EnterPIN)
		h.keys(sim.DemoAuthPIN + "\n")
		h.wait(kiosk.ResetReservation)
		h.tap(kiosk.BtnNext)
		h.keys("SOAK42\n")
		h.wait(kiosk.ResetConfirmPIN)
		h.keys("SOAK42\n")
		h.wait(kiosk.ResetDone)
		k.Card.Remove()
		h.send(kiosk.CardRemoved{})
	}
}
