package led

import (
	"fmt"
	"sync"
	"time"

	"certkiosk/hw/panel"
	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
)

// Mode is what the LED shows.
type Mode int

const (
	Off       Mode = iota // dark
	On                    // steady
	Blink                 // on and off, Opts.Blink each
	FastBlink             // on and off, Opts.FastBlink each
)

func (m Mode) String() string {
	switch m {
	case Off:
		return "off"
	case On:
		return "on"
	case Blink:
		return "blink"
	case FastBlink:
		return "fast-blink"
	}
	return fmt.Sprintf("led-mode(%d)", int(m))
}

// Opts configures the LED.
type Opts struct {
	ActiveLow bool
	Blink     time.Duration // half-period of Blink; default 500ms
	FastBlink time.Duration // half-period of FastBlink; default 125ms
}

// DefaultOpts is an active-high LED blinking at 1 Hz (fast: 4 Hz).
var DefaultOpts = Opts{Blink: 500 * time.Millisecond, FastBlink: 125 * time.Millisecond}

// Dev is the card-slot LED.
type Dev struct {
	opts Opts
	pin  gpio.PinOut

	mu     sync.Mutex
	mode   Mode
	stop   chan struct{} // closes the running blinker
	done   chan struct{}
	halted bool
}

// New drives pin to the LED's off level.
func New(pin gpio.PinOut, opts *Opts) (*Dev, error) {
	if opts == nil {
		opts = &DefaultOpts
	}
	o := *opts
	if o.Blink <= 0 {
		o.Blink = DefaultOpts.Blink
	}
	if o.FastBlink <= 0 {
		o.FastBlink = DefaultOpts.FastBlink
	}
	d := &Dev{opts: o, pin: pin}
	if err := d.out(false); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dev) out(lit bool) error {
	if err := d.pin.Out(panel.Level(d.opts.ActiveLow, lit)); err != nil {
		return fmt.Errorf("led: drive %s: %w", d.pin, err)
	}
	return nil
}

// Set changes what the LED shows. Setting the current mode again does not restart a blink.
func (d *Dev) Set(m Mode) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.halted {
		return fmt.Errorf("led: %s is halted", d.pin)
	}
	if m == d.mode {
		return nil
	}
	d.stopBlinker()
	d.mode = m
	switch m {
	case Off:
		return d.out(false)
	case On:
		return d.out(true)
	case Blink, FastBlink:
		half := d.opts.Blink
		if m == FastBlink {
			half = d.opts.FastBlink
		}
		if err := d.out(true); err != nil {
			return err
		}
		d.stop, d.done = make(chan struct{}), make(chan struct{})
		go d.blink(half, d.stop, d.done)
		return nil
	}
	return fmt.Errorf("led: unknown mode %d", int(m))
}

// Mode reports what the LED shows.
func (d *Dev) Mode() Mode {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mode
}

func (d *Dev) blink(half time.Duration, stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(half)
	defer t.Stop()
	lit := true
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			lit = !lit
			_ = d.out(lit) // a failing line shows up in the self-test; nothing better to do mid-blink
		}
	}
}

func (d *Dev) stopBlinker() {
	if d.stop != nil {
		close(d.stop)
		<-d.done
		d.stop, d.done = nil, nil
	}
}

// Halt stops blinking and turns the LED off.
func (d *Dev) Halt() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopBlinker()
	d.halted = true
	d.mode = Off
	return d.out(false)
}

func (d *Dev) String() string { return fmt.Sprintf("led{%s}", d.pin) }

var _ conn.Resource = (*Dev)(nil)
