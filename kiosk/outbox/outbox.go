package outbox

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Append stores r and returns only after the transaction holding it has been committed and
// fsync'd: a nil return is the promise that r survives a crash or a power cut (on storage that
// honours flushes). It returns an error wrapping ErrInvalid for a record that breaks the payload
// rules, ErrFull when the outbox holds Capacity records (counting reservations), ErrDiskFull when
// the storage refuses the write. On any error nothing was stored.
func (ob *Outbox) Append(r Record) error {
	return ob.append(r, nil)
}

// Reservation holds outbox slots for the records one paid transaction may need (a completion,
// or a void and a refund), so a transaction that has taken money can always record its outcome.
type Reservation struct {
	ob   *Outbox
	left int
}

// Reserve holds n slots for a paid transaction about to start. It returns ErrFull when fewer
// than n slots are free: the kiosk must then go out of service for paid transactions rather than
// take money it might not be able to account for. Release the reservation when the transaction
// ends; slots not used are returned.
func (ob *Outbox) Reserve(n int) (*Reservation, error) {
	if n <= 0 {
		return nil, fmt.Errorf("reserve %d outbox slots: n must be positive", n)
	}
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if free := ob.capacity - ob.held - ob.reserved; free < n {
		return nil, fmt.Errorf("reserve %d outbox slots: %w (%d held, %d reserved, capacity %d)", n, ErrFull, ob.held, ob.reserved, ob.capacity)
	}
	ob.reserved += n
	return &Reservation{ob: ob, left: n}, nil
}

// CanAcceptPaid reports whether a paid transaction needing n records could start now.
func (ob *Outbox) CanAcceptPaid(n int) bool { return ob.Headroom() >= n }

// Headroom is the number of records that can still be appended without a reservation.
func (ob *Outbox) Headroom() int {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	return max(0, ob.capacity-ob.held-ob.reserved)
}

// Append stores r using one of the reservation's slots (or, when all are used, like
// Outbox.Append).
func (res *Reservation) Append(r Record) error { return res.ob.append(r, res) }

// Release returns the slots not used. It is safe to call more than once.
func (res *Reservation) Release() {
	res.ob.mu.Lock()
	defer res.ob.mu.Unlock()
	res.ob.reserved -= res.left
	res.left = 0
}

func (ob *Outbox) append(r Record, res *Reservation) error {
	if ob.readOnly {
		return fmt.Errorf("append %s %s: outbox opened read-only", r.Kind, r.Key)
	}
	if err := r.Validate(); err != nil {
		return fmt.Errorf("append: %w", err)
	}
	r.Created = r.Created.UTC()
	val, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("append %s %s: %w", r.Kind, r.Key, err)
	}

	// Take a slot first so concurrent appends can never overfill.
	ob.mu.Lock()
	usedReserved := res != nil && res.left > 0
	switch {
	case usedReserved:
		res.left--
		ob.reserved--
	case ob.capacity-ob.held-ob.reserved < 1:
		held, capacity := ob.held, ob.capacity
		ob.mu.Unlock()
		return fmt.Errorf("append %s %s: %w (%d records held, capacity %d)", r.Kind, r.Key, ErrFull, held, capacity)
	}
	ob.held++
	ob.mu.Unlock()

	err = ob.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPending)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(seqKey(seq), val)
	})
	if err != nil {
		ob.mu.Lock()
		ob.held--
		if usedReserved {
			res.left++
			ob.reserved++
		}
		ob.mu.Unlock()
		return fmt.Errorf("append %s %s: %w", r.Kind, r.Key, classify(err))
	}
	select {
	case ob.wake <- struct{}{}:
	default:
	}
	return nil
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

// Pending calls fn for each record waiting for delivery, oldest first, with its sequence number.
func (ob *Outbox) Pending(fn func(seq uint64, r Record) error) error {
	return ob.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPending).ForEach(func(k, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("%w: pending record %x: %v", ErrCorrupt, k, err)
			}
			return fn(binary.BigEndian.Uint64(k), r)
		})
	})
}

// DeadLetter is a record the center refused for good, with the refusal.
type DeadLetter struct {
	Seq      uint64    `json:"seq"`
	Record   Record    `json:"record"`
	Reason   string    `json:"reason"` // the center's answer, for the technician
	At       time.Time `json:"at"`
	Attempts int       `json:"attempts"`
}

// DeadLetters calls fn for each dead letter, oldest first.
func (ob *Outbox) DeadLetters(fn func(DeadLetter) error) error {
	return ob.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDead).ForEach(func(k, v []byte) error {
			var d DeadLetter
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("%w: dead letter %x: %v", ErrCorrupt, k, err)
			}
			return fn(d)
		})
	})
}

// Stats is what a technician needs to know about an outbox.
type Stats struct {
	Pending         int       `json:"pending"`                // records waiting for delivery (the depth)
	Dead            int       `json:"dead"`                   // records the center refused
	Capacity        int       `json:"capacity"`               // records the outbox may hold
	Reserved        int       `json:"reserved"`               // slots held by running transactions
	Headroom        int       `json:"headroom"`               // records that can still be appended
	Oldest          time.Time `json:"oldest,omitzero"`        // creation time of the oldest pending record
	LastError       string    `json:"last_error,omitempty"`   // last delivery error
	LastErrorAt     time.Time `json:"last_error_at,omitzero"` // when it happened
	LastDeliveredAt time.Time `json:"last_delivered_at,omitzero"`
	JournalEntries  int       `json:"journal_entries"`
	JournalHead     uint64    `json:"journal_head"` // sequence number of the newest journal entry
}

// OldestAge is how long the oldest pending record has waited at now (zero when none waits).
func (s Stats) OldestAge(now time.Time) time.Duration {
	if s.Oldest.IsZero() {
		return 0
	}
	return now.Sub(s.Oldest)
}

// Stats reads the outbox's counters from the file.
func (ob *Outbox) Stats() (Stats, error) {
	var s Stats
	err := ob.db.View(func(tx *bolt.Tx) error {
		p := tx.Bucket(bucketPending)
		s.Pending = p.Stats().KeyN
		s.Dead = tx.Bucket(bucketDead).Stats().KeyN
		if _, v := p.Cursor().First(); v != nil {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("%w: oldest pending record: %v", ErrCorrupt, err)
			}
			s.Oldest = r.Created
		}
		meta := tx.Bucket(bucketMeta)
		s.LastError = string(meta.Get(metaLastError))
		s.LastErrorAt = parseTime(meta.Get(metaLastErrorAt))
		s.LastDeliveredAt = parseTime(meta.Get(metaLastDelivered))
		j := tx.Bucket(bucketJournal)
		s.JournalEntries = j.Stats().KeyN
		if k, _ := j.Cursor().Last(); k != nil {
			s.JournalHead = binary.BigEndian.Uint64(k)
		}
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("outbox stats: %w", err)
	}
	ob.mu.Lock()
	s.Capacity, s.Reserved = ob.capacity, ob.reserved
	s.Headroom = max(0, ob.capacity-s.Pending-s.Dead-ob.reserved)
	ob.mu.Unlock()
	return s, nil
}

func parseTime(b []byte) time.Time {
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}
	}
	return t
}

// RequeueDead moves every dead letter back to the end of the pending queue (after a
// technician has settled the refusal with the center) and journals it as maintenance. It
// returns how many records were moved. Nothing is deleted.
func (ob *Outbox) RequeueDead() (int, error) {
	if ob.readOnly {
		return 0, fmt.Errorf("requeue dead letters: outbox opened read-only")
	}
	n := 0
	err := ob.db.Update(func(tx *bolt.Tx) error {
		dead, pend := tx.Bucket(bucketDead), tx.Bucket(bucketPending)
		var keys [][]byte
		err := dead.ForEach(func(k, v []byte) error {
			var d DeadLetter
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("%w: dead letter %x: %v", ErrCorrupt, k, err)
			}
			val, err := json.Marshal(d.Record)
			if err != nil {
				return err
			}
			seq, err := pend.NextSequence()
			if err != nil {
				return err
			}
			keys = append(keys, append([]byte(nil), k...))
			return pend.Put(seqKey(seq), val)
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := dead.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		if n == 0 {
			return nil
		}
		_, err = appendEntry(tx, EntryMaintenance, Payload{Code: "requeue_dead_letters", Count: n}, nil, ob.now())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("requeue dead letters: %w", classify(err))
	}
	if n > 0 {
		select {
		case ob.wake <- struct{}{}:
		default:
		}
	}
	return n, nil
}
