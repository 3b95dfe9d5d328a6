package demo

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"certkiosk/kiosk"
)

// views keeps the last view the machine rendered.
type views struct {
	mu   sync.Mutex
	last kiosk.View
}

func (v *views) Render(x kiosk.View) {
	v.mu.Lock()
	v.last = x
	v.mu.Unlock()
}

func (v *views) get() kiosk.View {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.last
}

// report waits for the report of action a on the maintenance screen.
func (v *views) report(t *testing.T, a kiosk.MaintAction) *kiosk.MaintReport {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if x := v.get(); x.Screen == kiosk.Maintenance && x.MaintPage == a && !x.MaintBusy && x.MaintReport != nil {
			return x.MaintReport
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s report; last view %+v", a, v.get())
	return nil
}

func lineOf(t *testing.T, r *kiosk.MaintReport, label string) kiosk.MaintLine {
	t.Helper()
	for _, l := range r.Lines {
		if l.Label == label {
			return l
		}
	}
	t.Fatalf("no %s line in %+v", label, r)
	return kiosk.MaintLine{}
}

// A technician signs in with the staff code on the demo kiosk, reads its status, prints a test
// page, takes the kiosk out of service and leaves; residents then see it out of service until
// the technician puts it back.
func TestMaintenanceEndToEnd(t *testing.T) {
	v := &views{}
	d, w := startWith(t, Options{Display: v})
	play(t, d, w, `
tap staff
expect technician_login
pin WRONG99
wait 300ms
`)
	if x := v.get(); x.Screen != kiosk.TechnicianLogin || x.Message != kiosk.MsgTechnicianWrong {
		t.Fatalf("wrong code: %s %q", x.Screen, x.Message)
	}
	play(t, d, w, "key clear\npin "+DemoTechnicianCode+"\nexpect maintenance\ntap maint status\n")
	st := v.report(t, kiosk.MaintStatus)
	if l := lineOf(t, st, kiosk.LabelCenter); l.Bad || l.Code != kiosk.ValueOK {
		t.Errorf("center line %+v", l)
	}
	if l := lineOf(t, st, kiosk.LabelReceiptPrinter); l.Bad {
		t.Errorf("receipt printer line %+v", l)
	}
	lineOf(t, st, kiosk.LabelOutboxPending)

	play(t, d, w, "tap maint test_page\n")
	tp := v.report(t, kiosk.MaintTestPage)
	if l := lineOf(t, tp, kiosk.LabelTestPage); l.Code != kiosk.ValuePrinted {
		t.Errorf("test page %+v", l)
	}
	if pages, _ := filepath.Glob(filepath.Join(d.PagesDir, "*", "page-*.png")); len(pages) != 1 {
		t.Errorf("test page files: %v", pages)
	}

	play(t, d, w, "tap maint journal\n")
	jr := v.report(t, kiosk.MaintJournal)
	if l := lineOf(t, jr, kiosk.LabelJournalChain); l.Bad {
		t.Errorf("journal chain %+v", l)
	}
	var codes []string
	for _, l := range jr.Lines {
		if l.Label == kiosk.LabelJournal {
			codes = append(codes, l.Value)
		}
	}
	all := strings.Join(codes, "\n")
	for _, want := range []string{"technician_credential_wrong", "maintenance_on", "maintenance_action"} {
		if !strings.Contains(all, want) {
			t.Errorf("journal has no %s:\n%s", want, all)
		}
	}

	play(t, d, w, "tap maint service_off\ntap maint exit\nexpect out_of_service\ntap start\nwait 200ms\n")
	if x := v.get(); x.Screen != kiosk.OutOfService || x.Flags&kiosk.FlagTechnician == 0 {
		t.Fatalf("after service off: %s flags %#x", x.Screen, x.Flags)
	}
	play(t, d, w, "maintenance on\nexpect maintenance\ntap maint service_on\nmaintenance off\nexpect idle\n")
}

// A kiosk whose outbox has less room than the reserve for one more session (after a long
// outage, say) starts out of service and takes no money: whatever it took could not be
// accounted for. The guard's recovery, once the sender has made room, is in kiosk/adapters.
func TestOutboxReserveStopsNewSessions(t *testing.T) {
	v := &views{}
	d, w := startWith(t, Options{Display: v, OutboxCapacity: 11})
	play(t, d, w, "expect out_of_service\ntap start\ncoin 500\nwait 300ms\n")
	x := v.get()
	if x.Screen != kiosk.OutOfService || x.Flags&kiosk.FlagOutboxFull == 0 {
		t.Fatalf("screen %s flags %#x", x.Screen, x.Flags)
	}
	if d.Cashbox.PaidOut != 500 {
		t.Fatalf("the coin was kept: paid out %d", d.Cashbox.PaidOut)
	}
}

// 戸籍 use registration against the center: a resident whose 本籍 is in another municipality
// registers at the kiosk, and the family-register certificate is then offered and issued.
func TestKosekiRegistrationEndToEnd(t *testing.T) {
	v := &views{}
	d, w := startWith(t, Options{Display: v})
	d.mu.Lock()
	d.current = "r106" // 本籍 in 990002, not yet registered
	d.mu.Unlock()
	play(t, d, w, `
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
expect take_card_back
card remove
expect menu
tap koseki
expect koseki_confirm
tap confirm
expect menu
`)
	x := v.get()
	if x.Message != kiosk.MsgKosekiRegistered {
		t.Fatalf("after registration: message %q", x.Message)
	}
	offered := false
	for _, o := range x.Catalog {
		if strings.HasPrefix(o.Type, "koseki") && o.Available {
			offered = true
		}
	}
	if !offered {
		t.Fatalf("no 戸籍 certificate offered after registration: %+v", x.Catalog)
	}
}
