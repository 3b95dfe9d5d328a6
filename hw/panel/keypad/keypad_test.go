package keypad

import (
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// matrix simulates the pad's switches without diodes: a column reads low when a pressed key
// connects it, directly or through other pressed keys, to a row driven low.
type matrix struct {
	mu      sync.Mutex
	rows    [Rows]*gpiotest.Pin
	pressed map[[2]int]bool
}

type colPin struct {
	*gpiotest.Pin
	m *matrix
	c int
}

func (p *colPin) Read() gpio.Level { return p.m.level(p.c) }

func (m *matrix) level(col int) gpio.Level {
	m.mu.Lock()
	defer m.mu.Unlock()
	var rowSeen [Rows]bool
	var colSeen [Cols]bool
	var queue []int // rows to visit
	for r, p := range m.rows {
		if p.Read() == gpio.Low {
			rowSeen[r] = true
			queue = append(queue, r)
		}
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for c := range Cols {
			if !m.pressed[[2]int{r, c}] || colSeen[c] {
				continue
			}
			colSeen[c] = true
			for r2 := range Rows {
				if m.pressed[[2]int{r2, c}] && !rowSeen[r2] {
					rowSeen[r2] = true
					queue = append(queue, r2)
				}
			}
		}
	}
	if colSeen[col] {
		return gpio.Low
	}
	return gpio.High
}

func (m *matrix) set(k Key, down bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for r := range Rows {
		for c := range Cols {
			if layout[r][c] == k {
				m.pressed[[2]int{r, c}] = down
				return
			}
		}
	}
	panic("no key " + k.String())
}

func newPad(t *testing.T) (*matrix, *Dev) {
	m := &matrix{pressed: map[[2]int]bool{}}
	var pins Pins
	for r := range Rows {
		m.rows[r] = &gpiotest.Pin{N: "KP_ROW" + string(rune('0'+r)), L: gpio.Low}
		pins.Rows[r] = m.rows[r]
	}
	for c := range Cols {
		pins.Cols[c] = &colPin{Pin: &gpiotest.Pin{N: "KP_COL" + string(rune('0'+c))}, m: m, c: c}
	}
	d, err := New(pins, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, d
}

func drain(ch <-chan Event) []Event {
	var got []Event
	for {
		select {
		case e := <-ch:
			got = append(got, e)
		default:
			return got
		}
	}
}

func TestEveryKeyPressAndRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, d := newPad(t)
		defer d.Halt()
		for _, k := range []Key{Key1, Key2, Key3, Key4, Key5, Key6, Key7, Key8, Key9, KeyStar, Key0, KeyHash} {
			m.set(k, true)
			time.Sleep(50 * time.Millisecond)
			m.set(k, false)
			time.Sleep(50 * time.Millisecond)
			synctest.Wait()
			want := []Event{{k, true}, {k, false}}
			if got := drain(d.Events()); !reflect.DeepEqual(got, want) {
				t.Errorf("key %s: events %v, want %v", k, got, want)
			}
		}
		for r, p := range m.rows {
			if p.Read() != gpio.High {
				t.Errorf("row %d left low between scans", r)
			}
		}
	})
}

func TestBounceGivesOnePress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, d := newPad(t)
		defer d.Halt()
		for range 3 { // contact chatter, shorter than 4 scans each
			m.set(Key5, true)
			time.Sleep(7 * time.Millisecond)
			m.set(Key5, false)
			time.Sleep(7 * time.Millisecond)
		}
		m.set(Key5, true)
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		if got := drain(d.Events()); !reflect.DeepEqual(got, []Event{{Key5, true}}) {
			t.Errorf("events %v, want one press of 5", got)
		}
	})
}

func TestGhostFrameIgnored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, d := newPad(t)
		defer d.Halt()
		m.set(Key1, true) // (0,0)
		time.Sleep(50 * time.Millisecond)
		m.set(Key2, true) // (0,1): two in a row is unambiguous
		time.Sleep(50 * time.Millisecond)
		synctest.Wait()
		if got := drain(d.Events()); !reflect.DeepEqual(got, []Event{{Key1, true}, {Key2, true}}) {
			t.Fatalf("events %v, want 1 then 2 down", got)
		}
		m.set(Key4, true) // (1,0): with 1 and 2 down, 5 (1,1) reads as a phantom
		time.Sleep(50 * time.Millisecond)
		synctest.Wait()
		if got := drain(d.Events()); len(got) != 0 {
			t.Fatalf("ambiguous frame produced %v", got)
		}
		m.set(Key1, false)
		m.set(Key2, false)
		time.Sleep(50 * time.Millisecond)
		synctest.Wait()
		want := []Event{{Key1, false}, {Key2, false}, {Key4, true}}
		if got := drain(d.Events()); !reflect.DeepEqual(got, want) {
			t.Errorf("after ambiguity cleared: %v, want %v", got, want)
		}
	})
}

func TestFrameGhosted(t *testing.T) {
	for _, c := range []struct {
		f    frame
		want bool
	}{
		{0, false},
		{bit(0, 0), false},
		{bit(0, 0) | bit(0, 1), false},
		{bit(0, 0) | bit(1, 1), false},
		{bit(0, 0) | bit(0, 1) | bit(1, 0), true},
		{bit(2, 1) | bit(3, 2) | bit(3, 1), true},
		{bit(0, 0) | bit(0, 2) | bit(3, 0) | bit(3, 2), true},
	} {
		if got := c.f.ghosted(); got != c.want {
			t.Errorf("frame %012b ghosted = %v, want %v", c.f, got, c.want)
		}
	}
}

func TestHaltClosesEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, d := newPad(t)
		if err := d.Halt(); err != nil {
			t.Fatal(err)
		}
		if _, ok := <-d.Events(); ok {
			t.Error("Events open after Halt")
		}
	})
}

func TestNewRejectsMissingPin(t *testing.T) {
	var pins Pins
	if _, err := New(pins, nil); err == nil {
		t.Error("New accepted a pad with no pins")
	}
}
