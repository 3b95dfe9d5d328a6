package tray

import (
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func newPin() *gpiotest.Pin {
	return &gpiotest.Pin{N: "TRAY", Num: 17, EdgesChan: make(chan gpio.Level, 16)}
}

func next(t *testing.T, ch <-chan bool) bool {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("watch closed")
		}
		return v
	case <-time.After(3 * time.Second):
		t.Fatal("no tray event")
	}
	return false
}

func TestWatchReportsPaperInAndOut(t *testing.T) {
	pin := newPin()
	d, err := New(pin, &Opts{Debounce: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if pin.P != gpio.PullUp {
		t.Fatalf("pull %v, want up", pin.P)
	}
	ch := d.Watch()
	if next(t, ch) {
		t.Fatal("empty tray reported occupied")
	}
	pin.EdgesChan <- gpio.Low // paper lands
	if !next(t, ch) || !d.Occupied() {
		t.Fatal("paper not reported")
	}
	// A bouncing removal: only the settled level counts.
	pin.EdgesChan <- gpio.High
	pin.EdgesChan <- gpio.Low
	pin.EdgesChan <- gpio.High
	if next(t, ch) {
		t.Fatal("removal not reported")
	}
	select {
	case v := <-ch:
		t.Fatalf("bounce produced an extra event %v", v)
	case <-time.After(50 * time.Millisecond):
	}
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-ch; ok {
		t.Fatal("channel open after Halt")
	}
}

func TestActiveHigh(t *testing.T) {
	pin := newPin()
	d, err := New(pin, &Opts{ActiveHigh: true, Pull: gpio.PullDown})
	if err != nil {
		t.Fatal(err)
	}
	if d.Occupied() {
		t.Fatal("pulled-down active-high sensor reads occupied")
	}
	pin.Lock()
	pin.L = gpio.High
	pin.Unlock()
	if !d.Occupied() {
		t.Fatal("high line not occupied")
	}
}

func TestNewFailsWithoutEdgeSupport(t *testing.T) {
	if _, err := New(&gpiotest.Pin{N: "X"}, nil); err == nil {
		t.Fatal("a pin without edge detection accepted")
	}
}
