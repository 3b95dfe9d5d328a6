package selftest

import (
	"context"
	"testing"
	"time"

	"certkiosk/hw/panel/keypad"
)

func TestKeypadPress(t *testing.T) {
	press := func(keys ...keypad.Key) <-chan keypad.Event {
		ch := make(chan keypad.Event, 2*len(keys))
		for _, k := range keys {
			ch <- keypad.Event{Key: k, Down: true}
			ch <- keypad.Event{Key: k, Down: false}
		}
		return ch
	}
	var asked []keypad.Key
	r := KeypadPress{Events: press(KeypadOrder...), Prompt: func(k keypad.Key) { asked = append(asked, k) }}.Run(ctx)
	expect(t, r, true, false, "12 keys pressed in order: 1 2 3 4 5 6 7 8 9 * 0 #")
	if len(asked) != 12 || asked[9] != keypad.KeyStar {
		t.Errorf("prompted %v", asked)
	}

	r = KeypadPress{Events: press(keypad.Key1, keypad.Key5)}.Run(ctx)
	expect(t, r, false, false, "asked for 2, got 5")

	c, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	r = KeypadPress{Events: make(chan keypad.Event), Keys: []keypad.Key{keypad.Key0}}.Run(c)
	expect(t, r, false, false, "no press of 0")

	closed := make(chan keypad.Event)
	close(closed)
	expect(t, KeypadPress{Events: closed}.Run(ctx), false, false, "keypad stopped")
}
