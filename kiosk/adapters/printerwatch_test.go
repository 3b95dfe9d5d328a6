package adapters

import (
	"context"
	"testing"

	"certkiosk/hw/printer"
	"certkiosk/kiosk"
)

func TestWatchPrinter(t *testing.T) {
	statuses := make(chan printer.Status)
	var got []kiosk.ServiceChanged
	done := make(chan struct{})
	go func() {
		WatchPrinter(context.Background(), statuses, func(e kiosk.Event) bool {
			got = append(got, e.(kiosk.ServiceChanged))
			return true
		})
		close(done)
	}()
	for _, s := range []printer.Status{
		{State: printer.StateIdle},
		{State: printer.StateIdle, Faults: []printer.Fault{printer.FaultMediaLow}},
		{State: printer.StateStopped, Faults: []printer.Fault{printer.FaultMediaEmpty}},
		{State: printer.StateStopped, Faults: []printer.Fault{printer.FaultMediaEmpty, printer.FaultDoorOpen}},
		{State: printer.StateIdle},
	} {
		statuses <- s
	}
	close(statuses)
	<-done
	// Paper low is only a warning; paper out comes and goes with the paper; the open door is a
	// fault the technician clears, so the printer being idle again does not clear it.
	want := []kiosk.ServiceChanged{
		{Flag: kiosk.FlagPaperOut, On: true},
		{Flag: kiosk.FlagPrinterFault, On: true},
		{Flag: kiosk.FlagPaperOut, On: false},
	}
	if len(got) != len(want) {
		t.Fatalf("events %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %+v, want %+v", got, want)
		}
	}
}
