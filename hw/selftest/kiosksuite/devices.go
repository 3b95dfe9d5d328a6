package kiosksuite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"periph.io/x/conn/v3/physic"

	"certkiosk/hw/card"
	"certkiosk/hw/printer/escpos"
	"certkiosk/hw/printer/ipp"
	"certkiosk/hw/printer/uartserial"
	"certkiosk/hw/selftest"
	"certkiosk/kiosk/config"
	"certkiosk/kiosk/jpki"
)

// cardCheck: pcscd answers, a reader matching card.reader is attached, and a card on it (if
// any) answers the JPKI application. A card that is not a MyNumber card is reported, not failed:
// the reader works.
func cardCheck(c config.Card) selftest.Check {
	return selftest.Func("card-reader", func(ctx context.Context) selftest.Result {
		name, err := card.FindReader(c.Reader)
		if err != nil {
			return selftest.Fail("card.reader: %v", err)
		}
		present, err := card.Present(name)
		if err != nil {
			return selftest.Fail("%s: %v", name, err)
		}
		if !present {
			return selftest.Pass("%s: reader present, no card", name)
		}
		conn, err := card.Connect(name)
		if err != nil {
			return selftest.Fail("%s: card present but: %v", name, err)
		}
		defer conn.Close()
		a, err := jpki.Open(conn, nil)
		if errors.Is(err, jpki.ErrNotJPKI) {
			return selftest.Pass("%s: reader works; the card on it is not a MyNumber card", name)
		}
		if err != nil {
			return selftest.Fail("%s: card does not answer: %v", name, err)
		}
		tok, err := a.Token()
		if err != nil {
			return selftest.Fail("%s: JPKI token info: %v", name, err)
		}
		return selftest.Pass("%s: card answers (%s, %d APDUs, ATR % X)", name, tok, a.APDUs(), conn.ATR())
	})
}

// documentPrinterCheck asks the IPP printer for its attributes and state: reachable, a format
// in common, and no fault that stops printing.
func documentPrinterCheck(p config.DocumentPrinter) selftest.Check {
	return selftest.Func("document-printer", func(ctx context.Context) selftest.Result {
		if p.URL == "" {
			return selftest.Skip("file printer %s (demo)", p.Dir)
		}
		d, err := ipp.New(p.URL, nil)
		if err != nil {
			return selftest.Fail("%v", err)
		}
		a, err := d.Attributes(ctx)
		if err != nil {
			return selftest.Fail("%s: %v", p.URL, err)
		}
		st, err := d.Status(ctx)
		if err != nil {
			return selftest.Fail("%s: %v", p.URL, err)
		}
		if !st.Ready() {
			return selftest.Fail("%s: not ready: %s %v (%s)", p.URL, st.State, st.Faults, strings.Join(st.Reasons, ", "))
		}
		return selftest.Pass("%s: %s, formats %s", p.URL, st.State, strings.Join(a.Formats, ", "))
	})
}

// receiptPrinterCheck opens the serial line and asks the ESC/POS printer for its real-time
// status (paper, cover, errors).
func receiptPrinterCheck(r config.ReceiptPrinter) selftest.Check {
	return selftest.Func("receipt-printer", func(ctx context.Context) selftest.Result {
		if r.Device == "" {
			return selftest.Skip("no receipt printer configured")
		}
		port, err := uartserial.Open(r.Device, time.Second)
		if err != nil {
			return selftest.Fail("%v", err)
		}
		defer port.Close()
		d, err := escpos.Connect(port, physic.Frequency(r.Baud)*physic.Hertz, nil)
		if err != nil {
			return selftest.Fail("%s: %v", r.Device, err)
		}
		st, err := d.Status(ctx)
		if err != nil {
			return selftest.Fail("%s: %v", r.Device, err)
		}
		if !st.Ready() {
			return selftest.Fail("%s: not ready: %v (%s)", r.Device, st.Faults, strings.Join(st.Reasons, ", "))
		}
		return selftest.Pass("%s at %d baud: %s %s", r.Device, r.Baud, st.State, fmt.Sprint(st.Faults))
	})
}
