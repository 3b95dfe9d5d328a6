package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"certkiosk/hw/printer/file"
	"certkiosk/kiosk"
	"certkiosk/kiosk/adapters"
	"certkiosk/kiosk/fleet"
	"certkiosk/kiosk/outbox"
)

// kioskctl maint against a kiosk's endpoint over a real outbox, journal and file printer.
func TestMaint(t *testing.T) {
	dir := t.TempDir()
	box, err := outbox.Open(filepath.Join(dir, "outbox.db"), &outbox.Options{Capacity: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	if err := (&adapters.Journal{J: box.Journal()}).Append(kiosk.JournalEntry{Severity: kiosk.Warn, Code: "maintenance_on"}); err != nil {
		t.Fatal(err)
	}
	docs, err := file.New(filepath.Join(dir, "pages"), file.PNG)
	if err != nil {
		t.Fatal(err)
	}
	m := fleet.New(fleet.Options{NoRuntime: true})
	var sent []kiosk.Event
	rm := &fleet.Remote{Maintainer: &adapters.Maintainer{Outbox: box, Journal: box.Journal(), Document: docs,
		Config: []string{`kiosk_id = "k1"`}}, Metrics: m, Send: func(e kiosk.Event) bool { sent = append(sent, e); return true }}
	srv := httptest.NewServer(fleet.Mux(m, rm))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	st := kiosk.NewState(kiosk.DefaultConfig(), "boot")
	m.Observe(kiosk.TimerFired{}, st, nil)

	ctl := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(append([]string{"maint"}, append(args, "-addr", addr)...), &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, out, errb := ctl("journal"); code != 0 || !strings.Contains(out, "maintenance_on") || !strings.Contains(out, "journal_chain") {
		t.Fatalf("journal: exit %d\n%s%s", code, out, errb)
	}
	if code, out, _ := ctl("config", "-json"); code != 0 || !json.Valid([]byte(out)) || !strings.Contains(out, "k1") {
		t.Fatalf("config -json: exit %d\n%s", code, out)
	}
	// The status of a kiosk with no center check, reader or receipt printer: lines that are not
	// fitted are not failures; the outbox is empty.
	st.Txn, st.Totals = 3, kiosk.Totals{In: 1500, Spent: 1200, Change: 300}
	m.Observe(kiosk.TimerFired{}, st, nil)
	code, out, errb := ctl("status")
	if code != 0 || !strings.Contains(out, "outbox_pending") || !strings.Contains(out, "sessions           3") ||
		!strings.Contains(out, "in 1500, spent 1200, change 300") || !strings.Contains(out, "screen             idle") {
		t.Fatalf("status: exit %d\n%s%s", code, out, errb)
	}
	if code, _, errb := ctl("test-page"); code != 1 || !strings.Contains(errb, "enter_maintenance_first") {
		t.Fatalf("test page outside maintenance: exit %d %s", code, errb)
	}
	st.Screen = kiosk.Maintenance
	m.Observe(kiosk.TechnicianKey{On: true}, st, nil)
	if code, out, errb := ctl("test-page"); code != 0 || !strings.Contains(out, "printed") || len(docs.LastFiles()) != 1 {
		t.Fatalf("test page: exit %d\n%s%s", code, out, errb)
	}
	if code, out, _ := ctl("service-off"); code != 0 || !strings.Contains(out, "accepted") {
		t.Fatalf("service-off: exit %d %s", code, out)
	}
	if last := sent[len(sent)-1]; last != (kiosk.RemoteMaintenance{Action: kiosk.MaintServiceOff}) {
		t.Fatalf("last event %v", last)
	}
	if code, _, _ := ctl("reboot"); code != 2 {
		t.Fatalf("unknown action: exit %d, want 2", code)
	}
	srv.Close()
	if code, _, errb := ctl("status"); code != 1 || !strings.Contains(errb, "is the kiosk running") {
		t.Fatalf("nothing listening: exit %d %s", code, errb)
	}
}
