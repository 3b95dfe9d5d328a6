package sensor

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"certkiosk/hw/panel"
	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
)

// Kind says what a sensor senses. Active means the condition in the name is true.
type Kind int

const (
	CardPresent    Kind = iota + 1 // a card lies in the card slot
	MaintenanceKey                 // the technician's key switch is turned to maintenance
	PaperOut                       // the printer has no paper (or the near-end switch tripped)
	DoorOpen                       // the service door is open
	TrayOut                        // the paper tray is pulled out
)

func (k Kind) String() string {
	switch k {
	case CardPresent:
		return "card-present"
	case MaintenanceKey:
		return "maintenance-key"
	case PaperOut:
		return "paper-out"
	case DoorOpen:
		return "door-open"
	case TrayOut:
		return "tray-out"
	}
	return fmt.Sprintf("sensor-kind(%d)", int(k))
}

// Event reports a debounced change.
type Event struct {
	Kind   Kind
	Active bool
	At     time.Time
}

// Opts configures a sensor. The zero value of a field means its default.
type Opts struct {
	Kind Kind
	// ActiveHigh inverts the default active-low wiring.
	ActiveHigh bool
	// Pull is the line bias; default gpio.PullUp for active-low, gpio.PullDown for active-high.
	Pull gpio.Pull
	// Settle is how long the line must stay quiet before a change counts. Default 20ms.
	Settle time.Duration
	// Poll is the longest wait for an edge before the level is re-read. Default 500ms.
	Poll time.Duration
}

// DefaultOpts is an active-low card-presence switch with 20ms debounce.
var DefaultOpts = Opts{Kind: CardPresent, Settle: 20 * time.Millisecond, Poll: 500 * time.Millisecond}

// ErrNoKind is returned by New when Opts.Kind is not set.
var ErrNoKind = errors.New("sensor: Opts.Kind not set")

// Dev is one debounced binary input.
type Dev struct {
	opts   Opts
	pin    gpio.PinIn
	events chan Event
	stop   chan struct{}
	done   chan struct{}

	mu     sync.Mutex
	active bool
	halted bool
}

// New configures pin as an input with edge detection and starts watching it. The current level
// is the initial state (Active) and is not sent as an event. Read events from Events.
func New(pin gpio.PinIn, opts *Opts) (*Dev, error) {
	if opts == nil {
		opts = &DefaultOpts
	}
	o := *opts
	if o.Kind == 0 {
		return nil, ErrNoKind
	}
	if o.Settle <= 0 {
		o.Settle = DefaultOpts.Settle
	}
	if o.Poll <= 0 {
		o.Poll = DefaultOpts.Poll
	}
	if o.Pull == gpio.PullNoChange { // the zero value: a switch input needs a defined bias
		o.Pull = gpio.PullUp
		if o.ActiveHigh {
			o.Pull = gpio.PullDown
		}
	}
	if err := pin.In(o.Pull, gpio.BothEdges); err != nil {
		return nil, fmt.Errorf("%s: configure %s as input: %w", o.Kind, pin, err)
	}
	d := &Dev{opts: o, pin: pin, events: make(chan Event, 8), stop: make(chan struct{}), done: make(chan struct{})}
	d.active = d.isActive(pin.Read())
	go d.watch()
	return d, nil
}

func (d *Dev) isActive(l gpio.Level) bool { return l == panel.Level(!d.opts.ActiveHigh, true) }

// Events delivers each debounced change. It is closed by Halt.
func (d *Dev) Events() <-chan Event { return d.events }

// Active reports the last debounced state.
func (d *Dev) Active() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.active
}

// Kind reports what the sensor senses.
func (d *Dev) Kind() Kind { return d.opts.Kind }

func (d *Dev) watch() {
	defer close(d.done)
	defer close(d.events)
	pending := false
	var quietAt time.Time
	for {
		select {
		case <-d.stop:
			return
		default:
		}
		wait := d.opts.Poll
		if pending {
			wait = time.Until(quietAt)
		}
		if d.pin.WaitForEdge(panel.Wait(wait)) {
			pending = true
			quietAt = time.Now().Add(d.opts.Settle)
			continue
		}
		if pending && time.Now().Before(quietAt) {
			continue
		}
		pending = false
		a := d.isActive(d.pin.Read())
		d.mu.Lock()
		changed := a != d.active
		d.active = a
		d.mu.Unlock()
		if changed {
			select {
			case d.events <- Event{Kind: d.opts.Kind, Active: a, At: time.Now()}:
			case <-d.stop:
				return
			}
		}
	}
}

// Halt stops watching the line and closes Events. It is safe to call twice.
func (d *Dev) Halt() error {
	d.mu.Lock()
	if d.halted {
		d.mu.Unlock()
		return nil
	}
	d.halted = true
	d.mu.Unlock()
	close(d.stop)
	err := d.pin.Halt() // interrupts a pending WaitForEdge on a real line
	<-d.done
	if err != nil {
		return fmt.Errorf("%s: halt %s: %w", d.opts.Kind, d.pin, err)
	}
	return nil
}

func (d *Dev) String() string { return fmt.Sprintf("sensor.%s{%s}", d.opts.Kind, d.pin) }

var _ conn.Resource = (*Dev)(nil)
