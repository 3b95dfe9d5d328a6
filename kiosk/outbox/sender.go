package outbox

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Deliverer hands one record to the center. It returns nil once the center has acknowledged
// the record (accepted or already seen under its key). An error that implements
// interface{ Permanent() bool } with Permanent() == true means the center refuses the record for
// good; any other error is transient and the record is tried again.
type Deliverer interface {
	Deliver(ctx context.Context, r Record) error
}

// BatchDeliverer is a Deliverer that can also hand over several records in one exchange. The
// outbox gives it only records that depend on no other record of the same call (no two for one
// issuance or reservation), in order. It returns one error per record (nil: acknowledged; a
// permanent error: refused for good), or an error for the call as a whole, after which every
// record of the call is tried again (the center's idempotency keys make that safe).
type BatchDeliverer interface {
	Deliverer
	DeliverBatch(ctx context.Context, rs []Record) ([]error, error)
}

// orderKey names what a record's order matters for: records for the same issuance (a void,
// then its refund) or reservation go to the center in order, one per batch call.
func orderKey(r Record) string {
	switch {
	case r.Payload.IssuanceID != "":
		return "i:" + string(r.Payload.IssuanceID)
	case r.Payload.ReservationID != "":
		return "r:" + string(r.Payload.ReservationID)
	}
	return ""
}

// IsPermanent reports whether err (or an error it wraps) says the center refused for good.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// SendOptions tune delivery. The zero value is usable.
type SendOptions struct {
	// MinBackoff and MaxBackoff bound the wait after a transient error; the wait doubles after
	// each consecutive failure and is jittered to between half and all of it.
	// Defaults 500 ms and 5 min.
	MinBackoff, MaxBackoff time.Duration
	// AttemptTimeout bounds one Deliver call. Default 30 s.
	AttemptTimeout time.Duration
	// Batch is how many records are delivered before their deletions are committed together
	// (one fsync per batch). A crash in between redelivers them, which the center's
	// idempotency keys absorb. Default 64.
	Batch int
	// OnError, if set, is called after every failed attempt (for logs and metrics). r is the
	// record that failed, or the zero Record for a storage error.
	OnError func(r Record, err error, permanent bool, wait time.Duration)
	// Sleep waits d or until ctx ends; nil means a timer. Tests replace it to observe backoff.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (o *SendOptions) defaults() {
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = 30 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 64
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Backoff returns the wait after the n-th consecutive failure (n ≥ 1): min·2^(n-1) capped at
// max, then jittered uniformly into [d/2, d].
func Backoff(n int, min, max time.Duration, rnd *rand.Rand) time.Duration {
	d := min
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	var j int64
	if rnd != nil {
		j = rnd.Int64N(int64(half) + 1)
	} else {
		j = rand.Int64N(int64(half) + 1)
	}
	return half + time.Duration(j)
}

// DrainResult counts what one Drain did.
type DrainResult struct {
	Delivered int // acknowledged and deleted
	Dead      int // refused for good and moved to the dead letters
}

// Run delivers pending records in order until ctx ends, waiting for new Appends when the outbox
// is empty and backing off after transient errors. A storage error (a full disk refusing the
// deletions, say) is backed off and retried like a center error: the records stay pending. Run
// returns ctx's error, or ErrClosed once the outbox is closed.
func (ob *Outbox) Run(ctx context.Context, d Deliverer, opts SendOptions) error {
	if ob.readOnly {
		return errors.New("outbox sender: outbox opened read-only")
	}
	opts.defaults()
	// Close cancels a running attempt or backoff too.
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-ob.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	stopped := func() error {
		if parent.Err() == nil {
			return fmt.Errorf("outbox sender: %w", ErrClosed)
		}
		return parent.Err()
	}
	fails := 0
	for {
		res, more, err := ob.deliverBatch(ctx, d, opts, fails)
		if res.Delivered > 0 || res.Dead > 0 {
			fails = 0
		}
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrClosed) {
				return stopped()
			}
			fails++
			wait := Backoff(fails, opts.MinBackoff, opts.MaxBackoff, nil)
			if opts.OnError != nil {
				var r Record
				var te *transientError
				if errors.As(err, &te) {
					r, err = te.r, te.err
				}
				opts.OnError(r, err, false, wait)
			}
			if err := ob.backoff(ctx, opts, wait); err != nil {
				return stopped()
			}
			continue
		}
		if more {
			continue
		}
		select {
		case <-ctx.Done():
			return stopped()
		case <-ob.wake:
		}
	}
}

// backoff waits out one backoff, or less when Nudge is called meanwhile.
func (ob *Outbox) backoff(ctx context.Context, opts SendOptions, wait time.Duration) error {
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-ob.nudge:
			cancel()
		case <-bctx.Done():
		}
	}()
	_ = opts.Sleep(bctx, wait) // cut short by a nudge; ctx's own end is what counts
	return ctx.Err()
}

// Nudge makes a running sender (Run) that is backing off after a delivery error try again now:
// the technician's "send now" once the link is back. Without a running sender it does nothing
// but leave the next backoff one wait shorter.
func (ob *Outbox) Nudge() {
	select {
	case ob.nudge <- struct{}{}:
	default:
	}
}

// Drain delivers pending records in order until the outbox is empty, and returns at the first
// transient error (with what was done so far) rather than retrying: it is the technician's
// `kioskctl outbox drain`.
func (ob *Outbox) Drain(ctx context.Context, d Deliverer, opts SendOptions) (DrainResult, error) {
	if ob.readOnly {
		return DrainResult{}, errors.New("drain: outbox opened read-only")
	}
	opts.defaults()
	var total DrainResult
	for {
		res, more, err := ob.deliverBatch(ctx, d, opts, 0)
		total.Delivered += res.Delivered
		total.Dead += res.Dead
		var te *transientError
		if errors.As(err, &te) {
			if opts.OnError != nil {
				opts.OnError(te.r, te.err, false, 0)
			}
			return total, fmt.Errorf("drain: %w", te)
		}
		if err != nil || !more {
			return total, err
		}
	}
}

// transientError carries the record a transient failure happened on.
type transientError struct {
	r   Record
	err error
}

func (e *transientError) Error() string {
	return fmt.Sprintf("deliver %s %s: %v", e.r.Kind, e.r.Key, e.err)
}
func (e *transientError) Unwrap() error { return e.err }

type pendingRec struct {
	key []byte
	r   Record
}

// deliverBatch reads up to opts.Batch records, delivers them in order, and commits the deletions
// and dead-letter moves in one transaction. more reports whether records may remain.
func (ob *Outbox) deliverBatch(ctx context.Context, d Deliverer, opts SendOptions, attempt int) (DrainResult, bool, error) {
	if err := ctx.Err(); err != nil {
		return DrainResult{}, false, err
	}
	var batch []pendingRec
	err := ob.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketPending).Cursor()
		for k, v := c.First(); k != nil && len(batch) < opts.Batch; k, v = c.Next() {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("%w: pending record %x: %v", ErrCorrupt, k, err)
			}
			batch = append(batch, pendingRec{key: append([]byte(nil), k...), r: r})
		}
		return nil
	})
	if err != nil {
		return DrainResult{}, false, fmt.Errorf("read pending records: %w", classify(err))
	}
	if len(batch) == 0 {
		return DrainResult{}, false, nil
	}
	var (
		acked   [][]byte
		dead    []DeadLetter
		deadKey [][]byte
		failure *transientError
	)
	// With a BatchDeliverer, consecutive records that do not depend on each other go in one
	// call; each record's answer is then handled below as if it had been delivered alone.
	bd, _ := d.(BatchDeliverer)
	answers := map[int]error{}
	for i, p := range batch {
		err, answered := answers[i]
		if bd != nil && !answered {
			j, seen := i, map[string]bool{}
			var rs []Record
			for ; j < len(batch); j++ {
				k := orderKey(batch[j].r)
				if k != "" && seen[k] {
					break
				}
				seen[k] = k != ""
				rs = append(rs, batch[j].r)
			}
			actx, cancel := context.WithTimeout(ctx, opts.AttemptTimeout)
			errs, callErr := bd.DeliverBatch(actx, rs)
			cancel()
			if callErr == nil && len(errs) != len(rs) {
				callErr = fmt.Errorf("batch delivery answered %d of %d records", len(errs), len(rs))
			}
			for n := range rs {
				if callErr != nil {
					answers[i+n] = callErr
				} else {
					answers[i+n] = errs[n]
				}
			}
			err = answers[i]
		} else if bd == nil {
			actx, cancel := context.WithTimeout(ctx, opts.AttemptTimeout)
			err = d.Deliver(actx, p.r)
			cancel()
		}
		if err == nil {
			acked = append(acked, p.key)
			continue
		}
		if IsPermanent(err) {
			if opts.OnError != nil {
				opts.OnError(p.r, err, true, 0)
			}
			dead = append(dead, DeadLetter{Seq: binary.BigEndian.Uint64(p.key), Record: p.r, Reason: err.Error(), At: ob.now().UTC(), Attempts: attempt + 1})
			deadKey = append(deadKey, p.key)
			continue
		}
		// In order: a record that failed for now blocks the ones behind it.
		failure = &transientError{r: p.r, err: err}
		break
	}
	now := []byte(ob.now().UTC().Format(time.RFC3339Nano))
	err = ob.db.Update(func(tx *bolt.Tx) error {
		pend, db, meta := tx.Bucket(bucketPending), tx.Bucket(bucketDead), tx.Bucket(bucketMeta)
		for _, k := range acked {
			if err := pend.Delete(k); err != nil {
				return err
			}
		}
		for i, dl := range dead {
			v, err := json.Marshal(dl)
			if err != nil {
				return err
			}
			if err := db.Put(deadKey[i], v); err != nil {
				return err
			}
			if err := pend.Delete(deadKey[i]); err != nil {
				return err
			}
		}
		if len(acked) > 0 {
			if err := meta.Put(metaLastDelivered, now); err != nil {
				return err
			}
		}
		var last error
		if failure != nil {
			last = failure
		} else if len(dead) > 0 {
			last = fmt.Errorf("center refused %s %s: %s", dead[len(dead)-1].Record.Kind, dead[len(dead)-1].Record.Key, dead[len(dead)-1].Reason)
		}
		if last != nil {
			msg := last.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			if err := meta.Put(metaLastError, []byte(msg)); err != nil {
				return err
			}
			if err := meta.Put(metaLastErrorAt, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// The center has these records; they stay pending and are delivered again.
		return DrainResult{}, false, fmt.Errorf("commit delivery of %d record(s): %w", len(acked)+len(dead), classify(err))
	}
	ob.mu.Lock()
	ob.held -= len(acked)
	ob.mu.Unlock()
	res := DrainResult{Delivered: len(acked), Dead: len(dead)}
	if failure != nil {
		return res, true, failure
	}
	return res, len(batch) == opts.Batch, nil
}
