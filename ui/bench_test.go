package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"certkiosk/kiosk"
)

// BenchmarkNew is the UI's share of the cold start: message files, theme and the idle screen.
func BenchmarkNew(b *testing.B) {
	a := test.NewApp()
	msgs, err := BundledMessages()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		w := a.NewWindow("")
		w.Resize(fyne.NewSize(1280, 800))
		if _, err := New(a, w, func(kiosk.Event) {}, Options{Messages: msgs}); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

// BenchmarkRender is one screen change (a keypad screen, the busiest), as the machine's Render
// drives it.
func BenchmarkRender(b *testing.B) {
	a := test.NewApp()
	w := a.NewWindow("")
	w.Resize(fyne.NewSize(1280, 800))
	u, err := New(a, w, func(kiosk.Event) {}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	views := []kiosk.View{sampleView(kiosk.EnterPIN, "ja"), sampleView(kiosk.ChooseCertificate, "ja")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u.Render(views[i%2])
	}
}
