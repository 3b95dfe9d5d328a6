// Package kiosksuite builds the kiosk's self-test suite from its configuration file: which
// checks run, on which files, lines and addresses, and which belong to the boot subset. Both
// `kioskctl selftest` and the kiosk's boot check use it, so they test the same things.
//
// Adding a check is one line in New (see the card reader and printer note there).
//
// It may import drivers and the configuration; it must never import the session machine or the UI.
package kiosksuite

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"certkiosk/assets"
	"certkiosk/hw/audio"
	"certkiosk/hw/panel"
	"certkiosk/hw/panel/keypad"
	"certkiosk/hw/selftest"
	"certkiosk/kiosk/config"
	"periph.io/x/conn/v3/gpio"
)

// DefaultConfigPath is where a terminal keeps its configuration.
const DefaultConfigPath = "/etc/certkiosk/kiosk.toml"

// Options are the suite's outside dependencies; zero values mean the real ones.
type Options struct {
	ConfigPath string                                // default DefaultConfigPath
	OpenLine   func(name string) (gpio.PinIO, error) // default panel.Open
	Getenv     func(string) string                   // default os.Getenv (for DISPLAY)
	// CertMinDays fails the device certificate this many days before expiry; default 30.
	CertMinDays int
	// Play plays a WAV file on the sound card; default hw/audio's card.
	Play func(wav []byte) error
	// KeypadPrompt, when set, adds the interactive keypad test (never part of the boot subset):
	// it is called with each key the technician must press next.
	KeypadPrompt func(keypad.Key)
}

// New loads the configuration and returns the suite. A configuration that does not load is the
// failing "config" check; the checks that need no configuration still run after it.
func New(o Options) *selftest.Suite {
	if o.ConfigPath == "" {
		o.ConfigPath = DefaultConfigPath
	}
	if o.OpenLine == nil {
		o.OpenLine = panel.Open
	}
	if o.CertMinDays == 0 {
		o.CertMinDays = 30
	}
	if o.Play == nil {
		o.Play = audio.Open().Play
	}
	s := &selftest.Suite{Config: selftest.ConfigInfo{Path: o.ConfigPath}}
	cfg, err := config.Load(o.ConfigPath)
	s.Add(selftest.Func("config", func(context.Context) selftest.Result {
		if err != nil {
			return selftest.Fail("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		return selftest.Pass("%s sha256 %s kiosk %s demo=%v", cfg.Source.Path, cfg.Source.SHA256, cfg.KioskID, cfg.Demo)
	}), selftest.Boot)

	clock := selftest.Clock{}
	if t, ok := selftest.ReadBuild().BuildTime(); ok {
		clock.NotBefore = t
	}
	s.Add(clock, selftest.Boot)
	s.Add(selftest.Display{Getenv: o.Getenv}, selftest.Boot)
	if err != nil {
		return s
	}
	s.Config.SHA256, s.Config.KioskID = cfg.Source.SHA256, cfg.KioskID

	st := cfg.Storage
	s.Add(selftest.Storage{Dir: existingDir(st.Outbox), MinFree: uint64(st.MinFreeMB) << 20}, selftest.Boot)
	s.Add(selftest.BoltFile{Label: "outbox", Path: st.Outbox}, selftest.Boot)

	if cfg.Center.URL != "" {
		s.Add(selftest.DeviceCert{File: cfg.Center.CertFile, MinDays: o.CertMinDays}, selftest.Boot)
		s.Add(centerCheck(cfg.Center), selftest.Boot, selftest.Timeout(cfg.Center.Timeout))
	}
	s.Add(gpioCheck(cfg.GPIO, o.OpenLine), selftest.Boot)
	if o.KeypadPrompt != nil {
		s.Add(keypadCheck(cfg.GPIO, o.OpenLine, o.KeypadPrompt), selftest.Timeout(2*time.Minute))
	}

	if !cfg.Demo { // the demo's cards are simulated in process; its sound is best effort
		s.Add(cardCheck(cfg.Card), selftest.Boot, selftest.Timeout(10*time.Second))
		// Not a boot check: a kiosk without sound still serves, with the buzzer.
		s.Add(soundCheck(cfg.Sound, o.Play), selftest.Timeout(15*time.Second))
	}
	s.Add(documentPrinterCheck(cfg.Printer.Document), selftest.Boot, selftest.Timeout(10*time.Second))
	s.Add(receiptPrinterCheck(cfg.Printer.Receipt), selftest.Boot, selftest.Timeout(10*time.Second))
	return s
}

// existingDir is the directory that will hold path, or its nearest existing ancestor when the
// kiosk has not created it yet (the free space is the same filesystem's).
func existingDir(path string) string {
	d := filepath.Dir(path)
	for {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return d
		}
		d = up
	}
}

func centerCheck(c config.Center) selftest.Check {
	return selftest.Func("center", func(ctx context.Context) selftest.Result {
		cfg, err := clientTLS(c)
		if err != nil {
			return selftest.Fail("%v", err)
		}
		return selftest.Center{URL: c.URL, TLS: cfg}.Run(ctx)
	})
}

// clientTLS is the kiosk's mutual-TLS client configuration: the pinned center CA and the device
// certificate. The error names the file, never its content.
func clientTLS(c config.Center) (*tls.Config, error) {
	ca, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, fmt.Errorf("center CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("center CA %s: no PEM certificate", c.CAFile)
	}
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("device certificate %s with its key: %w", c.CertFile, err)
	}
	return &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

func gpioCheck(g config.GPIO, open func(string) (gpio.PinIO, error)) selftest.Check {
	return selftest.Func("gpio", func(ctx context.Context) selftest.Result {
		check := selftest.GPIO{Missing: map[string]error{}}
		activeLow := func(line string) bool { return !slices.Contains(g.ActiveHigh, line) }
		get := func(key, line string) gpio.PinIO {
			if line == "" {
				return nil
			}
			p, err := open(line)
			if err != nil {
				check.Missing["gpio."+key] = err
				return nil
			}
			return p
		}
		out := func(key, line string, rest gpio.Level) {
			if p := get(key, line); p != nil {
				check.Outputs = append(check.Outputs, selftest.Output{Name: key, Pin: p, Rest: rest})
			}
		}
		in := func(key, line string) {
			p := get(key, line)
			if p == nil {
				return
			}
			pull := gpio.PullUp
			if !activeLow(line) {
				pull = gpio.PullDown
			}
			if err := p.In(pull, gpio.NoEdge); err != nil {
				check.Missing["gpio."+key] = fmt.Errorf("configure %s as input: %w", line, err)
				return
			}
			check.Inputs = append(check.Inputs, selftest.Input{Name: key, Pin: p})
		}
		out("card_led", g.CardLED, panel.Level(activeLow(g.CardLED), false))
		out("buzzer", g.Buzzer, panel.Level(activeLow(g.Buzzer), false))
		for i, l := range g.KeypadRows {
			out(fmt.Sprintf("keypad_rows[%d]", i), l, gpio.High)
		}
		in("card_sensor", g.CardSensor)
		in("maintenance_key", g.MaintenanceKey)
		in("paper_sensor", g.PaperSensor)
		in("door_sensor", g.DoorSensor)
		in("tray_sensor", g.TraySensor)
		in("coin", g.Coin)
		for i, l := range g.KeypadCols {
			in(fmt.Sprintf("keypad_cols[%d]", i), l)
		}
		return check.Run(ctx)
	})
}

func keypadCheck(g config.GPIO, open func(string) (gpio.PinIO, error), prompt func(keypad.Key)) selftest.Check {
	return selftest.Func("keypad", func(ctx context.Context) selftest.Result {
		if len(g.KeypadRows) == 0 {
			return selftest.Skip("no keypad configured")
		}
		var pins keypad.Pins
		for i, l := range g.KeypadRows {
			p, err := open(l)
			if err != nil {
				return selftest.Fail("gpio.keypad_rows[%d]: %v", i, err)
			}
			pins.Rows[i] = p
		}
		for i, l := range g.KeypadCols {
			p, err := open(l)
			if err != nil {
				return selftest.Fail("gpio.keypad_cols[%d]: %v", i, err)
			}
			pins.Cols[i] = p
		}
		pad, err := keypad.New(pins, nil)
		if err != nil {
			return selftest.Fail("%v", err)
		}
		defer pad.Halt()
		return selftest.KeypadPress{Events: pad.Events(), Prompt: prompt}.Run(ctx)
	})
}

// ErrFailed is wrapped by Run's error when a check failed.
var ErrFailed = errors.New("self-test failed")

// Run runs the suite (the boot subset if quick) and returns the report, and an error wrapping
// ErrFailed that lists the failed checks when any failed.
func Run(ctx context.Context, s *selftest.Suite, quick bool) (*selftest.Report, error) {
	r := s.Run(ctx, quick)
	if r.Failed {
		return r, fmt.Errorf("%w: %s", ErrFailed, strings.Join(r.FailedChecks(), "; "))
	}
	return r, nil
}

// MaintenanceChecks are the checks the technician's screens run on demand, from the
// configuration: the center (reachability and mutual TLS), the device certificate and the card
// reader. A part the configuration does not have is nil.
func MaintenanceChecks(cfg *config.Config, certMinDays int) (center, device, reader selftest.Check) {
	if certMinDays == 0 {
		certMinDays = 30
	}
	if cfg.Center.URL != "" {
		center = centerCheck(cfg.Center)
		device = selftest.DeviceCert{File: cfg.Center.CertFile, MinDays: certMinDays}
	}
	if !cfg.Demo {
		reader = cardCheck(cfg.Card)
	}
	return center, device, reader
}

// soundWAV is what the sound check plays: the spoken card reminder, so the vendor hears the
// whole path, speech included.
const soundWAV = "ja/cue.take_card.wav"

// soundCheck plays a bundled recording on the sound card. It passes when the card took it all;
// whether it was heard is for the person running the test.
func soundCheck(c config.Sound, play func([]byte) error) selftest.Check {
	return selftest.Func("sound", func(context.Context) selftest.Result {
		if !c.Speaker {
			return selftest.Skip("no speaker fitted (sound.speaker = false)")
		}
		wav, err := fs.ReadFile(assets.Sounds, path.Join(assets.SoundsDir, soundWAV))
		if err != nil {
			return selftest.Fail("bundled recording %s: %v", soundWAV, err)
		}
		start := time.Now()
		if err := play(wav); err != nil {
			return selftest.Fail("%v", err)
		}
		return selftest.Pass("played %s (%v) on ALSA's default device: listen for the card reminder",
			soundWAV, time.Since(start).Round(10*time.Millisecond))
	})
}
