package keypad

import (
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
)

// Rows and Cols are the matrix size.
const (
	Rows = 4
	Cols = 3
)

// Key is one key of the pad.
type Key byte

const (
	Key0    Key = '0'
	Key1    Key = '1'
	Key2    Key = '2'
	Key3    Key = '3'
	Key4    Key = '4'
	Key5    Key = '5'
	Key6    Key = '6'
	Key7    Key = '7'
	Key8    Key = '8'
	Key9    Key = '9'
	KeyStar Key = '*'
	KeyHash Key = '#'
)

// Digit reports whether k is 0-9.
func (k Key) Digit() bool { return k >= Key0 && k <= Key9 }

func (k Key) String() string { return string(rune(k)) }

// layout[row][col] is the key at that crossing.
var layout = [Rows][Cols]Key{
	{Key1, Key2, Key3},
	{Key4, Key5, Key6},
	{Key7, Key8, Key9},
	{KeyStar, Key0, KeyHash},
}

// Event is a key going down or up.
type Event struct {
	Key  Key
	Down bool
}

// Pins are the matrix lines, in layout order.
type Pins struct {
	Rows [Rows]gpio.PinOut
	Cols [Cols]gpio.PinIn
}

// Opts configures scanning.
type Opts struct {
	// ScanInterval is the time between two scans of the whole pad. Default 5ms.
	ScanInterval time.Duration
	// StableScans is how many identical frames make a frame trusted. Default 4 (20ms).
	StableScans int
}

// DefaultOpts scans every 5ms and debounces over 4 scans.
var DefaultOpts = Opts{ScanInterval: 5 * time.Millisecond, StableScans: 4}

// frame is the set of keys down, one bit per crossing (bit row*Cols+col).
type frame uint16

func bit(r, c int) frame { return 1 << (r*Cols + c) }

// ghosted reports whether f could contain a phantom key: some two rows share two down columns
// minus one, i.e. three corners of a rectangle are down. With all four down it is ambiguous too.
func (f frame) ghosted() bool {
	for r1 := 0; r1 < Rows; r1++ {
		for r2 := r1 + 1; r2 < Rows; r2++ {
			for c1 := 0; c1 < Cols; c1++ {
				for c2 := c1 + 1; c2 < Cols; c2++ {
					n := 0
					for _, b := range []frame{bit(r1, c1), bit(r1, c2), bit(r2, c1), bit(r2, c2)} {
						if f&b != 0 {
							n++
						}
					}
					if n >= 3 {
						return true
					}
				}
			}
		}
	}
	return false
}

// Dev is the keypad.
type Dev struct {
	opts   Opts
	pins   Pins
	events chan Event
	stop   chan struct{}
	done   chan struct{}

	mu      sync.Mutex
	halted  bool
	scanErr error
}

// New configures the lines (rows high, columns pulled up) and starts scanning.
func New(pins Pins, opts *Opts) (*Dev, error) {
	if opts == nil {
		opts = &DefaultOpts
	}
	o := *opts
	if o.ScanInterval <= 0 {
		o.ScanInterval = DefaultOpts.ScanInterval
	}
	if o.StableScans <= 0 {
		o.StableScans = DefaultOpts.StableScans
	}
	for r, p := range pins.Rows {
		if p == nil {
			return nil, fmt.Errorf("keypad: row %d has no pin", r)
		}
		if err := p.Out(gpio.High); err != nil {
			return nil, fmt.Errorf("keypad: row %d (%s): %w", r, p, err)
		}
	}
	for c, p := range pins.Cols {
		if p == nil {
			return nil, fmt.Errorf("keypad: column %d has no pin", c)
		}
		if err := p.In(gpio.PullUp, gpio.NoEdge); err != nil {
			return nil, fmt.Errorf("keypad: column %d (%s): %w", c, p, err)
		}
	}
	d := &Dev{opts: o, pins: pins, events: make(chan Event, 16), stop: make(chan struct{}), done: make(chan struct{})}
	go d.run()
	return d, nil
}

// Events delivers key presses and releases. It is closed by Halt.
func (d *Dev) Events() <-chan Event { return d.events }

// Err reports the last scan error (a row that could not be driven), or nil.
func (d *Dev) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.scanErr
}

// scan drives each row low in turn and reads the columns.
func (d *Dev) scan() (frame, error) {
	var f frame
	for r, rp := range d.pins.Rows {
		if err := rp.Out(gpio.Low); err != nil {
			return 0, fmt.Errorf("keypad: drive row %d: %w", r, err)
		}
		for c, cp := range d.pins.Cols {
			if cp.Read() == gpio.Low {
				f |= bit(r, c)
			}
		}
		if err := rp.Out(gpio.High); err != nil {
			return 0, fmt.Errorf("keypad: release row %d: %w", r, err)
		}
	}
	return f, nil
}

func (d *Dev) run() {
	defer close(d.done)
	defer close(d.events)
	t := time.NewTicker(d.opts.ScanInterval)
	defer t.Stop()
	var trusted, last frame
	same := 0
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
		}
		f, err := d.scan()
		d.mu.Lock()
		d.scanErr = err
		d.mu.Unlock()
		if err != nil {
			same = 0
			continue
		}
		if f == last {
			same++
		} else {
			last, same = f, 1
		}
		if same != d.opts.StableScans || f == trusted || f.ghosted() {
			continue
		}
		// Releases first, then presses, each in layout order.
		for _, down := range []bool{false, true} {
			for r := range Rows {
				for c := range Cols {
					b := bit(r, c)
					was, is := trusted&b != 0, f&b != 0
					if was != is && is == down {
						select {
						case d.events <- Event{Key: layout[r][c], Down: down}:
						case <-d.stop:
							return
						}
					}
				}
			}
		}
		trusted = f
	}
}

// Halt stops scanning, leaves every row high and closes Events.
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
	for r, p := range d.pins.Rows {
		if err := p.Out(gpio.High); err != nil {
			return fmt.Errorf("keypad: release row %d: %w", r, err)
		}
	}
	return nil
}

func (d *Dev) String() string {
	return fmt.Sprintf("keypad{rows %v cols %v}", d.pins.Rows, d.pins.Cols)
}

var _ conn.Resource = (*Dev)(nil)
