package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"certkiosk/kiosk"
)

// Printer is an in-memory document printer that keeps what it printed. With Dir set it also
// writes each copy's certified content as a JSON file there (the demo's file printer).
type Printer struct {
	mu        sync.Mutex
	Dir       string
	Printed   []kiosk.VerifiedDocument
	faultAt   int // fail the n-th Print call from now (1 = next); 0 = never
	fault     string
	hang      bool
	Cancelled int
}

// FaultAt makes the n-th Print from now fail with fault (paper_out, jam, …).
func (p *Printer) FaultAt(n int, fault string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faultAt, p.fault = n, fault
}

// Hang makes Print wait for its context (a printer that stopped answering).
func (p *Printer) Hang(on bool) { p.mu.Lock(); p.hang = on; p.mu.Unlock() }

// Docs returns what was printed so far.
func (p *Printer) Docs() []kiosk.VerifiedDocument {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]kiosk.VerifiedDocument(nil), p.Printed...)
}

// Print implements kiosk.Printer.
func (p *Printer) Print(ctx context.Context, d kiosk.VerifiedDocument) error {
	p.mu.Lock()
	hang := p.hang
	if p.faultAt > 0 {
		p.faultAt--
		if p.faultAt == 0 {
			f := p.fault
			p.mu.Unlock()
			return &kiosk.PrintFaultError{Fault: f}
		}
	}
	p.mu.Unlock()
	if hang {
		<-ctx.Done()
		return fmt.Errorf("sim printer: %w", ctx.Err())
	}
	if p.Dir != "" {
		c := d.Content()
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return fmt.Errorf("file printer: %w", err)
		}
		name := filepath.Join(p.Dir, fmt.Sprintf("%s-%d.json", c.IssuanceID, c.CopyIndex))
		if err := os.WriteFile(name, b, 0o600); err != nil {
			return fmt.Errorf("file printer: %w", err)
		}
	}
	p.mu.Lock()
	p.Printed = append(p.Printed, d)
	p.mu.Unlock()
	return nil
}

// Cancel implements kiosk.Printer.
func (p *Printer) Cancel() { p.mu.Lock(); p.Cancelled++; p.mu.Unlock() }

// Slips is an in-memory receipt printer.
type Slips struct {
	mu    sync.Mutex
	Slips []kiosk.Slip
	Fail  bool
}

// PrintSlip implements kiosk.SlipPrinter.
func (s *Slips) PrintSlip(ctx context.Context, sl kiosk.Slip) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail {
		return &kiosk.PrintFaultError{Fault: "paper_out"}
	}
	s.Slips = append(s.Slips, sl)
	return nil
}

// All returns the slips printed so far.
func (s *Slips) All() []kiosk.Slip {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]kiosk.Slip(nil), s.Slips...)
}

// Cashbox is a simulated coin and bill unit. Float is what it can pay out (-1: unlimited).
type Cashbox struct {
	mu        sync.Mutex
	Accepting bool
	Due       int
	Float     int
	Taken     int // money in, as reported by the kiosk's MoneyIn events (see Insert)
	PaidOut   int
}

// Accept implements kiosk.Cashbox.
func (c *Cashbox) Accept(due int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Accepting, c.Due = true, due
	return nil
}

// Stop implements kiosk.Cashbox.
func (c *Cashbox) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Accepting = false
	return nil
}

// Insert is a resident putting money in: the event the real unit would send. Coins go to the
// payout float; bills (1,000 yen and up) go to the stacker and cannot be paid out again.
func (c *Cashbox) Insert(yen int) kiosk.MoneyIn {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Taken += yen
	if c.Float >= 0 && yen < 1000 {
		c.Float += yen
	}
	return kiosk.MoneyIn{Yen: yen}
}

// PayOut implements kiosk.Cashbox: it pays what its float allows.
func (c *Cashbox) PayOut(ctx context.Context, amount int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	paid := amount
	if c.Float >= 0 && c.Float < amount {
		paid = c.Float
	}
	if c.Float >= 0 {
		c.Float -= paid
	}
	c.PaidOut += paid
	if paid < amount {
		return paid, fmt.Errorf("sim cashbox: paid %d of %d: float empty", paid, amount)
	}
	return paid, nil
}

// Outbox is an in-memory outbox with a capacity (0: unlimited).
type Outbox struct {
	mu      sync.Mutex
	Cap     int
	Err     error // set: every append fails with it (a disk error)
	Records []kiosk.Record
}

// Append implements kiosk.Outbox.
func (o *Outbox) Append(r kiosk.Record) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.Err != nil {
		return o.Err
	}
	if o.Cap > 0 && len(o.Records) >= o.Cap {
		return kiosk.ErrOutboxFull
	}
	o.Records = append(o.Records, r)
	return nil
}

// All returns the records so far.
func (o *Outbox) All() []kiosk.Record {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]kiosk.Record(nil), o.Records...)
}

// Journal is an in-memory audit journal.
type Journal struct {
	mu      sync.Mutex
	Entries []kiosk.JournalEntry
}

// Append implements kiosk.JournalWriter.
func (j *Journal) Append(e kiosk.JournalEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.Entries = append(j.Entries, e)
	return nil
}

// All returns the entries so far.
func (j *Journal) All() []kiosk.JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]kiosk.JournalEntry(nil), j.Entries...)
}

// Screen records rendered views and cues.
type Screen struct {
	mu    sync.Mutex
	Views []kiosk.View
	Cues  []string
}

// Render implements kiosk.Display.
func (s *Screen) Render(v kiosk.View) { s.mu.Lock(); s.Views = append(s.Views, v); s.mu.Unlock() }

// Cue implements kiosk.Speaker.
func (s *Screen) Cue(k string) { s.mu.Lock(); s.Cues = append(s.Cues, k); s.mu.Unlock() }

// Last is the last view rendered.
func (s *Screen) Last() kiosk.View {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.Views) == 0 {
		return kiosk.View{}
	}
	return s.Views[len(s.Views)-1]
}
