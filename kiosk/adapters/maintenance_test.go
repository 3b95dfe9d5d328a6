package adapters

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certkiosk/hw/printer"
	"certkiosk/hw/printer/file"
	"certkiosk/hw/selftest"
	"certkiosk/kiosk"
	"certkiosk/kiosk/outbox"
)

type stoppedPrinter struct{}

func (stoppedPrinter) Status(context.Context) (printer.Status, error) {
	return printer.Status{State: printer.StateStopped, Faults: []printer.Fault{printer.FaultMediaEmpty}, Reasons: []string{"media-empty-error"}}, nil
}

func line(t *testing.T, r kiosk.MaintReport, label string) kiosk.MaintLine {
	t.Helper()
	for _, l := range r.Lines {
		if l.Label == label {
			return l
		}
	}
	t.Fatalf("no %s line in %+v", label, r)
	return kiosk.MaintLine{}
}

func TestMaintainerOverRealParts(t *testing.T) {
	dir := t.TempDir()
	box, err := outbox.Open(filepath.Join(dir, "outbox.db"), &outbox.Options{Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	o := &Outbox{Box: box}
	if err := o.Append(kiosk.Record{Kind: kiosk.RecordRefundOwed, Txn: "kiosk01-b7-3", Key: "kiosk01-b7-3:refund_owed:4", Amount: 300, Reason: "refund"}); err != nil {
		t.Fatal(err)
	}
	j := &Journal{J: box.Journal()}
	for _, code := range []string{"session_start", "maintenance_on"} {
		if err := j.Append(kiosk.JournalEntry{Severity: kiosk.Warn, Code: code, Txn: "kiosk01-b7-3"}); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := file.New(filepath.Join(dir, "pages"), file.PNG)
	if err != nil {
		t.Fatal(err)
	}
	paper := false
	m := &Maintainer{
		Outbox:  box,
		Journal: box.Journal(),
		Center:  selftest.Func("center", func(context.Context) selftest.Result { return selftest.Fail("dial tcp: connection refused") }),
		Reader: selftest.Func("card-reader", func(context.Context) selftest.Result {
			return selftest.Pass("Virtual PCD 00 00: reader present, no card")
		}),
		Document: docs,
		Receipt:  stoppedPrinter{},
		Sensors: []Sensor{
			{Name: "paper", Read: func() (bool, error) { return paper, nil }},
			{Name: "door", Read: func() (bool, error) { return false, errors.New("line CKT-DOOR: not found") }},
		},
		Config: []string{`kiosk_id = "kiosk01"`, `key_file = "********"`},
		Build:  "rev 1234abcd",
	}
	ctx := context.Background()

	st := m.Maintain(ctx, kiosk.MaintStatus)
	if l := line(t, st, kiosk.LabelCenter); !l.Bad || l.Code != kiosk.ValueFailed || !strings.Contains(l.Value, "refused") {
		t.Errorf("center line %+v", l)
	}
	if l := line(t, st, kiosk.LabelOutboxPending); l.Value != "1" || l.Bad {
		t.Errorf("outbox line %+v", l)
	}
	if l := line(t, st, kiosk.LabelReceiptPrinter); !l.Bad || !strings.Contains(l.Value, "media-empty") {
		t.Errorf("receipt printer line %+v", l)
	}
	if l := line(t, st, kiosk.LabelDocumentPrinter); l.Bad {
		t.Errorf("file printer line %+v", l)
	}
	if l := line(t, st, kiosk.LabelDeviceCert); l.Code != kiosk.ValueNotFitted {
		t.Errorf("device certificate without a check: %+v", l)
	}
	var sensors []kiosk.MaintLine
	for _, l := range st.Lines {
		if l.Label == kiosk.LabelSensor {
			sensors = append(sensors, l)
		}
	}
	if len(sensors) != 2 || sensors[0].Code != kiosk.ValueInactive || !sensors[1].Bad {
		t.Errorf("sensor lines %+v", sensors)
	}

	jr := m.Maintain(ctx, kiosk.MaintJournal)
	if l := line(t, jr, kiosk.LabelJournalChain); l.Bad {
		t.Errorf("chain %+v", l)
	}
	var entries []string
	for _, l := range jr.Lines {
		if l.Label == kiosk.LabelJournal {
			entries = append(entries, l.Value)
		}
	}
	if len(entries) != 2 || !strings.Contains(entries[0], "maintenance_on") || !strings.Contains(entries[1], "session_start") {
		t.Errorf("journal lines, newest first: %q", entries)
	}

	tp := m.Maintain(ctx, kiosk.MaintTestPage)
	if l := line(t, tp, kiosk.LabelTestPage); l.Code != kiosk.ValuePrinted || len(docs.LastFiles()) != 1 {
		t.Errorf("test page %+v, files %v", l, docs.LastFiles())
	}
	if l := line(t, m.Maintain(ctx, kiosk.MaintReaderTest), kiosk.LabelReader); l.Bad || l.Code != kiosk.ValueOK {
		t.Errorf("reader test %+v", l)
	}
	cr := m.Maintain(ctx, kiosk.MaintConfig)
	if len(cr.Lines) != 2 || cr.Lines[1].Value != `key_file = "********"` {
		t.Errorf("config %+v", cr)
	}

	// Send now with no sender running: nothing is delivered and the report says the record waits.
	m.SendWait = 100 * time.Millisecond
	sn := m.Maintain(ctx, kiosk.MaintSendNow)
	if l := line(t, sn, kiosk.LabelOutboxSent); l.Value != "0" {
		t.Errorf("sent %+v", l)
	}
	if l := line(t, sn, kiosk.LabelOutboxPending); l.Value != "1" {
		t.Errorf("pending after send-now %+v", l)
	}
}

// A kiosk with none of the parts reports each as not fitted rather than failing.
func TestMaintainerNothingFitted(t *testing.T) {
	m := &Maintainer{}
	for _, a := range kiosk.MaintActions {
		r := m.Maintain(context.Background(), a)
		if len(r.Lines) == 0 && r.Err == "" {
			t.Errorf("%s: empty report", a)
		}
		for _, l := range r.Lines {
			if l.Code == "" && l.Value == "" {
				t.Errorf("%s: line %+v says nothing", a, l)
			}
		}
	}
}

// paperOutPrinter holds every job for a fault, as an IPP printer out of paper does.
type paperOutPrinter struct{ stoppedPrinter }

func (paperOutPrinter) Print(context.Context, printer.Job) (string, error) {
	return "", fmt.Errorf("ipp: job 7: %w", &printer.FaultError{Faults: []printer.Fault{printer.FaultMediaEmpty}})
}

// A test page the printer cannot print says why, and the printer's state beside it.
func TestTestPageOnAFaultyPrinter(t *testing.T) {
	m := &Maintainer{Document: paperOutPrinter{}}
	r := m.Maintain(context.Background(), kiosk.MaintTestPage)
	l := line(t, r, kiosk.LabelTestPage)
	if l.Code != kiosk.ValueFailed || !l.Bad || !strings.Contains(l.Value, string(printer.FaultMediaEmpty)) {
		t.Errorf("test page line %+v, want failed with the fault", l)
	}
	if p := line(t, r, kiosk.LabelDocumentPrinter); !p.Bad || !strings.Contains(p.Value, "media-empty-error") {
		t.Errorf("printer line %+v, want the printer's stopped state", p)
	}
}
