package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
)

// runTerminal runs the firmware on a terminal's real parts, from its configuration file.
func runTerminal(ctx context.Context, f flags, stdout io.Writer, log *slog.Logger) error {
	if f.config == "" {
		return errors.New("no configuration: give -config FILE, or -demo to run everything embedded")
	}
	return errors.New("terminal mode is not wired yet; use -demo")
}

// runDemoWindow opens the full-screen kiosk with everything embedded.
func runDemoWindow(ctx context.Context, f flags, stdout io.Writer, log *slog.Logger) error {
	return errors.New("the kiosk window is not built yet; use -demo -headless")
}
