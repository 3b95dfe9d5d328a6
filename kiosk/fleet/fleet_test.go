package fleet_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"certkiosk/hw/printer"
	"certkiosk/kiosk"
	"certkiosk/kiosk/fleet"
	"certkiosk/kiosk/sim"
)

// scrape GETs /metrics and parses the text; the raw body comes back too (for privacy checks).
func scrape(t *testing.T, h http.Handler) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read /metrics: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, body)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return fams, string(body)
}

// health GETs /healthz.
func health(t *testing.T, h http.Handler) (int, fleet.Health, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	var hh fleet.Health
	if err := json.Unmarshal(rec.Body.Bytes(), &hh); err != nil {
		t.Fatalf("healthz body %q: %v", rec.Body.String(), err)
	}
	return rec.Code, hh, rec.Body.String()
}

// value is the value of the series of name whose labels include want; ok is false when absent.
func value(fams map[string]*dto.MetricFamily, name string, want ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		for i := 0; i+1 < len(want); i += 2 {
			found := false
			for _, l := range m.Label {
				if l.GetName() == want[i] && l.GetValue() == want[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func expect(t *testing.T, fams map[string]*dto.MetricFamily, want float64, name string, labels ...string) {
	t.Helper()
	got, ok := value(fams, name, labels...)
	if !ok {
		t.Errorf("%s%v: no such series", name, labels)
		return
	}
	if got != want {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}

const refusedLogin = `
expect idle
tap start
expect choose_language
tap language ja
tap agree
tap service certificates
expect place_card
card place
expect enter_pin
pin 1234
expect outcome
card remove
tap done
expect idle
`

// TestScenario drives the real session machine with the simulated devices through the demo
// issuance (two copies, a 500-yen coin, change) and a login the center refuses, then scrapes.
func TestScenario(t *testing.T) {
	k, err := sim.NewKit(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	m := fleet.New(fleet.Options{NoRuntime: true, ConfigSHA256: strings.Repeat("ab", 32)})
	w := &kiosk.Watcher{Next: k.Screen}
	p := k.Ports()
	p.Display = w
	r, err := kiosk.NewRunner(kiosk.DefaultConfig(), p)
	if err != nil {
		t.Fatal(err)
	}
	r.Observe(m.Observe)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	play := func(script string) {
		t.Helper()
		steps, err := kiosk.ParseScript(strings.NewReader(script))
		if err != nil {
			t.Fatal(err)
		}
		if err := kiosk.Play(ctx, r, w, steps, k, k.Clock, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	play(sim.DemoScript)
	k.Center.Set(func(c *sim.Center) { c.Refuse["login"] = "suspended" })
	play(refusedLogin)
	cancel()
	<-done // every Observe call has returned

	fams, body := scrape(t, m.Handler())
	expect(t, fams, 2, "certkiosk_sessions_total")
	expect(t, fams, 2, "certkiosk_sessions_ended_total")
	expect(t, fams, 2, "certkiosk_session_duration_seconds")
	expect(t, fams, 2, "certkiosk_copies_printed_total")
	expect(t, fams, 1, "certkiosk_issuances_total", "type", "juminhyo")
	expect(t, fams, 0, "certkiosk_issuances_total", "type", "inkan")
	expect(t, fams, 500, "certkiosk_payments_yen_total")
	expect(t, fams, 400, "certkiosk_fees_yen_total")
	expect(t, fams, 100, "certkiosk_change_yen_total")
	expect(t, fams, 0, "certkiosk_refunds_yen_total")
	expect(t, fams, 0, "certkiosk_refunds_owed_yen_total")
	expect(t, fams, 1, "certkiosk_refusals_total", "code", "suspended")
	expect(t, fams, 1, "certkiosk_outcomes_total", "key", "refusal.suspended")
	expect(t, fams, 1, "certkiosk_outbox_records_total", "kind", "completion")
	expect(t, fams, 1, "certkiosk_screen_entries_total", "screen", "pay")
	expect(t, fams, 2, "certkiosk_screen_entries_total", "screen", "enter_pin")
	expect(t, fams, 1, "certkiosk_screen", "screen", "idle")
	expect(t, fams, 0, "certkiosk_out_of_service", "reason", "paper_out")
	expect(t, fams, 1, "certkiosk_build_info", "config_sha256", strings.Repeat("ab", 32))
	if _, ok := value(fams, "certkiosk_print_faults_total"); ok {
		t.Error("print faults counted without a fault")
	}

	code, h, hbody := health(t, m.Handler())
	if code != http.StatusOK || h.Status != fleet.StatusOK || h.Screen != "idle" {
		t.Errorf("healthz = %d %+v, want 200 ok on idle", code, h)
	}

	// Nothing personal in either answer.
	res := k.Resident
	personal := []string{sim.DemoName, sim.DemoAddress, `"` + sim.DemoAuthPIN + `"`, sim.DemoSigPIN,
		res.Municipality.Name, "rsv-1"}
	for _, mem := range res.Members {
		personal = append(personal, mem.Name, mem.Relationship, `"`+mem.ID+`"`)
	}
	for _, s := range personal {
		if strings.Contains(body, s) {
			t.Errorf("/metrics contains personal data %q", s)
		}
		if strings.Contains(hbody, s) {
			t.Errorf("/healthz contains personal data %q", s)
		}
	}
	for _, f := range fams {
		for _, mm := range f.Metric {
			for _, l := range mm.Label {
				if l.GetValue() == sim.DemoAuthPIN {
					t.Errorf("%s has the PIN as label %s", f.GetName(), l.GetName())
				}
			}
		}
	}
}

// TestLabelsAreClosed feeds codes from outside the closed lists (a center sending a name, a
// long string) and checks they are counted as "other".
func TestLabelsAreClosed(t *testing.T) {
	m := fleet.New(fleet.Options{NoRuntime: true})
	st := kiosk.NewState(kiosk.DefaultConfig(), "boot")
	for _, c := range []string{"expired", sim.DemoName, strings.Repeat("a", 60), "Expired", "expired\n"} {
		m.Observe(kiosk.Refused{Code: c}, st, []kiosk.Effect{kiosk.Journal{Entry: kiosk.JournalEntry{Code: "refused", Detail: c}}})
	}
	for _, f := range []string{"jam", "paper_out", "toner 山田"} {
		m.Observe(kiosk.PrintFault{Fault: f}, st, []kiosk.Effect{kiosk.Journal{Entry: kiosk.JournalEntry{Severity: kiosk.Alarm, Code: "print_fault", Detail: f}}})
	}
	m.Observe(kiosk.TimerFired{}, st, []kiosk.Effect{
		kiosk.Journal{Entry: kiosk.JournalEntry{Code: "pin_reset", Detail: "signature"}},
		kiosk.Journal{Entry: kiosk.JournalEntry{Severity: kiosk.Alarm, Code: "pin_reset_failed", Detail: "6983"}},
		kiosk.Journal{Entry: kiosk.JournalEntry{Severity: kiosk.Warn, Code: "pin_blocked", Detail: "auth"}},
	})
	m.Observe(kiosk.TimerFired{}, st, []kiosk.Effect{kiosk.OutboxAppend{Record: kiosk.Record{Kind: kiosk.RecordCompletion, Type: "山田の証明書"}}})
	for _, key := range []string{"refusal.expired", "outcome.timeout", "secret " + sim.DemoAddress} {
		o := st
		o.Screen, o.Outcome = kiosk.Outcome, kiosk.OutcomeInfo{Key: key}
		m.Observe(kiosk.TimerFired{}, o, nil)
		m.Observe(kiosk.TimerFired{}, st, nil) // leave the Outcome screen so the next counts
	}
	fams, body := scrape(t, m.Handler())
	expect(t, fams, 1, "certkiosk_refusals_total", "code", "expired")
	expect(t, fams, 4, "certkiosk_refusals_total", "code", "other")
	expect(t, fams, 1, "certkiosk_print_faults_total", "fault", "jam")
	expect(t, fams, 1, "certkiosk_print_faults_total", "fault", "paper_out")
	expect(t, fams, 1, "certkiosk_print_faults_total", "fault", "other")
	expect(t, fams, 3, "certkiosk_journal_alarms_total", "code", "print_fault")
	expect(t, fams, 1, "certkiosk_issuances_total", "type", "other")
	expect(t, fams, 1, "certkiosk_pin_resets_total", "result", "ok")
	expect(t, fams, 1, "certkiosk_pin_resets_total", "result", "failed")
	expect(t, fams, 1, "certkiosk_pin_blocked_total")
	expect(t, fams, 1, "certkiosk_journal_alarms_total", "code", "pin_reset_failed")
	expect(t, fams, 1, "certkiosk_outcomes_total", "key", "refusal.expired")
	expect(t, fams, 1, "certkiosk_outcomes_total", "key", "outcome.timeout")
	expect(t, fams, 1, "certkiosk_outcomes_total", "key", "other")
	for _, s := range []string{sim.DemoName, sim.DemoAddress, "山田", strings.Repeat("a", 60)} {
		if strings.Contains(body, s) {
			t.Errorf("/metrics contains %q", s)
		}
	}
}

type fakePrinter struct {
	st   printer.Status
	err  error
	hang bool
}

func (p fakePrinter) Status(ctx context.Context) (printer.Status, error) {
	if p.hang {
		<-ctx.Done()
		return printer.Status{}, ctx.Err()
	}
	return p.st, p.err
}

func TestPrinterSources(t *testing.T) {
	m := fleet.New(fleet.Options{NoRuntime: true, SourceTimeout: 50 * time.Millisecond,
		Printer:        fakePrinter{err: errors.New("ipp: connection refused")},
		ReceiptPrinter: fakePrinter{hang: true}})
	fams, body := scrape(t, m.Handler())
	expect(t, fams, 0, "certkiosk_source_up", "source", "printer")
	expect(t, fams, 0, "certkiosk_source_up", "source", "receipt_printer")
	if _, ok := value(fams, "certkiosk_printer_ready"); ok {
		t.Error("printer_ready exported for printers that did not answer")
	}
	if strings.Contains(body, "connection refused") {
		t.Error("a source's error text reached the scrape")
	}
	code, h, _ := health(t, m.Handler())
	if code != http.StatusOK || h.Status != fleet.StatusDegraded ||
		!contains(h.Reasons, "printer_unreachable") || !contains(h.Reasons, "receipt_printer_unreachable") {
		t.Errorf("healthz = %d %+v, want 200 degraded with both printers unreachable", code, h)
	}

	m = fleet.New(fleet.Options{NoRuntime: true,
		Printer:        fakePrinter{st: printer.Status{State: printer.StateStopped, Faults: []printer.Fault{printer.FaultMediaEmpty, "weird fault"}}},
		ReceiptPrinter: fakePrinter{st: printer.Status{State: printer.StateIdle, Faults: []printer.Fault{printer.FaultMediaLow}}}})
	fams, _ = scrape(t, m.Handler())
	expect(t, fams, 1, "certkiosk_source_up", "source", "printer")
	expect(t, fams, 0, "certkiosk_printer_ready", "printer", "document")
	expect(t, fams, 1, "certkiosk_printer_faults", "printer", "document", "fault", "media_empty")
	expect(t, fams, 1, "certkiosk_printer_faults", "printer", "document", "fault", "other")
	expect(t, fams, 0, "certkiosk_printer_faults", "printer", "document", "fault", "media_jam")
	expect(t, fams, 1, "certkiosk_printer_ready", "printer", "receipt")
	expect(t, fams, 1, "certkiosk_printer_faults", "printer", "receipt", "fault", "media_low")
	_, h, _ = health(t, m.Handler())
	if h.Status != fleet.StatusDegraded || !contains(h.Reasons, "printer_not_ready") ||
		!contains(h.Reasons, "receipt_printer_media_low") || h.Printers["document"] != "stopped" {
		t.Errorf("healthz = %+v, want degraded: printer not ready, receipt paper low", h)
	}
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}
