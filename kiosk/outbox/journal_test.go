package outbox_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certkiosk/kiosk/outbox"

	bolt "go.etcd.io/bbolt"
)

// journalFile writes n entries, one a minute from t0, and closes the file.
func journalFile(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outbox.db")
	clock := t0
	ob, err := outbox.Open(path, &outbox.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	kinds := []outbox.EntryKind{outbox.EntrySessionStart, outbox.EntryPayment, outbox.EntryIssuance, outbox.EntrySessionEnd}
	for i := 1; i <= n; i++ {
		e, err := ob.Journal().Append(kinds[i%len(kinds)], outbox.Payload{SessionID: outbox.ID(fmt.Sprintf("sess-%04d", i)), AmountYen: 200})
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != uint64(i) {
			t.Fatalf("entry %d got seq %d", i, e.Seq)
		}
		clock = clock.Add(time.Minute)
	}
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// raw edits the journal bucket behind the package's back, as an attacker with the file would.
func raw(t *testing.T, path string, fn func(j, meta *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		return fn(tx.Bucket([]byte("journal")), tx.Bucket([]byte("meta")))
	}); err != nil {
		t.Fatal(err)
	}
}

func key(seq uint64) []byte { k := make([]byte, 8); binary.BigEndian.PutUint64(k, seq); return k }

func editEntry(t *testing.T, j *bolt.Bucket, seq uint64, mod func(*outbox.Entry)) {
	var e outbox.Entry
	if err := json.Unmarshal(j.Get(key(seq)), &e); err != nil {
		t.Fatal(err)
	}
	mod(&e)
	v, _ := json.Marshal(e)
	if err := j.Put(key(seq), v); err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, path string) (outbox.VerifyReport, error) {
	t.Helper()
	ob := open(t, path, &outbox.Options{ReadOnly: true})
	defer ob.Close()
	return ob.Journal().Verify()
}

func TestJournalVerifiesUntouchedChain(t *testing.T) {
	path := journalFile(t, 10)
	rep, err := verify(t, path)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Entries != 10 || rep.HeadSeq != 10 || rep.FirstSeq != 1 || len(rep.HeadHash) != 64 {
		t.Errorf("report = %+v", rep)
	}
	empty := filepath.Join(t.TempDir(), "e.db")
	ob, _ := outbox.Open(empty, nil)
	ob.Close()
	if rep, err := verify(t, empty); err != nil || rep.Entries != 0 {
		t.Errorf("empty journal: %+v, %v", rep, err)
	}
}

func TestJournalVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(t *testing.T, j, meta *bolt.Bucket)
		wantSeq uint64
		want    string
	}{
		{"edited amount", func(t *testing.T, j, _ *bolt.Bucket) {
			editEntry(t, j, 4, func(e *outbox.Entry) { e.Fields.AmountYen = 0 })
		}, 4, "edited"},
		{"edited and rehashed", func(t *testing.T, j, _ *bolt.Bucket) {
			// The attacker recomputes entry 4's own hash; entry 5 still names the old one.
			editEntry(t, j, 4, func(e *outbox.Entry) { e.Kind = outbox.EntryRefund; outbox.RehashForTest(e) })
		}, 5, "does not follow"},
		{"edited time", func(t *testing.T, j, _ *bolt.Bucket) {
			editEntry(t, j, 7, func(e *outbox.Entry) { e.Time = e.Time.Add(time.Hour) })
		}, 7, "edited"},
		{"removed from the middle", func(t *testing.T, j, _ *bolt.Bucket) { j.Delete(key(5)) }, 5, "missing"},
		{"removed from the start", func(t *testing.T, j, _ *bolt.Bucket) { j.Delete(key(1)); j.Delete(key(2)) }, 1, "missing"},
		{"removed from the end", func(t *testing.T, j, _ *bolt.Bucket) { j.Delete(key(10)) }, 10, "newest entries are missing"},
		{"reordered", func(t *testing.T, j, _ *bolt.Bucket) {
			a, b := append([]byte(nil), j.Get(key(3))...), append([]byte(nil), j.Get(key(6))...)
			j.Put(key(3), b)
			j.Put(key(6), a)
		}, 3, "reordered"},
		{"reordered with renumbering", func(t *testing.T, j, _ *bolt.Bucket) {
			var e3, e6 outbox.Entry
			json.Unmarshal(j.Get(key(3)), &e3)
			json.Unmarshal(j.Get(key(6)), &e6)
			e3.Seq, e6.Seq = 6, 3
			v3, _ := json.Marshal(e3)
			v6, _ := json.Marshal(e6)
			j.Put(key(3), v6)
			j.Put(key(6), v3)
		}, 3, "edited"},
		{"garbage value", func(t *testing.T, j, _ *bolt.Bucket) { j.Put(key(8), []byte("{not json")) }, 8, "unreadable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := journalFile(t, 10)
			raw(t, path, func(j, meta *bolt.Bucket) error { c.tamper(t, j, meta); return nil })
			_, err := verify(t, path)
			var ve *outbox.VerifyError
			if !errors.As(err, &ve) || !errors.Is(err, outbox.ErrJournalBroken) {
				t.Fatalf("Verify err = %v, want a *VerifyError", err)
			}
			if ve.Seq != c.wantSeq || !strings.Contains(ve.Problem, c.want) {
				t.Errorf("Verify = seq %d %q, want seq %d mentioning %q", ve.Seq, ve.Problem, c.wantSeq, c.want)
			}
		})
	}
}

func copyFile(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestJournalPruneKeepsChainVerifiable(t *testing.T) {
	path := journalFile(t, 10)
	clock := t0.Add(time.Hour)
	ob, err := outbox.Open(path, &outbox.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	// Entries 1..4 are older than t0+4m.
	n, err := ob.Journal().Prune(t0.Add(4 * time.Minute))
	if err != nil || n != 4 {
		t.Fatalf("Prune = %d, %v; want 4", n, err)
	}
	rep, err := ob.Journal().Verify()
	if err != nil {
		t.Fatalf("Verify after prune: %v", err)
	}
	if rep.FirstSeq != 5 || rep.Entries != 7 || rep.HeadSeq != 11 {
		t.Errorf("report after prune = %+v, want first 5, 7 entries (6 kept + checkpoint), head 11", rep)
	}
	// Appending and pruning again, past the first checkpoint, still verifies.
	if _, err := ob.Journal().Append(outbox.EntryMaintenance, outbox.Payload{Code: "door_open"}); err != nil {
		t.Fatal(err)
	}
	if n, err := ob.Journal().Prune(clock.Add(-time.Second)); err != nil || n != 6 {
		t.Fatalf("second Prune = %d, %v; want 6 (5..10)", n, err)
	}
	if n, err := ob.Journal().Prune(t0); err != nil || n != 0 {
		t.Fatalf("Prune with nothing old = %d, %v", n, err)
	}
	if rep, err = ob.Journal().Verify(); err != nil {
		t.Fatalf("Verify after second prune: %v", err)
	}
	var kinds []string
	ob.Journal().Entries(func(e outbox.Entry) error { kinds = append(kinds, string(e.Kind)); return nil })
	if got := strings.Join(kinds, ","); got != "checkpoint,maintenance,checkpoint" {
		t.Errorf("entries after pruning = %s", got)
	}
	ob.Close()

	// Removing the first kept entry, or moving the anchor to hide it, is still caught.
	t.Run("first kept entry removed", func(t *testing.T) {
		p := copyFile(t, path)
		raw(t, p, func(j, _ *bolt.Bucket) error { return j.Delete(key(rep.FirstSeq)) })
		if _, err := verify(t, p); !errors.Is(err, outbox.ErrJournalBroken) {
			t.Errorf("Verify = %v, want broken", err)
		}
	})
	t.Run("anchor moved", func(t *testing.T) {
		p := copyFile(t, path)
		raw(t, p, func(j, meta *bolt.Bucket) error {
			if err := j.Delete(key(rep.FirstSeq)); err != nil {
				return err
			}
			var e outbox.Entry
			json.Unmarshal(j.Get(key(rep.FirstSeq+1)), &e)
			v, _ := json.Marshal(outbox.Checkpoint{FirstSeq: e.Seq, FirstPrev: e.Prev})
			return meta.Put([]byte("journal_anchor"), v)
		})
		_, err := verify(t, p)
		var ve *outbox.VerifyError
		if !errors.As(err, &ve) || !strings.Contains(ve.Problem, "anchor") {
			t.Errorf("Verify = %v, want an anchor mismatch", err)
		}
	})
}

// Retain keeps the newest entries up to the capacity, checkpoint included, and the chain still
// verifies; a journal within its capacity is left alone.
func TestJournalRetainKeepsCapacity(t *testing.T) {
	path := journalFile(t, 10)
	ob, err := outbox.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	if n, err := ob.Journal().Retain(20); err != nil || n != 0 {
		t.Fatalf("Retain(20) of 10 = %d, %v", n, err)
	}
	n, err := ob.Journal().Retain(4)
	if err != nil || n != 7 {
		t.Fatalf("Retain(4) of 10 = %d, %v; want 7 removed", n, err)
	}
	rep, err := ob.Journal().Verify()
	if err != nil {
		t.Fatalf("Verify after retain: %v", err)
	}
	if rep.Entries != 4 || rep.FirstSeq != 8 || rep.HeadSeq != 11 {
		t.Errorf("after Retain(4): %+v, want 4 entries (3 kept + checkpoint) from 8 to 11", rep)
	}
	if _, err := ob.Journal().Retain(1); err == nil {
		t.Error("Retain(1) accepted: no room for the checkpoint")
	}
}
