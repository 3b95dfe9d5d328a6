package kiosksuite

import (
	"context"
	"strings"
	"testing"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/hw/card/pcsctest"
	"certkiosk/hw/printer/escpos/escpossim"
	"certkiosk/hw/printer/ipp/ipptest"
	"certkiosk/kiosk/config"
)

func TestCardReaderCheck(t *testing.T) {
	env := pcsctest.Start(t)
	check := cardCheck(config.Card{Reader: "Virtual PCD 00 00"})
	if r := check.Run(context.Background()); !r.Pass || !strings.Contains(r.Details, "no card") {
		t.Fatalf("empty reader: %+v", r)
	}
	p, err := jpkisim.GenerateProfile(jpkisim.GenOpts{})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := jpkisim.New(p, nil)
	env.Plug(t, c, 0)
	if r := check.Run(context.Background()); !r.Pass || !strings.Contains(r.Details, "card answers (card") {
		t.Fatalf("card on the reader: %+v", r)
	}
	if r := cardCheck(config.Card{Reader: "*PaSoRi*"}).Run(context.Background()); r.Pass {
		t.Fatalf("a reader that is not attached passed: %+v", r)
	}
	env.Stop()
	if r := check.Run(context.Background()); r.Pass || !strings.Contains(r.Details, "pcscd") {
		t.Fatalf("without pcscd: %+v", r)
	}
}

func TestPrinterChecks(t *testing.T) {
	p := ipptest.StartPrinter(t, ipptest.Options{})
	if r := documentPrinterCheck(config.DocumentPrinter{URL: p.URI}).Run(context.Background()); !r.Pass ||
		!strings.Contains(r.Details, "image/pwg-raster") {
		t.Fatalf("ippeveprinter: %+v", r)
	}
	if r := documentPrinterCheck(config.DocumentPrinter{URL: "ipp://127.0.0.1:1/ipp/print"}).Run(context.Background()); r.Pass {
		t.Fatalf("unreachable printer passed: %+v", r)
	}
	sim := escpossim.New()
	tty, stop, err := sim.ServePTY()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rc := receiptPrinterCheck(config.ReceiptPrinter{Device: tty, Baud: 19200})
	if r := rc.Run(context.Background()); !r.Pass {
		t.Fatalf("receipt printer: %+v", r)
	}
	sim.SetPaperEnd(true)
	if r := rc.Run(context.Background()); r.Pass {
		t.Fatalf("receipt printer without paper passed: %+v", r)
	}
}
