package sim

import (
	"fmt"
	"time"

	"certkiosk/kiosk"
)

// Kit is every simulated port wired for one kiosk, with one demo resident's card on hand.
type Kit struct {
	Clock   *Clock
	Card    *Card
	Center  *Center
	Printer *Printer
	Slips   *Slips
	Cashbox *Cashbox
	Outbox  *Outbox
	Journal *Journal
	Screen  *Screen
	// Resident is the card holder the center knows.
	Resident *Resident
}

// Demo resident data: made up.
const (
	DemoName    = "試験 太郎"
	DemoAddress = "東京都試験区試験町1-2-3"
	DemoAuthPIN = "1234"
	DemoSigPIN  = "ABC123"
)

// NewKit builds the ports at time now with one resident: a card valid for two more years, a
// household of three, the demo catalog, a reservation for a signature-PIN reset.
func NewKit(now time.Time) (*Kit, error) {
	clk := NewClock(now)
	center, err := NewCenter(clk.Now)
	if err != nil {
		return nil, fmt.Errorf("sim kit: %w", err)
	}
	card := NewCard("demo-1", DemoAuthPIN, DemoSigPIN, now.AddDate(2, 0, 0), center.Master)
	res := &Resident{
		Name: DemoName, Address: DemoAddress, AuthCert: card.AuthCert.SHA256, SigCert: card.SigCert.SHA256,
		Municipality: kiosk.Municipality{Code: "131016", Name: "試験区"},
		Catalog:      DemoCatalog(),
		Members: []kiosk.Member{
			{ID: "m1", Name: DemoName, Relationship: "本人", Self: true},
			{ID: "m2", Name: "試験 花子", Relationship: "妻"},
			{ID: "m3", Name: "試験 一郎", Relationship: "子"},
		},
		KosekiRegistration: true,
		Reservation:        &kiosk.Reservation{ID: "rsv-1", PIN: kiosk.SignaturePIN, Expires: now.Add(20 * time.Hour)},
	}
	center.Add(res)
	return &Kit{Clock: clk, Card: card, Center: center, Printer: &Printer{}, Slips: &Slips{},
		Cashbox: &Cashbox{Float: 10000}, Outbox: &Outbox{}, Journal: &Journal{}, Screen: &Screen{}, Resident: res}, nil
}

// Ports wires the kit into kiosk.Ports.
func (k *Kit) Ports() kiosk.Ports {
	return kiosk.Ports{Card: k.Card, Center: k.Center, Verifier: k.Center.Keys(), Printer: k.Printer,
		Slips: k.Slips, Cashbox: k.Cashbox, Outbox: k.Outbox, Journal: k.Journal, Clock: k.Clock,
		Display: k.Screen, Speaker: k.Screen}
}
