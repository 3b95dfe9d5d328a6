package selftest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

var ctx = context.Background()

func expect(t *testing.T, r Result, pass, skip bool, detail string) {
	t.Helper()
	if r.Pass != pass || r.Skipped != skip || !strings.Contains(r.Details, detail) {
		t.Errorf("result %+v, want pass=%v skip=%v details containing %q", r, pass, skip, detail)
	}
}

func TestStorage(t *testing.T) {
	dir := t.TempDir()
	expect(t, Storage{Dir: dir}.Run(ctx), true, false, "fsync")
	expect(t, Storage{Dir: dir, MinFree: 1 << 62}.Run(ctx), false, false, "below the")
	expect(t, Storage{Dir: dir, MaxFsync: time.Nanosecond}.Run(ctx), false, false, "slower than")
	expect(t, Storage{Dir: filepath.Join(dir, "nope")}.Run(ctx), false, false, "statfs")
	if left, _ := filepath.Glob(filepath.Join(dir, ".selftest-*")); len(left) != 0 {
		t.Errorf("test files left behind: %v", left)
	}
}

func TestBoltFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "outbox.db")
	expect(t, BoltFile{Label: "outbox", Path: p}.Run(ctx), true, true, "does not exist")

	db, err := bolt.Open(p, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("records"))
		if err != nil {
			return err
		}
		for i := range 500 {
			if err := b.Put([]byte{byte(i >> 8), byte(i)}, make([]byte, 300)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Held open read-write, as by the running kiosk.
	expect(t, BoltFile{Label: "outbox", Path: p, Lock: 100 * time.Millisecond}.Run(ctx), true, true, "locked")
	db.Close()
	expect(t, BoltFile{Label: "outbox", Path: p}.Run(ctx), true, false, "consistent")

	// Corrupt a data page: the meta pages stay valid, the tree walk must notice.
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	pageSize := os.Getpagesize()
	for i := 2 * pageSize; i < len(b) && i < 6*pageSize; i++ {
		b[i] = 0xff
	}
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := (BoltFile{Label: "outbox", Path: bad}).Run(ctx); r.Pass {
		t.Errorf("corrupt file passed: %+v", r)
	}
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("not a bolt file", 1000)), 0o600)
	expect(t, BoltFile{Label: "journal", Path: garbage}.Run(ctx), false, false, "open")
}

func TestClock(t *testing.T) {
	at := func(s string) func() time.Time {
		return func() time.Time { tt, _ := time.Parse(time.RFC3339, s); return tt }
	}
	built, _ := time.Parse(time.RFC3339, "2026-06-01T00:00:00Z")
	expect(t, Clock{Now: at("2026-11-22T10:00:00Z"), NotBefore: built}.Run(ctx), true, false, "2026-11-22")
	expect(t, Clock{Now: at("1970-01-01T00:00:10Z")}.Run(ctx), false, false, "outside 2025-2100")
	expect(t, Clock{Now: at("2026-01-01T00:00:00Z"), NotBefore: built}.Run(ctx), false, false, "before the build time")
}

type recPin struct {
	*gpiotest.Pin
	mu  sync.Mutex
	log []gpio.Level
}

func (p *recPin) Out(l gpio.Level) error {
	p.mu.Lock()
	p.log = append(p.log, l)
	p.mu.Unlock()
	return p.Pin.Out(l)
}

func TestGPIO(t *testing.T) {
	led := &recPin{Pin: &gpiotest.Pin{N: "LED"}}
	row := &recPin{Pin: &gpiotest.Pin{N: "ROW0"}}
	door := &gpiotest.Pin{N: "DOOR", L: gpio.Low}
	g := GPIO{
		Outputs: []Output{{"card_led", led, gpio.Low}, {"keypad_rows[0]", row, gpio.High}},
		Inputs:  []Input{{"door_sensor", door}},
		Pulse:   time.Millisecond,
	}
	expect(t, g.Run(ctx), true, false, "card_led toggled; keypad_rows[0] toggled; door_sensor=Low")
	if !equalLevels(led.log, gpio.High, gpio.Low) || !equalLevels(row.log, gpio.Low, gpio.High) {
		t.Errorf("toggles: led %v row %v", led.log, row.log)
	}
	g.Missing = map[string]error{"coin": os.ErrNotExist}
	expect(t, g.Run(ctx), false, false, "coin: file does not exist")
	expect(t, GPIO{}.Run(ctx), true, true, "no GPIO")
}

func equalLevels(got []gpio.Level, want ...gpio.Level) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestDisplay(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	expect(t, Display{Getenv: env("")}.Run(ctx), true, true, "headless")
	dir := t.TempDir()
	expect(t, Display{Getenv: env(":7"), SocketDir: dir}.Run(ctx), false, false, "no X server")
	l, err := net.Listen("unix", filepath.Join(dir, "X7"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	expect(t, Display{Getenv: env(":7.0"), SocketDir: dir}.Run(ctx), true, false, "X server at")
	expect(t, Display{Getenv: env("seven")}.Run(ctx), false, false, "no ':'")
}

// testCert makes a self-signed certificate valid from nb to na.
func testCert(t *testing.T, cn string, nb, na time.Time) (tls.Certificate, []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: cn},
		NotBefore: nb, NotAfter: na, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IsCA:        true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}, pemBytes
}

func TestDeviceCert(t *testing.T) {
	now := time.Now()
	_, p := testCert(t, "kiosk-T-1", now.Add(-time.Hour), now.Add(40*24*time.Hour))
	f := filepath.Join(t.TempDir(), "device.pem")
	os.WriteFile(f, p, 0o600)
	expect(t, DeviceCert{File: f, MinDays: 30}.Run(ctx), true, false, "kiosk-T-1")
	expect(t, DeviceCert{File: f, MinDays: 60}.Run(ctx), false, false, "fewer than 60")
	later := func() time.Time { return now.Add(50 * 24 * time.Hour) }
	expect(t, DeviceCert{File: f, MinDays: 1, Now: later}.Run(ctx), false, false, "expired")
	os.WriteFile(f, []byte("not pem"), 0o600)
	expect(t, DeviceCert{File: f}.Run(ctx), false, false, "no PEM")
	expect(t, DeviceCert{File: filepath.Join(t.TempDir(), "none.pem")}.Run(ctx), false, false, "read device certificate")
}

func TestCenterReachableWithMutualTLS(t *testing.T) {
	now := time.Now()
	srvCert, srvPEM := testCert(t, "center", now.Add(-time.Hour), now.Add(365*24*time.Hour))
	devCert, devPEM := testCert(t, "kiosk-T-1", now.Add(-time.Hour), now.Add(365*24*time.Hour))
	clientCAs := x509.NewCertPool()
	clientCAs.AppendCertsFromPEM(devPEM)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{srvCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(srvPEM)
	url := "https://" + srv.Listener.Addr().String() + "/"

	good := &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{devCert}}
	expect(t, Center{URL: url, TLS: good}.Run(ctx), true, false, "handshake")

	noClient := &tls.Config{RootCAs: roots}
	expect(t, Center{URL: url, TLS: noClient}.Run(ctx), false, false, "device certificate not accepted")

	wrongCA := &tls.Config{RootCAs: x509.NewCertPool(), Certificates: []tls.Certificate{devCert}}
	expect(t, Center{URL: url, TLS: wrongCA}.Run(ctx), false, false, "certificate")

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	expect(t, Center{URL: "https://" + closed + "/", TLS: good}.Run(ctx), false, false, "refused")
}
