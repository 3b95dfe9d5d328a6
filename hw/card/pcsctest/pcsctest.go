// Package pcsctest runs the real PC/SC stack for tests: pcscd in the foreground with Debian's
// vsmartcard-vpcd reader driver, into which simulated cards (hw/card/jpkisim) are plugged over
// vpcd's socket. Only one pcscd can run on a machine, so Start takes a machine-wide lock that
// other test packages wait for.
package pcsctest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"certkiosk/hw/card"
	"certkiosk/hw/card/jpkisim"
	"certkiosk/internal/testenv"
)

// Socket is where pcsc-lite clients reach pcscd.
const Socket = "/run/pcscd/pcscd.comm"

// Reader returns the PC/SC name of vpcd's virtual reader for slot (0 or 1).
func Reader(slot int) string { return fmt.Sprintf("Virtual PCD 00 %02d", slot) }

// Env is a running pcscd with vpcd.
type Env struct {
	pcscd string
	cmd   *exec.Cmd
	log   *os.File
	lock  *os.File
}

// Start starts pcscd for t (stopping any other instance first) and stops it when t ends.
func Start(t testing.TB) *Env {
	t.Helper()
	paths := testenv.LookPath(t, "pcscd")
	if _, err := os.Stat("/etc/reader.conf.d/vpcd"); err != nil {
		if testenv.Strict() {
			t.Fatalf("vsmartcard-vpcd is not installed (run scripts/setup): %v", err)
		}
		t.Skip("vsmartcard-vpcd is not installed (run scripts/setup)")
	}
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "certkiosk-pcscd.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	e := &Env{pcscd: paths[0], lock: lock}
	t.Cleanup(e.stop)
	logf, err := os.CreateTemp("", "pcscd-*.log")
	if err != nil {
		t.Fatal(err)
	}
	e.log = logf
	if err := e.start(); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *Env) start() error {
	// pcscd on a loaded machine sometimes never lists vpcd's readers; a second start has always
	// brought them up, so try twice before giving up, and say what pcscd said.
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		if err = e.startOnce(); err == nil {
			return nil
		}
		e.Stop()
	}
	return err
}

func (e *Env) startOnce() error {
	killOthers()
	e.cmd = exec.Command(e.pcscd, "-f")
	e.cmd.Stdout, e.cmd.Stderr = e.log, e.log
	if err := e.cmd.Start(); err != nil {
		return fmt.Errorf("start pcscd: %w", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		rs, err := card.Readers()
		switch {
		case err != nil:
			last = err
		case len(rs) == 0:
			last = fmt.Errorf("no readers")
		default:
			// vpcd's socket is up once its reader is listed.
			c, err := net.DialTimeout("tcp", jpkisim.DefaultVPCD, time.Second)
			if err == nil {
				c.Close()
				return nil
			}
			last = err
		}
		time.Sleep(50 * time.Millisecond)
	}
	said, _ := os.ReadFile(e.log.Name())
	if len(said) > 2000 {
		said = said[len(said)-2000:]
	}
	return fmt.Errorf("pcscd did not come up with vpcd readers in 15 s (last: %v); pcscd said:\n%s", last, said)
}

// killOthers stops a pcscd this Env did not start (a leftover, or the system's).
func killOthers() {
	out, _ := exec.Command("pgrep", "-x", "pcscd").Output()
	for _, f := range strings.Fields(string(out)) {
		var pid int
		if _, err := fmt.Sscan(f, &pid); err == nil {
			syscall.Kill(pid, syscall.SIGTERM)
		}
	}
	for i := 0; i < 50; i++ {
		if out, _ := exec.Command("pgrep", "-x", "pcscd").Output(); len(out) == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	os.Remove(Socket)
}

// Stop stops pcscd (Restart starts it again), as when the service crashes or is restarted.
func (e *Env) Stop() {
	if e.cmd != nil && e.cmd.Process != nil {
		e.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { e.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			e.cmd.Process.Kill()
			<-done
		}
		e.cmd = nil
	}
}

// Restart starts pcscd again after Stop.
func (e *Env) Restart(t testing.TB) {
	t.Helper()
	e.Stop()
	if err := e.start(); err != nil {
		t.Fatal(err)
	}
}

func (e *Env) stop() {
	e.Stop()
	if e.log != nil {
		e.log.Close()
		os.Remove(e.log.Name())
	}
	syscall.Flock(int(e.lock.Fd()), syscall.LOCK_UN)
	e.lock.Close()
}

// Plug connects c to vpcd slot (0 or 1) and waits until PC/SC sees a card in that reader. The
// link stops when t ends.
func (e *Env) Plug(t testing.TB, c *jpkisim.Card, slot int) *jpkisim.Link {
	t.Helper()
	l := jpkisim.NewLink(fmt.Sprintf("localhost:%d", 35963+slot), c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	if err := e.WaitPresent(Reader(slot), true, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return l
}

// WaitPresent waits until PC/SC reports a card in reader (present) or none (!present).
func (e *Env) WaitPresent(reader string, present bool, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		got, err := card.Present(reader)
		if err == nil && got == present {
			return nil
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("pcsctest: card still not %s in %s after %v (last error: %v)",
		map[bool]string{true: "present", false: "absent"}[present], reader, timeout, last)
}
