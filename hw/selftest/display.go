package selftest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Display checks the X display the kiosk draws on: DISPLAY is set and its server accepts a
// connection (the Unix socket for ":N", TCP 6000+N for "host:N"). Without DISPLAY the kiosk runs
// headless and the check is skipped.
type Display struct {
	Getenv    func(string) string // default os.Getenv
	SocketDir string              // default /tmp/.X11-unix
}

// Name implements Check.
func (d Display) Name() string { return "display" }

// Run implements Check.
func (d Display) Run(ctx context.Context) Result {
	getenv := os.Getenv
	if d.Getenv != nil {
		getenv = d.Getenv
	}
	disp := getenv("DISPLAY")
	if disp == "" {
		return Skip("headless (DISPLAY not set)")
	}
	host, rest, ok := strings.Cut(disp, ":")
	if !ok {
		return Fail("DISPLAY %q has no ':'", disp)
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return Fail("DISPLAY %q: bad display number", disp)
	}
	network, addr := "unix", filepath.Join(orDefault(d.SocketDir, "/tmp/.X11-unix"), fmt.Sprintf("X%d", n))
	if host != "" && host != "unix" {
		network, addr = "tcp", net.JoinHostPort(host, strconv.Itoa(6000+n))
	}
	var dl net.Dialer
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := dl.DialContext(ctx, network, addr)
	if err != nil {
		return Fail("DISPLAY %s: no X server at %s: %v", disp, addr, err)
	}
	c.Close()
	return Pass("DISPLAY %s: X server at %s", disp, addr)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
