package main

import (
	"testing"
	"time"

	"certkiosk/kiosk"
)

// TestIdleTrim: the attract screen schedules one trim after the delay; any screen shown before
// it fires cancels it; back at the attract screen it is scheduled again.
func TestIdleTrim(t *testing.T) {
	type pending struct {
		d       time.Duration
		f       func()
		stopped bool
	}
	var timers []*pending
	freed := 0
	tr := &idleTrim{delay: 3 * time.Second, free: func() { freed++ },
		after: func(d time.Duration, f func()) func() bool {
			p := &pending{d: d, f: f}
			timers = append(timers, p)
			return func() bool { was := !p.stopped; p.stopped = true; return was }
		}}

	tr.Shown(kiosk.View{Screen: kiosk.Idle}, "ja")
	if len(timers) != 1 || timers[0].d != 3*time.Second {
		t.Fatalf("attract screen: timers %+v, want one of 3 s", timers)
	}
	tr.Shown(kiosk.View{Screen: kiosk.ChooseLanguage}, "ja")
	if !timers[0].stopped || len(timers) != 1 {
		t.Fatalf("a session screen did not cancel the trim: %+v", timers)
	}
	tr.Shown(kiosk.View{Screen: kiosk.Terms}, "zh")
	tr.Shown(kiosk.View{Screen: kiosk.Idle}, "ja")
	if len(timers) != 2 || timers[1].stopped {
		t.Fatalf("back at the attract screen: timers %+v, want a second pending one", timers)
	}
	timers[1].f()
	if freed != 1 {
		t.Errorf("freed %d times, want 1", freed)
	}
	// The attract screen rebuilt (a preference reset, a language shown): one trim pending, not two.
	tr.Shown(kiosk.View{Screen: kiosk.Idle}, "ja")
	tr.Shown(kiosk.View{Screen: kiosk.Idle}, "ja")
	if len(timers) != 4 || !timers[2].stopped || timers[3].stopped {
		t.Errorf("rebuilt attract screen: want only the last trim pending, got %+v", timers)
	}
}
