package sdnotify

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// listen is systemd's side: a unixgram socket that collects datagrams.
func listen(t *testing.T) (string, <-chan string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ch := make(chan string, 64)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			ch <- string(buf[:n])
		}
	}()
	return path, ch
}

func next(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no datagram")
		return ""
	}
}

func TestNotifySendsOneDatagram(t *testing.T) {
	sock, ch := listen(t)
	n := Notifier{Socket: sock}
	if err := n.Notify(Ready, Status("idle")); err != nil {
		t.Fatal(err)
	}
	if got := next(t, ch); got != "READY=1\nSTATUS=idle" {
		t.Errorf("datagram %q", got)
	}
}

func TestNotifyWithoutSocketIsNoop(t *testing.T) {
	if err := (Notifier{}).Notify(Ready); err != nil {
		t.Errorf("no socket: %v", err)
	}
	if err := (Notifier{Socket: filepath.Join(t.TempDir(), "gone")}).Notify(Ready); err == nil {
		t.Error("send to a missing socket succeeded")
	}
}

func TestAbstractSocket(t *testing.T) {
	name := "@certkiosk-sdnotify-test-" + strconv.Itoa(int(time.Now().UnixNano()))
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Skipf("abstract sockets unavailable: %v", err)
	}
	defer c.Close()
	if err := (Notifier{Socket: name}).Notify(Stopping); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "STOPPING=1" {
		t.Errorf("got %q, %v", buf[:n], err)
	}
}

func TestWatchdogInterval(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if d, ok := watchdogInterval(env(map[string]string{"WATCHDOG_USEC": "30000000"}), 7); !ok || d != 30*time.Second {
		t.Errorf("got %v %v", d, ok)
	}
	if _, ok := watchdogInterval(env(map[string]string{"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "8"}), 7); ok {
		t.Error("watchdog meant for another pid accepted")
	}
	if _, ok := watchdogInterval(env(map[string]string{}), 7); ok {
		t.Error("watchdog on without WATCHDOG_USEC")
	}
	if _, ok := watchdogInterval(env(map[string]string{"WATCHDOG_USEC": "-5"}), 7); ok {
		t.Error("negative interval accepted")
	}
}

func TestHeartbeatPingsOnlyWhileBeating(t *testing.T) {
	sock, ch := listen(t)
	var h Heartbeat
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	interval := 200 * time.Millisecond
	h.Beat()
	go func() { done <- h.Run(ctx, Notifier{Socket: sock}, interval) }()

	// Beating: pings arrive.
	stopBeat := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopBeat:
				return
			case <-time.After(20 * time.Millisecond):
				h.Beat()
			}
		}
	}()
	for range 3 {
		if got := next(t, ch); got != Watchdog {
			t.Fatalf("datagram %q", got)
		}
	}
	// The loop stalls: once the last beat is older than the interval, pings stop.
	close(stopBeat)
	time.Sleep(interval + interval/2)
	for len(ch) > 0 {
		<-ch
	}
	select {
	case m := <-ch:
		t.Errorf("ping %q while the loop is stuck", m)
	case <-time.After(2 * interval):
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
