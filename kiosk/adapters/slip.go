package adapters

import (
	"context"
	"errors"
	"fmt"

	"certkiosk/hw/printer"
	"certkiosk/kiosk"
)

// TextPrinter is what the slip adapter needs of a receipt printer (hw/printer/escpos.Dev).
type TextPrinter interface {
	PrintText(ctx context.Context, lines []string, pt float64) error
}

// Slip is the machine's SlipPrinter port over an ESC/POS receipt printer. Lines words the slip
// in the resident's language from the message files; the slip carries amounts and references
// only, never personal data.
type Slip struct {
	Printer TextPrinter
	Lines   func(kiosk.Slip) []string
	Points  float64 // text size; 0: 10 pt
}

// PrintSlip implements kiosk.SlipPrinter.
func (s *Slip) PrintSlip(ctx context.Context, sl kiosk.Slip) error {
	pt := s.Points
	if pt == 0 {
		pt = 10
	}
	err := s.Printer.PrintText(ctx, s.Lines(sl), pt)
	var fe *printer.FaultError
	if errors.As(err, &fe) {
		for _, f := range fe.Faults {
			if f.Blocking() {
				return &kiosk.PrintFaultError{Fault: faultCodes[f]}
			}
		}
	}
	if err != nil {
		return fmt.Errorf("print slip %s: %w", sl.Ref, err)
	}
	return nil
}
