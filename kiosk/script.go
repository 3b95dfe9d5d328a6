package kiosk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A script drives the machine without a window (kiosk -headless): one command per line, '#'
// starts a comment.
//
//	tap start                 a button, with its argument: tap language ja, tap type juminhyo
//	key 1234                  touch-keypad keys; also: key enter, key back, key clear
//	hwkey 1234                hardware-keypad keys (same special words)
//	pin 1234                  touch keys then enter
//	card place | card remove  the card on or off the reader
//	coin 500                  money put in (coins and bills alike)
//	maintenance on|off        the technician key
//	wait 5s                   let time pass (a Go duration)
//	expect menu               wait until that screen shows (screen names: Screen.String)
//
// Button names are Button.String (start, language, agree, service, type, option, member, more,
// next, confirm, done, receipt, no_receipt, …).

// ErrScript is wrapped by every script parse error; the message names the line.
var ErrScript = errors.New("kiosk script")

// ScriptStep is one line of a script: an event to send, a time to wait, or a screen to expect.
type ScriptStep struct {
	Line   int
	Event  Event
	Wait   time.Duration
	Expect *Screen
	// Device is a physical action the simulated devices must mirror (card place/remove, coin).
	Device string
	Yen    int
}

const maxScriptLine = 4096

// ParseScript reads a script. Any bad line is an error naming the line; nothing is run.
func ParseScript(r io.Reader) ([]ScriptStep, error) {
	var steps []ScriptStep
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxScriptLine)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		st, err := parseLine(f)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrScript, n, err)
		}
		for i := range st {
			st[i].Line = n
		}
		steps = append(steps, st...)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: after line %d: %w", ErrScript, n, err)
	}
	return steps, nil
}

func parseLine(f []string) ([]ScriptStep, error) {
	cmd, args := f[0], f[1:]
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%s takes %d argument(s), got %d", cmd, n, len(args))
		}
		return nil
	}
	switch cmd {
	case "tap":
		if len(args) < 1 || len(args) > 2 {
			return nil, fmt.Errorf("tap takes a button and an optional argument")
		}
		b, ok := ParseButton(args[0])
		if !ok {
			return nil, fmt.Errorf("unknown button %q", args[0])
		}
		t := Tap{Button: b}
		if len(args) == 2 {
			t.Arg = args[1]
		}
		return []ScriptStep{{Event: t}}, nil
	case "key", "hwkey", "pin":
		if err := want(1); err != nil {
			return nil, err
		}
		src := TouchKeypad
		if cmd == "hwkey" {
			src = HardwareKeypad
		}
		keys, err := parseKeys(args[0])
		if err != nil {
			return nil, err
		}
		if cmd == "pin" {
			keys = append(keys, KeyEnter)
		}
		var out []ScriptStep
		for _, k := range keys {
			out = append(out, ScriptStep{Event: Key{Key: k, Source: src}})
		}
		return out, nil
	case "card":
		if err := want(1); err != nil {
			return nil, err
		}
		switch args[0] {
		case "place":
			return []ScriptStep{{Event: CardPlaced{}, Device: "card place"}}, nil
		case "remove":
			return []ScriptStep{{Event: CardRemoved{}, Device: "card remove"}}, nil
		}
		return nil, fmt.Errorf("card place or card remove, not %q", args[0])
	case "coin":
		if err := want(1); err != nil {
			return nil, err
		}
		y, err := strconv.Atoi(args[0])
		if err != nil || y <= 0 || y > 10000 {
			return nil, fmt.Errorf("coin takes an amount of 1 to 10000 yen, not %q", args[0])
		}
		return []ScriptStep{{Event: MoneyIn{Yen: y}, Device: "coin", Yen: y}}, nil
	case "maintenance":
		if err := want(1); err != nil {
			return nil, err
		}
		if args[0] != "on" && args[0] != "off" {
			return nil, fmt.Errorf("maintenance on or off, not %q", args[0])
		}
		return []ScriptStep{{Event: TechnicianKey{On: args[0] == "on"}}}, nil
	case "wait":
		if err := want(1); err != nil {
			return nil, err
		}
		d, err := time.ParseDuration(args[0])
		if err != nil || d < 0 || d > 24*time.Hour {
			return nil, fmt.Errorf("wait takes a duration up to 24h like 5s, not %q", args[0])
		}
		return []ScriptStep{{Wait: d}}, nil
	case "expect":
		if err := want(1); err != nil {
			return nil, err
		}
		s, ok := ParseScreen(args[0])
		if !ok {
			return nil, fmt.Errorf("unknown screen %q", args[0])
		}
		return []ScriptStep{{Expect: &s}}, nil
	}
	return nil, fmt.Errorf("unknown command %q", cmd)
}

func parseKeys(s string) ([]rune, error) {
	switch s {
	case "enter":
		return []rune{KeyEnter}, nil
	case "back":
		return []rune{KeyBackspace}, nil
	case "clear":
		return []rune{KeyClear}, nil
	}
	var out []rune
	for _, c := range s {
		if !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') {
			return nil, fmt.Errorf("key %q is not a digit or a letter", c)
		}
		out = append(out, c)
	}
	return out, nil
}

// Watcher is a Display that remembers the screen shown, so a script can wait for one. It passes
// every view on to Next when set.
type Watcher struct {
	Next Display
	mu   sync.Mutex
	cur  Screen
	ch   chan struct{}
}

// Render implements Display.
func (w *Watcher) Render(v View) {
	w.mu.Lock()
	w.cur = v.Screen
	if w.ch != nil {
		close(w.ch)
		w.ch = nil
	}
	w.mu.Unlock()
	if w.Next != nil {
		w.Next.Render(v)
	}
}

// WaitFor returns once screen sc is shown, or ctx's error.
func (w *Watcher) WaitFor(ctx context.Context, sc Screen) error {
	for {
		w.mu.Lock()
		if w.cur == sc {
			w.mu.Unlock()
			return nil
		}
		if w.ch == nil {
			w.ch = make(chan struct{})
		}
		ch, cur := w.ch, w.cur
		w.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for screen %s (showing %s): %w", sc, cur, ctx.Err())
		}
	}
}

// Devices mirrors a script's physical actions on simulated devices (card on the reader, money in
// the cashbox); nil on real hardware, where the resident does them.
type Devices interface {
	PlaceCard()
	RemoveCard()
	Insert(yen int) MoneyIn
}

// Advancer is a fake clock: script waits advance it instead of sleeping.
type Advancer interface{ Advance(d time.Duration) }

// Play runs a script against a running Runner whose Display is w. Expectations wait up to
// expectWithin each (the machine's own answers come asynchronously).
func Play(ctx context.Context, r *Runner, w *Watcher, steps []ScriptStep, dev Devices, clock Advancer, expectWithin time.Duration) error {
	for _, st := range steps {
		switch {
		case st.Expect != nil:
			c, cancel := context.WithTimeout(ctx, expectWithin)
			err := w.WaitFor(c, *st.Expect)
			cancel()
			if err != nil {
				return fmt.Errorf("script line %d: %w", st.Line, err)
			}
		case st.Event == nil:
			if clock != nil {
				clock.Advance(st.Wait)
				continue
			}
			select {
			case <-time.After(st.Wait):
			case <-ctx.Done():
				return ctx.Err()
			}
		default:
			e := st.Event
			if dev != nil {
				switch st.Device {
				case "card place":
					dev.PlaceCard()
				case "card remove":
					dev.RemoveCard()
				case "coin":
					e = dev.Insert(st.Yen)
				}
			}
			if !r.Send(e) {
				return fmt.Errorf("script line %d: runner stopped", st.Line)
			}
		}
	}
	return nil
}
