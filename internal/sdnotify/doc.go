// Package sdnotify tells systemd how the kiosk is doing, over the sd_notify datagram protocol
// (man 3 sd_notify): "READY=1" once the kiosk shows its idle screen, "STATUS=..." for
// `systemctl status`, "STOPPING=1" on shutdown, and "WATCHDOG=1" pings.
//
// The watchdog (WatchdogSec= in certkiosk.service) restarts the kiosk when pings stop. A ping
// must mean "the kiosk works", not "a goroutine is alive", so pings go through a Heartbeat: the
// session machine's event loop calls Beat on every turn (it gets a timer event at least every
// second), and Heartbeat.Run sends WATCHDOG=1 at half the watchdog interval only while the last
// Beat is fresher than the interval. A stuck event loop thus stops the pings and systemd
// restarts the kiosk.
//
// No dependency: the protocol is one datagram per message to the Unix socket in $NOTIFY_SOCKET
// ("@" at the start means the abstract namespace, which Go's net package handles). Outside
// systemd (NOTIFY_SOCKET unset) every call is a silent no-op.
//
// This package must never import anything of the kiosk's; the kiosk imports it from cmd/kiosk.
package sdnotify
