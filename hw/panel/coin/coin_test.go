package coin

import (
	"errors"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

const ms = time.Millisecond

// train is n pulses of width w separated by gap, as (active, at) changes from t0.
func train(t0 time.Time, n int, w, gap time.Duration) (changes []struct {
	active bool
	at     time.Time
}, end time.Time) {
	t := t0
	for range n {
		changes = append(changes, struct {
			active bool
			at     time.Time
		}{true, t})
		t = t.Add(w)
		changes = append(changes, struct {
			active bool
			at     time.Time
		}{false, t})
		t = t.Add(gap)
	}
	return changes, t
}

func TestDecoder(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	coded := Table{1: 10, 2: 50, 3: 100, 4: 500}
	for _, c := range []struct {
		name  string
		table Table
		n     int
		width time.Duration
		want  Event
	}{
		{"10 yen counted", DefaultOpts.Table, 1, 50 * ms, Event{Yen: 10, Pulses: 1}},
		{"500 yen counted", DefaultOpts.Table, 50, 50 * ms, Event{Yen: 500, Pulses: 50}},
		{"100 yen coded", coded, 3, 50 * ms, Event{Yen: 100, Pulses: 3}},
		{"3 pulses counted is no coin", DefaultOpts.Table, 3, 50 * ms, Event{Pulses: 3, Rejected: UnknownCount}},
		{"5 pulses coded is no coin", coded, 5, 50 * ms, Event{Pulses: 5, Rejected: UnknownCount}},
		{"noise pulse", coded, 2, 5 * ms, Event{Pulses: 0, Rejected: PulseTooShort}},
		{"long pulse", coded, 1, 200 * ms, Event{Pulses: 0, Rejected: PulseTooLong}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultOpts
			o.Table = c.table
			d := decoder{o: o, since: t0}
			changes, end := train(t0, c.n, c.width, 50*ms)
			for _, ch := range changes {
				if _, ok := d.tick(ch.at); ok {
					t.Fatalf("train ended early at %v", ch.at.Sub(t0))
				}
				d.change(ch.active, ch.at)
			}
			if _, ok := d.tick(end.Add(200 * ms)); ok { // 250ms idle: not yet
				t.Fatal("train ended before TrainGap")
			}
			got, ok := d.tick(end.Add(300 * ms))
			if !ok {
				t.Fatal("train did not end after TrainGap")
			}
			got.At = time.Time{}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("event %+v, want %+v", got, c.want)
			}
			if _, ok := d.tick(end.Add(time.Second)); ok {
				t.Error("second event for one train")
			}
		})
	}
}

func TestStuckLineFlaggedThenReported(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	d := decoder{o: DefaultOpts, since: t0}
	d.change(true, t0)
	d.tick(t0.Add(time.Second)) // still active a second later
	if _, ok := d.deadline(); ok {
		t.Error("a flagged stuck pulse keeps asking for ticks")
	}
	d.change(false, t0.Add(5*time.Second))
	e, ok := d.tick(t0.Add(6 * time.Second))
	if !ok || e.Rejected != PulseTooLong || e.Yen != 0 {
		t.Errorf("stuck line gave %+v, %v", e, ok)
	}
}

func TestCoinsFromPin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &gpiotest.Pin{N: "COIN", EdgesChan: make(chan gpio.Level)}
		d, err := New(p, &Opts{Table: Table{1: 10, 2: 50, 3: 100, 4: 500}})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Halt()
		pulses := func(n int, w time.Duration) {
			for range n {
				p.EdgesChan <- gpio.Low // active-low
				time.Sleep(w)
				p.EdgesChan <- gpio.High
				time.Sleep(50 * ms)
			}
			time.Sleep(time.Second)
		}
		pulses(3, 50*ms)
		pulses(4, 50*ms)
		pulses(2, 3*ms)
		pulses(6, 50*ms)
		synctest.Wait()
		var got []Event
		for len(d.Events()) > 0 {
			e := <-d.Events()
			e.At = time.Time{}
			got = append(got, e)
		}
		want := []Event{
			{Yen: 100, Pulses: 3},
			{Yen: 500, Pulses: 4},
			{Rejected: PulseTooShort},
			{Pulses: 6, Rejected: UnknownCount},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("events %+v\nwant   %+v", got, want)
		}
	})
}

func TestBadOpts(t *testing.T) {
	pin := &gpiotest.Pin{N: "COIN", EdgesChan: make(chan gpio.Level)}
	for _, o := range []Opts{
		{PulseMin: 100 * ms, PulseMax: 50 * ms},
		{PulseMax: 400 * ms, TrainGap: 300 * ms},
		{Table: Table{}},
		{Table: Table{0: 10}},
		{Table: Table{1: -10}},
	} {
		if _, err := New(pin, &o); !errors.Is(err, ErrBadOpts) {
			t.Errorf("New(%+v) = %v, want ErrBadOpts", o, err)
		}
	}
}

func TestLinearTable(t *testing.T) {
	got := LinearTable(10, 10, 50, 100, 500)
	want := Table{1: 10, 5: 50, 10: 100, 50: 500}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LinearTable = %v, want %v", got, want)
	}
}
