package sim

import (
	"sort"
	"sync"
	"time"

	"certkiosk/kiosk"
)

// Clock is a fake kiosk.Clock: time moves only when Advance is called.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*timer
}

type timer struct {
	c    *Clock
	at   time.Time
	f    func()
	dead bool
}

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.dead
	t.dead = true
	return was
}

// NewClock starts a fake clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now implements kiosk.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc implements kiosk.Clock.
func (c *Clock) AfterFunc(d time.Duration, f func()) kiosk.Stopper {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

// Pending reports how many timers are armed.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.dead {
			n++
		}
	}
	return n
}

// Advance moves time forward by d and runs, in time order, every timer that falls due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
		var due *timer
		live := c.timers[:0]
		for _, t := range c.timers {
			if t.dead {
				continue
			}
			if due == nil && !t.at.After(end) {
				due = t
				t.dead = true
				continue
			}
			live = append(live, t)
		}
		c.timers = live
		if due == nil {
			break
		}
		if due.at.After(c.now) {
			c.now = due.at
		}
		c.mu.Unlock()
		due.f()
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}
