package ui

import (
	"errors"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"certkiosk/kiosk"
)

// demoApp is demo controls with the smartphone app: it records the reservations asked for.
type demoApp struct {
	fixedDemo
	asked []string
	err   error
}

func (d *demoApp) ReserveReset(id string, s kiosk.Service) error {
	d.asked = append(d.asked, id+" "+s.String())
	return d.err
}

func TestDemoPanelReservesInTheApp(t *testing.T) {
	u, w, _ := newTestUI(t)
	m := mustMessages()
	text := func(key string, data map[string]any) string {
		s, err := m.Text("en", key, data)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	app := &demoApp{}
	u.SetDemo(app)
	u.Render(sampleView(kiosk.Idle, "en"))
	reserved := text("demo.reserved", nil)
	if !slices.Contains(visibleTexts(w.Content()), text("demo.app", map[string]any{"Resident": "r101"})) {
		t.Errorf("the panel has no smartphone app heading for the first resident: %q", visibleTexts(w.Content()))
	}

	for _, svc := range []kiosk.Service{kiosk.ServiceResetSignaturePIN, kiosk.ServiceResetUserPIN} {
		b := u.Target(text("demo.reserve."+svc.String(), nil))
		if b == nil {
			t.Fatalf("no button to reserve %v; targets %q", svc, u.Texts())
		}
		test.Tap(b)
		if want := "r101 " + svc.String(); len(app.asked) == 0 || app.asked[len(app.asked)-1] != want {
			t.Fatalf("reservations asked %q, want %q last", app.asked, want)
		}
		if !slices.Contains(visibleTexts(w.Content()), reserved) {
			t.Errorf("after reserving %v the panel shows %q, want %q", svc, visibleTexts(w.Content()), reserved)
		}
	}

	// A failing app says why and does not claim a reservation.
	app.err = errors.New("demo app: center down")
	test.Tap(u.Target(text("demo.reserve.reset_signature_pin", nil)))
	labels := visibleTexts(w.Content())
	if !slices.Contains(labels, "demo app: center down") || slices.Contains(labels, reserved) {
		t.Errorf("after a failed reservation the panel shows %q", labels)
	}

	// Controls without the app (the UI's own simulation) get no app buttons.
	u.SetDemo(fixedDemo{})
	if u.Target(text("demo.reserve.reset_signature_pin", nil)) != nil {
		t.Error("the panel offers a reservation the controls cannot make")
	}
}

// While the kiosk asks for a card, the panel's cards come first (the list is long); otherwise
// taking the card away and paying do.
func TestDemoPanelPutsWhatTheKioskWaitsForFirst(t *testing.T) {
	u, _, _ := newTestUI(t)
	u.SetDemo(&demoApp{})
	m := mustMessages()
	for _, tc := range []struct {
		screen     kiosk.Screen
		cardsFirst bool
	}{{kiosk.PlaceCard, true}, {kiosk.Idle, false}, {kiosk.Pay, false}} {
		u.Render(sampleView(tc.screen, "en"))
		remove, _ := m.Text("en", "demo.remove_card", nil)
		card, rm := u.Target(fixedDemo{}.Residents()[0].Label), u.Target(remove)
		if card == nil || rm == nil {
			t.Fatalf("%v: no card or remove button on the panel: %q", tc.screen, u.Texts())
		}
		d := fyne.CurrentApp().Driver()
		cy := d.AbsolutePositionForObject(card.(fyne.CanvasObject)).Y
		ry := d.AbsolutePositionForObject(rm.(fyne.CanvasObject)).Y
		if (cy < ry) != tc.cardsFirst {
			t.Errorf("%v: the first card is at y=%.0f, remove card at y=%.0f; want cards first: %v", tc.screen, cy, ry, tc.cardsFirst)
		}
	}
}
