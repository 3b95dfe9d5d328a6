package adapters

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"certkiosk/hw/printer/escpos"
	"certkiosk/hw/printer/escpos/escpossim"
	"certkiosk/kiosk"
)

func slipLines(s kiosk.Slip) []string {
	return []string{fmt.Sprintf("%s %d", s.Ref, s.Amount)} // test wording; real wording comes from the message files
}

func TestSlipAdapter(t *testing.T) {
	sim := escpossim.New()
	dev, err := escpos.New(sim.Conn(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Slip{Printer: dev, Lines: slipLines}
	if err := s.PrintSlip(context.Background(), kiosk.Slip{Kind: kiosk.SlipReceipt, Ref: "k1-b1-1", Amount: 400}); err != nil {
		t.Fatal(err)
	}
	if sim.Cuts() != 1 || sim.Paper() == nil || sim.Paper().Bounds().Dy() == 0 {
		t.Fatalf("cuts %d, nothing on paper", sim.Cuts())
	}
	sim.SetPaperEnd(true)
	var pf *kiosk.PrintFaultError
	if err := s.PrintSlip(context.Background(), kiosk.Slip{Ref: "k1-b1-2"}); !errors.As(err, &pf) || pf.Fault != "paper_out" {
		t.Fatalf("paper end: %v", err)
	}
}
