package adapters

import (
	"context"
	"fmt"
	"strings"
	"time"

	"certkiosk/hw/printer"
	"certkiosk/hw/selftest"
	"certkiosk/kiosk"
	"certkiosk/kiosk/outbox"
)

// MaintOutbox is the outbox as the technician sees it.
type MaintOutbox interface {
	Stats() (outbox.Stats, error)
	Nudge()
}

// MaintJournal is the audit journal as the technician reads it.
type MaintJournal interface {
	Entries(fn func(outbox.Entry) error) error
	Verify() (outbox.VerifyReport, error)
}

// PrinterStatus is a printer that reports its state.
type PrinterStatus interface {
	Status(ctx context.Context) (printer.Status, error)
}

// Sensor is one input line a technician checks (paper, door, tray, card slot).
type Sensor struct {
	Name string
	Read func() (active bool, err error)
}

// Maintainer is kiosk.Maintainer over the kiosk's parts. Every field may be nil (the part is not
// fitted); the report then says so. It reads only codes, figures and device answers, never a
// resident's data: the journal and the outbox hold none by construction.
type Maintainer struct {
	Outbox   MaintOutbox
	Journal  MaintJournal
	Center   selftest.Check // reachability and TLS of the center
	Device   selftest.Check // the kiosk's device certificate and its expiry
	Reader   selftest.Check // PC/SC, the configured reader, the card on it
	Document printer.DocumentPrinter
	Receipt  PrinterStatus
	Sensors  []Sensor
	Config   []string // the configuration, secrets masked (config.Config.Masked)
	Build    string   // revision and build time

	JournalLines int           // newest journal entries shown; 0 means 30
	SendWait     time.Duration // how long send-now waits for the outbox to empty; 0 means 10 s
	TestPageDPI  int           // 0 means 300
	Now          func() time.Time
}

// Maintain implements kiosk.Maintainer.
func (m *Maintainer) Maintain(ctx context.Context, a kiosk.MaintAction) kiosk.MaintReport {
	switch a {
	case kiosk.MaintStatus:
		return m.status(ctx)
	case kiosk.MaintJournal:
		return m.journal()
	case kiosk.MaintSendNow:
		return m.sendNow(ctx)
	case kiosk.MaintTestPage:
		return m.testPage(ctx)
	case kiosk.MaintReaderTest:
		var r kiosk.MaintReport
		r.Lines = append(r.Lines, m.check(ctx, kiosk.LabelReader, m.Reader))
		return r
	case kiosk.MaintConfig:
		var r kiosk.MaintReport
		if len(m.Config) == 0 {
			r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelConfig, Code: kiosk.ValueNotFitted})
		}
		for _, l := range m.Config {
			r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelConfig, Value: l})
		}
		return r
	}
	return kiosk.MaintReport{Err: fmt.Sprintf("unknown action %q", a)} // the machine sends only MaintActions
}

func (m *Maintainer) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// status is everything a technician looks at first.
func (m *Maintainer) status(ctx context.Context) kiosk.MaintReport {
	var r kiosk.MaintReport
	if m.Build != "" {
		r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelBuild, Value: m.Build})
	}
	r.Lines = append(r.Lines, m.check(ctx, kiosk.LabelCenter, m.Center), m.check(ctx, kiosk.LabelDeviceCert, m.Device))
	r.Lines = append(r.Lines, m.outboxLines()...)
	r.Lines = append(r.Lines, m.printerLine(ctx, kiosk.LabelDocumentPrinter, m.Document),
		m.printerLine(ctx, kiosk.LabelReceiptPrinter, m.Receipt))
	r.Lines = append(r.Lines, m.check(ctx, kiosk.LabelReader, m.Reader))
	for _, s := range m.Sensors {
		l := kiosk.MaintLine{Label: kiosk.LabelSensor}
		on, err := s.Read()
		switch {
		case err != nil:
			l.Value, l.Bad = s.Name+": "+err.Error(), true
		case on:
			l.Code, l.Value = kiosk.ValueActive, s.Name
		default:
			l.Code, l.Value = kiosk.ValueInactive, s.Name
		}
		r.Lines = append(r.Lines, l)
	}
	return r
}

func (m *Maintainer) outboxLines() []kiosk.MaintLine {
	if m.Outbox == nil {
		return []kiosk.MaintLine{{Label: kiosk.LabelOutboxPending, Code: kiosk.ValueNotFitted, Bad: true}}
	}
	st, err := m.Outbox.Stats()
	if err != nil {
		return []kiosk.MaintLine{{Label: kiosk.LabelOutboxPending, Value: err.Error(), Bad: true}}
	}
	lines := []kiosk.MaintLine{
		{Label: kiosk.LabelOutboxPending, Value: fmt.Sprint(st.Pending)},
		{Label: kiosk.LabelOutboxOldest, Value: st.OldestAge(m.now()).Round(time.Second).String(),
			Bad: st.OldestAge(m.now()) > time.Hour},
		{Label: kiosk.LabelOutboxDead, Value: fmt.Sprint(st.Dead), Bad: st.Dead > 0},
		{Label: kiosk.LabelOutboxHeadroom, Value: fmt.Sprintf("%d / %d", st.Headroom, st.Capacity),
			Bad: st.Headroom < st.Capacity/10},
	}
	if st.LastError != "" {
		lines = append(lines, kiosk.MaintLine{Label: kiosk.LabelOutboxLastError,
			Value: st.LastErrorAt.Format(time.DateTime) + " " + st.LastError, Bad: true})
	}
	return lines
}

func (m *Maintainer) printerLine(ctx context.Context, label string, p PrinterStatus) kiosk.MaintLine {
	if p == nil {
		return kiosk.MaintLine{Label: label, Code: kiosk.ValueNotFitted}
	}
	st, err := p.Status(ctx)
	if err != nil {
		return kiosk.MaintLine{Label: label, Value: err.Error(), Bad: true}
	}
	v := string(st.State)
	for _, f := range st.Faults {
		v += " " + string(f)
	}
	if len(st.Reasons) > 0 {
		v += " (" + strings.Join(st.Reasons, ", ") + ")"
	}
	return kiosk.MaintLine{Label: label, Value: v, Bad: !st.Ready()}
}

func (m *Maintainer) check(ctx context.Context, label string, c selftest.Check) kiosk.MaintLine {
	if c == nil {
		return kiosk.MaintLine{Label: label, Code: kiosk.ValueNotFitted}
	}
	res := c.Run(ctx)
	code := kiosk.ValueOK
	if !res.Pass {
		code = kiosk.ValueFailed
	}
	return kiosk.MaintLine{Label: label, Code: code, Value: res.Details, Bad: !res.Pass}
}

// journal is the newest entries, newest first, after a check of the whole chain.
func (m *Maintainer) journal() kiosk.MaintReport {
	var r kiosk.MaintReport
	if m.Journal == nil {
		r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelJournal, Code: kiosk.ValueNotFitted, Bad: true})
		return r
	}
	rep, err := m.Journal.Verify()
	if err != nil {
		r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelJournalChain, Code: kiosk.ValueFailed, Value: err.Error(), Bad: true})
	} else {
		// Figures only: the word comes from the screen's message files.
		r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelJournalChain, Code: kiosk.ValueOK,
			Value: fmt.Sprintf("%d (#%d–#%d)", rep.Entries, rep.FirstSeq, rep.HeadSeq)})
	}
	n := m.JournalLines
	if n <= 0 {
		n = 30
	}
	var last []outbox.Entry
	err = m.Journal.Entries(func(e outbox.Entry) error {
		last = append(last, e)
		if len(last) > n {
			last = last[1:]
		}
		return nil
	})
	if err != nil {
		r.Err = err.Error()
	}
	for i := len(last) - 1; i >= 0; i-- {
		r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelJournal, Value: entryLine(last[i])})
	}
	return r
}

// entryLine is one journal entry as the technician reads it: codes and ids only.
func entryLine(e outbox.Entry) string {
	f := e.Fields
	parts := []string{fmt.Sprintf("#%d", e.Seq), e.Time.Local().Format(time.DateTime), string(e.Kind)}
	for _, kv := range [][2]string{{"", string(f.Code)}, {"component=", string(f.Component)},
		{"txn=", string(f.TransactionID)}, {"issuance=", string(f.IssuanceID)}, {"sw=", f.SW}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+kv[1])
		}
	}
	if f.AmountYen != 0 {
		parts = append(parts, fmt.Sprintf("%d yen", f.AmountYen))
	}
	return strings.Join(parts, " ")
}

// sendNow wakes the outbox sender and waits until the outbox is empty, a new delivery error
// shows, or SendWait has passed.
func (m *Maintainer) sendNow(ctx context.Context) kiosk.MaintReport {
	var r kiosk.MaintReport
	if m.Outbox == nil {
		return kiosk.MaintReport{Lines: m.outboxLines()}
	}
	before, err := m.Outbox.Stats()
	if err != nil {
		r.Err = err.Error()
		return r
	}
	m.Outbox.Nudge()
	wait := m.SendWait
	if wait <= 0 {
		wait = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var after outbox.Stats
	for waiting := true; waiting; {
		if after, err = m.Outbox.Stats(); err != nil {
			r.Err = err.Error()
			return r
		}
		if after.Pending == 0 || after.LastErrorAt.After(before.LastErrorAt) {
			break
		}
		select {
		case <-ctx.Done():
			waiting = false // time is up: report what was sent so far
		case <-tick.C:
		}
	}
	r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelOutboxSent, Value: fmt.Sprint(max(before.Pending-after.Pending, 0))})
	r.Lines = append(r.Lines, m.outboxLines()...)
	return r
}

// testPage prints the printer's test page and waits for the printer's answer.
func (m *Maintainer) testPage(ctx context.Context) kiosk.MaintReport {
	var r kiosk.MaintReport
	if m.Document == nil {
		r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelTestPage, Code: kiosk.ValueNotFitted, Bad: true})
		return r
	}
	dpi := m.TestPageDPI
	if dpi == 0 {
		dpi = 300
	}
	// A printer fault (paper out, jam) is an error like any other here: its text says which.
	if id, err := m.Document.Print(ctx, printer.TestPage(dpi)); err != nil {
		r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelTestPage, Code: kiosk.ValueFailed, Value: err.Error(), Bad: true})
	} else {
		r.Lines = append(r.Lines, kiosk.MaintLine{Label: kiosk.LabelTestPage, Code: kiosk.ValuePrinted, Value: id})
	}
	r.Lines = append(r.Lines, m.printerLine(ctx, kiosk.LabelDocumentPrinter, m.Document))
	return r
}
