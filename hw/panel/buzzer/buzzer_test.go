package buzzer

import (
	"errors"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"certkiosk/hw/panel/internal/pintest"
	"periph.io/x/conn/v3/gpio"
)

const ms = time.Millisecond

func TestErrorPatternOnTheLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pintest.NewRecorder("BUZZER")
		d, err := New(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Halt()
		p.Reset()
		if err := d.Error(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		log := p.Log()
		got := pintest.Steps(log, log[len(log)-1].At)
		want := []pintest.Step{{L: gpio.High, D: 80 * ms}, {L: gpio.Low, D: 80 * ms}, {L: gpio.High, D: 80 * ms}, {L: gpio.Low, D: 80 * ms}, {L: gpio.High, D: 80 * ms}, {L: gpio.Low, D: 0}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("steps = %v\nwant    %v", got, want)
		}
	})
}

func TestClicksQueueInOrderAndOverflowIsAnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pintest.NewRecorder("BUZZER")
		d, err := New(p, &Opts{ActiveLow: true, Queue: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Halt()
		p.Reset()
		if err := d.Beep(); err != nil { // taken by the player at once
			t.Fatal(err)
		}
		synctest.Wait()
		if err := d.Click(); err != nil {
			t.Fatal(err)
		}
		if err := d.Click(); err != nil {
			t.Fatal(err)
		}
		if err := d.Click(); !errors.Is(err, ErrBusy) {
			t.Fatalf("third queued click = %v, want ErrBusy", err)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		log := p.Log()
		got := pintest.Steps(log, log[len(log)-1].At)
		// Active-low: Low is sound. Beep 150ms, then two 15ms clicks back to back.
		want := []pintest.Step{{L: gpio.Low, D: 150 * ms}, {L: gpio.High, D: 0}, {L: gpio.Low, D: 15 * ms}, {L: gpio.High, D: 0}, {L: gpio.Low, D: 15 * ms}, {L: gpio.High, D: 0}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("steps = %v\nwant    %v", got, want)
		}
	})
}

func TestHaltSilencesMidPattern(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pintest.NewRecorder("BUZZER")
		d, _ := New(p, nil)
		d.Play(Pattern{{true, time.Hour}})
		time.Sleep(time.Second)
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		if p.Read() != gpio.Low {
			t.Error("buzzer still sounding after Halt")
		}
		if err := d.Beep(); !errors.Is(err, ErrHalted) {
			t.Errorf("Beep after Halt = %v, want ErrHalted", err)
		}
	})
}

func TestBadPatternRejected(t *testing.T) {
	if _, err := New(pintest.NewRecorder("B"), &Opts{Click: Pattern{{true, 0}}}); err == nil {
		t.Error("zero-length step accepted")
	}
}
