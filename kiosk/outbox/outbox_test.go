package outbox_test

import (
	"bytes"
	"context"
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

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func rec(i int) outbox.Record {
	return outbox.Record{
		Kind:    outbox.KindCompletion,
		Key:     outbox.ID(fmt.Sprintf("cmpl-%06d", i)),
		Created: t0.Add(time.Duration(i) * time.Second),
		Payload: outbox.Payload{
			SessionID: outbox.ID(fmt.Sprintf("sess-%04d", i)), IssuanceID: outbox.ID(fmt.Sprintf("iss-%04d", i)),
			Municipality: "131016", CertType: "juminhyo", Copies: 1, Pages: 1, AmountYen: 200,
		},
	}
}

func open(t testing.TB, path string, o *outbox.Options) *outbox.Outbox {
	t.Helper()
	ob, err := outbox.Open(path, o)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { ob.Close() })
	return ob
}

func pendingKeys(t testing.TB, ob *outbox.Outbox) []string {
	t.Helper()
	var keys []string
	if err := ob.Pending(func(_ uint64, r outbox.Record) error {
		keys = append(keys, string(r.Key))
		return nil
	}); err != nil {
		t.Fatalf("Pending: %v", err)
	}
	return keys
}

func TestAppendSurvivesReopenInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := outbox.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := ob.Append(rec(i)); err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
	}
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}
	ob = open(t, path, &outbox.Options{ReadOnly: true})
	var got []outbox.Record
	ob.Pending(func(_ uint64, r outbox.Record) error { got = append(got, r); return nil })
	if len(got) != 5 {
		t.Fatalf("got %d records after reopen, want 5", len(got))
	}
	for i, r := range got {
		want := rec(i)
		if r.Key != want.Key || !r.Created.Equal(want.Created) || r.Payload != want.Payload || r.Kind != want.Kind {
			t.Errorf("record %d = %+v, want %+v", i, r, want)
		}
	}
	st, err := ob.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 5 || !st.Oldest.Equal(t0) || st.OldestAge(t0.Add(time.Minute)) != time.Minute {
		t.Errorf("stats = %+v", st)
	}
	if err := ob.Append(rec(9)); err == nil {
		t.Error("Append on a read-only outbox succeeded")
	}
}

func TestAppendRefusesPersonalDataShapes(t *testing.T) {
	ob := open(t, filepath.Join(t.TempDir(), "o.db"), nil)
	bad := []struct {
		name string
		mod  func(*outbox.Record)
	}{
		{"name as session id", func(r *outbox.Record) { r.Payload.SessionID = "Yamada Taro" }},
		{"japanese name as issuance id", func(r *outbox.Record) { r.Payload.IssuanceID = "山田太郎1" }},
		{"word without digit as id", func(r *outbox.Record) { r.Payload.PaymentID = "yamada" }},
		{"address as code", func(r *outbox.Record) { r.Payload.Code = "Chiyoda 1-1" }},
		{"upper-case code", func(r *outbox.Record) { r.Payload.CertType = "Juminhyo" }},
		{"municipality not 6 digits", func(r *outbox.Record) { r.Payload.Municipality = "Tokyo1" }},
		{"status word not hex", func(r *outbox.Record) { r.Payload.SW = "PIN1" }},
		{"status word lower case", func(r *outbox.Record) { r.Payload.SW = "63c2" }},
		{"negative printed", func(r *outbox.Record) { r.Payload.Printed = -1 }},
		{"name as txn", func(r *outbox.Record) { r.Payload.TransactionID = "Suzuki Hanako" }},
		{"negative amount", func(r *outbox.Record) { r.Payload.AmountYen = -200 }},
		{"unknown kind", func(r *outbox.Record) { r.Kind = "note" }},
		{"key with space", func(r *outbox.Record) { r.Key = "key 1" }},
		{"4-digit PIN as id", func(r *outbox.Record) { r.Payload.PaymentID = "1234" }},
		{"個人番号 as id", func(r *outbox.Record) { r.Payload.IssuanceID = "123456789018" }},
		{"個人番号 with dashes as id", func(r *outbox.Record) { r.Payload.SessionID = "1234-5678-9018" }},
		{"slash (not in the center's key alphabet)", func(r *outbox.Record) { r.Key = "kiosk-1/completion/2" }},
		{"long id", func(r *outbox.Record) { r.Key = outbox.ID(strings.Repeat("1", 129)) }},
		{"no creation time", func(r *outbox.Record) { r.Created = time.Time{} }},
	}
	for _, c := range bad {
		r := rec(1)
		c.mod(&r)
		if err := ob.Append(r); !errors.Is(err, outbox.ErrInvalid) {
			t.Errorf("%s: Append err = %v, want ErrInvalid", c.name, err)
		}
	}
	if keys := pendingKeys(t, ob); len(keys) != 0 {
		t.Errorf("invalid records were stored: %v", keys)
	}
	if _, err := ob.Journal().Append(outbox.EntrySessionStart, outbox.Payload{SessionID: "Taro Yamada"}); !errors.Is(err, outbox.ErrInvalid) {
		t.Errorf("journal accepted a name: %v", err)
	}
	if _, err := ob.Journal().Append("Yamada Taro", outbox.Payload{}); !errors.Is(err, outbox.ErrInvalid) {
		t.Errorf("journal accepted a name as kind: %v", err)
	}
	if _, err := ob.Journal().Append("login", outbox.Payload{SW: "63C2"}); err != nil {
		t.Errorf("journal refused a session machine code: %v", err)
	}
	if _, err := ob.Journal().Append(outbox.EntryCheckpoint, outbox.Payload{}); !errors.Is(err, outbox.ErrInvalid) {
		t.Errorf("journal accepted a caller's checkpoint: %v", err)
	}
}

func TestCapacityAndReservations(t *testing.T) {
	ob := open(t, filepath.Join(t.TempDir(), "o.db"), &outbox.Options{Capacity: 4})
	for i := range 2 {
		if err := ob.Append(rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	if !ob.CanAcceptPaid(2) || ob.CanAcceptPaid(3) {
		t.Fatalf("headroom %d, want 2", ob.Headroom())
	}
	res, err := ob.Reserve(2)
	if err != nil {
		t.Fatal(err)
	}
	if ob.Headroom() != 0 || ob.CanAcceptPaid(1) {
		t.Errorf("headroom after reserving = %d, want 0", ob.Headroom())
	}
	if _, err := ob.Reserve(1); !errors.Is(err, outbox.ErrFull) {
		t.Errorf("second Reserve err = %v, want ErrFull", err)
	}
	if err := ob.Append(rec(10)); !errors.Is(err, outbox.ErrFull) {
		t.Errorf("unreserved Append into reserved space err = %v, want ErrFull", err)
	}
	// The transaction's own records always fit.
	if err := res.Append(rec(11)); err != nil {
		t.Fatalf("reserved Append: %v", err)
	}
	res.Release()
	res.Release() // harmless twice
	if h := ob.Headroom(); h != 1 {
		t.Errorf("headroom after release = %d, want 1", h)
	}
	if err := ob.Append(rec(12)); err != nil {
		t.Fatal(err)
	}
	if err := ob.Append(rec(13)); !errors.Is(err, outbox.ErrFull) {
		t.Errorf("Append past capacity err = %v, want ErrFull", err)
	}
	if got := pendingKeys(t, ob); len(got) != 4 {
		t.Errorf("pending = %v, want 4 records", got)
	}
	st, _ := ob.Stats()
	if st.Headroom != 0 || st.Capacity != 4 {
		t.Errorf("stats = %+v", st)
	}
}

func TestCapacityCountsExistingRecordsOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.db")
	ob, _ := outbox.Open(path, &outbox.Options{Capacity: 3})
	for i := range 3 {
		if err := ob.Append(rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	ob.Close()
	ob = open(t, path, &outbox.Options{Capacity: 3})
	if err := ob.Append(rec(3)); !errors.Is(err, outbox.ErrFull) {
		t.Errorf("Append into a full reopened outbox: %v, want ErrFull", err)
	}
}

func TestLockedFileGivesErrLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.db")
	ob := open(t, path, nil)
	if err := ob.Append(rec(1)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := outbox.Open(path, &outbox.Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, outbox.ErrLocked) {
		t.Fatalf("second Open err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("lock timeout not honoured: waited %v", d)
	}
	if _, err := outbox.Open(path, &outbox.Options{ReadOnly: true, LockTimeout: 100 * time.Millisecond}); !errors.Is(err, outbox.ErrLocked) {
		t.Errorf("read-only Open of a locked file err = %v, want ErrLocked", err)
	}
	if _, err := outbox.Open(path, &outbox.Options{LockTimeout: -1}); err == nil {
		t.Error("negative lock timeout accepted")
	}
	// The record is still there for the holder.
	if keys := pendingKeys(t, ob); len(keys) != 1 {
		t.Errorf("pending = %v", keys)
	}
}

func TestReadOnlyOpenOfMissingFileDoesNotCreateIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	for _, o := range []*outbox.Options{{ReadOnly: true}, {MustExist: true}} {
		if _, err := outbox.Open(path, o); !errors.Is(err, outbox.ErrNotExist) {
			t.Errorf("Open(%+v) err = %v, want ErrNotExist", o, err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("file was created: %v", err)
	}
}

// corruptions returns files that must be refused without being changed.
func corruptions(t *testing.T) map[string][]byte {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	ob, err := outbox.Open(good, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := ob.Append(rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	ob.Close()
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	flipMeta := bytes.Clone(data)
	for i := 16; i < 64; i++ { // both meta pages' contents: checksums fail
		flipMeta[i] ^= 0xff
		flipMeta[page+i] ^= 0xff
	}
	// A data page hit by garbage: meta pages intact, the tree behind them broken.
	smashed := bytes.Clone(data)
	for p := 2; p*page < len(smashed); p++ {
		if bytes.Contains(smashed[p*page:(p+1)*page], []byte("cmpl-000010")) {
			for i := p * page; i < p*page+64; i++ {
				smashed[i] = 0xA5
			}
			break
		}
	}
	if bytes.Equal(smashed, data) {
		t.Fatal("did not find a leaf page to smash")
	}
	notOutbox := filepath.Join(dir, "other.db")
	bdb, err := bolt.Open(notOutbox, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	bdb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
	bdb.Close()
	other, _ := os.ReadFile(notOutbox)
	return map[string][]byte{
		"garbage":         bytes.Repeat([]byte("this is not a database "), 2000),
		"truncated":       data[:100],
		"both metas bad":  flipMeta,
		"leaf page smash": smashed,
		"foreign bbolt":   other,
	}
}

func TestCorruptFileIsRefusedAndNeverChanged(t *testing.T) {
	for name, content := range corruptions(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "outbox.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, o := range []*outbox.Options{nil, {ReadOnly: true}} {
				ob, err := outbox.Open(path, o)
				if err == nil {
					ob.Close()
					t.Fatalf("Open(%+v) of a corrupt file succeeded", o)
				}
				if !errors.Is(err, outbox.ErrCorrupt) {
					t.Errorf("Open(%+v) err = %v, want ErrCorrupt", o, err)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(after, content) {
				t.Fatalf("corrupt file was changed by Open (err %v)", err)
			}
			// Only the explicit command moves it aside, and only then does a fresh Open work.
			dst, err := outbox.MoveAside(path, t0)
			if err != nil {
				t.Fatalf("MoveAside: %v", err)
			}
			if moved, _ := os.ReadFile(dst); !bytes.Equal(moved, content) {
				t.Error("moved-aside file differs from the original")
			}
			ob := open(t, path, nil)
			if keys := pendingKeys(t, ob); len(keys) != 0 {
				t.Errorf("fresh outbox not empty: %v", keys)
			}
		})
	}
}

func TestMoveAsideRefusesGoodOrLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, _ := outbox.Open(path, nil)
	ob.Append(rec(1))
	if _, err := outbox.MoveAside(path, t0); !errors.Is(err, outbox.ErrLocked) {
		t.Errorf("MoveAside of an open outbox err = %v, want ErrLocked", err)
	}
	ob.Close()
	if _, err := outbox.MoveAside(path, t0); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("MoveAside of a good outbox err = %v, want a refusal", err)
	}
	ob = open(t, path, nil)
	if keys := pendingKeys(t, ob); len(keys) != 1 {
		t.Errorf("good outbox lost its record: %v", keys)
	}
}

func TestClosedOutboxSaysSo(t *testing.T) {
	ob, err := outbox.Open(filepath.Join(t.TempDir(), "o.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ob.Close()
	if err := ob.Append(rec(1)); !errors.Is(err, outbox.ErrClosed) {
		t.Errorf("Append after Close err = %v, want ErrClosed", err)
	}
	if _, err := ob.Stats(); err == nil {
		t.Error("Stats after Close succeeded")
	}
	if h := ob.Headroom(); h != outbox.DefaultCapacity {
		t.Errorf("failed Append leaked a slot: headroom %d", h)
	}
}

type refuseAll struct{}

func (refuseAll) Deliver(context.Context, outbox.Record) error { return permanentErr{} }

type permanentErr struct{}

func (permanentErr) Error() string   { return "refused: unknown_issuance" }
func (permanentErr) Permanent() bool { return true }

type collect struct{ keys []string }

func (c *collect) Deliver(_ context.Context, r outbox.Record) error {
	c.keys = append(c.keys, string(r.Key))
	return nil
}

func TestDeadLettersCountAgainstCapacityAndRequeue(t *testing.T) {
	ob := open(t, filepath.Join(t.TempDir(), "o.db"), &outbox.Options{Capacity: 3})
	for i := range 3 {
		if err := ob.Append(rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := ob.Drain(context.Background(), refuseAll{}, outbox.SendOptions{})
	if err != nil || res.Dead != 3 || res.Delivered != 0 {
		t.Fatalf("Drain = %+v, %v", res, err)
	}
	if err := ob.Append(rec(3)); !errors.Is(err, outbox.ErrFull) {
		t.Errorf("Append with 3 dead letters in a 3-record outbox: %v, want ErrFull", err)
	}
	st, _ := ob.Stats()
	if st.Dead != 3 || st.Pending != 0 || !strings.Contains(st.LastError, "unknown_issuance") {
		t.Errorf("stats = %+v", st)
	}
	n, err := ob.RequeueDead()
	if err != nil || n != 3 {
		t.Fatalf("RequeueDead = %d, %v", n, err)
	}
	c := &collect{}
	if res, err := ob.Drain(context.Background(), c, outbox.SendOptions{}); err != nil || res.Delivered != 3 {
		t.Fatalf("Drain after requeue = %+v, %v", res, err)
	}
	if strings.Join(c.keys, ",") != "cmpl-000000,cmpl-000001,cmpl-000002" {
		t.Errorf("requeued order %v", c.keys)
	}
	if ob.Headroom() != 3 {
		t.Errorf("headroom after delivery = %d", ob.Headroom())
	}
	var last outbox.Entry
	ob.Journal().Entries(func(e outbox.Entry) error { last = e; return nil })
	if last.Kind != outbox.EntryMaintenance || last.Fields.Count != 3 {
		t.Errorf("requeue not journaled: %+v", last)
	}
}

func TestRunStopsWhenClosed(t *testing.T) {
	ob, err := outbox.Open(filepath.Join(t.TempDir(), "o.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ob.Append(rec(1))
	done := make(chan error, 1)
	c := &collect{}
	go func() { done <- ob.Run(context.Background(), c, outbox.SendOptions{MinBackoff: time.Millisecond}) }()
	for i := 0; i < 1000 && ob.Headroom() != outbox.DefaultCapacity; i++ {
		time.Sleep(time.Millisecond)
	}
	ob.Close()
	ob.Append(rec(2)) // wakes the sender, which finds the file closed
	select {
	case err := <-done:
		if !errors.Is(err, outbox.ErrClosed) {
			t.Errorf("Run after Close = %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop after Close")
	}
}

func TestAppendAcceptsRealIDShapes(t *testing.T) {
	ob := open(t, filepath.Join(t.TempDir(), "o.db"), nil)
	r := rec(1)
	r.Kind = outbox.KindPINReset
	r.Key = "kiosk-0001-20261122T093000Z-3:pin_reset_result:12"
	r.Payload = outbox.Payload{
		TransactionID: "kiosk-0001-20261122T093000Z-3",
		ReservationID: "0f8e2c4a9b7d41e3a5c6b8d7e9f01234", // the center's 128-bit hex
		IssuanceID:    "iss_0f8e2c4a9b7d41e3a5c6b8d7e9f01234",
		Code:          "reset_not_allowed", SW: "6984",
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := ob.Append(r); err != nil {
		t.Fatal(err)
	}
}
