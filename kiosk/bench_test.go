package kiosk_test

import (
	"context"
	"testing"

	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/sim"
)

// The firmware's own time per login and per issuance, outside card and network (target ≤ 20 ms,
// design.md): the pure machine alone, and the Runner with instant simulated ports (which adds
// goroutines, channels, the simulated card and center, and Ed25519 sealing and verification of
// the envelope).

// loginEvents walks idle → menu against a world whose ports answer at once.
func benchLogin(b *testing.B, w *world) {
	for _, e := range []kiosk.Event{kiosk.Tap{Button: kiosk.BtnStart}, kiosk.Tap{Button: kiosk.BtnLanguage, Arg: "ja"},
		kiosk.Tap{Button: kiosk.BtnAgree}, kiosk.Tap{Button: kiosk.BtnService, Arg: "certificates"}} {
		w.step(e)
	}
	w.on = w.cards[0]
	w.on.Place()
	w.step(kiosk.CardPlaced{})
	w.flush()
	for _, e := range keysOf(sim.DemoAuthPIN + "\n") {
		w.step(e)
	}
	w.flush()
	w.on.Remove()
	w.on = nil
	w.step(kiosk.CardRemoved{})
	if w.s.Screen != kiosk.Menu {
		b.Fatalf("login ended on %s", w.s.Screen)
	}
}

// flush delivers every queued answer in order.
func (w *world) flush() {
	for len(w.queue) > 0 {
		e := w.queue[0]
		w.queue = w.queue[1:]
		w.step(e)
	}
}

func benchIssue(b *testing.B, w *world) {
	for _, e := range []kiosk.Event{kiosk.Tap{Button: kiosk.BtnIssue}, kiosk.Tap{Button: kiosk.BtnChooseType, Arg: document.TypeInkan},
		kiosk.Tap{Button: kiosk.BtnNext}, kiosk.Tap{Button: kiosk.BtnConfirm}} {
		w.step(e)
	}
	w.flush()
	w.step(kiosk.MoneyIn{Yen: 500})
	w.flush()
	w.step(kiosk.Tap{Button: kiosk.BtnDone})
	w.step(kiosk.Tap{Button: kiosk.BtnNoReceipt})
	w.flush()
	if w.s.Screen != kiosk.Idle {
		b.Fatalf("issuance ended on %s", w.s.Screen)
	}
}

// BenchmarkStepLogin is the machine with synchronous simulated ports (no goroutines): one login.
func BenchmarkStepLogin(b *testing.B) {
	w := newWorld(b, 1)
	w.rng = nil
	b.ResetTimer()
	for b.Loop() {
		benchLogin(b, w)
		w.step(kiosk.Tap{Button: kiosk.BtnCancel})
		w.flush()
	}
}

// BenchmarkStepIssuance is login plus one issued, paid and printed copy.
func BenchmarkStepIssuance(b *testing.B) {
	w := newWorld(b, 1)
	w.rng = nil
	for b.Loop() {
		benchLogin(b, w)
		benchIssue(b, w)
	}
}

// BenchmarkStepOnlyIssuance replays the events of one login and issuance into Step alone: the
// machine's own time, without any port.
func BenchmarkStepOnlyIssuance(b *testing.B) {
	w := newWorld(b, 1)
	w.rng = nil
	start := w.s
	w.tracing = true
	benchLogin(b, w)
	benchIssue(b, w)
	events := w.trace
	b.ResetTimer()
	for b.Loop() {
		s := start
		for _, e := range events {
			s, _ = kiosk.Step(s, e)
		}
		if s.Screen != kiosk.Idle || s.Ledger.Spent != 200 {
			b.Fatalf("replay ended on %s, spent %d", s.Screen, s.Ledger.Spent)
		}
	}
	b.ReportMetric(float64(len(events)), "events/op")
}

// BenchmarkRunnerIssuance is a whole session through the Runner's goroutine and the simulated
// ports, on a fake clock.
func BenchmarkRunnerIssuance(b *testing.B) {
	k, err := sim.NewKit(t0)
	if err != nil {
		b.Fatal(err)
	}
	p := k.Ports()
	p.Display, p.Speaker = nopScreen{}, nopScreen{}
	r, err := kiosk.NewRunner(kiosk.DefaultConfig(), p)
	if err != nil {
		b.Fatal(err)
	}
	screens := make(chan kiosk.Screen, 1024)
	r.Observe(func(_ kiosk.Event, s kiosk.State, _ []kiosk.Effect) { screens <- s.Screen })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()
	await := func(sc kiosk.Screen) {
		for s := range screens {
			if s == sc {
				return
			}
		}
	}
	for b.Loop() {
		for _, e := range []kiosk.Event{kiosk.Tap{Button: kiosk.BtnStart}, kiosk.Tap{Button: kiosk.BtnLanguage, Arg: "ja"},
			kiosk.Tap{Button: kiosk.BtnAgree}, kiosk.Tap{Button: kiosk.BtnService, Arg: "certificates"}} {
			r.Send(e)
		}
		k.Card.Place()
		r.Send(kiosk.CardPlaced{})
		await(kiosk.EnterPIN)
		for _, e := range keysOf(sim.DemoAuthPIN + "\n") {
			r.Send(e)
		}
		await(kiosk.TakeCardBack)
		k.Card.Remove()
		r.Send(kiosk.CardRemoved{})
		for _, e := range []kiosk.Event{kiosk.Tap{Button: kiosk.BtnIssue}, kiosk.Tap{Button: kiosk.BtnChooseType, Arg: document.TypeInkan},
			kiosk.Tap{Button: kiosk.BtnNext}, kiosk.Tap{Button: kiosk.BtnConfirm}} {
			r.Send(e)
		}
		await(kiosk.Pay)
		r.Send(k.Cashbox.Insert(200))
		await(kiosk.TakeCertificates)
		r.Send(kiosk.Tap{Button: kiosk.BtnDone})
		r.Send(kiosk.Tap{Button: kiosk.BtnNoReceipt})
		await(kiosk.Idle)
	}
}

type nopScreen struct{}

func (nopScreen) Render(kiosk.View) {}
func (nopScreen) Cue(string)        {}
