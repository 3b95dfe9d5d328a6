package led

import (
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"certkiosk/hw/panel/internal/pintest"
	"periph.io/x/conn/v3/gpio"
)

func levels(log []pintest.Change) []gpio.Level {
	var l []gpio.Level
	for _, c := range log {
		l = append(l, c.L)
	}
	return l
}

func TestSteadyAndActiveLow(t *testing.T) {
	p := pintest.NewRecorder("SLOT_LED")
	d, err := New(p, &Opts{ActiveLow: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Set(On); err != nil {
		t.Fatal(err)
	}
	if err := d.Set(On); err != nil { // no second write
		t.Fatal(err)
	}
	if err := d.Set(Off); err != nil {
		t.Fatal(err)
	}
	want := []gpio.Level{gpio.High, gpio.Low, gpio.High} // off at New, on, off
	if got := levels(p.Log()); !reflect.DeepEqual(got, want) {
		t.Errorf("levels = %v, want %v", got, want)
	}
}

func TestBlinkTimingAndHalt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pintest.NewRecorder("SLOT_LED")
		d, err := New(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.Reset()
		start := time.Now()
		if err := d.Set(Blink); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2100 * time.Millisecond)
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		log := p.Log()
		// on at 0, off 0.5, on 1.0, off 1.5, on 2.0, then off by Halt at 2.1.
		want := []gpio.Level{gpio.High, gpio.Low, gpio.High, gpio.Low, gpio.High, gpio.Low}
		if got := levels(log); !reflect.DeepEqual(got, want) {
			t.Fatalf("levels = %v, want %v", got, want)
		}
		for i, at := range []time.Duration{0, 500, 1000, 1500, 2000, 2100} {
			if got := log[i].At.Sub(start); got != at*time.Millisecond {
				t.Errorf("change %d at %v, want %v", i, got, at*time.Millisecond)
			}
		}
		if err := d.Set(On); err == nil {
			t.Error("Set after Halt succeeded")
		}
	})
}

func TestSwitchingBlinkRates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pintest.NewRecorder("SLOT_LED")
		d, _ := New(p, nil)
		defer d.Halt()
		d.Set(FastBlink)
		time.Sleep(300 * time.Millisecond) // toggles at 125, 250
		d.Set(On)
		time.Sleep(time.Second) // the old blinker must be gone
		synctest.Wait()
		log := p.Log()
		if got := log[len(log)-1].L; got != gpio.High || d.Mode() != On {
			t.Errorf("after switching to On: last level %v mode %v", got, d.Mode())
		}
		if n := len(log); n != 5 { // New off, fast on, off, on, steady on
			t.Errorf("%d writes, want 5: %v", n, levels(log))
		}
	})
}
