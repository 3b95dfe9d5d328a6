package kiosksuite

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"certkiosk/hw/panel/keypad"
	"certkiosk/hw/selftest"
	"certkiosk/kiosk/config"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func noDisplay(string) string { return "" }

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func names(r *selftest.Report) []string {
	var n []string
	for _, c := range r.Checks {
		n = append(n, c.Name)
	}
	return n
}

func byName(r *selftest.Report, name string) selftest.CheckReport {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return selftest.CheckReport{Name: "missing " + name}
}

func TestDemoConfigPasses(t *testing.T) {
	dir := t.TempDir()
	cfg := write(t, dir, "demo.toml", fmt.Sprintf("kiosk_id = \"D1\"\ndemo = true\n[printer.document]\ndir = %q\n[storage]\noutbox = %q\nmin_free_mb = 1\n",
		dir, filepath.Join(dir, "state", "outbox.db")))
	r, err := Run(context.Background(), New(Options{ConfigPath: cfg, Getenv: noDisplay}), false)
	if err != nil {
		t.Fatalf("%v\n%+v", err, r.Checks)
	}
	want := []string{"config", "clock", "display", "storage", "bbolt-outbox", "gpio", "document-printer", "receipt-printer"}
	if !reflect.DeepEqual(names(r), want) {
		t.Errorf("checks %v, want %v", names(r), want)
	}
	if r.Config.KioskID != "D1" || len(r.Config.SHA256) != 64 || r.Config.Path != cfg {
		t.Errorf("report config %+v", r.Config)
	}
	if s := byName(r, "storage"); !strings.Contains(s.Details, dir) {
		t.Errorf("storage checked %q, want the nearest existing parent %s", s.Details, dir)
	}
}

func TestBadConfigFailsAndStillChecksTheRest(t *testing.T) {
	cfg := write(t, t.TempDir(), "bad.toml", "kiosk_id = \"D1\"\ndemo = true\n[printer.document]\ndir = \"x\"\nurl = \"ftp://p/\"\n")
	r, err := Run(context.Background(), New(Options{ConfigPath: cfg, Getenv: noDisplay}), true)
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("Run = %v, want ErrFailed", err)
	}
	if !reflect.DeepEqual(names(r), []string{"config", "clock", "display"}) {
		t.Errorf("checks %v", names(r))
	}
	if c := byName(r, "config"); c.Pass || !strings.Contains(c.Details, "printer.document: both url and dir set") {
		t.Errorf("config check %+v", c)
	}
	if !strings.Contains(err.Error(), "config: ") {
		t.Errorf("error %q does not name the failed check", err)
	}
}

func newCert(t *testing.T, cn string, days int) (certPEM, keyPEM []byte) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Duration(days) * 24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(k)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

func TestTerminalConfig(t *testing.T) {
	dir := t.TempDir()
	srvCert, srvKey := newCert(t, "center", 365)
	devCert, devKey := newCert(t, "kiosk-T-9", 20) // expires within the 30-day margin
	pair, err := tls.X509KeyPair(srvCert, srvKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(devCert)
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()

	hash, err := config.HashTechnicianCredential("a-long-test-credential")
	if err != nil {
		t.Fatal(err)
	}
	cfg := write(t, dir, "kiosk.toml", fmt.Sprintf(`
kiosk_id = "T-9"
[center]
url = "https://%s/"
ca_file = %q
cert_file = %q
key_file = %q
document_keys = "/etc/certkiosk/document-keys.json"
[printer.document]
url = "ipp://127.0.0.1:631/ipp/print"
[printer.receipt]
device = "/dev/ttyUSB0"
[gpio]
card_led = "LED"
buzzer = "BUZ"
maintenance_key = "KEY"
coin = "COIN"
active_high = ["LED"]
[storage]
outbox = %q
min_free_mb = 1
[maintenance]
technician_hash = %q
`, srv.Listener.Addr(), write(t, dir, "ca.pem", string(srvCert)), write(t, dir, "dev.pem", string(devCert)),
		write(t, dir, "dev-key.pem", string(devKey)), filepath.Join(dir, "o.db"), hash))

	pins := map[string]*gpiotest.Pin{"LED": {N: "LED"}, "BUZ": {N: "BUZ"}, "KEY": {N: "KEY"}}
	open := func(name string) (gpio.PinIO, error) {
		if p, ok := pins[name]; ok {
			return p, nil
		}
		return nil, fmt.Errorf("open GPIO line %q: no such line", name)
	}
	var played [][]byte
	play := func(wav []byte) error { played = append(played, wav); return nil }
	suite := New(Options{ConfigPath: cfg, Getenv: noDisplay, OpenLine: open, Play: play})
	if q, _ := Run(context.Background(), suite, true); slices.Contains(names(q), "sound") || len(played) != 0 {
		t.Errorf("the boot subset plays sound: %v", names(q))
	}
	r, err := Run(context.Background(), suite, false)
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("Run = %v, want failures (expiring cert, missing coin line)", err)
	}
	want := []string{"config", "clock", "display", "storage", "bbolt-outbox", "device-cert", "center", "gpio",
		"card-reader", "sound", "document-printer", "receipt-printer"}
	if !reflect.DeepEqual(names(r), want) {
		t.Errorf("checks %v, want %v", names(r), want)
	}
	if c := byName(r, "sound"); !c.Pass || len(played) != 1 || !strings.HasPrefix(string(played[0]), "RIFF") {
		t.Errorf("sound: %+v, played %d files", c, len(played))
	}
	if c := byName(r, "center"); !c.Pass {
		t.Errorf("center: %+v", c)
	}
	if c := byName(r, "device-cert"); c.Pass || !strings.Contains(c.Details, "fewer than 30") {
		t.Errorf("device-cert: %+v", c)
	}
	g := byName(r, "gpio")
	if g.Pass || !strings.Contains(g.Details, `gpio.coin: open GPIO line "COIN"`) || !strings.Contains(g.Details, "card_led toggled") ||
		!strings.Contains(g.Details, "maintenance_key=High") {
		t.Errorf("gpio: %+v", g)
	}
	if pins["LED"].L != gpio.Low || pins["BUZ"].L != gpio.High {
		t.Errorf("outputs not back at rest: LED (active-high) %v, BUZ (active-low) %v", pins["LED"].L, pins["BUZ"].L)
	}
	for _, c := range r.Checks {
		if strings.Contains(c.Details, "PRIVATE KEY") || strings.Contains(c.Details, "pbkdf2") {
			t.Errorf("%s shows a secret: %s", c.Name, c.Details)
		}
	}
}

func TestKeypadCheckWiring(t *testing.T) {
	g := config.GPIO{KeypadRows: []string{"R0", "R1", "R2", "R3"}, KeypadCols: []string{"C0", "C1", "C2"}}
	pins := map[string]*gpiotest.Pin{}
	open := func(name string) (gpio.PinIO, error) {
		if name == "C2" {
			return nil, fmt.Errorf("open GPIO line %q: no such line", name)
		}
		p := &gpiotest.Pin{N: name}
		pins[name] = p
		return p, nil
	}
	var asked []string
	prompt := func(k keypad.Key) { asked = append(asked, k.String()) }

	r := keypadCheck(config.GPIO{}, open, prompt).Run(context.Background())
	if !r.Skipped {
		t.Errorf("no keypad configured: %+v", r)
	}
	r = keypadCheck(g, open, prompt).Run(context.Background())
	if r.Pass || !strings.Contains(r.Details, `gpio.keypad_cols[2]: open GPIO line "C2"`) {
		t.Errorf("missing column line: %+v", r)
	}

	g.KeypadCols[2] = "C3"
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r = keypadCheck(g, open, prompt).Run(ctx)
	if r.Pass || !strings.Contains(r.Details, "no press of 1") || len(asked) != 1 || asked[0] != "1" {
		t.Errorf("nobody pressing: %+v, asked %v", r, asked)
	}
	if pins["R0"].L != gpio.High || pins["C3"].P != gpio.PullUp {
		t.Errorf("lines not set up as a keypad: row0 %v col2 pull %v", pins["R0"].L, pins["C3"].P)
	}
}

func TestSoundCheck(t *testing.T) {
	var played int
	ok := func([]byte) error { played++; return nil }
	if r := soundCheck(config.Sound{Speaker: false}, ok).Run(context.Background()); !r.Skipped || played != 0 {
		t.Errorf("no speaker fitted: %+v, played %d", r, played)
	}
	if r := soundCheck(config.Sound{Speaker: true}, ok).Run(context.Background()); !r.Pass || played != 1 {
		t.Errorf("speaker: %+v, played %d", r, played)
	}
	broken := func([]byte) error { return errors.New("no sound card: oto: ALSA error at snd_pcm_open") }
	if r := soundCheck(config.Sound{Speaker: true}, broken).Run(context.Background()); r.Pass || r.Skipped ||
		!strings.Contains(r.Details, "no sound card") {
		t.Errorf("broken card: %+v", r)
	}
}
