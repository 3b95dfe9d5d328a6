// Package uisim implements the demo panel's controls over kiosk/sim's fake ports, for the UI's
// tests and the dev-only uidemo program. cmd/kiosk implements them over the real simulated card
// reader and cashbox instead. It is for tests and development only: the firmware never imports
// it (it imports kiosk/sim).
package uisim

import (
	"certkiosk/kiosk"
	"certkiosk/kiosk/sim"
	"certkiosk/ui"
)

// Controls are a demo resident's hands on a sim.Kit: the card on the reader, coins in the
// cashbox. Send is kiosk.Runner.Send.
type Controls struct {
	Kit  *sim.Kit
	Send func(kiosk.Event) bool
}

// ResidentID is the id of the kit's one resident.
const ResidentID = "demo-1"

// Residents implements ui.DemoControls.
func (c *Controls) Residents() []ui.DemoResident {
	return []ui.DemoResident{{ID: ResidentID, Label: c.Kit.Resident.Name}}
}

// PlaceCard implements ui.DemoControls.
func (c *Controls) PlaceCard(id string) error {
	if id != ResidentID {
		return &UnknownResidentError{ID: id}
	}
	c.Kit.Card.Place()
	c.send(kiosk.CardPlaced{})
	return nil
}

// RemoveCard implements ui.DemoControls.
func (c *Controls) RemoveCard() error {
	c.Kit.Card.Remove()
	c.send(kiosk.CardRemoved{})
	return nil
}

// InsertMoney implements ui.DemoControls: the cashbox takes the money and reports it.
func (c *Controls) InsertMoney(yen int) error {
	c.send(c.Kit.Cashbox.Insert(yen))
	return nil
}

// send hands e to the machine in order; the runner's queue (64) is deep enough for a
// resident's hands, so fyne's goroutine does not wait.
func (c *Controls) send(e kiosk.Event) { c.Send(e) }

// UnknownResidentError is a resident id the kit does not have.
type UnknownResidentError struct{ ID string }

func (e *UnknownResidentError) Error() string { return "uisim: no demo resident " + e.ID }
