// Package tray reads the output-tray sensor of the document printer: a reflective or
// through-beam sensor on a GPIO line that says whether printed certificates are still lying in
// the tray, so the kiosk can remind the resident to take them ("certificates left in the tray")
// and report sheets abandoned after the session.
//
// The sensor is a periph gpio.PinIn (on the kiosk, a line of host/v3/gpioioctl; in tests,
// gpiotest.Pin). It has no kernel debounce, so edges are debounced here: after an edge the
// line must stay quiet for Opts.Debounce before its level counts.
//
// This package imports periph conn and the standard library only.
package tray

import (
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
)

// Opts configures the sensor.
type Opts struct {
	// ActiveHigh: the line is High when paper is present. Default false: most sensor boards pull
	// the line Low when they see paper (open collector with a pull-up).
	ActiveHigh bool
	Pull       gpio.Pull     // default gpio.PullUp
	Debounce   time.Duration // default 50 ms
}

// Dev is one tray sensor.
type Dev struct {
	pin    gpio.PinIn
	active gpio.Level
	opts   Opts

	mu     sync.Mutex
	stop   chan struct{}
	wg     sync.WaitGroup
	halted bool
}

// New configures pin as an input with edge detection on both edges.
func New(pin gpio.PinIn, opts *Opts) (*Dev, error) {
	o := Opts{Pull: gpio.PullUp, Debounce: 50 * time.Millisecond}
	if opts != nil {
		o.ActiveHigh = opts.ActiveHigh
		if opts.Pull != gpio.PullNoChange {
			o.Pull = opts.Pull
		}
		if opts.Debounce > 0 {
			o.Debounce = opts.Debounce
		}
	}
	if err := pin.In(o.Pull, gpio.BothEdges); err != nil {
		return nil, fmt.Errorf("tray sensor %s: %w", pin, err)
	}
	d := &Dev{pin: pin, active: gpio.Low, opts: o, stop: make(chan struct{})}
	if o.ActiveHigh {
		d.active = gpio.High
	}
	return d, nil
}

func (d *Dev) String() string { return "tray{" + d.pin.String() + "}" }

// Occupied reports whether paper is in the tray now.
func (d *Dev) Occupied() bool { return d.pin.Read() == d.active }

// Watch sends the tray's state (true: paper present) once at start and then on every debounced
// change, until Halt. Call it once.
func (d *Dev) Watch() <-chan bool {
	ch := make(chan bool, 1)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer close(ch)
		last := d.Occupied()
		if !d.send(ch, last) {
			return
		}
		for {
			if d.stopped() {
				return
			}
			// Always a finite timeout: the real and fake pins disagree on what 0 and -1 mean.
			if !d.pin.WaitForEdge(500 * time.Millisecond) {
				continue
			}
			for d.pin.WaitForEdge(d.opts.Debounce) { // let the line settle
				if d.stopped() {
					return
				}
			}
			if now := d.Occupied(); now != last {
				last = now
				if !d.send(ch, now) {
					return
				}
			}
		}
	}()
	return ch
}

func (d *Dev) send(ch chan<- bool, v bool) bool {
	select {
	case ch <- v:
		return true
	case <-d.stop:
		return false
	}
}

func (d *Dev) stopped() bool {
	select {
	case <-d.stop:
		return true
	default:
		return false
	}
}

// Halt stops Watch and interrupts a pending wait on the line.
func (d *Dev) Halt() error {
	d.mu.Lock()
	if !d.halted {
		d.halted = true
		close(d.stop)
	}
	d.mu.Unlock()
	err := d.pin.Halt()
	d.wg.Wait()
	if err != nil {
		return fmt.Errorf("tray sensor %s: halt: %w", d.pin, err)
	}
	return nil
}

var _ conn.Resource = (*Dev)(nil)
