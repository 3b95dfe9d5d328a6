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
	cfg := kiosk.DefaultConfig()
	cfg.Languages = ui.Languages
	a := app.NewWithID("certkiosk")
	w := a.NewWindow("certkiosk")
	if f.windowed {
		// The kiosk's 1280×800 panel, and the demo panel beside it.
		w.Resize(fyne.NewSize(1280+ui.DemoPanelWidth(0), 800))
	}
	var runner atomic.Pointer[kiosk.Runner]
	var idleShown sync.Once
	// Spoken guidance and key cues on the sound card, as on a terminal (there with the panel's
	// buzzer too). A machine without a sound card says so once.
	sounds := ui.NewSounds(nil, audio.Open(), ui.BundledVoices(), soundErrors(log))
	u, err := ui.New(a, w, func(e kiosk.Event) {
		if r := runner.Load(); r != nil {
			r.Send(e)
		}
	}, ui.Options{Languages: cfg.Languages, Warning: cfg.Warning, FullScreen: !f.windowed, Speaker: sounds,
		Shown: func(v kiosk.View, _ string) {
			if v.Screen == kiosk.Idle {
				idleShown.Do(func() {
					fmt.Fprintf(stdout, "demo: idle screen after %v\n", time.Since(started).Round(time.Millisecond))
				})
			}
		}})
	if err != nil {
		return err
	}
	d, err := demo.New(demo.Options{Dir: dir, Display: u, Speaker: u, PCSC: f.pcsc, Log: log, Config: &cfg})
	if err != nil {
		return err
	}
	defer d.Close()
	runner.Store(d.Runner)
	rs, err := d.Residents()
	if err != nil {
		return err
	}
	u.SetDemo(demoControls{d: d, residents: rs})
	fmt.Fprintf(stdout, "demo: certificates print to %s\n", d.PagesDir)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- d.Run(ctx)
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	cancel()
	return <-done
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

// shorten keeps a demo label on one line of the panel.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
