package kiosk

import (
	"errors"
	"fmt"
	"time"
)

// ErrConfig is wrapped by every problem Config.Validate finds.
var ErrConfig = errors.New("kiosk config")

// Validate names each key that is unusable and why (cmd/kiosk exits with it).
func (c Config) Validate() error {
	var errs []error
	bad := func(key, why string) { errs = append(errs, fmt.Errorf("%w: %s: %s", ErrConfig, key, why)) }
	if c.KioskID == "" {
		bad("kiosk_id", "empty")
	}
	if len(c.Languages) == 0 {
		bad("languages", "empty: at least one language code")
	}
	seen := map[string]bool{}
	for _, l := range c.Languages {
		if l == "" || seen[l] {
			bad("languages", fmt.Sprintf("empty or repeated code %q", l))
		}
		seen[l] = true
	}
	for _, d := range []struct {
		key string
		v   time.Duration
		min time.Duration
	}{
		{"inactivity", c.Inactivity, time.Second},
		{"warning", c.Warning, time.Second},
		{"operation", c.Operation, time.Second},
		{"print_copy", c.PrintCopy, time.Second},
		{"hold", c.Hold, time.Second},
		{"renewal_notice", c.RenewalNotice, 0},
	} {
		if d.v < d.min {
			bad(d.key, fmt.Sprintf("%v is below %v", d.v, d.min))
		}
	}
	return errors.Join(errs...)
}
