package outbox_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"certkiosk/kiosk/outbox"
	"certkiosk/kiosk/outbox/httpdeliver"
	"certkiosk/kiosk/outbox/internal/centerstub"

	bolt "go.etcd.io/bbolt"
)

// benchDir is where the benchmark files go: OUTBOX_BENCH_DIR names the disk to measure (the
// kiosk's storage), else the test's temporary directory.
func benchDir(b *testing.B) string {
	if d := os.Getenv("OUTBOX_BENCH_DIR"); d != "" {
		dir, err := os.MkdirTemp(d, "outbox-bench-")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return b.TempDir()
}

// BenchmarkAppend is one durable Append per op (validation, JSON, one fsync'd transaction).
// Compare with BenchmarkBareBoltUpdate on the same disk; the goal is ≥ 80% of its rate.
func BenchmarkAppend(b *testing.B) {
	ob, err := outbox.Open(filepath.Join(benchDir(b), "outbox.db"), &outbox.Options{Capacity: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer ob.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := rec(i)
		if err := ob.Append(r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkBareBoltUpdate is the floor: one bbolt Update per op with NextSequence and a Put of a
// record of the same size, nothing else.
func BenchmarkBareBoltUpdate(b *testing.B) {
	db, err := bolt.Open(filepath.Join(benchDir(b), "bare.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	val, _ := json.Marshal(rec(1))
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("outbox")); return err }); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := db.Update(func(tx *bolt.Tx) error {
			bk := tx.Bucket([]byte("outbox"))
			seq, err := bk.NextSequence()
			if err != nil {
				return err
			}
			k := make([]byte, 8)
			binary.BigEndian.PutUint64(k, seq)
			return bk.Put(k, val)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkDrain delivers b.N records over loopback HTTP to a stand-in of the center's
// POST /v1/records (the real centerd is wired in by the lead). Goal: ≥ 2,000 records/s.
func BenchmarkDrain(b *testing.B) {
	path := filepath.Join(benchDir(b), "outbox.db")
	ob, err := outbox.Open(path, &outbox.Options{Capacity: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	ob.Close()
	// Fill in one transaction, in the outbox's layout (untimed; b.N fsync'd Appends would
	// take minutes).
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("outbox"))
		for i := 0; i < b.N; i++ {
			r := rec(i)
			r.Key = outbox.ID(fmt.Sprintf("drain-%09d", i))
			v, _ := json.Marshal(r)
			seq, _ := bk.NextSequence()
			k := make([]byte, 8)
			binary.BigEndian.PutUint64(k, seq)
			if err := bk.Put(k, v); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	ob, err = outbox.Open(path, &outbox.Options{Capacity: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer ob.Close()
	c := centerstub.New()
	srv := httptest.NewServer(c)
	defer srv.Close()
	d := httpdeliver.New(srv.URL, nil)
	b.ResetTimer()
	res, err := ob.Drain(context.Background(), d, outbox.SendOptions{})
	b.StopTimer()
	if err != nil || res.Delivered != b.N {
		b.Fatalf("Drain = %+v, %v; want %d delivered", res, err, b.N)
	}
	if len(c.Accepted()) != b.N {
		b.Fatalf("center accepted %d, want %d", len(c.Accepted()), b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkAppendVsBareUpdate alternates one Append and one bare bbolt Update (same disk, same
// record size) and reports Append's rate as a percentage of the bare rate: interleaving keeps
// a shared machine's changing disk load out of the comparison. Goal: ≥ 80.
func BenchmarkAppendVsBareUpdate(b *testing.B) {
	dir := benchDir(b)
	ob, err := outbox.Open(filepath.Join(dir, "outbox.db"), &outbox.Options{Capacity: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer ob.Close()
	db, err := bolt.Open(filepath.Join(dir, "bare.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	val, _ := json.Marshal(rec(1))
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("outbox")); return err }); err != nil {
		b.Fatal(err)
	}
	bare := func() {
		err := db.Update(func(tx *bolt.Tx) error {
			bk := tx.Bucket([]byte("outbox"))
			seq, err := bk.NextSequence()
			if err != nil {
				return err
			}
			k := make([]byte, 8)
			binary.BigEndian.PutUint64(k, seq)
			return bk.Put(k, val)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	app := func(i int) {
		if err := ob.Append(rec(i)); err != nil {
			b.Fatal(err)
		}
	}
	var tApp, tBare time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate which goes first, so neither always follows the other's fsync.
		if i%2 == 0 {
			t0 := time.Now()
			app(i)
			t1 := time.Now()
			bare()
			tApp, tBare = tApp+t1.Sub(t0), tBare+time.Since(t1)
		} else {
			t0 := time.Now()
			bare()
			t1 := time.Now()
			app(i)
			tBare, tApp = tBare+t1.Sub(t0), tApp+time.Since(t1)
		}
	}
	b.ReportMetric(float64(b.N)/tApp.Seconds(), "appends/s")
	b.ReportMetric(float64(b.N)/tBare.Seconds(), "bare-updates/s")
	b.ReportMetric(100*tBare.Seconds()/tApp.Seconds(), "append-%-of-bare")
}
