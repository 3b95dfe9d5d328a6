package outbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// EntryKind says what the kiosk did: a code (1–40 of [a-z0-9_]). The constants are the
// common ones; the session machine may journal its own codes ("login", "refused", …).
// "checkpoint" is reserved for Prune.
type EntryKind string

const (
	EntrySessionStart EntryKind = "session_start"
	EntrySessionEnd   EntryKind = "session_end"
	EntryIssuance     EntryKind = "issuance" // a document printed (issuance id, type, copies)
	EntryPayment      EntryKind = "payment"
	EntryRefund       EntryKind = "refund"
	EntryVoid         EntryKind = "void"
	EntryPINReset     EntryKind = "pin_reset"
	EntryError        EntryKind = "error"
	EntryMaintenance  EntryKind = "maintenance" // maintenance key, door, technician command
	EntryCheckpoint   EntryKind = "checkpoint"  // written by Prune; never by callers
)

// Entry is one link of the hash chain. Hash is SHA-256 over the entry's other fields (including
// Prev, the hash of the entry before), so editing, removing or reordering any entry breaks the
// chain at that point.
type Entry struct {
	Seq        uint64      `json:"seq"`
	Time       time.Time   `json:"time"`
	Kind       EntryKind   `json:"kind"`
	Fields     Payload     `json:"fields"`
	Checkpoint *Checkpoint `json:"checkpoint,omitempty"`
	Prev       string      `json:"prev"`
	Hash       string      `json:"hash"`
}

// Checkpoint records a pruning: entries before FirstSeq were removed, and the first kept entry
// follows a hash of FirstPrev. The checkpoint entry is itself chained, so the anchor it names
// cannot be changed without breaking the chain.
type Checkpoint struct {
	FirstSeq  uint64    `json:"first_seq"`
	FirstPrev string    `json:"first_prev"`
	Pruned    int       `json:"pruned"`
	Through   time.Time `json:"through"` // time of the newest pruned entry
}

var zeroHash = strings.Repeat("0", 64)

// ErrJournalBroken is wrapped by the *VerifyError Verify returns.
var ErrJournalBroken = errors.New("journal hash chain broken")

// VerifyError says where the chain first breaks.
type VerifyError struct {
	Seq     uint64 // the first entry that does not verify (or the first missing one)
	Problem string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("%v at seq %d: %s", ErrJournalBroken, e.Seq, e.Problem)
}
func (e *VerifyError) Unwrap() error { return ErrJournalBroken }

// Journal is the kiosk's audit journal, kept in the same file as the outbox (one lock, one
// fsync path, one file to back up) in its own bucket.
type Journal struct{ ob *Outbox }

// Journal returns the outbox file's audit journal.
func (ob *Outbox) Journal() *Journal { return ob.journal }

type head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

func (e *Entry) computeHash() string {
	h := sha256.New()
	// A fixed, length-prefixed encoding: JSON of a struct is deterministic in field order.
	body, _ := json.Marshal(struct {
		Seq        uint64      `json:"seq"`
		TimeNS     int64       `json:"time_ns"`
		Kind       EntryKind   `json:"kind"`
		Fields     Payload     `json:"fields"`
		Checkpoint *Checkpoint `json:"checkpoint,omitempty"`
		Prev       string      `json:"prev"`
	}{e.Seq, e.Time.UnixNano(), e.Kind, e.Fields, e.Checkpoint, e.Prev})
	h.Write([]byte("certkiosk-journal-1\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Append adds an entry and returns it once it is durable.
func (j *Journal) Append(kind EntryKind, fields Payload) (Entry, error) {
	if !validCode(Code(kind)) || kind == EntryCheckpoint {
		return Entry{}, fmt.Errorf("journal append: %w: kind %q is not a code or is reserved", ErrInvalid, kind)
	}
	if err := fields.Validate(); err != nil {
		return Entry{}, fmt.Errorf("journal append %s: %w", kind, err)
	}
	var e Entry
	err := j.ob.db.Update(func(tx *bolt.Tx) error {
		var err error
		e, err = appendEntry(tx, kind, fields, nil, j.ob.now())
		return err
	})
	if err != nil {
		return Entry{}, fmt.Errorf("journal append %s: %w", kind, classify(err))
	}
	return e, nil
}

func appendEntry(tx *bolt.Tx, kind EntryKind, fields Payload, cp *Checkpoint, now time.Time) (Entry, error) {
	meta, b := tx.Bucket(bucketMeta), tx.Bucket(bucketJournal)
	h := head{Hash: zeroHash}
	if v := meta.Get(metaJournalHead); v != nil {
		if err := json.Unmarshal(v, &h); err != nil {
			return Entry{}, fmt.Errorf("%w: journal head: %v", ErrCorrupt, err)
		}
	}
	e := Entry{Seq: h.Seq + 1, Time: now.UTC().Round(0), Kind: kind, Fields: fields, Checkpoint: cp, Prev: h.Hash}
	e.Hash = e.computeHash()
	v, err := json.Marshal(e)
	if err != nil {
		return Entry{}, err
	}
	if err := b.Put(seqKey(e.Seq), v); err != nil {
		return Entry{}, err
	}
	hv, _ := json.Marshal(head{Seq: e.Seq, Hash: e.Hash})
	return e, meta.Put(metaJournalHead, hv)
}

// Entries calls fn for each entry in the file, oldest first, without verifying.
func (j *Journal) Entries(fn func(Entry) error) error {
	return j.ob.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJournal).ForEach(func(k, v []byte) error {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("%w: journal entry %x: %v", ErrCorrupt, k, err)
			}
			return fn(e)
		})
	})
}

// VerifyReport summarises a successful Verify.
type VerifyReport struct {
	Entries  int    // entries walked
	FirstSeq uint64 // first entry present (after pruning, the checkpoint's anchor)
	HeadSeq  uint64
	HeadHash string
}

// Verify walks the whole chain and returns a *VerifyError (wrapping ErrJournalBroken) naming the
// first entry that was edited, removed or reordered, or that breaks the pruning anchor.
func (j *Journal) Verify() (VerifyReport, error) {
	var rep VerifyReport
	err := j.ob.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		wantSeq, wantPrev := uint64(1), zeroHash
		var anchor *Checkpoint
		if v := meta.Get(metaJournalAnchor); v != nil {
			anchor = new(Checkpoint)
			if err := json.Unmarshal(v, anchor); err != nil {
				return &VerifyError{Seq: 0, Problem: "pruning anchor unreadable: " + err.Error()}
			}
			wantSeq, wantPrev = anchor.FirstSeq, anchor.FirstPrev
		}
		rep.FirstSeq = wantSeq
		var lastCP *Checkpoint
		c := tx.Bucket(bucketJournal).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(k) != 8 {
				return &VerifyError{Seq: wantSeq, Problem: fmt.Sprintf("foreign key %x in the journal", k)}
			}
			keySeq := binary.BigEndian.Uint64(k)
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return &VerifyError{Seq: keySeq, Problem: "entry unreadable (edited): " + err.Error()}
			}
			switch {
			case keySeq < wantSeq:
				return &VerifyError{Seq: keySeq, Problem: fmt.Sprintf("entry precedes the first kept entry %d (inserted, or the anchor was edited)", wantSeq)}
			case keySeq > wantSeq:
				return &VerifyError{Seq: wantSeq, Problem: fmt.Sprintf("entries %d to %d are missing (removed)", wantSeq, keySeq-1)}
			case e.Seq != keySeq:
				return &VerifyError{Seq: keySeq, Problem: fmt.Sprintf("entry stored at %d says it is entry %d (reordered)", keySeq, e.Seq)}
			case e.Hash != e.computeHash():
				return &VerifyError{Seq: keySeq, Problem: "content does not match its hash (edited)"}
			case e.Prev != wantPrev:
				return &VerifyError{Seq: keySeq, Problem: "does not follow the entry before it (an entry before it was edited, removed or reordered)"}
			}
			if e.Kind == EntryCheckpoint {
				if e.Checkpoint == nil {
					return &VerifyError{Seq: keySeq, Problem: "checkpoint entry without its anchor"}
				}
				lastCP = e.Checkpoint
			}
			rep.Entries++
			wantSeq, wantPrev = keySeq+1, e.Hash
		}
		var h head
		if v := meta.Get(metaJournalHead); v != nil {
			if err := json.Unmarshal(v, &h); err != nil {
				return &VerifyError{Seq: wantSeq, Problem: "journal head unreadable: " + err.Error()}
			}
		}
		if h.Seq == 0 && rep.Entries == 0 && anchor == nil {
			return nil // an empty journal
		}
		if h.Seq != wantSeq-1 || h.Hash != wantPrev {
			return &VerifyError{Seq: wantSeq, Problem: fmt.Sprintf("the newest entries are missing: head is %d, chain ends at %d (removed from the end)", h.Seq, wantSeq-1)}
		}
		if anchor != nil && (lastCP == nil || lastCP.FirstSeq != anchor.FirstSeq || lastCP.FirstPrev != anchor.FirstPrev) {
			return &VerifyError{Seq: anchor.FirstSeq, Problem: "pruning anchor does not match the newest checkpoint entry (entries removed without a checkpoint)"}
		}
		rep.HeadSeq, rep.HeadHash = h.Seq, h.Hash
		return nil
	})
	if err != nil {
		var ve *VerifyError
		if errors.As(err, &ve) {
			return rep, err
		}
		return rep, fmt.Errorf("journal verify: %w", err)
	}
	return rep, nil
}

// Prune removes entries older than before and chains a checkpoint entry that anchors the first
// kept entry, so Verify still proves the rest. It returns how many entries were removed. The
// removal and the checkpoint are one transaction.
func (j *Journal) Prune(before time.Time) (int, error) {
	return j.prune("journal prune", func(_ int, e Entry) bool { return e.Time.Before(before) })
}

// Retain keeps the newest max entries (the checkpoint it chains counts among them) and removes
// the older ones as Prune does: the kiosk's storage.journal_capacity.
func (j *Journal) Retain(max int) (int, error) {
	if max < 2 {
		return 0, fmt.Errorf("journal retain %d: keep at least 2 entries", max)
	}
	total := 0
	if err := j.ob.db.View(func(tx *bolt.Tx) error {
		total = tx.Bucket(bucketJournal).Stats().KeyN
		return nil
	}); err != nil {
		return 0, fmt.Errorf("journal retain: %w", classify(err))
	}
	excess := total - (max - 1) // room for the checkpoint entry
	if excess <= 0 {
		return 0, nil
	}
	return j.prune("journal retain", func(i int, _ Entry) bool { return i < excess })
}

// prune removes the oldest entries while remove says so, and chains a checkpoint.
func (j *Journal) prune(what string, remove func(i int, e Entry) bool) (int, error) {
	n := 0
	err := j.ob.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJournal)
		c := b.Cursor()
		var (
			last    Entry
			victims [][]byte
		)
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("%w: journal entry %x: %v", ErrCorrupt, k, err)
			}
			if !remove(len(victims), e) {
				break
			}
			last = e
			victims = append(victims, bytes.Clone(k))
		}
		if len(victims) == 0 {
			return nil
		}
		for _, k := range victims {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		cp := &Checkpoint{FirstSeq: last.Seq + 1, FirstPrev: last.Hash, Pruned: len(victims), Through: last.Time}
		av, _ := json.Marshal(cp)
		if err := tx.Bucket(bucketMeta).Put(metaJournalAnchor, av); err != nil {
			return err
		}
		if _, err := appendEntry(tx, EntryCheckpoint, Payload{Count: len(victims)}, cp, j.ob.now()); err != nil {
			return err
		}
		n = len(victims)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, classify(err))
	}
	return n, nil
}
