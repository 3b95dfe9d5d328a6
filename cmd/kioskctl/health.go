package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"certkiosk/kiosk/config"
	"certkiosk/kiosk/fleet"
)

func init() {
	register(command{
		name:    "health",
		summary: "ask the running kiosk's health endpoint [-addr HOST:PORT] [-json]",
		run:     runHealth,
	})
}

// runHealth asks GET /healthz of the kiosk on this machine and prints the answer. It fails
// (exit 1) when the kiosk is out of service or does not answer; degraded prints the reasons and
// succeeds (the kiosk still serves residents).
func runHealth(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", config.Default().Metrics.Listen, "the kiosk's metrics.listen `address`")
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	h, err := fetchHealth(ctx, *addr)
	if err != nil {
		return err
	}
	if *asJSON {
		e := json.NewEncoder(stdout)
		e.SetIndent("", "  ")
		if err := e.Encode(h); err != nil {
			return fmt.Errorf("write health: %w", err)
		}
	} else if err := writeHealth(stdout, h); err != nil {
		return err
	}
	if h.Status == fleet.StatusOutOfService {
		return fmt.Errorf("kiosk is out of service: %s", strings.Join(h.Reasons, ", "))
	}
	return nil
}

func fetchHealth(ctx context.Context, addr string) (fleet.Health, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return fleet.Health{}, fmt.Errorf("health %s: %w", addr, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fleet.Health{}, fmt.Errorf("health %s (is the kiosk running?): %w", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusServiceUnavailable {
		return fleet.Health{}, fmt.Errorf("health %s: %s", addr, resp.Status)
	}
	var h fleet.Health
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&h); err != nil {
		return fleet.Health{}, fmt.Errorf("health %s: answer is not health JSON: %w", addr, err)
	}
	if h.Status == "" {
		return fleet.Health{}, fmt.Errorf("health %s: answer has no status", addr)
	}
	return h, nil
}

func writeHealth(w io.Writer, h fleet.Health) error {
	var b strings.Builder
	fmt.Fprintf(&b, "status    %s\n", h.Status)
	if len(h.Reasons) > 0 {
		fmt.Fprintf(&b, "reasons   %s\n", strings.Join(h.Reasons, ", "))
	}
	if h.Screen != "" {
		fmt.Fprintf(&b, "screen    %s\n", h.Screen)
	}
	if h.OutboxPending != nil {
		fmt.Fprintf(&b, "outbox    pending %d", *h.OutboxPending)
		if h.OutboxDead != nil {
			fmt.Fprintf(&b, ", dead %d", *h.OutboxDead)
		}
		if h.OutboxHeadroom != nil {
			fmt.Fprintf(&b, ", headroom %d", *h.OutboxHeadroom)
		}
		if h.OutboxOldestSeconds != nil {
			fmt.Fprintf(&b, ", oldest %s", (time.Duration(*h.OutboxOldestSeconds) * time.Second).String())
		}
		b.WriteString("\n")
	}
	for _, name := range []string{"document", "receipt"} {
		if st, ok := h.Printers[name]; ok {
			fmt.Fprintf(&b, "printer   %s %s\n", name, st)
		}
	}
	fmt.Fprintf(&b, "selftest  %s", h.SelfTest)
	if len(h.FailedChecks) > 0 {
		fmt.Fprintf(&b, " (failed: %s)", strings.Join(h.FailedChecks, ", "))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
