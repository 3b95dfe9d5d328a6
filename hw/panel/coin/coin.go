package coin

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"certkiosk/hw/panel"
	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
)

// Table maps a train's pulse count to its value in yen.
type Table map[int]int

// LinearTable is the table of an acceptor that sends one pulse per yenPerPulse, accepting
// the given coins.
func LinearTable(yenPerPulse int, coins ...int) Table {
	t := Table{}
	for _, c := range coins {
		t[c/yenPerPulse] = c
	}
	return t
}

// Reason says why a train was rejected.
type Reason int

const (
	PulseTooShort Reason = iota + 1 // a pulse shorter than PulseMin: noise or a wrong setting
	PulseTooLong                    // a pulse longer than PulseMax: stuck line or wrong setting
	UnknownCount                    // the pulse count is not in the table
)

func (r Reason) String() string {
	switch r {
	case PulseTooShort:
		return "pulse-too-short"
	case PulseTooLong:
		return "pulse-too-long"
	case UnknownCount:
		return "unknown-pulse-count"
	}
	return fmt.Sprintf("coin-reason(%d)", int(r))
}

// Event is one pulse train: a coin of Yen, or (Rejected != 0) a malformed train.
type Event struct {
	Yen      int
	Pulses   int
	Rejected Reason
	At       time.Time
}

// Opts configures the pulse timing and the coin table.
type Opts struct {
	ActiveHigh bool
	PulseMin   time.Duration // default 20ms
	PulseMax   time.Duration // default 150ms
	TrainGap   time.Duration // idle time that ends a train; default 300ms
	Table      Table         // default LinearTable(10, 10, 50, 100, 500)
}

// DefaultOpts suits a Japanese acceptor sending one 50ms pulse per 10 yen.
var DefaultOpts = Opts{
	PulseMin: 20 * time.Millisecond,
	PulseMax: 150 * time.Millisecond,
	TrainGap: 300 * time.Millisecond,
	Table:    LinearTable(10, 10, 50, 100, 500),
}

// ErrBadOpts is wrapped by New for inconsistent timing or an empty table.
var ErrBadOpts = errors.New("coin: bad options")

// decoder turns timed line changes into trains. It is pure, so its rules are tested directly.
type decoder struct {
	o       Opts
	active  bool
	since   time.Time // time of the last change
	pulses  int
	bad     Reason
	inTrain bool
}

// change feeds a change of the line to active or inactive at t.
func (d *decoder) change(active bool, t time.Time) {
	if active == d.active {
		return // a missed edge pair; the level is what counts
	}
	if active {
		d.inTrain = true
	} else if d.bad == 0 {
		switch w := t.Sub(d.since); {
		case w < d.o.PulseMin:
			d.bad = PulseTooShort
		case w > d.o.PulseMax:
			d.bad = PulseTooLong
		default:
			d.pulses++
		}
	}
	d.active, d.since = active, t
}

// deadline is when tick should next be called, if a train is open.
func (d *decoder) deadline() (time.Time, bool) {
	if !d.inTrain {
		return time.Time{}, false
	}
	if d.active {
		if d.bad != 0 {
			return time.Time{}, false // already flagged; wait for the line to go idle
		}
		return d.since.Add(d.o.PulseMax), true
	}
	return d.since.Add(d.o.TrainGap), true
}

// tick ends the train if the line has been idle for TrainGap, or flags a pulse that has lasted
// longer than PulseMax (the train then ends once the line goes idle for TrainGap).
func (d *decoder) tick(t time.Time) (Event, bool) {
	if !d.inTrain {
		return Event{}, false
	}
	if d.active {
		if t.Sub(d.since) > d.o.PulseMax && d.bad == 0 {
			d.bad = PulseTooLong
		}
		return Event{}, false
	}
	if t.Sub(d.since) < d.o.TrainGap {
		return Event{}, false
	}
	e := Event{Pulses: d.pulses, Rejected: d.bad, At: t}
	if e.Rejected == 0 {
		yen, ok := d.o.Table[d.pulses]
		if ok {
			e.Yen = yen
		} else {
			e.Rejected = UnknownCount
		}
	}
	d.pulses, d.bad, d.inTrain = 0, 0, false
	return e, true
}

// Dev is the coin acceptor's pulse input.
type Dev struct {
	opts   Opts
	pin    gpio.PinIn
	events chan Event
	stop   chan struct{}
	done   chan struct{}

	mu     sync.Mutex
	halted bool
}

// New configures pin for edge detection and starts decoding.
func New(pin gpio.PinIn, opts *Opts) (*Dev, error) {
	if opts == nil {
		opts = &DefaultOpts
	}
	o := *opts
	if o.PulseMin <= 0 {
		o.PulseMin = DefaultOpts.PulseMin
	}
	if o.PulseMax <= 0 {
		o.PulseMax = DefaultOpts.PulseMax
	}
	if o.TrainGap <= 0 {
		o.TrainGap = DefaultOpts.TrainGap
	}
	if o.Table == nil {
		o.Table = DefaultOpts.Table
	}
	if o.PulseMin >= o.PulseMax {
		return nil, fmt.Errorf("%w: PulseMin %v not below PulseMax %v", ErrBadOpts, o.PulseMin, o.PulseMax)
	}
	if o.TrainGap <= o.PulseMax {
		return nil, fmt.Errorf("%w: TrainGap %v must exceed PulseMax %v", ErrBadOpts, o.TrainGap, o.PulseMax)
	}
	if len(o.Table) == 0 {
		return nil, fmt.Errorf("%w: empty coin table", ErrBadOpts)
	}
	for n, yen := range o.Table {
		if n <= 0 || yen <= 0 {
			return nil, fmt.Errorf("%w: table entry %d pulses = %d yen", ErrBadOpts, n, yen)
		}
	}
	pull := gpio.PullUp
	if o.ActiveHigh {
		pull = gpio.PullDown
	}
	if err := pin.In(pull, gpio.BothEdges); err != nil {
		return nil, fmt.Errorf("coin: configure %s: %w", pin, err)
	}
	d := &Dev{opts: o, pin: pin, events: make(chan Event, 16), stop: make(chan struct{}), done: make(chan struct{})}
	go d.run()
	return d, nil
}

// Events delivers each train, accepted or rejected. It is closed by Halt.
func (d *Dev) Events() <-chan Event { return d.events }

func (d *Dev) isActive(l gpio.Level) bool { return l == panel.Level(!d.opts.ActiveHigh, true) }

func (d *Dev) run() {
	defer close(d.done)
	defer close(d.events)
	dec := decoder{o: d.opts, active: d.isActive(d.pin.Read()), since: time.Now()}
	for {
		select {
		case <-d.stop:
			return
		default:
		}
		wait := 500 * time.Millisecond
		if dl, ok := dec.deadline(); ok {
			wait = time.Until(dl)
		}
		if d.pin.WaitForEdge(panel.Wait(wait)) {
			dec.change(d.isActive(d.pin.Read()), time.Now())
			continue
		}
		if e, ok := dec.tick(time.Now()); ok {
			select {
			case d.events <- e:
			case <-d.stop:
				return
			}
		}
	}
}

// Halt stops decoding and closes Events. A train in progress is dropped.
func (d *Dev) Halt() error {
	d.mu.Lock()
	if d.halted {
		d.mu.Unlock()
		return nil
	}
	d.halted = true
	d.mu.Unlock()
	close(d.stop)
	err := d.pin.Halt()
	<-d.done
	if err != nil {
		return fmt.Errorf("coin: halt %s: %w", d.pin, err)
	}
	return nil
}

func (d *Dev) String() string { return fmt.Sprintf("coin{%s}", d.pin) }

var _ conn.Resource = (*Dev)(nil)
