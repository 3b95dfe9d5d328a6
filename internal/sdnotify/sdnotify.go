package sdnotify

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// Messages the kiosk sends.
const (
	Ready    = "READY=1"
	Stopping = "STOPPING=1"
	Watchdog = "WATCHDOG=1"
)

// Status formats a STATUS= message (shown by systemctl status). Never put personal data in it.
func Status(s string) string { return "STATUS=" + s }

// Notifier sends to one notify socket. The zero value (no socket) does nothing.
type Notifier struct {
	Socket string
}

// FromEnv returns the notifier systemd set up for this process, if any.
func FromEnv() Notifier { return Notifier{Socket: os.Getenv("NOTIFY_SOCKET")} }

// Enabled reports whether there is a socket to send to.
func (n Notifier) Enabled() bool { return n.Socket != "" }

// Notify sends the messages as one datagram (newline-separated, as sd_notify does).
func (n Notifier) Notify(msgs ...string) error {
	if n.Socket == "" {
		return nil
	}
	var b []byte
	for i, m := range msgs {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(b, m...)
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.Socket, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("sd_notify: dial %s: %w", n.Socket, err)
	}
	defer c.Close()
	if _, err := c.Write(b); err != nil {
		return fmt.Errorf("sd_notify: send: %w", err)
	}
	return nil
}

// WatchdogInterval returns systemd's watchdog interval for this process (WATCHDOG_USEC, and
// WATCHDOG_PID when set must be our pid), or false when the watchdog is off.
func WatchdogInterval() (time.Duration, bool) {
	return watchdogInterval(os.Getenv, os.Getpid())
}

func watchdogInterval(getenv func(string) string, pid int) (time.Duration, bool) {
	if p := getenv("WATCHDOG_PID"); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n != pid {
			return 0, false
		}
	}
	us, err := strconv.ParseInt(getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || us <= 0 {
		return 0, false
	}
	return time.Duration(us) * time.Microsecond, true
}

// Heartbeat turns the event loop's liveness into watchdog pings.
type Heartbeat struct {
	last atomic.Int64 // unix nanoseconds of the last Beat
}

// Beat records that the event loop has made progress.
func (h *Heartbeat) Beat() { h.last.Store(time.Now().UnixNano()) }

// Run pings n every interval/2 while the last Beat is younger than interval, until ctx ends.
// A send error is returned (systemd went away); a missing heartbeat just withholds the ping.
func (h *Heartbeat) Run(ctx context.Context, n Notifier, interval time.Duration) error {
	if !n.Enabled() || interval <= 0 {
		<-ctx.Done()
		return nil
	}
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			if now.Sub(time.Unix(0, h.last.Load())) >= interval {
				continue // the loop is stuck: let systemd's watchdog fire
			}
			if err := n.Notify(Watchdog); err != nil {
				return err
			}
		}
	}
}
