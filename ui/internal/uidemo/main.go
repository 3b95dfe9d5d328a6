// Command uidemo is a dev-only program: the kiosk screen full screen on the simulated ports of
// kiosk/sim, with the demo panel to place the demo resident's card and insert money. With -tour
// it walks every screen in the given languages and saves a screenshot of each from Xvfb's
// framebuffer (scripts/screenshot). It is not the firmware: cmd/kiosk wires the real parts.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"certkiosk/kiosk"
	"certkiosk/kiosk/sim"
	"certkiosk/ui"
	"certkiosk/ui/internal/uisim"
	"certkiosk/ui/internal/xwd"
)

var start = time.Now()

func main() {
	tour := flag.String("tour", "", "walk every screen and save screenshots into this folder (needs -fbdir)")
	fbdir := flag.String("fbdir", "", "Xvfb's -fbdir folder, to take screenshots from")
	langs := flag.String("langs", "ja,en,zh,ko,vi", "languages of the tour")
	windowed := flag.Bool("windowed", false, "a 1280x800 window instead of full screen")
	flag.Parse()
	if err := run(*tour, *fbdir, strings.Split(*langs, ","), *windowed); err != nil {
		log.Fatal(err)
	}
}

// slowPrinter makes each copy take a while, as a real certificate printer does, so the printing
// screen can be seen.
type slowPrinter struct {
	kiosk.Printer
	d time.Duration
}

func (p slowPrinter) Print(ctx context.Context, d kiosk.VerifiedDocument) error {
	select {
	case <-time.After(p.d):
	case <-ctx.Done():
		return fmt.Errorf("slow printer: %w", ctx.Err())
	}
	return p.Printer.Print(ctx, d)
}

func run(tour, fbdir string, langs []string, windowed bool) error {
	kit, err := sim.NewKit(time.Now())
	if err != nil {
		return err
	}
	cfg := kiosk.DefaultConfig()
	cfg.Languages = ui.Languages
	a := app.NewWithID("certkiosk.uidemo")
	w := a.NewWindow("certkiosk")
	if windowed {
		w.Resize(fyne.NewSize(1280, 800))
	}
	shown := make(chan kiosk.Screen, 256)
	var idleOnce sync.Once
	var r *kiosk.Runner
	u, err := ui.New(a, w, func(e kiosk.Event) { r.Send(e) }, ui.Options{
		FullScreen: !windowed,
		Warning:    cfg.Warning,
		Shown: func(v kiosk.View, lang string) {
			if v.Screen == kiosk.Idle {
				idleOnce.Do(func() {
					fmt.Printf("idle shown %d ms after start\n", time.Since(start).Milliseconds())
					go func() {
						time.Sleep(2 * time.Second)
						var m runtime.MemStats
						runtime.ReadMemStats(&m)
						fmt.Printf("go heap in use %d MiB, from the OS %d MiB\n", m.HeapInuse>>20, m.Sys>>20)
						debug.FreeOSMemory() // a GC, and memory back to the OS: the live figure
						runtime.ReadMemStats(&m)
						fmt.Printf("after a GC: go heap in use %d MiB, from the OS %d MiB\n", m.HeapInuse>>20, m.Sys>>20)
						if p := os.Getenv("UIDEMO_HEAPPROFILE"); p != "" {
							if f, err := os.Create(p); err == nil {
								_ = pprof.WriteHeapProfile(f)
								f.Close()
							}
						}
					}()
				})
			}
			select {
			case shown <- v.Screen:
			default:
			}
		},
	})
	if err != nil {
		return err
	}
	p := kit.Ports()
	p.Display, p.Speaker = u, u
	p.Printer = slowPrinter{kit.Printer, 1500 * time.Millisecond}
	if tour == "" {
		p.Clock = kiosk.SystemClock{}
	}
	r, err = kiosk.NewRunner(cfg, p)
	if err != nil {
		return err
	}
	ctrl := &uisim.Controls{Kit: kit, Send: r.Send}
	u.SetDemo(ctrl)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = r.Run(ctx) }()
	var tourErr error
	if tour != "" {
		t := &tourer{u: u, r: r, kit: kit, ctrl: ctrl, cfg: cfg, shown: shown, dir: tour, fbdir: fbdir}
		go func() {
			tourErr = t.walk(langs)
			fyne.Do(a.Quit)
		}()
	}
	w.ShowAndRun()
	return tourErr
}

type tourer struct {
	u     *ui.UI
	r     *kiosk.Runner
	kit   *sim.Kit
	ctrl  *uisim.Controls
	cfg   kiosk.Config
	shown chan kiosk.Screen
	dir   string
	fbdir string
	lang  string
	n     int
}

func (t *tourer) drain() {
	for {
		select {
		case <-t.shown:
		default:
			return
		}
	}
}

func (t *tourer) wait(sc kiosk.Screen) error {
	timeout := time.After(15 * time.Second)
	for {
		select {
		case got := <-t.shown:
			if got == sc {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("tour %s: %v not shown", t.lang, sc)
		}
	}
}

func (t *tourer) tap(b kiosk.Button, arg string) { t.r.Send(kiosk.Tap{Button: b, Arg: arg}) }

func (t *tourer) keys(s string) {
	for _, c := range s {
		t.r.Send(kiosk.Key{Key: c, Source: kiosk.TouchKeypad})
	}
}

// step does act and waits for sc.
func (t *tourer) step(sc kiosk.Screen, act func()) error {
	t.drain()
	act()
	return t.wait(sc)
}

// shoot saves the screen as <lang>-<nn>-<name>.png after the frame has been painted.
func (t *tourer) shoot(name string) error {
	time.Sleep(700 * time.Millisecond)
	t.n++
	b, err := os.ReadFile(filepath.Join(t.fbdir, "Xvfb_screen0"))
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	img, err := xwd.Decode(b)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	f, err := os.Create(filepath.Join(t.dir, fmt.Sprintf("%s-%02d-%s.png", t.lang, t.n, name)))
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return f.Close()
}

func (t *tourer) walk(langs []string) error {
	if err := t.wait(kiosk.Idle); err != nil {
		return err
	}
	for _, l := range langs {
		t.lang, t.n = l, 0
		if err := t.walkOne(l); err != nil {
			return err
		}
	}
	return nil
}

func (t *tourer) walkOne(lang string) error {
	type shot struct {
		sc   kiosk.Screen
		act  func()
		name string // "" takes no screenshot
		wait time.Duration
	}
	reserve := func() {
		t.kit.Center.Set(func(*sim.Center) {
			t.kit.Resident.Reservation = &kiosk.Reservation{ID: "rsv-1", PIN: kiosk.SignaturePIN, Expires: time.Now().Add(20 * time.Hour)}
		})
	}
	steps := []shot{
		{kiosk.Idle, func() {}, "idle", time.Millisecond},
		{kiosk.ChooseLanguage, func() { t.tap(kiosk.BtnStart, "") }, "choose_language", 0},
		{kiosk.Terms, func() { t.tap(kiosk.BtnLanguage, lang) }, "terms", 0},
		{kiosk.ChooseService, func() { t.tap(kiosk.BtnAgree, "") }, "choose_service", 0},
		{kiosk.PlaceCard, func() { t.tap(kiosk.BtnService, "certificates") }, "place_card", 0},
		{kiosk.EnterPIN, func() { _ = t.ctrl.PlaceCard(uisim.ResidentID) }, "", 0},
		{kiosk.EnterPIN, func() { t.keys("99") }, "enter_pin", 300 * time.Millisecond},
		{kiosk.EnterPIN, func() { t.keys("99\n") }, "pin_wrong", 800 * time.Millisecond},
		{kiosk.TakeCardBack, func() { t.keys("1234\n") }, "take_card_back", 0},
		{kiosk.Menu, func() { _ = t.ctrl.RemoveCard() }, "menu", 0},
		{kiosk.ChooseCertificate, func() { t.tap(kiosk.BtnIssue, "") }, "choose_certificate", 0},
		{kiosk.ChooseOptions, func() { t.tap(kiosk.BtnChooseType, "juminhyo") }, "", 0},
		{kiosk.ChooseOptions, func() { t.tap(kiosk.BtnToggleOption, "household_head") }, "choose_options", 300 * time.Millisecond},
		{kiosk.ChooseMembers, func() { t.tap(kiosk.BtnNext, "") }, "", 0},
		{kiosk.ChooseMembers, func() { t.tap(kiosk.BtnToggleMember, "m2") }, "choose_members", 300 * time.Millisecond},
		{kiosk.ChooseCopies, func() { t.tap(kiosk.BtnNext, "") }, "", 0},
		{kiosk.ChooseCopies, func() { t.tap(kiosk.BtnMore, "") }, "choose_copies", 300 * time.Millisecond},
		{kiosk.Confirm, func() { t.tap(kiosk.BtnNext, "") }, "confirm", 0},
		{kiosk.Pay, func() { t.tap(kiosk.BtnConfirm, "") }, "", 0},
		{kiosk.Pay, func() { _ = t.ctrl.InsertMoney(100) }, "pay", 300 * time.Millisecond},
		{kiosk.Printing, func() { _ = t.ctrl.InsertMoney(500) }, "printing", 0},
		{kiosk.TakeCertificates, func() {}, "take_certificates", 0},
		{kiosk.Receipt, func() { t.tap(kiosk.BtnDone, "") }, "receipt", 0},
		{kiosk.Idle, func() { t.tap(kiosk.BtnNoReceipt, "") }, "", 0},
		// PIN reset
		{kiosk.ChooseLanguage, func() { reserve(); t.tap(kiosk.BtnStart, "") }, "", 0},
		{kiosk.Terms, func() { t.tap(kiosk.BtnLanguage, lang) }, "", 0},
		{kiosk.ChooseService, func() { t.tap(kiosk.BtnAgree, "") }, "", 0},
		{kiosk.PlaceCard, func() { t.tap(kiosk.BtnService, "reset_signature_pin") }, "", 0},
		{kiosk.EnterPIN, func() { _ = t.ctrl.PlaceCard(uisim.ResidentID) }, "", 0},
		{kiosk.ResetReservation, func() { t.keys("1234\n") }, "reset_reservation", 0},
		{kiosk.ResetNewPIN, func() { t.tap(kiosk.BtnNext, "") }, "", 0},
		{kiosk.ResetNewPIN, func() { t.keys("AB") }, "reset_new_pin", 300 * time.Millisecond},
		{kiosk.ResetConfirmPIN, func() { t.keys("C123\n") }, "", 0},
		{kiosk.ResetConfirmPIN, func() { t.keys("ABC") }, "reset_confirm_pin", 300 * time.Millisecond},
		{kiosk.ResetDone, func() { t.keys("123\n") }, "reset_done", 0},
		{kiosk.Idle, func() { _ = t.ctrl.RemoveCard() }, "", 0},
		// Timeout warning, cancel, out of service
		{kiosk.ChooseLanguage, func() { t.tap(kiosk.BtnStart, "") }, "", 0},
		{kiosk.Terms, func() { t.tap(kiosk.BtnLanguage, lang) }, "", 0},
		{kiosk.TimeoutWarning, func() { t.kit.Clock.Advance(t.cfg.Inactivity) }, "timeout_warning", 0},
		{kiosk.Terms, func() { t.tap(kiosk.BtnContinue, "") }, "", 0},
		{kiosk.Outcome, func() { t.tap(kiosk.BtnCancel, "") }, "outcome_cancelled", 0},
		{kiosk.Idle, func() { t.tap(kiosk.BtnDone, "") }, "", 0},
		{kiosk.OutOfService, func() { t.r.Send(kiosk.ServiceChanged{Flag: kiosk.FlagPaperOut, On: true}) }, "out_of_service", 0},
		{kiosk.Idle, func() { t.r.Send(kiosk.ServiceChanged{Flag: kiosk.FlagPaperOut, On: false}) }, "", 0},
		// Larger text and high contrast on the terms and PIN screens.
		{kiosk.ChooseLanguage, func() { t.tap(kiosk.BtnStart, "") }, "", 0},
		{kiosk.Terms, func() { t.tap(kiosk.BtnLanguage, lang) }, "", 0},
		{kiosk.Terms, func() { fyne.Do(func() { t.u.SetPreferences(true, true) }) }, "terms_large_contrast", 300 * time.Millisecond},
		{kiosk.ChooseService, func() { t.tap(kiosk.BtnAgree, "") }, "", 0},
		{kiosk.PlaceCard, func() { t.tap(kiosk.BtnService, "certificates") }, "", 0},
		{kiosk.EnterPIN, func() { _ = t.ctrl.PlaceCard(uisim.ResidentID) }, "enter_pin_large_contrast", 0},
		{kiosk.Outcome, func() { t.tap(kiosk.BtnCancel, "") }, "", 0},
		{kiosk.Idle, func() { t.tap(kiosk.BtnDone, ""); _ = t.ctrl.RemoveCard() }, "", 0},
	}
	for _, s := range steps {
		if s.wait > 0 {
			t.drain()
			s.act()
			time.Sleep(s.wait)
		} else if err := t.step(s.sc, s.act); err != nil {
			return err
		}
		if s.name != "" {
			if err := t.shoot(s.name); err != nil {
				return err
			}
		}
	}
	return nil
}
