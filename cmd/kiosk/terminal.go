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
