package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"periph.io/x/conn/v3/physic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"certkiosk/hw/audio"
	"certkiosk/hw/card"
	"certkiosk/hw/panel"
	"certkiosk/hw/panel/buzzer"
	"certkiosk/hw/panel/coin"
	"certkiosk/hw/panel/keypad"
	"certkiosk/hw/panel/led"
	"certkiosk/hw/panel/sensor"
	"certkiosk/hw/printer"
	"certkiosk/hw/printer/escpos"
	"certkiosk/hw/printer/file"
	"certkiosk/hw/printer/ipp"
	"certkiosk/hw/printer/tray"
	"certkiosk/hw/printer/uartserial"
	"certkiosk/hw/selftest"
	"certkiosk/hw/selftest/kiosksuite"
	"certkiosk/internal/sdnotify"
	"certkiosk/kiosk"
	"certkiosk/kiosk/adapters"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/config"
	"certkiosk/kiosk/fleet"
	"certkiosk/kiosk/outbox"
	"certkiosk/ui"
)

// runTerminal runs the firmware on a terminal's real parts, from its configuration file: the
// boot self-test, the card reader, the center, the outbox and its sender, the printers, the
// GPIO panel (keypad, coin acceptor, maintenance key, buzzer) and the touch screen.
func runTerminal(ctx context.Context, f flags, stdout io.Writer, log *slog.Logger) error {
	if f.config == "" {
		return errors.New("no configuration: give -config FILE, or -demo to run everything embedded")
	}
	var steps []kiosk.ScriptStep
	if f.script != "" {
		// A field test rig: the terminal's real parts driven by a script, without a screen.
		if !f.headless {
			return errors.New("-script plays its events without a screen: add -headless")
		}
		b, err := os.ReadFile(f.script)
		if err != nil {
			return fmt.Errorf("-script: %w", err)
		}
		if steps, err = kiosk.ParseScript(bytes.NewReader(b)); err != nil {
			return fmt.Errorf("-script %s: %w", f.script, err)
		}
	}
	cfg, err := config.Load(f.config)
	if err != nil {
		return err
	}
	if cfg.Demo {
		return fmt.Errorf("%s sets demo = true: run kiosk -demo", f.config)
	}
	// The boot self-test runs before the drivers take their lines (it toggles the outputs).
	bootCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	report, bootErr := kiosksuite.Run(bootCtx, kiosksuite.New(kiosksuite.Options{ConfigPath: f.config}), true)
	cancel()
	if bootErr != nil {
		log.Error("boot self-test failed: out of service", "err", bootErr)
	} else {
		log.Info("boot self-test passed", "checks", len(report.Checks))
	}

	// The screen is made after the parts (the buzzer is one), so the machine renders through a
	// late-bound display.
	screen := &lateScreen{}
	var display kiosk.Display = screen
	var watch *kiosk.Watcher
	if steps != nil {
		watch = &kiosk.Watcher{Next: &screenLog{w: stdout, last: -1}}
		display = watch
	}
	t, err := buildTerminal(cfg, display, screen, log)
	if err != nil {
		return err
	}
	defer t.close()
	if bootErr != nil {
		t.flags = append(t.flags, kiosk.FlagSelfTestFailed)
	}
	t.metrics.SetSelfTest(report)
	var a fyne.App
	var w fyne.Window
	if !f.headless {
		var bz ui.Buzzer
		if t.buzzer != nil {
			bz = buzzerPatterns{t.buzzer}
		}
		var player ui.Player
		if cfg.Sound.Speaker {
			player = audio.Open()
		}
		sounds := ui.NewSounds(bz, player, ui.BundledVoices(), soundErrors(log))
		a = app.NewWithID("certkiosk")
		w = a.NewWindow("certkiosk")
		u, err := ui.New(a, w, func(e kiosk.Event) { t.runner.Send(e) },
			ui.Options{Languages: cfg.Languages, Warning: cfg.Timeouts.Warning, FullScreen: true, Speaker: sounds,
				Shown: newIdleTrim().Shown})
		if err != nil {
			return err
		}
		screen.set(u, u)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- t.run(ctx)
		if a != nil {
			fyne.Do(a.Quit)
		}
	}()
	if watch != nil {
		// The card and the coins come from the real reader and acceptor (or what a rig plugs
		// in): the script's own card and coin lines only tell the machine.
		err := kiosk.Play(ctx, t.runner, watch, steps, nil, nil, 2*time.Minute)
		stop()
		if rerr := <-done; err == nil {
			err = rerr
		}
		return err
	}
	if w != nil {
		w.ShowAndRun()
		stop()
	}
	return <-done
}

// lateScreen forwards to the screen once it exists; before that, views are dropped (the
// screen draws the current view when it is made).
type lateScreen struct {
	mu sync.Mutex
	d  kiosk.Display
	s  kiosk.Speaker
}

func (l *lateScreen) set(d kiosk.Display, s kiosk.Speaker) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.d, l.s = d, s
}

func (l *lateScreen) Render(v kiosk.View) {
	l.mu.Lock()
	d := l.d
	l.mu.Unlock()
	if d != nil {
		d.Render(v)
	}
}

func (l *lateScreen) Cue(key string) {
	l.mu.Lock()
	s := l.s
	l.mu.Unlock()
	if s != nil {
		s.Cue(key)
	}
}

// buzzerPatterns plays the screen's on/off patterns on the panel buzzer.
type buzzerPatterns struct{ d *buzzer.Dev }

func (b buzzerPatterns) Beep(pattern []time.Duration) {
	p := make(buzzer.Pattern, len(pattern))
	for i, d := range pattern {
		p[i] = buzzer.Step{On: i%2 == 0, D: d}
	}
	_ = b.d.Play(p) // a full queue drops the cue: sound never holds up the machine
}

type nopDisplay struct{}

func (nopDisplay) Render(kiosk.View) {}

type nopSpeaker struct{}

func (nopSpeaker) Cue(string) {}

// terminal is the firmware's parts on a real terminal.
type terminal struct {
	cfg    *config.Config
	log    *slog.Logger
	runner *kiosk.Runner
	card   *adapters.Card
	box    *outbox.Outbox
	client *center.Client
	flags  []kiosk.ServiceFlag // set when the machine starts

	metrics *fleet.Metrics
	maint   *adapters.Maintainer
	docs    printer.DocumentPrinter
	guard   *adapters.OutboxGuard
	keypad  *keypad.Dev
	coins   *coin.Dev
	key     *sensor.Dev // the maintenance key
	cardLED *led.Dev
	sensors []*sensor.Dev // paper, door
	tray    *tray.Dev     // the output tray
	buzzer  *buzzer.Dev
	closeMu sync.Mutex
	closers []func() error
}

// buildTerminal makes every part the configuration names. A part that cannot start is an error
// naming it: the kiosk does not start half-built.
func buildTerminal(cfg *config.Config, display kiosk.Display, speaker kiosk.Speaker, log *slog.Logger) (*terminal, error) {
	t := &terminal{cfg: cfg, log: log}
	fail := func(err error) (*terminal, error) {
		t.close()
		return nil, err
	}
	read := func(key, name string) ([]byte, error) {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		return b, nil
	}
	var files [4][]byte
	for i, kv := range [][2]string{{"center.cert_file", cfg.Center.CertFile}, {"center.key_file", cfg.Center.KeyFile},
		{"center.ca_file", cfg.Center.CAFile}, {"center.document_keys", cfg.Center.DocumentKeys}} {
		b, err := read(kv[0], kv[1])
		if err != nil {
			return fail(err)
		}
		files[i] = b
	}
	creds, err := center.ParseCredentials(files[0], files[1], files[2], files[3])
	if err != nil {
		return fail(fmt.Errorf("center credentials: %w", err))
	}
	t.client = center.NewClient(cfg.Center.URL, creds.TLSConfig())
	t.client.SetTimeout(cfg.Center.Timeout)
	t.closers = append(t.closers, func() error { t.client.Close(); return nil })

	if t.box, err = outbox.Open(cfg.Storage.Outbox, &outbox.Options{Capacity: cfg.Storage.OutboxCapacity}); err != nil {
		return fail(fmt.Errorf("storage.outbox: %w", err))
	}
	t.closers = append(t.closers, t.box.Close)

	var docs printer.DocumentPrinter
	switch d := cfg.Printer.Document; {
	case d.URL != "":
		if docs, err = ipp.New(d.URL, nil); err != nil {
			return fail(fmt.Errorf("printer.document.url: %w", err))
		}
	default:
		if docs, err = file.New(d.Dir, file.PNG); err != nil {
			return fail(fmt.Errorf("printer.document.dir: %w", err))
		}
	}
	lines, err := adapters.ReceiptLines()
	if err != nil {
		return fail(err)
	}
	var slips kiosk.SlipPrinter = noSlips{}
	var receipt fleet.PrinterSource
	if dev := cfg.Printer.Receipt.Device; dev != "" {
		port, err := uartserial.Open(dev, time.Second)
		if err != nil {
			return fail(fmt.Errorf("printer.receipt.device: %w", err))
		}
		t.closers = append(t.closers, port.Close)
		p, err := escpos.Connect(port, physic.Frequency(cfg.Printer.Receipt.Baud)*physic.Hertz, nil)
		if err != nil {
			return fail(fmt.Errorf("printer.receipt: %w", err))
		}
		slips = &adapters.Slip{Printer: p, Lines: lines}
		receipt = p
	}
	t.metrics = fleet.New(fleet.Options{Outbox: t.box, Printer: docs, ReceiptPrinter: receipt, ConfigSHA256: cfg.Source.SHA256})

	t.card = &adapters.Card{
		Connect:      func(ctx context.Context) (adapters.CardConn, error) { return t.connectCard() },
		LoginMessage: func(nonce []byte) []byte { return center.LoginMessage(nonce, cfg.KioskID) },
	}
	if err := t.openPanel(); err != nil {
		return fail(err)
	}
	t.docs = docs
	t.guard = adapters.NewOutboxGuard(t.box, func(e kiosk.Event) bool { return t.runner.Send(e) }, 0)
	if t.maint, err = t.maintainer(docs, receipt); err != nil {
		return fail(err)
	}
	staff := technicianCredentials{cfg.Maintenance}

	kc := kiosk.DefaultConfig()
	kc.KioskID, kc.Languages = cfg.KioskID, cfg.Languages
	if cfg.Timeouts.Inactivity > 0 {
		kc.Inactivity = cfg.Timeouts.Inactivity
	}
	if cfg.Timeouts.Warning > 0 {
		kc.Warning = cfg.Timeouts.Warning
	}
	if cfg.Timeouts.Printing > 0 {
		kc.PrintCopy = cfg.Timeouts.Printing
	}
	if cfg.Maintenance.MaxAttempts > 0 {
		kc.TechnicianAttempts = cfg.Maintenance.MaxAttempts
	}
	if cfg.Maintenance.Lockout > 0 {
		kc.TechnicianLockout = cfg.Maintenance.Lockout
	}
	t.runner, err = kiosk.NewRunner(kc, kiosk.Ports{
		Card:     t.card,
		Center:   &adapters.Center{Client: t.client},
		Verifier: kiosk.KeyVerifier(creds.DocumentKeys),
		Printer:  &adapters.Printer{Device: docs},
		Slips:    slips,
		Cashbox:  adapters.AcceptorCashbox{},
		Outbox:   &adapters.Outbox{Box: t.box, Guard: t.guard},
		Journal:  &adapters.Journal{J: t.box.Journal(), Log: log},
		Clock:    kiosk.SystemClock{},
		Display:  display,
		Speaker:  speaker,

		Maintainer:  t.maint,
		Credentials: staff,
	})
	if err != nil {
		return fail(err)
	}
	return t, nil
}

// connectCard connects to the card in the configured reader.
func (t *terminal) connectCard() (adapters.CardConn, error) {
	name, err := card.FindReader(t.cfg.Card.Reader)
	if err != nil {
		return nil, fmt.Errorf("card.reader: %w", err)
	}
	c, err := card.Connect(name)
	if errors.Is(err, card.ErrNoCard) {
		return nil, adapters.NoCard(err)
	}
	return c, err
}

// openPanel opens the GPIO parts the configuration names; an empty name means not fitted.
func (t *terminal) openPanel() error {
	g := t.cfg.GPIO
	activeHigh := map[string]bool{}
	for _, n := range g.ActiveHigh {
		activeHigh[n] = true
	}
	if len(g.KeypadRows) == keypad.Rows && len(g.KeypadCols) == keypad.Cols {
		var pins keypad.Pins
		for i, n := range g.KeypadRows {
			p, err := panel.Open(n)
			if err != nil {
				return fmt.Errorf("gpio.keypad_rows: %w", err)
			}
			pins.Rows[i] = p
		}
		for i, n := range g.KeypadCols {
			p, err := panel.Open(n)
			if err != nil {
				return fmt.Errorf("gpio.keypad_cols: %w", err)
			}
			pins.Cols[i] = p
		}
		d, err := keypad.New(pins, nil)
		if err != nil {
			return fmt.Errorf("gpio keypad: %w", err)
		}
		t.keypad = d
		t.closers = append(t.closers, d.Halt)
	}
	if g.Coin != "" {
		p, err := panel.Open(g.Coin)
		if err != nil {
			return fmt.Errorf("gpio.coin: %w", err)
		}
		o := coin.DefaultOpts
		o.ActiveHigh = activeHigh[g.Coin]
		o.Table = coin.LinearTable(t.cfg.Coin.YenPerPulse, t.cfg.Coin.Accept...)
		d, err := coin.New(p, &o)
		if err != nil {
			return fmt.Errorf("gpio.coin: %w", err)
		}
		t.coins = d
		t.closers = append(t.closers, d.Halt)
	}
	if g.MaintenanceKey != "" {
		p, err := panel.Open(g.MaintenanceKey)
		if err != nil {
			return fmt.Errorf("gpio.maintenance_key: %w", err)
		}
		d, err := sensor.New(p, &sensor.Opts{Kind: sensor.MaintenanceKey, ActiveHigh: activeHigh[g.MaintenanceKey]})
		if err != nil {
			return fmt.Errorf("gpio.maintenance_key: %w", err)
		}
		t.key = d
		t.closers = append(t.closers, d.Halt)
	}
	for _, s := range []struct {
		key, line string
		kind      sensor.Kind
	}{{"gpio.paper_sensor", g.PaperSensor, sensor.PaperOut}, {"gpio.door_sensor", g.DoorSensor, sensor.DoorOpen}} {
		if s.line == "" {
			continue
		}
		p, err := panel.Open(s.line)
		if err != nil {
			return fmt.Errorf("%s: %w", s.key, err)
		}
		d, err := sensor.New(p, &sensor.Opts{Kind: s.kind, ActiveHigh: activeHigh[s.line]})
		if err != nil {
			return fmt.Errorf("%s: %w", s.key, err)
		}
		t.sensors = append(t.sensors, d)
		t.closers = append(t.closers, d.Halt)
	}
	if g.CardLED != "" {
		p, err := panel.Open(g.CardLED)
		if err != nil {
			return fmt.Errorf("gpio.card_led: %w", err)
		}
		o := led.DefaultOpts
		o.ActiveLow = !activeHigh[g.CardLED]
		d, err := led.New(p, &o)
		if err != nil {
			return fmt.Errorf("gpio.card_led: %w", err)
		}
		t.cardLED = d
		t.closers = append(t.closers, d.Halt)
	}
	if g.TraySensor != "" {
		p, err := panel.Open(g.TraySensor)
		if err != nil {
			return fmt.Errorf("gpio.tray_sensor: %w", err)
		}
		d, err := tray.New(p, &tray.Opts{ActiveHigh: activeHigh[g.TraySensor]})
		if err != nil {
			return fmt.Errorf("gpio.tray_sensor: %w", err)
		}
		t.tray = d
		t.closers = append(t.closers, d.Halt)
	}
	if g.Buzzer != "" {
		p, err := panel.Open(g.Buzzer)
		if err != nil {
			return fmt.Errorf("gpio.buzzer: %w", err)
		}
		o := buzzer.DefaultOpts
		o.ActiveLow = !activeHigh[g.Buzzer]
		d, err := buzzer.New(p, &o)
		if err != nil {
			return fmt.Errorf("gpio.buzzer: %w", err)
		}
		t.buzzer = d
		t.closers = append(t.closers, d.Halt)
	}
	return nil
}

// keyRunes maps the 4×3 keypad onto the machine's keys: * clears, # enters.
var keyRunes = map[keypad.Key]rune{
	keypad.Key0: '0', keypad.Key1: '1', keypad.Key2: '2', keypad.Key3: '3', keypad.Key4: '4',
	keypad.Key5: '5', keypad.Key6: '6', keypad.Key7: '7', keypad.Key8: '8', keypad.Key9: '9',
	keypad.KeyStar: kiosk.KeyClear, keypad.KeyHash: kiosk.KeyEnter,
}

// run runs the machine, the outbox sender, the card monitor, the panel's event loops and the
// systemd watchdog until ctx ends.
func (t *terminal) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	goRun := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }

	notify := sdnotify.FromEnv()
	hb := &sdnotify.Heartbeat{}
	hb.Beat()
	t.runner.Observe(fleet.Chain(t.metrics.Observe, func(kiosk.Event, kiosk.State, []kiosk.Effect) { hb.Beat() }, t.showCardLED))
	if l := t.cfg.Metrics.Listen; l != "" {
		goRun(func() {
			remote := &fleet.Remote{Maintainer: t.maint, Send: t.runner.Send, Metrics: t.metrics}
			if err := fleet.Serve(ctx, l, fleet.Mux(t.metrics, remote)); err != nil {
				t.log.Error("metrics endpoint", "listen", l, "err", err)
			}
		})
	}
	if interval, ok := sdnotify.WatchdogInterval(); ok {
		goRun(func() {
			if err := hb.Run(ctx, notify, interval); err != nil && ctx.Err() == nil {
				t.log.Warn("systemd watchdog", "err", err)
			}
		})
	}
	goRun(func() {
		err := t.box.Run(ctx, adapters.Deliverer{Client: t.client}, outbox.SendOptions{})
		if err != nil && ctx.Err() == nil {
			t.log.Error("outbox sender stopped", "err", err)
		}
	})
	goRun(func() { t.monitorCards(ctx) })
	goRun(func() { t.guard.Run(ctx) })
	goRun(func() { t.retainJournal(ctx) })
	if w, ok := t.docs.(interface {
		Watch(context.Context, time.Duration) <-chan printer.Status
	}); ok {
		goRun(func() { adapters.WatchPrinter(ctx, w.Watch(ctx, 5*time.Second), t.runner.Send) })
	}
	if t.keypad != nil {
		goRun(func() {
			for e := range t.keypad.Events() {
				if r, ok := keyRunes[e.Key]; ok && e.Down {
					t.runner.Send(kiosk.Key{Key: r, Source: kiosk.HardwareKeypad})
				}
			}
		})
	}
	if t.coins != nil {
		goRun(func() {
			for e := range t.coins.Events() {
				if e.Rejected != 0 {
					t.log.Warn("coin rejected", "reason", e.Rejected.String(), "pulses", e.Pulses)
					continue
				}
				t.runner.Send(kiosk.MoneyIn{Yen: e.Yen})
			}
		})
	}
	if t.key != nil {
		goRun(func() {
			for e := range t.key.Events() {
				t.runner.Send(kiosk.TechnicianKey{On: e.Active})
			}
		})
	}
	if t.tray != nil {
		goRun(func() {
			for occupied := range t.tray.Watch() {
				t.runner.Send(kiosk.TrayChanged{Occupied: occupied})
			}
		})
	}
	for _, d := range t.sensors {
		goRun(func() {
			if d.Kind() == sensor.PaperOut && d.Active() {
				t.runner.Send(kiosk.ServiceChanged{Flag: kiosk.FlagPaperOut, On: true})
			}
			for e := range d.Events() {
				t.log.Info("sensor", "sensor", d.Kind().String(), "active", e.Active)
				if d.Kind() == sensor.PaperOut {
					t.runner.Send(kiosk.ServiceChanged{Flag: kiosk.FlagPaperOut, On: e.Active})
				}
			}
		})
	}
	for _, fl := range t.flags {
		t.runner.Send(kiosk.ServiceChanged{Flag: fl, On: true})
	}
	if err := notify.Notify(sdnotify.Ready); err != nil {
		t.log.Warn("systemd notify", "err", err)
	}
	err := t.runner.Run(ctx)
	cancel()
	t.close() // halts the panel drivers, which closes their event channels
	wg.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// monitorCards turns the configured reader's card events into the machine's.
func (t *terminal) monitorCards(ctx context.Context) {
	events := make(chan card.Event, 16)
	go (&card.Monitor{}).Run(ctx, events)
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-events:
			if e.Kind == card.ServiceDown {
				t.log.Error("card reader service is down")
				continue
			}
			if !card.MatchReader(t.cfg.Card.Reader, e.Reader) {
				continue
			}
			switch e.Kind {
			case card.CardInserted:
				t.runner.Send(kiosk.CardPlaced{})
			case card.CardRemoved, card.ReaderRemoved:
				t.card.Drop()
				t.runner.Send(kiosk.CardRemoved{})
			}
		}
	}
}

func (t *terminal) close() error {
	t.closeMu.Lock()
	defer t.closeMu.Unlock()
	var errs []error
	for i := len(t.closers) - 1; i >= 0; i-- {
		errs = append(errs, t.closers[i]())
	}
	t.closers = nil
	return errors.Join(errs...)
}

// cardLEDMode is what the card-slot LED shows on a screen: blinking where the card is wanted,
// steady while it must stay, fast where it must be taken back, dark otherwise.
func cardLEDMode(sc kiosk.Screen) led.Mode {
	switch sc {
	case kiosk.PlaceCard:
		return led.Blink
	case kiosk.ReadingCard, kiosk.EnterPIN, kiosk.ConfirmLastTry, kiosk.Verifying, kiosk.LoggingIn,
		kiosk.ResetReservation, kiosk.ResetNewPIN, kiosk.ResetConfirmPIN, kiosk.Resetting:
		return led.On
	case kiosk.TakeCardBack, kiosk.ResetDone:
		return led.FastBlink
	}
	return led.Off
}

// showCardLED follows the machine's screen on the card-slot LED (an observer: in the loop).
func (t *terminal) showCardLED(_ kiosk.Event, s kiosk.State, _ []kiosk.Effect) {
	if t.cardLED == nil {
		return
	}
	if m := cardLEDMode(s.Screen); m != t.cardLED.Mode() {
		if err := t.cardLED.Set(m); err != nil {
			t.log.Warn("card LED", "err", err)
		}
	}
}

// retainJournal keeps the audit journal at storage.journal_capacity entries: at start, then daily.
func (t *terminal) retainJournal(ctx context.Context) {
	for {
		n, err := t.box.Journal().Retain(t.cfg.Storage.JournalCapacity)
		if err != nil {
			t.log.Error("journal retention", "err", err)
		} else if n > 0 {
			t.log.Info("journal retention: oldest entries pruned", "removed", n, "capacity", t.cfg.Storage.JournalCapacity)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}

// maintainer is the technician's view of this terminal's parts.
func (t *terminal) maintainer(docs printer.DocumentPrinter, receipt fleet.PrinterSource) (*adapters.Maintainer, error) {
	text, err := t.cfg.Masked().TOML()
	if err != nil {
		return nil, fmt.Errorf("configuration for the technician: %w", err)
	}
	b := selftest.ReadBuild()
	m := &adapters.Maintainer{
		Outbox:   t.box,
		Journal:  t.box.Journal(),
		Document: docs,
		Config:   nonEmptyLines(text),
		Build:    b.Revision + " " + b.Time + " config " + t.cfg.Source.SHA256,
	}
	if receipt != nil {
		m.Receipt = receipt
	}
	m.Center, m.Device, m.Reader = kiosksuite.MaintenanceChecks(t.cfg, 0)
	for _, d := range t.sensors {
		m.Sensors = append(m.Sensors, adapters.Sensor{Name: d.Kind().String(), Read: func() (bool, error) { return d.Active(), nil }})
	}
	if t.tray != nil {
		m.Sensors = append(m.Sensors, adapters.Sensor{Name: "output_tray", Read: func() (bool, error) { return t.tray.Occupied(), nil }})
	}
	return m, nil
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// technicianCredentials checks a credential typed on the screen against maintenance.technician_hash.
type technicianCredentials struct{ m config.Maintenance }

// The credential becomes a Go string for PBKDF2 (crypto/pbkdf2 takes one), a copy that cannot be
// zeroed: it is a technician's code, never a resident's PIN.
func (c technicianCredentials) CheckCredential(cred []byte) (bool, error) {
	return c.m.CheckTechnicianCredential(string(cred))
}

// noSlips is the SlipPrinter of a terminal without a receipt printer.
type noSlips struct{}

func (noSlips) PrintSlip(context.Context, kiosk.Slip) error {
	return &kiosk.PrintFaultError{Fault: "offline"}
}
