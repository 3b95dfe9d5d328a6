package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"certkiosk/hw/audio"
	"certkiosk/kiosk"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server"
	"certkiosk/kiosk/demo"
	"certkiosk/ui"
)

// runDemoWindow opens the full-screen kiosk with everything embedded, and the demo panel to place
// a demo resident's card, take it away and insert money.
func runDemoWindow(ctx context.Context, f flags, stdout io.Writer, log *slog.Logger) error {
	dir, err := demoDir(f)
	if err != nil {
		return err
	}
	a := app.NewWithID("certkiosk")
	w := a.NewWindow("certkiosk")
	if f.windowed {
		// The kiosk's 1280×800 panel, and the demo panel beside it.
		w.Resize(fyne.NewSize(1280+ui.DemoPanelWidth(0), 800))
	}
	var idleShown sync.Once
	trim := newIdleTrim()
	// Spoken guidance and key cues on the sound card, as on a terminal (there with the panel's
	// buzzer too). A machine without a sound card says so once.
	sounds := ui.NewSounds(nil, audio.Open(), ui.BundledVoices(), soundErrors(log))
	k, err := newDemoKiosk(a, w, demoKioskOptions{Dir: dir, PCSC: f.pcsc, Log: log,
		UI: ui.Options{FullScreen: !f.windowed, Speaker: sounds,
			Shown: func(v kiosk.View, lang string) {
				trim.Shown(v, lang)
				if v.Screen == kiosk.Idle {
					idleShown.Do(func() {
						fmt.Fprintf(stdout, "demo: idle screen after %v\n", time.Since(started).Round(time.Millisecond))
					})
				}
			}}})
	if err != nil {
		return err
	}
	defer k.d.Close()
	fmt.Fprintf(stdout, "demo: certificates print to %s\n", k.d.PagesDir)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- k.d.Run(ctx)
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	cancel()
	return <-done
}

// demoKiosk is what the demo window shows: the touch screen on the demo's embedded parts, with
// the demo panel beside it.
type demoKiosk struct {
	u *ui.UI
	d *demo.Demo
}

type demoKioskOptions struct {
	Dir  string
	PCSC bool
	Log  *slog.Logger
	UI   ui.Options // Languages and Warning are the demo configuration's
	// Display, when set, renders the machine's views instead of the touch screen (a test that
	// draws them on its own goroutine); nil is the touch screen.
	Display func(*ui.UI) kiosk.Display
}

// newDemoKiosk builds the demo's touch screen into w and the demo behind it. The caller runs
// k.d and closes it.
func newDemoKiosk(a fyne.App, w fyne.Window, o demoKioskOptions) (*demoKiosk, error) {
	cfg := kiosk.DefaultConfig()
	cfg.Languages = ui.Languages
	o.UI.Languages, o.UI.Warning = cfg.Languages, cfg.Warning
	var runner atomic.Pointer[kiosk.Runner]
	u, err := ui.New(a, w, func(e kiosk.Event) {
		if r := runner.Load(); r != nil {
			r.Send(e)
		}
	}, o.UI)
	if err != nil {
		return nil, err
	}
	var display kiosk.Display = u
	if o.Display != nil {
		display = o.Display(u)
	}
	d, err := demo.New(demo.Options{Dir: o.Dir, Display: display, Speaker: u, PCSC: o.PCSC, Log: o.Log, Config: &cfg})
	if err != nil {
		return nil, err
	}
	runner.Store(d.Runner)
	rs, err := d.Residents()
	if err != nil {
		d.Close()
		return nil, err
	}
	u.SetDemo(demoControls{d: d, residents: rs})
	return &demoKiosk{u: u, d: d}, nil
}

// demoControls are the demo panel's acts on the simulated card and cashbox.
type demoControls struct {
	d         *demo.Demo
	residents []server.ResidentCase
}

func (c demoControls) Residents() []ui.DemoResident {
	out := make([]ui.DemoResident, 0, len(c.residents))
	for _, r := range c.residents {
		out = append(out, ui.DemoResident{ID: r.ID, Label: r.ID + " " + shorten(r.Case, 15)})
	}
	return out
}

func (c demoControls) PlaceCard(id string) error { return c.d.PlaceResident(id) }
func (c demoControls) RemoveCard() error         { c.d.RemoveCard(); return nil }
func (c demoControls) InsertMoney(yen int) error { c.d.InsertCoin(yen); return nil }

// ReserveReset is the resident's smartphone app reserving a PIN reset at the embedded center.
func (c demoControls) ReserveReset(id string, s kiosk.Service) error {
	kind := center.CertSignature
	if s == kiosk.ServiceResetUserPIN {
		kind = center.CertAuth
	}
	if _, err := c.d.Center.Reserve(id, kind); err != nil {
		return fmt.Errorf("demo app: %w", err)
	}
	return nil
}

// shorten keeps a demo label on one line of the panel.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
