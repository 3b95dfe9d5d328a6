package selftest

import (
	"context"
	"time"
)

// Clock checks the system clock is plausible: within [MinYear, MaxYear] and not before the
// firmware was built. A kiosk whose clock is wrong rejects valid certificates (or accepts expired
// ones) and stamps the journal with nonsense, so this is a boot check.
type Clock struct {
	Now       func() time.Time // default time.Now
	MinYear   int              // default 2025
	MaxYear   int              // default 2100
	NotBefore time.Time        // the build time, if known
}

// Name implements Check.
func (c Clock) Name() string { return "clock" }

// Run implements Check.
func (c Clock) Run(context.Context) Result {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	t := now().UTC()
	lo, hi := c.MinYear, c.MaxYear
	if lo == 0 {
		lo = 2025
	}
	if hi == 0 {
		hi = 2100
	}
	switch {
	case t.Year() < lo || t.Year() > hi:
		return Fail("clock reads %s, outside %d-%d", t.Format(time.RFC3339), lo, hi)
	case !c.NotBefore.IsZero() && t.Before(c.NotBefore):
		return Fail("clock reads %s, before the build time %s", t.Format(time.RFC3339), c.NotBefore.UTC().Format(time.RFC3339))
	}
	return Pass("%s", t.Format(time.RFC3339))
}
