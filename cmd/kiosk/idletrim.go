package main

import (
	"runtime/debug"
	"sync"
	"time"

	"certkiosk/kiosk"
)

// idleTrimDelay is how long the attract screen stays up before the memory a session left
// behind goes back to the system.
const idleTrimDelay = 3 * time.Second

// idleTrim hands memory back to the system once the attract screen has stayed up for a while.
// A session leaves tens of MB of garbage (fonts of other languages parsed, screens built), and
// Go gives freed pages back only slowly: without this the idle terminal sits 30–60 MB above its
// live figure for minutes after each resident. The collection runs while nobody is at the
// screen; a screen shown before the delay is up cancels it.
type idleTrim struct {
	delay time.Duration
	free  func()                                  // debug.FreeOSMemory
	after func(time.Duration, func()) func() bool // time.AfterFunc, returning its Stop

	mu   sync.Mutex
	stop func() bool
}

func newIdleTrim() *idleTrim {
	return &idleTrim{delay: idleTrimDelay, free: debug.FreeOSMemory,
		after: func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }}
}

// Shown is for ui.Options.Shown: every screen built cancels a pending trim, the attract screen
// schedules one.
func (t *idleTrim) Shown(v kiosk.View, _ string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stop != nil {
		t.stop()
		t.stop = nil
	}
	if v.Screen == kiosk.Idle {
		t.stop = t.after(t.delay, t.free)
	}
}
