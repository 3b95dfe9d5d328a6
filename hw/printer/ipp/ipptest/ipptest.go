// Package ipptest starts CUPS's ippeveprinter (Debian cups-ipp-utils) on loopback for tests that
// need a real IPP Everywhere printer, together with the system D-Bus and avahi-daemon it insists
// on ("Unable to initialize DNS-SD" otherwise). Tools are found with testenv.LookPath, so a
// machine without them skips (or, under CI, fails).
//
// The D-Bus and avahi daemons are system services shared by every test on the machine: they are
// started once if not running and left running. Each printer is the test's own and is stopped
// in t.Cleanup.
//
// This package imports only internal/testenv and the standard library.
package ipptest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"certkiosk/internal/testenv"
)

var dnssdMu sync.Mutex

// StartDNSSD makes sure a system D-Bus and an avahi-daemon serving on it are running.
//
// A daemon killed without its own cleanup (a session whose processes were ended before CI ran on
// the same machine) leaves its socket and pid files behind, and a killed process nobody reaps
// still "exists" for kill(pid, 0): neither a socket file nor `avahi-daemon --check` proves a
// daemon serves. So D-Bus counts as running only when its socket accepts a connection, and
// avahi only when it answers on the bus that it is running (not still registering, which makes
// ippeveprinter abort). Test binaries of several packages run at once: a file lock keeps two of
// them from (re)starting the daemons together.
func StartDNSSD(t testing.TB) {
	t.Helper()
	paths := testenv.LookPath(t, "dbus-daemon", "avahi-daemon", "dbus-send")
	dbus, avahi, dbusSend := paths[0], paths[1], paths[2]
	dnssdMu.Lock()
	defer dnssdMu.Unlock()
	unlock := lockFile(t, "/run/lock/certkiosk-dnssd.lock")
	defer unlock()

	if !dbusAnswers() {
		removeStale(t, dbusSocket, "/run/dbus/pid")
		if err := os.MkdirAll("/run/dbus", 0o755); err != nil {
			t.Fatalf("start dbus: %v", err)
		}
		if out, err := exec.Command(dbus, "--system", "--fork").CombinedOutput(); err != nil {
			t.Fatalf("start dbus-daemon --system: %v\n%s", err, out)
		}
		waitFor(t, "dbus system socket", dbusAnswers)
	}
	running := func() bool { return avahiRunning(dbusSend) }
	if running() {
		return
	}
	// Whatever avahi-daemon the pid file names does not serve this bus: it died, or it was
	// started on a bus that has died since. Stop it if it lives, and start a fresh one.
	_ = exec.Command(avahi, "--kill").Run()
	waitFor(t, "old avahi-daemon to stop", func() bool { return !pidFileAlive("/run/avahi-daemon/pid") })
	removeStale(t, "/run/avahi-daemon/pid")
	if out, err := exec.Command(avahi, "--no-drop-root", "--no-chroot", "-D").CombinedOutput(); err != nil {
		t.Fatalf("start avahi-daemon: %v\n%s", err, out)
	}
	waitFor(t, "avahi-daemon running on the system bus", running)
}

const dbusSocket = "/run/dbus/system_bus_socket"

// dbusAnswers reports whether a system bus accepts connections on its socket.
func dbusAnswers() bool {
	c, err := net.DialTimeout("unix", dbusSocket, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// avahiRunning asks avahi-daemon over D-Bus for its server state: 2 is AVAHI_SERVER_RUNNING.
func avahiRunning(dbusSend string) bool {
	out, err := exec.Command(dbusSend, "--system", "--print-reply", "--reply-timeout=1000",
		"--dest=org.freedesktop.Avahi", "/", "org.freedesktop.Avahi.Server.GetState").Output()
	return err == nil && strings.Contains(string(out), "int32 2")
}

// pidFileAlive reports whether the process a pid file names exists and is not a zombie.
func pidFileAlive(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(b)), "stat"))
	if err != nil {
		return false
	}
	// The state is the field after the parenthesised command name.
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] != 'Z' && stat[i+2] != 'X'
}

// removeStale removes files a dead daemon left behind.
func removeStale(t testing.TB, files ...string) {
	t.Helper()
	for _, f := range files {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			t.Fatalf("remove stale %s: %v", f, err)
		}
	}
}

// lockFile takes an exclusive advisory lock on path, shared by every test process on the machine.
func lockFile(t testing.TB, path string) (unlock func()) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("lock %s: %v", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatalf("lock %s: %v", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("lock %s: %v", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}

func waitFor(t testing.TB, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Options for a test printer.
type Options struct {
	Name    string   // printer name; "" means "KioskTest"
	Formats []string // -f; nil means application/pdf and image/pwg-raster
	// Command is a shell script ippeveprinter runs for each job (-c) with the job file as $1.
	// Lines it writes to stderr like "STATE: +media-jam" change printer-state-reasons, the way
	// a real printer would report a fault. "" means no command (jobs complete at once).
	Command string
	// PagesPerMinute is the simulated speed (-s); 0 means 600, so tests do not wait.
	PagesPerMinute int
}

// Printer is a running ippeveprinter.
type Printer struct {
	URI   string // ipp://localhost:PORT/ipp/print
	Spool string // where ippeveprinter keeps job files (-k)
	Log   *bytes.Buffer
}

// StartPrinter starts ippeveprinter on a free loopback port and waits until it answers.
func StartPrinter(t testing.TB, o Options) *Printer {
	t.Helper()
	bin := testenv.LookPath(t, "ippeveprinter")[0]
	StartDNSSD(t)
	if o.Name == "" {
		o.Name = "KioskTest"
	}
	if o.Formats == nil {
		o.Formats = []string{"application/pdf", "image/pwg-raster"}
	}
	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	if err := os.Mkdir(spool, 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	if o.PagesPerMinute == 0 {
		o.PagesPerMinute = 600
	}
	args := []string{"-n", "localhost", "-p", fmt.Sprint(port), "-d", spool, "-k", "-f", strings.Join(o.Formats, ","),
		"-s", fmt.Sprint(o.PagesPerMinute)}
	if o.Command != "" {
		script := filepath.Join(dir, "job.sh")
		if err := os.WriteFile(script, []byte("#!/bin/sh\n"+o.Command+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-c", script)
	}
	args = append(args, o.Name)
	cmd := exec.Command(bin, args...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ippeveprinter: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-done:
			t.Fatalf("ippeveprinter exited:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("ippeveprinter did not listen on %s:\n%s", addr, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return &Printer{URI: fmt.Sprintf("ipp://localhost:%d/ipp/print", port), Spool: spool, Log: &log}
}

// JobFile waits for the spooled document of job id (ippeveprinter names it "<id>-<name>.<ext>",
// and the job command's output "<id>-<name>.prn") and returns the document's path.
func (p *Printer) JobFile(t testing.TB, id string) string {
	t.Helper()
	var m []string
	defer func() {
		if t.Failed() {
			all, _ := filepath.Glob(filepath.Join(p.Spool, "*"))
			t.Logf("spool holds %v; ippeveprinter log:\n%s", all, p.Log)
		}
	}()
	waitFor(t, "spool file of job "+id, func() bool {
		all, _ := filepath.Glob(filepath.Join(p.Spool, id+"-*"))
		m = m[:0]
		for _, f := range all {
			if !strings.HasSuffix(f, ".prn") { // the job command's output, not the document
				m = append(m, f)
			}
		}
		return len(m) == 1
	})
	return m[0]
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
