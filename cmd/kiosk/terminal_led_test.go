package main

import (
	"testing"

	"certkiosk/hw/panel/led"
	"certkiosk/kiosk"
)

func TestCardLEDMode(t *testing.T) {
	for sc, want := range map[kiosk.Screen]led.Mode{
		kiosk.Idle: led.Off, kiosk.PlaceCard: led.Blink, kiosk.EnterPIN: led.On, kiosk.Resetting: led.On,
		kiosk.TakeCardBack: led.FastBlink, kiosk.ResetDone: led.FastBlink, kiosk.Menu: led.Off, kiosk.Maintenance: led.Off,
	} {
		if got := cardLEDMode(sc); got != want {
			t.Errorf("%s: LED %s, want %s", sc, got, want)
		}
	}
}
