// Command kiosk is the firmware: it reads the configuration, starts the drivers, runs the
// session machine and shows the touch screen.
//
//	kiosk [-config FILE] [-demo] [-headless] [-script FILE] [-out DIR] [-pcsc] [-windowed]
//
// -demo runs everything embedded (reference center, simulated cards, file printer, simulated
// cashbox) so the whole service can be seen with one command. -headless runs without a window:
// with -demo it walks a scripted issuance (or -script FILE) and leaves the printed pages in the
// folder it names.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/demo"
)

// started is when the process started, for the cold-start figure.
var started = time.Now()

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type flags struct {
	config   string
	demo     bool
	headless bool
	script   string
	out      string
	pcsc     bool
	verbose  bool
	windowed bool
}

func parse(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("kiosk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "configuration `FILE` (TOML)")
	fs.BoolVar(&f.demo, "demo", false, "run everything embedded: center, simulated cards, file printer, simulated cashbox")
	fs.BoolVar(&f.headless, "headless", false, "run without a window, from a script of events")
	fs.StringVar(&f.script, "script", "", "script `FILE` for -headless: with -demo (default: a whole issuance) or on a terminal's real parts")
	fs.StringVar(&f.out, "out", "", "demo work folder `DIR` (default: a new temporary folder)")
	fs.BoolVar(&f.pcsc, "pcsc", false, "demo: read the simulated cards through pcscd and vpcd (pcscd must be running)")
	fs.BoolVar(&f.verbose, "v", false, "log the journal and the center's requests to standard error")
	fs.BoolVar(&f.windowed, "windowed", false, "demo: a 1280x800 window instead of full screen")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	f, err := parse(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintln(stderr, "kiosk:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A terminal always logs, as JSON on standard error for journald; a demo logs only with -v.
	// Nothing logged carries personal data: journal entries are codes, ids and counts.
	log := slog.New(slog.DiscardHandler)
	switch {
	case !f.demo:
		level := slog.LevelInfo
		if f.verbose {
			level = slog.LevelDebug
		}
		log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	case f.verbose:
		log = slog.New(slog.NewTextHandler(stderr, nil))
	}
	switch {
	case f.demo && f.headless:
		err = runDemoHeadless(ctx, f, stdout, log)
	case f.demo:
		err = runDemoWindow(ctx, f, stdout, log)
	default:
		err = runTerminal(ctx, f, stdout, log)
	}
	if err != nil {
		fmt.Fprintln(stderr, "kiosk:", err)
		return 1
	}
	return 0
}

// demoDir returns the demo's work folder: -out, or a new temporary one.
func demoDir(f flags) (string, error) {
	if f.out != "" {
		return f.out, os.MkdirAll(f.out, 0o755)
	}
	return os.MkdirTemp("", "certkiosk-demo-")
}

func runDemoHeadless(ctx context.Context, f flags, stdout io.Writer, log *slog.Logger) error {
	script := demo.IssuanceScript
	if f.script != "" {
		b, err := os.ReadFile(f.script)
		if err != nil {
			return err
		}
		script = string(b)
	}
	steps, err := kiosk.ParseScript(strings.NewReader(script))
	if err != nil {
		return err
	}
	dir, err := demoDir(f)
	if err != nil {
		return err
	}
	w := &kiosk.Watcher{Next: &screenLog{w: stdout, last: -1}}
	d, err := demo.New(demo.Options{Dir: dir, Display: w, PCSC: f.pcsc, Log: log})
	if err != nil {
		return err
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	err = d.Play(ctx, w, steps, 30*time.Second)
	if err == nil {
		err = waitDelivered(ctx, d, 10*time.Second)
	}
	cancel()
	if rerr := <-done; err == nil {
		err = rerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\ncertificates printed to %s\nreceipts printed to %s\n", d.PagesDir, d.SlipsDir)
	return nil
}

// waitDelivered waits until the outbox has handed every record to the center.
func waitDelivered(ctx context.Context, d *demo.Demo, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		st, err := d.Outbox.Stats()
		if err != nil {
			return err
		}
		if st.Pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d outbox records not delivered (last error: %s)", st.Pending, st.LastError)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// screenLog prints each new screen of a headless run: the technician's view of the session.
// The machine renders from its one goroutine, so last needs no lock.
type screenLog struct {
	w    io.Writer
	last kiosk.Screen
}

func (s *screenLog) Render(v kiosk.View) {
	if v.Screen == s.last {
		return
	}
	s.last = v.Screen
	extra := ""
	switch v.Screen {
	case kiosk.Pay:
		extra = fmt.Sprintf(" due %d yen", v.Due)
	case kiosk.Printing:
		extra = fmt.Sprintf(" printed %d", v.Printed)
	case kiosk.Outcome:
		extra = " " + v.Outcome.Key
	}
	fmt.Fprintf(s.w, "screen: %s%s\n", v.Screen, extra)
}
