package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"certkiosk/kiosk"
)

// TestKeyScreensMarkup keeps the widget tree (sizes, texts, importance) of the key screens in
// Japanese and English as golden markup in testdata/markup. Regenerate after a deliberate
// change: run the test, review testdata/failed/markup, move the files over the masters.
func TestKeyScreensMarkup(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		for _, sc := range []kiosk.Screen{kiosk.Idle, kiosk.ChooseLanguage, kiosk.EnterPIN, kiosk.ChooseCertificate,
			kiosk.Confirm, kiosk.Pay, kiosk.ResetNewPIN, kiosk.Outcome, kiosk.TechnicianLogin, kiosk.Maintenance} {
			u, w, _ := newTestUI(t)
			u.Render(sampleView(sc, lang))
			test.AssertRendersToMarkup(t, "markup/"+lang+"/"+sc.String()+".xml", w.Canvas())
		}
	}
}
