package panel

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"
)

// ErrNoLine is wrapped by Open when no GPIO line has the asked name.
var ErrNoLine = errors.New("no GPIO line with this name")

var (
	initOnce sync.Once
	initErr  error
)

// Open returns the GPIO line registered under name (the kernel's line name, as gpioinfo shows
// it). It loads periph's host drivers on first use. The error names the missing line, so a wrong
// name in the configuration is found at start-up rather than when the part is first used.
func Open(name string) (gpio.PinIO, error) {
	initOnce.Do(func() {
		if _, err := host.Init(); err != nil {
			initErr = fmt.Errorf("load periph host drivers: %w", err)
		}
	})
	if initErr != nil {
		return nil, initErr
	}
	if name == "" {
		return nil, fmt.Errorf("open GPIO line: empty name: %w", ErrNoLine)
	}
	p := gpioreg.ByName(name)
	if p == nil {
		return nil, fmt.Errorf("open GPIO line %q: %w (check gpioinfo and the configuration)", name, ErrNoLine)
	}
	return p, nil
}

// Level returns the line level that means "active" for a part wired active-low or active-high.
func Level(activeLow, active bool) gpio.Level {
	return gpio.Level(active != activeLow)
}

// MinWait is the shortest timeout passed to WaitForEdge. periph's character-device pins treat a
// zero timeout as "wait forever" while gpiotest treats it as "do not wait": never pass zero.
const MinWait = time.Millisecond

// Wait clamps a WaitForEdge timeout to at least MinWait.
func Wait(d time.Duration) time.Duration {
	return max(d, MinWait)
}
