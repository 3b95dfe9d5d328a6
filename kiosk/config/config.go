package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Languages are the languages the screen has message files for (ui.Languages; a test in ui
// keeps the two lists equal): Japanese, English, Simplified Chinese, Korean, Vietnamese,
// Portuguese (Brazil), Spanish, Tagalog.
var Languages = []string{"ja", "en", "zh", "ko", "vi", "pt", "es", "tl"}

// Config is the whole kiosk configuration. Field tags are the TOML keys.
type Config struct {
	// KioskID names this terminal to the center and in the journal.
	KioskID string `toml:"kiosk_id"`
	// Demo runs everything embedded: center, simulated cards, file printer, on-screen coins.
	Demo bool `toml:"demo"`
	// Languages offered on screen, the first being the default.
	Languages []string `toml:"languages"`

	Center      Center      `toml:"center"`
	Card        Card        `toml:"card"`
	Printer     Printer     `toml:"printer"`
	GPIO        GPIO        `toml:"gpio"`
	Coin        Coin        `toml:"coin"`
	Storage     Storage     `toml:"storage"`
	Timeouts    Timeouts    `toml:"timeouts"`
	Metrics     Metrics     `toml:"metrics"`
	Maintenance Maintenance `toml:"maintenance"`
	Sound       Sound       `toml:"sound"`

	// Source is where the configuration came from; not a TOML key.
	Source Source `toml:"-"`
}

// Source identifies a loaded configuration file, for self-test reports and logs.
type Source struct {
	Path   string
	SHA256 string // hex of the file's bytes
}

// Center is the issuing center and the kiosk's mutual-TLS identity.
type Center struct {
	URL      string `toml:"url"`       // https://…; empty in demo mode (embedded center)
	CAFile   string `toml:"ca_file"`   // the pinned center CA (PEM)
	CertFile string `toml:"cert_file"` // the kiosk's device certificate (PEM)
	KeyFile  string `toml:"key_file"`  // its private key (PEM): secret, masked
	// DocumentKeys is the municipalities' document-signing public keys (JSON: key id → base64
	// Ed25519), as centerd export-kiosk writes them: a page is printed only under one of these.
	DocumentKeys string        `toml:"document_keys"`
	Timeout      time.Duration `toml:"timeout"` // per request
}

// Card is the PC/SC card reader.
type Card struct {
	// Reader is a pattern against PC/SC reader names where "*" stands for any characters
	// (hw/card.MatchReader); "*" takes the first reader.
	Reader string `toml:"reader"`
}

// Printer holds both printers.
type Printer struct {
	Document DocumentPrinter `toml:"document"`
	Receipt  ReceiptPrinter  `toml:"receipt"`
}

// DocumentPrinter is the A4 engine: an IPP printer, or (demo, tests) a directory to write pages to.
type DocumentPrinter struct {
	URL string `toml:"url"`
	Dir string `toml:"dir"`
}

// ReceiptPrinter is the ESC/POS printer on a serial line. Empty Device means none.
type ReceiptPrinter struct {
	Device string `toml:"device"`
	Baud   int    `toml:"baud"`
}

// GPIO names the panel's lines by their kernel line names (gpioinfo). Empty means not fitted.
type GPIO struct {
	CardLED        string   `toml:"card_led"`
	CardSensor     string   `toml:"card_sensor"`
	Buzzer         string   `toml:"buzzer"`
	MaintenanceKey string   `toml:"maintenance_key"`
	PaperSensor    string   `toml:"paper_sensor"`
	DoorSensor     string   `toml:"door_sensor"`
	TraySensor     string   `toml:"tray_sensor"` // the output tray: printed sheets lie in it
	Coin           string   `toml:"coin"`
	KeypadRows     []string `toml:"keypad_rows"` // 4 lines, top row first
	KeypadCols     []string `toml:"keypad_cols"` // 3 lines, left column first
	// ActiveHigh lists lines wired active-high; the rest are active-low (pull-up, switch to ground).
	ActiveHigh []string `toml:"active_high"`
}

// Coin is the pulse coin acceptor's programming.
type Coin struct {
	YenPerPulse int   `toml:"yen_per_pulse"`
	Accept      []int `toml:"accept"` // coin values in yen
}

// Storage is where the outbox and the audit journal live: one bbolt file, so a record and the
// journal entry of the same act are written together (kiosk/outbox).
type Storage struct {
	Outbox          string `toml:"outbox"`
	OutboxCapacity  int    `toml:"outbox_capacity"`  // records held before the kiosk stops taking new work
	JournalCapacity int    `toml:"journal_capacity"` // journal entries kept; the oldest are pruned daily
	MinFreeMB       int    `toml:"min_free_mb"`      // self-test fails below this
}

// Timeouts of the resident's session.
type Timeouts struct {
	Inactivity time.Duration `toml:"inactivity"` // no touch: the transaction is aborted
	Warning    time.Duration `toml:"warning"`    // shown this long before Inactivity ends
	Printing   time.Duration `toml:"printing"`   // a job longer than this is a printer fault
}

// Metrics is the Prometheus and health endpoint, localhost only.
type Metrics struct {
	Listen string `toml:"listen"` // host:port on loopback; empty disables
}

// Maintenance is the technician's access.
type Maintenance struct {
	// TechnicianHash is the technician credential as
	// "pbkdf2-sha256$<iterations>$<salt base64>$<key base64>": secret, masked.
	TechnicianHash string        `toml:"technician_hash"`
	MaxAttempts    int           `toml:"max_attempts"` // wrong credentials before lock-out
	Lockout        time.Duration `toml:"lockout"`
}

// Sound is the speaker behind the screen (ALSA's default PCM; the card is chosen in
// /etc/asound.conf). Speaker false means none is fitted: the kiosk then uses only the buzzer and
// the self-test skips the sound check.
type Sound struct {
	Speaker bool `toml:"speaker"`
}

// Default returns the defaults that a file overrides key by key.
func Default() Config {
	return Config{
		Languages: []string{"ja", "en"},
		Center:    Center{Timeout: 10 * time.Second},
		Card:      Card{Reader: "*"},
		Printer:   Printer{Receipt: ReceiptPrinter{Baud: 19200}},
		Coin:      Coin{YenPerPulse: 10, Accept: []int{10, 50, 100, 500}},
		Storage: Storage{
			Outbox:          "/var/lib/certkiosk/outbox.db",
			OutboxCapacity:  100_000,
			JournalCapacity: 1_000_000,
			MinFreeMB:       200,
		},
		Timeouts:    Timeouts{Inactivity: 60 * time.Second, Warning: 15 * time.Second, Printing: 2 * time.Minute},
		Metrics:     Metrics{Listen: "127.0.0.1:9464"},
		Maintenance: Maintenance{MaxAttempts: 3, Lockout: 15 * time.Minute},
		Sound:       Sound{Speaker: true},
	}
}

// Load reads, decodes and validates the file at path. The error names the file; validation
// problems come as Problems.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.Source.Path = path
	return c, nil
}

// Parse decodes and validates a configuration from TOML bytes.
func Parse(b []byte) (*Config, error) {
	c := Default()
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&c)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		var p Problems
		for _, k := range und {
			p = append(p, &FieldError{Key: k.String(), Problem: "unknown key"})
		}
		return nil, p
	}
	sum := sha256.Sum256(b)
	c.Source.SHA256 = hex.EncodeToString(sum[:])
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Masked is a copy safe to show: secrets are replaced by "(set)" or left empty when unset.
func (c Config) Masked() Config {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return Mask
	}
	c.Center.KeyFile = mask(c.Center.KeyFile)
	c.Maintenance.TechnicianHash = mask(c.Maintenance.TechnicianHash)
	c.Languages = append([]string(nil), c.Languages...)
	c.GPIO.KeypadRows = append([]string(nil), c.GPIO.KeypadRows...)
	c.GPIO.KeypadCols = append([]string(nil), c.GPIO.KeypadCols...)
	c.GPIO.ActiveHigh = append([]string(nil), c.GPIO.ActiveHigh...)
	c.Coin.Accept = append([]int(nil), c.Coin.Accept...)
	return c
}

// Mask replaces a secret in Masked.
const Mask = "(set, not shown)"

// TOML renders the configuration as TOML (use on Masked for display).
func (c Config) TOML() (string, error) {
	var b strings.Builder
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return "", fmt.Errorf("encode config: %w", err)
	}
	return b.String(), nil
}
