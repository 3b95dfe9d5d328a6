package adapters

import (
	"context"
	"time"

	"certkiosk/kiosk"
)

// RecordsPerTransaction is the most outbox records one transaction can need: a completion or a
// void, a refund, two owed refunds (change and refund), a binding mismatch and a PIN-reset result.
const RecordsPerTransaction = 6

// OutboxGuard keeps the kiosk from starting transactions the outbox might not have room to
// account for: while fewer than Reserve records fit, it raises kiosk.FlagOutboxFull, so the
// kiosk finishes the session under way (on the reserve) and then shows out of service rather
// than drop a record (issue: nothing acknowledged is ever lost). It clears the flag once the
// sender has made room again, and checks at start, so a kiosk rebooted with a full outbox takes
// no money.
type OutboxGuard struct {
	box      interface{ Headroom() int }
	send     func(kiosk.Event) bool
	reserve  int
	Interval time.Duration // how often to look while nothing is appended; 0 means 2 s
	kick     chan struct{}
}

// NewOutboxGuard guards box for the machine send reaches (kiosk.Runner.Send). reserve is the room
// kept for the session under way; 0 means 2 × RecordsPerTransaction.
func NewOutboxGuard(box interface{ Headroom() int }, send func(kiosk.Event) bool, reserve int) *OutboxGuard {
	if reserve <= 0 {
		reserve = 2 * RecordsPerTransaction
	}
	return &OutboxGuard{box: box, send: send, reserve: reserve, kick: make(chan struct{}, 1)}
}

// Kick asks for a look now (after an append). It never blocks.
func (g *OutboxGuard) Kick() {
	select {
	case g.kick <- struct{}{}:
	default:
	}
}

// Run watches until ctx ends or the machine stops.
func (g *OutboxGuard) Run(ctx context.Context) {
	every := g.Interval
	if every <= 0 {
		every = 2 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	known, low := false, false
	for {
		now := g.box.Headroom() < g.reserve
		if !known || now != low {
			if !g.send(kiosk.ServiceChanged{Flag: kiosk.FlagOutboxFull, On: now}) {
				return // the machine has stopped
			}
			known, low = true, now
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-g.kick:
		}
	}
}
