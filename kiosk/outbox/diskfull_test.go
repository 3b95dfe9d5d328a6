package outbox_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"certkiosk/kiosk/outbox"
)

// fillUntilFull appends records (and a journal entry every fifth) until the storage refuses,
// and returns the keys whose Append returned nil and the refusal.
func fillUntilFull(ob *outbox.Outbox, prefix string, max int) ([]string, error) {
	var keys []string
	for i := 0; i < max; i++ {
		r := rec(i)
		r.Key = outbox.ID(fmt.Sprintf("%s-%06d", prefix, i))
		if err := ob.Append(r); err != nil {
			return keys, err
		}
		keys = append(keys, string(r.Key))
		if i%5 == 0 {
			if _, err := ob.Journal().Append(outbox.EntryPayment, outbox.Payload{PaymentID: "pay-0001", AmountYen: 200}); err != nil {
				return keys, err
			}
		}
	}
	return keys, nil
}

func checkIntact(t *testing.T, path string, want []string) {
	t.Helper()
	ob := open(t, path, &outbox.Options{ReadOnly: true})
	defer ob.Close()
	if err := ob.Check(); err != nil {
		t.Fatalf("bbolt check after disk full: %v", err)
	}
	got := pendingKeys(t, ob)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("after disk full: %d records stored, want exactly the %d whose Append returned", len(got), len(want))
	}
	if _, err := ob.Journal().Verify(); err != nil {
		t.Fatalf("journal after disk full: %v", err)
	}
}

// TestDiskFullSmallFilesystem fills a 256 KiB tmpfs. It needs mount(2) (root); without it the
// test skips, and TestDiskFullFileSizeLimit covers the same path.
func TestDiskFullSmallFilesystem(t *testing.T) {
	mnt := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (needs root): %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	// Something to delete later, as a technician would.
	filler := filepath.Join(mnt, "filler")
	if err := os.WriteFile(filler, make([]byte, 64<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(mnt, "outbox.db")
	ob, err := outbox.Open(path, &outbox.Options{Capacity: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := fillUntilFull(ob, "full", 100000)
	if !errors.Is(err, outbox.ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) && !strings.Contains(err.Error(), "no space") {
		t.Fatalf("append on a full disk err = %v, want ErrDiskFull (ENOSPC)", err)
	}
	if len(keys) < 50 {
		t.Fatalf("only %d records fit in 192 KiB", len(keys))
	}
	t.Logf("%d records before the disk was full: %v", len(keys), err)
	if got := pendingKeys(t, ob); strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Fatalf("open outbox after ENOSPC holds %d records, want %d", len(got), len(keys))
	}
	// Space comes back: the same handle appends again.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	r := rec(1)
	r.Key = "after-space-1"
	if err := ob.Append(r); err != nil {
		t.Fatalf("Append after freeing space: %v", err)
	}
	keys = append(keys, string(r.Key))
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}
	checkIntact(t, path, keys)
}

// fsizeChild appends under RLIMIT_FSIZE (EFBIG from write(2) once the file would grow past
// its size): the injected-write-error variant of the disk-full test, which needs no root.
func fsizeChild() {
	path := os.Getenv("OUTBOX_PATH")
	fi, err := os.Stat(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	lim := uint64(fi.Size())
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: lim, Max: lim}); err != nil {
		fmt.Fprintln(os.Stderr, "child setrlimit:", err)
		os.Exit(3)
	}
	ob, err := outbox.Open(path, &outbox.Options{Capacity: 1 << 20})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	keys, err := fillUntilFull(ob, "fsize", 1000000)
	for _, k := range keys {
		fmt.Println("A", k)
	}
	fmt.Printf("FULL %v %v\n", errors.Is(err, outbox.ErrDiskFull), err)
	if err := ob.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "child close:", err)
		os.Exit(6)
	}
	os.Exit(0)
}

func TestDiskFullFileSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	ob, err := outbox.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ob.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "OUTBOX_CHILD=fsize", "OUTBOX_PATH="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	var keys []string
	var full string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		switch {
		case strings.HasPrefix(l, "A "):
			keys = append(keys, l[2:])
		case strings.HasPrefix(l, "FULL "):
			full = l
		}
	}
	if !strings.HasPrefix(full, "FULL true ") || !strings.Contains(full, "file too large") {
		t.Fatalf("child's last append: %q, want ErrDiskFull from EFBIG", full)
	}
	if len(keys) == 0 {
		t.Fatal("no append fitted before the limit: the test proved nothing")
	}
	t.Logf("%d records before the write error: %s", len(keys), full)
	checkIntact(t, path, keys)
}
