package sensor

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func newPin() *gpiotest.Pin {
	return &gpiotest.Pin{N: "CARD_SENSE", Num: 4, EdgesChan: make(chan gpio.Level)}
}

// edges feeds levels with the given gaps between them, as a bouncing contact would.
func edges(p *gpiotest.Pin, gap time.Duration, levels ...gpio.Level) {
	for _, l := range levels {
		p.EdgesChan <- l
		time.Sleep(gap)
	}
}

func drain(ch <-chan Event) []Event {
	var got []Event
	for {
		select {
		case e := <-ch:
			got = append(got, e)
		default:
			return got
		}
	}
}

func TestBouncingContactGivesOneEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPin()
		d, err := New(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Halt()
		if d.Active() {
			t.Fatal("pulled-up idle line reads as card present")
		}
		edges(p, 2*time.Millisecond, gpio.Low, gpio.High, gpio.Low, gpio.High, gpio.Low)
		time.Sleep(19 * time.Millisecond) // 21ms after the last edge
		synctest.Wait()
		got := drain(d.Events())
		if len(got) != 1 || !got[0].Active || got[0].Kind != CardPresent {
			t.Fatalf("events = %+v, want one card-present", got)
		}
		if !d.Active() {
			t.Error("Active() = false after insertion")
		}
		edges(p, 1*time.Millisecond, gpio.High, gpio.Low, gpio.High)
		time.Sleep(30 * time.Millisecond)
		synctest.Wait()
		if got := drain(d.Events()); len(got) != 1 || got[0].Active {
			t.Fatalf("events after removal = %+v, want one inactive", got)
		}
	})
}

func TestGlitchShorterThanSettleIsIgnored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPin()
		d, err := New(p, &Opts{Kind: DoorOpen, Settle: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Halt()
		edges(p, 5*time.Millisecond, gpio.Low, gpio.High) // 5ms low spike, then back
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		if got := drain(d.Events()); len(got) != 0 {
			t.Fatalf("glitch produced events %+v", got)
		}
	})
}

func TestMissedEdgeIsCaughtByPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPin()
		d, err := New(p, &Opts{Kind: PaperOut, Poll: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Halt()
		p.Lock()
		p.L = gpio.Low // level changed, no edge delivered
		p.Unlock()
		time.Sleep(150 * time.Millisecond)
		synctest.Wait()
		got := drain(d.Events())
		if len(got) != 1 || !got[0].Active || got[0].Kind != PaperOut {
			t.Fatalf("events = %+v, want one paper-out", got)
		}
	})
}

func TestActiveHighAndInitialState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPin()
		d, err := New(p, &Opts{Kind: MaintenanceKey, ActiveHigh: true})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Halt()
		if p.P != gpio.PullDown {
			t.Errorf("active-high input pull = %v, want PullDown", p.P)
		}
		if d.Active() {
			t.Error("pulled-down active-high line reads active")
		}
		edges(p, 0, gpio.High)
		time.Sleep(50 * time.Millisecond)
		synctest.Wait()
		if got := drain(d.Events()); len(got) != 1 || !got[0].Active || got[0].Kind != MaintenanceKey {
			t.Fatalf("events = %+v, want maintenance key on", got)
		}
	})
}

func TestHaltClosesEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, err := New(newPin(), &Opts{Kind: TrayOut})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		if _, ok := <-d.Events(); ok {
			t.Error("Events still open after Halt")
		}
		if err := d.Halt(); err != nil {
			t.Errorf("second Halt: %v", err)
		}
	})
}

func TestNewNeedsKindAndEdgeCapablePin(t *testing.T) {
	if _, err := New(newPin(), &Opts{}); !errors.Is(err, ErrNoKind) {
		t.Errorf("New without kind = %v, want ErrNoKind", err)
	}
	// A gpiotest pin without EdgesChan refuses edge detection, as a line without IRQ would.
	if _, err := New(&gpiotest.Pin{N: "X"}, &Opts{Kind: DoorOpen}); err == nil {
		t.Error("New accepted a pin that cannot detect edges")
	}
}
