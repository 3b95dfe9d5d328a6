// Package demo assembles a whole kiosk with every part embedded, for `kiosk -demo`, scripted
// headless runs and end-to-end tests: the reference center (kiosk/center/server) on loopback
// with mutual TLS, simulated MyNumber cards made for the center's demo residents (in process,
// or through pcscd and vpcd), the real card protocol, the outbox and journal on a bbolt file
// with a sender delivering to the center, the file printer for certificates, an ESC/POS
// simulator for receipts, and a simulated cashbox.
//
// Everything but the cashbox and the card itself is the production code path: the Runner,
// kiosk/adapters, kiosk/jpki, kiosk/center's client, kiosk/outbox, kiosk/document.
package demo

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"certkiosk/hw/card"
	"certkiosk/hw/card/jpkisim"
	"certkiosk/hw/printer"
	"certkiosk/hw/printer/escpos"
	"certkiosk/hw/printer/escpos/escpossim"
	"certkiosk/hw/printer/file"
	"certkiosk/hw/selftest"
	"certkiosk/kiosk"
	"certkiosk/kiosk/adapters"
	"certkiosk/kiosk/center"
	"certkiosk/kiosk/center/server"
	"certkiosk/kiosk/document"
	"certkiosk/kiosk/outbox"
	"certkiosk/kiosk/sim"
)

// DefaultResident is the demo card placed when none is named: a resident every service works for.
const DefaultResident = "r101"

// Options configure a demo kiosk.
type Options struct {
	Dir     string // work folder: center data, outbox, printed pages (created)
	KioskID string // default "demo-kiosk-1"
	// PCSC puts the demo cards into pcscd's vpcd reader ("Virtual PCD 00 00", pcscd must be
	// running) and reads them through PC/SC, as a terminal does; otherwise the cards are in
	// process.
	PCSC    bool
	Config  *kiosk.Config // nil: kiosk.DefaultConfig with KioskID
	Display kiosk.Display
	Speaker kiosk.Speaker
	Log     *slog.Logger
	// Printer replaces the file printer (soak tests count jobs instead of writing PNGs).
	Printer printer.DocumentPrinter
	DPI     int // page resolution; 0: 300
	// OutboxCapacity is the outbox's size in records; 0: kiosk/outbox's default.
	OutboxCapacity int
	// TechnicianCode is the staff code the demo accepts on its sign-in screen; "" means
	// DemoTechnicianCode. It is a demo's: a terminal's is a PBKDF2 hash in its configuration.
	TechnicianCode string
}

// DemoTechnicianCode is the demo's staff code (README.md says it).
const DemoTechnicianCode = "DEMO1234"

// staffCode is the demo's staff code, compared in constant time (a terminal compares a PBKDF2
// hash, which would cost the demo a third of a second at start).
type staffCode string

func (s staffCode) CheckCredential(cred []byte) (bool, error) {
	return subtle.ConstantTimeCompare(cred, []byte(s)) == 1, nil
}

func buildLine() string {
	b := selftest.ReadBuild()
	return strings.TrimSpace(b.Revision + " " + b.Time + " demo")
}

// Demo is a running demo kiosk.
type Demo struct {
	Runner   *kiosk.Runner
	Center   *server.Server
	Cashbox  *sim.Cashbox
	PagesDir string // certificates: job-NNNN/page-NNN.png
	SlipsDir string // receipts: slip-NNN.png
	Outbox   *outbox.Outbox

	opts     Options
	guard    *adapters.OutboxGuard
	client   *center.Client
	cardAd   *adapters.Card
	profile  map[string]*jpkisim.Card
	mu       sync.Mutex
	tr       *jpkisim.Transport // in-process reader: the card on it, nil when empty
	link     *jpkisim.Link      // PC/SC: the card plugged into vpcd
	stopLnk  context.CancelFunc
	current  string
	scripted bool
}

// New builds a demo kiosk in opts.Dir; Run starts it.
func New(opts Options) (*Demo, error) {
	if opts.KioskID == "" {
		opts.KioskID = "demo-kiosk-1"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	d := &Demo{opts: opts, profile: map[string]*jpkisim.Card{},
		PagesDir: filepath.Join(opts.Dir, "printed"), SlipsDir: filepath.Join(opts.Dir, "slips")}
	for _, dir := range []string{opts.Dir, d.PagesDir, d.SlipsDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	srv, err := server.New(server.Config{DataDir: filepath.Join(opts.Dir, "center"), Logger: opts.Log})
	if err != nil {
		return nil, fmt.Errorf("demo center: %w", err)
	}
	d.Center = srv
	srv.SetClock(ServiceTime(time.Now()))
	url, _, err := srv.Start("127.0.0.1:0", "")
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("demo center: %w", err)
	}
	kf, err := srv.KioskCredentials(opts.KioskID)
	if err != nil {
		srv.Close()
		return nil, err
	}
	creds, err := kf.Credentials()
	if err != nil {
		srv.Close()
		return nil, err
	}
	d.client = center.NewClient(url, creds.TLSConfig())
	// The municipalities' public keys, for anyone checking a printed page (kioskctl verify -keys).
	kj, err := document.MarshalKeysJSON(creds.DocumentKeys)
	if err == nil {
		err = os.WriteFile(d.KeysFile(), kj, 0o644)
	}
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("demo: write document keys: %w", err)
	}

	ob, err := outbox.Open(filepath.Join(opts.Dir, "outbox.db"), &outbox.Options{Capacity: opts.OutboxCapacity})
	if err != nil {
		d.Close()
		return nil, err
	}
	d.Outbox = ob

	var docs printer.DocumentPrinter = opts.Printer
	if docs == nil {
		fp, err := file.New(d.PagesDir, file.PNG)
		if err != nil {
			d.Close()
			return nil, err
		}
		docs = fp
	}
	slipSim := escpossim.New()
	slipDev, err := escpos.New(slipSim.Conn(), nil)
	if err != nil {
		d.Close()
		return nil, err
	}
	lines, err := adapters.ReceiptLines()
	if err != nil {
		d.Close()
		return nil, err
	}
	d.cardAd = &adapters.Card{
		Connect:      d.connect,
		LoginMessage: func(nonce []byte) []byte { return center.LoginMessage(nonce, opts.KioskID) },
	}
	cfg := kiosk.DefaultConfig()
	if opts.Config != nil {
		cfg = *opts.Config
	}
	cfg.KioskID = opts.KioskID
	d.Cashbox = &sim.Cashbox{Float: 10000}
	code := opts.TechnicianCode
	if code == "" {
		code = DemoTechnicianCode
	}
	maint := &adapters.Maintainer{
		Outbox:   ob,
		Journal:  ob.Journal(),
		Center:   selftest.Center{URL: url, TLS: creds.TLSConfig()},
		Document: docs,
		Receipt:  slipDev,
		Build:    buildLine(),
	}
	d.guard = adapters.NewOutboxGuard(ob, func(e kiosk.Event) bool { return d.Runner.Send(e) }, 0)
	ports := kiosk.Ports{
		Maintainer:  maint,
		Credentials: staffCode(code),
		Card:        d.cardAd,
		Center:      &adapters.Center{Client: d.client},
		Verifier:    kiosk.KeyVerifier(creds.DocumentKeys),
		Printer:     &adapters.Printer{Device: docs, DPI: opts.DPI},
		Slips:       &adapters.Slip{Printer: &slipFiles{dev: slipDev, sim: slipSim, dir: d.SlipsDir}, Lines: lines},
		Cashbox:     d.Cashbox,
		Outbox:      &adapters.Outbox{Box: ob, Guard: d.guard},
		Journal:     &adapters.Journal{J: ob.Journal(), Log: opts.Log},
		Clock:       kiosk.SystemClock{},
		Display:     opts.Display,
		Speaker:     opts.Speaker,
	}
	if ports.Display == nil {
		ports.Display = nopDisplay{}
	}
	if ports.Speaker == nil {
		ports.Speaker = nopSpeaker{}
	}
	if d.Runner, err = kiosk.NewRunner(cfg, ports); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

type nopDisplay struct{}

func (nopDisplay) Render(kiosk.View) {}

type nopSpeaker struct{}

func (nopSpeaker) Cue(string) {}

// KeysFile is where the demo writes the municipalities' document keys (kioskctl verify -keys).
func (d *Demo) KeysFile() string { return filepath.Join(d.opts.Dir, "document-keys.json") }

// ServiceTime returns a time at which the demo center serves every certificate type: now when
// now is a weekday between 8:30 and 17:00 JST, else 10:00 JST on the next weekday. The kiosk's
// own clock stays real; only the center's is moved.
func ServiceTime(now time.Time) time.Time {
	jst := time.FixedZone("JST", 9*3600)
	t := now.In(jst)
	min := t.Hour()*60 + t.Minute()
	weekday := t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
	closedDays := (t.Month() == 12 && t.Day() >= 29) || (t.Month() == 1 && t.Day() <= 3)
	if weekday && !closedDays && min >= 510 && min < 1020 {
		return now
	}
	next := time.Date(t.Year(), t.Month(), t.Day(), 10, 0, 0, 0, jst)
	if min >= 600 {
		next = next.AddDate(0, 0, 1)
	}
	for next.Weekday() == time.Saturday || next.Weekday() == time.Sunday ||
		(next.Month() == 12 && next.Day() >= 29) || (next.Month() == 1 && next.Day() <= 3) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// Run runs the kiosk until ctx ends: the session machine, the outbox sender, and in PC/SC mode
// the reader monitor that turns cards coming and going into events.
func (d *Demo) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := d.Outbox.Run(ctx, adapters.Deliverer{Client: d.client},
			outbox.SendOptions{MinBackoff: 200 * time.Millisecond, MaxBackoff: 10 * time.Second}); err != nil && ctx.Err() == nil {
			d.opts.Log.Warn("outbox sender stopped", "err", err)
		}
	}()
	wg.Add(1)
	go func() { defer wg.Done(); d.guard.Run(ctx) }()
	if d.opts.PCSC {
		wg.Add(1)
		go func() { defer wg.Done(); d.monitor(ctx) }()
	}
	err := d.Runner.Run(ctx)
	cancel()
	wg.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// monitor forwards the vpcd reader's card events to the machine (unless a script drives them).
func (d *Demo) monitor(ctx context.Context) {
	events := make(chan card.Event, 16)
	go (&card.Monitor{Poll: 250 * time.Millisecond}).Run(ctx, events)
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-events:
			if e.Reader != vpcdReader {
				continue
			}
			d.mu.Lock()
			scripted := d.scripted
			d.mu.Unlock()
			switch e.Kind {
			case card.CardInserted:
				if !scripted {
					d.Runner.Send(kiosk.CardPlaced{})
				}
			case card.CardRemoved:
				d.cardAd.Drop()
				if !scripted {
					d.Runner.Send(kiosk.CardRemoved{})
				}
			}
		}
	}
}

const vpcdReader = "Virtual PCD 00 00"

// connect is the card adapter's Connect: the card on the reader now.
func (d *Demo) connect(ctx context.Context) (adapters.CardConn, error) {
	if d.opts.PCSC {
		c, err := card.Connect(vpcdReader)
		if errors.Is(err, card.ErrNoCard) {
			return nil, adapters.NoCard(err)
		}
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.tr == nil {
		return nil, adapters.NoCard(errors.New("demo reader is empty"))
	}
	return inProcess{d.tr}, nil
}

type inProcess struct{ *jpkisim.Transport }

func (inProcess) Close() error { return nil }

// Residents lists the demo residents a card can be placed for, with the case each shows.
func (d *Demo) Residents() ([]server.ResidentCase, error) {
	rs, err := d.Center.Residents()
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs, err
}

// cardFor returns the resident's simulated card, made on first use; its PIN counters live as
// long as the demo.
func (d *Demo) cardFor(id string) (*jpkisim.Card, error) {
	if c, ok := d.profile[id]; ok {
		return c, nil
	}
	p, err := d.Center.CardProfile(id)
	if err != nil {
		return nil, err
	}
	c, err := jpkisim.New(p, nil)
	if err != nil {
		return nil, err
	}
	d.profile[id] = c
	return c, nil
}

// PlaceResident puts resident id's card on the reader (and, unless a script drives the
// machine, tells it).
func (d *Demo) PlaceResident(id string) error {
	d.mu.Lock()
	c, err := d.cardFor(id)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	d.current = id
	if d.opts.PCSC {
		if d.stopLnk != nil {
			d.stopLnk()
		}
		ctx, cancel := context.WithCancel(context.Background())
		d.link, d.stopLnk = jpkisim.NewLink(jpkisim.DefaultVPCD, c), cancel
		go d.link.Run(ctx)
		d.mu.Unlock()
		return waitPresent(true)
	}
	d.tr = jpkisim.NewTransport(c)
	scripted := d.scripted
	d.mu.Unlock()
	if !scripted {
		d.Runner.Send(kiosk.CardPlaced{})
	}
	return nil
}

func waitPresent(want bool) error {
	for i := 0; i < 100; i++ {
		if got, err := card.Present(vpcdReader); err == nil && got == want {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("demo: the virtual reader did not see the card %s", map[bool]string{true: "arrive", false: "leave"}[want])
}

// RemoveCard takes the card off the reader.
func (d *Demo) RemoveCard() {
	d.mu.Lock()
	scripted := d.scripted
	if d.opts.PCSC {
		if d.stopLnk != nil {
			d.stopLnk()
			d.stopLnk, d.link = nil, nil
		}
		d.mu.Unlock()
		waitPresent(false)
		return
	}
	if d.tr != nil {
		d.tr.Remove()
	}
	d.tr = nil
	d.mu.Unlock()
	d.cardAd.Drop()
	if !scripted {
		d.Runner.Send(kiosk.CardRemoved{})
	}
}

// InsertCoin puts a coin or bill into the simulated cashbox.
func (d *Demo) InsertCoin(yen int) {
	d.Runner.Send(d.Cashbox.Insert(yen))
}

// scriptDevices is kiosk.Devices for a script: the script itself sends the card and money
// events, the devices only act.
type scriptDevices struct{ d *Demo }

func (s scriptDevices) PlaceCard() {
	if err := s.d.PlaceResident(s.d.residentOrDefault()); err != nil {
		s.d.opts.Log.Error("place card", "err", err)
	}
}
func (s scriptDevices) RemoveCard()                  { s.d.RemoveCard() }
func (s scriptDevices) Insert(yen int) kiosk.MoneyIn { return s.d.Cashbox.Insert(yen) }

func (d *Demo) residentOrDefault() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.current == "" {
		return DefaultResident
	}
	return d.current
}

// Play runs a script (kiosk.ParseScript's format) against the running demo; w must be the
// Runner's Display.
func (d *Demo) Play(ctx context.Context, w *kiosk.Watcher, steps []kiosk.ScriptStep, expectWithin time.Duration) error {
	d.mu.Lock()
	d.scripted = true
	d.mu.Unlock()
	return kiosk.Play(ctx, d.Runner, w, steps, scriptDevices{d}, nil, expectWithin)
}

// Close stops the center and closes the outbox.
func (d *Demo) Close() error {
	d.mu.Lock()
	if d.stopLnk != nil {
		d.stopLnk()
	}
	d.mu.Unlock()
	var errs []error
	if d.client != nil {
		d.client.Close()
	}
	if d.Outbox != nil {
		errs = append(errs, d.Outbox.Close())
	}
	if d.Center != nil {
		errs = append(errs, d.Center.Close())
	}
	return errors.Join(errs...)
}

// slipFiles prints on the ESC/POS simulator and keeps each slip as a PNG, so a demo shows its
// receipts.
type slipFiles struct {
	dev *escpos.Dev
	sim *escpossim.Printer
	dir string
	n   int
}

func (s *slipFiles) PrintText(ctx context.Context, lines []string, pt float64) error {
	if err := s.dev.PrintText(ctx, lines, pt); err != nil {
		return err
	}
	s.n++
	f, err := os.Create(filepath.Join(s.dir, fmt.Sprintf("slip-%03d.png", s.n)))
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, s.sim.Tear())
}
