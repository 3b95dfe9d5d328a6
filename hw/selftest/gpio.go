package selftest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// Output is an output line to toggle: driven to the opposite of Rest, held for the check's
// Pulse, then back to Rest. The technician sees or hears it (LED, buzzer).
type Output struct {
	Name string
	Pin  gpio.PinOut
	Rest gpio.Level
}

// Input is an input line to read; the level is reported, not judged, because a sensor may be
// either way (door open for service).
type Input struct {
	Name string
	Pin  gpio.PinIn
}

// GPIO toggles the outputs and reads the inputs. Lines that failed to open are given as Missing
// (name → error) and fail the check by name.
type GPIO struct {
	Outputs []Output
	Inputs  []Input
	Missing map[string]error
	Pulse   time.Duration // default 100ms
}

// Name implements Check.
func (g GPIO) Name() string { return "gpio" }

// Run implements Check.
func (g GPIO) Run(ctx context.Context) Result {
	if len(g.Outputs)+len(g.Inputs)+len(g.Missing) == 0 {
		return Skip("no GPIO lines configured")
	}
	pulse := g.Pulse
	if pulse <= 0 {
		pulse = 100 * time.Millisecond
	}
	var bad, seen []string
	for _, name := range slices.Sorted(maps.Keys(g.Missing)) {
		bad = append(bad, fmt.Sprintf("%s: %v", name, g.Missing[name]))
	}
	for _, o := range g.Outputs {
		err := o.Pin.Out(!o.Rest)
		if err == nil {
			select {
			case <-time.After(pulse):
			case <-ctx.Done():
			}
			err = o.Pin.Out(o.Rest)
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", o.Name, err))
			continue
		}
		seen = append(seen, o.Name+" toggled")
	}
	for _, in := range g.Inputs {
		seen = append(seen, fmt.Sprintf("%s=%s", in.Name, in.Pin.Read()))
	}
	if len(bad) > 0 {
		return Fail("%s", strings.Join(append(bad, seen...), "; "))
	}
	return Pass("%s", strings.Join(seen, "; "))
}
