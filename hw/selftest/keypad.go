package selftest

import (
	"context"
	"strings"

	"certkiosk/hw/panel/keypad"
)

// KeypadOrder is the order the interactive keypad test asks for: every key once, as printed.
var KeypadOrder = []keypad.Key{
	keypad.Key1, keypad.Key2, keypad.Key3, keypad.Key4, keypad.Key5, keypad.Key6,
	keypad.Key7, keypad.Key8, keypad.Key9, keypad.KeyStar, keypad.Key0, keypad.KeyHash,
}

// KeypadPress is the interactive keypad test, run only when a technician asks for it: Prompt
// names each key in turn, and the check waits for that key to go down. A different key fails
// the check (a swapped row or column line), as does the time limit running out.
type KeypadPress struct {
	Events <-chan keypad.Event
	Prompt func(keypad.Key)
	Keys   []keypad.Key // default KeypadOrder
}

// Name implements Check.
func (k KeypadPress) Name() string { return "keypad" }

// Run implements Check.
func (k KeypadPress) Run(ctx context.Context) Result {
	keys := k.Keys
	if keys == nil {
		keys = KeypadOrder
	}
	var ok []string
	for _, want := range keys {
		if k.Prompt != nil {
			k.Prompt(want)
		}
	wait:
		for {
			select {
			case <-ctx.Done():
				return Fail("no press of %s (pressed so far: %s)", want, strings.Join(ok, " "))
			case e, open := <-k.Events:
				if !open {
					return Fail("keypad stopped before %s was pressed", want)
				}
				if !e.Down {
					continue
				}
				if e.Key != want {
					return Fail("asked for %s, got %s: check the row and column wiring (pressed so far: %s)", want, e.Key, strings.Join(ok, " "))
				}
				ok = append(ok, want.String())
				break wait
			}
		}
	}
	return Pass("%d keys pressed in order: %s", len(ok), strings.Join(ok, " "))
}
