package buzzer

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"certkiosk/hw/panel"
	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
)

// Step is the buzzer on or off for a duration.
type Step struct {
	On bool
	D  time.Duration
}

// Pattern is a sequence of steps. The buzzer is off after the last one.
type Pattern []Step

// Opts configures the buzzer and its named patterns; a nil pattern means the default.
type Opts struct {
	ActiveLow bool
	Beep      Pattern
	Error     Pattern
	Click     Pattern
	// Queue is how many patterns may wait behind the one playing; default 4.
	Queue int
}

// DefaultOpts are the patterns the kiosk uses.
var DefaultOpts = Opts{
	Beep:  Pattern{{true, 150 * time.Millisecond}},
	Error: Pattern{{true, 80 * time.Millisecond}, {false, 80 * time.Millisecond}, {true, 80 * time.Millisecond}, {false, 80 * time.Millisecond}, {true, 80 * time.Millisecond}},
	Click: Pattern{{true, 15 * time.Millisecond}},
	Queue: 4,
}

// ErrBusy is returned by Play when the queue is full.
var ErrBusy = errors.New("buzzer: queue full")

// ErrHalted is returned by Play after Halt.
var ErrHalted = errors.New("buzzer: halted")

// Dev is the buzzer.
type Dev struct {
	opts  Opts
	pin   gpio.PinOut
	queue chan Pattern
	stop  chan struct{}
	done  chan struct{}

	mu     sync.Mutex
	halted bool
}

// New silences the buzzer and starts its player.
func New(pin gpio.PinOut, opts *Opts) (*Dev, error) {
	if opts == nil {
		opts = &DefaultOpts
	}
	o := *opts
	if o.Beep == nil {
		o.Beep = DefaultOpts.Beep
	}
	if o.Error == nil {
		o.Error = DefaultOpts.Error
	}
	if o.Click == nil {
		o.Click = DefaultOpts.Click
	}
	if o.Queue <= 0 {
		o.Queue = DefaultOpts.Queue
	}
	for name, p := range map[string]Pattern{"beep": o.Beep, "error": o.Error, "click": o.Click} {
		for i, s := range p {
			if s.D <= 0 {
				return nil, fmt.Errorf("buzzer: %s pattern step %d: duration %v is not positive", name, i, s.D)
			}
		}
	}
	d := &Dev{opts: o, pin: pin, queue: make(chan Pattern, o.Queue), stop: make(chan struct{}), done: make(chan struct{})}
	if err := d.out(false); err != nil {
		return nil, err
	}
	go d.player()
	return d, nil
}

func (d *Dev) out(on bool) error {
	if err := d.pin.Out(panel.Level(d.opts.ActiveLow, on)); err != nil {
		return fmt.Errorf("buzzer: drive %s: %w", d.pin, err)
	}
	return nil
}

// Play queues a pattern.
func (d *Dev) Play(p Pattern) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.halted {
		return ErrHalted
	}
	select {
	case d.queue <- p:
		return nil
	default:
		return ErrBusy
	}
}

// Beep plays the attention beep.
func (d *Dev) Beep() error { return d.Play(d.opts.Beep) }

// Error plays the error pattern.
func (d *Dev) Error() error { return d.Play(d.opts.Error) }

// Click plays the per-digit key click.
func (d *Dev) Click() error { return d.Play(d.opts.Click) }

func (d *Dev) player() {
	defer close(d.done)
	for {
		select {
		case <-d.stop:
			return
		case p := <-d.queue:
			for _, s := range p {
				_ = d.out(s.On) // a dead line is the self-test's business, not the player's
				select {
				case <-time.After(s.D):
				case <-d.stop:
					return
				}
			}
			_ = d.out(false)
		}
	}
}

// Halt stops playing, drops queued patterns and silences the buzzer.
func (d *Dev) Halt() error {
	d.mu.Lock()
	if d.halted {
		d.mu.Unlock()
		return nil
	}
	d.halted = true
	d.mu.Unlock()
	close(d.stop)
	<-d.done
	return d.out(false)
}

func (d *Dev) String() string { return fmt.Sprintf("buzzer{%s}", d.pin) }

var _ conn.Resource = (*Dev)(nil)
