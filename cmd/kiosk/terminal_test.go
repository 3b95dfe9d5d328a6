package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"certkiosk/hw/card/jpkisim"
	"certkiosk/hw/card/pcsctest"
	"certkiosk/hw/panel/led"
	"certkiosk/hw/printer/escpos/escpossim"
	"certkiosk/hw/printer/ipp/ipptest"
	"certkiosk/kiosk"
	"certkiosk/kiosk/center/server/centertest"
	"certkiosk/kiosk/config"
)

// TestTerminalIssuance runs the firmware as a terminal runs it, from a configuration file, on
// real protocol peers: the reference center over mutual TLS, a card read through pcscd, CUPS's
// ippeveprinter, an ESC/POS printer on a pseudo-terminal, a pulse coin acceptor and a
// maintenance key on GPIO lines (periph test pins registered under the configured names).
func TestTerminalIssuance(t *testing.T) {
	env := pcsctest.Start(t)
	c := centertest.Start(t)
	dir := t.TempDir()
	kf, err := c.Server.KioskCredentials("T-E2E-1")
	if err != nil {
		t.Fatal(err)
	}
	files, err := kf.Files()
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ipp := ipptest.StartPrinter(t, ipptest.Options{})
	slips := escpossim.New()
	tty, stopTTY, err := slips.ServePTY()
	if err != nil {
		t.Fatal(err)
	}
	defer stopTTY()
	key := &gpiotest.Pin{N: "CKT-MKEY", L: gpio.High, EdgesChan: make(chan gpio.Level)}
	coinPin := &gpiotest.Pin{N: "CKT-COIN", L: gpio.High, EdgesChan: make(chan gpio.Level)}
	cardLED := &gpiotest.Pin{N: "CKT-LED"}
	trayPin := &gpiotest.Pin{N: "CKT-TRAY", L: gpio.High, EdgesChan: make(chan gpio.Level)} // High: empty
	for _, p := range []gpio.PinIO{key, coinPin, cardLED, trayPin} {
		if err := gpioreg.Register(p); err != nil {
			t.Fatal(err)
		}
	}
	defer gpioreg.Unregister("CKT-MKEY")
	defer gpioreg.Unregister("CKT-COIN")
	defer gpioreg.Unregister("CKT-LED")
	defer gpioreg.Unregister("CKT-TRAY")
	hash, err := config.HashTechnicianCredential("a technician credential made for this test")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	cfgPath := filepath.Join(dir, "kiosk.toml")
	toml := fmt.Sprintf(`kiosk_id = "T-E2E-1"
languages = ["ja", "en"]
[center]
url = %q
ca_file = %q
cert_file = %q
key_file = %q
document_keys = %q
[card]
reader = "Virtual PCD 00 00"
[printer.document]
url = %q
[printer.receipt]
device = %q
baud = 19200
[gpio]
maintenance_key = "CKT-MKEY"
coin = "CKT-COIN"
card_led = "CKT-LED"
tray_sensor = "CKT-TRAY"
active_high = ["CKT-LED"]
[coin]
yen_per_pulse = 100
accept = [100, 500]
[storage]
outbox = %q
[metrics]
listen = %q
[maintenance]
technician_hash = %q
`, c.URL, filepath.Join(dir, "center-ca.crt"), filepath.Join(dir, "kiosk.crt"), filepath.Join(dir, "kiosk.key"),
		filepath.Join(dir, "document-keys.json"), ipp.URI, tty, filepath.Join(dir, "outbox.db"), metricsAddr, hash)
	if err := os.WriteFile(cfgPath, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	w := &kiosk.Watcher{}
	term, err := buildTerminal(cfg, w, nopSpeaker{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- term.run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	play := func(script string) {
		t.Helper()
		steps, err := kiosk.ParseScript(strings.NewReader(script))
		if err != nil {
			t.Fatal(err)
		}
		pctx, pcancel := context.WithTimeout(ctx, 3*time.Minute)
		defer pcancel()
		if err := kiosk.Play(pctx, term.runner, w, steps, nil, nil, 60*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	pulses := func(p *gpiotest.Pin, n int) {
		for range n {
			p.EdgesChan <- gpio.Low
			time.Sleep(50 * time.Millisecond)
			p.EdgesChan <- gpio.High
			time.Sleep(60 * time.Millisecond)
		}
	}

	play("expect idle\ntap start\nexpect choose_language\ntap language ja\ntap agree\ntap service certificates\nexpect place_card\n")
	sim, err := jpkisim.New(c.Card(t, "r101"), nil)
	if err != nil {
		t.Fatal(err)
	}
	link := env.Plug(t, sim, 0) // the reader reports the card: no script step sends it
	play("expect enter_pin\n")
	// The card-slot LED is steady while the card must stay on the reader (the observer that
	// sets it runs right after the screen is drawn).
	for i := 0; term.cardLED.Mode() != led.On || cardLED.Read() != gpio.High; i++ {
		if i == 100 {
			t.Fatalf("card LED %s, line %s on the PIN screen; want steady on", term.cardLED.Mode(), cardLED.Read())
		}
		time.Sleep(20 * time.Millisecond)
	}
	play("pin 1234\nexpect take_card_back\n")
	link.Remove()
	play("expect menu\ntap issue\ntap type juminhyo\nexpect choose_options\ntap next\nexpect choose_members\ntap next\n" +
		"expect choose_copies\ntap next\nexpect confirm\ntap confirm\nexpect pay\n")
	// A 200-yen payment as the acceptor reports it: two 100-yen coins, one pulse train each.
	pulses(coinPin, 1)
	time.Sleep(500 * time.Millisecond)
	pulses(coinPin, 1)
	// The certificates land in the output tray and are taken: the tray sensor moves the
	// session on to the receipt question, with no tap.
	play("expect take_certificates\n")
	trayPin.EdgesChan <- gpio.Low
	time.Sleep(300 * time.Millisecond)
	trayPin.EdgesChan <- gpio.High
	play("expect receipt\ntap receipt\nexpect idle\n")

	if f := ipp.JobFile(t, "1"); f == "" {
		t.Fatal("no job reached the printer")
	}
	for i := 0; slips.Cuts() == 0; i++ {
		if i == 100 {
			t.Fatal("no receipt was cut")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The fleet sees the session on the metrics endpoint, with no personal data in it.
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"certkiosk_copies_printed_total 1", "certkiosk_payments_yen_total 200"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(string(body), "山田") {
		t.Error("metrics carry a resident's name")
	}
	// The technician's key takes the kiosk out of the resident flows.
	key.EdgesChan <- gpio.Low
	play("expect maintenance\n")
	// kioskctl's endpoint: the status of this terminal's real parts (center over mutual TLS,
	// IPP printer, ESC/POS printer on the pty, outbox), and a test page through ippeveprinter.
	for _, c := range []struct{ method, action, want string }{
		{"GET", "status", `"label":"center","code":"ok"`},
		{"GET", "status", `"label":"outbox_pending"`},
		{"GET", "config", `technician_hash = \"(set, not shown)\"`},
		{"POST", "test_page", `"code":"printed"`},
	} {
		req, _ := http.NewRequest(c.method, "http://"+metricsAddr+"/maintenance/"+c.action, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), c.want) {
			t.Errorf("%s %s: %s %s, want %s", c.method, c.action, resp.Status, body, c.want)
		}
		if strings.Contains(string(body), "山田") || strings.Contains(string(body), "BEGIN") {
			t.Errorf("%s carries personal data or key material: %s", c.action, body)
		}
	}
}
