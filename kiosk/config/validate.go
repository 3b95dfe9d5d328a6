package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FieldError is one problem with one key.
type FieldError struct {
	Key     string // dotted TOML key, e.g. "printer.document.url"
	Problem string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Problem }

// Problems is every problem found in one configuration.
type Problems []*FieldError

func (p Problems) Error() string {
	s := make([]string, len(p))
	for i, e := range p {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap lets errors.As find each *FieldError.
func (p Problems) Unwrap() []error {
	errs := make([]error, len(p))
	for i, e := range p {
		errs[i] = e
	}
	return errs
}

type checker struct{ p Problems }

func (c *checker) add(key, format string, args ...any) {
	c.p = append(c.p, &FieldError{Key: key, Problem: fmt.Sprintf(format, args...)})
}

var (
	kioskIDRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,31}$`)
	languageRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// standard serial speeds a receipt printer is set to by DIP switch
var bauds = []int{9600, 19200, 38400, 57600, 115200}

// Validate checks the configuration's own consistency and returns Problems, or nil.
func (c *Config) Validate() error {
	var v checker
	if !kioskIDRe.MatchString(c.KioskID) {
		if c.KioskID == "" {
			v.add("kiosk_id", "missing")
		} else {
			v.add("kiosk_id", "%q is not 1-32 letters, digits and '-'", c.KioskID)
		}
	}
	if len(c.Languages) == 0 {
		v.add("languages", "empty: at least one language is needed")
	}
	for i, l := range c.Languages {
		if !languageRe.MatchString(l) {
			v.add(fmt.Sprintf("languages[%d]", i), "%q is not a language tag like \"ja\" or \"zh\"", l)
		} else if !slices.Contains(Languages, l) {
			v.add(fmt.Sprintf("languages[%d]", i), "%q has no message files; the screen speaks %v", l, Languages)
		} else if slices.Index(c.Languages, l) != i {
			v.add(fmt.Sprintf("languages[%d]", i), "%q listed twice", l)
		}
	}
	c.validateCenter(&v)
	if strings.TrimSpace(c.Card.Reader) == "" {
		v.add("card.reader", "empty: give a reader name pattern (\"*\" takes the first reader)")
	}
	c.validatePrinters(&v)
	c.validateGPIO(&v)
	c.validateCoin(&v)
	c.validateStorage(&v)
	c.validateTimeouts(&v)
	if l := c.Metrics.Listen; l != "" {
		host, port, err := net.SplitHostPort(l)
		switch {
		case err != nil:
			v.add("metrics.listen", "%q is not host:port", l)
		case !loopback(host):
			v.add("metrics.listen", "%q is not a loopback address (metrics stay on localhost)", host)
		case !validPort(port):
			v.add("metrics.listen", "port %q is not 1-65535", port)
		}
	}
	c.validateMaintenance(&v)
	if len(v.p) > 0 {
		return v.p
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536
}

func (c *Config) validateCenter(v *checker) {
	ce := c.Center
	if ce.URL == "" {
		if !c.Demo {
			v.add("center.url", "missing (only demo mode runs without a center)")
		}
	} else if u, err := url.Parse(ce.URL); err != nil || u.Host == "" || u.Scheme != "https" {
		v.add("center.url", "%q is not an https URL (the center is reached with mutual TLS)", ce.URL)
	} else {
		for key, f := range map[string]string{"center.ca_file": ce.CAFile, "center.cert_file": ce.CertFile, "center.key_file": ce.KeyFile,
			"center.document_keys": ce.DocumentKeys} {
			if f == "" {
				v.add(key, "missing (needed for mutual TLS with center.url)")
			}
		}
	}
	if ce.Timeout < time.Second || ce.Timeout > 5*time.Minute {
		v.add("center.timeout", "%v is outside 1s-5m", ce.Timeout)
	}
}

func (c *Config) validatePrinters(v *checker) {
	d := c.Printer.Document
	switch {
	case d.URL != "" && d.Dir != "":
		v.add("printer.document", "both url and dir set; choose one")
	case d.URL == "" && d.Dir == "":
		v.add("printer.document", "neither url nor dir set")
	case d.URL != "":
		u, err := url.Parse(d.URL)
		if err != nil || u.Host == "" || !slices.Contains([]string{"ipp", "ipps", "http", "https"}, u.Scheme) {
			v.add("printer.document.url", "%q is not an ipp(s) or http(s) URL", d.URL)
		}
	case !c.Demo:
		v.add("printer.document.dir", "a file printer is for demo mode only; set printer.document.url")
	}
	r := c.Printer.Receipt
	if r.Device == "" {
		if !c.Demo {
			v.add("printer.receipt.device", "missing")
		}
	} else if !strings.HasPrefix(r.Device, "/dev/") {
		v.add("printer.receipt.device", "%q is not a /dev path", r.Device)
	}
	if !slices.Contains(bauds, r.Baud) {
		v.add("printer.receipt.baud", "%d is not one of %v", r.Baud, bauds)
	}
}

func (c *Config) validateGPIO(v *checker) {
	g := c.GPIO
	used := map[string]string{} // line name -> key
	use := func(key, name string) {
		if name == "" {
			return
		}
		if prev, dup := used[name]; dup {
			v.add(key, "line %q is already used by %s", name, prev)
			return
		}
		used[name] = key
	}
	for _, kv := range [][2]string{
		{"gpio.card_led", g.CardLED}, {"gpio.card_sensor", g.CardSensor}, {"gpio.buzzer", g.Buzzer},
		{"gpio.maintenance_key", g.MaintenanceKey}, {"gpio.paper_sensor", g.PaperSensor},
		{"gpio.door_sensor", g.DoorSensor}, {"gpio.tray_sensor", g.TraySensor}, {"gpio.coin", g.Coin},
	} {
		use(kv[0], kv[1])
	}
	if len(g.KeypadRows)+len(g.KeypadCols) > 0 {
		if len(g.KeypadRows) != 4 {
			v.add("gpio.keypad_rows", "%d lines, want 4 (top row first)", len(g.KeypadRows))
		}
		if len(g.KeypadCols) != 3 {
			v.add("gpio.keypad_cols", "%d lines, want 3 (left column first)", len(g.KeypadCols))
		}
	}
	for i, n := range g.KeypadRows {
		k := fmt.Sprintf("gpio.keypad_rows[%d]", i)
		if n == "" {
			v.add(k, "empty line name")
		}
		use(k, n)
	}
	for i, n := range g.KeypadCols {
		k := fmt.Sprintf("gpio.keypad_cols[%d]", i)
		if n == "" {
			v.add(k, "empty line name")
		}
		use(k, n)
	}
	for i, n := range g.ActiveHigh {
		if _, ok := used[n]; !ok {
			v.add(fmt.Sprintf("gpio.active_high[%d]", i), "line %q is not assigned to any part", n)
		}
	}
	if !c.Demo && g.CardSensor == "" && g.CardLED == "" && g.Coin == "" && g.MaintenanceKey == "" {
		// Not an error in itself (a terminal may have no panel), but a kiosk with neither the
		// maintenance key nor a coin line is almost always a forgotten [gpio] table.
		v.add("gpio", "no panel lines set outside demo mode; set at least gpio.maintenance_key")
	}
}

func (c *Config) validateCoin(v *checker) {
	co := c.Coin
	if co.YenPerPulse <= 0 {
		v.add("coin.yen_per_pulse", "%d is not positive", co.YenPerPulse)
		return
	}
	if len(co.Accept) == 0 {
		v.add("coin.accept", "empty: no coin would be accepted")
	}
	for i, y := range co.Accept {
		k := fmt.Sprintf("coin.accept[%d]", i)
		switch {
		case !slices.Contains([]int{1, 5, 10, 50, 100, 500}, y):
			v.add(k, "%d is not a Japanese coin", y)
		case y%co.YenPerPulse != 0:
			v.add(k, "%d yen is not a whole number of %d-yen pulses", y, co.YenPerPulse)
		case slices.Index(co.Accept, y) != i:
			v.add(k, "%d listed twice", y)
		}
	}
}

func (c *Config) validateStorage(v *checker) {
	s := c.Storage
	switch {
	case s.Outbox == "":
		v.add("storage.outbox", "missing")
	case !path.IsAbs(s.Outbox) && !c.Demo:
		v.add("storage.outbox", "%q is not an absolute path", s.Outbox)
	}
	if s.OutboxCapacity <= 0 {
		v.add("storage.outbox_capacity", "%d is not positive", s.OutboxCapacity)
	}
	if s.JournalCapacity < 1000 {
		v.add("storage.journal_capacity", "%d is fewer than 1000 entries (a day of a busy kiosk)", s.JournalCapacity)
	}
	if s.MinFreeMB < 0 {
		v.add("storage.min_free_mb", "%d is negative", s.MinFreeMB)
	}
}

func (c *Config) validateTimeouts(v *checker) {
	t := c.Timeouts
	if t.Inactivity < 10*time.Second || t.Inactivity > 10*time.Minute {
		v.add("timeouts.inactivity", "%v is outside 10s-10m", t.Inactivity)
	}
	if t.Warning <= 0 {
		v.add("timeouts.warning", "%v is not positive", t.Warning)
	} else if t.Warning >= t.Inactivity {
		v.add("timeouts.warning", "%v is not shorter than timeouts.inactivity (%v)", t.Warning, t.Inactivity)
	}
	if t.Printing < 10*time.Second || t.Printing > 30*time.Minute {
		v.add("timeouts.printing", "%v is outside 10s-30m", t.Printing)
	}
}

// ExampleTechnicianHash is the hash in assets/config/terminal.toml, of a published example
// credential. It is refused outside demo mode so a terminal never goes live with it.
const ExampleTechnicianHash = "pbkdf2-sha256$600000$Y2VydGtpb3NrLWV4YW1wbGU$B9cCur7tMPQ/CrNViSf7g9KaDkpZjuN4nqJOnsd5LT0"

// minPBKDF2Iterations follows OWASP's 2023 floor for PBKDF2-HMAC-SHA256.
const minPBKDF2Iterations = 600_000

func (c *Config) validateMaintenance(v *checker) {
	m := c.Maintenance
	if m.TechnicianHash == "" {
		if !c.Demo {
			v.add("maintenance.technician_hash", "missing (technicians could only use the key switch)")
		}
	} else if m.TechnicianHash == ExampleTechnicianHash && !c.Demo {
		v.add("maintenance.technician_hash", "is the published example from assets/config; make your own with kioskctl hash-credential")
	} else if err := checkHash(m.TechnicianHash); err != nil {
		// never echo the value: it is a secret
		v.add("maintenance.technician_hash", "%v", err)
	}
	if m.MaxAttempts < 1 || m.MaxAttempts > 10 {
		v.add("maintenance.max_attempts", "%d is outside 1-10", m.MaxAttempts)
	}
	if m.Lockout < time.Minute {
		v.add("maintenance.lockout", "%v is shorter than 1m", m.Lockout)
	}
}

func checkHash(s string) error {
	parts := strings.Split(s, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return fmt.Errorf("not of the form pbkdf2-sha256$<iterations>$<salt>$<key>")
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < minPBKDF2Iterations {
		return fmt.Errorf("iterations %q below %d", parts[1], minPBKDF2Iterations)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || len(salt) < 16 {
		return fmt.Errorf("salt is not base64 (unpadded) of at least 16 bytes")
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[3])
	if err != nil || len(key) != 32 {
		return fmt.Errorf("key is not base64 (unpadded) of 32 bytes")
	}
	return nil
}
