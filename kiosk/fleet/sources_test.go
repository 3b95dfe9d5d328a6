package fleet_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certkiosk/hw/selftest"
	"certkiosk/kiosk"
	"certkiosk/kiosk/fleet"
	"certkiosk/kiosk/outbox"
)

func TestOutboxSource(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	ob, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"), &outbox.Options{Capacity: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	m := fleet.New(fleet.Options{NoRuntime: true, Outbox: ob, Now: func() time.Time { return now },
		OutboxStaleAfter: 30 * time.Minute})

	fams, _ := scrape(t, m.Handler())
	expect(t, fams, 1, "certkiosk_source_up", "source", "outbox")
	expect(t, fams, 0, "certkiosk_outbox_pending")
	expect(t, fams, 0, "certkiosk_outbox_oldest_age_seconds")
	expect(t, fams, 20, "certkiosk_outbox_headroom")
	if _, h, _ := health(t, m.Handler()); h.Status != fleet.StatusOK || h.OutboxPending == nil || *h.OutboxPending != 0 {
		t.Errorf("healthz with an empty outbox = %+v, want ok with outbox_pending 0", h)
	}

	for i, age := range []time.Duration{45 * time.Minute, 5 * time.Minute} {
		r := outbox.Record{Kind: outbox.KindCompletion, Key: outbox.ID("txn-" + string(rune('1'+i)) + ":completion:1"),
			Created: now.Add(-age), Payload: outbox.Payload{CertType: "juminhyo", Copies: 2, Printed: 2, AmountYen: 400}}
		if err := ob.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	fams, _ = scrape(t, m.Handler())
	expect(t, fams, 2, "certkiosk_outbox_pending")
	expect(t, fams, 0, "certkiosk_outbox_dead")
	expect(t, fams, 18, "certkiosk_outbox_headroom")
	expect(t, fams, 20, "certkiosk_outbox_capacity")
	expect(t, fams, (45 * time.Minute).Seconds(), "certkiosk_outbox_oldest_age_seconds")

	code, h, _ := health(t, m.Handler())
	if code != http.StatusOK || h.Status != fleet.StatusDegraded || !contains(h.Reasons, "outbox_stale") ||
		h.OutboxPending == nil || *h.OutboxPending != 2 {
		t.Errorf("healthz = %d %+v, want 200 degraded (outbox_stale) with 2 pending", code, h)
	}

	// A closed outbox cannot be read: source down, scrape and health still answer.
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}
	fams, _ = scrape(t, m.Handler())
	expect(t, fams, 0, "certkiosk_source_up", "source", "outbox")
	if _, ok := value(fams, "certkiosk_outbox_pending"); ok {
		t.Error("outbox_pending exported from an outbox that could not be read")
	}
	if code, h, _ := health(t, m.Handler()); code != http.StatusOK || !contains(h.Reasons, "outbox_unreadable") {
		t.Errorf("healthz = %d %+v, want 200 with outbox_unreadable", code, h)
	}
}

func TestOutOfService(t *testing.T) {
	m := fleet.New(fleet.Options{NoRuntime: true})
	st := kiosk.NewState(kiosk.DefaultConfig(), "boot")
	m.Observe(kiosk.TimerFired{}, st, nil)
	if code, h, _ := health(t, m.Handler()); code != http.StatusOK || h.Status != fleet.StatusOK {
		t.Fatalf("healthz = %d %+v, want 200 ok", code, h)
	}

	st.Flags = kiosk.FlagPaperOut | kiosk.FlagOutboxFull
	st.Screen = kiosk.OutOfService
	m.Observe(kiosk.ServiceChanged{Flag: kiosk.FlagPaperOut, On: true}, st, nil)
	code, h, _ := health(t, m.Handler())
	if code != http.StatusServiceUnavailable || h.Status != fleet.StatusOutOfService ||
		strings.Join(h.Reasons, ",") != "outbox_full,paper_out" {
		t.Errorf("healthz = %d %+v, want 503 out_of_service for outbox_full,paper_out", code, h)
	}
	fams, _ := scrape(t, m.Handler())
	expect(t, fams, 1, "certkiosk_out_of_service", "reason", "paper_out")
	expect(t, fams, 1, "certkiosk_out_of_service", "reason", "outbox_full")
	expect(t, fams, 0, "certkiosk_out_of_service", "reason", "cashbox_fault")
	expect(t, fams, 1, "certkiosk_screen", "screen", "out_of_service")

	st.Flags, st.Screen = 0, kiosk.Idle
	m.Observe(kiosk.ServiceChanged{Flag: kiosk.FlagPaperOut}, st, nil)
	if code, h, _ := health(t, m.Handler()); code != http.StatusOK || h.Status != fleet.StatusOK {
		t.Errorf("after the flags cleared healthz = %d %+v, want 200 ok", code, h)
	}
}

func TestSelfTest(t *testing.T) {
	m := fleet.New(fleet.Options{NoRuntime: true})
	if _, h, _ := health(t, m.Handler()); h.SelfTest != "not_run" {
		t.Errorf("selftest before any report = %q, want not_run", h.SelfTest)
	}
	started := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	m.SetSelfTest(&selftest.Report{Started: started, Failed: true, Checks: []selftest.CheckReport{
		{Name: "clock", Pass: true, Seconds: 0.01},
		{Name: "device-cert", Pass: false, Seconds: 0.2, Details: "expired for 山田"},
		{Name: "gpio", Pass: true, Skipped: true},
	}})
	fams, body := scrape(t, m.Handler())
	expect(t, fams, 1, "certkiosk_selftest_check", "check", "clock")
	expect(t, fams, 0, "certkiosk_selftest_check", "check", "device-cert")
	expect(t, fams, 0.2, "certkiosk_selftest_check_seconds", "check", "device-cert")
	expect(t, fams, 1, "certkiosk_selftest_check", "check", "gpio")
	expect(t, fams, 1, "certkiosk_selftest_check_skipped", "check", "gpio")
	expect(t, fams, 1, "certkiosk_selftest_failed")
	expect(t, fams, float64(started.Unix()), "certkiosk_selftest_timestamp_seconds")
	if strings.Contains(body, "山田") {
		t.Error("self-test details reached the scrape")
	}
	code, h, _ := health(t, m.Handler())
	if code != http.StatusServiceUnavailable || h.SelfTest != "fail" || !contains(h.Reasons, "selftest_failed") ||
		!contains(h.FailedChecks, "device-cert") {
		t.Errorf("healthz = %d %+v, want 503 with the failed check", code, h)
	}

	// A passing rerun replaces the old results.
	m.SetSelfTest(&selftest.Report{Started: started.Add(time.Hour), Checks: []selftest.CheckReport{{Name: "clock", Pass: true}}})
	fams, _ = scrape(t, m.Handler())
	if _, ok := value(fams, "certkiosk_selftest_check", "check", "device-cert"); ok {
		t.Error("a check of the old report is still exported")
	}
	expect(t, fams, 0, "certkiosk_selftest_failed")
	if code, h, _ := health(t, m.Handler()); code != http.StatusOK || h.SelfTest != "pass" {
		t.Errorf("healthz = %d %+v, want 200 pass", code, h)
	}
}

func TestBuildInfoConfigLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "none"},
		{strings.Repeat("0f", 32), strings.Repeat("0f", 32)},
		{"not a hash", "invalid"},
	} {
		fams, _ := scrape(t, fleet.New(fleet.Options{NoRuntime: true, ConfigSHA256: c.in}).Handler())
		expect(t, fams, 1, "certkiosk_build_info", "config_sha256", c.want)
	}
}

func TestServeRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:9464", ":9464", "[::]:9464", "192.0.2.1:9464", "kiosk.example:9464"} {
		err := fleet.Serve(context.Background(), addr, http.NotFoundHandler())
		if !errors.Is(err, fleet.ErrNotLoopback) || !strings.Contains(err.Error(), addr) {
			t.Errorf("Serve(%q) = %v, want ErrNotLoopback naming the address", addr, err)
		}
	}
	if err := fleet.Serve(context.Background(), "127.0.0.1", http.NotFoundHandler()); err == nil || errors.Is(err, fleet.ErrNotLoopback) {
		t.Errorf("Serve without a port = %v, want a host:port error", err)
	}
}

func TestServeShutsDownWithContext(t *testing.T) {
	ln, err := fleet.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := fleet.New(fleet.Options{NoRuntime: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fleet.ServeListener(ctx, ln, m.Handler()) }()
	url := "http://" + ln.Addr().String()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: %s", resp.Status)
	}
	resp, err = http.Post(url+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %s, want 405", resp.Status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeListener after cancel = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ServeListener did not return after its context ended")
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("still listening after shutdown")
	}
}

func TestRuntimeCollectors(t *testing.T) {
	fams, _ := scrape(t, fleet.New(fleet.Options{}).Handler())
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "certkiosk_build_info"} {
		if _, ok := value(fams, name); !ok {
			t.Errorf("%s missing from the default registry", name)
		}
	}
}

// BenchmarkObserve is the cost Observe adds to each step of the machine's loop.
func BenchmarkObserve(b *testing.B) {
	m := fleet.New(fleet.Options{NoRuntime: true})
	st := kiosk.NewState(kiosk.DefaultConfig(), "boot")
	st.Screen = kiosk.Printing
	effs := []kiosk.Effect{kiosk.Journal{Entry: kiosk.JournalEntry{Code: "printed"}}, kiosk.Render{}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Observe(kiosk.PrintDone{}, st, effs)
	}
}
