// Package pintest adds to periph's gpiotest what the panel's tests need: an output pin that
// records every level it is driven to, with the (test-controlled) time of each change.
package pintest

import (
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// Change is one Out call seen by a Recorder.
type Change struct {
	L  gpio.Level
	At time.Time
}

// Recorder is a gpiotest.Pin that logs each Out.
type Recorder struct {
	*gpiotest.Pin
	mu  sync.Mutex
	log []Change
}

// NewRecorder returns a recorder over a fresh gpiotest pin.
func NewRecorder(name string) *Recorder { return &Recorder{Pin: &gpiotest.Pin{N: name}} }

// Out implements gpio.PinOut.
func (r *Recorder) Out(l gpio.Level) error {
	r.mu.Lock()
	r.log = append(r.log, Change{L: l, At: time.Now()})
	r.mu.Unlock()
	return r.Pin.Out(l)
}

// Log returns a copy of the changes so far.
func (r *Recorder) Log() []Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Change(nil), r.log...)
}

// Reset forgets the changes so far.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.log = nil
	r.mu.Unlock()
}

// Steps turns a log into (level, duration held) pairs, the last held until end.
func Steps(log []Change, end time.Time) []Step {
	var s []Step
	for i, c := range log {
		next := end
		if i+1 < len(log) {
			next = log[i+1].At
		}
		s = append(s, Step{L: c.L, D: next.Sub(c.At)})
	}
	return s
}

// Step is a level held for a duration.
type Step struct {
	L gpio.Level
	D time.Duration
}
