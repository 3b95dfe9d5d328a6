package outbox_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"certkiosk/internal/testenv"
	"certkiosk/kiosk/outbox"
)

// The test binary doubles as the crash test's child (and the disk-full test's child): with
// OUTBOX_CHILD set, TestMain runs the child's loop instead of the tests.
func TestMain(m *testing.M) {
	switch os.Getenv("OUTBOX_CHILD") {
	case "crash":
		crashChild()
	case "fsize":
		fsizeChild()
	}
	os.Exit(m.Run())
}

// refuse is the child's center: it refuses every tenth record for good.
type refusal struct{}

func (refusal) Error() string   { return "refused by test center" }
func (refusal) Permanent() bool { return true }

// announceDeliverer acks (or refuses) each record and says so on stdout before returning, so
// the parent knows which records the center already has.
type announceDeliverer struct{ w io.Writer }

func (d announceDeliverer) Deliver(_ context.Context, r outbox.Record) error {
	if strings.HasSuffix(string(r.Key), "3") {
		fmt.Fprintf(d.w, "X %s\n", r.Key)
		return refusal{}
	}
	fmt.Fprintf(d.w, "D %s\n", r.Key)
	return nil
}

// crashChild appends outbox records and journal entries as fast as it can while a sender
// delivers and deletes them, announcing each Append after it returned, until it is killed.
func crashChild() {
	path, round := os.Getenv("OUTBOX_PATH"), os.Getenv("OUTBOX_ROUND")
	ob, err := outbox.Open(path, &outbox.Options{Capacity: 1 << 20, LockTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	out := os.Stdout // unbuffered: one write(2) per line
	go ob.Run(context.Background(), announceDeliverer{out}, outbox.SendOptions{Batch: 8, MinBackoff: time.Millisecond})
	for i := 0; ; i++ {
		r := rec(i)
		r.Key = outbox.ID(fmt.Sprintf("crash-%s-%06d", round, i))
		if err := ob.Append(r); err != nil {
			fmt.Fprintln(os.Stderr, "child append:", err)
			os.Exit(4)
		}
		fmt.Fprintf(out, "A %s\n", r.Key)
		if i%3 == 0 {
			e, err := ob.Journal().Append(outbox.EntryIssuance, outbox.Payload{IssuanceID: r.Payload.IssuanceID, Copies: 1})
			if err != nil {
				fmt.Fprintln(os.Stderr, "child journal:", err)
				os.Exit(5)
			}
			fmt.Fprintf(out, "J %d\n", e.Seq)
		}
	}
}

func TestCrashSIGKILLLosesNothing(t *testing.T) {
	kills := 20
	if testenv.Long() {
		kills = 250
	}
	if testing.Short() {
		kills = 5
	}
	path := filepath.Join(t.TempDir(), "outbox.db")
	// The kill times are random; the seed is logged so a failure can be replayed with
	// KIOSK_CRASH_SEED (the child process's own timing still varies).
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("KIOSK_CRASH_SEED"); v != "" {
		if _, err := fmt.Sscan(v, &seed); err != nil {
			t.Fatalf("KIOSK_CRASH_SEED: %v", err)
		}
	}
	rnd := rand.New(rand.NewPCG(seed, 7))
	t.Logf("seed %d (KIOSK_CRASH_SEED); %d kills", seed, kills)

	appended := map[string]bool{} // Append returned
	acked := map[string]bool{}    // the center has it (delivered, deletion maybe not committed)
	refused := map[string]bool{}  // the center refused it for good
	var journalSeen uint64
	totalAppends := 0
	for round := 0; round < kills; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "OUTBOX_CHILD=crash", "OUTBOX_PATH="+path, "OUTBOX_ROUND="+strconv.Itoa(round))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment: every fifth child during start-up and Open, the others a
		// random time after their first Append returned (mid-append, mid-delivery).
		kill := func() { cmd.Process.Signal(syscall.SIGKILL) }
		guard := time.AfterFunc(30*time.Second, kill) // a child that never appends
		armed := false
		if round%5 == 0 {
			time.AfterFunc(time.Duration(rnd.IntN(40))*time.Millisecond, kill)
			armed = true
		}
		sc := bufio.NewScanner(stdout)
		var lines []string
		for sc.Scan() {
			if !armed {
				time.AfterFunc(time.Duration(rnd.IntN(80)+1)*time.Millisecond, kill)
				armed = true
			}
			lines = append(lines, sc.Text())
		}
		guard.Stop()
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, not by SIGKILL; stderr:\n%s", round, err, stderr.String())
		}
		for _, l := range lines {
			// A line cut by the kill has no newline and is not a complete key: Scanner returns it
			// as the last token, so only trust lines that look whole.
			f := strings.Fields(l)
			if len(f) != 2 {
				continue
			}
			switch f[0] {
			case "A":
				if len(f[1]) == len("crash-")+len(strconv.Itoa(round))+7 {
					appended[f[1]] = true
					totalAppends++
				}
			case "D":
				acked[f[1]] = true
			case "X":
				refused[f[1]] = true
			case "J":
				if n, err := strconv.ParseUint(f[1], 10, 64); err == nil && n > journalSeen {
					journalSeen = n
				}
			}
		}
		checkAfterCrash(t, round, path, appended, acked, refused, journalSeen)
	}
	t.Logf("%d kills, %d appends acknowledged to the child, %d delivered, %d refused, journal head %d",
		kills, totalAppends, len(acked), len(refused), journalSeen)
	if totalAppends == 0 {
		t.Fatal("no child ever completed an Append: the test proved nothing")
	}
	// The independent check design.md asks for: bbolt's own command line on the crashed file.
	t.Run("bbolt check", func(t *testing.T) {
		bbolt := testenv.LookPath(t, "bbolt")[0]
		out, err := exec.Command(bbolt, "check", path).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "OK") {
			t.Fatalf("bbolt check %s: %v\n%s", path, err, out)
		}
	})
}

func checkAfterCrash(t *testing.T, round int, path string, appended, acked, refused map[string]bool, journalSeen uint64) {
	t.Helper()
	// Reopen as the restarted kiosk would (writable: a file killed right after creation gets
	// its buckets now).
	ob, err := outbox.Open(path, &outbox.Options{Capacity: 1 << 20})
	if err != nil {
		t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
	}
	defer ob.Close()
	if err := ob.Check(); err != nil {
		t.Fatalf("round %d: bbolt check: %v", round, err)
	}
	pending, dead := map[string]int{}, map[string]int{}
	ob.Pending(func(_ uint64, r outbox.Record) error { pending[string(r.Key)]++; return nil })
	ob.DeadLetters(func(d outbox.DeadLetter) error { dead[string(d.Record.Key)]++; return nil })
	for k := range appended {
		n := pending[k] + dead[k]
		switch {
		case acked[k] && n > 1, !acked[k] && n != 1:
			t.Fatalf("round %d: record %s (append returned, acked=%v) present %d times (pending %d, dead %d)",
				round, k, acked[k], n, pending[k], dead[k])
		case dead[k] > 0 && !refused[k]:
			t.Fatalf("round %d: record %s is a dead letter but the center never refused it", round, k)
		}
	}
	for k, n := range pending {
		if n > 1 || pending[k]+dead[k] > 1 {
			t.Fatalf("round %d: record %s stored %d times", round, k, pending[k]+dead[k])
		}
	}
	rep, err := ob.Journal().Verify()
	if err != nil {
		t.Fatalf("round %d: journal: %v", round, err)
	}
	if rep.HeadSeq < journalSeen {
		t.Fatalf("round %d: journal head %d, but entry %d was acknowledged", round, rep.HeadSeq, journalSeen)
	}
}
