package selftest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Storage checks the filesystem holding Dir: free space at least MinFree bytes, and that a small
// write reaches the disk (fsync), reporting how long fsync took. Slow fsync means slow outbox
// commits (each bbolt commit syncs twice), so MaxFsync, when set, fails a slow disk.
type Storage struct {
	Dir      string
	MinFree  uint64
	MaxFsync time.Duration
}

// Name implements Check.
func (s Storage) Name() string { return "storage" }

// Run implements Check.
func (s Storage) Run(ctx context.Context) Result {
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.Dir, &st); err != nil {
		return Fail("statfs %s: %v", s.Dir, err)
	}
	free := st.Bavail * uint64(st.Bsize)
	f, err := os.CreateTemp(s.Dir, ".selftest-*")
	if err != nil {
		return Fail("create test file in %s: %v (free %s)", s.Dir, err, bytesText(free))
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := f.Write(make([]byte, 4096)); err != nil {
		return Fail("write test file in %s: %v", s.Dir, err)
	}
	start := time.Now()
	if err := f.Sync(); err != nil {
		return Fail("fsync test file in %s: %v", s.Dir, err)
	}
	sync := time.Since(start)
	d := fmt.Sprintf("%s: free %s, fsync %v", s.Dir, bytesText(free), sync.Round(time.Microsecond))
	switch {
	case free < s.MinFree:
		return Fail("%s, below the %s minimum", d, bytesText(s.MinFree))
	case s.MaxFsync > 0 && sync > s.MaxFsync:
		return Fail("%s, slower than %v", d, s.MaxFsync)
	}
	return Pass("%s", d)
}

func bytesText(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d B", n)
}

// BoltFile checks a bbolt database file (the outbox or the journal): opened read-only, with a
// lock timeout, and walked page by page with tx.Check. A missing file is skipped (the kiosk
// creates it on first start); a file locked by the running kiosk is skipped too, since checking
// it would mean stopping the kiosk.
type BoltFile struct {
	Label string // "outbox", "journal"
	Path  string
	Lock  time.Duration // how long to wait for the file lock; default 1s
}

// Name implements Check.
func (b BoltFile) Name() string { return "bbolt-" + b.Label }

// Run implements Check.
func (b BoltFile) Run(ctx context.Context) Result {
	fi, err := os.Stat(b.Path)
	if errors.Is(err, os.ErrNotExist) {
		return Skip("%s does not exist yet", b.Path)
	}
	if err != nil {
		return Fail("stat %s: %v", b.Path, err)
	}
	lock := b.Lock
	if lock <= 0 {
		lock = time.Second
	}
	db, err := bolt.Open(b.Path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lock})
	if errors.Is(err, bolt.ErrTimeout) {
		return Skip("%s is locked by a running kiosk; its own boot check covers it", b.Path)
	}
	if err != nil {
		return Fail("open %s: %v", b.Path, err)
	}
	defer db.Close()
	var problems []error
	err = db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			problems = append(problems, e)
			if len(problems) == 5 {
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		return nil
	})
	if err != nil {
		return Fail("check %s: %v", b.Path, err)
	}
	if len(problems) > 0 {
		return Fail("%s: %d problem(s), first: %v", filepath.Base(b.Path), len(problems), problems[0])
	}
	return Pass("%s: %s, consistent", b.Path, bytesText(uint64(fi.Size())))
}
