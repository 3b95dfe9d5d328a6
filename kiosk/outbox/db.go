package outbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Bucket names. One file holds the outbox, the dead letters, the journal and their metadata.
var (
	bucketPending = []byte("outbox")
	bucketDead    = []byte("dead")
	bucketJournal = []byte("journal")
	bucketMeta    = []byte("meta")
)

// Keys in the meta bucket.
var (
	metaFormat        = []byte("format")
	metaLastError     = []byte("last_error")
	metaLastErrorAt   = []byte("last_error_at")
	metaLastDelivered = []byte("last_delivered_at")
	metaJournalHead   = []byte("journal_head")
	metaJournalAnchor = []byte("journal_anchor")
)

const formatVersion = "certkiosk-outbox-1"

// Errors a caller decides on. Every error returned by this package wraps one of these or the
// underlying cause with context.
var (
	// ErrLocked: another process (or another Open in this one) holds the file.
	ErrLocked = errors.New("outbox file is locked by another process")
	// ErrCorrupt: the file is not a consistent bbolt database. Nothing was changed; move it aside
	// with `kioskctl outbox move-aside` once a technician has kept a copy.
	ErrCorrupt = errors.New("outbox file is corrupt")
	// ErrDiskFull: the storage refused a write (no space, quota, file size limit). The record that
	// was being appended is not stored; everything stored before is intact.
	ErrDiskFull = errors.New("outbox storage is full")
	// ErrFull: the outbox holds Capacity records. The kiosk must stop taking paid transactions.
	ErrFull = errors.New("outbox is full")
	// ErrClosed: the outbox was closed.
	ErrClosed = errors.New("outbox is closed")
	// ErrNotExist: a read-only or must-exist open found no file.
	ErrNotExist = errors.New("outbox file does not exist")
)

// DefaultCapacity is the number of records (pending plus dead letters) an outbox holds when
// Options.Capacity is zero: weeks of a busy kiosk's completions.
const DefaultCapacity = 10000

// DefaultLockTimeout is how long Open waits for the file lock when Options.LockTimeout is zero.
const DefaultLockTimeout = time.Second

// Options configure Open. The zero value is usable.
type Options struct {
	// Capacity bounds the records held (pending plus dead letters). Zero means DefaultCapacity.
	Capacity int
	// LockTimeout bounds the wait for another process's lock. Zero means DefaultLockTimeout;
	// a negative value is refused (bbolt would otherwise wait forever).
	LockTimeout time.Duration
	// ReadOnly opens with a shared lock for status, dump and verify. The file must exist.
	ReadOnly bool
	// MustExist refuses to create a new file (kioskctl drain must never create an empty outbox
	// beside a misplaced one).
	MustExist bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Outbox is an open outbox file. Its methods are safe for concurrent use.
type Outbox struct {
	db       *bolt.DB
	path     string
	capacity int
	now      func() time.Time
	readOnly bool

	mu       sync.Mutex
	reserved int           // slots held by live Reservations
	held     int           // pending + dead, kept in step with the buckets
	wake     chan struct{} // signalled after each Append
	nudge    chan struct{} // Nudge: a backing-off sender tries again now
	closed   chan struct{} // closed by Close, to stop Run
	closeMu  sync.Once
	journal  *Journal
}

// Open opens (or, unless ReadOnly or MustExist, creates) the outbox file at path. It never
// deletes, truncates or rewrites an existing file: a locked file gives ErrLocked, a file that is
// not a consistent bbolt outbox gives ErrCorrupt, and a full disk during creation gives ErrDiskFull.
func Open(path string, opts *Options) (*Outbox, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Capacity == 0 {
		o.Capacity = DefaultCapacity
	}
	if o.Capacity < 0 {
		return nil, fmt.Errorf("open outbox %s: negative capacity %d", path, o.Capacity)
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.LockTimeout < 0 {
		return nil, fmt.Errorf("open outbox %s: negative lock timeout", path)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	fi, statErr := os.Stat(path)
	switch {
	case statErr == nil && !fi.Mode().IsRegular():
		return nil, fmt.Errorf("open outbox %s: not a regular file", path)
	case errors.Is(statErr, fs.ErrNotExist) && (o.ReadOnly || o.MustExist):
		return nil, fmt.Errorf("open outbox %s: %w", path, ErrNotExist)
	case statErr != nil && !errors.Is(statErr, fs.ErrNotExist):
		return nil, fmt.Errorf("open outbox %s: %w", path, statErr)
	}
	db, err := openBolt(path, &bolt.Options{Timeout: o.LockTimeout, ReadOnly: o.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("open outbox %s: %w", path, classify(err))
	}
	ob := &Outbox{db: db, path: path, capacity: o.Capacity, now: o.Now, readOnly: o.ReadOnly, wake: make(chan struct{}, 1), nudge: make(chan struct{}, 1), closed: make(chan struct{})}
	if err := ob.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open outbox %s: %w", path, err)
	}
	if statErr != nil { // created just now: make its directory entry durable too
		if err := syncDir(filepath.Dir(path)); err != nil {
			db.Close()
			return nil, fmt.Errorf("open outbox %s: %w", path, classify(err))
		}
	}
	ob.journal = &Journal{ob: ob}
	return ob, nil
}

// openBolt turns bbolt's panics on garbage files into errors.
func openBolt(path string, o *bolt.Options) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: bbolt: %v", ErrCorrupt, r)
		}
	}()
	return bolt.Open(path, 0o600, o)
}

// init checks the file and, when writable, creates the buckets of a new file.
func (ob *Outbox) init() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: bbolt: %v", ErrCorrupt, r)
		}
	}()
	if err := ob.Check(); err != nil {
		return err
	}
	complete := false
	if err := ob.db.View(func(tx *bolt.Tx) error {
		complete = tx.Bucket(bucketMeta) != nil && tx.Bucket(bucketPending) != nil &&
			tx.Bucket(bucketDead) != nil && tx.Bucket(bucketJournal) != nil
		return nil
	}); err != nil {
		return classify(err)
	}
	// A complete file is never written to by Open; a new (empty) file gets its buckets.
	if !complete && !ob.readOnly {
		err = ob.db.Update(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if meta == nil {
				if k, _ := tx.Cursor().First(); k != nil {
					return fmt.Errorf("%w: bbolt file without outbox metadata (not an outbox?)", ErrCorrupt)
				}
				var err error
				if meta, err = tx.CreateBucket(bucketMeta); err != nil {
					return err
				}
				if err := meta.Put(metaFormat, []byte(formatVersion)); err != nil {
					return err
				}
			}
			for _, b := range [][]byte{bucketPending, bucketDead, bucketJournal} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return classify(err)
		}
	}
	return ob.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			if k, _ := tx.Cursor().First(); k == nil {
				// bbolt initialised the file but the outbox's buckets were never committed
				// (a crash right after creation); the next writable Open creates them.
				return fmt.Errorf("%w: the file was created but never initialised as an outbox", ErrNotExist)
			}
			return fmt.Errorf("%w: no outbox metadata (not an outbox file?)", ErrCorrupt)
		}
		if v := meta.Get(metaFormat); string(v) != formatVersion {
			return fmt.Errorf("%w: format %q, want %q", ErrCorrupt, v, formatVersion)
		}
		for _, b := range [][]byte{bucketPending, bucketDead, bucketJournal} {
			if tx.Bucket(b) == nil {
				return fmt.Errorf("%w: bucket %q missing", ErrCorrupt, b)
			}
		}
		ob.held = tx.Bucket(bucketPending).Stats().KeyN + tx.Bucket(bucketDead).Stats().KeyN
		return nil
	})
}

// Check runs bbolt's own consistency check (the equivalent of `bbolt check`) in a read
// transaction and returns ErrCorrupt with every problem found.
func (ob *Outbox) Check() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: bbolt check: %v", ErrCorrupt, r)
		}
	}()
	return ob.db.View(func(tx *bolt.Tx) error {
		var probs []string
		for e := range tx.Check() {
			probs = append(probs, e.Error())
		}
		if len(probs) > 0 {
			return fmt.Errorf("%w: %d problem(s): %s", ErrCorrupt, len(probs), strings.Join(probs, "; "))
		}
		return nil
	})
}

// Path returns the file the outbox lives in.
func (ob *Outbox) Path() string { return ob.path }

// Close releases the file and its lock. Appends that returned nil are already durable.
func (ob *Outbox) Close() error {
	ob.closeMu.Do(func() { close(ob.closed) })
	if err := ob.db.Close(); err != nil {
		return fmt.Errorf("close outbox %s: %w", ob.path, err)
	}
	return nil
}

// classify maps storage errors onto the package's sentinels, keeping the cause. bbolt wraps
// some resize errors with %s, so a full disk is also recognised by its message.
func classify(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("%w: %v", ErrLocked, err)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrInvalidMapping):
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return fmt.Errorf("%w: %v", ErrClosed, err)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, syscall.EFBIG):
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	msg := err.Error()
	for _, s := range []string{syscall.ENOSPC.Error(), syscall.EDQUOT.Error(), syscall.EFBIG.Error()} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("%w: %w", ErrDiskFull, err)
		}
	}
	return err
}

// MoveAside renames a corrupt outbox file to PATH.corrupt-YYYYMMDDTHHMMSSZ and returns the new
// name. It refuses when the file is locked (the kiosk is running) or when it opens and checks
// cleanly: only a file that really is corrupt is moved, and it is never deleted.
func MoveAside(path string, now time.Time) (string, error) {
	ob, err := Open(path, &Options{ReadOnly: true, LockTimeout: 100 * time.Millisecond})
	switch {
	case err == nil:
		ob.Close()
		return "", fmt.Errorf("move aside %s: the file opens and checks cleanly; refusing to move a good outbox", path)
	case errors.Is(err, ErrLocked):
		return "", fmt.Errorf("move aside %s: %w", path, err)
	case !errors.Is(err, ErrCorrupt):
		return "", fmt.Errorf("move aside %s: not moved, the file did not open for another reason: %w", path, err)
	}
	// Hold the same lock bbolt uses while renaming, so a kiosk starting now waits or fails.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("move aside %s: %w", path, err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return "", fmt.Errorf("move aside %s: %w: %v", path, ErrLocked, err)
	}
	dst := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	if _, err := os.Lstat(dst); err == nil {
		return "", fmt.Errorf("move aside %s: %s already exists", path, dst)
	}
	if err := os.Rename(path, dst); err != nil {
		return "", fmt.Errorf("move aside %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return dst, fmt.Errorf("move aside %s: moved to %s but %w", path, dst, err)
	}
	return dst, nil
}

// syncDir fsyncs a directory so a file created or renamed in it survives a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
