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

	"certkiosk/kiosk"
	"certkiosk/kiosk/config"
	"certkiosk/kiosk/fleet"
)

func init() {
	register(command{
		name:    "maint",
		summary: "the running kiosk's maintenance: status | journal | config | send-now | test-page | reader-test | service-off | service-on",
		run:     runMaint,
	})
}

// maintVerbs are kioskctl's names for the endpoint's actions, with the HTTP method of each.
var maintVerbs = map[string]struct {
	action kiosk.MaintAction
	method string
}{
	"status":      {kiosk.MaintStatus, http.MethodGet},
	"journal":     {kiosk.MaintJournal, http.MethodGet},
	"config":      {kiosk.MaintConfig, http.MethodGet},
	"send-now":    {kiosk.MaintSendNow, http.MethodPost},
	"test-page":   {kiosk.MaintTestPage, http.MethodPost},
	"reader-test": {kiosk.MaintReaderTest, http.MethodPost},
	"service-off": {kiosk.MaintServiceOff, http.MethodPost},
	"service-on":  {kiosk.MaintServiceOn, http.MethodPost},
}

// runMaint asks the running kiosk (its loopback metrics.listen endpoint) to do a technician's
// action, the same the maintenance screen offers, and prints the report. The kiosk journals
// every call. test-page and reader-test need the kiosk in maintenance (key or staff sign-in):
// they use devices a resident's session may be using. The exit status is 1 when the kiosk
// refuses, does not answer, or a report line needs attention.
func runMaint(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("maint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", config.Default().Metrics.Listen, "the kiosk's metrics.listen `address`")
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	timeout := fs.Duration("timeout", 90*time.Second, "give up after this long")
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: kioskctl maint status|journal|config|send-now|test-page|reader-test|service-off|service-on [-addr HOST:PORT] [-json]")
		return errUsage
	}
	verb, ok := maintVerbs[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "maint: unknown action %q\n", args[0])
		return errUsage
	}
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, verb.method, "http://"+*addr+"/maintenance/"+string(verb.action), nil)
	if err != nil {
		return fmt.Errorf("%s: %w", *addr, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s (is the kiosk running?): %w", *addr, err)
	}
	defer resp.Body.Close()
	var a fleet.RemoteAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&a); err != nil {
		return fmt.Errorf("%s: %s, answer is not a maintenance report: %w", *addr, resp.Status, err)
	}
	if *asJSON {
		e := json.NewEncoder(stdout)
		e.SetIndent("", "  ")
		if err := e.Encode(a); err != nil {
			return fmt.Errorf("write answer: %w", err)
		}
	}
	if a.Error != "" {
		return fmt.Errorf("kiosk refused %s: %s (%s)", args[0], a.Error, resp.Status)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("kiosk answered %s", resp.Status)
	}
	if a.Report == nil {
		if !*asJSON {
			fmt.Fprintf(stdout, "%s: accepted\n", args[0])
		}
		return nil
	}
	bad := 0
	var b strings.Builder
	if a.Screen != "" {
		fmt.Fprintf(&b, "  %-18s %s\n", "screen", a.Screen)
	}
	if len(a.Reasons) > 0 {
		fmt.Fprintf(&b, "! %-18s %s\n", "out_of_service", strings.Join(a.Reasons, ", "))
	}
	if c := a.Counters; c != nil {
		fmt.Fprintf(&b, "  %-18s %d\n", "sessions", c.Sessions)
		fmt.Fprintf(&b, "  %-18s in %d, spent %d, change %d, refunded %d, owed %d yen\n", "money",
			c.Totals.In, c.Totals.Spent, c.Totals.Change, c.Totals.Refunded, c.Totals.Owed)
	}
	for _, l := range a.Report.Lines {
		mark := " "
		if l.Bad {
			mark, bad = "!", bad+1
		}
		fmt.Fprintf(&b, "%s %-18s %s\n", mark, l.Label, strings.TrimSpace(l.Code+" "+l.Value))
	}
	if a.Report.Err != "" {
		fmt.Fprintf(&b, "! %-18s %s\n", "error", a.Report.Err)
		bad++
	}
	if !*asJSON {
		if _, err := io.WriteString(stdout, b.String()); err != nil {
			return err
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d line(s) need attention", bad)
	}
	return nil
}
