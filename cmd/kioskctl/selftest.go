package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"certkiosk/hw/panel/keypad"
	"certkiosk/hw/selftest/kiosksuite"
)

func init() {
	register(command{
		name:    "selftest",
		summary: "run the hardware self-test [-config FILE] [-json] [-junit FILE] [-quick] [-keypad]",
		run:     runSelftest,
	})
}

// runSelftest runs the suite and prints the report; it fails (exit 1) when any check failed.
func runSelftest(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", kiosksuite.DefaultConfigPath, "kiosk configuration `file`")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	junit := fs.String("junit", "", "also write the report as JUnit XML to `file`")
	quick := fs.Bool("quick", false, "run only the boot subset")
	pad := fs.Bool("keypad", false, "also run the interactive keypad test (press each key when asked)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	opts := kiosksuite.Options{ConfigPath: *cfgPath}
	if *pad {
		opts.KeypadPrompt = func(k keypad.Key) { fmt.Fprintf(stderr, "keypad: press %s\n", k) }
	}
	report, runErr := kiosksuite.Run(ctx, kiosksuite.New(opts), *quick)
	var err error
	if *asJSON {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		return err
	}
	if *junit != "" {
		f, err := os.Create(*junit)
		if err != nil {
			return fmt.Errorf("JUnit report: %w", err)
		}
		werr := report.WriteJUnit(f)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("JUnit report %s: %w", *junit, werr)
		}
	}
	if errors.Is(runErr, kiosksuite.ErrFailed) {
		n := 0
		for _, c := range report.Checks {
			if !c.Pass {
				n++
			}
		}
		return fmt.Errorf("%d of %d checks failed", n, len(report.Checks))
	}
	return runErr
}
