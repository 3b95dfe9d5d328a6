package sdnotify

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"certkiosk/internal/testenv"
)

// The kiosk session scripts and unit are what make this package's pings count: these tests hold
// them to it.

const sessionDir = "../../scripts/kiosk-session"

func TestServiceUnitContract(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sessionDir, "certkiosk.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{
		"Type=notify",        // READY=1 from the kiosk
		"NotifyAccess=all",   // the kiosk is xinit's grandchild, not the main process
		"WatchdogSec=",       // Heartbeat.Run pings
		"Restart=on-failure", // and a missed watchdog counts as a failure
		"Requires=pcscd.socket",
		"After=pcscd.socket",
		"-nocursor", "-s 0", "-dpms", // cursor hidden, no blanking in the server
		"/usr/lib/certkiosk/kiosk-session",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("certkiosk.service lacks %q", want)
		}
	}
}

func TestServiceUnitVerifies(t *testing.T) {
	testenv.LookPath(t, "systemd-analyze")
	b, err := os.ReadFile(filepath.Join(sessionDir, "certkiosk.service"))
	if err != nil {
		t.Fatal(err)
	}
	// xinit is not installed on build machines: point ExecStart at a binary that exists, so
	// verify judges the rest of the unit.
	unit := strings.Replace(string(b), "ExecStart=/usr/bin/xinit", "ExecStart=/bin/true", 1)
	p := filepath.Join(t.TempDir(), "certkiosk.service")
	if err := os.WriteFile(p, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", "--man=no", p).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestSessionScriptHandsWatchdogToKiosk(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "xset.log")
	stub := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	stub("xset", `echo "$*" >> `+log)
	stub("kiosk", `echo "$$ ${WATCHDOG_PID:-none} $*"`)
	run := func(env ...string) string {
		cmd := exec.Command("sh", filepath.Join(sessionDir, "kiosk-session"))
		cmd.Env = append([]string{"PATH=" + dir + ":" + os.Getenv("PATH"), "KIOSK_BIN=" + filepath.Join(dir, "kiosk")}, env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kiosk-session: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}

	f := strings.Fields(run("WATCHDOG_USEC=30000000", "WATCHDOG_PID=1", "KIOSK_CONFIG=/etc/x.toml"))
	if len(f) != 4 || f[0] != f[1] || f[2] != "-config" || f[3] != "/etc/x.toml" {
		t.Errorf("kiosk saw pid/WATCHDOG_PID/args %v; want its own pid as WATCHDOG_PID", f)
	}
	if f := strings.Fields(run()); len(f) < 2 || f[1] != "none" {
		t.Errorf("without a watchdog the kiosk saw WATCHDOG_PID %v", f)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"s off", "s noblank", "-dpms"} {
		if !strings.Contains(string(b), want+"\n") {
			t.Errorf("xset never called with %q:\n%s", want, b)
		}
	}
}
