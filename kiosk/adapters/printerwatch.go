package adapters

import (
	"context"
	"slices"

	"certkiosk/hw/printer"
	"certkiosk/kiosk"
)

// WatchPrinter turns the document printer's reported state into the machine's service flags,
// so that a printer that cannot print stops the kiosk before anyone pays rather than after:
// paper out raises kiosk.FlagPaperOut, and clears it when paper is back (the printer is the one
// that knows); a jam, an open door or an unreachable printer raises kiosk.FlagPrinterFault,
// which a technician clears by putting the kiosk back in service (a fault may have spoilt a
// page). It returns when statuses closes (ipp.Dev.Watch closes it when its context ends) or
// the machine stops.
func WatchPrinter(ctx context.Context, statuses <-chan printer.Status, send func(kiosk.Event) bool) {
	paperOut := false
	for {
		var s printer.Status
		var ok bool
		select {
		case <-ctx.Done():
			return
		case s, ok = <-statuses:
			if !ok {
				return
			}
		}
		empty := slices.Contains(s.Faults, printer.FaultMediaEmpty)
		if empty != paperOut {
			if !send(kiosk.ServiceChanged{Flag: kiosk.FlagPaperOut, On: empty}) {
				return
			}
			paperOut = empty
		}
		for _, f := range s.Faults {
			if f.Blocking() && f != printer.FaultMediaEmpty {
				if !send(kiosk.ServiceChanged{Flag: kiosk.FlagPrinterFault, On: true}) {
					return
				}
				break
			}
		}
	}
}
