package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// validTOML is a complete production configuration; each case below breaks one thing.
var validTOML = `
kiosk_id = "T-1"
languages = ["ja", "en"]
[center]
url = "https://center.test/"
ca_file = "/etc/ck/ca.pem"
cert_file = "/etc/ck/dev.pem"
key_file = "/etc/ck/dev-key.pem"
document_keys = "/etc/ck/document-keys.json"
[printer.document]
url = "ipp://127.0.0.1:631/ipp/print"
[printer.receipt]
device = "/dev/ttyUSB0"
[gpio]
card_led = "L1"
card_sensor = "S1"
maintenance_key = "K1"
coin = "C1"
keypad_rows = ["R0", "R1", "R2", "R3"]
keypad_cols = ["C0", "X1", "X2"]
[maintenance]
technician_hash = "` + fakeHash() + `"
`

func fakeHash() string {
	salt, key := make([]byte, 16), make([]byte, 32)
	rand.Read(salt)
	rand.Read(key)
	return "pbkdf2-sha256$600000$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + base64.RawStdEncoding.EncodeToString(key)
}

// with returns validTOML with the line starting with old replaced by repl (or repl appended
// under [section] when old is "+section").
func with(t *testing.T, old, repl string) string {
	t.Helper()
	if sec, ok := strings.CutPrefix(old, "+"); ok {
		hdr := "[" + sec + "]\n"
		if !strings.Contains(validTOML, hdr) {
			return validTOML + hdr + repl + "\n"
		}
		return strings.Replace(validTOML, hdr, hdr+repl+"\n", 1)
	}
	lines := strings.Split(validTOML, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, old) {
			lines[i] = repl
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no line starts with %q", old)
	return ""
}

func TestValidConfigAndDefaults(t *testing.T) {
	c, err := Parse([]byte(validTOML))
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeouts.Inactivity != 60*time.Second || c.Printer.Receipt.Baud != 19200 || c.Card.Reader != "*" {
		t.Errorf("defaults not applied: %+v", c)
	}
	if len(c.Source.SHA256) != 64 {
		t.Errorf("Source.SHA256 = %q", c.Source.SHA256)
	}
}

func TestEachProblemNamesItsKey(t *testing.T) {
	for _, c := range []struct{ old, repl, key, problem string }{
		{"kiosk_id", `kiosk_id = ""`, "kiosk_id", "missing"},
		{"kiosk_id", `kiosk_id = "T 1/x"`, "kiosk_id", "not 1-32 letters"},
		{"languages", `languages = []`, "languages", "empty"},
		{"languages", `languages = ["ja", "EN"]`, "languages[1]", "not a language tag"},
		{"languages", `languages = ["ja", "ja"]`, "languages[1]", "listed twice"},
		{"url = \"https://center", `url = "http://center.test/"`, "center.url", "not an https URL"},
		{"url = \"https://center", `url = ""`, "center.url", "missing"},
		{"key_file", ``, "center.key_file", "missing"},
		{"+center", `timeout = "100ms"`, "center.timeout", "outside 1s-5m"},
		{"+card", `reader = " "`, "card.reader", "empty"},
		{"url = \"ipp:", `url = "ftp://printer/"`, "printer.document.url", "not an ipp(s) or http(s) URL"},
		{"url = \"ipp:", `url = "ipp:///no-host"`, "printer.document.url", "not an ipp(s) or http(s) URL"},
		{"url = \"ipp:", `dir = "/tmp/pages"`, "printer.document.dir", "demo mode only"},
		{"+printer.document", `dir = "/tmp/pages"`, "printer.document", "both url and dir"},
		{"url = \"ipp:", ``, "printer.document", "neither url nor dir"},
		{"device", `device = "COM3"`, "printer.receipt.device", "not a /dev path"},
		{"device", ``, "printer.receipt.device", "missing"},
		{"+printer.receipt", `baud = 12345`, "printer.receipt.baud", "not one of"},
		{"card_sensor", `card_sensor = "L1"`, "gpio.card_sensor", `line "L1" is already used by gpio.card_led`},
		{"keypad_rows", `keypad_rows = ["R0", "R1", "R2"]`, "gpio.keypad_rows", "3 lines, want 4"},
		{"keypad_cols", `keypad_cols = ["C0", "X1", ""]`, "gpio.keypad_cols[2]", "empty line name"},
		{"keypad_cols", `keypad_cols = ["C0", "X1", "R0"]`, "gpio.keypad_cols[2]", "already used by gpio.keypad_rows[0]"},
		{"+gpio", `active_high = ["NOPE"]`, "gpio.active_high[0]", `"NOPE" is not assigned`},
		{"card_led", ``, "gpio.card_led", ""}, // control: dropping one line is fine
		{"+coin", `yen_per_pulse = 0`, "coin.yen_per_pulse", "not positive"},
		{"+coin", `accept = []`, "coin.accept", "empty"},
		{"+coin", `accept = [10, 20]`, "coin.accept[1]", "not a Japanese coin"},
		{"+coin", "yen_per_pulse = 50\naccept = [10]", "coin.accept[0]", "not a whole number of 50-yen pulses"},
		{"+coin", `accept = [100, 100]`, "coin.accept[1]", "listed twice"},
		{"+storage", `outbox = "rel/outbox.db"`, "storage.outbox", "not an absolute path"},
		{"+storage", `outbox = ""`, "storage.outbox", "missing"},
		{"+storage", `journal = "/var/lib/certkiosk/journal.db"`, "storage.journal", "unknown key"},
		{"+storage", `outbox_capacity = 0`, "storage.outbox_capacity", "not positive"},
		{"+storage", `journal_capacity = 10`, "storage.journal_capacity", "fewer than 1000"},
		{"+storage", `min_free_mb = -1`, "storage.min_free_mb", "negative"},
		{"+timeouts", "inactivity = \"5s\"\nwarning = \"2s\"", "timeouts.inactivity", "outside 10s-10m"},
		{"+timeouts", `warning = "60s"`, "timeouts.warning", "not shorter than timeouts.inactivity"},
		{"+timeouts", `warning = "0s"`, "timeouts.warning", "not positive"},
		{"+timeouts", `printing = "1h"`, "timeouts.printing", "outside 10s-30m"},
		{"+metrics", `listen = "0.0.0.0:9464"`, "metrics.listen", "not a loopback address"},
		{"+metrics", `listen = "localhost"`, "metrics.listen", "not host:port"},
		{"+metrics", `listen = "[::1]:0"`, "metrics.listen", "not 1-65535"},
		{"technician_hash", `technician_hash = "sha256:abcd"`, "maintenance.technician_hash", "not of the form"},
		{"technician_hash", `technician_hash = "pbkdf2-sha256$1000$` + strings.Repeat("A", 22) + `$` + strings.Repeat("A", 43) + `"`, "maintenance.technician_hash", "iterations"},
		{"technician_hash", `technician_hash = "pbkdf2-sha256$600000$AAAA$` + strings.Repeat("A", 43) + `"`, "maintenance.technician_hash", "salt"},
		{"technician_hash", `technician_hash = "pbkdf2-sha256$600000$` + strings.Repeat("A", 22) + `$AAAA"`, "maintenance.technician_hash", "key is not"},
		{"technician_hash", `technician_hash = "` + ExampleTechnicianHash + `"`, "maintenance.technician_hash", "published example"},
		{"technician_hash", ``, "maintenance.technician_hash", "missing"},
		{"+maintenance", `max_attempts = 0`, "maintenance.max_attempts", "outside 1-10"},
		{"+maintenance", `lockout = "10s"`, "maintenance.lockout", "shorter than 1m"},
	} {
		t.Run(c.key+"/"+c.problem, func(t *testing.T) {
			_, err := Parse([]byte(with(t, c.old, c.repl)))
			if c.problem == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			var p Problems
			if !errors.As(err, &p) || len(p) != 1 {
				t.Fatalf("want exactly one problem, got %v", err)
			}
			if p[0].Key != c.key || !strings.Contains(p[0].Problem, c.problem) {
				t.Errorf("got %q, want key %q with %q", p[0].Error(), c.key, c.problem)
			}
		})
	}
}

func TestSecretNotEchoedInProblem(t *testing.T) {
	bad := `technician_hash = "pbkdf2-sha256$600000$SECRETSALTSECRETSALT00$tooShortKEY"`
	_, err := Parse([]byte(with(t, "technician_hash", bad)))
	if err == nil || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "tooShortKEY") {
		t.Errorf("error %v echoes the hash or is missing", err)
	}
}

func TestUnknownKeysAreErrors(t *testing.T) {
	src := with(t, "+printer.document", `uri = "ipp://x/"`) + "\n[center2]\nurl = \"x\"\n"
	_, err := Parse([]byte(src))
	var p Problems
	if !errors.As(err, &p) {
		t.Fatalf("Parse = %v, want Problems", err)
	}
	var keys []string
	for _, e := range p {
		keys = append(keys, e.Error())
	}
	want := []string{"printer.document.uri: unknown key", "center2: unknown key", "center2.url: unknown key"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("problems %q, want %q", keys, want)
	}
}

func TestSyntaxAndTypeErrors(t *testing.T) {
	for _, src := range []string{
		"kiosk_id = ",
		with(t, "+timeouts", `inactivity = "soon"`),
		with(t, "+printer.receipt", `baud = "fast"`),
	} {
		if _, err := Parse([]byte(src)); err == nil || !strings.Contains(err.Error(), "parse") {
			t.Errorf("Parse(%.40q…) = %v, want a parse error", src, err)
		}
	}
}

func TestDemoNeedsNoCenterPanelOrCredential(t *testing.T) {
	c, err := Parse([]byte("kiosk_id = \"D\"\ndemo = true\n[printer.document]\ndir = \"out\"\n[storage]\noutbox = \"o.db\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo {
		t.Error("demo not set")
	}
}

func TestMaskedHidesSecretsOnly(t *testing.T) {
	c, err := Parse([]byte(validTOML))
	if err != nil {
		t.Fatal(err)
	}
	m := c.Masked()
	if m.Center.KeyFile != Mask || m.Maintenance.TechnicianHash != Mask {
		t.Errorf("secrets shown: key %q hash %q", m.Center.KeyFile, m.Maintenance.TechnicianHash)
	}
	if m.Center.CertFile != c.Center.CertFile || m.KioskID != c.KioskID {
		t.Error("Masked changed non-secret fields")
	}
	if c.Center.KeyFile == Mask {
		t.Error("Masked modified the original")
	}
	m.GPIO.KeypadRows[0] = "changed"
	if c.GPIO.KeypadRows[0] == "changed" {
		t.Error("Masked shares slices with the original")
	}
	out, err := m.TOML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "dev-key.pem") || strings.Contains(out, "pbkdf2") {
		t.Errorf("masked TOML shows a secret:\n%s", out)
	}
	if !strings.Contains(out, `cert_file = "/etc/ck/dev.pem"`) || !strings.Contains(out, "inactivity") {
		t.Errorf("masked TOML lacks settings:\n%s", out)
	}
}

func TestTOMLRoundTrip(t *testing.T) {
	c, err := Parse([]byte(validTOML))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.TOML()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Parse([]byte(out))
	if err != nil {
		t.Fatalf("re-parse of encoded config: %v\n%s", err, out)
	}
	c.Source, c2.Source = Source{}, Source{}
	if !reflect.DeepEqual(c, c2) {
		t.Errorf("round trip changed the config:\n%+v\n%+v", c, c2)
	}
}

func TestExampleConfigs(t *testing.T) {
	demo, err := Load(filepath.Join("..", "..", "assets", "config", "demo.toml"))
	if err != nil {
		t.Fatalf("demo.toml: %v", err)
	}
	if !demo.Demo || demo.Source.Path == "" {
		t.Errorf("demo.toml loaded as %+v", demo)
	}

	// terminal.toml is complete except for its deliberately published credential hash, which
	// must be refused; with a real one it validates.
	path := filepath.Join("..", "..", "assets", "config", "terminal.toml")
	_, err = Load(path)
	var p Problems
	if !errors.As(err, &p) || len(p) != 1 || p[0].Key != "maintenance.technician_hash" {
		t.Fatalf("terminal.toml: %v, want only the example-hash problem", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse([]byte(strings.Replace(string(b), ExampleTechnicianHash, fakeHash(), 1)))
	if err != nil {
		t.Fatalf("terminal.toml with its own hash: %v", err)
	}
	if len(c.GPIO.KeypadRows) != 4 || c.Printer.Document.URL == "" || c.Center.URL == "" {
		t.Errorf("terminal.toml misses parts: %+v", c)
	}
}

func TestTechnicianCredential(t *testing.T) {
	h, err := HashTechnicianCredential("1234-abcd-technician")
	if err != nil {
		t.Fatal(err)
	}
	m := Maintenance{TechnicianHash: h}
	if ok, err := m.CheckTechnicianCredential("1234-abcd-technician"); !ok || err != nil {
		t.Errorf("right credential: %v %v", ok, err)
	}
	if ok, err := m.CheckTechnicianCredential("1234-abcd-technicia"); ok || err != nil {
		t.Errorf("wrong credential: %v %v", ok, err)
	}
	if ok, _ := (Maintenance{TechnicianHash: ExampleTechnicianHash}).CheckTechnicianCredential("example-only-change-me"); !ok {
		t.Error("ExampleTechnicianHash is not the hash of the documented example credential")
	}
	if _, err := (Maintenance{TechnicianHash: "x"}).CheckTechnicianCredential("a"); err == nil {
		t.Error("malformed hash accepted")
	}
}

func TestLanguageWithoutMessagesIsRefused(t *testing.T) {
	_, err := Parse([]byte(strings.Replace(validTOML, `languages = ["ja", "en"]`, `languages = ["ja", "fr"]`, 1)))
	if err == nil || !strings.Contains(err.Error(), "languages[1]") || !strings.Contains(err.Error(), "message files") {
		t.Fatalf("French: %v", err)
	}
}
