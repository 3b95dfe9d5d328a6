package fleet_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"certkiosk/kiosk"
	"certkiosk/kiosk/fleet"
	"certkiosk/kiosk/sim"
)

func TestLogObserver(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := fleet.New(fleet.Options{NoRuntime: true})
	obs := fleet.Chain(m.Observe, nil, fleet.LogObserver(log))
	st := kiosk.NewState(kiosk.DefaultConfig(), "boot")
	st.Screen = kiosk.Printing
	obs(kiosk.PrintFault{Fault: "jam"}, st, []kiosk.Effect{
		kiosk.Journal{Entry: kiosk.JournalEntry{Severity: kiosk.Alarm, Code: "print_fault", Txn: "kiosk-boot-3", Screen: kiosk.Printing, Detail: "jam"}},
		kiosk.Journal{Entry: kiosk.JournalEntry{Code: "refused", Detail: sim.DemoName + " " + strings.Repeat("x", 300)}},
	})
	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a screen line and two journal lines, got:\n%s", out)
	}
	for _, want := range []string{`"level":"DEBUG","msg":"screen","screen":"printing"`,
		`"level":"ERROR","msg":"journal","code":"print_fault","txn":"kiosk-boot-3","screen":"printing","detail":"jam"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, sim.DemoName) || strings.Contains(out, strings.Repeat("x", 250)) {
		t.Errorf("detail not cleaned or not bounded:\n%s", lines[2])
	}
	// The chain fed the metrics too.
	fams, _ := scrape(t, m.Handler())
	expect(t, fams, 1, "certkiosk_print_faults_total", "fault", "jam")
}
