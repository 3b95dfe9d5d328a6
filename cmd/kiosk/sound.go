package main

import (
	"log/slog"
	"sync"
)

// soundErrors logs sound failures: each new one once, not its repeats, or a kiosk without a
// sound card would log every key press.
func soundErrors(log *slog.Logger) func(error) {
	var mu sync.Mutex
	last := ""
	return func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if err.Error() == last {
			return
		}
		last = err.Error()
		log.Warn("sound (repeats not logged)", "err", err)
	}
}
