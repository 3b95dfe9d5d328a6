package uisim

import (
	"errors"
	"testing"
	"time"

	"certkiosk/kiosk"
	"certkiosk/kiosk/sim"
)

func TestControlsActOnTheKit(t *testing.T) {
	kit, err := sim.NewKit(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var sent []kiosk.Event
	c := &Controls{Kit: kit, Send: func(e kiosk.Event) bool { sent = append(sent, e); return true }}
	if rs := c.Residents(); len(rs) != 1 || rs[0].Label != sim.DemoName {
		t.Fatalf("residents %v", rs)
	}
	var unknown *UnknownResidentError
	if err := c.PlaceCard("nobody"); !errors.As(err, &unknown) || len(sent) != 0 {
		t.Fatalf("unknown resident: %v, sent %v", err, sent)
	}
	if err := c.PlaceCard(ResidentID); err != nil {
		t.Fatal(err)
	}
	if err := c.InsertMoney(500); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveCard(); err != nil {
		t.Fatal(err)
	}
	want := []kiosk.Event{kiosk.CardPlaced{}, kiosk.MoneyIn{Yen: 500}, kiosk.CardRemoved{}}
	if len(sent) != 3 || sent[0] != want[0] || sent[1] != want[1] || sent[2] != want[2] {
		t.Fatalf("sent %v, want %v", sent, want)
	}
	if kit.Cashbox.Taken != 500 {
		t.Errorf("cashbox took %d", kit.Cashbox.Taken)
	}
}
