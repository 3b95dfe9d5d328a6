package adapters

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"certkiosk/hw/printer"
	"certkiosk/kiosk"
	"certkiosk/kiosk/document"
)

// Printer is the machine's Printer port: it lays out a verified document (kiosk/document) and
// sends the pages to a document printer (IPP Everywhere, or the demo's file printer).
type Printer struct {
	Device printer.DocumentPrinter
	DPI    int // 0: 300

	mu     sync.Mutex
	cancel context.CancelFunc
}

// faultCodes maps driver faults to the machine's technician codes.
var faultCodes = map[printer.Fault]string{
	printer.FaultMediaEmpty: "paper_out",
	printer.FaultMediaJam:   "jam",
	printer.FaultDoorOpen:   "cover_open",
	printer.FaultOffline:    "offline",
	printer.FaultCutter:     "other",
	printer.FaultOther:      "other",
}

// Print implements kiosk.Printer. Only a document the machine verified is laid out; 個人番号 is
// allowed on the page only when the municipality's signed content says the resident chose it.
func (p *Printer) Print(ctx context.Context, doc kiosk.VerifiedDocument) error {
	if !doc.Verified() {
		return errors.New("print: document was not verified")
	}
	c := doc.Content()
	pages, err := document.Render(doc.Envelope(), c, &document.RenderOptions{
		DPI:           p.DPI,
		AllowMyNumber: slices.Contains(c.Options, document.OptMyNumber),
	})
	if err != nil {
		return fmt.Errorf("lay out issuance %s: %w", c.IssuanceID, err)
	}
	dpi := p.DPI
	if dpi == 0 {
		dpi = 300
	}
	ctx, cancel := context.WithCancel(ctx)
	p.mu.Lock()
	p.cancel = cancel
	p.mu.Unlock()
	defer func() {
		cancel()
		p.mu.Lock()
		p.cancel = nil
		p.mu.Unlock()
	}()
	jobID, err := p.Device.Print(ctx, printer.Job{Name: c.IssuanceID, Pages: pages, DPI: dpi})
	if err != nil && jobID != "" {
		// A job held by a fault (or cut off by an abort) must not print after the fault is
		// cleared: the session it belongs to is over by then (domain.md §7).
		if cerr := p.cancelJob(jobID); cerr != nil {
			return fmt.Errorf("print issuance %s: %w; and the held job %s could not be cancelled: %w", c.IssuanceID, err, jobID, cerr)
		}
	}
	var fe *printer.FaultError
	if errors.As(err, &fe) {
		for _, f := range fe.Faults {
			if f.Blocking() {
				return &kiosk.PrintFaultError{Fault: faultCodes[f]}
			}
		}
		return &kiosk.PrintFaultError{Fault: "other"}
	}
	if err != nil {
		return fmt.Errorf("print issuance %s: %w", c.IssuanceID, err)
	}
	return nil
}

// cancelJob cancels a job the device still holds, on a short context of its own (the print's
// may have ended).
func (p *Printer) cancelJob(id string) error {
	c, ok := p.Device.(printer.JobCanceller)
	if !ok {
		return nil // the device keeps no queue (file printer)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.CancelJob(ctx, id)
}

// Cancel implements kiosk.Printer: stops the job of an aborted transaction.
func (p *Printer) Cancel() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
	}
}
