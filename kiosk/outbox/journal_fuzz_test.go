package outbox_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"certkiosk/kiosk/outbox"

	bolt "go.etcd.io/bbolt"
)

// FuzzJournalEntryBytes replaces the stored bytes of entry 3 of a 5-entry journal. Verify must
// never panic, and may pass only if the bytes still decode to exactly the original entry.
func FuzzJournalEntryBytes(f *testing.F) {
	dir := f.TempDir()
	base := filepath.Join(dir, "base.db")
	clock := t0
	ob, err := outbox.Open(base, &outbox.Options{Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		f.Fatal(err)
	}
	var orig outbox.Entry
	for i := 1; i <= 5; i++ {
		e, err := ob.Journal().Append(outbox.EntryPayment, outbox.Payload{PaymentID: "pay-0001", AmountYen: int64(100 * i)})
		if err != nil {
			f.Fatal(err)
		}
		if i == 3 {
			orig = e
		}
	}
	ob.Close()
	baseBytes, err := os.ReadFile(base)
	if err != nil {
		f.Fatal(err)
	}
	origJSON, _ := json.Marshal(orig)
	f.Add(origJSON)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"seq":3}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, v []byte) {
		path := filepath.Join(t.TempDir(), "j.db")
		if err := os.WriteFile(path, baseBytes, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("journal")).Put(key(3), v) })
		db.Close()
		if err != nil {
			return // bbolt refuses some values (e.g. too large); nothing to verify
		}
		ob, err := outbox.Open(path, &outbox.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer ob.Close()
		_, verr := ob.Journal().Verify()
		var got outbox.Entry
		same := json.Unmarshal(v, &got) == nil && reflect.DeepEqual(normal(got), normal(orig))
		if verr == nil && !same {
			t.Fatalf("Verify passed with entry 3 = %q", v)
		}
		if verr != nil && !errors.Is(verr, outbox.ErrJournalBroken) {
			t.Fatalf("Verify error %v is not ErrJournalBroken", verr)
		}
		if verr != nil && same {
			t.Fatalf("Verify failed on an unchanged entry: %v", verr)
		}
	})
}

// normal drops the time's location and monotonic reading, which JSON does not keep.
func normal(e outbox.Entry) outbox.Entry {
	e.Time = e.Time.UTC().Round(0)
	return e
}
