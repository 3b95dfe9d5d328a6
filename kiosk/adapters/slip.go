package adapters

import (
	"context"
	"errors"
	"fmt"

	"github.com/BurntSushi/toml"

	"certkiosk/assets"

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

// receiptText is assets/text/receipt_ja.toml.
type receiptText struct {
	Receipt    map[string]string `toml:"receipt"`
	RefundOwed map[string]string `toml:"refund_owed"`
	Titles     map[string]string
}

// ReceiptLines returns the wording of slips: Japanese from assets/text/receipt_ja.toml, with the
// certificate titles of assets/text/certificate_ja.toml.
func ReceiptLines() (func(kiosk.Slip) []string, error) {
	t, err := loadReceiptText()
	if err != nil {
		return nil, err
	}
	return t.lines, nil
}

func loadReceiptText() (*receiptText, error) {
	var t receiptText
	if _, err := toml.Decode(string(assets.ReceiptTextJA), &t); err != nil {
		return nil, fmt.Errorf("receipt text: %w", err)
	}
	var cert struct {
		Titles map[string]string `toml:"titles"`
	}
	if _, err := toml.Decode(string(assets.CertificateTextJA), &cert); err != nil {
		return nil, fmt.Errorf("certificate text: %w", err)
	}
	t.Titles = cert.Titles
	return &t, nil
}

// lines words a slip in Japanese: amounts and references only.
func (t *receiptText) lines(s kiosk.Slip) []string {
	if s.Kind == kiosk.SlipRefundOwed {
		return []string{t.RefundOwed["title"], fmt.Sprintf(t.RefundOwed["amount"], s.Amount),
			fmt.Sprintf(t.RefundOwed["ref"], s.Ref), t.RefundOwed["what_to_do"]}
	}
	return []string{t.Receipt["title"], fmt.Sprintf(t.Receipt["item"], t.Titles[s.Type], s.Copies),
		fmt.Sprintf(t.Receipt["amount"], s.Amount), fmt.Sprintf(t.Receipt["issuance"], s.IssuanceID),
		fmt.Sprintf(t.Receipt["ref"], s.Ref), t.Receipt["thanks"]}
}
